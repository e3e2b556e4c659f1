"""Keras' weight initializers (`keras.initializers`), for the `*_initializer=` arguments of
the Keras-style layers (Dense, nn.keras.layers).

An initializer is Keras' callable `initializer(shape, dtype) -> array`, drawn from NumPy's
global generator (nn.init's convention: `np.random.seed` makes a model reproducible), or,
given an int `seed=`, from a generator seeded with it at each call (Keras': a seeded
initializer draws the same values every time, NumPy's values, not Keras'); a name
('he_normal', 'glorot_uniform', ...) stands for the class's default. Shapes are Keras'
layouts (a kernel is (fan_in, fan_out), a convolution's (KH, KW, in, out)): the fans, and so
the scales, are counted as Keras counts them. The variance-scaling normals are truncated at
two standard deviations, as Keras 3's.
"""
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.variable import is_uninitialized

from .init import check_std, truncated_standard_normal
from .layers.keras_name import snake_case

_TRUNCATED_STDDEV = 0.87962566103423978  # the std of a unit normal cut at +-2


def _fans(shape, input_axes=None, output_axes=None, who="initializer"):
    """Keras' (fan_in, fan_out): the sizes of `input_axes` and of `output_axes` multiplied
    where both are given (an einsum kernel's), else the last two axes times the receptive
    field before them."""
    if input_axes is not None and output_axes is not None:
        return _axes_size(shape, input_axes, who), _axes_size(shape, output_axes, who)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _axes_size(shape, axes, who):
    if any(not -len(shape) <= a < len(shape) for a in axes):
        raise ValueError(f"{who}: input_axes and output_axes must be axes of the weight's shape "
                         f"{shape}, got {list(axes)}")
    return math.prod(shape[a] for a in axes)


def _truncated_normal(random, shape, mean, stddev):
    """Normal values from `random`, those beyond two standard deviations drawn again."""
    return mean + stddev * truncated_standard_normal(random, shape, -2.0, 2.0)


def _checked_seed(seed, who):
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)
                             or not 0 <= seed < 2 ** 32):
        raise ValueError(f"{who}: seed must be None or an int in [0, 2**32), got {seed!r}")
    return None if seed is None else int(seed)


class Initializer:
    """Keras' base: `initializer(shape, dtype)` gives a new array (float32 for dtype None);
    get_config for saving."""

    seed = None
    exact = False  # (True: values any dtype holds, Constant's; else drawn, floats only)

    def __call__(self, shape, dtype=None):
        if not self.exact and np.dtype(dtype or "float32").kind != "f":
            raise TypeError(f"{type(self).__name__}: draws floating-point values, not "
                            f"{np.dtype(dtype)} (Keras' random draws refuse it too)")
        random = np.random if self.seed is None else np.random.RandomState(self.seed)
        # None is Keras' floatx(), float32 (NumPy's None would keep the draw's float64)
        return np.asarray(self.draw(tuple(shape), random), dtype=dtype or "float32")

    def get_config(self):
        return dict(vars(self))

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class VarianceScaling(Initializer):
    """Values of variance scale / n (scale > 0), n = fan_in, fan_out or their mean (`mode`),
    from a truncated normal ('normal' too, as Keras reads it), a normal
    ('untruncated_normal') or a uniform (`distribution`). input_axes and output_axes (both
    or neither: Keras 3.15 ignores one alone; EinsumDense sets them): the weight's axes
    whose sizes multiply to fan_in and fan_out, in place of a kernel's default count."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if not scale > 0:
            raise ValueError(f"VarianceScaling: Argument `scale` must be positive float. "
                             f"Received: scale={scale}")
        if isinstance(distribution, str):  # Keras' reading: TF 2's 'normal' is truncated
            distribution = distribution.lower()
            distribution = "truncated_normal" if distribution == "normal" else distribution
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got "
                             f"{mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: distribution must be truncated_normal, "
                             f"untruncated_normal or uniform, got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.seed = _checked_seed(seed, type(self).__name__)
        self.input_axes, self.output_axes = _axes_pair(input_axes, output_axes,
                                                       type(self).__name__)

    def draw(self, shape, random):
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes, type(self).__name__)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random.uniform(-limit, limit, shape)
        if self.distribution == "untruncated_normal":
            return random.normal(0.0, math.sqrt(variance), shape)
        return _truncated_normal(random, shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV)


def _axes_pair(input_axes, output_axes, who):
    """Keras' input_axes and output_axes (each a list of ints) as lists, both or neither:
    Keras 3.15 uses them only together and silently ignores one given alone, so that is
    refused here rather than left unused."""
    if (input_axes is None) != (output_axes is None):
        raise ValueError(f"{who}: input_axes and output_axes count the fans together: give "
                         f"both or neither, got input_axes={input_axes!r}, "
                         f"output_axes={output_axes!r}")
    return _axes_list(input_axes, "input_axes", who), _axes_list(output_axes, "output_axes", who)


def _axes_list(axes, name, who):
    """Keras' axes argument (None or a list of ints), as get_config gives it back."""
    if axes is None:
        return None
    if not isinstance(axes, (list, tuple)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{who}: {name} must be a list of ints (axes of the weight), got "
                        f"{axes!r}")
    return [int(a) for a in axes]


def _scaling(class_name, scale, mode, distribution):
    """A VarianceScaling of fixed settings, as Keras names them (GlorotUniform, HeNormal)."""
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    __init__.__qualname__ = f"{class_name}.__init__"  # (named in an unknown keyword's error)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}
    return type(class_name, (VarianceScaling,), {
        "__init__": __init__, "get_config": get_config, "__module__": __name__,
        "__doc__": f"Keras' {class_name}: VarianceScaling(scale={scale}, mode={mode!r}, "
                   f"distribution={distribution!r})."})


