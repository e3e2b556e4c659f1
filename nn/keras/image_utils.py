"""Keras' image helpers (keras.utils.array_to_img, img_to_array, load_img, save_img) on
Pillow, an optional dependency (`pip install rungrad[images]`), imported when first needed."""
import io
import os

import numpy as np

from autograd.user_warnings import user_warning

from ..layers.keras_settings import floatx, image_data_format

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
_COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
_MODES_BY_CHANNELS = {4: "RGBA", 3: "RGB"}


def pil_image(who):
    """PIL.Image, or an ImportError that says how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{who} needs Pillow, which is not installed: pip install "
                          f"'rungrad[images]' (or pip install pillow)") from None
    return Image


def _data_format(data_format, who):
    data_format = image_data_format() if data_format is None else str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"{who}: data_format must be 'channels_first' or 'channels_last', "
                         f"got {data_format!r}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image of the (height, width, channels) array x (channels first with
    data_format='channels_first'): 4 channels RGBA, 3 RGB, 1 grayscale ('L', or 32-bit 'I'
    for values above 255). scale stretches the values to [0, 255] first (Keras' default)."""
    image = pil_image("array_to_img")
    x = np.array(x, dtype=floatx() if dtype is None else dtype)
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected an image array of rank 3 (height, width, "
                         f"channels), got shape {x.shape}")
    if _data_format(data_format, "array_to_img") == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels in _MODES_BY_CHANNELS:
        return image.fromarray(x.astype("uint8"), _MODES_BY_CHANNELS[channels])
    if channels == 1:
        if np.max(x) > 255:  # (beyond 8 bits: Pillow's 32-bit integer mode)
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: an image has 1, 3 or 4 channels, got {channels} "
                     f"(shape {x.shape}, data_format {data_format or image_data_format()!r})")


def img_to_array(img, data_format=None, dtype=None):
    """The PIL image as a (height, width, channels) array of dtype (floatx by default),
    channels first with data_format='channels_first'; a grayscale image has 1 channel."""
    data_format = _data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=floatx() if dtype is None else dtype)
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"img_to_array: expected an image (2 or 3 dimensions), got shape "
                         f"{x.shape}")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write the image array x to `path` (a file name or a binary file object) in the format
    its suffix names (or file_format; 'jpg' read as 'jpeg'); kwargs go to PIL's save. An
    RGBA image saved as JPEG loses its alpha channel, with a warning (JPEG has none)."""
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = os.path.splitext(os.fspath(path))[1][1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        user_warning("save_img: JPEG has no alpha channel; the RGBA image is saved as RGB")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """The image file at `path` (or an io.BytesIO) as a PIL image in color_mode
    ('grayscale', 'rgb' or 'rgba'), resized to target_size (height, width) when given, by
    `interpolation`; keep_aspect_ratio crops the centre to the target's proportions first."""
    image = pil_image("load_img")
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"load_img: color_mode must be 'grayscale', 'rgb' or 'rgba', got "
                         f"{color_mode!r}")
    img = image.open(_image_bytes(path))
    wanted = _COLOR_MODES[color_mode]
    if color_mode == "grayscale" and img.mode in ("L", "I;16", "I"):
        wanted = img.mode  # (a 16- or 32-bit grayscale image keeps its depth)
    if img.mode != wanted:
        img = img.convert(wanted)
    if target_size is None:
        return img
    return _resized(img, image, target_size, interpolation, keep_aspect_ratio)


def _image_bytes(path):
    """A binary stream of the image: an io.BytesIO as given, a file's bytes read at once
    (the file is closed before decoding, as Keras reads it)."""
    if isinstance(path, io.BytesIO):
        return path
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"load_img: path should be path-like or io.BytesIO, not "
                        f"{type(path).__name__}")
    with open(path, "rb") as file:
        return io.BytesIO(file.read())


def _resized(img, image, target_size, interpolation, keep_aspect_ratio):
    height, width = _size(target_size, "load_img")
    if img.size == (width, height):
        return img
    if interpolation not in _RESAMPLING:
        raise ValueError(f"load_img: interpolation must be one of {', '.join(_RESAMPLING)}, "
                         f"got {interpolation!r}")
    resample = getattr(image.Resampling, interpolation.upper())
    box = _centre_crop(img.size, (width, height)) if keep_aspect_ratio else None
    return img.resize((width, height), resample, box=box)


def _centre_crop(size, target):
    """The largest centred (left, top, right, bottom) box with the target's proportions."""
    width, height = size
    target_width, target_height = target
    crop_height = min(height, width * target_height // target_width)
    crop_width = min(width, height * target_width // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def _size(size, who):
    """(height, width) of a target size given as two positive ints."""
    try:
        height, width = (int(s) for s in size)
        if height <= 0 or width <= 0 or list(size) != [height, width]:
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"{who}: the size must be two positive ints (height, width), got "
                         f"{size!r}") from None
    return height, width


__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "pil_image"]
