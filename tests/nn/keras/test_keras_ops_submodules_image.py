"""keras.ops.image: values against NumPy references written here (colorsys for HSV) or
literals taken from Keras 3.15 (PyTorch backend), and gradients against numerical ones."""
import colorsys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Variable, gradcheck
from nn.keras.ops import image

RNG = np.random.default_rng(0)
IMAGES = RNG.random((2, 5, 6, 3))


def _value(x):
    return np.asarray(x.data)


def test_grayscale_is_the_weighted_channel_sum_in_both_layouts():
    expected = IMAGES @ np.array([0.2989, 0.587, 0.114])
    np.testing.assert_allclose(_value(image.rgb_to_grayscale(IMAGES))[..., 0], expected)
    first = np.moveaxis(IMAGES, -1, 1)
    np.testing.assert_allclose(_value(image.rgb_to_grayscale(
        first, data_format="channels_first"))[:, 0], expected)
    assert image.rgb_to_grayscale(IMAGES[..., :1]).shape == (2, 5, 6, 1)
    with pytest.raises(ValueError, match="3 \\(RGB\\) or 1"):
        image.rgb_to_grayscale(IMAGES[..., :2])


def test_hsv_conversions_agree_with_colorsys_and_invert_each_other():
    pixels = IMAGES.reshape(-1, 3)
    expected = np.array([colorsys.rgb_to_hsv(*p) for p in pixels]).reshape(IMAGES.shape)
    hsv = _value(image.rgb_to_hsv(IMAGES))
    np.testing.assert_allclose(hsv, expected, atol=1e-12)
    np.testing.assert_allclose(_value(image.hsv_to_rgb(hsv)), IMAGES, atol=1e-12)
    with pytest.raises(ValueError, match="floating-point"):
        image.rgb_to_hsv(IMAGES.astype(np.uint8))


def test_hsv_gradients_match_numerical_ones():
    x = Variable(np.array([[[0.9, 0.2, 0.4], [0.1, 0.7, 0.3]],
                           [[0.2, 0.3, 0.8], [0.6, 0.5, 0.1]]]))
    gradcheck(image.rgb_to_hsv, x)
    h = Variable(np.array([[[0.1, 0.5, 0.6], [0.45, 0.3, 0.9]],
                           [[0.7, 0.8, 0.2], [0.9, 0.4, 0.5]]]))
    gradcheck(image.hsv_to_rgb, h)


SMALL = np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1)
RESIZED = {  # Keras' resize of SMALL to (3, 4)
    "bilinear": [[0.0, 0.625, 1.375, 2.0], [1.5, 2.125, 2.875, 3.5], [3.0, 3.625, 4.375, 5.0]],
    "nearest": [[0.0, 1.0, 1.0, 2.0], [3.0, 4.0, 4.0, 5.0], [3.0, 4.0, 4.0, 5.0]],
    "bicubic": [[-0.332194, 0.269368, 1.209798, 1.811361], [1.428223, 2.029785, 2.970215,
                                                           3.571777],
                [3.188639, 3.790202, 4.730632, 5.332194]]}


@pytest.mark.parametrize("interpolation", sorted(RESIZED))
def test_resize_gives_keras_values(interpolation):
    out = image.resize(SMALL, (3, 4), interpolation=interpolation)
    np.testing.assert_allclose(_value(out)[0, :, :, 0], RESIZED[interpolation], atol=2e-6)
    assert out.dtype == np.float32


def test_resize_antialias_crop_pad_and_integer_pixels():
    square = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_allclose(_value(image.resize(square, (2, 2), antialias=True))[0, :, :, 0],
                               [[3.571429, 5.142858], [9.857143, 11.428572]], atol=2e-6)
    # cropping to the target's aspect ratio keeps the centre; padding puts fill_value round it
    wide = np.arange(8, dtype=np.float32).reshape(1, 2, 4, 1)
    np.testing.assert_array_equal(_value(image.resize(
        wide, (2, 2), crop_to_aspect_ratio=True))[0, :, :, 0], [[1, 2], [5, 6]])
    padded = _value(image.resize(wide[0], (4, 4), pad_to_aspect_ratio=True, fill_value=-1,
                                 interpolation="nearest"))[:, :, 0]
    np.testing.assert_array_equal(padded, [[-1] * 4, [0, 1, 2, 3], [4, 5, 6, 7], [-1] * 4])
    pixels = image.resize(np.array([[[[0], [255]]]], np.uint8), (1, 4))
    assert pixels.dtype == np.uint8 and _value(pixels).ravel().tolist() == [0, 64, 191, 255]
    with pytest.raises(ValueError, match="lanczos3"):
        image.resize(SMALL, (3, 4), interpolation="lanczos3")


