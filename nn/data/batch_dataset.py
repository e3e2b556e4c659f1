"""Keras' PyDataset (and its old name, Sequence): a dataset whose items are whole batches."""
import numpy as np


class PyDataset:
    """Subclass it and define `__getitem__(index)`, the batch `index` as (x, y) or
    (x, y, sample_weight) (x alone for predict), and `__len__`, the number of batches, as
    for Keras' `keras.utils.PyDataset`. fit goes through it once per epoch, its batches in
    a new order each epoch with shuffle=True (fit's default), as Keras 3 (the samples within
    a batch are `__getitem__`'s business); evaluate and predict, and fit with shuffle=False,
    in order. Each full pass ends with `on_epoch_end()`. Keras' `workers`,
    `use_multiprocessing` and `max_queue_size` are taken: the batches are made here, one
    after another."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing = workers, use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: a PyDataset defines "
                                  f"__getitem__(index), the batch of that index")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: a PyDataset defines __len__, the "
                                  f"number of batches")

    @property
    def num_batches(self):
        """The number of batches (Keras' name), len(self)."""
        return len(self)

    def on_epoch_end(self):
        """Called after each full pass (Keras': reshuffle here)."""

    def __iter__(self):
        return self.batches()

    def batches(self, shuffle=False):
        """The batches in order, or with `shuffle` in a new order (a permutation from NumPy's
        global generator, as fit shuffles arrays, so np.random.seed repeats it); then
        on_epoch_end()."""
        order = np.random.permutation(len(self)) if shuffle else range(len(self))
        for index in order:
            yield self[int(index)]
        self.on_epoch_end()


Sequence = PyDataset  # (keras.utils.Sequence, the name before Keras 3)

__all__ = ["PyDataset", "Sequence"]
