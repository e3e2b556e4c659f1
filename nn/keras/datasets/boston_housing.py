"""keras.datasets.boston_housing: the Boston Housing prices (StatLib), as Keras' load_data()
gives them. Keras warns of an ethical problem in this data set (its "B" variable):
keras.datasets.california_housing.load_data(version="small") is its replacement.

The file is Keras' own (boston_housing.npz from Keras' origin, checked by its sha256,
cached in $KERAS_HOME/datasets: a Keras cache is reused)."""
from .housing_split import check_test_split, housing_arrays, shuffled_split

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)): float64 x of shape (n, 13), y median prices
    in k$ of shape (n,); the 506 samples shuffled by np.random.RandomState(seed), the first
    int(506 * (1 - test_split)) for training. `path`: the cache file's name."""
    check_test_split(test_split)
    x, y = housing_arrays(path, "boston_housing.npz", FILE_HASH)
    return shuffled_split(x, y, test_split, seed)
