"""What nn.keras' image, pooling, normalization and reshaping layers share: Keras' `name=`
and `input_shape=`, errors that name the layer, and Keras' argument forms for spatial
layers (an int or a tuple per axis, padding and data_format by name), with Keras' 'same'
padding and the moves between its channels-last layout and nn's channels-first functions
(the 2-D ones for 1-D and 2-D layers, the 3-D ones for 3-D layers).
"""
import math

import numpy as np

from autograd.backend import array_of, get_array_module
from autograd.ops import expand_dims, get_item, pad, transpose
from autograd.variable import as_variable

from ...functional.conv1d import with_height, without_height
from ...layers.keras_name import KerasNamed
from ...layers.keras_settings import image_data_format

CHANNELS_LAST, CHANNELS_FIRST = "channels_last", "channels_first"


class KerasLayer(KerasNamed):
    """Mixin: Keras' `name=` and `input_shape=` (one sample's shape, without the batch
    axis), which a model's first layer is tried with for summary() (as an Input)."""

    declared_input_shape = None

    def _keras_arguments(self, name, input_shape):
        self._set_name(name)
        self.declared_input_shape = None if input_shape is None else sample_shape(
            input_shape, type(self).__name__)

    @property
    def input_shape(self):
        """The input_shape the layer was given (None: none), as get_config reports it."""
        return self.declared_input_shape

    def example_sample(self):
        """(shape, dtype) of one sample to try the model with (None sizes taken as 1; text
        for a text layer), or None without an input_shape."""
        shape = self.declared_input_shape
        if shape is None:
            return None
        dtype = np.dtype(np.str_ if getattr(self, "text_input", False) else np.float32)
        return tuple(1 if n is None else n for n in shape), dtype

    def _input(self, x, ranks, layout):
        """x as a Variable, its rank checked to be one of `ranks` (a ValueError naming the
        layer, the layout it expects and the shape it got)."""
        x = as_variable(x, who=type(self).__name__)
        if x.ndim not in ranks:
            raise ValueError(f"{self.who}: expected an input of shape {layout}, got "
                             f"{tuple(x.shape)}")
        return x

    def _images(self, x):
        """x as a Variable of images: a batch (N, H, W, C) or one image (H, W, C), in Keras'
        layout (channels first as data_format says)."""
        return self._input(x, (3, 4), "(batch, height, width, channels) or one image")


def scalar_like(value, dtype, like):
    """A 0-d constant of `dtype` on the array module of `like` (the GPU's beside a GPU
    mask or tensor): a where's or a sum's constant operand."""
    return as_variable(get_array_module(array_of(like)).asarray(value, dtype))


def floating(x):
    """x, floating-point: integer pixels become float32 (Keras' compute dtype)."""
    return x if x.dtype.kind == "f" else x.astype("float32")


