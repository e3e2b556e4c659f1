"""Weight initialisation, in place, with PyTorch's formulas.

Every function fills a Parameter's (or an array's) data in place, keeps its dtype, draws
from NumPy's global generator (so `np.random.seed(0)` makes a model reproducible), or from
`generator` where PyTorch's takes one (a NumPy Generator or RandomState here), and returns
its argument. `fan_in`/`fan_out` follow PyTorch: for a weight of shape
(out, in, *kernel), fan_in = in * prod(kernel) and fan_out = out * prod(kernel).
"""
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.ops.erf_array import erfinv
from autograd.random_states import draw_source
from autograd.user_warnings import user_warning
from autograd.variable import Variable, is_uninitialized

_LINEAR_GAIN = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The recommended std gain for `nonlinearity` (PyTorch's table): 1 for linear/conv/
    sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu
    (slope = `param`, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (out, in, *receptive_field)."""
    shape = _data(tensor, "calculate_fan_in_and_fan_out").shape
    if len(shape) < 2:
        raise ValueError(f"calculate_fan_in_and_fan_out: needs at least 2 dimensions, got "
                         f"shape {tuple(shape)}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with draws from U(a, b)."""
    random = draw_source(generator, "uniform_")
    if not a <= b:
        raise ValueError(f"uniform_: expects a <= b (the range [a, b)), but found a={a} > "
                         f"b={b}")
    return _fill(tensor, lambda size: random.uniform(a, b, size), "uniform_")


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with draws from N(mean, std^2)."""
    random = draw_source(generator, "normal_")
    check_std(std, "std", "normal_")
    return _fill(tensor, lambda size: random.normal(mean, std, size), "normal_")


def check_std(std, name, who):
    """Refuse a negative (or NaN) standard deviation by name, rather than NumPy's bare
    'scale < 0'."""
    if not std >= 0:
        raise ValueError(f"{who}: expects {name} >= 0.0, but found {name} {std}")


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with draws from N(mean, std^2) truncated to [a, b] (absolute bounds, PyTorch's);
    a value drawn outside is drawn again."""
    random = draw_source(generator, "trunc_normal_")
    if not std > 0 or not a < b:
        raise ValueError(f"trunc_normal_: expects std > 0 and a < b, got std={std}, a={a}, "
                         f"b={b}")
    low, high = (a - mean) / std, (b - mean) / std
    if low > 2 or high < -2:
        user_warning("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                     "distribution of values may be incorrect.")
    mass = (math.erf(high / math.sqrt(2)) - math.erf(low / math.sqrt(2))) / 2
    if mass < 1e-9:  # (the inverse CDF has no float64 resolution left there)
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] holds {mass:.3g} of "
                         f"N({mean}, {std}^2), too little to draw from")
    return _fill(tensor, lambda size: mean + std * truncated_standard_normal(
        random, size, low, high), "trunc_normal_")


def truncated_standard_normal(random, size, low, high):
    """Standard normal values from `random` in [low, high]: the inverse CDF of uniform draws
    between the bounds' CDFs (PyTorch's way: drawing again what falls outside would take
    minutes for a window far out in a tail)."""
    low_cdf, high_cdf = (math.erf(bound / math.sqrt(2)) for bound in (low, high))
    uniform = random.uniform(low_cdf, high_cdf, size)  # (2 cdf - 1, the erf of each bound)
    return np.clip(math.sqrt(2) * erfinv(uniform), low, high)


def eye_(tensor):
    """The identity matrix (a 2-D tensor only; rectangular: ones on the main diagonal)."""
    data = _dims(tensor, (2,), "eye_")
    data[...] = get_array_module(data).eye(*data.shape, dtype=data.dtype)
    _changed(tensor)
    return tensor


def dirac_(tensor, groups=1):
    """A convolution weight (out, in, *kernel) that passes its input through: 1 at the
    kernel's centre from input channel d to output channel d of each of `groups` groups."""
    data = _dims(tensor, (3, 4, 5), "dirac_")
    if groups < 1 or data.shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 ({data.shape[0]}) must be divisible by groups "
                         f"({groups})")
    per_group = data.shape[0] // groups
    centre = tuple(k // 2 for k in data.shape[2:])
    data[...] = 0
    for g in range(groups):
        for d in range(min(per_group, data.shape[1])):
            data[(g * per_group + d, d) + centre] = 1
    _changed(tensor)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """A 2-D tensor of N(0, std^2) draws with ceil(sparsity * rows) of each column's entries,
    at random rows, set to zero (Martens 2010, PyTorch's)."""
    data = _dims(tensor, (2,), "sparse_")
    random = draw_source(generator, "sparse_")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_: sparsity must be in [0, 1], got {sparsity}")
    normal_(tensor, 0.0, std, generator)
    rows, cols = data.shape
    zeros = int(math.ceil(sparsity * rows))
    for col in range(cols):
        data[random.permutation(rows)[:zeros], col] = 0
    _changed(tensor)
    return tensor


def _dims(tensor, allowed, who):
    data = _data(tensor, who)
    if data.ndim not in allowed:
        raise ValueError(f"{who}: only tensors with {' or '.join(map(str, allowed))} "
                         f"dimensions are supported, got shape {tuple(data.shape)}")
    return data


def constant_(tensor, val):
    """Fill with `val` (an integer or boolean array too, as PyTorch fills one)."""
    data = _data(tensor, "constant_", kinds="biufc")
    data[...] = val
    _changed(tensor)
    return tensor


def zeros_(tensor):
    return constant_(tensor, 0)


def ones_(tensor):
    return constant_(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / max(fan_in + fan_out, 1))
    draw_source(generator, "xavier_uniform_")  # (refused under this name, not uniform_'s)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    draw_source(generator, "xavier_normal_")
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / max(fan_in + fan_out, 1)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a)
    and fan = fan_in or fan_out by `mode`."""
    draw_source(generator, "kaiming_uniform_")
    if _no_elements(tensor, "kaiming_uniform_"):
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2) with std = gain / sqrt(fan) (gain and fan as kaiming_uniform_)."""
    draw_source(generator, "kaiming_normal_")
    if _no_elements(tensor, "kaiming_normal_"):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"),
                   generator)


