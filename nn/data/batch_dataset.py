"""Keras' PyDataset (and its old name, Sequence): a dataset whose items are whole batches."""


class PyDataset:
    """Subclass it and define `__getitem__(index)`, the batch `index` as (x, y) or
    (x, y, sample_weight) (x alone for predict), and `__len__`, the number of batches, as
    for Keras' `keras.utils.PyDataset`. fit, evaluate and predict go through it once per
    epoch in order (shuffle inside `__getitem__` or in `on_epoch_end`, as in Keras), and call
    `on_epoch_end()` after each full pass. Keras' `workers`, `use_multiprocessing` and
    `max_queue_size` are taken: the batches are made here, one after another."""

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
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()


Sequence = PyDataset  # (keras.utils.Sequence, the name before Keras 3)

__all__ = ["PyDataset", "Sequence"]
