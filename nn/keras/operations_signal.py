"""Keras' Fourier operations (keras.ops' fft, fft2, ifft2, rfft, irfft, stft and istft), by
Keras' class name: complex tensors as (real, imag) pairs, as Keras takes and gives them,
computed by autograd's Fourier transforms (autograd/ops/spectral.py), differentiable to any
order (in a window given as a tensor too). stft and istft frame, window and overlap-add as
Keras' PyTorch backend does."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.ops import spectral
from autograd.variable import Variable, as_variable


def _window(window, length, fft_length, dtype, xp, who):
    """The window of `length` points centred in fft_length (zeros on both sides), as a
    Variable: 'hann' or 'hamming' (periodic, PyTorch's), an array or tensor (its gradient
    kept), or None (ones)."""
    if window is None:
        values = as_variable(xp.ones(length, dtype))
    elif isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"{who}: window must be 'hann', 'hamming', an array or None, got "
                             f"{window!r}")
        make = np.hanning if window == "hann" else np.hamming
        values = as_variable(xp.asarray(make(length + 1)[:-1].astype(dtype)))
    else:
        values = ops.astype(window if isinstance(window, Variable) else as_variable(
            xp.asarray(window)), dtype)
        if values.shape != (length,):
            raise ValueError(f"{who}: the window must have shape ({length},) "
                             f"(sequence_length), got {tuple(values.shape)}")
    left = (fft_length - length) // 2
    return ops.pad(values, ((left, fft_length - length - left),))


def _framing(sequence_length, sequence_stride, fft_length, who):
    """The three lengths, checked: positive ints, fft_length at least sequence_length."""
    for name, value in (("sequence_length", sequence_length),
                        ("sequence_stride", sequence_stride), ("fft_length", fft_length)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{who}: {name} must be a positive int, got {value!r}")
    if fft_length < sequence_length:
        raise ValueError(f"{who}: fft_length ({fft_length}) must be at least sequence_length "
                         f"({sequence_length})")


def _stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """(real, imag) (..., frames, fft_length // 2 + 1): the spectra of the windowed frames of
    x (..., samples), frames sequence_stride apart, each of sequence_length points centred in
    fft_length; with center, x padded by fft_length // 2 on both sides by reflection."""
    x = as_variable(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"stft: expected float32 or float64 samples, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError("stft: expected samples (..., samples), got a number")
    _framing(sequence_length, sequence_stride, fft_length, "stft")
    xp = get_array_module(x.data)
    window = _window(window, sequence_length, fft_length, x.dtype, xp, "stft")
    if center:
        half = fft_length // 2
        if x.shape[-1] <= half:
            raise ValueError(f"stft: {x.shape[-1]} samples are too few to reflect "
                             f"fft_length // 2 = {half} of them at each end (center=True)")
        x = ops.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
    frames = 1 + (x.shape[-1] - fft_length) // sequence_stride
    if frames < 1:
        raise ValueError(f"stft: {x.shape[-1]} samples hold no frame of {fft_length}")
    starts = np.arange(frames)[:, None] * sequence_stride + np.arange(fft_length)
    return spectral.rfft(ops.mul(x[..., xp.asarray(starts)], window))


def _istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
           center=True):
    """The samples whose stft is x = (real, imag) (..., frames, bins): the frames' inverse
    spectra windowed and overlap-added, divided by the windows' squares as they overlap
    (PyTorch's istft where sequence_length = fft_length with center and a window, which
    refuses samples no window covers; else Keras' tiled denominator, TensorFlow's
    inverse_stft_window_fn), cut to `length` (PyTorch's also padded to it)."""
    _framing(sequence_length, sequence_stride, fft_length, "istft")
    frames = spectral.irfft(x, fft_length)  # (..., T, fft_length)
    xp = get_array_module(frames.data)
    count = frames.shape[-2]
    total = fft_length + sequence_stride * (count - 1)
    starts = xp.asarray((np.arange(count)[:, None] * sequence_stride
                         + np.arange(fft_length)).ravel())
    exact = sequence_length == fft_length and center and window is not None
    envelope = None
    if window is not None:
        win = _window(window, sequence_length, fft_length, frames.dtype, xp, "istft")
        if exact:
            envelope = _overlap_added(ops.tile(ops.mul(win, win), (count,)), starts, total, xp)
            if bool(xp.any(envelope.data[_kept_span(total, fft_length, length)] < 1e-11)):
                raise ValueError("istft: the window's overlap-add is 0 at some samples, which "
                                 "no frame then restores (PyTorch's 'window overlap add min' "
                                 "check); choose a window or stride whose frames overlap")
        else:
            win = ops.div(win, _tiled_denominator(win, sequence_stride))
        frames = ops.mul(frames, win)
    flat = ops.reshape(frames, tuple(frames.shape[:-2]) + (count * fft_length,))
    y = _overlap_added(flat, starts, total, xp)
    if envelope is not None:
        y = ops.div(y, ops.where(ops.greater(envelope, 1e-11), envelope, 1.0))
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else (total - fft_length // 2 if center
                                                     else total)
    if end > total and exact:  # (only PyTorch's istft pads to `length`; Keras' own cuts)
        y = ops.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, end - total)])
    return y[..., start:end]


def _overlap_added(pieces, starts, total, xp):
    """The sum of pieces (..., T * n) placed at `starts` in (..., total) zeros."""
    zeros = xp.zeros(tuple(pieces.shape[:-1]) + (total,), pieces.dtype)
    return ops.index_add(zeros, -1, starts, pieces)


def _kept_span(total, fft_length, length):
    """The samples istft returns (center=True), as a slice of its overlap-add."""
    start = fft_length // 2
    return slice(start, min(total, start + length) if length is not None
                 else total - fft_length // 2)


def _tiled_denominator(win, stride):
    """Keras' (TensorFlow's) window denominator: the window's squares summed over its
    overlaps, as if it repeated every `stride` points."""
    size = win.shape[0]
    overlaps = -(-size // stride)
    squares = ops.pad(ops.mul(win, win), ((0, overlaps * stride - size),))
    summed = ops.sum(ops.reshape(squares, (overlaps, stride)), axis=0, keepdims=True)
    return ops.reshape(ops.tile(summed, (overlaps, 1)), (-1,))[:size]


SIGNAL = {
    "FFT": lambda x: spectral.fft(x, (-1,)),
    "FFT2": lambda x: spectral.fft(x, (-2, -1)),
    "IFFT2": lambda x: spectral.ifft(x, (-2, -1)),
    "RFFT": lambda x, fft_length=None: spectral.rfft(x, fft_length),
    "IRFFT": lambda x, fft_length=None: spectral.irfft(x, fft_length),
    "STFT": _stft, "ISTFT": _istft,
}

__all__ = ["SIGNAL"]