def _no_elements(tensor, who):
    """Whether `tensor` holds no element: PyTorch's kaiming fills return it as it is, of any
    rank, before computing fans (a (0,) bias too)."""
    return _data(tensor, who).size == 0


def orthogonal_(tensor, gain=1.0, generator=None):
    """A (semi-)orthogonal matrix times `gain` (PyTorch's and Keras' Orthogonal): the Q of the
    QR decomposition of a standard normal draw, its columns' signs fixed by R's diagonal so
    that Q is uniformly distributed. A tensor of shape (rows, *rest) is filled as a matrix
    (rows, prod(rest)): orthonormal rows when rows <= the rest, else orthonormal columns."""
    data = _data(tensor, "orthogonal_")
    random = draw_source(generator, "orthogonal_")
    if data.ndim < 2:
        raise ValueError(f"orthogonal_: needs at least 2 dimensions, got shape "
                         f"{tuple(data.shape)}")
    rows = data.shape[0]
    cols = data.size // rows if rows else 0
    if data.size == 0:
        return tensor
    flat = random.normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    data[...] = get_array_module(data).asarray(gain * q.reshape(data.shape)).astype(data.dtype)
    _changed(tensor)
    return tensor


def _kaiming_std(tensor, a, mode, nonlinearity, who):
    fan = _calculate_correct_fan(tensor, mode, who)
    # A zero-element tensor has nothing to fill (PyTorch: a no-op); any std will do.
    return calculate_gain(nonlinearity, a) / math.sqrt(max(fan, 1))


def _calculate_correct_fan(tensor, mode, who="_calculate_correct_fan"):
    """The fan `mode` names ('fan_in' or 'fan_out'); PyTorch's private name, which ported
    reset_parameters code calls. In any case, as PyTorch's: 'FAN_OUT' too."""
    which = mode.lower() if isinstance(mode, str) else mode
    if which not in ("fan_in", "fan_out"):
        raise ValueError(f"{who}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if which == "fan_in" else fan_out


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # (PyTorch's private name)


def _data(tensor, who, kinds="f"):
    """The array behind a Parameter/Variable (or the array itself), checked to be of one of
    the dtype kinds `kinds` (float by default: random draws)."""
    if is_uninitialized(tensor):  # (filling its empty placeholder would be lost at build)
        raise ValueError(f"{who}: the parameter is not built yet (a lazy layer's, such as "
                         "nn.Linear(out) or a Keras layer before its first call): call the "
                         "model once on a batch first, or give the layer its input size")
    data = tensor.data if isinstance(tensor, Variable) else tensor
    if not hasattr(data, "dtype") or data.dtype.kind not in kinds:
        kind = "floating-point" if kinds == "f" else "numeric"
        raise TypeError(f"{who}: expected a {kind} Parameter or array, got "
                        f"{getattr(data, 'dtype', type(data).__name__)}")
    return data


_CHUNK = 1 << 20  # draws per call: the float64 temporary stays at 8 MiB


def _fill(tensor, draw, who):
    """Fill tensor's data with `draw(size)`, chunk by chunk: NumPy's global generator is a
    stream, so the numbers are those of one call, without a float64 temporary of the whole
    tensor (VGG16's first classifier weight alone would need 822 MB and its page faults)."""
    data = _data(tensor, who)
    xp = get_array_module(data)
    if data.size <= _CHUNK or not data.flags.c_contiguous:
        data[...] = xp.asarray(draw(data.shape)).astype(data.dtype, copy=False)
    else:
        flat = data.reshape(-1)  # a view: C-contiguous
        for start in range(0, flat.size, _CHUNK):
            stop = min(start + _CHUNK, flat.size)
            flat[start:stop] = xp.asarray(draw(stop - start))
    _changed(tensor)
    return tensor


def _changed(tensor):
    if isinstance(tensor, Variable):
        tensor.bump_version()


__all__ = ["calculate_gain", "calculate_fan_in_and_fan_out", "uniform_", "normal_",
           "trunc_normal_", "constant_", "zeros_", "ones_", "eye_", "dirac_", "sparse_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "orthogonal_"]
