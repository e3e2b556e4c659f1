"""Keras' imagenet_utils.correct_pad: the zero padding before a strided 'valid' convolution
that lines its windows up as TensorFlow's 'same' padding does (MobileNetV2/V3 and
EfficientNet put a ZeroPadding2D of it before each strided depthwise convolution)."""
from .arguments import data_format


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) for a k x k stride-2 window on `inputs` (N, H, W, C):
    k // 2 each side, one less before an even (or unknown) size."""
    first_spatial = 2 if data_format() == "channels_first" else 1
    sizes = inputs.shape[first_spatial:first_spatial + 2]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    adjust = (1, 1) if sizes[0] is None else (1 - sizes[0] % 2, 1 - sizes[1] % 2)
    return tuple((k // 2 - a, k // 2) for k, a in zip(kernel, adjust))


__all__ = ["correct_pad"]
