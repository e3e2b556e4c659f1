"""FractionalMaxPool2d and FractionalMaxPool3d: max pooling over pseudo-random windows (see
fractional_max_pool2d)."""
from ..functional.fractional_max_pool import (
    check_output_ratio,
    fractional_max_pool2d,
    fractional_max_pool3d,
)
from ..functional.im2col import pair, triple
from ..module import Module
from .config import init_config


class _FractionalMaxPool(Module):
    """The maximum of kernel_size windows placed by fresh samples at each call (or by the
    fixed `_random_samples` buffer, (N, C, dims) in [0, 1)), to output_size or
    int(output_ratio * the input's sizes); with return_indices, also the indices. `sizes`
    reads an argument for the class's spatial axes, `pool` is its function."""

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        who = type(self).__name__
        self.kernel_size = self.sizes(kernel_size, "kernel_size", who, 1)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{who} requires specifying either an output size, or a pooling "
                             "ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{who}: only one of output_size and output_ratio may be specified")
        self.output_size = None if output_size is None else self.sizes(
            output_size, "output_size", who, 0)
        self.output_ratio = None if output_ratio is None else check_output_ratio(
            output_ratio, who, len(self.kernel_size))

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, input):
        return self.pool(input, self.kernel_size, self.output_size, self.output_ratio,
                         self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPool):
    """(N, C, H, W) -> (N, C, OH, OW), (OH, OW) = output_size or int(output_ratio * (H, W));
    samples (N, C, 2)."""

    sizes, pool = staticmethod(pair), staticmethod(fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPool):
    """(N, C, T, H, W) -> (N, C, OT, OH, OW), each output_size's or int(output_ratio * the
    input's); samples (N, C, 3)."""

    sizes, pool = staticmethod(triple), staticmethod(fractional_max_pool3d)
