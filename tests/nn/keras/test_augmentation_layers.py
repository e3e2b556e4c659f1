"""Keras' augmentation layers: the exact images of transforms that land on pixels (a
quarter turn is np.rot90, a one-pixel shift each fill mode's border, a crop a window),
brightness shifts in their range, identity in inference, new draws each batch (eagerly and
in a captured step), the gradient to the images, models with them (and Resizing,
CenterCrop) trained, saved and loaded, and refusals that name the argument."""
import numpy as np
import pytest

import autograd as ag
import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

IMAGES = np.arange(2 * 4 * 4 * 3, dtype=np.float64).reshape(2, 4, 4, 3)


def _train(layer, x=IMAGES):
    return layer(x, training=True).data


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("turns, k", [(0.25, 1), (-0.25, -1), (0.5, 2)])
def test_quarter_turns_are_rot90(interpolation, turns, k):
    layer = layers.RandomRotation((turns, turns), interpolation=interpolation)
    np.testing.assert_allclose(_train(layer), np.rot90(IMAGES, k, axes=(1, 2)), atol=1e-9)
    first = layers.RandomRotation((turns, turns), data_format="channels_first")
    chw = IMAGES.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(_train(first, chw), np.rot90(chw, k, axes=(2, 3)), atol=1e-9)
    np.testing.assert_allclose(_train(layer, IMAGES[0]), np.rot90(IMAGES[0], k), atol=1e-9)


@pytest.mark.parametrize("fill_mode, expected_row", [
    ("constant", lambda x: np.full_like(x[:, :1], -7.0)),
    ("nearest", lambda x: x[:, :1]),
    ("reflect", lambda x: x[:, :1]),  # (d c b a | a b ...): the first row again
    ("wrap", lambda x: x[:, -1:])])
def test_a_one_pixel_shift_down_fills_the_first_row_as_keras(fill_mode, expected_row):
    layer = layers.RandomTranslation((0.25, 0.25), 0, fill_mode=fill_mode, fill_value=-7.0)
    y = _train(layer)
    np.testing.assert_allclose(y[:, 1:], IMAGES[:, :-1], atol=1e-9)
    np.testing.assert_allclose(y[:, :1], expected_row(IMAGES), atol=1e-9)
    right = layers.RandomTranslation(0, (0.5, 0.5), fill_mode="wrap")
    np.testing.assert_allclose(_train(right), np.roll(IMAGES, 2, axis=2), atol=1e-9)


def test_wrap_reads_across_the_seam_and_factor_pairs_go_either_way_round():
    row = np.array([0.0, 10.0, 20.0, 30.0]).reshape(1, 1, 4, 1)
    half = layers.RandomTranslation(0, (0.125, 0.125), fill_mode="wrap")  # half a pixel
    np.testing.assert_allclose(_train(half, row).ravel(), [15.0, 5.0, 15.0, 25.0])
    turned = layers.RandomRotation((0.5, 0.5), fill_mode="wrap")
    np.testing.assert_allclose(_train(turned), IMAGES[:, ::-1, ::-1], atol=1e-9)
    a = _train(layers.RandomTranslation((0.25, 0.0), 0, seed=4))
    b = _train(layers.RandomTranslation((0.0, 0.25), 0, seed=4))
    np.testing.assert_array_equal(a, b)


def test_zoom_in_by_half_shows_the_centre_twice_as_large():
    layer = layers.RandomZoom((-0.5, -0.5), interpolation="nearest")
    y = _train(layer)
    centre = IMAGES[:, 1:3, 1:3]
    np.testing.assert_allclose(y, centre.repeat(2, axis=1).repeat(2, axis=2))
    wide = layers.RandomZoom((0.0, 0.0), width_factor=(-0.5, -0.5), interpolation="nearest")
    np.testing.assert_allclose(_train(wide), IMAGES[:, :, 1:3].repeat(2, axis=2))