@settings(max_examples=8, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.sampled_from(["bilinear", "bicubic",
                                                              "nearest"]))
def test_resize_gradients_match_numerical_ones(rows, cols, interpolation):
    x = Variable(np.random.default_rng(rows * 5 + cols).random((1, 3, 2, 2)))
    gradcheck(lambda t: image.resize(t, (rows, cols), interpolation=interpolation), x)


MAPPED = {  # Keras' map_coordinates(arange(12).reshape(3, 4), COORDS, 1, mode, 0.5)
    "constant": [0.5, 2.5, 2.0, 0.5], "nearest": [3.0, 2.5, 8.0, 10.0],
    "wrap": [6.2, 2.5, 5.8, 4.8], "mirror": [7.8, 2.5, 6.6, 3.2],
    "reflect": [4.8, 2.5, 8.0, 7.2]}
COORDS = np.array([[-1.5, 0.25, 2.5, 3.7], [4.2, 1.5, -0.6, 2.0]])


@pytest.mark.parametrize("fill_mode", sorted(MAPPED))
def test_map_coordinates_gives_keras_values(fill_mode):
    grid = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = image.map_coordinates(grid, COORDS.astype(np.float32), 1, fill_mode, 0.5)
    np.testing.assert_allclose(_value(out), MAPPED[fill_mode], atol=1e-5)
    nearest = image.map_coordinates(grid, np.array([[0.4, 1.6], [2.5, 2.5]]), 0)
    np.testing.assert_array_equal(_value(nearest), [2, 10])  # (halves to even, as torch)
    whole = image.map_coordinates(grid, np.array([[-1, 0, 2], [1, 3, 5]]), 1, "constant", 7)
    np.testing.assert_array_equal(_value(whole), [7, 3, 7])  # (whole numbers outside: filled)


def test_map_coordinates_gradients_flow_to_inputs_and_coordinates():
    grid = Variable(RNG.random((3, 4)))
    points = Variable(np.array([[0.3, 1.6, 2.2, -0.4], [0.7, 2.45, 3.3, 1.2]]))
    for mode in ("constant", "reflect", "wrap"):
        gradcheck(lambda g, p, mode=mode: image.map_coordinates(g, p, 1, mode), grid, points)
    with pytest.raises(NotImplementedError, match="order must be 0 or 1"):
        image.map_coordinates(grid, points, 3)


def test_affine_transform_gives_keras_values_and_identity():
    square = np.arange(9, dtype=np.float32).reshape(3, 3, 1)
    out = image.affine_transform(square, np.array([0.5, 0.25, 0.5, -0.25, 1.0, 0.75, 0, 0],
                                                  np.float32), fill_mode="reflect")
    np.testing.assert_allclose(_value(out)[:, :, 0], [[2.75, 2.5, 2.25], [6.0, 5.75, 5.5],
                                                      [7.0, 7.5, 8.0]], atol=1e-6)
    same = image.affine_transform(IMAGES, np.array([1.0, 0, 0, 0, 1, 0, 0, 0]))
    np.testing.assert_allclose(_value(same), IMAGES)
    shifted = image.affine_transform(IMAGES, np.array([1.0, 0, 1, 0, 1, 0, 0, 0]),
                                     interpolation="nearest")  # (reads one column right)
    np.testing.assert_array_equal(_value(shifted)[:, :, :-1], IMAGES[:, :, 1:])
    np.testing.assert_array_equal(_value(shifted)[:, :, -1], 0)


def test_affine_transform_gradients_flow_to_images_and_transforms():
    images = Variable(RNG.random((2, 3, 4, 2)))
    # (no point lands on a whole pixel, where the interpolation has a kink)
    transforms = Variable(np.array([[0.93, 0.11, 0.37, -0.21, 1.13, 0.41, 0, 0],
                                    [1.17, -0.13, -0.36, 0.16, 0.83, 0.23, 0, 0]]))
    gradcheck(image.affine_transform, images, transforms)


