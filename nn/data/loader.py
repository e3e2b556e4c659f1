"""DataLoader: iterate over a dataset in (optionally shuffled) mini-batches."""
import numbers
import threading

import numpy as np

from autograd.arguments import integer_indices, nonnegative_int, positive_int, seed_or_drawn
from autograd.user_warnings import user_warning

from .book_names import BookLoaderNames
from .collate import default_collate
from .dataset import batch_getter
from .generators import is_torch_generator, pass_generator, seed_of
from .iterable import is_stream
from .sampler import (
    BatchSampler,
    InfiniteConstantSampler,
    Sampler,
    SequentialSampler,
    boolean_argument,
    chunks,
    num_batches,
    random_order,
)


class DataLoader(BookLoaderNames):
    """Yield mini-batches of `dataset` as NumPy arrays.

    Each batch mirrors a sample: a TensorDataset(x, y) gives `(x_batch, y_batch)` with
    shapes (B, *x.shape[1:]) and (B, *y.shape[1:]). `len(loader)` is the number of
    batches: ceil(n / batch_size), or floor(...) with drop_last=True.

    With shuffle=True every pass (epoch) uses a new order, RandomSampler's draw; epoch k's
    order depends only on (seed, k), so two loaders made with the same seed yield the same
    batches. Given a torch.Generator instead, each pass draws its order's seed from it, as
    PyTorch's RandomSampler does: its state when the pass starts decides the order.
    Datasets with a `get_batch(index)` method (TensorDataset, its Subsets) are sliced
    whole batches at a time instead of being stacked sample by sample.

    sampler: an iterable of dataset indices with len() (e.g. nn.distributed.
    DistributedSampler, RandomSampler, or PyTorch's own) that decides which samples come,
    in which order; it excludes shuffle=True, as in PyTorch. batch_sampler: an iterable of
    lists of indices (BatchSampler), each list one batch; it excludes batch_size, shuffle,
    sampler and drop_last, and `batch_size` is then None, as in PyTorch. Without them,
    `loader.sampler` and `loader.batch_sampler` are PyTorch's defaults: a SequentialSampler,
    or (shuffle=True) a sampler yielding the order of the loader's next pass, and a
    BatchSampler of it.

    An IterableDataset (this package's or PyTorch's) is read as its stream comes,
    `batch_size` samples a batch (the last shorter, or dropped with drop_last); it takes no
    shuffle, sampler or batch_sampler, and len(loader) needs the dataset's len.

    collate_fn: makes a batch of a list of samples; by default `default_collate`, which
    mirrors the samples' structure (tuples, lists, dicts, nested) with stacked arrays.

    batch_size must be a positive integer. PyTorch's batch_size=None ("no batching", one
    sample at a time without a batch axis) is refused rather than half-supported:
    iterate over the dataset itself for single samples.

    PyTorch's other arguments, so its scripts run unchanged: `generator` (a NumPy
    Generator draws the seed, as `seed` would; a torch.Generator, see above); batches are
    made in this process, so num_workers > 0 says so once and loads as 0 does (the same
    batches: NumPy slicing of in-memory arrays is rarely worth a process), and the workers'
    settings (worker_init_fn, which PyTorch calls in worker processes only, prefetch_factor,
    persistent_workers, timeout, multiprocessing_context, in_order) and pin_memory,
    pin_memory_device (a CUDA host-copy optimization) change nothing, though values
    PyTorch refuses are refused (so a script that runs here runs there).
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 sampler=None, collate_fn=None, *, batch_sampler=None, generator=None,
                 num_workers=0, pin_memory=False, worker_init_fn=None, prefetch_factor=None,
                 persistent_workers=False, timeout=0, multiprocessing_context=None,
                 pin_memory_device="", in_order=True):
        _check_workers(num_workers, prefetch_factor, persistent_workers, timeout, worker_init_fn)
        _check_context(multiprocessing_context, num_workers)
        # PyTorch's settings kept as given (a script may read them), though unused here
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.multiprocessing_context = multiprocessing_context
        self.pin_memory_device, self.in_order = pin_memory_device, in_order
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers, self.generator = persistent_workers, generator
        if num_workers:
            user_warning(f"DataLoader: num_workers={num_workers}: batches are loaded in this "
                         "process (the same batches as num_workers=0)")
        self._generator = None  # a torch.Generator, drawn from at each pass
        if generator is not None:
            if seed is not None:
                raise ValueError("DataLoader: give seed or generator, not both")
            if is_torch_generator(generator):
                self._generator = generator
            else:
                seed = seed_of(generator)
        self.dataset = dataset
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got "
                            f"{type(collate_fn).__name__}")
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        _check_sampling(dataset, shuffle, sampler, batch_sampler, batch_size, drop_last)
        self._sampler, self._batch_sampler = sampler, batch_sampler
        hint = (" (there is no unbatched mode, PyTorch's batch_size=None: iterate over "
                "the dataset for single samples)") if batch_size is None else ""
        self.batch_size = None if batch_sampler is not None else positive_int(
            batch_size, "batch_size", "DataLoader", hint)
        self.shuffle = shuffle
        self.drop_last = boolean_argument(drop_last, "drop_last", "DataLoader")
        # Without a seed, one drawn now from NumPy's global generator (see seed_or_drawn),
        # only by a loader that shuffles: another leaves the global draws as they were
        draws = (shuffle or seed is not None) and self._generator is None
        self.seed = seed_or_drawn(seed, "DataLoader") if draws else None
        self.epoch = 0
        self._made = True

    def __setattr__(self, name, value):
        # (a pass under way would read the old length with the new data: empty batches)
        if name in ("dataset", "batch_size", "drop_last") and self.__dict__.get("_made"):
            raise ValueError(f"DataLoader: the {name} attribute should not be set after the "
                             "DataLoader is made (PyTorch's rule): make another DataLoader")
        object.__setattr__(self, name, value)

    @property
    def sampler(self):
        """The sampler given, else PyTorch's default: SequentialSampler, the shuffled
        order of the next pass (with a torch.Generator, iterating it draws from the
        generator, as PyTorch's RandomSampler does), or for an IterableDataset an endless
        None (its stream decides). The same object each time."""
        if self._sampler is not None:
            return self._sampler
        default = self.__dict__.get("_default_sampler")
        if default is None or isinstance(default, _NextOrder) != bool(self.shuffle):
            default = (InfiniteConstantSampler() if is_stream(self.dataset)
                       else _NextOrder(self) if self.shuffle else SequentialSampler(self.dataset))
            self._default_sampler = default
        return default

    @sampler.setter
    def sampler(self, value):
        raise ValueError("DataLoader: the sampler attribute should not be set after the "
                         "DataLoader is made (PyTorch's rule): make another DataLoader")

    @property
    def batch_sampler(self):
        """The batch_sampler given, else BatchSampler(sampler, batch_size, drop_last)."""
        if self._batch_sampler is not None:
            return self._batch_sampler
        return BatchSampler(self.sampler, self.batch_size, self.drop_last)

    @batch_sampler.setter
    def batch_sampler(self, value):
        raise ValueError("DataLoader: the batch_sampler attribute should not be set after "
                         "the DataLoader is made (PyTorch's rule): make another DataLoader")

    def __len__(self):
        if self._batch_sampler is not None:
            return len(self._batch_sampler)
        n = len(self.dataset) if self._sampler is None else len(self._sampler)
        return num_batches(n, self.batch_size, self.drop_last)

    def _order(self, epoch):
        """Pass `epoch`'s permutation (or the sampler's indices), or None to keep the
        dataset's order."""
        if self._sampler is not None:
            return _indices_or_keys(list(self._sampler), "DataLoader: the sampler's")
        if not self.shuffle:
            return None
        return self._shuffled(epoch)

    def _shuffled(self, epoch):
        """The permutation of pass `epoch`: it depends only on the seed and the epoch, or
        on a torch.Generator's state now."""
        n = len(self.dataset)
        if self._generator is not None:
            return random_order(n, n, pass_generator(self._generator, "DataLoader"))
        if self.seed is None:  # (shuffle switched on after construction)
            self.seed = seed_or_drawn(None, "DataLoader")
        return random_order(n, n, np.random.default_rng([epoch, self.seed]))

    def _fetch(self, index):
        if isinstance(index, list):  # a map-style dataset's keys (strings, tuples)
            return self.collate_fn(self._samples(index))
        get_batch = batch_getter(self.dataset)
        if get_batch is not None and self.collate_fn is default_collate:
            return get_batch(index)
        if isinstance(index, slice):
            index = range(index.start, index.stop)
        return self.collate_fn(self._samples([int(i) for i in index]))

    def _samples(self, keys):
        """dataset[key] for each key. A StopIteration from the dataset is named: inside this
        generator Python turns it into 'generator raised StopIteration' (PyTorch's loader
        ends the pass there without a word)."""
        samples = []
        for key in keys:
            try:
                samples.append(self.dataset[key])
            except StopIteration as exc:
                raise RuntimeError(f"DataLoader: {type(self.dataset).__name__}[{key!r}] raised "
                                   "StopIteration; a map-style dataset ends where its __len__ "
                                   "says (for an index out of range, raise IndexError)"
                                   ) from exc
        return samples

    def __iter__(self):
        if is_stream(self.dataset):
            for samples in chunks(self.dataset, self.batch_size, self.drop_last):
                yield self.collate_fn(samples)
        else:
            for index in self._batch_indices():
                yield self._fetch(index)

    def _batch_indices(self):
        """This pass's batches of dataset indices: slices in the dataset's order, else int
        arrays."""
        if self._batch_sampler is not None:
            for number, batch in enumerate(self._batch_sampler):
                batch = list(batch)
                if not batch:  # (read by get_batch it would be a batch of nothing)
                    raise ValueError(f"DataLoader: the batch_sampler's batch {number} is "
                                     "empty (each batch needs at least one index)")
                yield _indices_or_keys(batch, "DataLoader: the batch_sampler's")
            return
        with _TAKING_A_PASS:  # two threads iterating one loader each take a pass of their own
            epoch, self.epoch = self.epoch, self.epoch + 1
        order = self._order(epoch)
        n = len(self.dataset) if order is None else len(order)
        size = self.batch_size
        # (from the order drawn, not len(self): a sampler may be a one-off iterator, which
        # iterates as PyTorch's does, though it has no len())
        for b in range(num_batches(n, size, self.drop_last)):
            start, stop = b * size, min((b + 1) * size, n)
            # In order, a slice (get_batch copies it: a batch edited in place must not
            # change the dataset); shuffled, an index array.
            yield slice(start, stop) if order is None else order[start:stop]



