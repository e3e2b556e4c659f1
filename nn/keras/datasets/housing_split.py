"""The housing datasets' split, as Keras' load_data() makes it."""
import numpy as np

from ..get_file import get_file
from .npz_members import load_npz
from .origins import TF_KERAS_DATASETS


def check_test_split(test_split):
    """Keras' ValueError for a test_split outside [0, 1)."""
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")


def housing_arrays(path, origin_name, file_hash):
    """(x, y) of Keras' housing .npz `origin_name`, cached as `path` in $KERAS_HOME/datasets."""
    arrays = load_npz(get_file(path, origin=TF_KERAS_DATASETS + origin_name, file_hash=file_hash),
                      objects=False)
    return arrays["x"], arrays["y"]


def shuffled_split(x, y, test_split, seed):
    """((x_train, y_train), (x_test, y_test)): (x, y) shuffled by np.random.RandomState(seed),
    the first int(n * (1 - test_split)) for training."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
