"""What every keras.applications builder checks and shares: Keras 3.15's argument rules
(include_top, weights, input_shape, pooling, classes, classifier_activation), the model's
input, and the pooled end of a headless model."""
import os

from autograd.user_warnings import user_warning

from ...layers.keras_settings import image_data_format
from .. import layers
from .._training import Input
from ..keras_tensors import get_source_inputs, is_keras_tensor

POOLINGS = (None, "avg", "max")


def check_arguments(who, weights, include_top, classes, pooling=None):
    """Keras' checks of `weights` (None, 'imagenet' or a file path), classes and pooling."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike))
                                              and os.path.exists(weights))):
        raise ValueError(f"{who}: the `weights` argument should be either `None` (random "
                         "initialization), 'imagenet' (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded. Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{who}: if using `weights='imagenet'` with `include_top=True`, "
                         f"`classes` should be 1000. Received classes={classes}")
    if pooling not in POOLINGS:
        raise ValueError(f"{who}: pooling must be None, 'avg' or 'max', got {pooling!r}")


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """Keras' obtain_input_shape: the model's input shape (H, W, C) (or (C, H, W)) from the
    one given, checked, else the default (default_size, 3 channels); with ImageNet weights
    and a flattening top, the default and no other."""
    first = data_format == "channels_first"
    channels = None if not input_shape or len(input_shape) != 3 else \
        input_shape[0 if first else -1]
    if weights != "imagenet" and channels is not None:
        if channels not in {1, 3}:
            user_warning("This model usually expects 1 or 3 input channels. However, it was "
                         f"passed an input_shape with {channels} input channels.")
        default = (channels, default_size, default_size) if first else \
            (default_size, default_size, channels)
    else:
        default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default}.  Received: "
                             f"input_shape={input_shape}")
        return default
    if input_shape:
        _check_given_shape(tuple(input_shape), min_size, first, weights)
        return tuple(input_shape)
    if require_flatten:
        return default
    return (3, None, None) if first else (None, None, 3)


def _check_given_shape(shape, min_size, first, weights):
    if len(shape) != 3:
        raise ValueError(f"`input_shape` must be a tuple of three integers. Received: "
                         f"input_shape={shape}")
    channels, sizes = (shape[0], shape[1:]) if first else (shape[-1], shape[:2])
    if channels != 3 and weights == "imagenet":
        raise ValueError(f"The input must have 3 channels; Received `input_shape={shape}`")
    if any(size is not None and size < min_size for size in sizes):
        raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                         f"input_shape={shape}")


def validate_activation(classifier_activation, weights):
    """Keras': with pretrained weights, the classifier's activation is None or softmax."""
    if weights is None:
        return
    name = classifier_activation if isinstance(classifier_activation, str) or \
        classifier_activation is None else getattr(classifier_activation, "__name__", None)
    if name not in (None, "softmax", "linear"):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         "with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation!r}")


def input_images(who, weights, include_top, classes, pooling, input_tensor, input_shape,
                 default_size, min_size=32):
    """(the images the model starts from, their shape): the arguments checked
    (check_arguments), the shape obtained (obtain_input_shape), the input made
    (model_input), as every builder begins."""
    check_arguments(who, weights, include_top, classes, pooling)
    shape = obtain_input_shape(input_shape, default_size, min_size, data_format(),
                               require_flatten=include_top, weights=weights)
    return model_input(input_tensor, shape), shape


def model_input(input_tensor, shape):
    """The images the model starts from: keras.Input(shape), or input_tensor (a symbolic
    tensor: keras.Input's, or a layer's output), whose shape must then be `shape`'s."""
    if input_tensor is None:
        return Input(shape=shape)
    if not is_keras_tensor(input_tensor):
        raise TypeError("input_tensor must be a symbolic tensor (keras.Input's, or a layer's "
                        f"output), got {type(input_tensor).__name__}")
    return input_tensor


def model_inputs(input_tensor, images):
    """The finished model's inputs: the keras.Input(s) behind input_tensor where one was
    given (Keras' get_source_inputs), else `images`."""
    return images if input_tensor is None else get_source_inputs(input_tensor)


def pooled(x, pooling, data_format=None, names=(None, None)):
    """A headless model's end: x as it is, or pooled over space ('avg', 'max'); names: the
    two pooling layers' where Keras names them (ResNet's 'avg_pool', 'max_pool')."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(data_format=data_format, name=names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(data_format=data_format, name=names[1])(x)
    return x


def classifier(x, classes, classifier_activation, name="predictions"):
    """Keras' top: a Dense of `classes` with the activation given (`name` as Keras names
    it)."""
    return layers.Dense(classes, activation=classifier_activation, name=name)(x)


def data_format():
    return image_data_format()


def channel_axis(last=3):
    """The channels' axis of a batch: 1 channels first, else `last` (Keras' modules write
    3, some -1; a layer's config keeps which)."""
    return 1 if data_format() == "channels_first" else last


__all__ = ["input_images", "check_arguments", "obtain_input_shape", "validate_activation",
           "model_input", "model_inputs", "pooled", "classifier", "data_format", "channel_axis"]
