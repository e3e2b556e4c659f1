"""BatchNorm1d, BatchNorm2d, InstanceNorm1d/2d/3d (and their Lazy twins, sized by the first
input), LayerNorm, GroupNorm and RMSNorm with PyTorch's parameters, buffers and defaults."""

import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.backend import array_of
from autograd.capture import CaptureError, capturing, run_replayed
from autograd.ops import reshape
from autograd.ops.validation import real_scalar
from autograd.user_warnings import user_warning
from autograd.variable import Parameter, is_uninitialized

from .. import init
from ..functional.normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    rms_norm,
)
from ..module import Module
from .config import init_config
from .lazy_build import channels_of, finish_build, hold_placeholders, make_parameters


class _BatchNorm(Module):
    """Normalizes each channel (axis 1) with batch statistics in training mode and with the
    running averages (buffers `running_mean`, `running_var`, `num_batches_tracked`) in eval
    mode (`.eval()`, or autograd's `test_mode()`). momentum=None averages all batches seen so
    far (a cumulative mean), as PyTorch."""

    # PyTorch's checkpoints before 0.4.1 lack the counter; loading keeps it, as PyTorch's
    kept_when_missing = ("num_batches_tracked",)

    input_dims = ()  # the input ranks a subclass accepts
    input_layout = ""
    unbiased = True  # the running variance averages the unbiased batch variance (PyTorch's)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__()
        self.dtype = float_dtype(dtype, type(self).__name__)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self._with_bias = bias
        if num_features is None:  # a Lazy* layer: sized by the first input's axis 1
            self.unbuild()
        else:
            self.build(positive_int(num_features, "num_features", type(self).__name__))
        self.to(device=device)

    @property
    def built(self):
        return self.num_features is not None

    def unbuild(self):
        """Forget num_features: weight and bias become placeholders (which an optimizer may
        hold), the running statistics None, until the next call sizes them."""
        self.num_features = None
        hold_placeholders(self, self.affine_parameters(), self.dtype)
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            self.register_buffer(name, None)

    def build(self, num_features, like=None):
        """Make weight (ones), bias (zeros) and the running statistics for `num_features`
        channels (materializing placeholders in place); on the GPU when `like` is there."""
        self.num_features = num_features
        present = self.affine_parameters()
        make_parameters(self, {name: (num_features,) for name, has in present.items() if has},
                        self.dtype)
        for name, fill in (("weight", 1), ("bias", 0)):
            if present[name]:
                getattr(self, name).data[...] = fill
            else:
                self.register_parameter(name, None)
        stats = self.buffers_for(num_features)
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            self.register_buffer(name, stats.get(name))
        finish_build(self, like)

    def affine_parameters(self):
        """{"weight": whether the layer has it, "bias": likewise}: both with affine, unless
        bias=False (PyTorch 2.13's keyword) leaves the shift out."""
        return {"weight": self.affine, "bias": self.affine and self._with_bias}

    def update_momentum(self):
        """The weight of a batch's statistics in the running averages (PyTorch's momentum;
        None: a cumulative average)."""
        return self.momentum

    def _count_batch(self, momentum):
        """Count a training batch (a replayable call); returns the momentum its statistics
        enter the running averages with (None: 1 / the batches counted)."""
        run_replayed(_count_batch, self.num_batches_tracked)
        if momentum is not None:
            return momentum
        if capturing():
            raise CaptureError(f"{type(self).__name__}: momentum=None (a cumulative average) "
                               f"cannot be replayed by autograd.capture; give a momentum")
        return 1.0 / float(self.num_batches_tracked)

    def buffers_for(self, num_features):
        """{name: array}: the running statistics `build(num_features)` registers (none when
        they are not tracked); loading a state_dict into an unbuilt layer checks against it."""
        if not self.track_running_stats:
            return {}
        return {"running_mean": np.zeros(num_features, dtype=self.dtype),
                "running_var": np.ones(num_features, dtype=self.dtype),
                "num_batches_tracked": np.zeros((), dtype=np.int64)}

    def size_from_state(self, shapes):
        """num_features that loading arrays of `shapes` into this unbuilt layer implies:
        weight's and bias' length, else (affine=False) running_mean's; the other running
        statistics are checked against the built layer's."""
        names = [name for name, has in self.affine_parameters().items() if has]
        if names:
            found = {name: tuple(shapes.get(name, ())) for name in names}
            first = found[names[0]]
            if len(first) != 1 or any(shape != first for shape in found.values()):
                given = " and ".join(f"{name} {shape}" for name, shape in found.items())
                raise ValueError(f"{type(self).__name__}: {given} do not fit (expected "
                                 f"(num_features,) each)")
            return first[0]
        mean = tuple(shapes.get("running_mean", ()))
        if len(mean) != 1:
            raise ValueError(f"{type(self).__name__}: running_mean {mean} does not fit "
                             f"(expected (num_features,))")
        return mean[0]

    def reset_running_stats(self):
        if self.track_running_stats and self.running_mean is not None:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def reset_parameters(self):
        """The running statistics and the affine weight (ones) and bias (zeros) as new."""
        self.reset_running_stats()
        reset_affine(self)

    def forward(self, x):
        return self._normalize(x, self.training)

    def _normalize(self, x, training, mask=None):
        """forward, in training mode or not as `training` says (Keras' call argument);
        `mask` (N, *spatial): Keras' masked moments in training (see batch_norm)."""
        if self.num_features is None:  # not built yet (a plain read: this is the hot path)
            self._check_rank(x)
            self.build(channels_of(x, type(self).__name__, self.input_layout),
                       like=array_of(x))
        self._check_input(x)
        # (test_mode() is in .training; a layer set trainable=False runs as in inference,
        # keeping its statistics, as Keras' BatchNormalization)
        training = training and not self._keras_frozen
        momentum = self.update_momentum()
        if training and self.track_running_stats:
            momentum = self._count_batch(momentum)
        # PyTorch's rules: the statistics kept are updated only while tracked (switched off
        # after construction, they are kept as they were), and read in inference whenever
        # there are any (batch statistics only without them)
        kept = not training or self.track_running_stats
        without = self.running_mean is None and self.running_var is None
        return batch_norm(x, self.running_mean if kept else None,
                          self.running_var if kept else None, self.weight, self.bias,
                          training=training or without, momentum=momentum or 0.0,
                          eps=self.eps, unbiased=self.unbiased, mask=mask)

    def _check_rank(self, x):
        if len(x.shape) not in self.input_dims:
            raise ValueError(f"{type(self).__name__}: expected an input of shape "
                             f"{self.input_layout}, got {tuple(x.shape)}")

    def _check_input(self, x):
        name = type(self).__name__
        self._check_rank(x)
        if x.shape[1] != self.num_features:
            raise ValueError(f"{name}: the input of shape {tuple(x.shape)} has {x.shape[1]} "
                             f"channels (axis 1), the layer expects {self.num_features}")

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self._with_bias)

    def extra_repr(self):
        num_features = 0 if self.num_features is None else self.num_features  # torch's 0
        return (f"{num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.affine_parameters()['bias']}, "
                f"track_running_stats={self.track_running_stats}")


