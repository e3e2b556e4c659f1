"""Keras' PyDataset (and its old name, Sequence): a dataset whose items are whole batches."""
import itertools

import numpy as np


class PyDataset:
    """Subclass it and define `__getitem__(index)`, the batch `index` as (x, y) or
    (x, y, sample_weight) (x alone for predict), and `__len__`, the number of batches, as
    for Keras' `keras.utils.PyDataset`. fit goes through it once per epoch, its batches in
    a new order each epoch with shuffle=True (fit's default), as Keras 3 (the samples within
    a batch are `__getitem__`'s business); evaluate and predict, and fit with shuffle=False,
    in order. fit calls `on_epoch_begin()` and `on_epoch_end()` around each epoch, however
    many steps it takes (steps_per_epoch), and evaluate and predict around their pass, as
    Keras 3's. Keras' `workers`,
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
        """The number of batches (Keras' name), len(self); a subclass whose batches never
        end returns None (fit then needs steps_per_epoch, evaluate and predict steps)."""
        return len(self)

    def on_epoch_begin(self):
        """Called before each epoch of fit, and before evaluate's and predict's pass."""

    def on_epoch_end(self):
        """Called after each epoch of fit (Keras': reshuffle here), and after evaluate's and
        predict's pass."""

    def __iter__(self):
        return self.batches()

    def batches(self, shuffle=False):
        """The batches in order, or with `shuffle` in a new order (a permutation from NumPy's
        global generator, as fit shuffles arrays, so np.random.seed repeats it)."""
        count = self.num_batches
        if count is None:  # (endless: in order, as Keras 3 takes it)
            order = itertools.count()
        else:
            order = np.random.permutation(count) if shuffle else range(count)
        for index in order:
            yield self[int(index)]


Sequence = PyDataset  # (keras.utils.Sequence, the name before Keras 3)

__all__ = ["PyDataset", "Sequence"]
