"""RandomGaussianBlur: the blur at a fixed draw against a NumPy reference of Keras' kernel
and 'same' convolution, how often images are blurred, the clip to value_range, inference
as the identity, the gradient to the images, and refusals that name the argument."""
import numpy as np
import pytest

from autograd.testing import assert_gradients_match
from nn.keras.layers.blur_augmentation import RandomGaussianBlur

from ._augmentation_reference import fixed

IMAGES = np.random.default_rng(0).uniform(0, 255, (2, 7, 6, 3))


def _keras_blur(images, size, sigma):
    """Keras' gaussian_blur: outer(k_y, k_x) of exp(-x^2 / 2 s^2) / sum, kernel (size[1]
    rows, size[0] columns), zero 'same' padding, written out as a double loop."""
    def kernel(n, s):
        x = np.arange(n) - (n - 1) / 2
        k = np.exp(-0.5 * (x / s) ** 2)
        return k / k.sum()
    weights = np.outer(kernel(size[1], sigma[1]), kernel(size[0], sigma[0]))
    rows, cols = weights.shape
    padded = np.pad(images, ((0, 0), (rows // 2, rows // 2), (cols // 2, cols // 2), (0, 0)))
    height, width = images.shape[1:3]
    return sum(weights[i, j] * padded[:, i:i + height, j:j + width]
               for i in range(rows) for j in range(cols))


@pytest.mark.parametrize("kernel_size", [3, 5, (3, 5)])
def test_blur_at_a_fixed_draw_is_keras_gaussian_blur(kernel_size):
    # draws: probability, threshold (the second image stays), (sigma_x, sigma_y)
    layer = fixed(RandomGaussianBlur(1.0, kernel_size, 1.0, value_range=(20, 230)),
                  [0.5, 0.5], [0.2, 0.7], [0.6, 0.9])
    size = kernel_size if isinstance(kernel_size, tuple) else (kernel_size,) * 2
    blurred = _keras_blur(IMAGES[:1], size, (0.6 + 1e-6, 0.9 + 1e-6))
    expected = np.clip(np.concatenate([blurred, IMAGES[1:]]), 20, 230)  # (all clipped)
    np.testing.assert_allclose(layer(IMAGES, training=True).data, expected, atol=1e-9)


def test_blur_applies_with_a_drawn_probability_and_sigma_in_range():
    x = np.repeat(IMAGES[:1], 600, axis=0)
    changed = np.any(RandomGaussianBlur(0.5, seed=1)(x, training=True).data != x,
                     axis=(1, 2, 3))
    assert 0.15 < changed.mean() < 0.35  # p uniform on (0, 0.5): on average 1/4
    layer = RandomGaussianBlur(sigma=(0.2, 0.4))
    rng = np.random.default_rng(0)
    centres = np.array([layer._draw(rng, 1)[1][1, 1] for _ in range(300)])
    # the centre of a 3 x 3 kernel, 1 / (1 + 2 exp(-1 / 2 s^2))^2: 0.845 at s = 0.4, ~1 at 0.2
    assert centres.min() > 0.845 - 1e-3 and centres.max() < 1
    assert centres.min() < 0.86 and centres.max() > 0.999


def test_inference_and_the_gradient():
    layer = RandomGaussianBlur()
    np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
    assert layer(IMAGES.astype(np.uint8), training=False).dtype == np.float32
    fixed_layer = fixed(RandomGaussianBlur(value_range=(-1e9, 1e9)), [1.0], [0.0], [0.5, 0.7])
    assert_gradients_match(lambda x: fixed_layer(x, training=True), IMAGES[:1] / 50, order=1)
    first = fixed(RandomGaussianBlur(data_format="channels_first"), [1.0, 1.0], [0.0, 0.0],
                  [0.5, 0.7])(IMAGES.transpose(0, 3, 1, 2), training=True).data
    last = fixed(RandomGaussianBlur(), [1.0, 1.0], [0.0, 0.0], [0.5, 0.7])(IMAGES,
                                                                           training=True).data
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), atol=1e-12)


@pytest.mark.parametrize("make, words", [
    (lambda: RandomGaussianBlur(kernel_size=4), "kernel_size must be an odd"),
    (lambda: RandomGaussianBlur(sigma=2.0), "sigma must be a number in"),
    (lambda: RandomGaussianBlur(factor=-0.5), "RandomGaussianBlur: factor must be"),
    (lambda: RandomGaussianBlur(value_range=(0,)), "value_range must be a pair")])
def test_refusals_name_the_argument(make, words):
    with pytest.raises(ValueError, match=words):
        make()
