"""Keras' Fourier operations (keras.ops' fft, fft2, ifft2, rfft, irfft, stft and istft), by
Keras' class name: complex tensors as (real, imag) pairs, as Keras takes and gives them,
computed by autograd's Fourier transforms (autograd/ops/spectral.py), differentiable to any
order. stft and istft frame, window and overlap-add as Keras' PyTorch backend does."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.ops import spectral
from autograd.variable import as_variable


def _window(window, length, dtype, xp, who):
    """The window of `length` points: 'hann' or 'hamming' (periodic, PyTorch's), an array,
    or None (ones)."""
    if window is None:
        return xp.ones(length, dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"{who}: window must be 'hann', 'hamming', an array or None, got "
                             f"{window!r}")
        make = np.hanning if window == "hann" else np.hamming
        return xp.asarray(make(length + 1)[:-1].astype(dtype))
    values = xp.asarray(getattr(window, "data", window), dtype=dtype)
    if values.shape != (length,):
        raise ValueError(f"{who}: the window must have shape ({length},) (sequence_length), "
                         f"got {values.shape}")
    return values


def _centred(window, fft_length, xp):
    """A window of sequence_length points zero-padded on both sides to fft_length."""
    left = (fft_length - window.shape[0]) // 2
    return xp.pad(window, (left, fft_length - window.shape[0] - left))


def _stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """(real, imag) (..., frames, fft_length // 2 + 1): the spectra of the windowed frames of
    x (..., samples), frames sequence_stride apart, each of sequence_length points centred in
    fft_length; with center, x padded by fft_length // 2 on both sides by reflection."""
    x = as_variable(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"stft: expected float32 or float64 samples, got dtype {x.dtype}")
    if fft_length < sequence_length:
        raise ValueError(f"stft: fft_length ({fft_length}) must be at least sequence_length "
                         f"({sequence_length})")
    xp = get_array_module(x.data)
    window = _centred(_window(window, sequence_length, x.dtype, xp, "stft"), fft_length, xp)
    if center:
        half = fft_length // 2
        x = ops.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
    frames = 1 + (x.shape[-1] - fft_length) // sequence_stride
    if frames < 1:
        raise ValueError(f"stft: {x.shape[-1]} samples hold no frame of {fft_length}")
    starts = np.arange(frames)[:, None] * sequence_stride + np.arange(fft_length)
    windowed = ops.mul(x[..., xp.asarray(starts)], window)
    return spectral.rfft(windowed)


def _istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
           center=True):
    """The samples whose stft is x = (real, imag) (..., frames, bins): the frames' inverse
    spectra windowed and overlap-added, divided by the windows' squares as they overlap
    (PyTorch's istft where sequence_length = fft_length with center and a window; else
    Keras' tiled denominator, TensorFlow's inverse_stft_window_fn), cut to `length`."""
    frames = spectral.irfft(x, fft_length)  # (..., T, fft_length)
    xp = get_array_module(frames.data)
    count = frames.shape[-2]
    total = fft_length + sequence_stride * (count - 1)
    starts = (np.arange(count)[:, None] * sequence_stride + np.arange(fft_length)).ravel()
    exact = sequence_length == fft_length and center and window is not None
    if window is not None:
        win = _centred(_window(window, sequence_length, frames.dtype, xp, "istft"),
                       fft_length, xp)
        if exact:
            envelope = xp.zeros(total, frames.dtype)
            xp.add.at(envelope, xp.asarray(starts), xp.tile(win * win, count))
        else:
            win = win / _tiled_denominator(win, sequence_stride, xp)
        frames = ops.mul(frames, win)
    flat = ops.reshape(frames, tuple(frames.shape[:-2]) + (count * fft_length,))
    zeros = xp.zeros(tuple(frames.shape[:-2]) + (total,), frames.dtype)
    y = ops.index_add(zeros, -1, xp.asarray(starts), flat)
    if window is not None and exact:
        y = ops.div(y, xp.where(envelope > 1e-11, envelope, 1.0))
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else (total - fft_length // 2 if center
                                                     else total)
    if end > total:
        y = ops.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, end - total)])
    return y[..., start:end]


def _tiled_denominator(win, stride, xp):
    """Keras' (TensorFlow's) window denominator: the window's squares summed over its
    overlaps, as if it repeated every `stride` points."""
    size = win.shape[0]
    overlaps = -(-size // stride)
    squares = xp.pad(win * win, (0, overlaps * stride - size))
    summed = squares.reshape(overlaps, stride).sum(axis=0, keepdims=True)
    return xp.tile(summed, (overlaps, 1)).reshape(-1)[:size]


SIGNAL = {
    "FFT": lambda x: spectral.fft(x, (-1,)),
    "FFT2": lambda x: spectral.fft(x, (-2, -1)),
    "IFFT2": lambda x: spectral.ifft(x, (-2, -1)),
    "RFFT": lambda x, fft_length=None: spectral.rfft(x, fft_length),
    "IRFFT": lambda x, fft_length=None: spectral.irfft(x, fft_length),
    "STFT": _stft, "ISTFT": _istft,
}

__all__ = ["SIGNAL"]
