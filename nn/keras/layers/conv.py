"""Keras' convolution layers: Conv2D on (N, H, W, C) images, Conv1D on (N, T, C) sequences
and Conv3D on (N, D, H, W, C) volumes (channels-last, Keras' default;
data_format="channels_first" too), built on nn.functional's conv2d and conv3d.

Keras' arguments, meanings and weights: `filters` output channels, input channels taken
from the first input unless input_shape says them, padding 'valid' or 'same' (Conv1D also
'causal') with Keras' 'same' (for an even kernel or a stride the odd row or column of
padding goes at the bottom, on the right: what XLA and TensorFlow do), a glorot-uniform
kernel of Keras' layout (KH, KW, in_channels / groups, filters) and a zero bias;
kernel_constraint / bias_constraint (nn.constraints: MaxNorm(3, axis=[0, 1, 2]) bounds each
filter) applied after each of fit's steps. The
parameters are `kernel` and `bias` in those layouts, so get_weights / set_weights give and
take Keras' arrays as they are.
"""


from autograd.arguments import float_dtype, positive_int
from autograd.capture import python_state_changed

from ... import initializers, regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.conv import conv2d
from ...functional.conv3d import conv3d
from ...layers.activation import activation_config, resolve_activation
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.keras_name import size_from_input_shape
from ...layers.lazy_build import SizedByChannels, check_fit
from ...module import Module
from ._base import (
    CHANNELS_FIRST,
    Spatial,
    channel_axis,
    data_format_name,
    functional_for,
    functional_weight,
    layout,
    padding_name,
    per_axis,
)


def set_window(layer, kernel_size, strides, dilation_rate):
    """A convolution layer's kernel_size, strides and dilation_rate, one per spatial axis
    (layer.dims), checked as Keras checks them (strides and dilation not both above 1)."""
    who, dims = layer.who, layer.dims
    layer.kernel_size = per_axis(kernel_size, dims, "kernel_size", who)
    layer.strides = per_axis(strides, dims, "strides", who)
    layer.dilation_rate = per_axis(dilation_rate, dims, "dilation_rate", who)
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:  # Keras' rule
        raise ValueError(f"{who}: strides > 1 does not go with dilation_rate > 1 (Keras' "
                         f"rule); got strides={layer.strides}, "
                         f"dilation_rate={layer.dilation_rate}")

class Penalty:
    """A layer's regularizer attribute (kernel_regularizer, bias_regularizer): anything
    nn.regularizers.get takes; changing it tells a captured training step that it recorded
    the loss without it."""

    def __set_name__(self, owner, name):
        self.slot = "_" + name

    def __get__(self, layer, owner=None):
        return self if layer is None else layer.__dict__.get(self.slot)

    def __set__(self, layer, value):
        if self.slot in layer.__dict__:
            python_state_changed()
        layer.__dict__[self.slot] = regularizers.get(value, type(layer).__name__)


