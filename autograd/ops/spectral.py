"""Discrete Fourier transforms of real tensors and of complex ones held as (real, imaginary)
pairs (rungrad's numbers are real; Keras' fft takes and gives such pairs): fft and ifft over
given axes, rfft (real in, the half spectrum out) and irfft (the half spectrum in, real out).

Each is linear in its real and imaginary parts, so its backward is its adjoint, itself one
of these transforms: fft's is N ifft, ifft's fft / N, and rfft and irfft each have an
adjoint kind (a half spectrum's bins between the ends stand for two, their mirror images).
Any order of derivative follows."""
import math
from numbers import Integral

import numpy as np

from ..arguments import positive_int
from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from ..variable import as_variable

_PAIR = (Spec(shape=("*batch", "N")), Spec(shape=("*batch", "N")))
_ADJOINT = {"fft": "ifft", "ifft": "fft", "rfft": "rfft_adjoint", "rfft_adjoint": "rfft",
            "irfft": "irfft_adjoint", "irfft_adjoint": "irfft"}


class Spectral(Function):
    """A Fourier transform named by `kind` over `axes`: 'fft', 'ifft' ((real, imag) ->
    (real, imag)); 'rfft' (real x (..., n) -> the half spectrum (real, imag) (..., n//2+1));
    'irfft' (the half spectrum -> real (..., n)); and the adjoints of the last two. Its
    backward is its adjoint's transform: dx = N ifft(gy) for fft, and so on."""

    input_specs = _PAIR
    arg_specs = {"kind": Choice("fft", "ifft")}
    apply = staticmethod(lambda re, im, kind: Spectral(kind, (-1,), re.shape[-1])(re, im))

    def __init__(self, kind, axes=(-1,), n=None):
        self.kind, self.axes, self.n = kind, tuple(axes), n

    def forward(self, *parts):
        xp = get_array_module(parts[0])
        dtype = parts[0].dtype
        if self.kind in ("fft", "ifft"):
            transform = xp.fft.fftn if self.kind == "fft" else xp.fft.ifftn
            y = transform(parts[0] + 1j * parts[1], axes=self.axes)
            return y.real.astype(dtype), y.imag.astype(dtype)
        if self.kind == "rfft":
            y = xp.fft.rfft(parts[0], axis=-1)
            return y.real.astype(dtype), y.imag.astype(dtype)
        if self.kind == "irfft_adjoint":  # (c_k / n) rfft(g), no imaginary part at the ends
            y = xp.fft.rfft(parts[0], axis=-1) * _counts(self.n, xp, dtype) / self.n
            imag = y.imag.astype(dtype)
            imag[..., _real_bins(self.n)] = 0
            return y.real.astype(dtype), imag
        spectrum = parts[0] + 1j * parts[1]
        if self.kind == "rfft_adjoint":  # Re(n ifft of the spectrum, zeros past its bins)
            return (xp.fft.irfft(spectrum / _counts(self.n, xp, dtype), n=self.n, axis=-1)
                    * self.n).astype(dtype)
        return xp.fft.irfft(spectrum, n=self.n, axis=-1).astype(dtype)  # irfft

    def backward(self, *gys):
        gys = [g if g is not None else _zeros_like(y) for g, y in
               zip(gys, [ref() for ref in self.outputs])]
        adjoint = Spectral(_ADJOINT[self.kind], self.axes, self.n)
        scale = self._points()
        if self.kind == "fft":
            return tuple(g * float(scale) for g in adjoint(*gys))
        if self.kind == "ifft":
            return tuple(g * (1.0 / scale) for g in adjoint(*gys))
        grads = adjoint(*gys)
        return grads if isinstance(grads, tuple) else (grads,)

    def _points(self):
        """N, the points transformed (fft and ifft)."""
        x = self.inputs[0]
        return math.prod(x.shape[a] for a in self.axes)


