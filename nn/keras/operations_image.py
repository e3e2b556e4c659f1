"""Keras' image operations of whole pictures (keras.ops.image's colour conversions, resize,
crop and pad, patches, blur, Sobel edges, SSIM and scale_and_translate), by Keras' class
name, with the results of Keras' PyTorch backend. Images are channels-last (N, H, W, C) or
one image (H, W, C) (data_format='channels_first': (N, C, H, W)); all are differentiable in
the images, built on rungrad's ops and F.interpolate / F.conv2d."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module, is_gpu_array, to_cpu
from autograd.variable import Variable, as_variable

from .. import functional as F
from .layers._base import data_format_name, floating, on_images
from .layers.color_spaces import LUMA, hsv_planes, rgb_planes
from .layers.resizing import RoundedTo, aspect_window, resized, window
from .operations_conv import CONV


def _images(images, who):
    """images as a Variable of rank 3 or 4, checked."""
    images = as_variable(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"{who}: images must be 3-D (one image) or 4-D (a batch), got shape "
                         f"{tuple(images.shape)}")
    return images


def _channel_axis(data_format, who):
    return -3 if data_format_name(data_format, who) == "channels_first" else -1


def rgb_to_grayscale(images, data_format=None):
    """Keras' RGBToGrayscale: 0.2989 R + 0.587 G + 0.114 B (one channel kept as it is), in
    the images' dtype (integer pixels truncated, as torch's cast)."""
    images = _images(images, "rgb_to_grayscale")
    axis = _channel_axis(data_format, "rgb_to_grayscale")
    if images.shape[axis] == 1:
        return ops.clone(images)
    if images.shape[axis] != 3:
        raise ValueError(f"rgb_to_grayscale: images need 3 (RGB) or 1 channels, got shape "
                         f"{tuple(images.shape)}")
    weights = np.array(LUMA, floating(images).dtype)
    gray = ops.sum(floating(images) * weights.reshape((3,) + (1,) * (-axis - 1)), axis=axis,
                   keepdims=True)
    return ops.astype(gray, images.dtype) if gray.dtype != images.dtype else gray


def _planes(images, who, data_format):
    """The three colour planes of float images, and their channel axis."""
    images = _images(images, who)
    if images.dtype.kind != "f":
        raise ValueError(f"{who}: images must be floating-point, got {images.dtype}")
    axis = _channel_axis(data_format, who)
    return [ops.squeeze(p, axis) for p in ops.split(images, 3, axis=axis)], axis


def rgb_to_hsv(images, data_format=None):
    """Keras' RGBToHSV (dm_pix's): hue, saturation and value in [0, 1]."""
    planes, axis = _planes(images, "rgb_to_hsv", data_format)
    return ops.stack(hsv_planes(*planes), axis=axis)


def hsv_to_rgb(images, data_format=None):
    """Keras' HSVToRGB (dm_pix's): the inverse of rgb_to_hsv."""
    planes, axis = _planes(images, "hsv_to_rgb", data_format)
    return ops.stack(rgb_planes(*planes), axis=axis)


def _aspect_padded(images, size, fill_value):
    """images (N, C, H, W) padded evenly with fill_value to the aspect ratio of `size`
    (Keras' resize(pad_to_aspect_ratio=True): the same amount on both sides)."""
    height, width = images.shape[2:]
    rows = (max(height, int(width * size[0] / size[1])) - height) // 2
    cols = (max(width, int(height * size[1] / size[0])) - width) // 2
    return ops.pad(images, ((0, 0), (0, 0), (rows, rows), (cols, cols)),
                   constant_values=fill_value)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Keras' Resize: images interpolated to size (height, width) as torch's interpolate
    ('bilinear', 'bicubic' with align_corners=False; 'nearest' as 'nearest-exact'), first
    cropped or padded to its aspect ratio when asked; integer pixels rounded back."""
    if interpolation in ("lanczos3", "lanczos5", "area"):
        raise ValueError(f"resize: interpolation={interpolation!r} is not supported by Keras' "
                         "PyTorch backend, nor here; use scale_and_translate for lanczos")
    if interpolation not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"resize: interpolation must be 'bilinear', 'nearest' or 'bicubic', "
                         f"got {interpolation!r}")
    if fill_mode != "constant":
        raise ValueError(f"resize: fill_mode must be 'constant', got {fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: only one of crop_to_aspect_ratio and pad_to_aspect_ratio "
                         "can be True")
    if size is None or len(size) != 2:
        raise ValueError(f"resize: size must be (height, width), got {size!r}")
    size = tuple(int(s) for s in size)
    images = _images(images, "resize")

    def transform(batch):
        if crop_to_aspect_ratio:
            batch = window(batch, *aspect_window(*batch.shape[2:], size))
        elif pad_to_aspect_ratio:
            batch = _aspect_padded(batch, size, fill_value)
        return resized(batch, size, interpolation, antialias)
    out = on_images(floating(images), data_format_name(data_format, "resize"), transform)
    return RoundedTo(images.dtype)(out) if images.dtype.kind in "iu" else out


def _edges(before, after, target, names):
    """Keras' two-of-three rule for a side's (before, after) amounts, checked."""
    if [before, after, target].count(None) != 1:
        raise ValueError(f"Must specify exactly two of {', '.join(names)}. Received: "
                         + ", ".join(f"{n}={v}" for n, v in zip(names, (before, after, target))))
    for name, value in zip(names, (before, after, target)):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    return before, after


def _spatial(images, data_format, who):
    """The (height, width) axes of rank-3 or rank-4 images."""
    first = data_format_name(data_format, who) == "channels_first"
    return (images.ndim - 2, images.ndim - 1) if first else (images.ndim - 3, images.ndim - 2)


def _sides(images, data_format, who, word, amounts):
    """(axis, side's size, before, after, target, names) of the images' height and width,
    `amounts` ((top, bottom, target_height), (left, right, target_width)) checked by Keras'
    two-of-three rule; names: '<side>_<word>' and 'target_<height or width>'."""
    for axis, (first, last, dim), (before, after, target) in zip(
            _spatial(images, data_format, who),
            (("top", "bottom", "height"), ("left", "right", "width")), amounts):
        names = (f"{first}_{word}", f"{last}_{word}", f"target_{dim}")
        before, after = _edges(before, after, target, names)
        yield axis, images.shape[axis], before, after, target, names


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Keras' PadImages: zeros around the images, two of each side's three amounts given."""
    images = _images(images, "pad_images")
    widths = [(0, 0)] * images.ndim
    for axis, size, before, after, target, names in _sides(
            images, data_format, "pad_images", "padding",
            ((top_padding, bottom_padding, target_height),
             (left_padding, right_padding, target_width))):
        before = target - after - size if before is None else before
        after = target - before - size if after is None else after
        if before < 0 or after < 0:
            raise ValueError(f"{names[0]} and {names[1]} must be >= 0. Received: "
                             f"{names[0]}={before}, {names[1]}={after}")
        widths[axis] = (before, after)
    return ops.pad(images, tuple(widths))


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Keras' CropImages: a window of the images, two of each side's three amounts given."""
    images = _images(images, "crop_images")
    key = [slice(None)] * images.ndim
    for axis, size, before, after, target, names in _sides(
            images, data_format, "crop_images", "cropping",
            ((top_cropping, bottom_cropping, target_height),
             (left_cropping, right_cropping, target_width))):
        before = size - target - after if before is None else before
        target = size - after - before if target is None else target
        if before < 0 or target < 0 or before + target > size:
            raise ValueError(f"crop_images: {names[0]}={before} with {names[2]}={target} does "
                             f"not fit an image side of {size}")
        key[axis] = slice(before, before + target)
    return images[tuple(key)]


def _patches(images, size, strides, dilation_rate, padding, data_format, dims):
    """Keras' patch extraction: a convolution with an identity kernel, so that each output
    position holds its window's values (in window order, channels last) on the last axis."""
    who = "extract_patches" if dims == 2 else "extract_patches_3d"
    images = as_variable(images)
    sizes = (size,) * dims if isinstance(size, (int, np.integer)) else tuple(size)
    if len(sizes) != dims:
        raise TypeError(f"{who}: size must be an int or a tuple of {dims}, got {size!r}")
    if images.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{who}: expected {dims + 1}-D or {dims + 2}-D input, got shape "
                         f"{tuple(images.shape)}")
    first = data_format_name(data_format, who) == "channels_first"
    channels = images.shape[-dims - 1] if first else images.shape[-1]
    count = int(np.prod(sizes)) * channels
    xp = get_array_module(images.data)
    kernel = xp.eye(count, dtype=floating(images).dtype).reshape(sizes + (channels, count))
    batch = images if images.ndim == dims + 2 else ops.expand_dims(images, 0)
    out = CONV["Conv"](batch, Variable(kernel, requires_grad=False), strides=strides or sizes,
                       padding=padding, data_format=data_format, dilation_rate=dilation_rate)
    return out if images.ndim == dims + 2 else out[0]


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Keras' ExtractPatches: (..., rows, cols, size_h * size_w * C) windows of the images
    (a size of three ints: of volumes (N, D, H, W, C), keras.ops.image.extract_patches_3d)."""
    dims = 3 if not isinstance(size, (int, np.integer)) and len(size) == 3 else 2
    return _patches(images, size, strides, dilation_rate, padding, data_format, dims)


def _gaussian(size, sigma, dtype):
    """The normalised 1-D Gaussian of `size` taps (sigma a number or a Variable)."""
    taps = np.arange(size, dtype=dtype) - (size - 1) / 2
    if isinstance(sigma, Variable):
        weights = ops.exp(-0.5 * (taps / ops.astype(sigma, dtype)) ** 2)
        return weights / ops.sum(weights)
    weights = np.exp(-0.5 * (taps / float(sigma)) ** 2)
    return as_variable((weights / weights.sum()).astype(dtype))


def _depthwise(batch, kernel, padding):
    """Each channel of (N, C, H, W) convolved (cross-correlated) with the 2-D `kernel`."""
    channels = batch.shape[1]
    weight = ops.broadcast_to(ops.reshape(kernel, (1, 1) + kernel.shape), (channels, 1)
                              + kernel.shape)
    return F.conv2d(batch, weight, padding=padding, groups=channels)


def blurred(batch, kernel_size, sigma):
    """(N, C, H, W) blurred by Keras' Gaussian kernel (padded by kernel_size[0] // 2 on every
    side, as Keras' PyTorch backend)."""
    dtype = batch.dtype
    kernel = ops.outer(_gaussian(kernel_size[1], sigma[1], dtype),
                       _gaussian(kernel_size[0], sigma[0], dtype))
    # (Keras reshapes, not transposes, the (size[1], size[0]) outer product)
    kernel = ops.reshape(kernel, tuple(kernel_size))
    return _depthwise(batch, kernel, int(kernel_size[0]) // 2)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Keras' GaussianBlur: each channel convolved with a (kernel_size) Gaussian of the
    (sigma_x, sigma_y) widths; differentiable in the images and a sigma given as tensor."""
    images = floating(_images(images, "gaussian_blur"))
    sizes = tuple(int(k) for k in kernel_size)
    sigmas = tuple(sigma) if isinstance(sigma, (list, tuple)) else (sigma, sigma)
    return on_images(images, data_format_name(data_format, "gaussian_blur"),
                     lambda batch: blurred(batch, sizes, sigmas))


def sobel_edges(images, data_format=None):
    """Keras' SobelEdges: (..., 2) the vertical and horizontal Sobel responses of each
    channel (zero padding), a last axis after the images' own."""
    images = as_variable(images)
    if images.ndim != 4:
        raise ValueError(f"sobel_edges: images must be 4-D, got shape {tuple(images.shape)}")
    first = data_format_name(data_format, "sobel_edges") == "channels_first"
    batch = images if first else ops.transpose(images, (0, 3, 1, 2))
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], images.dtype)
    edges = ops.stack([_depthwise(batch, as_variable(k), 1) for k in (dy, dy.T)], axis=-1)
    return edges if first else ops.transpose(edges, (0, 2, 3, 1, 4))


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Keras' SSIM: the mean structural similarity of the two images (per image of a
    batch), with a filter_size Gaussian window (valid positions) of filter_sigma."""
    x1, x2 = (_images(x, "ssim") for x in (image1, image2))
    dtype = x1.dtype
    first = data_format_name(data_format, "ssim") == "channels_first"
    x1, x2 = (floating(x if x.ndim == 4 else ops.expand_dims(x, 0)) for x in (x1, x2))
    x1, x2 = (x if first else ops.transpose(x, (0, 3, 1, 2)) for x in (x1, x2))
    n, channels, height, width = x1.shape
    x1, x2 = (ops.reshape(x, (n * channels, 1, height, width)) for x in (x1, x2))
    g = _gaussian(filter_size, filter_sigma, x1.dtype)
    kernel = ops.outer(g, g)

    def mean(x):
        return _depthwise(x, kernel, 0)
    mu1, mu2 = mean(x1), mean(x2)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    var1, var2 = mean(x1 * x1) - mu1 * mu1, mean(x2 * x2) - mu2 * mu2
    cov = mean(x1 * x2) - mu1 * mu2
    similarity = ((2.0 * mu1 * mu2 + c1) * (2.0 * cov + c2)
                  / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2)))
    per_image = ops.mean(ops.reshape(ops.mean(similarity, axis=(1, 2, 3)), (n, channels)),
                         axis=-1)
    out = per_image if as_variable(image1).ndim == 4 else per_image[0]
    return ops.astype(out, dtype) if out.dtype != dtype else out


SCALE_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
                 "triangle": "linear", "cubic": "cubic", "bicubic": "cubic",
                 "tricubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _kernel(method, x):
    """scale_and_translate's interpolation kernels of distances x >= 0 (a Variable)."""
    if method == "linear":
        return ops.maximum(1 - x, 0.0)
    if method == "cubic":
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        near = (1.5 * x - 2.5) * x * x + 1.0
        return ops.where(x.data >= 2.0, 0.0, ops.where(x.data >= 1.0, far, near))
    radius = 3.0 if method == "lanczos3" else 5.0
    away = x.data > 1e-3
    safe = ops.where(away, x, 1.0)  # (no 0 / 0 in the branch not taken: its gradient is NaN)
    y = radius * ops.sin(np.pi * safe) * ops.sin(np.pi / radius * safe) / (np.pi ** 2 * safe
                                                                         * safe)
    return ops.where(x.data > radius, 0.0, ops.where(away, y, 1.0))


