"""A fixed, seeded train/test split for sources that ship none."""

import numbers

import numpy as np


def _test_indices(y, test_size, rng, stratify):
    """Indices of the test samples: round(test_size * count) from each class when
    stratifying (so small sets keep every class on both sides), else overall."""
    if not stratify:
        return rng.permutation(len(y))[:round(test_size * len(y))]
    picks = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        picks.append(rng.permutation(members)[:round(test_size * len(members))])
    return np.concatenate(picks)


def check_test_size(test_size, where=""):
    """Refuse a test_size that is not a real fraction in [0, 1): a bool (False is no
    fraction), a string, NaN or 1. Any real number type passes, numpy's included."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real) \
            or not 0 <= test_size < 1:
        raise ValueError(f"{where}test_size must be a fraction in [0, 1), got {test_size!r}")


def standardized(x_train, x_test):
    """Features scaled by the *training* part's mean and std (no peeking at the test set)."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1  # a constant feature stays constant instead of becoming NaN
    return (x_train - mean) / std, (x_test - mean) / std


def _rng(seed):
    """default_rng(seed), its errors naming the argument ('expected non-negative integer'
    alone does not say which)."""
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"seed must be a non-negative integer (or None), got {seed!r}: "
                        f"{exc}") from None


def train_test_split(x, y, test_size=0.2, seed=0, stratify=True):
    """((x_train, y_train), (x_test, y_test)), both sides in a seeded random order.

    x: (n, ...), y: (n, ...); test_size: fraction in [0, 1).
    """
    check_test_size(test_size)
    rng = _rng(seed)
    is_test = np.zeros(len(y), dtype=bool)
    is_test[_test_indices(y, test_size, rng, stratify)] = True
    train = rng.permutation(np.flatnonzero(~is_test))
    test = rng.permutation(np.flatnonzero(is_test))
    return (x[train], y[train]), (x[test], y[test])
