"""Batch, layer, group, instance and RMS normalization (PyTorch's semantics), the first four
built on one fused standardization."""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module, silently
from autograd.capture import run_replayed
from autograd.config import Config
from autograd.function import Function
from autograd.ops import astype, reshape, sqrt, sum
from autograd.ops.half_precision import in_float32
from autograd.ops.shape import reshape_if_needed
from autograd.ops.validation import real_scalar
from autograd.spec import Axes, Choice, Spec
from autograd.variable import Variable, as_variable, wrap


class Standardize(Function):
    """y = (x - mean) / sqrt(var + eps), mean and biased var taken over `axes`

    Backward: dx = (g - mean(g) - y * mean(g * y)) / sqrt(var + eps). After forward, `mean`
    and `var` hold the batch statistics (keepdims arrays) for running averages.
    """

    input_specs = (Spec(distinct=True),)
    arg_specs = {"axes": Axes(of=0, normalized=True), "eps": Choice(1e-5)}
    reference = "autograd.testing.references:standardize"

    def __init__(self, axes, eps):
        self.axes, self.eps = axes, eps

    def forward(self, x):
        if x.size == 0:  # nothing to standardize: quietly (NumPy warns of empty means)
            return silently(lambda: self._standardize(x))
        return self._standardize(x)

    def _standardize(self, x):
        xp = get_array_module(x)
        self.mean = x.mean(axis=self.axes, keepdims=True)
        centered = x - self.mean
        # The mean is off by its rounding (1e-3 for 768 float32 values near 1e4), which the
        # variance would take for spread: a constant row would not standardize to 0 (0.3
        # there). One more pass, the mean of what is left, takes it out (the corrected
        # two-pass algorithm); PyTorch's layer_norm gives 0 too.
        shift = centered.mean(axis=self.axes, keepdims=True)
        centered -= shift
        self.mean += shift
        self.var = xp.mean(centered * centered, axis=self.axes, keepdims=True)
        self.inv_std = 1 / xp.sqrt(self.var + self.eps)
        centered *= self.inv_std
        return centered

    def backward(self, gy):
        y = self.outputs[0]()
        scale = 1.0 / self._count()
        mean_g = sum(gy, self.axes, keepdims=True) * scale
        mean_gy = sum(gy * y, self.axes, keepdims=True) * scale
        return (gy - mean_g - y * mean_gy) * self._inv_std(self.inputs[0])

    def _count(self):
        shape = self.inputs[0].shape
        count = 1
        for axis in self.axes:
            count *= shape[axis]
        return count or 1  # no elements: the gradient is empty, any scale will do

    def _inv_std(self, x):
        """1/sqrt(var + eps): the saved array, or recomputed as a graph node when the backward
        pass is itself recorded (create_graph=True), as it depends on x."""
        if not (Config.enable_backprop and x.requires_grad):
            return wrap(self.inv_std, False)
        scale = 1.0 / self._count()
        centered = x - sum(x, self.axes, keepdims=True) * scale
        var = sum(centered * centered, self.axes, keepdims=True) * scale
        return 1 / sqrt(var + self.eps)


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5, *, unbiased=True, mask=None):
    """Batch normalization of x (N, C) or (N, C, *spatial) per channel C.

    training=True normalizes with the batch mean and biased variance, and updates
    `running_mean` / `running_var` (arrays of shape (C,), or None) in place:
    running = (1 - momentum) * running + momentum * batch statistic, with the unbiased batch
    variance, as PyTorch. unbiased=False averages the biased variance in, as Keras, which
    also takes one value per channel (its variance 0). training=False normalizes with the
    running statistics. weight, bias: (C,) or None. Returns a Variable shaped like x.

    mask: Keras' masked moments (with unbiased=False only): booleans (N, *spatial), or of
    x's shape, the batch statistics taken over the True positions alone (sums divided by
    their count + 1e-7, Keras' epsilon); every position is normalized with them. Ignored
    when training=False, as in Keras.
    """
    x = as_variable(x)
    _check_input(x)
    x, (running_mean, running_var, weight, bias), momentum, eps = _checked(
        x, (running_mean, running_var, weight, bias), momentum, eps, "batch_norm", training)
    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if not training:
        _require_running(running_mean, running_var, "batch_norm", "training=False")
        return _normalize_with(x, running_mean, running_var, weight, bias, shape, eps)
    if not eps > 0:  # the batch variance can be 0: 1 / sqrt(0 + eps) would be inf (PyTorch's)
        raise ValueError(f"batch_norm: eps must be positive when training, got {eps}")
    axes = (0,) + tuple(range(2, x.ndim))
    count = x.size // channels if channels else 0
    if count == 0:  # an empty batch: nothing to normalize or average in (PyTorch's)
        return _scale_shift(x, weight, bias, shape)
    if count < 2 and unbiased:
        single = (" (a batch of one sample: in fit, N % batch_size == 1 leaves one for the "
                  "last batch, and on several ranks a last batch of as many samples as ranks "
                  "leaves each one; choose another batch_size, or a DataLoader with "
                  "drop_last=True)" if x.shape[0] == 1 else "")
        raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                         f"got input shape {tuple(x.shape)}{single}")
    if mask is not None:
        return _masked_batch_norm(x, mask, running_mean, running_var, weight, bias, momentum,
                                  eps, unbiased)
    standardize = Standardize(axes, eps)
    y = in_float32(standardize, x)
    if running_mean is not None or running_var is not None:
        correction = count / (count - 1) if unbiased else 1.0
        run_replayed(_update_running, running_mean, running_var, standardize, momentum,
                     correction)
    return _scale_shift(y, weight, bias, shape)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize x over its last dimensions, which must equal `normalized_shape` (an int or a
    tuple), then scale by `weight` and shift by `bias` (each of `normalized_shape`, or None)."""
    x = as_variable(x)
    shape, axes = _trailing(x, normalized_shape, "layer_norm")
    eps = real_scalar(eps, "eps", "layer_norm")
    weight, bias = _affine(weight, bias, shape, "layer_norm")
    x = _in_dtype_of(x, weight)
    return _scale_shift(in_float32(Standardize(axes, eps), x), weight, bias, shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002 (PyTorch's names)
    """x / sqrt(mean(x^2) + eps) over the last dimensions, which must equal
    `normalized_shape` (an int or a tuple), then scaled by `weight` (of `normalized_shape`,
    or None). eps None: the machine epsilon of x's dtype (PyTorch's)."""
    x = as_variable(input, who="rms_norm")
    shape, axes = _trailing(x, normalized_shape, "rms_norm")
    weight, _ = _affine(weight, None, shape, "rms_norm")
    x = _in_dtype_of(x, weight)
    eps = float(np.finfo(x.dtype).eps) if eps is None else real_scalar(eps, "eps", "rms_norm")
    return _scale_shift(in_float32(_root_mean_square_scaled, x, axes, eps), weight, None, shape)


def _root_mean_square_scaled(x, axes, eps):
    mean_square = sum(x * x, axes, keepdims=True) * (1.0 / math.prod(x.shape[a] for a in axes))
    return x / sqrt(mean_square + eps)


def _trailing(x, normalized_shape, who):
    """(normalized_shape as a tuple, the axes it names): the last dimensions of x, a
    floating-point input."""
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
        else (normalized_shape,)
    if not shape or len(shape) > x.ndim or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise ValueError(f"{who}: normalized_shape {shape} does not match the last "
                         f"dimensions of the input of shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    return shape, tuple(range(x.ndim - len(shape), x.ndim))


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """x (N, C, ...) normalized over each group of C / num_groups channels (and all the
    positions), then scaled by `weight` and shifted by `bias` (each (C,), or None)."""
    x = as_variable(x)
    if x.ndim < 2:
        raise ValueError(f"group_norm: expected an input (N, C, ...), got shape {x.shape}")
    groups = positive_int(num_groups, "num_groups", "group_norm")
    channels = x.shape[1]
    if channels % groups:
        raise ValueError(f"group_norm: {channels} channels do not split into {groups} groups")
    if x.dtype.kind != "f":
        raise TypeError(f"group_norm: expected a floating-point input, got dtype {x.dtype}")
    if x.shape[0] * channels // groups * math.prod(x.shape[2:]) == 1:
        raise ValueError(f"group_norm: expected more than 1 value per group, got an input of "
                         f"shape {tuple(x.shape)} in {groups} groups (its variance would be 0 "
                         "and the output 0; PyTorch refuses it too)")
    eps = real_scalar(eps, "eps", "group_norm")
    weight, bias = _affine(weight, bias, (channels,), "group_norm")
    x = _in_dtype_of(x, weight)
    grouped = reshape(x, (x.shape[0], groups, math.prod(x.shape[1:]) // groups))
    y = reshape(in_float32(Standardize((2,), eps), grouped), x.shape)
    return _scale_shift(y, weight, bias, (channels,) + (1,) * (x.ndim - 2))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """x (N, C, *spatial) normalized per sample and channel over its positions (PyTorch's).

    use_input_stats=True takes each (sample, channel)'s own mean and biased variance, and
    moves `running_mean` / `running_var` ((C,) arrays, or None) in place towards their
    averages over the batch (the variance unbiased over the positions), as PyTorch;
    use_input_stats=False normalizes with the running statistics instead. weight, bias:
    (C,) or None. Returns a Variable shaped like x."""
    x = as_variable(input)
    if x.ndim < 3:
        raise ValueError(f"instance_norm: expected an input (N, C, *spatial) with at least one "
                         f"spatial axis, got shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"instance_norm: expected a floating-point input, got dtype {x.dtype}")
    x, (running_mean, running_var, weight, bias), momentum, eps = _checked(
        x, (running_mean, running_var, weight, bias), momentum, eps, "instance_norm",
        use_input_stats)
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if not use_input_stats:
        _require_running(running_mean, running_var, "instance_norm", "use_input_stats=False")
        return _normalize_with(x, running_mean, running_var, weight, bias, shape, eps)
    positions = math.prod(x.shape[2:])
    if positions < 2:
        raise ValueError(f"instance_norm: expected more than 1 spatial element per channel "
                         f"when using the input's statistics, got input shape {tuple(x.shape)}")
    if (running_mean is None) != (running_var is None):  # (PyTorch's rule)
        raise ValueError("instance_norm: give running_mean and running_var both, or neither")
    standardize = Standardize(tuple(range(2, x.ndim)), eps)
    y = in_float32(standardize, x)
    if running_mean is not None or running_var is not None:
        run_replayed(_update_running, running_mean, running_var, standardize, momentum,
                     positions / (positions - 1))
    return _scale_shift(y, weight, bias, shape)


def _checked(x, per_channel, momentum, eps, who, updating):
    """batch_norm's and instance_norm's arguments checked: (x in the weight's dtype,
    (running_mean, running_var) arrays and (weight, bias) Variables, each (C,) or None,
    momentum, eps). `updating`: the running statistics will be written in place."""
    running_mean, running_var, weight, bias = per_channel
    channels = x.shape[1]
    running = (_stat(running_mean, "running_mean", channels, who, updating),
               _stat(running_var, "running_var", channels, who, updating))
    weight, bias = _affine(weight, bias, (channels,), who)
    return (_in_dtype_of(x, weight), running + (weight, bias),
            real_scalar(momentum, "momentum", who), real_scalar(eps, "eps", who))


def _require_running(running_mean, running_var, who, setting):
    if running_mean is None or running_var is None:
        raise ValueError(f"{who}: running_mean and running_var are required when {setting}")


def _normalize_with(x, mean, var, weight, bias, shape, eps):
    """(x - mean) / sqrt(var + eps) * weight + bias as one scale and one shift of x. The
    running statistics enter ops as constants (not NumPy work beside them), so a captured
    step reads their values as they are at each call."""
    inv_std = astype(1 / sqrt(wrap(var, False) + eps), x.dtype)
    scale = inv_std if weight is None else weight * inv_std
    shift = -astype(wrap(mean, False), x.dtype) * scale
    if bias is not None:
        shift = shift + bias
    return x * reshape_if_needed(scale, shape) + reshape_if_needed(shift, shape)


def _scale_shift(y, weight, bias, shape):
    """y * weight + bias, the (C,) parameters viewed as `shape` (layer_norm's already are)."""
    if weight is not None:
        y = y * reshape_if_needed(weight, shape)
    if bias is not None:
        y = y + reshape_if_needed(bias, shape)
    return y


def _in_dtype_of(x, weight):
    """x cast to weight's dtype (a float64 batch meets a float32 layer), as nn.functional.linear."""
    return x if weight is None or x.dtype == weight.dtype else astype(x, weight.dtype)


def _update_running(running_mean, running_var, standardize, momentum, correction):
    """Move the running statistics towards the batch's (the variance times `correction`:
    n / (n - 1), the unbiased one, as PyTorch; 1 as Keras); a captured step repeats this
    after the Standardize op's forward. Statistics per sample (instance_norm's, (N, C, ...))
    enter as their average over the samples (batch_norm's have one)."""
    if running_mean is not None:
        _update(running_mean, _over_samples(standardize.mean), momentum)
    if running_var is not None:
        _update(running_var, _over_samples(standardize.var) * correction, momentum)


def _over_samples(stat):
    """A keepdims statistic (N, C, ...) averaged over its samples; batch_norm's (1, C, ...)
    as it is (no NumPy call on every training step of every batch norm)."""
    return stat if stat.shape[0] == 1 else stat.mean(axis=0)


def _masked_batch_norm(x, mask, running_mean, running_var, weight, bias, momentum, eps,
                       unbiased):
    """batch_norm's training mode with Keras' masked moments (see batch_norm), by ops: the
    gradient flows through the statistics, and a captured step recomputes them."""
    if unbiased:
        raise ValueError("batch_norm: a mask takes Keras' masked moments, whose variance is "
                         "the biased one: give unbiased=False")
    mask = as_variable(mask, who="batch_norm: the mask")
    spatial = (x.shape[0],) + tuple(x.shape[2:])
    if tuple(mask.shape) == spatial:
        mask = reshape(mask, (x.shape[0], 1) + tuple(x.shape[2:]))
    elif tuple(mask.shape) != tuple(x.shape):
        raise ValueError(f"batch_norm: a mask of shape {tuple(mask.shape)} does not fit an input "
                         f"of shape {tuple(x.shape)} (expected {spatial}, the input without "
                         "its channel axis, or the input's shape)")
    present = astype(mask, x.dtype)
    axes = (0,) + tuple(range(2, x.ndim))
    count = sum(present, axes, keepdims=True) + _KERAS_EPSILON
    mean = sum(x * present, axes, keepdims=True) / count
    centered = x - mean
    var = sum(centered * centered * present, axes, keepdims=True) / count
    if running_mean is not None or running_var is not None:
        run_replayed(_update_masked, running_mean, running_var, mean, var, momentum)
    y = centered / sqrt(var + eps)
    return _scale_shift(y, weight, bias, (1, x.shape[1]) + (1,) * (x.ndim - 2))


_KERAS_EPSILON = 1e-7  # keras.backend.epsilon(), which its masked moments add to the count


def _update_masked(running_mean, running_var, mean, var, momentum):
    """The running statistics moved towards the masked moments (Variables, read as they are
    at each call, which a replay's ops have refreshed)."""
    for running, stat in ((running_mean, mean), (running_var, var)):
        if running is not None:
            _update(running, stat.data, momentum)


def _update(running, batch_stat, momentum):
    running *= 1 - momentum
    running += momentum * batch_stat.reshape(running.shape).astype(running.dtype, copy=False)


def _check_input(x):
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C) or (N, C, ...), got "
                         f"{tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"batch_norm: expected a floating-point input, got dtype {x.dtype}")


def _stat(array, name, channels, who, updating):
    """A running statistic checked before any work: both are checked before either is
    written, so a bad one cannot leave the other moved alone."""
    if array is None:
        return None
    array = array.data if isinstance(array, Variable) else array
    if not hasattr(array, "shape") or not hasattr(array, "dtype"):  # a list: nothing to update
        raise TypeError(f"{who}: {name} must be an array of shape ({channels},) (it is updated "
                        f"in place), got {type(array).__name__}")
    if tuple(array.shape) != (channels,):
        raise ValueError(f"{who}: {name} has shape {tuple(array.shape)}, expected "
                         f"({channels},) for an input with {channels} channels")
    if array.dtype.kind != "f":
        raise TypeError(f"{who}: {name} must be a floating-point array, got dtype {array.dtype}")
    if updating and not getattr(getattr(array, "flags", None), "writeable", True):
        raise ValueError(f"{who}: {name} is read-only (a broadcast view or a frozen array), "
                         f"but training updates it in place: pass a writeable copy")
    return array


def _affine(weight, bias, shape, who):
    checked = []
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            value = as_variable(value)
            if tuple(value.shape) != tuple(shape):
                raise ValueError(f"{who}: {name} has shape {tuple(value.shape)}, expected "
                                 f"{tuple(shape)}")
        checked.append(value)
    return checked


__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "Standardize"]
