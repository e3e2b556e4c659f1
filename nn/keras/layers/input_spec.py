"""Keras' InputSpec: what a layer's inputs must be (rank, dtype, shape, sizes on some axes),
checked at each call of a layer that sets `input_spec` (InputSpecChecked), before the
layer runs, with Keras' errors naming the layer, the spec and the shape."""
import numpy as np


class InputSpec:
    """Keras' InputSpec(dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
    axes=None, allow_last_axis_squeeze=False, name=None, optional=False): `shape` counts the
    batch axis (None for any size) and sets ndim; `axes` maps an axis to its size."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = None if dtype is None else np.dtype(dtype).name
        self.shape = None if shape is None else tuple(
            None if n is None else int(n) for n in shape)
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name, self.optional = name, optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError, AttributeError):
            raise TypeError(f"InputSpec: axes must be a dict with integer keys, got "
                            f"{axes!r}") from None
        most = self.ndim or self.max_ndim
        if self.axes and most is not None and max(self.axes) > most - 1:
            raise ValueError(f"InputSpec: axis {max(self.axes)} is greater than the maximum "
                             f"allowed value: {most - 1}")

    def __repr__(self):
        shown = [f"{key}={value}" for key, value in (
            ("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
            ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim), ("axes", self.axes))
            if value]
        return f"InputSpec({', '.join(shown)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes,
                "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Keras' check of `inputs` (a tensor or a list) against `input_spec` (an InputSpec or a
    list): a ValueError naming the layer, the spec and the input's shape where one fails."""
    if not input_spec:
        return
    specs = list(input_spec) if isinstance(input_spec, (list, tuple)) else [input_spec]
    if isinstance(inputs, dict) and all(spec.name for spec in specs):
        inputs = [inputs.get(spec.name) for spec in specs]
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if len(items) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
                         f"received {len(items)} input tensors")
    for index, (spec, x) in enumerate(zip(specs, items)):
        if spec is None or (x is None and spec.optional):
            continue
        problem = _mismatch(spec, tuple(x.shape if hasattr(x, "shape") else np.shape(x)),
                            _dtype_name(x))
        if problem:
            raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the '
                             f"layer: {problem}")


def _mismatch(spec, shape, dtype):
    """What of `spec` an input of `shape` and `dtype` breaks, or None."""
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        return f"expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}"
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        return f"expected max_ndim={spec.max_ndim}, found ndim={ndim}. Full shape: {shape}"
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        return f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape: {shape}"
    if spec.dtype is not None and dtype is not None and dtype != spec.dtype:
        return f"expected dtype={spec.dtype}, found dtype={dtype}"
    for axis, size in spec.axes.items():
        if size is not None and -ndim <= axis < ndim and shape[axis] not in (size, None):
            return (f"expected axis {axis} of input shape to have value {size}, but received "
                    f"input with shape {shape}")
    if spec.shape is not None:
        ours, theirs = spec.shape, shape
        if spec.allow_last_axis_squeeze:  # (a last axis of 1 on either side may go)
            ours = ours[:-1] if ours and ours[-1] == 1 else ours
            theirs = theirs[:-1] if theirs and theirs[-1] == 1 else theirs
        if len(ours) != len(theirs) or any(
                a is not None and b is not None and a != b for a, b in zip(ours, theirs)):
            return f"expected shape={spec.shape}, found shape={shape}"
    return None


def _dtype_name(x):
    dtype = getattr(x, "dtype", None)
    try:
        return None if dtype is None else np.dtype(dtype).name
    except TypeError:
        return None


class InputSpecChecked:
    """Mixin (before Module): the layer's `input_spec` (None: nothing) checked against its
    first argument at each call, as Keras' Layer.__call__ checks it."""

    input_spec = None

    def __call__(self, *args, **kwargs):
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        return super().__call__(*args, **kwargs)


__all__ = ["InputSpec", "InputSpecChecked", "assert_input_compatibility"]
