"""Splits: random_split cuts a dataset into non-overlapping random subsets (PyTorch's
rules); train_test_split cuts arrays into a training and a test part, stratified by class
if asked (scikit-learn's)."""

import math
import numbers

import numpy as np

from autograd.arguments import seed_or_drawn
from autograd.user_warnings import user_warning

from .dataset import Subset
from .generators import is_torch_generator, seed_of


def _split_lengths(n, lengths):
    """Integer lengths summing to `n`; fractions are floored, the remainder is dealt
    one by one to the first subsets, as PyTorch does."""
    lengths = list(lengths)
    for k in lengths:
        if not isinstance(k, numbers.Real) or isinstance(k, bool):
            raise TypeError(f"random_split: lengths must be numbers (sizes, or fractions "
                            f"summing to 1), got {k!r}")
    if any(not math.isfinite(k) for k in lengths):
        raise ValueError(f"random_split: lengths must be finite, got {lengths}")
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {lengths}")
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:  # (PyTorch warns too)
                user_warning(f"random_split: the split at index {i} has 0 samples (fraction "
                             f"{lengths[i]} of {n})", UserWarning)
        return sizes
    if math.isclose(sum(lengths), 1) and any(int(k) != k for k in lengths):
        raise ValueError(f"random_split: the fractions sum to {sum(lengths)!r}, a rounding "
                         "above 1, which PyTorch refuses too: make the last one 1 minus the "
                         "others' sum")
    if any(int(k) != k or k < 0 for k in lengths):
        raise ValueError(f"random_split: lengths must be non-negative integers or "
                         f"fractions summing to 1, got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} sum to {sum(lengths)}, "
                         f"but the dataset has {n} samples")
    return [int(k) for k in lengths]


def random_split(dataset, lengths, seed=None, *, generator=None):
    """Split `dataset` into `Subset`s of the given sizes, drawn at random.

    lengths: integers summing to len(dataset), or fractions summing to 1
    (e.g. [0.8, 0.2]). The same `seed` gives the same split; PyTorch's `generator` (a NumPy
    Generator, or a torch.Generator's seed) draws the seed instead; without either, NumPy's
    global generator does (np.random.seed repeats it). A generator given third, PyTorch's
    `random_split(dataset, lengths, generator)`, is taken as `generator`.
    """
    sizes = _split_lengths(len(dataset), lengths)
    if generator is None and (isinstance(seed, np.random.Generator) or
                              is_torch_generator(seed)):
        seed, generator = None, seed
    if generator is not None:
        if seed is not None:
            raise ValueError("random_split: give seed or generator, not both")
        seed = seed_of(generator, "random_split")
    order = np.random.default_rng(seed_or_drawn(seed, "random_split")).permutation(
        len(dataset))
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def train_test_split(*arrays, test_size=None, train_size=None, shuffle=True, stratify=None,
                     seed=None, random_state=None):
    """scikit-learn's train_test_split: each array (N samples along its first axis: a NumPy
    array, a Variable or a list) cut into a training and a test part, returned as
    [a_train, a_test, b_train, b_test, ...].

    test_size, train_size: fractions of N (the test's rounded up, the training's down) or
    counts; 0.25 for the test by default, the other the rest. stratify: the labels (N,),
    each class keeping its share on both sides (the notes' balanced split; each class needs
    2 samples). shuffle=False: the first samples train, the next test. seed (scikit-learn's
    random_state): the same seed, the same split; without one, NumPy's global generator
    draws it (np.random.seed repeats it).

    >>> import numpy as np
    >>> x, y = np.arange(20).reshape(10, 2), np.array([0] * 5 + [1] * 5)
    >>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.4, stratify=y,
    ...                                                     seed=0)
    >>> x_train.shape, np.bincount(y_test)
    ((6, 2), array([2, 2]))
    """
    if not arrays:
        raise TypeError("train_test_split: give at least one array to split")
    n = _common_length(arrays)
    n_test, n_train = _split_sizes(n, test_size, train_size)
    if random_state is not None:
        if seed is not None:
            raise ValueError("train_test_split: give seed or random_state, not both")
        seed = random_state
    if not shuffle:
        if stratify is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True (scikit-learn's "
                             "rule: an unshuffled split keeps the samples' order)")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        rng = np.random.default_rng(seed_or_drawn(seed, "train_test_split"))
        train, test = (_stratified(stratify, n, n_train, n_test, rng) if stratify is not None
                       else np.split(rng.permutation(n)[:n_train + n_test], [n_train]))
    return [part for array in arrays for part in (_take(array, train), _take(array, test))]


