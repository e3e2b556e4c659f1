"""SequenceLoader: windows of one long series for truncated backprop through time."""

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import to_cpu

from .book_names import BookLoaderNames
from .sampler import boolean_argument, num_batches


class SequenceLoader(BookLoaderNames):
    """Cut one long series into `batch_size` parallel streams and walk them in windows.

    data: (T, *features). Without `targets`, the target of each step is the next step
    (x = data[:-1], y = data[1:]); with `targets` (same length as `data`) the pairs are
    (data[t], targets[t]).

    The series is cut into `batch_size` contiguous streams of L = T' // batch_size steps
    (T' = number of (x, y) pairs; the last T' % batch_size pairs are dropped). Row b of
    every batch continues row b of the previous batch, so a recurrent model may carry
    its hidden state from one window to the next (detaching it: that is what makes the
    backprop "truncated"). Windows are `bptt` steps long; the last one is shorter
    unless drop_last=True. Nothing is shuffled: order is the point.

    Yields (x, y) with shapes (bptt, batch_size, *features) — the time-major layout
    of RNN/LSTM/GRU(batch_first=False) — or (batch_size, bptt, *features) with
    batch_first=True. `len(loader)` = number of windows.
    """

    def __init__(self, data, batch_size=1, bptt=35, targets=None, batch_first=False,
                 drop_last=False):
        data = _series(data, "data")
        if np.ndim(data) == 0:
            raise ValueError(f"SequenceLoader: data must be a sequence (an axis of time steps "
                             f"first), got the scalar {np.asarray(data).item()!r}")
        if targets is None:
            x, y = data[:-1], data[1:]
        else:
            x, y = data, _series(targets, "targets")
            if len(x) != len(y):
                raise ValueError(f"SequenceLoader: data has shape {x.shape} but targets "
                                 f"has shape {y.shape}: they need the same length")
        batch_size = positive_int(batch_size, "batch_size", "SequenceLoader")
        bptt = positive_int(bptt, "bptt", "SequenceLoader")
        steps = len(x) // batch_size
        if steps == 0:
            raise ValueError(f"SequenceLoader: {len(x)} (x, y) pairs cannot fill "
                             f"{batch_size} streams")
        self.x, self.y = (self._streams(a, batch_size, steps) for a in (x, y))
        self.batch_size, self.bptt = batch_size, bptt
        # (a truthy string such as "no" would swap the axes or drop a window unsaid)
        self.batch_first = boolean_argument(batch_first, "batch_first", "SequenceLoader")
        self.drop_last = boolean_argument(drop_last, "drop_last", "SequenceLoader")

    @staticmethod
    def _streams(series, batch_size, steps):
        """(T, *f) -> (batch_size, steps, *f): stream b holds a contiguous stretch."""
        return series[:batch_size * steps].reshape(batch_size, steps, *series.shape[1:])

    @property
    def steps(self):
        """Time steps in each stream."""
        return self.x.shape[1]

    def __len__(self):
        return num_batches(self.steps, self.bptt, self.drop_last)

    def __iter__(self):
        for w in range(len(self)):
            window = slice(w * self.bptt, (w + 1) * self.bptt)
            x, y = self.x[:, window], self.y[:, window]
            if not self.batch_first:  # contiguous, so each x[t] is a cheap slice
                x = np.ascontiguousarray(np.swapaxes(x, 0, 1))
                y = np.ascontiguousarray(np.swapaxes(y, 0, 1))
            yield x, y


def _series(values, name):
    """`values` as a NumPy array, or a ValueError naming SequenceLoader and `name` where
    they form none (a ragged list)."""
    try:
        return to_cpu(values)
    except ValueError as error:
        raise ValueError(f"SequenceLoader: {name} is a {type(values).__name__} that does "
                         f"not form an array of time steps ({error})") from None
