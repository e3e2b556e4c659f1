"""Keras' `keras.preprocessing.image`: array_to_img, img_to_array, load_img, save_img (as
keras.utils has them) and smart_resize."""
import numpy as np

from autograd.backend import to_cpu

from ..image_utils import array_to_img, img_to_array, load_img, save_img


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Keras' smart_resize: the largest centred window of `x` (one image (H, W, C) or a
    batch) with the aspect ratio of `size` (height, width), resized to it: a NumPy array for
    a NumPy array, else a Variable."""
    from ..ops import image as image_ops  # (keras.ops.image loads on first use)
    resized = image_ops.resize(x, size, interpolation=interpolation, crop_to_aspect_ratio=True,
                               data_format=data_format)
    return np.asarray(to_cpu(resized.data)) if isinstance(x, np.ndarray) else resized


__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
