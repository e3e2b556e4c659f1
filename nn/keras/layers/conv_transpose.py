"""Keras' transposed convolutions: Conv2DTranspose on (N, H, W, C) images,
Conv1DTranspose on (N, T, C) sequences and Conv3DTranspose on (N, D, H, W, C) volumes
(channels-last; data_format="channels_first" too), the layers that grow an image back (a
decoder, an autoencoder's second half).

Each is the gradient of Keras' Conv2D (Conv1D, Conv3D) with respect to its input, as TensorFlow
defines conv2d_transpose: every input pixel spreads its values times the kernel over a
window of the output, windows `strides` apart. The output size is Keras':
  'valid': L * stride + max(K - stride, 0);  'same': L * stride;
  output_padding p given: (L - 1) * stride + K - 2 * pad + p, pad = K // 2 ('same') or 0,
with K the dilated kernel size. 'same' crops the full result as the gradient of a 'same'
convolution does: the odd row or column of its padding taken at the bottom, on the right.
The kernel has Keras' layout (KH, KW, filters, in_channels): get_weights / set_weights give
and take Keras' arrays.
"""
from autograd.ops import get_item, pad

from ...functional.conv import conv_transpose2d
from ...functional.conv3d import conv_transpose3d
from ._base import (
    back_from_channels_first,
    channels_first,
    functional_dims,
    functional_for,
    functional_weight,
    lifted,
    padding_name,
    per_axis,
)
from .conv import _Conv


class _ConvTranspose(_Conv):
    """What Conv1DTranspose, Conv2DTranspose and Conv3DTranspose share; `dims` spatial
    axes."""

    in_axis, out_axis = -1, -2  # Keras' (K..., filters, in_channels)

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, *, name=None, input_shape=None, dtype="float32",
                 activity_regularizer=None):
        who = type(self).__name__
        padding = padding_name(padding, who, ("valid", "same"))
        self.output_padding = None if output_padding is None else per_axis(
            output_padding, self.dims, "output_padding", who, minimum=0)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         1, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, kernel_constraint,
                         bias_constraint, name=name, input_shape=input_shape, dtype=dtype,
                         activity_regularizer=activity_regularizer)
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller "
                             f"than the strides {self.strides} (Keras' rule)")

    def forward(self, x):
        images = channels_first(self._built_for(x), self.dims, self.data_format)
        y = transposed_convolution(images, self.kernel, self.dims, self.strides, self.padding,
                                   self.output_padding, self.dilation_rate)
        if self.bias is not None:
            y = y + self.bias.reshape((1, -1) + (1,) * (y.ndim - 2))
        y = back_from_channels_first(y, self.dims, self.data_format)
        return y if self.activation is None else self.activation(y)


def transposed_convolution(images, kernel, dims, strides, padding, output_padding, dilation):
    """The transposed convolution of channels-first images (N, C, *spatial) (a 1-D one with a
    height of 1) with Keras' kernel (K..., filters, C) over `dims` axes, cut to Keras' output
    size (see the module): (N, filters, *spatial'). strides and dilation per axis, padding
    'valid' or 'same', output_padding per axis or None (the layer's and keras.ops'
    conv_transpose's)."""
    convolution = functional_for(dims, conv_transpose2d, conv_transpose3d)
    full = convolution(images, functional_weight(kernel, dims), None, lifted(strides, dims, 1),
                       0, 0, 1, lifted(dilation, dims, 1))
    keep, extra = [slice(None), slice(None)], [(0, 0), (0, 0)]
    lifted_axes = functional_dims(dims) - dims  # (a 1-D convolution's height: kept whole)
    for axis, length in enumerate(images.shape[2:]):
        k = axis - lifted_axes
        start, size = (0, length) if k < 0 else _output_window(
            length, (kernel.shape[k] - 1) * dilation[k] + 1, strides[k], padding,
            None if output_padding is None else output_padding[k])
        keep.append(slice(start, start + size))
        extra.append((0, max(start + size - full.shape[2 + axis], 0)))
    y = get_item(full, tuple(keep))  # (zeros past the end where the size asks more)
    return pad(y, extra) if any(after for _, after in extra) else y


def _output_window(length, kernel, stride, padding, output_padding):
    """(first position, size) of Keras' output along one axis of an input `length` long,
    in the full transposed convolution, for a dilated kernel size `kernel`."""
    if output_padding is None:
        size = length * stride + (max(kernel - stride, 0) if padding == "valid" else 0)
    else:
        half = kernel // 2 if padding == "same" else 0
        size = (length - 1) * stride + kernel - 2 * half + output_padding
    if padding == "valid":
        return 0, size
    return max((length - 1) * stride + kernel - size, 0) // 2, size


class Conv2DTranspose(_ConvTranspose):
    """Keras' transposed 2-D convolution: (N, H, W, C) -> (N, OH, OW, filters), then
    `activation` (sizes: see the module). kernel (KH, KW, filters, C), bias (filters,)."""


class Conv1DTranspose(_ConvTranspose):
    """Keras' transposed 1-D convolution: (N, T, C) -> (N, OT, filters), then `activation`.
    kernel (K, filters, C), bias (filters,)."""

    dims = 1


class Conv3DTranspose(_ConvTranspose):
    """Keras' transposed 3-D convolution: (N, D, H, W, C) -> (N, OD, OH, OW, filters), then
    `activation` (sizes: see the module). kernel (KD, KH, KW, filters, C), bias
    (filters,)."""

    dims = 3

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 output_padding=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, *, name=None, input_shape=None, dtype="float32",
                 activity_regularizer=None):
        # (Keras' Conv3DTranspose alone takes data_format before output_padding)
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         kernel_constraint, bias_constraint, name=name,
                         input_shape=input_shape, dtype=dtype,
                         activity_regularizer=activity_regularizer)


__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "transposed_convolution"]