class LazyNorm:
    """Mixin (before a BatchNorm or InstanceNorm class): PyTorch's Lazy twin, whose
    num_features come from the first input (axis 1); an optimizer made before that call
    updates the weights it makes. Its defaults are PyTorch's Lazy ones: affine parameters
    and running statistics (which InstanceNorm's own defaults leave out)."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__(None, eps, momentum, affine, track_running_stats, bias=bias,
                         device=device, dtype=dtype)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs over N (and L) per feature C."""

    input_dims = (2, 3)
    input_layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs over N, H and W per channel C."""

    input_dims = (4,)
    input_layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs over N, D, H and W per channel C."""

    input_dims = (5,)
    input_layout = "(N, C, D, H, W)"


class LazyBatchNorm1d(LazyNorm, BatchNorm1d):
    """PyTorch's LazyBatchNorm1d: a BatchNorm1d sized by its first input."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(LazyNorm, BatchNorm2d):
    """PyTorch's LazyBatchNorm2d: a BatchNorm2d sized by its first input."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(LazyNorm, BatchNorm3d):
    """PyTorch's LazyBatchNorm3d: a BatchNorm3d sized by its first input."""

    cls_to_become = BatchNorm3d


class _InstanceNorm(_BatchNorm):
    """Normalizes each sample's channels over their own positions (PyTorch's InstanceNorm:
    by default no affine parameters and no running statistics). With track_running_stats,
    training moves the running averages (momentum=None: not at all, as PyTorch) and eval
    mode normalizes with them. An input without its batch axis (C, *spatial) is taken as
    one sample."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *,
                 bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias=bias,
                         device=device, dtype=dtype)

    def forward(self, x):
        if len(getattr(x, "shape", ())) == self.input_dims[0]:  # one sample, unbatched
            return reshape(self.forward(reshape(x, (1,) + tuple(x.shape))), x.shape)
        if self.num_features is None:
            self._check_rank(x)
            self.build(channels_of(x, type(self).__name__, self.input_layout),
                       like=array_of(x))
        self._check_rank(x)
        if x.shape[1] != self.num_features:
            message = (f"{type(self).__name__}: the input of shape {tuple(x.shape)} has "
                       f"{x.shape[1]} channels (axis 1), the layer expects {self.num_features}")
            if self.affine or self.track_running_stats:
                raise ValueError(message)
            user_warning(message + " (nothing here depends on it)")
        return instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                             use_input_stats=self.training or not self.track_running_stats,
                             momentum=self.momentum or 0.0, eps=self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) inputs (or (C, L)) over L."""

    input_dims = (2, 3)
    input_layout = "(N, C, L) or (C, L)"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) inputs (or (C, H, W)) over H and W."""

    input_dims = (3, 4)
    input_layout = "(N, C, H, W) or (C, H, W)"


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) inputs (or (C, D, H, W)) over D, H and W."""

    input_dims = (4, 5)
    input_layout = "(N, C, D, H, W) or (C, D, H, W)"