# (module-level: a DataLoader is pickled to its worker processes, a lock is not)
_TAKING_A_PASS = threading.Lock()

def _indices_or_keys(values, who):
    """A sampler's `values`: integer indices as an int64 array, or, where they are keys of
    a map-style dataset (a string, a tuple: PyTorch passes any key on), the list itself.
    Numbers that are not integers (floats, booleans) are refused, not truncated."""
    if any(isinstance(v, (str, bytes, tuple)) for v in values):
        return values
    try:
        array = np.asarray(values)
    except ValueError:  # (ragged: items of several indices, of different lengths)
        array = None
    if array is None or array.ndim > 1:
        # flattened, they would be more samples than len(loader) counts
        several = next((v for v in values if isinstance(v, list) or getattr(v, "ndim", 0)),
                       values[0])
        raise ValueError(f"{who} items must be single indices, got an item of several "
                         f"({several!r:.60}); a sampler that yields lists of indices is a "
                         "batch_sampler=")
    return integer_indices(array, who)


class _NextOrder(Sampler):
    """A shuffling DataLoader's default sampler: the indices of its next pass, in order."""

    def __init__(self, loader):
        self.loader = loader

    def __iter__(self):
        return iter(self.loader._shuffled(self.loader.epoch).tolist())

    def __len__(self):
        return len(self.loader.dataset)


