"""Pooling layers (no parameters): MaxPool1d/2d and AvgPool1d/2d over sliding windows,
AdaptiveAvgPool1d/2d and AdaptiveMaxPool1d/2d to a given output size."""
from ..functional.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d, output_pair
from ..functional.im2col import make_window, pair, single
from ..functional.pooling import avg_pool2d, max_pool2d
from ..functional.pooling1d import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    avg_pool1d,
    max_pool1d,
)
from ..module import Module
from .config import init_config


class _WindowPool(Module):
    """A sliding-window pool's kernel_size, stride (None: kernel_size), padding, dilation and
    ceil_mode, checked now and kept as given, as PyTorch keeps them (its reprs print them
    so); `sizes` reads an argument for the class's spatial axes (pair, triple, single)."""

    sizes = staticmethod(pair)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        make_window(kernel_size, stride, padding, type(self).__name__, dilation, ceil_mode,
                    sizes=self.sizes)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode = ceil_mode

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _MaxPool(_WindowPool):
    """The maximum of each window (the class's `pool` function); with return_indices, also
    the winners' indices, for MaxUnpool."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)
        self.return_indices = bool(return_indices)

    def forward(self, x):
        return self.pool(x, self.kernel_size, self.stride, self.padding, self.dilation,
                         self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return f"{super().extra_repr()}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class _AvgPool(_WindowPool):
    """The mean of each window (the class's `pool` function), zero padding included unless
    count_include_pad=False; divisor_override divides every window's sum by it instead."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode=ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return self.pool(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                         self.count_include_pad, self.divisor_override)


class MaxPool2d(_MaxPool):
    """(N, C, H, W) -> (N, C, OH, OW) (see max_pool2d)."""

    pool = staticmethod(max_pool2d)


class AvgPool2d(_AvgPool):
    """(N, C, H, W) -> (N, C, OH, OW) (see avg_pool2d)."""

    pool = staticmethod(avg_pool2d)


class MaxPool1d(_MaxPool):
    """(N, C, L) -> (N, C, OL) (see max_pool1d)."""

    sizes, pool = staticmethod(single), staticmethod(max_pool1d)


class AvgPool1d(_WindowPool):
    """The mean of each window: (N, C, L) -> (N, C, OL) (see avg_pool1d). Its window
    arguments are kept as 1-tuples, as PyTorch's AvgPool1d keeps them."""

    sizes = staticmethod(single)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride, padding, ceil_mode=ceil_mode)
        self.kernel_size, self.stride, self.padding = map(
            _one_tuple, (self.kernel_size, self.stride, self.padding))
        self.count_include_pad = count_include_pad

    def forward(self, x):
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


def _one_tuple(value):
    """PyTorch's _single: an int as a 1-tuple, a sequence as a tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _AdaptivePool(Module):
    """Pooling to `output_size` with the class's `pool` function: an int, or an (OH, OW) pair
    where None keeps the input's."""

    def __init__(self, output_size):
        super().__init__()
        self._check(output_size)  # checked now, used as given
        self.output_size = output_size

    def _check(self, output_size):
        output_pair(output_size, (1, 1), type(self).__name__)

    def forward(self, x):
        return self.pool(x, self.output_size)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"output_size={self.output_size}"


class _AdaptiveMaxPool(_AdaptivePool):
    """An adaptive max pool; with return_indices, also the winners' indices."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = bool(return_indices)

    def forward(self, x):
        return self.pool(x, self.output_size, self.return_indices)


class _OneDimensional:
    """For a 1-D adaptive pool: output_size is an int (or a 1-tuple of one)."""

    def _check(self, output_size):
        single(output_size, "output_size", type(self).__name__, 1)


class AdaptiveAvgPool2d(_AdaptivePool):
    """The mean of each adaptive window: (N, C, H, W) -> (N, C, OH, OW)
    (see adaptive_avg_pool2d); AdaptiveAvgPool2d(1) is global average pooling."""

    pool = staticmethod(adaptive_avg_pool2d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """The maximum of each adaptive window: (N, C, H, W) -> (N, C, OH, OW); with
    return_indices, also the winners' indices (see adaptive_max_pool2d)."""

    pool = staticmethod(adaptive_max_pool2d)


class AdaptiveAvgPool1d(_OneDimensional, _AdaptivePool):
    """The mean of each adaptive window: (N, C, L) -> (N, C, output_size)
    (see adaptive_avg_pool1d)."""

    pool = staticmethod(adaptive_avg_pool1d)


class AdaptiveMaxPool1d(_OneDimensional, _AdaptiveMaxPool):
    """The maximum of each adaptive window: (N, C, L) -> (N, C, output_size); with
    return_indices, also the winners' indices (see adaptive_max_pool1d)."""

    pool = staticmethod(adaptive_max_pool1d)


__all__ = ["MaxPool2d", "AvgPool2d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool2d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d"]
