"""PyTorch's torch.nn.utils.rnn: sequences of different lengths padded into one batch, or
packed into a PackedSequence (time-major, each step's running samples only), and back.

Every conversion is one gather (`x[index]`) of the rows it moves, so gradients flow through
all of them. Lengths and indices are NumPy int64 arrays (PyTorch's CPU tensors).

A captured step (autograd.capture) refuses them: the gathers' indices come from the lengths'
values, which a replay would keep from the recorded batch (the result silently wrong for
other lengths of the same padded shape). pad_sequence, whose lengths are the sequences'
shapes (part of a capture's signature), is the exception.
"""
from collections import namedtuple

import numpy as np

from autograd.backend import get_array_module, to_cpu
from autograd.capture import CaptureError, capturing
from autograd.ops import concatenate, transpose
from autograd.variable import Variable, as_variable

from ..dtype_casts import DtypeCasts


class PackedSequence(DtypeCasts, namedtuple("PackedSequence", "data batch_sizes "
                                                              "sorted_indices "
                                                              "unsorted_indices")):
    """Sequences packed time step by time step: `data` (sum of lengths, *) holds step 0 of
    every sequence, then step 1 of those still running, ...; `batch_sizes` (max length,)
    how many run at each step (sequences ordered by decreasing length); `sorted_indices`
    that order as indices into the original batch (None: already sorted) and
    `unsorted_indices` its inverse. Made by pack_padded_sequence or pack_sequence."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if batch_sizes is None:
            raise TypeError("PackedSequence: batch_sizes is required (make one with "
                            "pack_padded_sequence or pack_sequence)")
        if sorted_indices is not None:
            sorted_indices = np.asarray(sorted_indices, dtype=np.int64)
            if unsorted_indices is None:
                unsorted_indices = np.argsort(sorted_indices)
        if unsorted_indices is not None:
            unsorted_indices = np.asarray(unsorted_indices, dtype=np.int64)
        return super().__new__(cls, as_variable(data), np.asarray(batch_sizes, dtype=np.int64),
                               sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The packed data moved or cast as Variable.to moves or casts it (a dtype, 'cpu',
        'cuda'); the batch sizes and indices stay NumPy's, as PyTorch keeps them on the
        CPU."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        """PyTorch's: False (no page-locked host memory here)."""
        return False

    def __reduce__(self):
        # (the data is an op's result, whose graph no pickle holds: its values go, as
        # PyTorch pickles a computed tensor's)
        data = Variable(self.data.data, requires_grad=self.data.requires_grad)
        return type(self), (data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    @property
    def lengths(self):
        """Each sequence's length, in the packed (decreasing) order."""
        _refuse_in_capture("a PackedSequence")
        sizes = self.batch_sizes
        return (np.arange(sizes[0])[None, :] < sizes[:, None]).sum(axis=0)


def _refuse_in_capture(who):
    if capturing():
        raise CaptureError(f"{who}: packed sequences take their indices from the lengths' "
                           f"values, which a captured step would keep from the batch it "
                           f"recorded; call the step without autograd.capture, or pass a padded "
                           f"batch (a Keras recurrent layer takes a mask as an input)")


def _lengths_array(lengths, batch, who, minimum=1):
    """lengths as int64 (N,), each at least `minimum` (packing needs 1, PyTorch's rule;
    unpadding takes 0, the length pad_sequence gives an empty sequence); their count
    checked against the batch size."""
    _refuse_in_capture(who)
    lengths = to_cpu(lengths.data if isinstance(lengths, Variable) else lengths)  # (host's,
    # also GPU ones: the packing is planned on the host, as PyTorch asks of its lengths)
    if lengths.ndim != 1 or lengths.dtype.kind not in "iuf":
        raise TypeError(f"{who}: lengths must be a 1-D sequence of integers, got "
                        f"{lengths.dtype} of shape {lengths.shape}")
    if lengths.dtype.kind == "f":  # (PyTorch casts them, as counts from a float mask's sum
        # are; a fraction it would truncate is refused)
        if not np.all(np.isfinite(lengths) & (lengths == np.round(lengths))):
            raise TypeError(f"{who}: lengths must be a 1-D sequence of integers, got "
                            f"{lengths.tolist()} (not whole numbers)")
    if len(lengths) != batch:
        raise ValueError(f"{who}: expected len(lengths) to be equal to batch_size, but got "
                         f"{len(lengths)} (batch_size={batch})")
    if batch and lengths.min() < minimum:
        if minimum == 1:  # (PyTorch's words)
            raise ValueError(f"{who}: length of all samples has to be greater than 0, but "
                             f"found an element in 'lengths' that is <= 0: {lengths.tolist()}")
        raise ValueError(f"{who}: lengths must be at least {minimum}, got {lengths.tolist()}")
    return lengths.astype(np.int64)


def _gather(rows, index, padding_value):
    """rows (R, *) gathered by index (any shape, -1: padding_value): shape index.shape + *."""
    pad = get_array_module(rows).full((1,) + tuple(rows.shape[1:]), padding_value,
                                      dtype=rows.dtype)
    table = concatenate([rows, Variable(pad)])
    return table[np.where(index < 0, len(rows), index)]


def _padded_positions(lengths):
    """(max length, N) indices into time-major packed rows of lengths (decreasing), -1 where
    a sequence has ended."""
    steps = np.arange(lengths[0] if len(lengths) else 0)[:, None]
    running = steps < lengths[None, :]
    positions = np.cumsum(running.ravel()).reshape(running.shape) - 1
    return np.where(running, positions, -1)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences (L_i, *) into (max L, N, *) ((N, max L, *) with batch_first), each
    padded with padding_value on its `padding_side` ('right' or 'left')."""
    who = "pad_sequence"
    if padding_side not in ("left", "right"):
        raise ValueError(f"{who}: expected padding_side to be one of left or right, but got "
                         f"{padding_side!r}")
    sequences = [as_variable(s, who=who) for s in _as_list(sequences, who)]
    trailing = {tuple(s.shape[1:]) for s in sequences}
    if any(s.ndim == 0 for s in sequences) or len(trailing) != 1:
        raise ValueError(f"{who}: every sequence needs the shape (L, *) with the same *, got "
                         f"{[tuple(s.shape) for s in sequences]}")
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    longest = int(lengths.max())
    steps = np.arange(longest)[:, None]
    if padding_side == "left":
        steps = steps - (longest - lengths)[None, :]
    starts = np.cumsum(lengths) - lengths
    index = np.where((steps >= 0) & (steps < lengths), starts + steps, -1)
    return _gather(concatenate(sequences), index.T if batch_first else index, padding_value)


def _as_list(sequences, who):
    if isinstance(sequences, (Variable, np.ndarray)):  # PyTorch takes a tensor's rows too
        return list(sequences)
    sequences = list(sequences)
    if not sequences:
        raise ValueError(f"{who}: received an empty list of sequences")
    return sequences


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (L, N, *) ((N, L, *) with batch_first) of sequences of the given
    lengths into a PackedSequence. enforce_sorted=True requires decreasing lengths;
    False sorts them (the order kept in sorted_indices)."""
    who = "pack_padded_sequence"
    x = as_variable(input, who=who)
    if x.ndim < 2 or 0 in x.shape:
        raise ValueError(f"{who}: cannot pack an empty or 1-D input, got shape "
                         f"{tuple(x.shape)}")
    time_axis = 1 if batch_first else 0
    lengths = _lengths_array(lengths, x.shape[1 - time_axis], who)
    if lengths.max() > x.shape[time_axis]:
        raise ValueError(f"{who}: a length of {lengths.max()} is longer than the input's "
                         f"{x.shape[time_axis]} time steps (input shape {tuple(x.shape)}, "
                         f"batch_first={batch_first})")
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(f"{who}: `lengths` array must be sorted in decreasing order "
                               f"when `enforce_sorted` is True, got {lengths.tolist()}. You "
                               "can pass `enforce_sorted=False` to pack_padded_sequence "
                               "and/or pack_sequence to sidestep this requirement")
        order = sorted_indices = None
    else:
        order = sorted_indices = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
    batch_sizes = (np.arange(lengths[0])[:, None] < lengths[None, :]).sum(axis=1)
    steps, samples = np.nonzero(_padded_positions(lengths) >= 0)  # time-major, as packed
    if order is not None:
        samples = order[samples]
    data = x[(samples, steps) if batch_first else (steps, samples)]
    return PackedSequence(data, batch_sizes, sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of pack_padded_sequence: (padded (T, N, *) ((N, T, *) with batch_first),
    lengths (N,) int64), in the original batch order; T = total_length or the longest."""
    who = "pad_packed_sequence"
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"{who}: expected a PackedSequence, got {type(sequence).__name__}")
    padded, lengths = padded_in_packed_order(sequence, total_length, padding_value, who)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices]
    if batch_first:
        padded = transpose(padded, (1, 0) + tuple(range(2, padded.ndim)))
    return padded, lengths


def padded_in_packed_order(sequence, total_length=None, padding_value=0.0,
                           who="pad_packed_sequence"):
    """(padded (T, N, *) time-major, lengths (N,)) of a PackedSequence, its sequences in
    the packed (decreasing length) order."""
    lengths = sequence.lengths
    longest = len(sequence.batch_sizes)
    if total_length is not None:
        if isinstance(total_length, bool) or not isinstance(total_length, (int, np.integer)):
            raise TypeError(f"{who}: total_length must be an int, got {total_length!r} "
                            f"({type(total_length).__name__})")
        if total_length < longest:
            raise ValueError(f"{who}: expected total_length to be at least the length of the "
                             f"longest sequence in input, but got total_length={total_length} "
                             f"and max sequence length being {longest}")
        longest = int(total_length)
    positions = _padded_positions(lengths)
    index = np.full((longest, len(lengths)), -1, dtype=np.int64)
    index[:len(positions)] = positions
    return _gather(sequence.data, index, padding_value), lengths


def repacked(padded, sequence):
    """A time-major (T, N, *) batch in `sequence`'s packed order, packed as `sequence` is
    (its steps kept, its indices carried over)."""
    steps, samples = np.nonzero(_padded_positions(sequence.lengths) >= 0)
    return PackedSequence(padded[steps, samples], sequence.batch_sizes,
                          sequence.sorted_indices, sequence.unsorted_indices)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_i, *) into a PackedSequence (enforce_sorted as in
    pack_padded_sequence)."""
    _refuse_in_capture("pack_sequence")
    sequences = _as_list(sequences, "pack_sequence")
    lengths = [len(as_variable(s, who="pack_sequence")) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Inverse of pad_sequence: the list of sequences (L_i, *) in a padded batch
    (T, N, *) ((N, T, *) with batch_first) of the given lengths."""
    who = "unpad_sequence"
    padded = as_variable(padded_sequences, who=who)
    if padded.ndim < 2:
        raise ValueError(f"{who}: expected a padded batch of at least 2 dimensions, got "
                         f"shape {tuple(padded.shape)}")
    time_axis = 1 if batch_first else 0
    lengths = _lengths_array(lengths, padded.shape[1 - time_axis], who, minimum=0)
    if lengths.max(initial=0) > padded.shape[time_axis]:
        raise ValueError(f"{who}: a length of {lengths.max()} is longer than the batch's "
                         f"{padded.shape[time_axis]} time steps (shape {tuple(padded.shape)})")
    if batch_first:
        return [padded[i, :n] for i, n in enumerate(lengths)]
    return [padded[:n, i] for i, n in enumerate(lengths)]


def unpack_sequence(packed_sequences):
    """Inverse of pack_sequence: the list of sequences (L_i, *), in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def invert_permutation(permutation):
    """PyTorch's: the inverse of an index permutation (an int64 array; None for None)."""
    if permutation is None:
        return None
    permutation = np.asarray(to_cpu(getattr(permutation, "data", permutation)))
    inverse = np.empty_like(permutation, dtype=np.int64)
    inverse[permutation] = np.arange(len(permutation))
    return inverse


__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpack_sequence", "unpad_sequence", "invert_permutation"]
