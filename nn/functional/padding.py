"""pad with PyTorch's arguments: widths for the last axes first, PyTorch's mode names."""
import numbers
import operator

import numpy as np

from autograd.ops import pad as _numpy_pad
from autograd.variable import as_variable

_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
          "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):  # noqa: A002 (PyTorch's names)
    """Pad the last len(pad) // 2 axes: pad = (left, right) of the last axis, then of the one
    before it, ... (PyTorch's order); mode 'constant' (with `value`, default 0), 'reflect',
    'replicate' or 'circular'. A negative width crops that side instead, as in PyTorch:
    'circular' wraps around what is left, the other modes pad the whole input and then crop
    (a reflection may so show elements cropped away). The gradient adds up every copy of an
    element (and is zero for cropped ones)."""
    x = as_variable(input, who="pad")
    if not isinstance(pad, (tuple, list)) or not all(
            hasattr(w, "__index__") and not isinstance(w, (bool, np.bool_)) for w in pad):
        raise TypeError(f"pad: pad must be a tuple of ints, (before, after) pairs from the "
                        f"last axis back, got {pad!r}")
    widths = tuple(operator.index(w) for w in pad)  # (NumPy's integers too)
    if len(widths) % 2 or len(widths) // 2 > x.ndim:
        raise ValueError(f"pad: pad must hold (before, after) pairs for at most the input's "
                         f"{x.ndim} axes, got {widths!r}")
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    if value is not None and mode != "constant":  # (0 is taken, as PyTorch takes it)
        if value != 0:
            raise ValueError(f"pad: value applies to mode 'constant' only, not {mode!r}")
        value = None
    if value is not None:
        _check_fits(value, x.dtype)
    pairs = [widths[i:i + 2] for i in range(0, len(widths), 2)][::-1]  # first axis first
    full = [(0, 0)] * (x.ndim - len(pairs)) + pairs
    _check_sizes(full, x.shape, mode, widths)
    grown = [(max(before, 0), max(after, 0)) for before, after in full]
    if mode == "circular":
        return _numpy_pad(_cropped(x, full), grown, "wrap")
    if mode == "constant":
        return _cropped(_numpy_pad(x, grown, "constant", 0 if value is None else value), full)
    return _cropped(_numpy_pad(x, grown, _MODES[mode]), full)


def _check_fits(value, dtype):
    """A ValueError for a fill value the input's dtype cannot hold (PyTorch's): NumPy would
    wrap -1 round to 255 in uint8, or make 1e40 inf in float32."""
    if not isinstance(value, numbers.Number):
        raise TypeError(f"pad: value must be a number, got {type(value).__name__}")
    if dtype.kind == "b":  # (any number: nonzero is True, as PyTorch fills)
        return
    if dtype.kind in "iu":  # (a fraction is cut toward zero, as PyTorch fills)
        info = np.iinfo(dtype)
        fits = np.isfinite(value) and info.min - 1 < value < info.max + 1
    else:
        fits = not np.isfinite(value) or abs(value) <= float(np.finfo(dtype).max)
    if not fits:
        raise ValueError(f"pad: value {value!r} cannot be held by the input's dtype {dtype} "
                         "without overflow")


def _check_sizes(full, shape, mode, widths):
    """PyTorch's limits: a reflection shorter than the input; a wrap no longer than what
    cropping leaves (PyTorch checks the input's size, then reads memory outside a cropped
    axis wrapped more than once: refused here); no axis cropped below size 0. For reflect
    and replicate, which pad before cropping, no output axis below 1: PyTorch's rule for 1-D
    replicate, applied here to every dimension (PyTorch's 2-D and 3-D kernels give an empty
    output instead)."""
    smallest = 1 if mode in ("reflect", "replicate") else 0
    for (before, after), n in zip(full, shape):
        left = n + min(before, 0) + min(after, 0)  # the axis after cropping
        crops_first = mode in ("constant", "circular")  # (PyTorch's order for these)
        if min(before, after) < 0 and (crops_first and left < 0 or n + before + after
                                       < smallest):
            raise ValueError(f"pad: {widths!r} crops too much of an axis of size {n} (input "
                             f"shape {shape}; mode {mode!r} leaves at least {smallest} "
                             f"element{'' if smallest == 1 else 's'} of it)")
        if mode == "reflect" and max(before, after) > 0 and max(before, after) >= n:
            raise ValueError(f"pad: reflect padding must be smaller than the axis it pads "
                             f"(PyTorch's rule), got {widths!r} for shape {shape}")
        if mode == "circular" and max(before, after) > left:
            raise ValueError(f"pad: circular padding must not exceed the axis it pads, after "
                             f"any cropping (it would wrap around more than once), got "
                             f"{widths!r} for shape {shape}")


def _cropped(x, full):
    """x without the elements negative widths take away (a slice: its gradient is zero
    there); x itself when no width is negative."""
    if all(before >= 0 and after >= 0 for before, after in full):
        return x
    return x[tuple(slice(-min(before, 0), n + min(after, 0))
                   for (before, after), n in zip(full, x.shape))]


__all__ = ["pad"]