class LazyInstanceNorm1d(LazyNorm, InstanceNorm1d):
    """PyTorch's LazyInstanceNorm1d: an InstanceNorm1d sized by its first input."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(LazyNorm, InstanceNorm2d):
    """PyTorch's LazyInstanceNorm2d: an InstanceNorm2d sized by its first input."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(LazyNorm, InstanceNorm3d):
    """PyTorch's LazyInstanceNorm3d: an InstanceNorm3d sized by its first input."""

    cls_to_become = InstanceNorm3d


class LayerNorm(Module):
    """Normalizes over the last dimensions (`normalized_shape`, an int or a tuple) of each
    sample; with elementwise_affine, then scales by `weight` (ones) and shifts by `bias` (zeros)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape_of(normalized_shape, "LayerNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.dtype = float_dtype(dtype, "LayerNorm")
        _weight_of_ones(self, elementwise_affine)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=self.dtype))
        else:
            self.register_parameter("bias", None)
        self.to(device=device)

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.bias is not None)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalizes each sample's channels in `num_groups` groups (over the group's channels
    and all positions); with affine, then scales and shifts each channel (PyTorch's)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None,
                 *, bias=True):
        super().__init__()
        self.dtype = float_dtype(dtype, "GroupNorm")
        self.num_groups = positive_int(num_groups, "num_groups", "GroupNorm")
        self.num_channels = positive_int(num_channels, "num_channels", "GroupNorm")
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} must be divisible by "
                             f"num_groups={num_groups}")
        self.eps, self.affine, self._with_bias = eps, affine, bias
        if affine:
            self.weight = Parameter(np.ones(self.num_channels, dtype=self.dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(self.num_channels, dtype=self.dtype))
        else:
            self.register_parameter("bias", None)
        self.to(device=device)

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        shape = tuple(getattr(x, "shape", ()))
        if self.affine and len(shape) >= 2 and shape[1] != self.num_channels:
            # (the functional's error would blame the weight's shape, not the input)
            raise ValueError(f"GroupNorm: the input of shape {shape} has {shape[1]} channels "
                             f"(axis 1), the layer expects {self.num_channels}")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self._with_bias)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Divides by the root mean square over the last dimensions (`normalized_shape`, an int
    or a tuple) of each sample, plus eps (None: the input dtype's machine epsilon); with
    elementwise_affine, then scales by `weight` (ones)."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        self.normalized_shape = _shape_of(normalized_shape, "RMSNorm")
        if eps is not None:
            real_scalar(eps, "eps", "RMSNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.dtype = float_dtype(dtype, "RMSNorm")
        _weight_of_ones(self, elementwise_affine)
        self.to(device=device)

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


def _shape_of(normalized_shape, who):
    """A normalized_shape (an int or a sequence of them) as a tuple of positive ints."""
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
        else (normalized_shape,)
    return tuple(positive_int(n, "normalized_shape", who) for n in shape)


def _weight_of_ones(module, affine):
    """module.weight: a Parameter of ones of module.normalized_shape (module.dtype), or None
    without affine."""
    if affine:
        module.weight = Parameter(np.ones(module.normalized_shape, dtype=module.dtype))
    else:
        module.register_parameter("weight", None)


def reset_affine(module):
    """A normalization layer's weight to ones and bias to zeros, where it has them and they
    are built (PyTorch's reset_parameters of these layers)."""
    for name, fill in (("weight", init.ones_), ("bias", init.zeros_)):
        param = getattr(module, name, None)
        if param is not None and not is_uninitialized(param):
            fill(param)


def _count_batch(counter):
    counter += 1  # in place: the buffer array keeps its identity


__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "LazyBatchNorm3d", "LayerNorm",
           "RMSNorm",
           "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
           "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]