def test_contrast_keeps_each_channels_mean_and_scales_the_spread():
    x = np.random.default_rng(0).uniform(100, 150, (8, 5, 5, 3))
    y = _train(layers.RandomContrast(0.4, seed=1), x)
    np.testing.assert_allclose(y.mean(axis=(1, 2)), x.mean(axis=(1, 2)), rtol=1e-12)
    ratios = y.std(axis=(1, 2)) / x.std(axis=(1, 2))
    assert np.all((ratios > 0.6 - 1e-12) & (ratios < 1.4 + 1e-12))
    assert np.allclose(ratios, ratios[:, :1])  # one factor per image, all its channels
    assert np.ptp(ratios[:, 0]) > 0.05  # and not the same for every image
    clipped = _train(layers.RandomContrast((0, 1), value_range=(0, 1)), np.eye(4)[None, :, :,
                                                                                  None])
    assert clipped.min() >= 0 and clipped.max() <= 1


def _contrast_factors(layer):
    """The contrast factor each of 400 images got: the spread of two pixels around their
    mean, after over before."""
    x = np.zeros((400, 2, 1, 1))
    x[:, 0], x[:, 1] = 90.0, 110.0
    return (_train(layer, x)[:, 1, 0, 0] - 100.0) / 10.0


@pytest.mark.parametrize("factor, low, high", [(0.5, 1.0, 1.5), ((0.2, 0.5), 0.8, 1.5),
                                               ((0.5, 0.2), 0.8, 1.5), (0.0, 1.0, 1.0)])
def test_contrast_factor_ranges_as_keras_3_15_draws_them(factor, low, high):
    # Keras 3.15.1 reads a number f as (0, f), c in [1, 1 + f] (not its docstring's
    # [1 - f, 1 + f]), and sorts a pair; over 400 draws c spans nearly all of its range
    c = _contrast_factors(layers.RandomContrast(factor, seed=3))
    assert c.min() >= low - 1e-9 and c.max() <= high + 1e-9
    assert c.min() < low + 0.02 * (high - low) + 1e-9
    assert c.max() > high - 0.02 * (high - low) - 1e-9


def test_flips_are_drawn_per_image_and_inference_is_the_identity():
    x = np.repeat(IMAGES[:1], 400, axis=0)
    layer = layers.RandomFlip("horizontal", seed=0)
    y = _train(layer, x)
    mirrored = np.all(y == IMAGES[0, :, ::-1], axis=(1, 2, 3))
    kept = np.all(y == IMAGES[0], axis=(1, 2, 3))
    assert np.all(mirrored | kept) and 120 < mirrored.sum() < 280  # ~Binomial(400, 1/2)
    both = _train(layers.RandomFlip(seed=0), x)  # Keras' one draw: as it is, or half round
    turned = np.all(both == IMAGES[0, ::-1, ::-1], axis=(1, 2, 3))
    assert np.all(turned | np.all(both == IMAGES[0], axis=(1, 2, 3)))
    assert 120 < turned.sum() < 280
    for layer in (layers.RandomFlip(), layers.RandomRotation(0.2), layers.RandomZoom(0.3),
                  layers.RandomTranslation(0.2, 0.2), layers.RandomContrast(0.5),
                  layers.RandomCrop(2, 2), layers.RandomBrightness(0.5)):
        np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
        assert layer(IMAGES.astype(np.uint8), training=False).dtype == np.float32


def test_random_crop_takes_one_window_per_batch_anywhere_it_fits():
    layer = layers.RandomCrop(2, 3, seed=0)
    corners = set()
    for _ in range(60):
        y = _train(layer)
        found = [(top, left) for top in range(3) for left in range(2)
                 if np.array_equal(y, IMAGES[:, top:top + 2, left:left + 3])]  # (the whole batch's)
        assert len(found) == 1
        corners.update(found)
    assert corners == {(top, left) for top in range(3) for left in range(2)}  # 1/6 each
    first = layers.RandomCrop(3, 2, data_format="channels_first")
    chw = IMAGES.transpose(0, 3, 1, 2)
    assert _train(first, chw).shape == (2, 3, 3, 2) and _train(layer, IMAGES[0]).shape == (2, 3, 3)