def _common_length(arrays):
    lengths = [len(array) for array in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"train_test_split: the arrays hold different numbers of samples "
                         f"{lengths}; each needs one row per sample")
    return lengths[0]


def _split_sizes(n, test_size, train_size):
    """(test count, training count) of n samples, as scikit-learn counts them."""
    if test_size is None and train_size is None:
        test_size = 0.25
    n_test = None if test_size is None else _count(test_size, n, "test_size", math.ceil)
    n_train = None if train_size is None else _count(train_size, n, "train_size", math.floor)
    if isinstance(test_size, float) and isinstance(train_size, float) and \
            test_size + train_size > 1:
        raise ValueError(f"train_test_split: test_size={test_size!r} and "
                         f"train_size={train_size!r} add up to more than 1")
    n_test = n - n_train if n_test is None else n_test
    n_train = n - n_test if n_train is None else n_train
    if n_train + n_test > n:
        raise ValueError(f"train_test_split: {n_train} training and {n_test} test samples "
                         f"are more than the {n} given")
    if n_train == 0 or n_test == 0:
        raise ValueError(f"train_test_split: with {n} samples, test_size={test_size!r} and "
                         f"train_size={train_size!r} leave the "
                         f"{'training' if n_train == 0 else 'test'} part empty")
    return n_test, n_train


def _count(size, n, name, rounding):
    """A fraction in (0, 1) of n, rounded as given, or a count in [1, n)."""
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"train_test_split: {name} must be a fraction or a count, got {size!r}")
    if isinstance(size, numbers.Integral):
        if not 0 < size < n:
            raise ValueError(f"train_test_split: {name}={size} must be a count from 1 to {n - 1}")
        return int(size)
    if not 0 < size < 1:
        raise ValueError(f"train_test_split: {name}={size!r} must be a fraction in (0, 1)")
    return int(rounding(size * n))


def _stratified(labels, n, n_train, n_test, rng):
    """(train, test) indices holding each class's share of both counts."""
    labels = np.asarray(getattr(labels, "data", labels))
    if len(labels) != n:
        raise ValueError(f"train_test_split: stratify holds {len(labels)} labels for {n} "
                         "samples")
    classes, of_sample = np.unique(labels.reshape(n, -1), axis=0, return_inverse=True)
    counts = np.bincount(of_sample.reshape(-1))
    if counts.min() < 2:
        rare = classes[counts.argmin()]  # (a row of labels: a one-hot or multi-label class)
        raise ValueError(f"train_test_split: stratify: the class "
                         f"{rare[0] if len(rare) == 1 else tuple(rare.tolist())} has 1 "
                         "sample; each class needs at least 2 (one on each side)")
    if min(n_train, n_test) < len(classes):
        raise ValueError(f"train_test_split: stratify: {min(n_train, n_test)} samples cannot "
                         f"hold each of the {len(classes)} classes")
    in_test = _apportioned(counts, n_test, rng)
    in_train = _apportioned(counts - in_test, n_train, rng)
    train, test = [], []
    for k in range(len(classes)):
        members = rng.permutation(np.flatnonzero(of_sample.reshape(-1) == k))
        test.append(members[:in_test[k]])
        train.append(members[in_test[k]:in_test[k] + in_train[k]])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _apportioned(counts, total, rng):
    """`total` shared among classes in proportion to `counts`, never above a class's count:
    the whole parts, then one more to the largest remainders (ties at random)."""
    share = counts * (total / counts.sum())
    given = np.floor(share).astype(int)
    order = np.lexsort((rng.random(len(counts)), -(share - given)))
    for k in order:
        if given.sum() == total:
            break
        if given[k] < counts[k]:
            given[k] += 1
    return given


def _take(array, indices):
    """The samples at `indices`, as the kind of thing given (a list stays a list)."""
    if isinstance(array, list):
        return [array[i] for i in indices]
    return array[indices]
