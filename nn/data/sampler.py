"""Samplers: which dataset indices a DataLoader takes, in which order (PyTorch's classes).

A sampler is any iterable of indices (`sampler=`), or of lists of indices (`batch_sampler=`);
these are the usual ones. The random ones take a `generator`: a numpy.random.Generator
(advanced by every pass, so each pass differs and the same seed repeats the passes), a
torch.Generator (each pass draws its seed from it, as PyTorch's samplers draw from it: its
state when the pass starts decides the order), or None (each pass draws its seed from
NumPy's global state, so np.random.seed repeats them).
"""
import itertools

import numpy as np

from autograd.arguments import positive_int

from .generators import numpy_generator, pass_generator


def num_batches(n, batch_size, drop_last):
    """How many batches n items make: ceil(n / batch_size), floor with drop_last."""
    return n // batch_size if drop_last else -(-n // batch_size)


def random_order(n, count, rng):
    """`count` indices of range(n) as (int64,) permutations one after another, the last cut
    short (RandomSampler's draw without replacement; count <= n is one permutation's start)."""
    whole, rest = divmod(count, n) if n else (0, 0)
    parts = [rng.permutation(n) for _ in range(whole)] + ([rng.permutation(n)[:rest]] if rest
                                                          else [])
    return np.concatenate(parts) if parts else np.arange(0)


def chunks(items, size, drop_last):
    """Lists of `size` consecutive items of the iterable `items`; the last one shorter, or
    with `drop_last` left out."""
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        if drop_last and len(chunk) < size:
            return
        yield chunk


def boolean_argument(value, name, who, error=ValueError):
    """`value` if it is a bool, else `error` naming `who` and `name` (PyTorch's check)."""
    if not isinstance(value, bool):
        raise error(f"{who}: {name} should be a boolean value, but got {name}={value!r}")
    return value


class Sampler:
    """Base class: an iterable of dataset indices; subclasses define `__iter__` and, when
    they know it, `__len__` (PyTorch's base defines no len either)."""

    def __init__(self, data_source=None):
        del data_source  # (PyTorch's base takes and ignores it; old subclasses pass it on)

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """`num_samples` (default len(data_source)) random indices of data_source: permutations
    one after another without `replacement`, independent uniform draws with it."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = boolean_argument(replacement, "replacement", "RandomSampler", TypeError)
        if num_samples is None:
            positive_int(len(data_source), "num_samples", "RandomSampler",
                         " (len(data_source), as num_samples=None takes it)")
        self._num_samples = None if num_samples is None else positive_int(
            num_samples, "num_samples", "RandomSampler")
        self.generator = generator
        self._rng = numpy_generator(generator, "RandomSampler")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        if n == 0:
            raise ValueError("RandomSampler: data_source is empty, there is nothing to draw")
        rng = pass_generator(self._rng, "RandomSampler")
        draws = (rng.integers(0, n, size=self.num_samples) if self.replacement
                 else random_order(n, self.num_samples, rng))
        yield from draws.tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given `indices` in a random order (a new one every pass)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator
        self._rng = numpy_generator(generator, "SubsetRandomSampler")

    def __iter__(self):
        rng = pass_generator(self._rng, "SubsetRandomSampler")
        for i in rng.permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices of range(len(weights)), index i drawn with probability
    weights[i] / sum(weights) (weights: (n,), non-negative, not all zero). Without
    `replacement` an index comes at most once: each draw is among those not yet drawn."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        who = "WeightedRandomSampler"
        self.num_samples = positive_int(num_samples, "num_samples", who)
        self.replacement = boolean_argument(replacement, "replacement", who)
        self.weights = _checked_weights(weights)
        if not replacement and self.num_samples > len(self.weights):
            raise ValueError(f"{who}: cannot draw num_samples={self.num_samples} indices "
                             f"without replacement from {len(self.weights)} weights")
        self.generator = generator
        self._rng = numpy_generator(generator, who)

    def __iter__(self):
        rng = pass_generator(self._rng, "WeightedRandomSampler")
        if self.replacement:
            scaled = self.weights / self.weights.max()  # (1e308s would sum to inf)
            draws = rng.choice(len(self.weights), self.num_samples, p=scaled / scaled.sum())
        else:
            # Exponential race: index i "arrives" at Exp(1) / w_i; the earliest arrivals are a
            # draw without replacement in order (zero weights last, as torch.multinomial's).
            with np.errstate(divide="ignore", invalid="ignore"):
                arrivals = rng.standard_exponential(len(self.weights)) / self.weights
            draws = np.argsort(arrivals, kind="stable")[:self.num_samples]
        yield from draws.tolist()

    def __len__(self):
        return self.num_samples


def _checked_weights(weights):
    """`weights` as a float64 (n,) array of non-negative finite numbers, not all zero, else a
    ValueError saying what is wrong (torch.multinomial says it only when drawing)."""
    who = "WeightedRandomSampler"
    try:
        array = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{who}: weights must be numbers, got {weights!r:.60}") from error
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{who}: weights should be a non-empty 1d sequence but given weights "
                         f"have shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
    if bad.size:
        raise ValueError(f"{who}: weights must be finite and non-negative, got weights"
                         f"[{bad[0]}] = {array[bad[0]]}")
    if not array.any():
        raise ValueError(f"{who}: weights are all zero, so no index can be drawn")
    return array


class InfiniteConstantSampler(Sampler):
    """None, forever: the sampler of a DataLoader over an IterableDataset (PyTorch's
    `_InfiniteConstantSampler`), whose stream decides the samples, so there is no index."""

    def __iter__(self):
        while True:
            yield None


class BatchSampler(Sampler):
    """Lists of `batch_size` consecutive indices of `sampler` (any iterable of indices); the
    last list is shorter, or with `drop_last` left out."""

    def __init__(self, sampler, batch_size, drop_last):
        self.sampler = sampler
        self.batch_size = positive_int(batch_size, "batch_size", "BatchSampler")
        self.drop_last = boolean_argument(drop_last, "drop_last", "BatchSampler")

    def __iter__(self):
        return chunks(self.sampler, self.batch_size, self.drop_last)

    def __len__(self):
        return num_batches(len(self.sampler), self.batch_size, self.drop_last)


__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]