def test_random_crop_resizes_an_image_not_larger_than_the_window_as_keras():
    # Keras 3.15 slices (6, 3) from the corner (0, 1) of the centred (4, 2) window of the
    # target's aspect ratio: columns 1 to 3 of the 4 x 4 images, then resizes them
    expected = layers.Resizing(6, 3)(IMAGES[:, :, 1:4]).data
    np.testing.assert_allclose(_train(layers.RandomCrop(6, 3), IMAGES), expected, rtol=1e-12)
    np.testing.assert_array_equal(_train(layers.RandomCrop(4, 4), IMAGES), IMAGES)


def test_brightness_adds_one_drawn_shift_per_image_clipped_to_the_range():
    x = np.random.default_rng(0).uniform(100, 150, (200, 3, 3, 2))
    y = _train(layers.RandomBrightness((-0.1, 0.2), seed=1), x)
    shifts = y - x
    assert np.allclose(shifts, shifts[:, :1, :1, :1])  # the same for all pixels and channels
    assert shifts.min() >= -25.5 - 1e-9 and shifts.max() <= 51 + 1e-9  # factor * 255
    assert shifts.min() < -15 and shifts.max() > 40  # (200 draws spread over the range)
    clipped = _train(layers.RandomBrightness((0.5, 0.5), value_range=(1, 0)), x / 150)
    np.testing.assert_allclose(clipped, np.minimum(x / 150 + 0.5, 1.0))  # (the range sorted)
    again = _train(layers.RandomBrightness((-0.1, 0.2), seed=1), x)
    np.testing.assert_array_equal(again, y)


def test_the_gradient_reaches_the_images():
    for make in (lambda: layers.RandomRotation(0.1, seed=1), lambda: layers.RandomZoom(0.2, seed=2),
                 lambda: layers.RandomTranslation(0.1, 0.2, fill_mode="wrap", seed=3),
                 lambda: layers.RandomContrast(0.3, value_range=(-1e9, 1e9), seed=4),
                 lambda: layers.RandomBrightness(0.3, value_range=(-10, 10), seed=5),
                 lambda: layers.RandomCrop(2, 3, seed=6), lambda: layers.RandomCrop(5, 3)):
        # (a new layer per call: the same draws, so that f is a function of the images)
        assert_gradients_match(lambda x, make=make: make()(x, training=True), IMAGES[:1] / 50,
                               order=1)


def test_each_call_draws_anew_eagerly_and_in_a_captured_step():
    for seed, fill_mode in ((None, "reflect"), (3, "reflect"), (None, "wrap")):
        layer = layers.RandomRotation(0.3, seed=seed, fill_mode=fill_mode)
        step = ag.capture(lambda x, layer=layer: layer(x, training=True))
        outputs = [step(IMAGES).data for _ in range(4)]  # two records, then replays
        for a, b in zip(outputs, outputs[1:]):
            assert not np.allclose(a, b)
    big = np.random.default_rng(0).uniform(0, 1, (2, 32, 32, 1))
    for layer in (layers.RandomCrop(2, 2), layers.RandomCrop(2, 2, seed=1),
                  layers.RandomBrightness(0.2)):
        step = ag.capture(lambda x, layer=layer: layer(x, training=True))
        outputs = {step(big).data.tobytes() for _ in range(8)}
        assert len(outputs) > 1  # (a window: 961 of them; 8 the same: 961 ** -7)


def test_a_model_with_augmentation_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.uniform(0, 1, (64, 8, 8, 1)).astype(np.float32)
    y = (x[:, 2:6, 2:6].mean(axis=(1, 2, 3)) > 0.5).astype(np.float32)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)), layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.05), layers.RandomZoom(0.1), layers.RandomTranslation(0.1, 0.1),
        layers.RandomContrast(0.1, value_range=(0, 1)), layers.Flatten(),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  jit_compile=True)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    # Adam(0.01) for 30 epochs: over seeds 0-29 the last epoch's loss is at most 0.92 of the
    # first's (Keras' default 1e-3 for 10 epochs: up to 1.03, rising on some seeds)
    assert history.history["loss"][-1] < history.history["loss"][0]
    loaded = saved_and_loaded(model, x, tmp_path / "m.keras", rtol=1e-6)
    assert loaded.layers[1].get_config()["factor"] == 0.05


