"""RandomShear, RandomPerspective and RandomElasticTransform: the image at a fixed draw
against a NumPy reference of Keras' formula and sampling, the drawn settings within their
ranges, inference as the identity, new draws in a captured step, the gradient to the
images, saving, and refusals that name the argument."""
import numpy as np
import pytest

import autograd as ag
import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras.layers.blur_augmentation import gaussian_kernel
from nn.keras.layers.geometric_augmentation import (
    RandomElasticTransform,
    RandomPerspective,
    RandomShear,
)

from ..._helpers import saved_and_loaded
from ._augmentation_reference import fixed, keras_map, pixel_grid

IMAGES = np.random.default_rng(0).uniform(0, 255, (2, 7, 6, 3))


@pytest.mark.parametrize("fill_mode", ["reflect", "nearest", "wrap", "constant"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_shear_at_a_fixed_draw_is_keras_affine_transform(fill_mode, interpolation):
    # draws: signs (> 0.5 negates), then s_y, then s_x (Keras' order)
    layer = fixed(RandomShear(0.5, 0.5, interpolation, fill_mode, fill_value=9.0),
                  [0.7, 0.2], [0.13, -0.29], [0.41, 0.23])  # (no ties for 'nearest')
    x, y = pixel_grid(7, 6)
    sx, sy = np.array([-0.41, 0.23]), np.array([-0.13, -0.29])
    xs = x + sx[:, None, None] * y
    ys = sy[:, None, None] * x + y
    expected = keras_map(IMAGES, xs, ys, interpolation, fill_mode, 9.0)
    np.testing.assert_allclose(layer(IMAGES, training=True).data, expected, atol=1e-9)


def test_shear_draws_a_sign_and_factors_in_range():
    layer = RandomShear((0.1, 0.3), 0.2, seed=0)
    layer.generator = recorder = _Recorder(layer.generator)
    layer(np.repeat(IMAGES[:1], 500, axis=0), training=True)
    signs, shear_y, shear_x = recorder.values
    assert 200 < np.sum(signs > 0.5) < 300
    assert shear_x.min() >= 0.1 and shear_x.max() <= 0.3 and np.ptp(shear_x) > 0.19
    assert shear_y.min() >= -0.2 and shear_y.max() <= 0.2 and np.ptp(shear_y) > 0.38


class _Recorder:
    """A generator that records what each call drew."""

    def __init__(self, generator):
        self.generator, self.values = generator, []

    def __getattr__(self, name):
        def draw(*args, **kwargs):
            self.values.append(getattr(self.generator, name)(*args, **kwargs))
            return self.values[-1]
        return draw


def _homography(sources, targets):
    """The 3 x 3 map of one image taking its 4 sources to its targets (np.linalg.solve of
    the textbook system, independently of the layer's batched one)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(sources, targets):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    return np.append(np.linalg.solve(rows, rhs), 1).reshape(3, 3)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_perspective_at_a_fixed_draw_maps_moved_corners_to_the_corners(interpolation):
    shifts = np.random.default_rng(1).uniform(-0.3, 0.3, (2, 4, 2))
    # draws: the probability, the threshold (the second image stays), the corner shifts
    layer = fixed(RandomPerspective(0.5, 0.6, interpolation, fill_value=-4.0),
                  [0.5, 0.5], [0.2, 0.9], shifts)
    start = np.array([[0, 0], [5, 0], [0, 6], [5, 6]], float)
    matrix = _homography(start + start * shifts[0], start)
    x, y = pixel_grid(7, 6)
    u, v, w = np.einsum("ij,jhw->ihw", matrix, np.stack([x, y, np.ones_like(x)]))
    expected = keras_map(IMAGES[:1], (u / w)[None], (v / w)[None], interpolation, "constant",
                         -4.0)
    y_out = layer(IMAGES, training=True).data
    np.testing.assert_allclose(y_out[0], expected[0], atol=1e-9)
    np.testing.assert_array_equal(y_out[1], IMAGES[1])


def test_perspective_applies_with_a_drawn_probability():
    x = np.repeat(IMAGES[:1], 800, axis=0)
    changed = np.any(RandomPerspective(0.6, seed=2)(x, training=True).data != x, axis=(1, 2, 3))
    assert 0.2 < changed.mean() < 0.4  # p uniform on (0, 0.6): on average 0.3
    assert not np.any(RandomPerspective(0.0, seed=2)(x, training=True).data != x)


def _elastic_reference(images, noise, distortion, fill_mode, interpolation, value_range):
    """Keras' elastic_transform at the given standard normal noise (2, N, H, W), with a 2-D
    convolution written out (zero padding), clipped to value_range."""
    n, height, width, _ = images.shape
    alpha = max(height, width) * 0.1 * distortion
    sigma = min(height, width) * 0.05 * distortion
    size = int(6 * sigma) | 1
    kernel = np.outer(gaussian_kernel(size, sigma), gaussian_kernel(size, sigma))
    half = size // 2
    padded = np.pad(noise * sigma, ((0, 0), (0, 0), (half, half), (half, half)))
    moves = np.zeros_like(noise)
    for i in range(size):
        for j in range(size):
            moves += kernel[i, j] * padded[:, :, i:i + height, j:j + width]
    x, y = pixel_grid(height, width)
    out = keras_map(images, x + alpha * moves[0], y + alpha * moves[1], interpolation,
                    fill_mode, 3.0)
    return np.clip(out, *value_range)


@pytest.mark.parametrize("fill_mode", ["reflect", "nearest", "wrap", "constant"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_elastic_at_a_fixed_draw_is_keras_displacement_field(fill_mode, interpolation):
    images = np.random.default_rng(2).uniform(0, 255, (2, 24, 20, 2))
    noise = np.random.default_rng(3).standard_normal((2, 2, 24, 20))
    # draws: probability, threshold, the batch's distortion, the noise (dx's then dy's)
    layer = fixed(RandomElasticTransform(1.0, 1.0, interpolation, fill_mode, 3.0,
                                         value_range=(10, 240)),
                  [1.0, 1.0], [0.5, 0.5], 0.8, noise)
    expected = _elastic_reference(images, noise, 0.8, fill_mode, interpolation, (10, 240))
    np.testing.assert_allclose(layer(images, training=True).data, expected, atol=1e-9)


def test_elastic_with_a_zero_scale_or_factor_leaves_the_images_unclipped():
    for layer in (RandomElasticTransform(scale=0.0), RandomElasticTransform(factor=0.0)):
        np.testing.assert_array_equal(layer(IMAGES * 2, training=True).data, IMAGES * 2)


def test_the_layers_keep_the_images_in_inference_and_take_channels_first():
    for layer in (RandomShear(0.3, 0.3), RandomPerspective(), RandomElasticTransform()):
        np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
        assert layer(IMAGES.astype(np.uint8), training=False).dtype == np.float32
    draws = ([0.7, 0.2], [0.1, -0.3], [0.4, 0.25])
    last = fixed(RandomShear(0.5, 0.5), *draws)(IMAGES, training=True).data
    first = fixed(RandomShear(0.5, 0.5, data_format="channels_first"), *draws)(
        IMAGES.transpose(0, 3, 1, 2), training=True).data
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), atol=1e-12)
    one = fixed(RandomShear(0.5, 0.5), [0.7], [0.1], [0.4])(IMAGES[0], training=True).data
    np.testing.assert_allclose(one, last[0], atol=1e-12)


@pytest.mark.parametrize("make", [
    lambda: fixed(RandomShear(0.3, 0.3), [0.7], [0.1], [0.2]),
    lambda: fixed(RandomPerspective(), [1.0], [0.0], np.full((1, 4, 2), 0.1)),
    lambda: fixed(RandomElasticTransform(value_range=(-1e9, 1e9)), [1.0], [0.0], 0.9,
                  np.random.default_rng(0).standard_normal((2, 1, 7, 6)))])
def test_the_gradient_reaches_the_images(make):
    layer = make()
    assert_gradients_match(lambda x: layer(x, training=True), IMAGES[:1] / 50, order=1)


def test_each_call_draws_anew_eagerly_and_in_a_captured_step():
    # (16 images: each layer changes an image only with a drawn probability, and two calls
    # leaving all of 2 images as they were, one time in 7, gave equal outputs)
    images = np.random.default_rng(1).uniform(0, 255, (16, 7, 6, 3))
    for layer in (RandomShear(0.3, 0.3), RandomPerspective(), RandomElasticTransform()):
        step = ag.capture(lambda x, layer=layer: layer(x, training=True))
        outputs = [step(images).data for _ in range(4)]
        for a, b in zip(outputs, outputs[1:]):
            assert not np.allclose(a, b)


@pytest.mark.skipif(not hasattr(keras.layers, "RandomShear"),
                    reason="saved by name: needs the layers exported from nn.keras.layers")
def test_a_model_with_them_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.uniform(0, 1, (32, 8, 8, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype(np.float32)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)), RandomShear(0.1, 0.1, seed=1),
        RandomPerspective(0.5, 0.2), RandomElasticTransform(0.5, value_range=(0, 1)),
        keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    loaded = saved_and_loaded(model, x, tmp_path / "m.keras", rtol=1e-6)
    assert loaded.layers[0].get_config()["x_factor"] == 0.1
    assert loaded.layers[2].get_config()["value_range"] == (0, 1)


@pytest.mark.parametrize("make, words", [
    (lambda: RandomShear(1.5), "RandomShear: x_factor must be a number in"),
    (lambda: RandomShear(0.1, (-0.2, 0.1)), "y_factor must be a number in"),
    (lambda: RandomShear(interpolation="bicubic"), "interpolation must be one of"),
    (lambda: RandomShear(fill_mode="mirror"), "fill_mode must be one of"),
    (lambda: RandomPerspective(scale=2), "RandomPerspective: scale must be"),
    (lambda: RandomPerspective(factor=(0.2, 1.5)), "factor must be a number in"),
    (lambda: RandomElasticTransform(scale="big"), "scale must be a number in"),
    (lambda: RandomElasticTransform(value_range=3), "value_range must be a pair")])
def test_refusals_name_the_argument(make, words):
    with pytest.raises(ValueError, match=words):
        make()
