"""Keras' BatchNormalization and LayerNormalization: the features on `axis` (the last, for
channels-last images and batch-first sequences), Keras' arguments and defaults.

BatchNormalization is nn's batch norm (its lazy sizing, running statistics, inference mode
and `trainable = False`) with Keras' conventions: `momentum` is the weight of the moving
average (moving = momentum * moving + (1 - momentum) * batch: PyTorch's momentum is
1 - Keras'), the moving variance averages the biased batch variance, epsilon is 1e-3.
"""

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.ops import astype, broadcast_to, reshape, sqrt, transpose
from autograd.ops.half_precision import in_float32
from autograd.ops.validation import real_scalar
from autograd.user_warnings import user_warning
from autograd.variable import Variable, as_variable

from ... import functional as F
from ... import regularizers
from ...functional.normalization import layer_norm
from ...initializers import checked, draw
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.keras_name import size_from_input_shape
from ...layers.lazy_build import follow_device, hold_placeholders, make_parameters
from ...layers.normalization import _BatchNorm
from ...module import Module
from ._base import KerasLayer, floating


def _moved_to(x, axes, where):
    """(x with `axes` moved to position 1 (where='front') or to the end (where='end'),
    keeping their order, and the permutation that moves them back; None where none is
    needed)."""
    others = [a for a in range(1, x.ndim) if a not in axes]
    order = [0] + (list(axes) + others if where == "front" else others + list(axes))
    if order == list(range(x.ndim)):
        return x, None
    return transpose(x, tuple(order)), tuple(int(i) for i in np.argsort(order))


def _back(y, inverse):
    return y if inverse is None else transpose(y, inverse)


def _alias(attribute, doc):
    """A read-only Keras name for the attribute nn calls `attribute`."""
    return property(lambda layer: getattr(layer, attribute), doc=doc)


class _OnAxes(KerasLayer):
    """A layer normalizing each sample over Keras' `axis` (an int or a list of ints), built
    for those axes' sizes (normalized_shape) at its first input."""

    def _axes(self, ndim):
        """The axes (sorted, non-negative) `axis` names for an input of `ndim` axes; a
        ValueError naming the layer when one is out of range or the batch axis."""
        given = self.axis if isinstance(self.axis, (tuple, list)) else (self.axis,)
        axes = sorted({a % ndim for a in given if -ndim <= a < ndim})
        if len(axes) != len(given) or 0 in axes:
            raise ValueError(f"{self.who}: axis={self.axis} does not fit an input with "
                             f"{ndim} axes (the batch axis 0 cannot be one)")
        return tuple(axes)

    def _take_axis_and_epsilon(self, axis, epsilon, who):
        """Keras' `axis` (an int or a list of ints) and `epsilon` (> 0), checked."""
        self.axis = _axis_argument(axis, who, several=True)
        self.eps = real_scalar(epsilon, "epsilon", who)
        if not self.eps > 0:
            raise ValueError(f"{who}: epsilon must be > 0, got {epsilon}")

    def _normalized_input(self, x, layout):
        """x as a Variable of 2 to 32 axes (`layout` names them in the error), the axes
        `axis` normalizes and their sizes."""
        x = self._input(x, tuple(range(2, 33)), layout)
        axes = self._axes(x.ndim)
        return x, axes, tuple(x.shape[a] for a in axes)

    def _built_for(self, x, shape):
        """Build the layer for the normalized axes' sizes `shape` at the first call; later,
        a ValueError when x's differ from those it was built for."""
        if self.normalized_shape is None:
            self.build(shape, like=x.data)
        elif shape != self.normalized_shape:
            raise ValueError(f"{self.who}: the input of shape {tuple(x.shape)} has sizes "
                             f"{shape} on axis {self.axis}, the layer was built for "
                             f"{self.normalized_shape}")

    def _shape_to_build(self, shape):
        """The normalized axes' sizes: `shape` itself, or those sizes in Keras' input_shape
        ((None, 8): its batch axis first)."""
        shape = tuple(shape)
        if len(shape) > 1 and shape[0] is None:
            full, shape = shape, tuple(shape[a] for a in self._axes(len(shape)))
            if None in shape:
                raise ValueError(f"{self.who}: input_shape {full[1:]} does not give the sizes "
                                 f"of axis {self.axis}")
        return shape