def test_a_model_that_sizes_crops_and_brightens_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.uniform(0, 255, (64, 12, 10, 1)).astype(np.float32)
    y = (x[:, 4:8, 3:7].mean(axis=(1, 2, 3)) > 127.5).astype(np.float32)
    inputs = keras.Input(shape=(12, 10, 1))
    h = layers.Resizing(10, 10, interpolation="bicubic")(inputs)
    h = layers.RandomCrop(9, 9)(h)
    h = layers.CenterCrop(8, 8)(layers.RandomBrightness(0.05)(h))
    h = layers.Rescaling(1 / 255)(h)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Flatten()(h)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  jit_compile=True)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    # (as above: at most 0.92 of the first epoch's loss over seeds 0-29; 1.07 before)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x[:2], verbose=0).shape == (2, 1)  # (RandomCrop: none, CenterCrop)
    saved_and_loaded(model, x, tmp_path / "m.keras", rtol=1e-6)
    chain = keras.Sequential([keras.Input(shape=(12, 10, 3)), layers.Resizing(6, 5),
                              layers.RandomBrightness(0.1), layers.CenterCrop(4, 4)])
    loaded = saved_and_loaded(chain, x.repeat(3, axis=-1)[:4], tmp_path / "s.keras")
    assert loaded.layers[0].get_config()["height"] == 6


@pytest.mark.parametrize("make, words", [
    (lambda: layers.RandomFlip("diagonal"), "mode must be one of"),
    (lambda: layers.RandomRotation(0.1, fill_mode="mirror"), "fill_mode must be one of"),
    (lambda: layers.RandomRotation(0.1, interpolation="area"), "interpolation must be"),
    (lambda: layers.RandomRotation("0.1"), "factor must be a number"),
    (lambda: layers.RandomTranslation(1.5, 0), r"within \[-1, 1\]"),
    (lambda: layers.RandomZoom((-1.0, 0.0)), "zooms by 0 or less"),
    (lambda: layers.RandomContrast(1.5), r"factor must be a number in \[0, 1\]"),
    (lambda: layers.RandomContrast(0.2, value_range=(1, 0)), "low < high"),
    (lambda: layers.RandomFlip(data_format="nhwc"), "data_format must be"),
    (lambda: layers.RandomBrightness(1.5), r"RandomBrightness.*within \[-1, 1\]"),
    (lambda: layers.RandomBrightness(0.2, value_range=(0, 1, 2)), "value_range must be"),
    (lambda: layers.RandomCrop(0, 2), "RandomCrop.*height"),
])
def test_refusals_name_the_argument(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_an_input_of_the_wrong_rank_is_named():
    with pytest.raises(ValueError, match="RandomFlip.*expected an input of shape"):
        layers.RandomFlip()(np.ones((2, 3)), training=True)


def test_wrap_with_bicubic_reads_two_pixels_round_the_edge():
    """(Only one pixel of the other side was padded: bicubic's outer taps were clamped.)"""
    x = np.zeros((1, 1, 8, 1))
    x[0, 0, 6, 0] = 1.0
    shifted = layers.RandomTranslation(0, (0.0625, 0.0625), fill_mode="wrap",
                                       interpolation="bicubic", seed=0)(x)
    row = np.asarray(shifted.data)[0, 0, :, 0]
    assert row[0] == pytest.approx(row[5]) and row[0] == pytest.approx(-0.09375)


def test_geometric_layers_keep_their_sampling_grid_in_float32_under_float16():
    """(The grid was float16: an identity translation moved pixels by 0.055 at 224 wide.)"""
    x = np.random.default_rng(0).random((1, 8, 224, 1)).astype(np.float32)
    y = layers.RandomTranslation(0.0, 0.0, seed=0, dtype="mixed_float16")(x)
    assert y.dtype == np.float16
    assert np.abs(np.asarray(y.data, np.float32) - x).max() <= 2.5e-4


def test_a_value_range_that_is_no_pair_is_refused_by_name():
    for layer in (layers.RandomBrightness, layers.RandomContrast):
        for bad in (255, ("0", "255")):
            with pytest.raises(ValueError, match="value_range must be a pair"):
                layer(0.2, value_range=bad)