def _counts(n, xp, dtype):
    """How many bins of the full spectrum each of the half spectrum's n//2+1 stands for: 1
    at 0 (and at n/2 for an even n), 2 between."""
    counts = xp.full(n // 2 + 1, 2.0, dtype=dtype)
    counts[_real_bins(n)] = 1.0
    return counts


def _real_bins(n):
    """The bins of a real signal's half spectrum that are real: 0, and n/2 for an even n."""
    return [0, n // 2] if n % 2 == 0 else [0]


def _zeros_like(y):
    """Zeros for an output with no gradient (None where the output itself is gone)."""
    return None if y is None else as_variable(get_array_module(y.data).zeros_like(y.data))


def _floats(x, who):
    x = as_variable(x, who=who)
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected floating-point values, got dtype {x.dtype}")
    return x


def _pair(x, who):
    """A complex tensor's (real, imag) pair, checked: two float tensors of one shape."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{who}: x must be a pair (real, imag) of tensors, got "
                         f"{type(x).__name__}")
    real, imag = _floats(x[0], who), _floats(x[1], who)
    if real.shape != imag.shape:
        raise ValueError(f"{who}: the real and imaginary parts differ in shape: {real.shape} "
                         f"and {imag.shape}")
    if real.dtype != imag.dtype:  # (float32 beside float64: both float64, as NumPy's)
        dtype = np.result_type(real.dtype, imag.dtype)
        real, imag = real.astype(dtype), imag.astype(dtype)
    return real, imag


def _fitted(x, length, who):
    """x's last axis cut or zero-padded to `length` (a transform's n)."""
    from .padding import pad
    have = x.shape[-1]
    if length < 1:
        raise ValueError(f"{who}: the transform's length must be at least 1, got {length}")
    if have == length:
        return x
    if have > length:
        return x[..., :length]
    return pad(x, [(0, 0)] * (x.ndim - 1) + [(0, length - have)])


def fft(x, axes=(-1,)):
    """The discrete Fourier transform of the complex x = (real, imag) over `axes`, as a
    (real, imag) pair."""
    real, imag = _pair(x, "fft")
    axes = _check_axes(real, axes, "fft")
    return Spectral("fft", axes)(real, imag)


def ifft(x, axes=(-1,)):
    """The inverse discrete Fourier transform of x = (real, imag) over `axes` (1 / N
    included), as a (real, imag) pair."""
    real, imag = _pair(x, "ifft")
    axes = _check_axes(real, axes, "ifft")
    return Spectral("ifft", axes)(real, imag)


def rfft(x, n=None):
    """The half spectrum (n // 2 + 1 bins, as a (real, imag) pair) of the real x along its
    last axis, cut or zero-padded to n points first (x's own length by default)."""
    x = _floats(x, "rfft")
    _check_axes(x, (-1,), "rfft")
    n = x.shape[-1] if n is None else positive_int(n, "n", "rfft")
    return Spectral("rfft", (-1,), n)(_fitted(x, n, "rfft"))


def irfft(x, n=None):
    """The real signal (n points, 2 (bins - 1) by default) of the half spectrum
    x = (real, imag) along the last axis (numpy.fft.irfft's)."""
    real, imag = _pair(x, "irfft")
    _check_axes(real, (-1,), "irfft")
    n = 2 * (real.shape[-1] - 1) if n is None else positive_int(n, "n", "irfft")
    if n < 1:
        raise ValueError(f"irfft: the output length must be at least 1, got {n} (give n for "
                         "a spectrum of one bin)")
    bins = n // 2 + 1
    return Spectral("irfft", (-1,), n)(_fitted(real, bins, "irfft"),
                                       _fitted(imag, bins, "irfft"))


def _check_axes(x, axes, who):
    """`axes` (one int, or a sequence of them) as a tuple, each a non-empty axis of x, none
    named twice (PyTorch's rule: a transform over one axis twice is no n-d transform)."""
    axes = (axes,) if isinstance(axes, Integral) else tuple(axes)
    if any(not isinstance(a, Integral) or isinstance(a, bool) for a in axes):
        raise TypeError(f"{who}: axes must be ints, got {axes!r}")
    if any(not -x.ndim <= a < x.ndim for a in axes) or any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"{who}: axes {axes} are not non-empty axes of a tensor of "
                         f"shape {x.shape}")
    if len({a % x.ndim for a in axes}) < len(axes):
        raise ValueError(f"{who}: axes {axes} name an axis twice (of a tensor of shape "
                         f"{x.shape})")
    return tuple(int(a) for a in axes)


__all__ = ["Spectral", "fft", "ifft", "irfft", "rfft"]