def sample_shape(shape, who):
    """Keras' input_shape (an int, or a tuple of sizes or None) as a tuple."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape),)
    if not isinstance(shape, (tuple, list)) or not all(
            n is None or (isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                          and n >= 1) for n in shape):
        raise ValueError(f"{who}: input_shape is one sample's shape without the batch axis, "
                         f"a tuple of sizes (None for any), such as (28, 28, 1); got {shape!r}")
    return tuple(None if n is None else int(n) for n in shape)


# ----- the arguments of spatial layers -----
def per_axis(value, dims, name, who, minimum=1):
    """An int, or a tuple of `dims` ints, as a tuple of `dims` ints at least `minimum`
    (Keras' kernel_size, strides, pool_size, dilation_rate)."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
    if len(items) != dims or not all(isinstance(v, (int, np.integer))
                                     and not isinstance(v, bool) for v in items):
        raise TypeError(f"{who}: {name} must be an int or a tuple of {dims} ints, got "
                        f"{value!r}")
    if min(items) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return tuple(int(v) for v in items)


def padding_name(padding, who, allowed=("valid", "same")):
    """Keras' padding name, lower-cased ('valid', 'same'; Conv1D also 'causal')."""
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in allowed:
        raise ValueError(f"{who}: padding must be one of {', '.join(map(repr, allowed))}, got "
                         f"{padding!r}")
    return name


def data_format_name(data_format, who):
    """'channels_last' or 'channels_first'; None: keras.config.image_data_format()
    ('channels_last' unless set otherwise), as Keras reads it."""
    name = image_data_format() if data_format is None else data_format
    if name not in (CHANNELS_LAST, CHANNELS_FIRST):
        raise ValueError(f"{who}: data_format must be 'channels_last' or 'channels_first', "
                         f"got {data_format!r}")
    return name


def layout(dims, data_format):
    """The input layout a spatial layer expects, for its errors: (N, H, W, C) and so on."""
    axes = ("T",) if dims == 1 else ("H", "W") if dims == 2 else ("D", "H", "W")
    inner = (("C",) + axes) if data_format == CHANNELS_FIRST else (axes + ("C",))
    return "(N, " + ", ".join(inner) + ")"


def on_images(x, data_format, transform):
    """`transform` (on a batch (N, C, H, W), any sizes out) applied to images in Keras'
    layout: a batch (N, H, W, C) or one image (H, W, C), channels first with
    data_format='channels_first'; the result in the same layout."""
    images = expand_dims(x, 0) if x.ndim == 3 else x
    last = data_format != CHANNELS_FIRST
    out = transform(transpose(images, (0, 3, 1, 2)) if last else images)
    out = transpose(out, (0, 2, 3, 1)) if last else out
    return get_item(out, 0) if x.ndim == 3 else out


def channel_axis(data_format, ndim):
    return 1 if data_format == CHANNELS_FIRST else ndim - 1


def spatial_sizes(shape, data_format):
    return tuple(shape[2:]) if data_format == CHANNELS_FIRST else tuple(shape[1:-1])


# ----- Keras' 'same' padding -----
def same_padding(sizes, kernel, strides, dilation=None):
    """Keras' (and XLA's) 'same' padding, a (before, after) pair per axis: the output has
    ceil(size / stride) positions, and the padding they need is split with the odd one
    after (at the bottom, on the right)."""
    pairs = []
    for i, (size, k, s) in enumerate(zip(sizes, kernel, strides)):
        span = (k - 1) * (1 if dilation is None else dilation[i]) + 1
        total = max((math.ceil(size / s) - 1) * s + span - size, 0)
        pairs.append((total // 2, total - total // 2))
    return pairs


def split_padding(x, pairs, value=0.0):
    """x (N, C, *spatial) with what `pairs` ((before, after) per spatial axis) pads beyond the
    same amount on both sides padded in (with `value`), and that symmetric amount, for an
    nn function's own padding (which fills it in its one copy of the input)."""
    symmetric = tuple(min(p) for p in pairs)
    extra = tuple((before - s, after - s) for (before, after), s in zip(pairs, symmetric))
    if any(any(e) for e in extra):
        x = pad(x, ((0, 0), (0, 0)) + extra, constant_values=value)
    return x, symmetric


def output_sizes(sizes, pairs, kernel, strides, dilation, who, shape):
    """The output sizes of sliding a window over `sizes` padded by `pairs`; a ValueError
    naming the layer and the input's shape when the window does not fit."""
    out = []
    for size, (before, after), k, s, d in zip(sizes, pairs, kernel, strides, dilation):
        span = (k - 1) * d + 1
        if size + before + after < span:
            raise ValueError(f"{who}: the window {tuple(kernel)}"
                             f"{'' if set(dilation) == {1} else f' (dilation {dilation})'} "
                             f"does not fit the input of shape {tuple(shape)} (spatial sizes "
                             f"{tuple(sizes)}, padding 'valid'); use padding='same' or a "
                             f"larger input")
        out.append((size + before + after - span) // s + 1)
    return tuple(out)


# ----- channels-last inputs through nn's channels-first functions -----
def functional_dims(dims):
    """The rank of the nn function a layer over `dims` spatial axes runs: 1-D layers run the
    2-D functions on a height of 1, 2-D and 3-D ones their own."""
    return max(dims, 2)


def functional_for(dims, two_d, three_d):
    """Of nn's 2-D and 3-D function, the one a layer over `dims` spatial axes runs."""
    return three_d if functional_dims(dims) == 3 else two_d


def channels_first(x, dims, data_format):
    """x (N, *spatial, C) (or channels-first already) as nn's functions take it:
    (N, C, *spatial), a 1-D input with a height of 1 ((N, C, 1, T))."""
    if data_format == CHANNELS_LAST:
        x = transpose(x, (0, dims + 1) + tuple(range(1, dims + 1)))
    return with_height(x) if dims == 1 else x


def back_from_channels_first(y, dims, data_format):
    """channels_first's inverse, for the result of the nn function."""
    if dims == 1:
        y = without_height(y)
    if data_format == CHANNELS_LAST:
        y = transpose(y, (0,) + tuple(range(2, dims + 2)) + (1,))
    return y


def lifted(values, dims, fill):
    """A per-axis tuple (or list of pairs) as the nn function takes it: a 1-D layer's with
    the height axis's entry `fill` put first, a 2-D or 3-D layer's as it is."""
    return (fill,) + tuple(values) if dims == 1 else tuple(values)


def functional_weight(kernel, dims):
    """Keras' kernel (K..., in, out) as nn's weight (out, in, K...) (a transposed
    convolution's (K..., filters, in) as (in, filters, K...)): a view, a 1-D kernel with a
    height of 1."""
    weight = transpose(kernel, (dims + 1, dims) + tuple(range(dims)))
    return with_height(weight) if dims == 1 else weight


def padding_pairs(padding, sizes, kernel, strides, dilation):
    """(before, after) per spatial axis of Keras' padding name for inputs of `sizes`:
    'valid' none, 'same' Keras', 'causal' all before (output t sees inputs up to t)."""
    if padding == "same":
        return same_padding(sizes, kernel, strides, dilation)
    if padding == "causal":
        return [((k - 1) * d, 0) for k, d in zip(kernel, dilation)]
    return [(0, 0)] * len(sizes)


class Spatial(KerasLayer):
    """Mixin of the layers over `dims` spatial axes (images, sequences), with attribute
    `data_format`; those that slide a window (convolutions, pools) have `padding` (Keras'
    name) too."""

    dims = 2

    def _spatial_input(self, x):
        return self._input(x, (self.dims + 2,), layout(self.dims, self.data_format))

    def _slide(self, x, kernel, strides, dilation, pad_value, op):
        """slide() with the layer's rank, data_format, padding and name."""
        return slide(x, self.dims, self.data_format, self.padding, kernel, strides, dilation,
                     pad_value, op, self.who)


def slide(x, dims, data_format, padding, kernel, strides, dilation, pad_value, op, who):
    """op(images, kernel, strides, dilation, padding, (sizes, pairs)) of a window sliding
    over the `dims` spatial axes of x (Keras' layout `data_format`, Keras' `padding` name),
    on x as nn's functions take it ((N, C, *spatial), a 1-D input with a height of 1, the
    geometry lifted to match, the padding a symmetric amount after what Keras pads beyond it
    was padded in with `pad_value`; sizes and pairs the spatial sizes and Keras' padding),
    the result in x's layout; a window that does not fit is a ValueError naming `who`."""
    sizes = spatial_sizes(x.shape, data_format)
    pairs = padding_pairs(padding, sizes, kernel, strides, dilation)
    output_sizes(sizes, pairs, kernel, strides, dilation, who, x.shape)
    images, symmetric = split_padding(channels_first(x, dims, data_format),
                                      lifted(pairs, dims, (0, 0)), pad_value)
    y = op(images, lifted(kernel, dims, 1), lifted(strides, dims, 1),
           lifted(dilation, dims, 1), symmetric, (sizes, pairs))
    return back_from_channels_first(y, dims, data_format)


__all__ = ["KerasLayer", "Spatial", "sample_shape", "per_axis", "padding_name",
           "data_format_name", "layout", "channel_axis", "spatial_sizes", "same_padding",
           "padding_pairs", "split_padding", "output_sizes", "functional_dims",
           "functional_for", "channels_first", "back_from_channels_first", "lifted", "slide",
           "functional_weight", "CHANNELS_LAST", "CHANNELS_FIRST"]