def test_perspective_transform_gives_keras_values_and_gradients():
    square = np.arange(9, dtype=np.float32).reshape(3, 3, 1)
    start = np.array([[0, 0], [2, 0], [0, 2], [2, 2]], np.float32)
    end = np.array([[0.5, 0], [2, 0.25], [0, 2], [1.75, 2]], np.float32)
    np.testing.assert_allclose(_value(image.perspective_transform(square, start, end))[:, :, 0],
                               [[0.121475, 0.530701, 1.32957], [2.420179, 3.84301, 3.983012],
                                [6.0, 7.068323, 5.278909]], atol=1e-5)
    np.testing.assert_allclose(_value(image.perspective_transform(IMAGES, start, start)),
                               IMAGES, atol=1e-12)
    uneven = np.array([[0.53, 0.07], [2.11, 0.26], [0.09, 1.93], [1.77, 2.13]])  # (no kinks)
    gradcheck(lambda x, e: image.perspective_transform(x, start.astype(np.float64), e),
              Variable(RNG.random((1, 3, 3, 1))), Variable(uneven))


def _correlate(plane, kernel):
    """The valid 2-D cross-correlation of a plane with a kernel (NumPy reference)."""
    windows = np.lib.stride_tricks.sliding_window_view(plane, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _gaussian(size, sigma):
    taps = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    return taps / taps.sum()


def test_gaussian_blur_and_sobel_edges_are_zero_padded_correlations():
    kernel = np.outer(_gaussian(5, 0.8), _gaussian(5, 1.3))
    blurred = _value(image.gaussian_blur(IMAGES, (5, 5), (1.3, 0.8)))
    for n, c in ((0, 0), (1, 2)):
        np.testing.assert_allclose(blurred[n, :, :, c], _correlate(np.pad(
            IMAGES[n, :, :, c], 2), kernel), rtol=1e-12)
    edges = _value(image.sobel_edges(IMAGES))
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert edges.shape == (2, 5, 6, 3, 2)
    np.testing.assert_allclose(edges[1, :, :, 0, 0], _correlate(np.pad(IMAGES[1, :, :, 0], 1), dy))
    np.testing.assert_allclose(edges[1, :, :, 0, 1], _correlate(np.pad(IMAGES[1, :, :, 0], 1),
                                                                dy.T))


def test_gaussian_blur_gradients_flow_to_images_and_sigma():
    images, sigma = Variable(RNG.random((1, 4, 4, 2))), Variable(np.array(0.9))
    gradcheck(lambda x, s: image.gaussian_blur(x, (3, 3), (s, s)), images, sigma)


def test_ssim_matches_a_numpy_reference_and_is_one_for_equal_images():
    a = RNG.random((12, 12, 1))
    b = np.clip(a * 0.8 + 0.1 + RNG.normal(0, 0.05, a.shape), 0, 1)
    kernel = np.outer(_gaussian(5, 1.5), _gaussian(5, 1.5))

    def mean(x):
        return _correlate(x[..., 0], kernel)
    mu1, mu2 = mean(a), mean(b)
    var1, var2, cov = mean(a * a) - mu1 ** 2, mean(b * b) - mu2 ** 2, mean(a * b) - mu1 * mu2
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    expected = np.mean((2 * mu1 * mu2 + c1) * (2 * cov + c2)
                       / ((mu1 ** 2 + mu2 ** 2 + c1) * (var1 + var2 + c2)))
    np.testing.assert_allclose(_value(image.ssim(a, b, filter_size=5)), expected, rtol=1e-12)
    np.testing.assert_allclose(_value(image.ssim(IMAGES, IMAGES, filter_size=3)), [1, 1])
    gradcheck(lambda x: image.ssim(x, b, filter_size=5), Variable(a))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2), st.integers(0, 2), st.integers(0, 3), st.integers(0, 3))
def test_pad_then_crop_gives_the_images_back(top, bottom, left, right):
    padded = image.pad_images(IMAGES, top, left, bottom, right)
    np.testing.assert_array_equal(_value(padded), np.pad(
        IMAGES, ((0, 0), (top, bottom), (left, right), (0, 0))))
    back = image.crop_images(padded, top_cropping=top, left_cropping=left,
                             target_height=5, target_width=6)
    np.testing.assert_array_equal(_value(back), IMAGES)
    first = image.pad_images(np.moveaxis(IMAGES, -1, 1), top, left, target_height=8,
                             target_width=10, data_format="channels_first")
    assert first.shape == (2, 3, 8, 10)


