"""Keras' STFT initializer (`keras.initializers.STFT`): the windowed Fourier basis that
STFTSpectrogram's kernels start as, and that a Conv1D can start as to compute a short-time
Fourier transform."""
import numpy as np

from .initializers import Initializer

_SCALES = {"density": lambda w: np.sqrt(np.sum(w * w)), "spectrum": lambda w: np.sum(np.abs(w)),
           None: lambda w: 1}


class STFT(Initializer):
    """(frame_length, channels, bins) of cos (side 'real') or sin ('imag') of
    -2 pi t f / fft_length, fft_length = 2 (bins - 1), times the window (SciPy's name,
    symmetric unless periodic, or its values) divided by its 'density' (2-norm) or
    'spectrum' (1-norm) scaling; computed in the dtype asked for, as Keras does."""

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: side should be 'real' or 'imag', not {side!r}")
        if scaling not in _SCALES:
            raise ValueError("STFT: scaling must be None, 'density' or 'spectrum', got "
                             f"{scaling!r}")
        if isinstance(window, str):
            window_values(window, 1, periodic)  # (refuses a name SciPy does not know)
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        dtype = np.dtype(dtype or "float32")
        if dtype.kind != "f":
            raise TypeError(f"STFT: gives floating-point values, not {dtype}")
        frame_length, _, bins = shape
        time = np.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
        freq = np.arange(bins, dtype=dtype).reshape(1, 1, bins) / np.asarray((bins - 1) * 2,
                                                                              dtype)
        angles = -2 * time * freq * np.arccos(np.asarray(-1, dtype))
        kernel = (np.cos if self.side == "real" else np.sin)(angles).astype(dtype)
        if self.window is None:
            return kernel
        win = np.asarray(window_values(self.window, frame_length, self.periodic)
                         if isinstance(self.window, str) else self.window, dtype)
        if win.shape != (frame_length,):
            raise ValueError(f"STFT: the window must have shape ({frame_length},), got "
                             f"{win.shape}")
        scale = _SCALES[self.scaling](win)
        return (kernel * win.reshape(frame_length, 1, 1) / scale).astype(dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}


def window_values(name, length, periodic):
    """SciPy's window `name` (as Keras takes it: symmetric unless periodic): the usual ones
    from NumPy's, any other from SciPy (loaded only then)."""
    symmetric = _NUMPY_WINDOWS.get(name)
    if symmetric is not None and length <= 1:  # (SciPy's: ones)
        return np.ones(length)
    if symmetric is not None:  # (a periodic window is the symmetric one a sample longer)
        return symmetric(length + 1)[:-1] if periodic else symmetric(length)
    try:
        import scipy.signal
    except ImportError:
        raise ImportError(f"STFT: window {name!r} needs SciPy (pip install scipy); "
                          f"{', '.join(map(repr, _NUMPY_WINDOWS))} do not") from None
    try:
        return scipy.signal.get_window(name, length, periodic)
    except ValueError as error:
        raise ValueError(f"STFT: window {name!r} is not one of SciPy's windows "
                         f"({error})") from None


_NUMPY_WINDOWS = {"hann": np.hanning, "hamming": np.hamming, "blackman": np.blackman}

STFTInitializer = stft = STFT  # (Keras' other names of the class)

__all__ = ["STFT", "STFTInitializer", "stft", "window_values"]
