"""keras.ops.image: Keras 3's image operations, with Keras' arguments and the results of
its PyTorch backend (nn.keras.operations_image and operations_sampling compute them). Each
works on arrays and Variables (differentiable in the images, and in coordinates, transforms
and points where Keras' are) and on a functional model's symbolic tensors, as keras.ops'."""
import numpy as np

from . import _made

_FORMAT = (("data_format", None),)
_PATCHES = (("size", None), ("strides", None), ("dilation_rate", 1), ("padding", "valid"))

# (function name, Keras' class name, call arguments, own arguments with their defaults)
_TABLE = [
    ("rgb_to_grayscale", "RGBToGrayscale", ["images"], _FORMAT),
    ("rgb_to_hsv", "RGBToHSV", ["images"], _FORMAT),
    ("hsv_to_rgb", "HSVToRGB", ["images"], _FORMAT),
    ("resize", "Resize", ["images"], (
        ("size", None), ("interpolation", "bilinear"), ("antialias", False),
        ("crop_to_aspect_ratio", False), ("pad_to_aspect_ratio", False),
        ("fill_mode", "constant"), ("fill_value", 0.0)) + _FORMAT),
    ("affine_transform", "AffineTransform", ["images", "transform"], (
        ("interpolation", "bilinear"), ("fill_mode", "constant"), ("fill_value", 0))
     + _FORMAT),
    ("extract_patches", "ExtractPatches", ["images"], _PATCHES + _FORMAT),
    ("map_coordinates", "MapCoordinates", ["inputs", "coordinates"], (
        ("order", None), ("fill_mode", "constant"), ("fill_value", 0))),
    *[(name, op, ["images"], tuple((key, None) for key in (
        f"top_{side}", f"left_{side}", f"bottom_{side}", f"right_{side}", "target_height",
        "target_width")) + _FORMAT)
      for name, op, side in (("pad_images", "PadImages", "padding"),
                             ("crop_images", "CropImages", "cropping"))],
    ("perspective_transform", "PerspectiveTransform", ["images", "start_points",
                                                       "end_points"],
     (("interpolation", "bilinear"), ("fill_value", 0)) + _FORMAT),
    ("gaussian_blur", "GaussianBlur", ["images"], (("kernel_size", (3, 3)),
                                                   ("sigma", (1.0, 1.0))) + _FORMAT),
    ("elastic_transform", "ElasticTransform", ["images"], (
        ("alpha", 20.0), ("sigma", 5.0), ("interpolation", "bilinear"),
        ("fill_mode", "reflect"), ("fill_value", 0.0), ("seed", None)) + _FORMAT),
    ("scale_and_translate", "ScaleAndTranslate", ["images", "output_shape", "scale",
                                                  "translation"],
     (("spatial_dims", None), ("method", None), ("antialias", True))),
    ("sobel_edges", "SobelEdges", ["images"], _FORMAT),
    ("ssim", "SSIM", ["image1", "image2"], (
        ("max_val", 1.0), ("filter_size", 11), ("filter_sigma", 1.5), ("k1", 0.01),
        ("k2", 0.03)) + _FORMAT),
]

_FUNCTIONS = {name: _made(op, call, config, doc=f"Keras' ops.image.{name}: see "
                          f"nn.keras.operations ({op}).") for name, op, call, config in _TABLE}
for _name, _function in _FUNCTIONS.items():
    _function.__name__ = _function.__qualname__ = _name
globals().update(_FUNCTIONS)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Keras' ops.image.extract_patches_3d: the (d, h, w) windows of volumes (N, D, H, W, C)
    or one volume, each flattened (window order, channels last) on the last axis."""
    if isinstance(size, (int, np.integer)):
        size = (int(size),) * 3
    if len(size) != 3:
        raise TypeError(f"extract_patches_3d: size must be an int or a tuple of 3, got "
                        f"{size!r}")
    return _FUNCTIONS["extract_patches"](volumes, tuple(size), strides, dilation_rate, padding,
                                         data_format)


__all__ = sorted([name for name, *_ in _TABLE] + ["extract_patches_3d"])
