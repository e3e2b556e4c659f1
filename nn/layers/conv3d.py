"""3-D convolution layers with PyTorch's arguments, parameters, defaults and initialization:
Conv3d and ConvTranspose3d (the 2-D layers' arguments on three axes)."""
from ..functional.conv3d import conv3d, conv_transpose3d
from .conv import Convolution, TransposedConvolution


class Conv3d(Convolution):
    """y = conv3d(x, weight, bias, stride, padding, dilation, groups):
    x (N, in_channels, D, H, W) -> (N, out_channels, OD, OH, OW);
    weight (out_channels, in_channels/groups, KD, KH, KW)."""

    dims = 3
    layout = "(N, C, D, H, W)"

    def _convolve(self, x, padding):
        return conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation,
                      self.groups)


class ConvTranspose3d(TransposedConvolution):
    """y = conv_transpose3d(x, weight, bias, ...): x (N, in_channels, D, H, W) ->
    (N, out_channels, OD, OH, OW), OD = (D - 1)*stride - 2*padding + dilation*(KD - 1)
    + output_padding + 1; weight (in_channels, out_channels/groups, KD, KH, KW); forward's
    output_size picks the output_padding."""

    dims = 3
    layout = "(N, C, D, H, W)"

    def _transposed(self, x, output_padding):
        return conv_transpose3d(x, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)


__all__ = ["Conv3d", "ConvTranspose3d"]
