"""Keras' image_dataset_from_directory, on Pillow (`pip install rungrad[images]`)."""
import functools

import numpy as np

from .directory_dataset import from_directory
from .image_utils import _centre_crop, _data_format, _size, pil_image

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # (Keras' list)
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
_PIL_MODES = {"rgb": "RGB", "rgba": "RGBA", "grayscale": "L"}
# Keras' (TensorFlow's) interpolations that Pillow has: area is Pillow's box filter
_FILTERS = {"bilinear": "BILINEAR", "nearest": "NEAREST", "bicubic": "BICUBIC",
            "area": "BOX", "lanczos3": "LANCZOS"}


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """Keras' image_dataset_from_directory: the images (.bmp .gif .jpeg .jpg .png) under
    `directory`, labelled by their class subfolder (labels='inferred'; see
    nn.keras.directory_index), as a DirectoryDataset, a keras.utils.PyDataset of batches
    (images, labels) that fit, evaluate and predict take (subset='both': a list [training,
    validation]). Images are float32 (batch, height, width, channels) holding 0..255 (or
    channels first by data_format), converted to color_mode and resized to image_size by
    Pillow's filter for `interpolation` (so values differ slightly from TensorFlow's
    resize); crop_to_aspect_ratio / pad_to_aspect_ratio first crop the centre / pad with
    zeros to image_size's proportions. Files are read a batch at a time."""
    if color_mode not in _CHANNELS:
        raise ValueError(f"color_mode must be 'rgb', 'rgba' or 'grayscale', got {color_mode!r}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    image_size = _size(image_size, "image_dataset_from_directory")
    interpolation = str(interpolation).lower()
    if interpolation not in _FILTERS:
        raise ValueError(f"interpolation must be one of {', '.join(_FILTERS)} (Keras' "
                         f"lanczos5, gaussian and mitchellcubic have no Pillow filter), got "
                         f"{interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be set")
    channels_first = _data_format(data_format, "image_dataset_from_directory") == \
        "channels_first"
    pil_image("image_dataset_from_directory")  # (missing Pillow: said now, not at a batch)
    load = functools.partial(_load_image, size=image_size, mode=_PIL_MODES[color_mode],
                             resample=_FILTERS[interpolation], crop=crop_to_aspect_ratio,
                             pad=pad_to_aspect_ratio, channels_first=channels_first)
    return from_directory(directory, load, IMAGE_FORMATS, labels, label_mode, class_names,
                          batch_size, shuffle, seed, validation_split, subset, follow_links,
                          verbose)


def _load_image(path, size, mode, resample, crop, pad, channels_first):
    """The image file at `path` as a float32 (height, width, channels) array of `size`."""
    image = pil_image("image_dataset_from_directory")
    with image.open(path) as img:
        img = img.convert(mode)
    height, width = size
    box = _centre_crop(img.size, (width, height)) if crop else None
    if pad:
        img = _padded(img, image, width / height)
    if img.size != (width, height):
        img = img.resize((width, height), getattr(image.Resampling, resample), box=box)
    x = np.asarray(img, dtype="float32")
    x = x[..., None] if x.ndim == 2 else x
    return x.transpose(2, 0, 1) if channels_first else x


def _padded(img, image, ratio):
    """img centred on a black canvas of the proportions width / height = ratio."""
    width, height = img.size
    canvas = (max(width, round(height * ratio)), max(height, round(width / ratio)))
    if canvas == img.size:
        return img
    padded = image.new(img.mode, canvas)
    padded.paste(img, ((canvas[0] - width) // 2, (canvas[1] - height) // 2))
    return padded


__all__ = ["image_dataset_from_directory", "IMAGE_FORMATS"]