class _Conv(ActivityRegularized, SizedByChannels, Spatial, Module):
    """What Conv1D, Conv2D and Conv3D share; `dims` spatial axes."""

    weight_name = "kernel"
    in_axis, out_axis = -2, -1  # where Keras' kernel keeps the input and output channels
    kernel_regularizer = Penalty()
    bias_regularizer = Penalty()
    # the regularizer attributes get_config saves, under Keras' argument names
    regularizer_arguments = ("kernel_regularizer", "bias_regularizer")
    kernel_constraint, bias_constraint = WeightConstraint("kernel"), WeightConstraint("bias")
    causal = True  # whether a 1-D one takes padding='causal' (Keras' depthwise ones do not)

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, *, name=None,
                 input_shape=None, dtype="float32", activity_regularizer=None):
        super().__init__()
        who, dims = type(self).__name__, self.dims
        self._set_activity_regularizer(activity_regularizer)
        self.kernel_initializer = initializers.checked(kernel_initializer,
                                                       "kernel_initializer", who)
        self.bias_initializer = initializers.checked(bias_initializer, "bias_initializer", who)
        self.filters = positive_int(filters, "filters", who)
        self.groups = positive_int(groups, "groups", who)
        if self.filters % self.groups:
            raise ValueError(f"{who}: filters={self.filters} must be divisible by "
                             f"groups={self.groups}")
        set_window(self, kernel_size, strides, dilation_rate)
        names = ("valid", "same", "causal") if dims == 1 and self.causal else ("valid", "same")
        self.padding = padding_name(padding, who, names)
        self.data_format = data_format_name(data_format, who)
        self.activation_name, self.activation = resolve_activation(activation, who)
        self.use_bias, self.dtype = bool(use_bias), float_dtype(dtype, who)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self._keras_arguments(name, input_shape)
        for weight in ("kernel", *self.extra_weights, "bias"):  # (Keras' order)
            self.register_parameter(weight, None)
        self.in_channels = None
        if self.declared_input_shape is None:
            self.unbuild()
        else:
            self.build(self._declared_channels())

    def build(self, in_channels, like=None):
        """SizedByChannels' build; Keras' input_shape ((None, 28, 28, 1)) gives the size of
        its channel axis."""
        if isinstance(in_channels, (tuple, list)):
            in_channels = size_from_input_shape(
                in_channels, channel_axis(self.data_format, len(in_channels)), self.who)
        super().build(in_channels, like)

    def _declared_channels(self):
        full = (None,) + self.declared_input_shape
        channels = full[channel_axis(self.data_format, len(full))]
        if len(full) != self.dims + 2 or channels is None:
            raise ValueError(f"{self.who}: input_shape {full[1:]} is not one sample of "
                             f"{layout(self.dims, self.data_format)} with a known number of "
                             f"channels")
        return channels

    # ----- parameters (built, build, unbuild: see SizedByChannels) -----
    def _shapes(self, in_channels):
        if in_channels % self.groups:
            raise ValueError(f"{self.who}: {in_channels} input channels do not split into "
                             f"groups={self.groups}")
        shapes = {"kernel": self._kernel_shape(in_channels // self.groups)}
        if self.use_bias:
            shapes["bias"] = (self.filters,)
        return shapes

    def _kernel_shape(self, inputs):
        """Keras' kernel layout: (K..., inputs, filters); a transposed one's swaps them."""
        shape = list(self.kernel_size) + [None, None]
        shape[self.in_axis], shape[self.out_axis] = inputs, self.filters
        return tuple(shape)

    def size_from_state(self, shapes):
        """The input channels that loading arrays of `shapes` into this unbuilt layer
        implies; a ValueError when they do not fit it."""
        kernel = tuple(shapes.get("kernel") or ())
        if len(kernel) != self.dims + 2 or kernel[:self.dims] != self.kernel_size or \
                kernel[self.out_axis] != self.filters or kernel[self.in_axis] < 1:
            expected = self._kernel_shape("in_channels" if self.groups == 1
                                          else "in_channels // groups")
            raise ValueError(f"{self.who}: a kernel of shape {kernel} does not fit (expected "
                             f"{expected})")
        in_channels = kernel[self.in_axis] * self.groups
        check_fit(self, shapes, self._shapes(in_channels))
        return in_channels

    def reset_parameters(self):
        """Keras' initialisation: kernel_initializer (glorot-uniform: U(-a, a) with
        a = sqrt(6 / (fan_in + fan_out)), fans counting the kernel's positions) and
        bias_initializer (zeros)."""
        initializers.fill(self.kernel, self.kernel_initializer)
        if self.bias is not None:
            initializers.fill(self.bias, self.bias_initializer)

    def penalties(self):
        """The regularizers' penalties of kernel and bias (Keras' layer.losses), which fit
        and evaluate add to the loss."""
        return regularizers.penalties(((self.kernel_regularizer, self.kernel),
                                       (self.bias_regularizer, self.bias)))

    # ----- the convolution -----
    @property
    def convolution(self):
        """nn's convolution of the layer's rank: conv2d (for 1-D and 2-D layers) or conv3d."""
        return functional_for(self.dims, conv2d, conv3d)

    def forward(self, x):
        y = self._slide(self._built_for(x), self.kernel_size, self.strides,
                        self.dilation_rate, 0.0,
                        lambda images, _, strides, dilation, padding, __: self._convolved(
                            images, strides, dilation, padding))
        return y if self.activation is None else self.activation(y)

    def _convolved(self, images, strides, dilation, padding):
        """images (N, C, *spatial), nn's layout, convolved with the kernel, plus the bias."""
        return self.convolution(images, functional_weight(self.kernel, self.dims), self.bias,
                                strides, padding, dilation, self.groups)

    def _built_for(self, x):
        """x as a Variable of the layer's layout, the layer built for its channels (at the
        first call) or checked against them."""
        x = self._spatial_input(x)
        axis = channel_axis(self.data_format, x.ndim)
        if self.in_channels is None:  # not built yet
            self.build(int(x.shape[axis]), like=x.data)
        elif x.shape[axis] != self.in_channels:
            raise ValueError(f"{self.who}: the input of shape {tuple(x.shape)} has "
                             f"{x.shape[axis]} channels (axis {axis}), the layer was built "
                             f"for {self.in_channels}"
                             f"{_channels_first_hint(self.data_format, x.shape, self.in_channels)}")
        return x

    # ----- Keras' config -----
    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        activation = activation_config(self.activation)
        penalties = regularizers.configs(**{name: getattr(self, name)
                                            for name in self.regularizer_arguments})
        return init_config(self, activation=activation, dtype=self.dtype.name, **penalties,
                           activity_regularizer=self.activity_config(),
                           **constraint_configs(self))

    def extra_repr(self):
        return (f"filters={self.filters}, kernel_size={self.kernel_size}, "
                f"strides={self.strides}, padding={self.padding!r}, "
                f"activation={self.activation_name}, in_channels={self.in_channels}")


def _channels_first_hint(data_format, shape, channels):
    """A hint when channels-last input has the layer's channels on axis 1: PyTorch's layout."""
    if data_format == CHANNELS_FIRST or shape[1] != channels:
        return ""
    order = (0, *range(2, len(shape)), 1)
    return (f"; axis 1 has {channels}: channels first, as PyTorch's layers take? Keras' take "
            f"channels last: x.transpose{order}, or data_format='channels_first'")


class Conv2D(_Conv):
    """Keras' 2-D convolution: (N, H, W, C) -> (N, OH, OW, filters), then `activation`.

    OH = ceil(H / stride) with padding='same', (H - dilation*(KH - 1) - 1) // stride + 1
    with 'valid'. kernel: (KH, KW, C / groups, filters), bias: (filters,). With
    data_format='channels_first', (N, C, H, W) -> (N, filters, OH, OW) (the same weights).
    """


class Conv1D(_Conv):
    """Keras' 1-D convolution: (N, T, C) -> (N, OT, filters), then `activation`.

    padding 'valid', 'same' or 'causal' (all the padding before: output t sees inputs up to
    t). kernel: (K, C / groups, filters), bias: (filters,).
    """

    dims = 1


class Conv3D(_Conv):
    """Keras' 3-D convolution: (N, D, H, W, C) -> (N, OD, OH, OW, filters), then
    `activation`; each output size as Conv2D's. kernel: (KD, KH, KW, C / groups, filters),
    bias: (filters,). With data_format='channels_first', (N, C, D, H, W) ->
    (N, filters, OD, OH, OW) (the same weights)."""

    dims = 3


__all__ = ["Conv1D", "Conv2D", "Conv3D"]
