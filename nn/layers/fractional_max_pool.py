"""FractionalMaxPool2d: max pooling over pseudo-random windows (see fractional_max_pool2d)."""
from ..functional.fractional_max_pool import check_output_ratio, fractional_max_pool2d
from ..functional.im2col import pair
from ..module import Module
from .config import init_config


class FractionalMaxPool2d(Module):
    """(N, C, H, W) -> (N, C, OH, OW), (OH, OW) = output_size or int(output_ratio * (H, W)),
    the maximum of kernel_size windows placed by fresh samples at each call (or by the fixed
    `_random_samples` buffer, (N, C, 2) in [0, 1)); with return_indices, also the indices."""

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        who = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", who, 1)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{who} requires specifying either an output size, or a pooling "
                             "ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{who}: only one of output_size and output_ratio may be specified")
        self.output_size = None if output_size is None else pair(output_size, "output_size",
                                                                 who, 0)
        self.output_ratio = None if output_ratio is None else check_output_ratio(output_ratio,
                                                                                 who)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, input):
        return fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                     self.output_ratio, self.return_indices,
                                     _random_samples=self._random_samples)
