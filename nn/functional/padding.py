"""pad with PyTorch's arguments: widths for the last axes first, PyTorch's mode names."""
from autograd.ops import pad as _numpy_pad
from autograd.variable import as_variable

_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
          "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):  # noqa: A002 (PyTorch's names)
    """Pad the last len(pad) // 2 axes: pad = (left, right) of the last axis, then of the one
    before it, ... (PyTorch's order); mode 'constant' (with `value`, default 0), 'reflect',
    'replicate' or 'circular'. The gradient adds up every copy of an element."""
    x = as_variable(input, who="pad")
    if not isinstance(pad, (tuple, list)) or not all(isinstance(w, int) for w in pad):
        raise TypeError(f"pad: pad must be a tuple of ints, (before, after) pairs from the "
                        f"last axis back, got {pad!r}")
    widths = tuple(pad)
    if len(widths) % 2 or len(widths) // 2 > x.ndim:
        raise ValueError(f"pad: pad must hold (before, after) pairs for at most the input's "
                         f"{x.ndim} axes, got {widths!r}")
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    if value is not None and mode != "constant":
        raise ValueError(f"pad: value applies to mode 'constant' only, not {mode!r}")
    pairs = [widths[i:i + 2] for i in range(0, len(widths), 2)][::-1]  # first axis first
    full = [(0, 0)] * (x.ndim - len(pairs)) + pairs
    if mode == "reflect" and any(max(p) >= n for p, n in zip(full, x.shape) if max(p)):
        raise ValueError(f"pad: reflect padding must be smaller than the axis it pads (PyTorch's "
                         f"rule), got {widths!r} for shape {x.shape}")
    if mode == "circular" and any(max(p) > n for p, n in zip(full, x.shape)):
        raise ValueError(f"pad: circular padding must not exceed the axis it pads (it would "
                         f"wrap around more than once), got {widths!r} for shape {x.shape}")
    if mode == "constant":
        return _numpy_pad(x, full, "constant", 0 if value is None else value)
    return _numpy_pad(x, full, _MODES[mode])


__all__ = ["pad"]
