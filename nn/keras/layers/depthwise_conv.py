"""Keras' depthwise and separable convolutions (MobileNet's and Xception's layers), 2-D
on (N, H, W, C) images and 1-D on (N, T, C) sequences, channels-last
(data_format="channels_first" too), with Keras' padding, strides and dilation (conv.py).

DepthwiseConv2D: each input channel convolved with `depth_multiplier` filters of its own,
(N, H, W, C) -> (N, OH, OW, C * depth_multiplier), output channel c * depth_multiplier + m
from channel c's filter m; kernel (KH, KW, C, depth_multiplier) (Keras' layout), bias
(C * depth_multiplier,). It is a grouped convolution with one group per input channel.
DepthwiseConv1D likewise with kernel (K, C, depth_multiplier).

SeparableConv2D: that depthwise convolution (without its bias), then a 1 x 1 convolution
mixing the channels into `filters`: depthwise_kernel (KH, KW, C, depth_multiplier),
pointwise_kernel (1, 1, C * depth_multiplier, filters), bias (filters,), in that order.
SeparableConv1D likewise: depthwise_kernel (K, C, M), pointwise_kernel (1, C * M, filters).
"""
from autograd.arguments import positive_int
from autograd.ops import reshape, transpose

from ... import initializers, regularizers
from ...layers.constrained import WeightConstraint
from ._base import functional_weight, lifted
from .conv import Penalty, _Conv


def _alias(attribute):
    return property(lambda layer: getattr(layer, attribute),
                    lambda layer, value: setattr(layer, attribute, value))


def _depthwise_weight(kernel, dims):
    """Keras' (K..., C, M) depthwise kernel as the grouped convolution's (C * M, 1, K...)
    (a 1-D kernel with a height of 1)."""
    sizes, (channels, multiplier) = kernel.shape[:dims], kernel.shape[dims:]
    return reshape(transpose(kernel, (dims, dims + 1) + tuple(range(dims))),
                   (channels * multiplier, 1) + lifted(sizes, dims, 1))


class _DepthwiseConv(_Conv):
    """What DepthwiseConv1D and DepthwiseConv2D (and the separable ones) share (see the
    module)."""

    causal = False
    # Keras' names of the kernel's settings (the constraint: one more name for the kernel's)
    depthwise_initializer = _alias("kernel_initializer")
    depthwise_regularizer = _alias("kernel_regularizer")
    depthwise_constraint = WeightConstraint("kernel")
    regularizer_arguments = ("depthwise_regularizer", "bias_regularizer")

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, *, name=None,
                 input_shape=None, dtype="float32"):
        # (the kernel's last axis: _Conv's filters, checked here under its own name)
        self.depth_multiplier = positive_int(depth_multiplier, "depth_multiplier",
                                             type(self).__name__)
        super().__init__(depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, 1, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         depthwise_constraint, bias_constraint, name=name,
                         input_shape=input_shape, dtype=dtype,
                         activity_regularizer=activity_regularizer)

    def _shapes(self, in_channels):
        shapes = {"kernel": self._kernel_shape(in_channels)}
        if self.use_bias:
            shapes["bias"] = (in_channels * self.depth_multiplier,)
        return shapes

    def _convolved(self, images, strides, dilation, padding, bias=True):
        """Each channel convolved alone with its M kernels (a convolution of C groups)."""
        return self.convolution(images, _depthwise_weight(self.kernel, self.dims),
                                self.bias if bias else None, strides, padding, dilation,
                                self.in_channels)


class DepthwiseConv2D(_DepthwiseConv):
    """Keras' DepthwiseConv2D: (N, H, W, C) -> (N, OH, OW, C * depth_multiplier) (see the
    module)."""


class DepthwiseConv1D(_DepthwiseConv):
    """Keras' DepthwiseConv1D: (N, T, C) -> (N, OT, C * depth_multiplier), kernel
    (K, C, depth_multiplier) (see the module)."""

    dims = 1


class _SeparableConv(_DepthwiseConv):
    """What SeparableConv1D and SeparableConv2D share (see the module)."""

    extra_weights = ("pointwise_kernel",)
    depthwise_kernel = _alias("kernel")
    keras_weight_names = {"kernel": "depthwise_kernel"}
    pointwise_regularizer = Penalty()
    regularizer_arguments = ("depthwise_regularizer", "pointwise_regularizer",
                             "bias_regularizer")
    pointwise_constraint = WeightConstraint("pointwise_kernel")

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, *, name=None,
                 input_shape=None, dtype="float32"):
        who = type(self).__name__
        self.pointwise_initializer = initializers.checked(pointwise_initializer,
                                                          "pointwise_initializer", who)
        self.pointwise_filters = positive_int(filters, "filters", who)
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint,
                         name=name, input_shape=input_shape, dtype=dtype)
        self.pointwise_regularizer = pointwise_regularizer
        self.pointwise_constraint = pointwise_constraint

    def _shapes(self, in_channels):
        mixed = in_channels * self.depth_multiplier
        shapes = {"kernel": self._kernel_shape(in_channels),
                  "pointwise_kernel": (1,) * self.dims + (mixed, self.pointwise_filters)}
        if self.use_bias:
            shapes["bias"] = (self.pointwise_filters,)
        return shapes

    def reset_parameters(self):
        super().reset_parameters()
        initializers.fill(self.pointwise_kernel, self.pointwise_initializer)

    def penalties(self):
        return super().penalties() + regularizers.penalties(
            ((self.pointwise_regularizer, self.pointwise_kernel),))

    def _convolved(self, images, strides, dilation, padding):
        """The depthwise convolution (without bias), then the pointwise one (1 x 1)."""
        depthwise = super()._convolved(images, strides, dilation, padding, bias=False)
        pointwise = functional_weight(self.pointwise_kernel, self.dims)  # (filters, C * M, 1..)
        return self.convolution(depthwise, pointwise, self.bias)

    def get_config(self):
        """_Conv's, with `filters` the pointwise convolution's (_Conv's filters are the
        depth multiplier here)."""
        return {**super().get_config(), "filters": self.pointwise_filters}

    def extra_repr(self):
        return f"filters={self.pointwise_filters}, depth_multiplier={self.depth_multiplier}, " \
               + super().extra_repr().split(", ", 1)[1]


class SeparableConv2D(_SeparableConv):
    """Keras' SeparableConv2D: (N, H, W, C) -> (N, OH, OW, filters) (see the module)."""


class SeparableConv1D(_SeparableConv):
    """Keras' SeparableConv1D: (N, T, C) -> (N, OT, filters), depthwise_kernel (K, C, M),
    pointwise_kernel (1, C * M, filters) (see the module)."""

    dims = 1


__all__ = ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]
