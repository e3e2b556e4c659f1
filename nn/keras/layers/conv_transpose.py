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

    @property
    def convolution(self):
        """nn's transposed convolution of the layer's rank (2-D for 1-D layers too)."""
        return functional_for(self.dims, conv_transpose2d, conv_transpose3d)

    def forward(self, x):
        dims = self.dims
        images = channels_first(self._built_for(x), dims, self.data_format)
        full = self.convolution(images, functional_weight(self.kernel, dims), None,
                                lifted(self.strides, dims, 1), 0, 0, 1,
                                lifted(self.dilation_rate, dims, 1))
        y = self._cropped(full, images.shape[2:])
        if self.bias is not None:
            y = y + self.bias.reshape((1, -1) + (1,) * (y.ndim - 2))
        y = back_from_channels_first(y, dims, self.data_format)
        return y if self.activation is None else self.activation(y)

    def _cropped(self, full, sizes):
        """The full transposed convolution (N, C, *spatial') cut to Keras' output size: from
        each axis' first padded position, zeros past the end where the size asks more."""
        keep, extra = [slice(None), slice(None)], [(0, 0), (0, 0)]
        for axis, length in enumerate(sizes):
            start, size = self._window(axis, length)
            have = full.shape[2 + axis]
            keep.append(slice(start, start + size))
            extra.append((0, max(start + size - have, 0)))
        y = get_item(full, tuple(keep))
        return pad(y, extra) if any(after for _, after in extra) else y

    def _window(self, axis, length):
        """(first position, size) of the output along the nn function's spatial axis `axis`
        (a 1-D layer's height is 1: kept whole) for an input `length` long."""
        k = axis - (functional_dims(self.dims) - self.dims)
        if k < 0:
            return 0, length
        kernel = (self.kernel_size[k] - 1) * self.dilation_rate[k] + 1
        stride = self.strides[k]
        if self.output_padding is None:
            size = length * stride + (max(kernel - stride, 0) if self.padding == "valid" else 0)
        else:
            half = kernel // 2 if self.padding == "same" else 0
            size = (length - 1) * stride + kernel - 2 * half + self.output_padding[k]
        if self.padding == "valid":
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


__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]
