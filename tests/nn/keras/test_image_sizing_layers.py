"""Keras' Resizing and CenterCrop: values against small NumPy references of torch's
interpolation (which Keras' torch backend resizes with), the aspect-ratio crop and pad,
integer pixels kept integer, both layouts and one image, gradients to the images, configs,
and refusals that name the argument."""
import re

import numpy as np
import pytest

from autograd.testing import assert_gradients_match
from nn.keras import layers

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 10, (2, 5, 7, 3))


def _cubic(d, a=-0.75):
    """The cubic convolution kernel (Keys', torch's A = -0.75) at distances d."""
    d = np.abs(d)
    near = ((a + 2) * d - (a + 3)) * d * d + 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return np.where(d <= 1, near, np.where(d < 2, far, 0.0))


def _matrix(n_in, n_out, interpolation):
    """(n_out, n_in) weights of torch's interpolate along one axis (align_corners=False):
    source position (i + 0.5) n_in / n_out - 0.5."""
    scale = n_in / n_out
    weights = np.zeros((n_out, n_in))
    for i in range(n_out):
        if interpolation == "nearest":  # torch's 'nearest-exact': the pixel under the centre
            weights[i, min(int((i + 0.5) * scale), n_in - 1)] = 1
            continue
        source = (i + 0.5) * scale - 0.5
        if interpolation == "bilinear":
            source = max(source, 0.0)
            first = min(int(source), n_in - 1)
            t = source - first
            weights[i, first] += 1 - t
            weights[i, min(first + 1, n_in - 1)] += t
        else:  # bicubic: four taps around floor(source), clamped into the image
            first = int(np.floor(source))
            for k in range(-1, 3):
                weights[i, min(max(first + k, 0), n_in - 1)] += _cubic(source - first - k)
    return weights


def _resized(x, height, width, interpolation):
    """x (N, H, W, C) resized by the separable reference."""
    rows = _matrix(x.shape[1], height, interpolation)
    cols = _matrix(x.shape[2], width, interpolation)
    return np.einsum("ih,nhwc,jw->nijc", rows, x, cols)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("size", [(3, 4), (10, 11), (5, 7), (1, 1), (16, 2)])
def test_resizing_interpolates_as_torch(interpolation, size):
    layer = layers.Resizing(*size, interpolation=interpolation)
    np.testing.assert_allclose(layer(IMAGES).data, _resized(IMAGES, *size, interpolation),
                               rtol=1e-12, atol=1e-12)
    first = layers.Resizing(*size, interpolation=interpolation, data_format="channels_first")
    np.testing.assert_allclose(first(IMAGES.transpose(0, 3, 1, 2)).data,
                               layer(IMAGES).data.transpose(0, 3, 1, 2), rtol=1e-12)
    np.testing.assert_allclose(layer(IMAGES[1]).data, layer(IMAGES).data[1], rtol=1e-12)


def test_antialias_averages_what_each_output_pixel_covers():
    row = RNG.uniform(0, 1, (1, 1, 16, 1))
    y = layers.Resizing(1, 8, antialias=True)(row).data.ravel()
    inside = np.convolve(row.ravel(), [1 / 8, 3 / 8, 3 / 8, 1 / 8], "valid")[1::2]
    np.testing.assert_allclose(y[1:-1], inside[:6], rtol=1e-12)  # (the triangle, stretched)
    assert not np.allclose(y, layers.Resizing(1, 8)(row).data.ravel())


def test_the_aspect_ratio_is_kept_by_a_centred_crop_or_an_even_pad():
    x = RNG.uniform(0, 1, (1, 4, 8, 1))
    cropped = layers.Resizing(2, 2, crop_to_aspect_ratio=True)(x).data
    centre = x[:, :, 2:6]  # the centred 4 x 4 window, then each 2 x 2 block's mean
    np.testing.assert_allclose(cropped, centre.reshape(1, 2, 2, 2, 2, 1).mean(axis=(2, 4)),
                               rtol=1e-12)
    padded = layers.Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=-1.0,
                             interpolation="nearest")(x).data
    expected = np.pad(x, ((0, 0), (2, 2), (0, 0), (0, 0)), constant_values=-1.0)
    np.testing.assert_array_equal(padded, expected)


def test_integer_pixels_come_back_integer_rounded_and_clipped():
    edge = np.zeros((1, 4, 4, 1), np.uint8)
    edge[:, :, 2:] = 255
    y = layers.Resizing(4, 7, interpolation="bicubic")(edge).data
    assert y.dtype == np.uint8
    reference = _resized(edge.astype(np.float64), 4, 7, "bicubic")
    assert reference.min() < 0 and reference.max() > 255  # (the cubic overshoots an edge)
    np.testing.assert_allclose(y, np.clip(np.rint(reference), 0, 255), atol=1)
    halves = layers.Resizing(1, 2)(np.array([[[1], [2], [3], [4]]], np.int32)[None]).data
    np.testing.assert_array_equal(halves.ravel(), [2, 4])  # 1.5 and 3.5: to even
    assert layers.CenterCrop(2, 2)(edge).dtype == np.float32  # (Keras' CenterCrop casts)