class _KerasNormalization(_OnAxes):
    """Keras' gamma/beta names of the parameters weight and bias."""

    keras_weight_names = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean",
                          "running_var": "moving_variance"}  # (w.name; BatchNorm's buffers)

    gamma = _alias("weight", "Keras' name of the scale, the parameter weight (None with "
                             "scale=False)")
    beta = _alias("bias", "Keras' name of the offset, the parameter bias (None with "
                          "center=False)")
    epsilon = _alias("eps", "Keras' name of eps, added to the variance")
    # (nn.constraints) applied after each of fit's steps
    gamma_constraint, beta_constraint = WeightConstraint("weight"), WeightConstraint("bias")

    gamma_regularizer = beta_regularizer = None

    def penalties(self):
        """The gamma and beta regularizers' penalties (Keras' layer.losses)."""
        return regularizers.penalties(((self.gamma_regularizer, self.weight),
                                       (self.beta_regularizer, self.bias)))

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, **constraint_configs(self), **regularizers.configs(
            beta_regularizer=self.beta_regularizer, gamma_regularizer=self.gamma_regularizer))

    def _draw_initialized(self, shape):
        """After build's fill (gamma ones, beta zeros, moving mean 0 and variance 1): each
        of those the layer has drawn from its Keras *_initializer where another was given."""
        for slot, (argument, built_with) in _INITIALIZED.items():
            target = getattr(self, slot, None)
            initializer = getattr(self, argument, built_with)
            if target is None or initializer == built_with:
                continue
            values = draw(initializer, shape, np.float32)
            array = target.data if isinstance(target, Variable) else target
            array[...] = get_array_module(array).asarray(values)
            if isinstance(target, Variable):
                target.bump_version()


def _axis_argument(axis, who, several):
    ok = (isinstance(axis, (int, np.integer)) and not isinstance(axis, bool)) or (
        several and isinstance(axis, (tuple, list)) and axis and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis))
    if not ok:
        kinds = "an int or a list of ints" if several else "an int"
        raise TypeError(f"{who}: axis must be {kinds}, got {axis!r}")
    return [int(a) for a in axis] if isinstance(axis, (tuple, list)) else int(axis)


# slot -> (Keras' initializer argument for it, what _BatchNorm.build gives it: an initializer
# of that name needs no draw)
_INITIALIZED = {"bias": ("beta_initializer", "zeros"), "weight": ("gamma_initializer", "ones"),
                "running_mean": ("moving_mean_initializer", "zeros"),
                "running_var": ("moving_variance_initializer", "ones")}