def _check_workers(num_workers, prefetch_factor, persistent_workers, timeout, worker_init_fn):
    """PyTorch's rules on the worker options, which this loader takes and does not use (its
    batches are made in this process): what PyTorch's workers would refuse is refused here
    too, when the loader is made, so a script that runs here runs there."""
    if not nonnegative_int(num_workers, "num_workers", "DataLoader"):
        for name, given in (("prefetch_factor", prefetch_factor is not None),
                            ("persistent_workers", persistent_workers)):
            if given:
                raise ValueError(f"DataLoader: {name} option could only be specified in "
                                 f"multiprocessing (num_workers > 0)")
    else:
        # (PyTorch: a ValueError below 0; 0 and 2.0 fail in its workers' iterator)
        if prefetch_factor is not None and (isinstance(prefetch_factor, bool) or not isinstance(
                prefetch_factor, numbers.Integral) or prefetch_factor < 1):
            raise ValueError(f"DataLoader: prefetch_factor must be a positive integer (the "
                             f"batches each worker loads ahead), got {prefetch_factor!r}")
        if worker_init_fn is not None and not callable(worker_init_fn):
            raise TypeError(f"DataLoader: worker_init_fn must be callable (PyTorch calls it "
                            f"in each worker), got {type(worker_init_fn).__name__}")
    if not isinstance(timeout, (int, float)) or timeout < 0:
        raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")


