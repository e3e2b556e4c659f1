"""MixUp and CutMix: images and labels at a fixed draw against Keras' formulas (w x +
(1 - w) x[order]; a box of x[order] pasted, labels weighted by the area left), Keras 3's
{"images", "labels"} form, the draws' distribution, inference and a single image left as
they are, gradients to every image mixed in, and refusals that name the argument."""
import numpy as np
import pytest

import autograd as ag
from autograd.testing import assert_gradients_match
from nn.keras.layers.mixing_augmentation import CutMix, MixUp

from ._augmentation_reference import fixed

IMAGES = np.random.default_rng(0).uniform(0, 255, (3, 8, 10, 2))
LABELS = np.eye(4)[[0, 2, 3]]


def test_mixup_at_a_fixed_draw_is_keras_formula():
    order, w = np.array([2, 0, 1]), np.array([0.9, 0.3, 0.5])
    layer = fixed(MixUp(0.2), order, w)  # (Keras' order: the shuffle, then the weights)
    out = layer({"images": IMAGES, "labels": LABELS}, training=True)
    wi = w[:, None, None, None]
    np.testing.assert_allclose(out["images"].data, wi * IMAGES + (1 - wi) * IMAGES[order])
    np.testing.assert_allclose(out["labels"].data, w[:, None] * LABELS +
                               (1 - w[:, None]) * LABELS[order])
    np.testing.assert_allclose(fixed(MixUp(), order, w)(IMAGES, training=True).data,
                               out["images"].data)


def test_mixup_weights_follow_beta_alpha_alpha():
    x = np.arange(2000, dtype=float).reshape(2000, 1, 1, 1)
    y = MixUp(0.5, seed=0)(x, training=True).data.ravel()
    # y = w x + (1 - w) x', the partner x' unknown: with labels x itself, w from both
    out = MixUp(0.5, seed=0)({"images": x, "labels": np.eye(2000)}, training=True)
    w = np.diag(out["labels"].data)
    w = np.where(np.isclose(w, 1.0), 1.0, w)  # (an image drawn as its own partner)
    np.testing.assert_allclose(y, out["images"].data.ravel())
    assert abs(w.mean() - 0.5) < 0.03 and abs(w.var() - 0.125) < 0.015  # Beta(.5, .5)


def _box(u, v, share, height=8, width=10):
    """Keras' CutMix box: sqrt(1 - w) of each side, starts u, v times the room left."""
    w, h = share * width, share * height
    x0, y0 = u * (width - w), v * (height - h)
    x, y = np.arange(width)[None, :], np.arange(height)[:, None]
    return (x >= x0) & (x < x0 + w) & (y >= y0) & (y < y0 + h), w * h / (width * height)


def test_cutmix_at_a_fixed_draw_pastes_keras_box_and_weights_the_labels():
    lam, u, v, order = np.array([0.6, 0.2, 0.9]), [0.3, 0.8, 0.0], [0.5, 0.1, 1.0], [1, 2, 0]
    # draws: the batch's alpha, the Beta weights, x starts, y starts, the shuffle
    layer = fixed(CutMix(), 0.5, lam, u, v, order)
    out = layer({"images": IMAGES, "labels": LABELS}, training=True)
    for i in range(3):
        box, area = _box(u[i], v[i], np.sqrt(1 - lam[i]))
        np.testing.assert_array_equal(out["images"].data[i],
                                      np.where(box[:, :, None], IMAGES[order[i]], IMAGES[i]))
        np.testing.assert_allclose(out["labels"].data[i], (1 - area) * LABELS[i] +
                                   area * LABELS[order[i]])
        assert 0 < box.sum() < box.size


def test_cutmix_labels_weigh_the_area_each_image_keeps():
    x = np.zeros((400, 16, 16, 1))
    x[::2] = 1.0
    order_marks = np.arange(400) % 2 == 0
    out = CutMix(seed=0)({"images": x, "labels": order_marks[:, None].astype(float)},
                         training=True)
    share = out["images"].data.mean(axis=(1, 2, 3))  # the share of ones in each image
    # the label is the area-weighted mix of the two images' marks, as is the mean pixel, up
    # to the box's pixel rounding
    assert np.abs(share - out["labels"].data[:, 0]).max() < 0.2
    assert np.abs(share - out["labels"].data[:, 0]).mean() < 0.05


def test_inference_a_single_image_and_channels_first():
    for layer in (MixUp(), CutMix()):
        out = layer({"images": IMAGES, "labels": LABELS}, training=False)
        np.testing.assert_array_equal(out["images"].data, IMAGES)
        assert out["labels"] is LABELS  # (as Keras: untouched)
        np.testing.assert_array_equal(layer(IMAGES[0], training=True).data, IMAGES[0])
        np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
    draws = (0.5, [0.6, 0.2, 0.9], [0.3, 0.8, 0.0], [0.5, 0.1, 1.0], [1, 2, 0])
    last = fixed(CutMix(), *draws)(IMAGES, training=True).data
    first = fixed(CutMix(data_format="channels_first"), *draws)(
        IMAGES.transpose(0, 3, 1, 2), training=True).data
    np.testing.assert_array_equal(first, last.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("make", [lambda: fixed(MixUp(), [2, 0, 1], [0.9, 0.3, 0.5]),
                                  lambda: fixed(CutMix(), 0.5, [0.6, 0.2, 0.9],
                                                [0.3, 0.8, 0.0], [0.5, 0.1, 1.0], [1, 2, 0])])
def test_gradients_reach_every_image_mixed_in(make):
    layer = make()
    assert_gradients_match(lambda x, t: tuple(layer({"images": x, "labels": t},
                                                    training=True).values()),
                           IMAGES[:, :3, :4] / 50, LABELS, order=1)


def test_each_call_draws_anew_in_a_captured_step():
    # (8 images: two calls drawing the same permutation, which 3 images do one time in 36,
    # would give the same output however the replay draws)
    images = np.random.default_rng(1).uniform(0, 255, (8, 8, 10, 2))
    for layer in (MixUp(), CutMix()):
        step = ag.capture(lambda x, layer=layer: layer(x, training=True))
        outputs = [step(images).data for _ in range(4)]
        for a, b in zip(outputs, outputs[1:]):
            assert not np.allclose(a, b)


@pytest.mark.parametrize("make, data, words", [
    (lambda: MixUp(alpha=0), None, "MixUp: alpha must be a positive number"),
    (lambda: CutMix(factor=(0.5, 2)), None, "CutMix: factor must be a number in"),
    (MixUp, {"images": IMAGES, "boxes": 1}, "expected images or a dict with 'images'"),
    (CutMix, {"images": IMAGES, "labels": LABELS[:2]}, "labels must have one row per image")])
def test_refusals_name_the_argument(make, data, words):
    with pytest.raises(ValueError, match=words):
        make()(data, training=True)
