"""BatchNorm1d, BatchNorm2d and LayerNorm with PyTorch's parameters, buffers and defaults."""
import numpy as np

from autograd.arguments import positive_int
from autograd.config import Config
from autograd.variable import Parameter

from ..functional.normalization import batch_norm, layer_norm
from ..module import Module
from .config import init_config


class _BatchNorm(Module):
    """Normalizes each channel (axis 1) with batch statistics in training mode and with the
    running averages (buffers `running_mean`, `running_var`, `num_batches_tracked`) in eval
    mode (`.eval()`, or autograd's `test_mode()`). momentum=None averages all batches seen so
    far (a cumulative mean), as PyTorch."""

    input_dims = ()  # the input ranks a subclass accepts
    input_layout = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        super().__init__()
        self.num_features = positive_int(num_features, "num_features", type(self).__name__)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=np.float32))
            self.bias = Parameter(np.zeros(self.num_features, dtype=np.float32))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=np.float32))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=np.float32))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, x):
        self._check_input(x)
        training = self.training and Config.train  # test_mode() switches BatchNorm off too
        momentum = self.momentum
        if training and self.track_running_stats:
            self.num_batches_tracked += 1  # in place: the buffer array keeps its identity
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked)
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          training=training or not self.track_running_stats,
                          momentum=momentum or 0.0, eps=self.eps)

    def _check_input(self, x):
        name = type(self).__name__
        if len(x.shape) not in self.input_dims:
            raise ValueError(f"{name}: expected an input of shape {self.input_layout}, got "
                             f"{tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{name}: the input of shape {tuple(x.shape)} has {x.shape[1]} "
                             f"channels (axis 1), the layer expects {self.num_features}")

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs over N (and L) per feature C."""

    input_dims = (2, 3)
    input_layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs over N, H and W per channel C."""

    input_dims = (4,)
    input_layout = "(N, C, H, W)"


class LayerNorm(Module):
    """Normalizes over the last dimensions (`normalized_shape`, an int or a tuple) of each
    sample; with elementwise_affine, then scales by `weight` (ones) and shifts by `bias` (zeros)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
            else (normalized_shape,)
        self.normalized_shape = tuple(positive_int(n, "normalized_shape", "LayerNorm")
                                      for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=np.float32))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=np.float32))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.bias is not None)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]
