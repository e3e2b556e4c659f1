"""Keras' `keras.utils`: to_categorical, normalize, pad_sequences, set_random_seed,
plot_model, model_to_dot, PyDataset (Sequence), timeseries_dataset_from_array; and, from
the modules that hold them, Config, the registry and serialization names keras.saving has
too, is_keras_tensor / get_source_inputs, clear_session, standardize_dtype, the
(x, y, sample_weight) helpers, split_dataset, the interactive-logging switches, Progbar,
the image helpers (Pillow: the 'images' extra), the *_dataset_from_directory
loaders, get_file (downloads into Keras' cache, hash-checked) and bounding_boxes."""
import math
import random

import numpy as np

from autograd.arguments import nonnegative_int
from autograd.random_states import RandomStates
from autograd.variable import Variable

from ..data.batch_dataset import PyDataset, Sequence
from ..data.timeseries import timeseries_dataset_from_array
from ..layers.keras_settings import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from ..training.model_diagram import model_to_dot, plot_model
from ..utils import to_categorical
from . import bounding_boxes
from .audio_dataset import audio_dataset_from_directory
from .config_object import Config
from .data_utils import pack_x_y_sample_weight, split_dataset, unpack_x_y_sample_weight
from .dtypes import standardize_dtype
from .get_file import get_file
from .image_dataset import image_dataset_from_directory
from .image_utils import array_to_img, img_to_array, load_img, save_img
from .keras_tensors import get_source_inputs, is_keras_tensor
from .progbar import Progbar
from .registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
)
from .saving import register_keras_serializable
from .serialization import deserialize_keras_object, serialize_keras_object
from .session import clear_session
from .text_dataset import text_dataset_from_directory


def set_random_seed(seed):
    """Seed Python's, NumPy's and (where it is loaded) CuPy's global generators (what
    rungrad draws weights, dropout masks and shuffles from), as Keras' set_random_seed seeds
    its backends; `seed` an integer (Keras' rule: None would seed from entropy)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: expected seed argument to be an integer, got "
                         f"seed={seed!r}")
    random.seed(int(seed))
    RandomStates.seed(int(seed))


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Keras' pad_sequences: a list of sequences (lists or arrays of tokens, or of feature
    vectors) as one array (N, maxlen, ...), padded with `value` and cut to maxlen, at the
    front ('pre', Keras' default: a recurrent layer's last step then sees the last token) or
    at the end ('post'). maxlen defaults to the longest sequence."""
    for name, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {given!r}")
    arrays = [np.asarray(s) for s in sequences]
    flat = next((i for i, a in enumerate(arrays) if a.ndim == 0), None)
    if flat is not None:
        raise ValueError(f"pad_sequences: `sequences` must be a list of sequences (lists or "
                         f"arrays of tokens); item {flat} is the single value "
                         f"{sequences[flat]!r} (one sequence goes in a list: [[1, 2]])")
    lengths = [len(a) for a in arrays]
    maxlen = max(lengths, default=0) if maxlen is None else nonnegative_int(
        maxlen, "maxlen", "pad_sequences")
    feature_shape = next((a.shape[1:] for a in arrays if len(a)), ())
    try:
        out = np.full((len(arrays), maxlen) + feature_shape, value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"pad_sequences: the padding value {value!r} does not fit dtype "
                         f"{dtype} (text wants dtype=object, as in Keras)") from None
    for i, a in enumerate(arrays):
        if not len(a) or not maxlen:
            continue
        if a.shape[1:] != feature_shape:
            raise ValueError(f"pad_sequences: sequence {i} has items of shape {a.shape[1:]}, "
                             f"the others {feature_shape}")
        kept = a[-maxlen:] if truncating == "pre" else a[:maxlen]
        _check_fits(kept, out.dtype, i)
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def _check_fits(values, dtype, i):
    """An OverflowError where sequence i holds a number outside an integer dtype's range,
    which NumPy's assignment would wrap (2**40 in int32 reads 0; Keras raises too)."""
    if dtype.kind in "iu" and values.size and values.dtype.kind in "iuf":
        info = np.iinfo(dtype)
        low, high = values.min(), values.max()
        if low < info.min or high > info.max:
            raise OverflowError(f"pad_sequences: sequence {i} holds "
                                f"{high if high > info.max else low}, outside {dtype}'s range "
                                f"[{info.min}, {info.max}]; pass a wider dtype")


def normalize(x, axis=-1, order=2):
    """Keras' normalize: x divided by its `order`-norm along `axis`. A NumPy array gives a
    NumPy array (a zero norm left as 1); a Variable gives a Variable, differentiable, as
    Keras' ops.normalize computes a tensor's (the norm kept from below 1e-7, or for order 2
    the squared norm). (Keras' NumPy path reads axis=0 as -1; here it is axis 0.)"""
    axis = -1 if axis is None else axis
    if isinstance(x, Variable):
        from ..functional import normalize as normalized
        return normalized(x, order, axis, math.sqrt(1e-7) if order == 2 else 1e-7)
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def __getattr__(name):
    """FeatureSpace, loaded on first use (it loads nn.keras.layers, which utils need not)."""
    if name == "FeatureSpace":
        from .feature_space import FeatureSpace
        return FeatureSpace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["to_categorical", "normalize", "pad_sequences", "set_random_seed", "plot_model",
           "model_to_dot", "PyDataset", "Sequence", "timeseries_dataset_from_array", "Config",
           "CustomObjectScope", "custom_object_scope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "register_keras_serializable",
           "serialize_keras_object", "deserialize_keras_object", "get_source_inputs",
           "is_keras_tensor", "clear_session", "standardize_dtype", "pack_x_y_sample_weight",
           "unpack_x_y_sample_weight", "split_dataset", "disable_interactive_logging",
           "enable_interactive_logging", "is_interactive_logging_enabled", "Progbar",
           "array_to_img", "img_to_array", "load_img", "save_img",
           "image_dataset_from_directory", "text_dataset_from_directory",
           "audio_dataset_from_directory", "bounding_boxes", "get_file",
           "FeatureSpace"]  # noqa: F822 (a name __getattr__ loads on first use)