class BatchNormalization(_KerasNormalization, _BatchNorm):
    """Keras' batch normalization of the features on `axis` (default -1: channels-last
    images, (N, F) features, batch-first sequences), over all the other axes.

    Training (fit, or `training=True`) normalizes with the batch's mean and biased variance
    and moves the moving statistics towards them; inference (predict, evaluate, eval(),
    or the layer set `trainable = False`, as Keras) uses the moving statistics. Parameters:
    weight (Keras' gamma, ones; with scale) and bias (beta, zeros; with center), buffers
    running_mean and running_var (Keras' moving_mean and moving_variance), sized from the
    first input unless input_shape says them; get_weights gives [gamma, beta, moving_mean,
    moving_variance], Keras' order. Keras' *_initializer arguments draw them when the layer
    is built (nn.initializers' names or objects), gamma_regularizer / beta_regularizer add
    their penalties to fit's loss, gamma_constraint / beta_constraint project them after
    each of fit's steps.
    """

    input_dims = tuple(range(2, 33))
    input_layout = "(N, ..., C)"
    supports_masking = True  # (Keras passes masks on; in training they weigh the statistics)
    unbiased = False  # Keras' moving variance averages the biased batch variance
    autocast_weights = False  # (Keras': under mixed_float16 it computes in float32)
    center = scale = True  # (until __init__ sets them: _BatchNorm's first unbuild reads them)

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, *, name=None, input_shape=None):
        who = "BatchNormalization"
        if synchronized:  # (Keras' flag for distribution strategies)
            raise ValueError(f"{who}: synchronized=True is nn.distributed's SyncBatchNorm "
                             "(convert_sync_batchnorm); leave it False")
        self.synchronized = False
        initializers = [checked(value, argument, who) for value, (argument, _) in zip(
            (beta_initializer, gamma_initializer, moving_mean_initializer,
             moving_variance_initializer), _INITIALIZED.values())]  # (drawn at build)
        penalties = (regularizers.get(beta_regularizer, who),
                     regularizers.get(gamma_regularizer, who))
        axis = _axis_argument(axis, who, several=False)
        momentum = real_scalar(momentum, "momentum", who)
        epsilon = real_scalar(epsilon, "epsilon", who)
        if not 0 <= momentum <= 1 or not epsilon > 0:
            raise ValueError(f"{who}: momentum must be in [0, 1] and epsilon > 0, got "
                             f"momentum={momentum}, epsilon={epsilon}")
        super().__init__(None, epsilon, momentum, affine=bool(center or scale))
        (self.beta_initializer, self.gamma_initializer, self.moving_mean_initializer,
         self.moving_variance_initializer) = initializers
        self.beta_regularizer, self.gamma_regularizer = penalties
        self.axis, self.center, self.scale = axis, bool(center), bool(scale)
        self.gamma_constraint, self.beta_constraint = gamma_constraint, beta_constraint
        self.unbuild()  # placeholders for the parameters center and scale ask for
        self._keras_arguments(name, input_shape)
        if self.declared_input_shape is not None:
            full = (None,) + self.declared_input_shape
            features = full[self._axes(len(full))[0]]
            if features is None:
                raise ValueError(f"{self.who}: input_shape {full[1:]} does not give the size "
                                 f"of axis {axis}")
            self.build(features)

    def affine_parameters(self):
        return {"weight": self.scale, "bias": self.center}

    def build(self, num_features, like=None):
        """_BatchNorm's build (gamma ones, beta zeros, moving mean 0 and variance 1), then
        each of the four drawn from its initializer where another was given; Keras'
        input_shape ((None, 8)) gives the size of `axis`."""
        num_features = size_from_input_shape(num_features, self.axis, self.who)
        super().build(num_features, like)
        self._draw_initialized((num_features,))

    def update_momentum(self):
        return 1.0 - self.momentum  # PyTorch's momentum: the batch statistics' weight

    moving_mean = _alias("running_mean", "Keras' name of the buffer running_mean")
    moving_variance = _alias("running_var", "Keras' name of the buffer running_var")

    def forward(self, x, training=None, mask=None):
        """Normalized x; training (Keras' call argument): batch statistics when true, the
        moving ones when false, the layer's mode when None (a frozen layer: always the
        moving ones). mask: Keras' mask of x's leading axes (N, T) for x (N, T, ...), one
        axis fewer than x: in training the statistics are those of the positions it marks
        True (broadcast over x's last axis, as Keras' _moments), whatever `axis` is."""
        x = self._input(x, self.input_dims, self.input_layout)
        axis = self._axes(x.ndim)[0]
        if self.num_features is not None and x.shape[axis] != self.num_features:
            raise ValueError(f"{self.who}: the input of shape {tuple(x.shape)} has "
                             f"{x.shape[axis]} features on axis {self.axis}, the layer was "
                             f"built for {self.num_features}")
        if mask is not None and len(mask.shape) != x.ndim - 1:
            raise ValueError(f"{self.who}: the mask must have one axis fewer than the input; "
                             f"got a mask of shape {tuple(mask.shape)} for an input of shape "
                             f"{tuple(x.shape)}")
        mode = self.training if training is None else bool(training)
        moved, inverse = _moved_to(x, (axis,), "front")  # nn's batch norm: channels on axis 1
        if mask is not None and mode:  # (Keras reads it in training only)
            mask = _moved_to(self._positions(mask, x), (axis,), "front")[0]
        return _back(self._normalize(moved, mode, mask), inverse)

    def _positions(self, mask, x):
        """The mask (N, ..., T) of x's leading axes as booleans of x's shape."""
        if tuple(mask.shape) != tuple(x.shape[:-1]):
            raise ValueError(f"{self.who}: a mask of shape {tuple(mask.shape)} does not fit an "
                             f"input of shape {tuple(x.shape)} (expected {tuple(x.shape[:-1])}"
                             ": its leading axes)")
        mask = as_variable(mask, who=f"{self.who}: the mask")
        return broadcast_to(reshape(mask, tuple(mask.shape) + (1,)), tuple(x.shape))

    def extra_repr(self):
        return (f"axis={self.axis}, momentum={self.momentum}, epsilon={self.eps}, "
                f"center={self.center}, scale={self.scale}, features={self.num_features}")


