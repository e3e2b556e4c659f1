"""Keras' timeseries_dataset_from_array: batches of sliding windows over a series."""
import math

import numpy as np

from autograd.arguments import positive_int


class TimeseriesBatches:
    """The batches of windows timeseries_dataset_from_array describes: (x, y) pairs, or x
    alone without targets; iterated afresh at each pass, in the windows' order (shuffled
    once, by `seed`, where asked), so fit, evaluate and predict take it as a loader."""

    def __init__(self, data, targets, starts, offsets, batch_size):
        self.data, self.targets, self.starts = data, targets, starts
        self.offsets, self.batch_size = offsets, batch_size

    def __len__(self):
        return math.ceil(len(self.starts) / self.batch_size)

    def __iter__(self):
        for first in range(0, len(self.starts), self.batch_size):
            starts = self.starts[first:first + self.batch_size]
            x = self.data[starts[:, None] + self.offsets]
            yield x if self.targets is None else (x, self.targets[starts])


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Keras' windows over `data` (time on axis 0): window i holds data[s], data[s + r], ...,
    sequence_length steps `sampling_rate` (r) apart, from s = start_index + i *
    sequence_stride; its target is targets[s] (targets None: x alone). Windows end before
    end_index; shuffle draws their order once from `seed` (NumPy's RandomState, Keras').
    batch_size: windows per batch, the last maybe fewer."""
    who = "timeseries_dataset_from_array"
    data = np.asarray(data)
    start = 0 if start_index is None else _index(start_index, "start_index", len(data), who)
    end = len(data) if end_index is None else _index(end_index, "end_index", len(data), who)
    if end <= start:
        raise ValueError(f"{who}: end_index must be higher than start_index, got "
                         f"start_index={start_index}, end_index={end_index}")
    length = positive_int(sequence_length, "sequence_length", who)
    rate = positive_int(sampling_rate, "sampling_rate", who)
    stride = positive_int(sequence_stride, "sequence_stride", who)
    if batch_size is None:
        raise ValueError(f"{who}: batch_size=None (single windows) is not supported; give a "
                         "batch size")
    batch_size = positive_int(batch_size, "batch_size", who)
    count = end - start - (length - 1) * rate  # (the windows that fit before end)
    if targets is not None:
        targets = np.asarray(targets)[start:]
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), stride)
    if shuffle:
        np.random.RandomState(np.random.randint(10 ** 6) if seed is None else seed).shuffle(
            starts)
    return TimeseriesBatches(data[start:end], targets, starts, np.arange(length) * rate,
                             batch_size)


def _index(value, name, size, who):
    """start_index in [0, size), end_index in (0, size): Keras' bounds."""
    lowest = 1 if name == "end_index" else 0
    if isinstance(value, bool) or not float(value).is_integer() or \
            not lowest <= int(value) < size:
        raise ValueError(f"{who}: {name} must be an integer from {lowest} to {size - 1} (the "
                         f"data has {size} steps), got {value!r}")
    return int(value)


__all__ = ["timeseries_dataset_from_array", "TimeseriesBatches"]
