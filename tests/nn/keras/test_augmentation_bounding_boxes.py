"""Bounding boxes through the Keras image layers (a dict's "bounding_boxes", and
transform_bounding_boxes): at fixed transformations, the boxes and labels Keras 3.15.1
(torch backend) gives, for several formats, batched and one image, both layouts, boxes
moved partly and wholly out of the image (_bounding_box_cases: Keras' values), for the layers
and formats where Keras' boxes follow the pixels (test_augmentation_box_geometry checks every
layer against the pixels themselves)."""
import numpy as np
import pytest

from nn.keras import layers
from tests.nn.keras._bounding_box_cases import CASES


def _layer(case):
    """The case's layer, drawing the case's transformation and leaving the images (the boxes
    are what is compared)."""
    layer = getattr(layers, case["layer"])(**case["kwargs"], data_format=case["layout"],
                                           bounding_box_format=case["fmt"])
    t = case["t"]
    transformation = tuple(t) if isinstance(t, list) else {
        k: v if k == "input_shape" else np.asarray(v, np.float32) for k, v in t.items()}
    layer.get_random_transformation = lambda *args, **kwargs: transformation
    layer.transform_images = lambda images, *args, **kwargs: images
    return layer.train()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_boxes_are_kerass_at_a_fixed_transformation(case):
    shape = (2, 12, 16, 3) if case["layout"] == "channels_last" else (2, 3, 12, 16)
    images = np.zeros(shape if case["batched"] else shape[1:], np.float32)
    data = {"images": images, "bounding_boxes": {"boxes": np.array(case["boxes"], np.float32),
                                                 "labels": np.array(case["labels"])}}
    out = _layer(case)(data)["bounding_boxes"]
    np.testing.assert_allclose(out["boxes"], case["out_boxes"], atol=2e-4)
    np.testing.assert_array_equal(out["labels"], case["out_labels"])


@pytest.mark.parametrize("make", [
    lambda f: layers.RandomFlip(bounding_box_format=f),
    lambda f: layers.Resizing(4, 5, bounding_box_format=f),
    lambda f: layers.RandomRotation(0.2, bounding_box_format=f),
    lambda f: layers.RandomBrightness(0.2, bounding_box_format=f),
    lambda f: layers.RandAugment(bounding_box_format=f)])
def test_bounding_box_format_is_in_the_config_and_rebuilds(make):
    layer = make("center_xywh")
    config = layer.get_config()
    assert config["bounding_box_format"] == "center_xywh"
    assert type(layer)(**config).bounding_box_format == "center_xywh"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_flipped_boxes_cover_the_flipped_pixels_at_a_real_draw(seed, mode):
    rng = np.random.default_rng(seed)
    corners = np.sort(rng.integers(0, 8, (5, 2, 2)), axis=1)  # (box, [low, high], [y, x])
    corners[:, 1] += 1
    images = np.zeros((5, 8, 8, 1), np.float32)
    for i, ((top, left), (bottom, right)) in enumerate(corners):
        images[i, top:bottom, left:right] = 1
    boxes = corners[:, :, ::-1].reshape(5, 1, 4).astype(np.float32)  # xyxy
    layer = layers.RandomFlip(mode, seed=seed, bounding_box_format="xyxy").train()
    out = layer({"images": images, "bounding_boxes": {"boxes": boxes,
                                                      "labels": np.ones((5, 1))}})
    for image, (left, top, right, bottom) in zip(out["images"].data, out["bounding_boxes"][
            "boxes"][:, 0].astype(int)):
        inside = np.zeros((8, 8), bool)
        inside[top:bottom, left:right] = True
        np.testing.assert_array_equal(image[..., 0] > 0.5, inside)


@pytest.mark.parametrize("make", [
    lambda: layers.RandomBrightness(0.5, bounding_box_format="xywh"),
    lambda: layers.Solarization(0.5, bounding_box_format="xywh"),
    lambda: layers.RandomColorJitter(brightness_factor=0.5, bounding_box_format="xywh"),
    lambda: layers.AugMix(bounding_box_format="xywh"),
    lambda: layers.Equalization(bounding_box_format="xywh")])
def test_colour_layers_leave_the_boxes_as_keras(make):
    boxes = {"boxes": np.array([[[1.0, 2.0, 30.0, 9.0]]]), "labels": np.array([[3.0]])}
    out = make().train()({"images": np.random.default_rng(0).random((1, 6, 7, 3)) * 255,
                          "bounding_boxes": boxes})
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], boxes["boxes"])
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"], boxes["labels"])


@pytest.mark.parametrize("fmt", ["xyxy", "rel_xyxy"])
def test_a_box_flipped_beyond_the_image_is_clipped_to_it(fmt):
    # (Keras 3.15 clips relative boxes to [0, width]: this one would end at 18 of 16)
    boxes = np.array([[[-2.0, -1.0, 3.0, 4.0]]], np.float32)
    boxes = boxes / np.array([16, 12, 16, 12], np.float32) if fmt == "rel_xyxy" else boxes
    layer = layers.RandomFlip("horizontal", bounding_box_format=fmt).train()
    layer.get_random_transformation = lambda *a, **k: {"flips": np.ones(1),
                                                       "input_shape": (1, 12, 16, 1)}
    out = layer({"images": np.zeros((1, 12, 16, 1)),
                 "bounding_boxes": {"boxes": boxes, "labels": np.ones((1, 1))}})
    scale = np.array([16, 12, 16, 12]) if fmt == "rel_xyxy" else 1
    np.testing.assert_allclose(out["bounding_boxes"]["boxes"][0, 0] * scale, [13, 0, 16, 4],
                               atol=1e-5)
