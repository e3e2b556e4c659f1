"""keras.applications.imagenet_utils: preprocess_input's three ImageNet conventions, and
the checks the application builders share (obtain_input_shape, validate_activation)."""
import numpy as np

from autograd.variable import Variable

from ...layers.keras_settings import floatx, image_data_format
from .arguments import obtain_input_shape, validate_activation

MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN = (103.939, 116.779, 123.68)  # (BGR)
_TORCH_MEAN, _TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Images (N, H, W, 3) or one (H, W, 3) (channels first where data_format says), values
    in [0, 255], as a model trained on ImageNet expects them:
      caffe: RGB -> BGR, minus ImageNet's mean per channel, no scaling;
      tf:    x / 127.5 - 1 (in [-1, 1]);
      torch: x / 255, minus ImageNet's mean, divided by its standard deviation per channel.
    Returns a new array (integers become float32); Keras writes over a float NumPy input,
    this leaves it as it is. A Variable gives a Variable (the ops are differentiable)."""
    if mode not in MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         f"mode={mode}")
    data_format = image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    if isinstance(x, Variable):
        return _preprocessed(x, data_format, mode, _stacked_reversed)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(floatx())
    return _preprocessed(x, data_format, mode, _flipped)


def _preprocessed(x, data_format, mode, reverse_channels):
    axis = _channel_axis(x, data_format)
    if x.shape[axis] != 3:
        raise ValueError(f"preprocess_input: expected 3 colour channels on axis {axis} "
                         f"({data_format}), got shape {tuple(x.shape)}")
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        mean, std = _TORCH_MEAN, _TORCH_STD
        x = x / 255.0
    else:
        mean, std = _CAFFE_MEAN, None
        x = reverse_channels(x, axis)
    shape = [1] * x.ndim
    shape[axis] = 3
    x = x - np.asarray(mean, x.dtype).reshape(shape)
    return x if std is None else x / np.asarray(std, x.dtype).reshape(shape)


def _channel_axis(x, data_format):
    if x.ndim not in (3, 4):
        raise ValueError(f"preprocess_input: expected images (N, H, W, C) or one image (H, W, "
                         f"C), got shape {tuple(x.shape)}")
    return (0 if x.ndim == 3 else 1) if data_format == "channels_first" else x.ndim - 1


def _flipped(x, axis):
    return np.flip(x, axis)


def _stacked_reversed(x, axis):
    from autograd.ops import flip  # (a Variable: differentiable)
    return flip(x, axis)


__all__ = ["preprocess_input", "obtain_input_shape", "validate_activation"]