class LayerNormalization(_KerasNormalization, Module):
    """Keras' layer normalization: each sample normalized over `axis` (an int or a list of
    ints; default -1, the features), with its own mean and biased variance, then scaled by
    weight (Keras' gamma, ones; with scale) and shifted by bias (beta, zeros; with center),
    both of the shape of the normalized axes, sized from the first input unless input_shape
    says them. rms_scaling=True (Keras' deprecated argument, kept for its models): x /
    sqrt(var(x) + epsilon) * gamma, x not centred, gamma whatever `scale` says, no beta."""

    supports_masking = True  # (Keras passes masks on, and normalizes every step alike)
    autocast = False  # (Keras': under mixed_float16 it computes in float32, from the input)

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, *,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, name=None, input_shape=None, gamma_constraint=None,
                 beta_constraint=None, rms_scaling=False):
        super().__init__()
        who = type(self).__name__
        self.rms_scaling = bool(rms_scaling)
        if self.rms_scaling:  # (Keras 3.15 warns so too)
            user_warning(f"{who}: rms_scaling=True is deprecated: it scales by the variance, "
                         "not the root mean square; RMSNormalization is the RMS one",
                         UserWarning)
        self.beta_initializer = checked(beta_initializer, "beta_initializer", who)
        self.gamma_initializer = checked(gamma_initializer, "gamma_initializer", who)
        self.beta_regularizer = regularizers.get(beta_regularizer, who)
        self.gamma_regularizer = regularizers.get(gamma_regularizer, who)
        self._take_axis_and_epsilon(axis, epsilon, who)
        self.center, self.scale = bool(center), bool(scale)
        self.gamma_constraint, self.beta_constraint = gamma_constraint, beta_constraint
        self._keras_arguments(name, input_shape)
        self.normalized_shape = None
        self.unbuild()
        if self.declared_input_shape is not None:
            self.build((None,) + self.declared_input_shape)

    @property
    def built(self):
        return self.normalized_shape is not None or not any(self._present().values())

    def _present(self):
        """Which of weight (gamma) and bias (beta) the layer has: rms_scaling keeps gamma
        and drops beta, as Keras."""
        return {"weight": self.scale or self.rms_scaling,
                "bias": self.center and not self.rms_scaling}

    def unbuild(self):
        """Forget the normalized shape: weight and bias become placeholders."""
        self.normalized_shape = None
        hold_placeholders(self, self._present(), np.float32)

    def build(self, shape, like=None):
        """Make weight (ones) and bias (zeros) of `shape`, the normalized axes' sizes, or of
        those sizes in Keras' input_shape ((None, 8): its batch axis first)."""
        self.normalized_shape = self._shape_to_build(shape)
        present = self._present()
        make_parameters(self, {n: self.normalized_shape for n, has in present.items() if has},
                        np.float32)
        for name, fill in (("weight", 1), ("bias", 0)):
            if present[name]:
                getattr(self, name).data[...] = fill
        self._draw_initialized(self.normalized_shape)
        follow_device(self, like)

    def size_from_state(self, shapes):
        """The normalized shape that loading arrays of `shapes` implies (weight's, bias')."""
        found = {tuple(shapes[n]) for n in ("weight", "bias") if n in shapes}
        if len(found) != 1:
            raise ValueError(f"{self.who}: weight and bias of shapes {shapes} do not fit "
                             f"(expected one shape, the normalized axes' sizes)")
        return found.pop()

    def forward(self, x):
        x, axes, shape = self._normalized_input(x, "(N, ..., F)")
        self._built_for(x, shape)
        moved, inverse = _moved_to(x, axes, "end")  # nn's layer_norm: the last axes
        if self.rms_scaling:
            return _back(self._variance_scaled(moved, len(shape)), inverse)
        return _back(layer_norm(moved, shape, self.weight, self.bias, self.eps), inverse)

    def _variance_scaled(self, x, trailing):
        """Keras' rms_scaling: x / sqrt(var(x) + epsilon) * gamma, the biased variance over
        the `trailing` last axes (x itself not centred), in float32 at least."""
        if self.weight is not None and x.dtype != self.weight.dtype:
            x = astype(x, self.weight.dtype)  # (as layer_norm: a float64 batch, a float32 layer)
        axes = tuple(range(x.ndim - trailing, x.ndim))
        y = in_float32(_over_deviation, x, axes, self.eps)
        return y if self.weight is None else y * self.weight

    def extra_repr(self):
        rms = ", rms_scaling=True" if self.rms_scaling else ""
        return (f"axis={self.axis}, epsilon={self.eps}, center={self.center}, "
                f"scale={self.scale}{rms}, shape={self.normalized_shape}")