def test_center_crop_takes_the_middle_or_resizes_a_smaller_image():
    np.testing.assert_array_equal(layers.CenterCrop(3, 4)(IMAGES).data, IMAGES[:, 1:4, 1:5])
    first = layers.CenterCrop(2, 2, data_format="channels_first")(IMAGES.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(first.data, IMAGES.transpose(0, 3, 1, 2)[:, :, 1:3, 2:4])
    np.testing.assert_array_equal(layers.CenterCrop(5, 1)(IMAGES[0]).data, IMAGES[0, :, 3:4])
    for size in ((10, 14), (6, 3), (4, 9)):  # smaller on a side: Keras' smart_resize
        np.testing.assert_allclose(
            layers.CenterCrop(*size)(IMAGES).data,
            layers.Resizing(*size, crop_to_aspect_ratio=True)(IMAGES).data, rtol=1e-12)


def test_the_gradients_reach_the_images():
    x = IMAGES[:1, :4, :5, :2]
    for layer in (layers.Resizing(3, 7), layers.Resizing(6, 2, interpolation="bicubic"),
                  layers.Resizing(3, 3, interpolation="nearest"),
                  layers.Resizing(3, 2, antialias=True, crop_to_aspect_ratio=True),
                  layers.Resizing(5, 3, pad_to_aspect_ratio=True, fill_value=2.0),
                  layers.CenterCrop(2, 3), layers.CenterCrop(6, 6)):
        assert_gradients_match(layer, x, order=2)


def test_configs_rebuild_the_layers():
    for layer in (layers.Resizing(3, 4, interpolation="bicubic", pad_to_aspect_ratio=True,
                                  fill_value=1.5, antialias=True, data_format="channels_first"),
                  layers.CenterCrop(2, 3, name="middle")):
        config = layer.get_config()
        again = type(layer)(**config)
        assert again.get_config() == config
        np.testing.assert_array_equal(again(IMAGES).data, layer(IMAGES).data)
    assert layers.Resizing(3, 4).get_config()["interpolation"] == "bilinear"


@pytest.mark.parametrize("make, error, words", [
    (lambda: layers.Resizing(2, 2, interpolation="area"), ValueError, "no 'area'"),
    (lambda: layers.Resizing(2, 2, interpolation="lanczos3"), ValueError,
     "interpolation must be one of"),
    (lambda: layers.Resizing(2, 2, fill_mode="reflect"), ValueError, "fill_mode must be"),
    (lambda: layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     ValueError, "only one of"),
    (lambda: layers.Resizing(0, 2), ValueError, "Resizing.*height"),
    (lambda: layers.CenterCrop(2, 2.5), ValueError, "CenterCrop.*width"),
    (lambda: layers.CenterCrop(2, 2, data_format="nhwc"), ValueError, "data_format must be"),
])
def test_refusals_name_the_argument(make, error, words):
    with pytest.raises(error, match=words):
        make()


@pytest.mark.parametrize("layer, shape", [
    (layers.Resizing(3, 4), (2, 0, 10, 3)), (layers.CenterCrop(3, 4), (2, 7, 0, 3)),
    (layers.CenterCrop(3, 4), (7, 0, 3)),
    (layers.Resizing(3, 4, data_format="channels_first"), (2, 3, 5, 0))])
def test_images_without_a_pixel_are_named(layer, shape):
    """The layer and the shape as given (not an index error on the channels-first copy)."""
    with pytest.raises(ValueError, match=rf"{type(layer).__name__}: the images need a height "
                                         rf"and width of at least 1, got an input of shape "
                                         rf"{re.escape(str(shape))}"):
        layer(np.zeros(shape, np.float32))


def test_an_input_of_the_wrong_rank_is_named():
    with pytest.raises(ValueError, match=r"Resizing.*expected an input of shape.*\(2, 3\)"):
        layers.Resizing(2, 2)(np.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.int64, np.int16, np.uint8])
def test_resized_integers_saturate_into_their_dtype(dtype):
    """(int32's largest value clipped in float32 is 2^31, which the cast wrapped round to
    -2^31; Keras moves such limits inward, as here.)"""
    info = np.iinfo(dtype)
    for value in (info.max, info.min):
        resized = np.asarray(layers.Resizing(3, 3)(np.full((1, 2, 2, 1), value, dtype)).data)
        assert resized.dtype == dtype
        near = [int(v) for v in resized.ravel()]  # (float32 keeps 24 bits of the limit)
        assert all(abs(v - int(value)) <= abs(int(value)) // 2 ** 23 for v in near)