def _weights(inputs, outputs, scale, translation, method, antialias):
    """The (inputs, outputs) matrix taking an axis to its scaled and translated samples; a
    graph of scale and translation (0-d Variables) where they require grad."""
    inverse = 1.0 / scale
    stretch = ops.maximum(inverse, 1.0) if antialias else 1.0
    samples = inverse * (np.arange(outputs) + 0.5) - translation * inverse - 0.5
    weights = _kernel(method, ops.abs(samples[None, :] - np.arange(inputs)[:, None]) / stretch)
    totals = weights.sum(axis=0, keepdims=True)
    usable = np.abs(totals.data) > 1000.0 * float(np.finfo(np.float32).eps)
    weights = ops.where(usable, weights / ops.where(usable, totals, 1.0), 0.0)
    inside = (samples.data >= -0.5) & (samples.data <= inputs - 0.5)
    return ops.where(inside[None, :], weights, 0.0)


def _factors(values, name, count):
    """scale's or translation's `count` values as a float64 Variable (a graph of them where
    they require grad), on the host."""
    if isinstance(values, Variable) and values.requires_grad:
        if is_gpu_array(values.data):
            raise NotImplementedError(f"scale_and_translate: a gradient with respect to {name} "
                                      "is computed on the host; give it as a NumPy Variable")
        factors = ops.reshape(ops.astype(values, np.float64), (-1,))
    else:
        data = values.data if isinstance(values, Variable) else values
        factors = as_variable(np.asarray(to_cpu(data) if hasattr(data, "shape") else data,
                                         np.float64).reshape(-1))
    if factors.shape[0] != count:
        raise ValueError(f"scale_and_translate: {name} has {factors.shape[0]} values for "
                         f"{count} spatial_dims; give one per axis")
    return factors


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Keras' ScaleAndTranslate (jax.image's): each of spatial_dims resampled to
    output_shape's size by x -> x * scale + translation with the method's kernel (widened
    by 1 / scale when shrinking with antialias). Differentiable in the images, and in scale
    and translation (Variables that require grad) as jax.image's is."""
    if method not in SCALE_METHODS:
        raise ValueError(f"scale_and_translate: method must be one of "
                         f"{sorted(SCALE_METHODS)}, got {method!r}")
    images = as_variable(images)
    scale = _factors(scale, "scale", len(spatial_dims))
    translation = _factors(translation, "translation", len(spatial_dims))
    out = floating(images)
    xp = get_array_module(out.data)
    for i, axis in enumerate(spatial_dims):
        axis %= images.ndim
        weights = _weights(images.shape[axis], output_shape[axis], scale[i], translation[i],
                           SCALE_METHODS[method], antialias)
        weights = ops.astype(weights, out.dtype) if weights.requires_grad else \
            xp.asarray(weights.data.astype(out.dtype))
        out = ops.moveaxis(ops.tensordot(out, weights, dims=([axis], [0])), -1, axis)
    if images.dtype.kind in "iu":
        low, high = (np.asarray(f(images.data)).astype(out.dtype) for f in (np.min, np.max))
        return ops.astype(ops.clip(ops.round(out), low, high), images.dtype)
    return out


IMAGE = {"RGBToGrayscale": rgb_to_grayscale, "RGBToHSV": rgb_to_hsv, "HSVToRGB": hsv_to_rgb,
         "Resize": resize, "PadImages": pad_images, "CropImages": crop_images,
         "ExtractPatches": extract_patches,
         "GaussianBlur": gaussian_blur, "SobelEdges": sobel_edges, "SSIM": ssim,
         "ScaleAndTranslate": scale_and_translate}

__all__ = ["IMAGE", "blurred"]
