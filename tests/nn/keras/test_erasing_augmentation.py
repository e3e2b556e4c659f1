"""RandomErasing: the erased box at a fixed draw against Keras' formula (box of sqrt(scale)
of each side, placed by a uniform draw, pixel indices in [x0, x1) x [y0, y1)), the fill
(noise times the range's top, a constant, one per channel; clipped), how often and how
large boxes are drawn, inference as the identity, the gradient outside the box, and
refusals that name the argument."""
import numpy as np
import pytest

from autograd.testing import assert_gradients_match
from nn.keras.layers.erasing_augmentation import RandomErasing

from ._augmentation_reference import fixed

IMAGES = np.random.default_rng(0).uniform(0, 255, (2, 8, 10, 3))


def _keras_box(share_w, share_h, u, v, height=8, width=10):
    """(H, W) mask of Keras' box: sqrt(share) of each side, its start u (or v) times the
    room left."""
    w, h = np.sqrt(share_w) * width, np.sqrt(share_h) * height
    x0, y0 = u * (width - w), v * (height - h)
    x, y = np.arange(width)[None, :], np.arange(height)[:, None]
    return (x >= x0) & (x < x0 + w) & (y >= y0) & (y < y0 + h)


def test_erasing_at_a_fixed_draw_fills_keras_box_with_clipped_noise():
    noise = np.random.default_rng(1).standard_normal((2, 3, 8, 10))
    # draws: scales (N, 2), x starts, y starts, probability, threshold, noise (N, C, H, W)
    layer = fixed(RandomErasing(1.0, (0.1, 0.5), value_range=(0, 100)),
                  [[0.3, 0.2], [0.45, 0.1]], [0.25, 0.9], [0.6, 0.0], [0.5, 0.5], [0.1, 0.7],
                  noise)
    y = layer(IMAGES, training=True).data
    box = _keras_box(0.3, 0.2, 0.25, 0.6)
    fill = np.clip(noise[0].transpose(1, 2, 0) * 100, 0, 100)
    np.testing.assert_allclose(y[0], np.where(box[:, :, None], fill, IMAGES[0]))
    np.testing.assert_array_equal(y[1], IMAGES[1])  # (its threshold 0.7 > 0.5)
    assert 0 < box.sum() < box.size


def test_a_constant_fill_or_one_per_channel_is_clipped_to_the_range():
    draws = ([[0.3, 0.2]], [0.25], [0.6], [1.0], [0.0])
    box = _keras_box(0.3, 0.2, 0.25, 0.6)[:, :, None]
    y = fixed(RandomErasing(fill_value=7.0), *draws)(IMAGES[:1], training=True).data[0]
    np.testing.assert_allclose(y, np.where(box, 7.0, IMAGES[0]))
    y = fixed(RandomErasing(fill_value=[-5, 50, 300]), *draws)(IMAGES[:1], training=True).data[0]
    np.testing.assert_allclose(y, np.where(box, [0.0, 50.0, 255.0], IMAGES[0]))


def test_erasing_draws_boxes_in_scale_and_erases_with_the_drawn_probability():
    x = np.full((800, 8, 10, 1), 50.0)
    y = RandomErasing(0.6, (0.04, 0.25), fill_value=0.0, seed=0)(x, training=True).data
    erased = (y == 0).mean(axis=(1, 2, 3))
    assert 0.2 < (erased > 0).mean() < 0.4  # p uniform on (0, 0.6): on average 0.3
    shares = erased[erased > 0]  # about sqrt(a) sqrt(b), a and b in (0.04, 0.25)
    assert shares.min() > 0.02 and shares.max() <= 0.4


def test_inference_channels_first_and_the_gradient():
    layer = RandomErasing()
    np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
    draws = ([[0.3, 0.2], [0.2, 0.2]], [0.25, 0.5], [0.6, 0.5], [1.0, 1.0], [0.0, 0.0])
    last = fixed(RandomErasing(fill_value=1.0), *draws)(IMAGES, training=True).data
    first = fixed(RandomErasing(fill_value=1.0, data_format="channels_first"), *draws)(
        IMAGES.transpose(0, 3, 1, 2), training=True).data
    np.testing.assert_array_equal(first, last.transpose(0, 3, 1, 2))
    grad_layer = fixed(RandomErasing(), *draws[:1], [0.25], [0.6], [1.0], [0.0],
                       np.zeros((1, 3, 8, 10)))
    assert_gradients_match(lambda x: grad_layer(x, training=True), IMAGES[:1] / 50, order=1)


@pytest.mark.parametrize("make, words", [
    (lambda: RandomErasing(factor=2), "RandomErasing: factor must be a number in"),
    (lambda: RandomErasing(scale=(0.1, 1.5)), "scale must be a number in"),
    (lambda: RandomErasing(fill_value=[1, 2]), "fill_value must be None, a number or 3"),
    (lambda: RandomErasing(value_range="0-255"), "value_range must be a pair")])
def test_refusals_name_the_argument(make, words):
    with pytest.raises(ValueError, match=words):
        make()