def test_pad_and_crop_refuse_ambiguous_sides():
    with pytest.raises(ValueError, match="exactly two of top_padding"):
        image.pad_images(IMAGES, 1, 1, 1, 1, target_height=9)
    with pytest.raises(ValueError, match="target_width"):
        image.crop_images(IMAGES, 0, 0, 0, target_width=9)


def test_extract_patches_lists_each_window_channels_last():
    patches = _value(image.extract_patches(IMAGES, (2, 3)))
    assert patches.shape == (2, 2, 2, 18)
    np.testing.assert_array_equal(patches[1, 1, 0], IMAGES[1, 2:4, 0:3].ravel())
    volumes = RNG.random((4, 4, 6, 2))
    cubes = _value(image.extract_patches_3d(volumes, 2, strides=(1, 2, 2)))
    np.testing.assert_array_equal(cubes[2, 1, 1], volumes[2:4, 2:4, 2:4].ravel())
    gradcheck(lambda x: image.extract_patches(x, 2, strides=1), Variable(RNG.random((3, 3, 2))))


def test_scale_and_translate_gives_keras_values_and_image_gradients():
    row = np.arange(5, dtype=np.float32).reshape(1, 5)
    lanczos = image.scale_and_translate(row, (1, 3), np.array([0.6]), np.array([0.2]), (1,),
                                        "lanczos3")
    np.testing.assert_allclose(_value(lanczos)[0], [0.147753, 1.523989, 3.47601], atol=2e-6)
    cubic = image.scale_and_translate(row, (1, 7), np.array([1.3]), np.array([-0.4]), (1,),
                                      "cubic", antialias=False)
    np.testing.assert_allclose(_value(cubic)[0], [0.121931, 0.960144, 1.73077, 2.5, 3.313888,
                                                  4.018168, 0.0], atol=2e-6)
    gradcheck(lambda x: image.scale_and_translate(x, (1, 4, 3, 1), [0.7, 1.4], [0.1, -0.3],
                                                  (1, 2), "linear"),
              Variable(RNG.random((1, 3, 2, 1))))
    with pytest.raises(ValueError, match="scale has 1 values for 2 spatial_dims"):
        image.scale_and_translate(IMAGES, (2, 4, 4, 3), [0.5], [0.0, 0.0], (1, 2), "linear")


# (method, output size, scale, translation, antialias): Keras 3.15.1's torch backend's
# d/dscale and d/dtranslation of sum(out * linspace(-1, 1, 7)[:size]), float32
SCALE_GRADIENTS = [(("linear", 3, 0.63, 0.17, True), 10.901118, 4.018895),
                   (("cubic", 7, 1.3, -0.4, False), -3.681668, 0.2215475),
                   (("lanczos3", 3, 0.63, 0.17, True), 10.163624, 4.318279),
                   (("lanczos5", 7, 1.3, 0.35, True), -11.09377, -1.994025),
                   (("cubic", 3, 0.55, 0.3, True), 11.047472, 4.684244)]


@pytest.mark.parametrize("case, by_scale, by_translation", SCALE_GRADIENTS)
def test_scale_and_translate_is_differentiable_in_scale_and_translation(case, by_scale,
                                                                        by_translation):
    """It refused: jax.image's (and Keras') resampling is a function of both."""
    method, size, scale, translation, antialias = case
    row = np.arange(5.0).reshape(1, 5) ** 1.5

    def resampled(x, s, t):
        return image.scale_and_translate(x, (1, size), s, t, (1,), method, antialias)
    s, t = Variable(np.array([scale]), requires_grad=True), Variable(np.array([translation]),
                                                                     requires_grad=True)
    (resampled(row, s, t) * np.linspace(-1, 1, 7)[:size]).sum().backward()
    np.testing.assert_allclose([s.grad.item(), t.grad.item()], [by_scale, by_translation],
                               rtol=2e-6, atol=5e-6)  # (Keras in float32)
    assert gradcheck(resampled, Variable(row), Variable(np.array([scale])),
                     Variable(np.array([translation])))


def test_elastic_transform_is_seeded_and_still_without_alpha():
    first = image.elastic_transform(IMAGES, alpha=5.0, sigma=1.0, seed=3)
    again = image.elastic_transform(IMAGES, alpha=5.0, sigma=1.0, seed=3)
    np.testing.assert_array_equal(_value(first), _value(again))
    assert not np.allclose(_value(first), IMAGES)
    np.testing.assert_allclose(_value(image.elastic_transform(IMAGES, alpha=0.0, sigma=1.0)),
                               IMAGES, atol=1e-12)
