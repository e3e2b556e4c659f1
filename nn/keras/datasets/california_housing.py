"""keras.datasets.california_housing: California Housing prices (1990 census, StatLib), as
Keras' load_data() gives them.

The file is Keras' own (california_housing.npz from Keras' origin, checked by its sha256,
cached in $KERAS_HOME/datasets: a Keras cache is reused)."""
from .housing_split import check_test_split, housing_arrays, shuffled_split

FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
VERSIONS = ("large", "small")


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)): x of shape (n, 8) (MedInc, HouseAge,
    AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude), y median house values
    in $ of shape (n,); all 20,640 samples ('large') or the first 600 ('small'), shuffled by
    np.random.RandomState(seed), the first int(n * (1 - test_split)) for training."""
    check_test_split(test_split)
    if version not in VERSIONS:  # (Keras downloads first: here, refused before)
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    x, y = housing_arrays(path, "california_housing.npz", FILE_HASH)
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffled_split(x, y, test_split, seed)
