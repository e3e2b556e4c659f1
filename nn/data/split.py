"""random_split: cut a dataset into non-overlapping random subsets (PyTorch's rules)."""

import math
import numbers

import numpy as np

from autograd.arguments import seed_or_drawn

from .dataset import Subset
from .generators import seed_of


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
    global generator does (np.random.seed repeats it).
    """
    sizes = _split_lengths(len(dataset), lengths)
    if generator is not None:
        if seed is not None:
            raise ValueError("random_split: give seed or generator, not both")
        seed = seed_of(generator, "random_split")
    order = np.random.default_rng(seed_or_drawn(seed, "random_split")).permutation(
        len(dataset))
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
