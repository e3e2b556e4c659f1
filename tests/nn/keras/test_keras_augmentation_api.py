"""Keras 3's public API of the image augmentation layers: get_random_transformation (Keras'
keys), a call being that transformation then transform_images, and the dict input
{"images", "labels", "segmentation_masks"}: geometric layers move masks as the images
(nearest), colour layers leave them and the labels as they are, MixUp mixes labels and
masks in the images' shares, and bounding boxes are refused by name. Mask values at fixed
transformations are Keras 3.15's (torch backend), computed with it."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from nn.keras import layers

MASKS = (np.arange(20).reshape(1, 4, 5, 1) % 4).astype(np.int32)
IMAGES = np.concatenate([MASKS, MASKS * 10], -1).astype(np.float32)

# the masks of a geometric layer, read with 'nearest' when the images are read with it
GEOMETRIC = {
    "RandomFlip": lambda seed: layers.RandomFlip(seed=seed),
    "RandomRotation": lambda seed: layers.RandomRotation(0.3, interpolation="nearest",
                                                         seed=seed),
    "RandomTranslation": lambda seed: layers.RandomTranslation(
        0.3, 0.3, fill_mode="wrap", interpolation="nearest", seed=seed),
    "RandomZoom": lambda seed: layers.RandomZoom(0.4, interpolation="nearest", seed=seed),
    "RandomShear": lambda seed: layers.RandomShear(0.3, 0.3, interpolation="nearest",
                                                   seed=seed),
    "RandomPerspective": lambda seed: layers.RandomPerspective(interpolation="nearest",
                                                               seed=seed),
    "RandomElasticTransform": lambda seed: layers.RandomElasticTransform(
        interpolation="nearest", seed=seed),
    "RandomCrop": lambda seed: layers.RandomCrop(5, 6, seed=seed),
    "Resizing": lambda seed: layers.Resizing(5, 9, interpolation="nearest"),
    "CenterCrop": lambda seed: layers.CenterCrop(5, 6),
    "CutMix": lambda seed: layers.CutMix(seed=seed),
}
COLOUR = {
    "RandomBrightness": lambda seed: layers.RandomBrightness(0.3, seed=seed),
    "RandomContrast": lambda seed: layers.RandomContrast(0.3, seed=seed),
    "RandomGrayscale": lambda seed: layers.RandomGrayscale(seed=seed),
    "Solarization": lambda seed: layers.Solarization(0.2, 0.5, seed=seed),
    "RandomHue": lambda seed: layers.RandomHue(0.3, seed=seed),
    "RandomColorJitter": lambda seed: layers.RandomColorJitter(
        brightness_factor=0.2, saturation_factor=0.5, seed=seed),
    "RandomErasing": lambda seed: layers.RandomErasing(seed=seed),
    "RandomGaussianBlur": lambda seed: layers.RandomGaussianBlur(seed=seed),
    "Equalization": lambda seed: layers.Equalization(),
    "AutoContrast": lambda seed: layers.AutoContrast(),
    "ContrastLimitedAdaptiveHistogramEqualization":
        lambda seed: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
}


def _segmentation_batch(seed, n=3):
    """Integer masks (N, 8, 10, 1) and RGB images that are the masks in every channel."""
    masks = np.random.default_rng(seed).integers(0, 5, (n, 8, 10, 1)).astype(np.int32)
    return np.concatenate([masks] * 3, -1).astype(np.float32), masks


# ----- get_random_transformation: Keras' keys -----
@pytest.mark.parametrize("make, keys", [
    (lambda: layers.RandomFlip(), {"flips"}),
    (lambda: layers.RandomRotation(0.2), {"angle"}),
    (lambda: layers.RandomTranslation(0.1, 0.2), {"translations"}),
    (lambda: layers.RandomZoom(0.2), {"height_zoom", "width_zoom"}),
    (lambda: layers.RandomShear(0.2), {"shear_factor"}),
    (lambda: layers.RandomBrightness(0.2), {"rgb_delta"}),
    (lambda: layers.RandomContrast(0.3), {"contrast_factor"}),
    (lambda: layers.Solarization(0.2, 0.3), {"additions", "thresholds"}),
    (lambda: layers.RandomHue(0.2), {"factor"}),
    (lambda: layers.MixUp(), {"mix_weight", "permutation_order"}),
    (lambda: layers.CutMix(), {"permutation_order", "batch_masks", "mix_weight"})])
def test_the_transformation_has_keras_keys_and_none_outside_training(make, keys):
    images = np.random.default_rng(0).uniform(0, 255, (4, 6, 8, 3))
    transformation = make().get_random_transformation(images, training=True)
    assert keys <= set(transformation)
    assert make().get_random_transformation(images, training=False) is None


def test_random_crop_transformation_is_keras_pair_of_corner_indices():
    images = np.zeros((2, 6, 8, 3))
    top, left = layers.RandomCrop(4, 5).get_random_transformation(images)
    assert 0 <= float(top.data) <= 2 and 0 <= float(left.data) <= 3
    assert float(top.data).is_integer() and float(left.data).is_integer()
    assert layers.RandomCrop(8, 10).get_random_transformation(images) == (0, 0)  # (resized)


@pytest.mark.parametrize("make", [*GEOMETRIC.values(), *COLOUR.values(),
                                  lambda seed: layers.MixUp(seed=seed),
                                  lambda seed: layers.RandAugment(seed=seed),
                                  lambda seed: layers.AugMix(seed=seed)])
@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_a_call_is_the_transformation_then_transform_images(make, seed):
    images, _ = _segmentation_batch(seed)
    images = images * 40.0
    called = make(seed)(images, training=True).data
    layer = make(seed)
    transformation = layer.get_random_transformation(images, training=True)
    np.testing.assert_array_equal(layer.transform_images(images, transformation).data,
                                  called)


def test_a_seed_gives_the_same_transformation_and_leaves_the_layer_generator():
    layer = layers.RandomRotation(0.3, seed=1)
    images = np.zeros((3, 4, 5, 1))
    a, b = (layer.get_random_transformation(images, seed=7)["angle"].data for _ in range(2))
    np.testing.assert_array_equal(a, b)
    own = layer.get_random_transformation(images)["angle"].data
    np.testing.assert_array_equal(
        own, layers.RandomRotation(0.3, seed=1).get_random_transformation(images)["angle"].data)


# ----- dict inputs: masks and labels -----
@pytest.mark.parametrize("name", sorted(GEOMETRIC))
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_geometric_layers_move_masks_as_the_images(name, seed):
    images, masks = _segmentation_batch(seed)
    labels = np.eye(3)
    out = GEOMETRIC[name](seed)({"images": images, "labels": labels,
                                 "segmentation_masks": masks}, training=True)
    moved = out["segmentation_masks"].data
    assert moved.dtype == np.int32  # (values only move: integer masks stay integer)
    np.testing.assert_array_equal(moved[..., 0], out["images"].data[..., 0])
    if name != "CutMix":
        assert out["labels"] is labels


@pytest.mark.parametrize("make", [
    lambda i: layers.RandomRotation(0.3, interpolation=i, seed=3),
    lambda i: layers.RandomZoom(0.3, interpolation=i, seed=3),
    lambda i: layers.RandomTranslation(0.2, 0.3, interpolation=i, seed=3),
    lambda i: layers.RandomShear(0.4, interpolation=i, seed=3),
    lambda i: layers.RandomPerspective(interpolation=i, seed=3),
    lambda i: layers.Resizing(13, 17, interpolation=i)])
def test_bilinear_images_give_the_masks_nearest_images_would(make):
    images, masks = _segmentation_batch(4)
    out = make("bilinear")({"images": images, "segmentation_masks": masks}, training=True)
    assert not np.array_equal(out["images"].data, np.round(out["images"].data))
    nearest = make("nearest")(images, training=True).data[..., :1]
    np.testing.assert_array_equal(out["segmentation_masks"].data, nearest)


def test_masks_of_any_dtype_beside_float64_images_in_a_captured_step():
    images, masks = _segmentation_batch(5, 8)
    layer = layers.RandomRotation(0.3, interpolation="nearest", seed=0)
    step = ag.capture(lambda x, m: tuple(layer({"images": x, "segmentation_masks": m},
                                               training=True).values()))
    outputs = [step(images.astype(np.float64), masks.astype(np.int64)) for _ in range(3)]
    for moved_images, moved_masks in outputs:
        assert moved_images.dtype == np.float64 and moved_masks.dtype == np.int64
        np.testing.assert_array_equal(moved_masks.data[..., 0], moved_images.data[..., 0])
    assert not np.array_equal(outputs[0][1].data, outputs[1][1].data)  # (drawn anew)


@pytest.mark.parametrize("make, expected", [
    # Keras 3.15's masks for MASKS at these (fixed) transformations, 'constant' fill
    (lambda: layers.RandomTranslation((0.25, 0.25), (0.4, 0.4), fill_mode="constant"),
     [[0, 0, 0, 0, 0], [0, 0, 0, 1, 2], [0, 0, 1, 2, 3], [0, 0, 2, 3, 0]]),
    (lambda: layers.RandomZoom((-0.5, -0.5), fill_mode="constant"),
     [[2, 3, 3, 3, 0], [2, 3, 3, 3, 0], [3, 0, 0, 0, 1], [3, 0, 0, 0, 1]]),
    (lambda: layers.Resizing(6, 7),
     [[0, 1, 1, 2, 3, 3, 0], [1, 2, 2, 3, 0, 0, 1], [1, 2, 2, 3, 0, 0, 1],
      [2, 3, 3, 0, 1, 1, 2], [3, 0, 0, 1, 2, 2, 3], [3, 0, 0, 1, 2, 2, 3]])])
def test_masks_at_a_fixed_transformation_are_keras(make, expected):
    out = make()({"images": IMAGES, "segmentation_masks": MASKS}, training=True)
    np.testing.assert_array_equal(out["segmentation_masks"].data[0, ..., 0], expected)


def test_a_quarter_turn_turns_the_masks_of_a_square_image():
    masks = (np.arange(25).reshape(1, 5, 5, 1) % 4).astype(np.int32)
    out = layers.RandomRotation((0.25, 0.25), fill_mode="constant")(
        {"images": masks.astype(np.float32), "segmentation_masks": masks}, training=True)
    np.testing.assert_array_equal(out["segmentation_masks"].data[0, ..., 0],
                                  np.rot90(masks[0, ..., 0]))  # (counter-clockwise)


@pytest.mark.parametrize("name", sorted(COLOUR))
def test_colour_layers_leave_masks_and_labels_as_they_are(name):
    images, masks = _segmentation_batch(1)
    images = images * 40.0
    labels = np.eye(3)
    out = COLOUR[name](2)({"images": images, "labels": labels,
                           "segmentation_masks": masks}, training=True)
    assert out["segmentation_masks"] is masks and out["labels"] is labels
    np.testing.assert_array_equal(out["images"].data,
                                  COLOUR[name](2)(images, training=True).data)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(2, 6))
def test_mixup_mixes_labels_and_masks_in_the_images_shares(seed, n):
    # image i is i everywhere and its label is one-hot i: a mixed label's mean class is
    # the mixed image's value, whatever the draw
    images = np.broadcast_to(np.arange(n, dtype=float)[:, None, None, None], (n, 4, 5, 1))
    out = layers.MixUp(seed=seed)({"images": images, "labels": np.eye(n),
                                   "segmentation_masks": images.astype(np.int32)},
                                  training=True)
    np.testing.assert_allclose(out["images"].data[:, 0, 0, 0],
                               out["labels"].data @ np.arange(n), atol=1e-12)
    np.testing.assert_allclose(out["segmentation_masks"].data, out["images"].data)
    np.testing.assert_allclose(out["labels"].data.sum(axis=1), 1.0)


def test_mixup_transform_labels_follows_keras_formula():
    layer = layers.MixUp(seed=0)
    images, labels = np.random.default_rng(0).uniform(size=(4, 3, 3, 1)), np.eye(4)
    t = layer.get_random_transformation(images)
    w, order = t["mix_weight"].data, t["permutation_order"].data.astype(int)
    np.testing.assert_allclose(layer.transform_labels(labels, t).data,
                               w[:, None] * labels + (1 - w[:, None]) * labels[order])
    np.testing.assert_allclose(layer.transform_images(images, t).data,
                               w[:, None, None, None] * images +
                               (1 - w[:, None, None, None]) * images[order])


def test_one_image_in_a_dict_keeps_its_shapes():
    images, masks = _segmentation_batch(0, 1)
    out = layers.RandomFlip("horizontal", seed=0)(
        {"images": images[0], "labels": np.eye(3)[1], "segmentation_masks": masks[0]},
        training=True)
    assert out["images"].shape == (8, 10, 3) and out["segmentation_masks"].shape == (8, 10, 1)
    np.testing.assert_array_equal(out["labels"], np.eye(3)[1])
    np.testing.assert_array_equal(out["segmentation_masks"].data[..., 0],
                                  out["images"].data[..., 0])


def test_inference_leaves_every_part_as_it_is():
    images, masks = _segmentation_batch(0)
    labels = np.eye(3)
    for layer in (layers.RandomRotation(0.3), layers.MixUp(), layers.RandomCrop(4, 4)):
        out = layer({"images": images, "labels": labels, "segmentation_masks": masks},
                    training=False)
        np.testing.assert_array_equal(out["images"].data, images)
        assert out["labels"] is labels and out["segmentation_masks"] is masks


def test_the_callers_dict_is_left_as_it_was():
    images, masks = _segmentation_batch(0)
    data = {"images": images, "segmentation_masks": masks}
    layers.RandomFlip(seed=0)(data, training=True)
    assert data["images"] is images and data["segmentation_masks"] is masks


# ----- refusals -----
@pytest.mark.parametrize("make", [lambda: layers.RandomFlip(), lambda: layers.MixUp(),
                                  lambda: layers.RandomBrightness(0.1)])
def test_bounding_boxes_without_a_format_are_refused_naming_the_layer(make):
    layer = make()
    data = {"images": np.zeros((2, 4, 4, 3)),
            "bounding_boxes": {"boxes": np.zeros((2, 1, 4)), "labels": np.zeros((2, 1))}}
    with pytest.raises(ValueError, match=rf"^{type(layer).__name__}: .*bounding_box_format"):
        layer(data, training=True)


@pytest.mark.parametrize("make", [lambda: layers.CutMix(bounding_box_format="xyxy"),
                                  lambda: layers.RandomElasticTransform(
                                      bounding_box_format="xyxy")])
def test_bounding_boxes_keras_cannot_move_are_refused_naming_the_layer(make):
    layer = make()  # (Keras 3.15 has no transform_bounding_boxes for these either)
    data = {"images": np.zeros((2, 4, 4, 3)),
            "bounding_boxes": {"boxes": np.zeros((2, 1, 4)), "labels": np.zeros((2, 1))}}
    with pytest.raises(NotImplementedError, match=rf"^{type(layer).__name__}: bounding boxes"):
        layer(data, training=True)


@pytest.mark.parametrize("data, words", [
    ({"images": np.zeros((2, 4, 4, 1)), "masks": 1}, "expected images or a dict with"),
    ({"labels": np.zeros(2)}, "expected images or a dict with"),
    ({"images": np.zeros((2, 4, 4, 1)), "segmentation_masks": np.zeros((2, 4, 4))},
     "segmentation_masks must have the images' rank"),
    ({"images": np.zeros((2, 4, 4, 1)), "labels": np.zeros((3, 2))},
     "labels must have one row per image")])
def test_bad_dicts_are_refused_naming_the_layer(data, words):
    with pytest.raises(ValueError, match=f"^RandomRotation: {words}"):
        layers.RandomRotation(0.1)(data, training=True)


@pytest.mark.parametrize("make", [lambda: layers.RandomFlip(seed=1),
                                  lambda: layers.RandomRotation(0.2, seed=1),
                                  lambda: layers.RandomZoom(0.3, seed=1),
                                  lambda: layers.RandomTranslation(0.2, 0.2, seed=1)])
def test_integer_mask_ids_beyond_float32s_range_move_whole(make):
    """Ids above 2**24 (float32 holds no such integer exactly) come back as ids of the mask
    or the fill, never rounded to a neighbour."""
    images = np.random.default_rng(0).random((2, 6, 6, 3)).astype(np.float32)
    ids = (np.arange(72).reshape(2, 6, 6, 1) * (2 ** 40 + 1)).astype(np.int64)
    out = make()({"images": images, "segmentation_masks": ids}, training=True)
    moved = np.asarray(out["segmentation_masks"].data)
    assert moved.dtype == np.int64
    assert np.isin(moved, np.append(ids.ravel(), 0)).all()