GlorotUniform = _scaling("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _scaling("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _scaling("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _scaling("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _scaling("LecunNormal", 1.0, "fan_in", "truncated_normal")


class RandomUniform(Initializer):
    """U(minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval = minval, maxval
        self.seed = _checked_seed(seed, type(self).__name__)

    def draw(self, shape, random):
        return random.uniform(self.minval, self.maxval, shape)


class RandomNormal(Initializer):
    """N(mean, stddev^2)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        check_std(stddev, "stddev", type(self).__name__)
        self.mean, self.stddev = mean, stddev
        self.seed = _checked_seed(seed, type(self).__name__)

    def draw(self, shape, random):
        return random.normal(self.mean, self.stddev, shape)


class TruncatedNormal(RandomNormal):
    """N(mean, stddev^2) cut at two standard deviations."""

    def draw(self, shape, random):
        return _truncated_normal(random, shape, self.mean, self.stddev)


class Constant(Initializer):
    """Every value `value`."""

    exact = True

    def __init__(self, value=0.0):
        self.value = value

    def draw(self, shape, random):
        return np.full(shape, self.value)


class Zeros(Constant):
    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times `gain`, over the last axis against the others (the
    QR decomposition of a normal matrix, signs fixed by R's diagonal)."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        self.seed = _checked_seed(seed, type(self).__name__)

    def draw(self, shape, random):
        if len(shape) < 2:
            raise ValueError("Orthogonal: the tensor to initialize must be at least "
                             f"two-dimensional. Received: shape={shape} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = random.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        return self.gain * (q if rows >= cols else q.T).reshape(shape)


class Identity(Initializer):
    """`gain` times the identity matrix, for 2-D shapes only (Keras')."""

    exact = True

    def __init__(self, gain=1.0):
        self.gain = gain

    def draw(self, shape, random):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return self.gain * np.eye(*shape)


IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal  # Keras 3's other names

ALL = {"glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
       "he_uniform": HeUniform, "he_normal": HeNormal, "lecun_uniform": LecunUniform,
       "lecun_normal": LecunNormal, "orthogonal": Orthogonal, "zeros": Zeros, "ones": Ones,
       "random_uniform": RandomUniform, "uniform": RandomUniform,
       "random_normal": RandomNormal, "normal": RandomNormal,
       "truncated_normal": TruncatedNormal, "constant": Constant,
       "variance_scaling": VarianceScaling, "identity": Identity,
       # Keras' aliases
       "one": Ones, "zero": Zeros, "orthogonal_initializer": Orthogonal,
       "identity_initializer": Identity}
_CLASSES = {**{cls.__name__: cls for cls in ALL.values()},
            "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal}


def get(identifier, argument="initializer", who="initializers.get"):
    """An initializer from a name (Keras' names, or class names: 'HeNormal'), the
    {'class_name', 'config'} dict of Keras' serialization, or the callable given (Keras'
    protocol: (shape, dtype) -> array); a ValueError naming `argument` otherwise."""
    if identifier is None:  # (Keras': add_weight's default for a float weight)
        return GlorotUniform()
    if callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    names, classes = _known()
    if isinstance(identifier, str):
        found = names.get(identifier) or classes.get(identifier) or \
            names.get(snake_case(identifier))
        if found is not None:
            return found()
    from .layers.config import from_saved  # (nn.layers imports this module)
    saved = from_saved(identifier, classes, Initializer)
    if saved is not None:
        return saved
    raise ValueError(f"{who}: unknown {argument} {identifier!r}; use a callable (shape, dtype) "
                     f"-> array, a {{'class_name', 'config'}} dict or one of "
                     f"{', '.join(sorted(names))}")


def _known():
    """({name: class}, {class name: class}) of the initializers get() takes: ALL and
    Keras' STFT (in a file of its own, which imports this one)."""
    from .stft_initializer import STFT
    return {**ALL, "stft": STFT}, {**_CLASSES, "STFT": STFT, "STFTInitializer": STFT}


def checked(identifier, argument, who):
    """`identifier` as given (kept by a layer, for its config), once get() accepts it."""
    get(identifier, argument, who)
    return identifier


def fill(param, initializer, transposed=False):
    """Write a fresh draw of `initializer` (see get) into the Parameter `param`; with
    `transposed`, draw in Keras' layout, the transpose of param's (a Dense's (out, in)
    weight is Keras' (in, out) kernel). Nothing for a layer's placeholder: a lazy layer
    reset before its first call draws its weights at that call (PyTorch's lazy layers)."""
    if is_uninitialized(param):
        return
    shape = tuple(param.shape)[::-1] if transposed else tuple(param.shape)
    drawn = draw(initializer, shape, param.dtype)
    param.data[...] = get_array_module(param.data).asarray(drawn.T if transposed else drawn)
    param.bump_version()


def draw(initializer, shape, dtype):
    """A draw of `initializer` (see get) as a NumPy array of `shape`; a ValueError naming it
    when it gives another shape."""
    drawn = np.asarray(get(initializer)(tuple(shape), dtype))
    if drawn.shape != tuple(shape):
        raise ValueError(f"the initializer {initializer!r} gave an array of shape {drawn.shape} "
                         f"for a weight of shape {tuple(shape)}")
    return drawn


__all__ = ["Initializer", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform",
           "HeNormal", "LecunUniform", "LecunNormal", "RandomUniform", "RandomNormal",
           "TruncatedNormal", "Constant", "Zeros", "Ones", "Orthogonal", "OrthogonalInitializer",
           "Identity", "IdentityInitializer", "get", "checked",
           "fill", "draw"]
