"""keras.applications.imagenet_utils: preprocess_input's three ImageNet conventions,
decode_predictions (class names of the top scores), and the checks the application builders
share (obtain_input_shape, validate_activation)."""
import json

import numpy as np

from autograd.ops import flip
from autograd.variable import Variable

from ...layers.keras_settings import floatx, image_data_format
from ..get_file import get_file
from .arguments import obtain_input_shape, validate_activation

MODES = ("caffe", "tf", "torch")
CLASS_INDEX = None  # {"0": [wordnet id, name], ...}: read once, at the first decode
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                    "imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"  # (md5, as Keras checks it)
CLASSES = 1000
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
        return _preprocessed(x, data_format, mode, flip)  # (differentiable)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(floatx())
    return _preprocessed(x, data_format, mode, np.flip)


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


def decode_predictions(preds, top=5):
    """For each row of preds (N, 1000): its `top` classes, best first, as (wordnet id,
    class name, score); ImageNet's class index is fetched into Keras' cache (models/) once,
    by keras.utils.get_file, and read once per process."""
    preds = np.asarray(preds.data if isinstance(preds, Variable) else preds)
    if preds.ndim != 2 or preds.shape[1] != CLASSES:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         f"array of shape (samples, {CLASSES})). Received array with shape: "
                         f"{preds.shape}")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"decode_predictions: top must be a count of classes >= 1, got "
                         f"{top!r}")
    index = _class_index()
    return [[(*index[i], row[i]) for i in np.argsort(row, kind="stable")[::-1][:top]]
            for row in preds]


def _class_index():
    """[(wordnet id, name)] of the 1000 classes, from the cached (or downloaded) JSON."""
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as f:
            CLASS_INDEX = _checked_index(json.load(f), path)
    return CLASS_INDEX


def _checked_index(document, path):
    """The JSON's {"0": [id, name], ..., "999": [...]} as a list, refusing another shape."""
    entries = [document.get(str(i)) if isinstance(document, dict) else None
               for i in range(CLASSES)]
    bad = next((i for i, entry in enumerate(entries) if not (
        isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, str) for v in entry))),
        None)
    if bad is not None:
        raise ValueError(f"decode_predictions: {path} is not ImageNet's class index: its "
                         f"entry {str(bad)!r} is {entries[bad]!r}, not [wordnet id, name]")
    return [tuple(entry) for entry in entries]


__all__ = ["preprocess_input", "decode_predictions", "obtain_input_shape",
           "validate_activation"]
