"""Convolution layers with PyTorch's arguments, parameters, defaults and initialization:
Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, and LazyConv2d (in_channels from the first
input)."""
import math

import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.backend import array_of
from autograd.lazy import DeZeroName, refuse_book_keywords

from .. import init
from ..functional.conv import conv2d, conv_transpose2d, same_padding
from ..functional.conv1d import conv1d, conv_transpose1d
from ..functional.im2col import pair, single, triple
from ..module import Module
from .config import init_config
from .lazy_build import SizedByChannels, channels_of, check_fit


class _ConvNd(SizedByChannels, Module):
    """Geometry, parameters and initialization shared by the convolution layers.

    weight: (out_channels, in_channels/groups, *kernel), or (in_channels,
    out_channels/groups, *kernel) when transposed; bias (out_channels,). Both are float32 and
    drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] * prod(kernel),
    as PyTorch. With in_channels None the weights are made at the first call (see LazyConv2d).
    """

    dims = 2  # spatial axes
    transposed = False
    layout = "(N, C, H, W)"

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, output_padding=0, dtype=np.float32, padding_mode="zeros",
                 device=None):
        super().__init__()
        who = type(self).__name__
        if padding_mode not in _PADDING_MODES or (self.transposed and padding_mode != "zeros"):
            modes = ("'zeros'" if self.transposed else
                     ", ".join(repr(m) for m in _PADDING_MODES))
            raise ValueError(f"{who}: padding_mode must be {modes}, got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.out_channels = positive_int(out_channels, "out_channels", who)
        self.groups = positive_int(groups, "groups", who)
        if self.out_channels % self.groups:
            raise ValueError(f"{who}: out_channels={self.out_channels} must be divisible by "
                             f"groups={self.groups}")
        geometry = {1: lambda v, n, w, m: (single(v, n, w, m),), 2: pair, 3: triple}[self.dims]
        self.kernel_size = geometry(kernel_size, "kernel_size", who, 1)
        self.stride = geometry(stride, "stride", who, 1)
        self.padding = _padding(padding, self.stride, self.transposed, who, geometry)
        self.dilation = geometry(dilation, "dilation", who, 1)
        self.output_padding = geometry(output_padding, "output_padding", who, 0)
        self.use_bias, self.dtype = bool(bias), float_dtype(dtype, who)
        self.in_channels = None
        if in_channels is None:
            self.unbuild()
        else:
            self.register_parameter("weight", None)  # fixes the order: weight, then bias
            self.register_parameter("bias", None)
            self.build(positive_int(in_channels, "in_channels", who))
        self.to(device=device)

    def _shapes(self, in_channels):
        if in_channels % self.groups:
            raise ValueError(f"{type(self).__name__}: in_channels={in_channels} must be "
                             f"divisible by groups={self.groups}")
        first, second = ((in_channels, self.out_channels) if self.transposed
                         else (self.out_channels, in_channels))
        shapes = {"weight": (first, second // self.groups) + self.kernel_size}
        if self.use_bias:
            shapes["bias"] = (self.out_channels,)
        return shapes

    def size_from_state(self, shapes):
        """in_channels that loading arrays of `shapes` into this unbuilt layer implies."""
        weight = tuple(shapes.get("weight") or ())
        in_axis = 0 if self.transposed else 1
        if len(weight) != self.dims + 2:
            raise ValueError(f"{type(self).__name__}: a weight of shape {weight} does not fit")
        in_channels = weight[in_axis] * (1 if self.transposed else self.groups)
        expected = self._shapes(in_channels)
        check_fit(self, shapes, expected)
        return in_channels

    def reset_parameters(self):
        """Draw fresh weights (PyTorch's scheme); nothing before a lazy layer is built (PyTorch's
        lazy layers: the first call draws them)."""
        if not self.built:
            return
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(+-1/sqrt(fan_in))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        self._build_from(x)
        if self.padding_mode == "zeros":
            return self._convolve(x, self.padding)
        from ..functional.padding import pad  # (loaded on first use)
        return self._convolve(pad(x, self._mode_widths(), _PADDING_MODES[self.padding_mode]),
                              0)

    def _mode_widths(self):
        """F.pad's widths (last axis first) of this layer's padding, for padding_mode."""
        if self.padding == "same":
            pairs = same_padding(self.kernel_size, self.dilation)
        else:
            pairs = [(0, 0)] * self.dims if self.padding == "valid" else [
                (p, p) for p in self.padding]
        return tuple(w for pair in reversed(pairs) for w in pair)

    def _build_from(self, x):
        if self.in_channels is None:  # not built yet (a plain read: this is the hot path)
            unbatched = getattr(x, "ndim", None) == self.dims + 1  # (C, ...): one sample
            channels = int(x.shape[0]) if unbatched else channels_of(
                x, type(self).__name__, self.layout)
            self.build(channels, like=array_of(x))

    def get_config(self):
        return init_config(self, bias=self.use_bias, dtype=self.dtype.name)

    def extra_repr(self):
        in_channels = 0 if self.in_channels is None else self.in_channels  # unbuilt: torch's 0
        text = (f"{in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        zeros, ones = (0,) * self.dims, (1,) * self.dims
        # (PyTorch's order: padding_mode last, after groups and bias)
        for name, default in (("padding", zeros), ("dilation", ones), ("output_padding", zeros)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if not self.use_bias:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Convolution(_ConvNd):
    """The convolutions' constructor (PyTorch's arguments); a subclass gives `_convolve`."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=np.float32,
                 **book):
        if book:  # (DeZero's L.Conv2d keywords are named)
            refuse_book_keywords(book, type(self).__name__, _BOOK_KEYWORDS)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype=dtype, padding_mode=padding_mode, device=device)


class Conv2d(Convolution):
    """y = conv2d(x, weight, bias, stride, padding, dilation, groups): x (N, in_channels, H, W)
    -> (N, out_channels, OH, OW); weight (out_channels, in_channels/groups, KH, KW)."""

    W = DeZeroName("layer.weight, (out_channels, in_channels, KH, KW) as the book's")
    b = DeZeroName("layer.bias")

    def _convolve(self, x, padding):
        return conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation,
                      self.groups)


class LazyConvolution:
    """Mixin (before a convolution class): the lazy convolutions' constructor, PyTorch's
    arguments with in_channels left out (they come from the first input, axis 1). An
    optimizer made before that call updates the weights it makes."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=np.float32, **book):
        refuse_in_channels(self, book)
        super().__init__(None, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, **book)


def refuse_in_channels(lazy, book):
    """DeZero's L.Conv2d(out, kernel, in_channels=...) given to a lazy convolution (Python's
    'multiple values for argument' otherwise): the sized layer takes in_channels first."""
    if "in_channels" in book:
        sized = f"nn.{lazy.cls_to_become.__name__}(in_channels, out_channels, kernel_size, ...)"
        refuse_book_keywords({"in_channels": book["in_channels"]}, type(lazy).__name__, {
            "in_channels": f"{sized}, PyTorch's order (the lazy layer takes them from the "
                           f"first input)"})


class LazyConv2d(LazyConvolution, Conv2d):
    """PyTorch's LazyConv2d: a Conv2d whose in_channels come from the first input."""

    cls_to_become = Conv2d


class Conv1d(Convolution):
    """y = conv1d(x, weight, bias, stride, padding, dilation, groups): x (N, in_channels, L)
    -> (N, out_channels, OL); weight (out_channels, in_channels/groups, K)."""

    dims = 1
    layout = "(N, C, L)"

    def _convolve(self, x, padding):
        padding = padding if isinstance(padding, str) else padding[0] if padding else 0
        return conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation,
                      self.groups)


class TransposedConvolution(_ConvNd):
    """The transposed convolutions' constructor and forward (PyTorch's arguments, and
    forward's output_size); a subclass gives `_transposed`. (What PyTorch's spectral_norm
    and initializers tell by isinstance: weight (in_channels, out_channels/groups, ...).)"""

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=np.float32, **book):
        if book:  # (DeZero's L.Deconv2d keywords are named)
            refuse_book_keywords(book, type(self).__name__, _BOOK_KEYWORDS)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, output_padding, dtype, padding_mode, device)

    def forward(self, x, output_size=None):
        """output_size (optional, (OH, OW) or the full output shape, batched or not): the
        output size wanted, which picks the output_padding (PyTorch's forward argument)."""
        self._build_from(x)
        extra = self.output_padding if output_size is None else self._output_padding_for(
            getattr(x, "shape", ()), output_size)
        return self._transposed(x, extra)

    def _output_padding_for(self, shape, output_size):
        shape, output_size, dims = tuple(shape), tuple(output_size), self.dims
        # the spatial sizes are the last `dims`, batched (N, C, H, W) or not (C, H, W); a
        # full output shape has the input's rank (as PyTorch's)
        wanted = output_size[-dims:] if len(output_size) in (dims, len(shape)) else ()
        smallest = tuple((size - 1) * s - 2 * p + d * (k - 1) + 1 for size, s, p, d, k in zip(
            shape[-dims:], self.stride, self.padding, self.dilation, self.kernel_size))
        largest = tuple(low + max(s, d) - 1 for low, s, d in zip(smallest, self.stride,
                                                                  self.dilation))
        if len(shape) not in (dims + 1, dims + 2) or len(wanted) != dims or not all(
                low <= w <= high for low, w, high in zip(smallest, wanted, largest)):
            raise ValueError(f"{type(self).__name__}: output_size {tuple(output_size)} cannot "
                             f"be reached from an input of shape {tuple(shape)}: the output "
                             f"sizes range from {smallest} to {largest}")
        return tuple(w - low for w, low in zip(wanted, smallest))


class ConvTranspose2d(TransposedConvolution):
    """y = conv_transpose2d(x, weight, bias, ...): x (N, in_channels, H, W) ->
    (N, out_channels, OH, OW), OH = (H - 1)*stride - 2*padding + dilation*(KH - 1)
    + output_padding + 1; weight (in_channels, out_channels/groups, KH, KW), PyTorch's
    layout (DeZero's Deconv2d and Chainer's deconvolution use it too)."""

    def _transposed(self, x, output_padding):
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)


class ConvTranspose1d(TransposedConvolution):
    """y = conv_transpose1d(x, weight, bias, ...): x (N, in_channels, L) ->
    (N, out_channels, OL), OL = (L - 1)*stride - 2*padding + dilation*(K - 1)
    + output_padding + 1; weight (in_channels, out_channels/groups, K)."""

    dims = 1
    layout = "(N, C, L)"

    def _transposed(self, x, output_padding):
        return conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)


# DeZero's L.Conv2d / L.Deconv2d keywords -> what they are here
_BOOK_KEYWORDS = {"pad": "padding=", "nobias": "bias= (nobias=True is bias=False)"}

# padding_mode -> F.pad's mode (PyTorch's names for both)
_PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
                  "circular": "circular"}


def _padding(padding, stride, transposed, who, geometry):
    """Numbers as the layer's geometry; 'valid' and 'same' kept by name (the functions
    resolve them per input), checked as PyTorch does at construction."""
    if not isinstance(padding, str):
        return geometry(padding, "padding", who, 0)
    if transposed or padding not in ("valid", "same"):
        names = "" if transposed else " or 'valid' or 'same'"
        raise ValueError(f"{who}: padding must be an int or a tuple of ints{names}, got "
                         f"{padding!r}")
    if padding == "same" and any(s != 1 for s in stride):
        raise ValueError(f"{who}: padding='same' needs stride 1 (as in PyTorch), got stride "
                         f"{stride}")
    return padding


__all__ = ["Conv1d", "Conv2d", "LazyConv2d", "ConvTranspose1d", "ConvTranspose2d"]
