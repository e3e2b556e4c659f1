"""Small tabular data sets that scikit-learn bundles, split and cast for training (the
breast cancer and diabetes sets ship with rungrad itself: nn.datasets.bundled).

scikit-learn is optional: it is imported only when one of these is called.
"""

import numpy as np

from ._split import standardized, train_test_split


def _load(name, test_size, seed, standardize):
    """Fetch sklearn.datasets.load_<name>() and split it.

    x: float32 (n, features); y: int64 class labels; the split is stratified.
    """
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(f"{name} needs scikit-learn: pip install 'rungrad[datasets]'") \
            from None
    bunch = getattr(datasets, f"load_{name}")()
    x = bunch.data.astype(np.float32)
    (x_train, y_train), (x_test, y_test) = train_test_split(
        x, bunch.target.astype(np.int64), test_size=test_size, seed=seed)
    if standardize:
        x_train, x_test = standardized(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)


def iris(test_size=0.2, seed=0, standardize=False):
    """Iris: 150 flowers, 4 features, 3 classes. ((x_train, y_train), (x_test, y_test))."""
    return _load("iris", test_size, seed, standardize)


def wine(test_size=0.2, seed=0, standardize=False):
    """Wine: 178 samples, 13 features, 3 cultivars."""
    return _load("wine", test_size, seed, standardize)