def _over_deviation(x, axes, eps):
    """x / sqrt(var(x) + eps), the biased variance over `axes`."""
    centred = x - x.mean(axis=axes, keepdims=True)
    return x / sqrt((centred * centred).mean(axis=axes, keepdims=True) + eps)


class GroupNormalization(LayerNormalization):
    """Keras' group normalization: the channels (axis, default -1) cut into `groups` groups
    of consecutive channels (-1: one per channel, instance normalization); each sample's
    group normalized over its channels and every position, with its own mean and biased
    variance, then each channel scaled by weight (gamma) and shifted by bias (beta)."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, *,
                 name=None, input_shape=None):
        if groups != -1:
            positive_int(groups, "groups", "GroupNormalization")
        self.groups = groups
        super().__init__(_axis_argument(axis, "GroupNormalization", several=False), epsilon,
                         center, scale, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                         gamma_regularizer=gamma_regularizer, name=name,
                         input_shape=input_shape, gamma_constraint=gamma_constraint,
                         beta_constraint=beta_constraint)

    def forward(self, x):
        x, axes, (channels,) = self._normalized_input(x, "(N, ..., channels)")
        groups = channels if self.groups == -1 else self.groups
        if channels % groups:
            raise ValueError(f"{self.who}: {channels} channels (axis {self.axis}) do not split "
                             f"into groups={self.groups}")
        self._built_for(x, (channels,))
        moved, inverse = _moved_to(x, axes, "front")  # nn's group_norm: channels on axis 1
        return _back(F.group_norm(moved, groups, self.weight, self.bias, self.eps), inverse)

    def extra_repr(self):
        return f"groups={self.groups}, " + super().extra_repr()


class UnitNormalization(Module, KerasLayer):
    """Keras' UnitNormalization: each sample divided by its 2-norm over `axis` (an int or a
    list of ints; default -1), x / max(||x||, 1e-12)."""

    supports_masking = True

    def __init__(self, axis=-1, *, name=None, input_shape=None):
        super().__init__()
        self.axis = _axis_argument(axis, "UnitNormalization", several=True)
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        return F.normalize(floating(as_variable(x, who=self.who)), 2, self.axis, 1e-12)

    get_config = init_config


class RMSNormalization(_OnAxes, Module):
    """Keras' root-mean-square normalization: each sample divided by sqrt(mean(x^2) +
    epsilon), the mean over `axis` (an int or a list of ints; default -1), then scaled by
    the parameter `scale` (ones, of the normalized axes' sizes, built at the first input
    unless input_shape says them). Unlike LayerNormalization it subtracts no mean and has
    no offset."""

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-6, *, name=None, input_shape=None):
        super().__init__()
        who = type(self).__name__
        self._take_axis_and_epsilon(axis, epsilon, who)
        self._keras_arguments(name, input_shape)
        self.unbuild()
        if self.declared_input_shape is not None:
            self.build((None,) + self.declared_input_shape)

    epsilon = _alias("eps", "Keras' name of eps, added to the mean square")

    @property
    def built(self):
        return self.normalized_shape is not None

    def unbuild(self):
        """Forget the normalized shape: scale becomes a placeholder."""
        self.normalized_shape = None
        hold_placeholders(self, {"scale": True}, np.float32)

    def build(self, shape, like=None):
        """Make scale (ones) of `shape`, the normalized axes' sizes, or of those sizes in
        Keras' input_shape ((None, 8): its batch axis first)."""
        self.normalized_shape = self._shape_to_build(shape)
        make_parameters(self, {"scale": self.normalized_shape}, np.float32)
        self.scale.data[...] = 1
        follow_device(self, like)

    def size_from_state(self, shapes):
        """The normalized shape that loading a scale of shapes["scale"] implies."""
        if "scale" not in shapes:
            raise ValueError(f"{self.who}: no scale among the arrays to load ({shapes})")
        return tuple(shapes["scale"])

    def forward(self, x):
        x, axes, shape = self._normalized_input(floating(as_variable(x, who=self.who)),
                                                "(N, ..., F)")
        self._built_for(x, shape)
        moved, inverse = _moved_to(x, axes, "end")  # nn's rms_norm: the last axes
        return _back(F.rms_norm(moved, shape, self.scale, self.eps), inverse)

    get_config = init_config

    def extra_repr(self):
        return f"axis={self.axis}, epsilon={self.eps}, shape={self.normalized_shape}"


__all__ = ["BatchNormalization", "LayerNormalization", "UnitNormalization",
           "GroupNormalization", "RMSNormalization"]