def _check_context(multiprocessing_context, num_workers):
    """PyTorch's rules on multiprocessing_context (kept, unused): only with workers, and a
    start method by name must be one this platform has."""
    if multiprocessing_context is None:
        return
    if not num_workers:
        raise ValueError(f"DataLoader: multiprocessing_context can only be used with "
                         f"multi-process loading (num_workers > 0), but got "
                         f"num_workers={num_workers!r}")
    if isinstance(multiprocessing_context, str):
        import multiprocessing  # (only a loader given a context by name needs it)
        methods = multiprocessing.get_all_start_methods()
        if multiprocessing_context not in methods:
            raise ValueError(f"DataLoader: multiprocessing_context option should specify a "
                             f"valid start method in {methods!r}, but got "
                             f"multiprocessing_context={multiprocessing_context!r}")


def _check_sampling(dataset, shuffle, sampler, batch_sampler, batch_size, drop_last):
    """PyTorch's rules on what decides the order and the batches, each broken one named."""
    if is_stream(dataset):
        given = {"shuffle": shuffle or None, "sampler": sampler, "batch_sampler": batch_sampler}
        for name, value in given.items():
            if value is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} "
                                 f"option, but got {name}={value!r} (a stream is batched in "
                                 "the order it yields)")
    if batch_sampler is not None:
        conflicts = {"batch_size": batch_size != 1, "shuffle": bool(shuffle),
                     "sampler": sampler is not None, "drop_last": bool(drop_last)}
        named = [name for name, clash in conflicts.items() if clash]
        if named:
            raise ValueError(f"DataLoader: batch_sampler option is mutually exclusive with "
                             f"batch_size, shuffle, sampler, and drop_last, but "
                             f"{' and '.join(named)} {'was' if len(named) == 1 else 'were'} "
                             "given too (the batch_sampler makes the batches)")
    if shuffle and sampler is None and batch_sampler is None and not is_stream(dataset) \
            and len(dataset) == 0:  # (PyTorch's RandomSampler refuses num_samples=0 too)
        raise ValueError("DataLoader: shuffle=True needs a non-empty dataset, got one of 0 "
                         "samples (there is nothing to shuffle)")
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: sampler and shuffle=True cannot be combined (the sampler "
                         "decides the order; RandomSampler and DistributedSampler shuffle "
                         "themselves)")


def get_worker_info():
    """PyTorch's get_worker_info(): None, as in PyTorch's main process, which is where every
    batch is made here (see DataLoader's num_workers), so an IterableDataset that splits its
    stream among workers reads the whole of it."""
    return None
