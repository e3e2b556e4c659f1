"""Boxes that still cover their objects: each box drawn as a filled rectangle of its own id
into a segmentation mask, {"images", "segmentation_masks", "bounding_boxes"} passed through a
geometric layer at its own random draws, and each box out (read as xyxy pixels of the output
image) set against the tight rectangle of its id's pixels in the mask out. Layers that move
pixels as the box moves (flips, crops, resizes, shifts, zooms) must match that rectangle to
within the interpolation's slack; under a rotation, shear or perspective warp the box is the
box around the moved corners, so it must contain the rectangle and exceed it by no more than
the lost corner pixels. Ids gone from the mask must have label -1, and label -1 only ids gone."""
import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from nn.keras import layers
from nn.keras.bounding_boxes import convert_format

HEIGHT, WIDTH = 24, 30  # (not square: a box moved in relative units must use each side)
ROWS, COLS = 2, 3  # a grid of cells, one box each at most: boxes never overlap
FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
           "rel_xywh", "rel_center_xywh")
# how tightly the box must fit its pixels; COMPOSED: warps in turn, each a box around the last
# box (so no bound on the excess), a pixel of slack each
EXACT, SLACK, WARPED, COMPOSED = "exact", "slack", "warped", "composed"

# name: (make(fmt, layout, seed), fit); fill_mode constant, so no reflected copy of an object
CASES = {
    "flip_horizontal": (lambda f, d, s: layers.RandomFlip(
        "horizontal", seed=s, data_format=d, bounding_box_format=f), EXACT),
    "flip_vertical": (lambda f, d, s: layers.RandomFlip(
        "vertical", seed=s, data_format=d, bounding_box_format=f), EXACT),
    "flip_both": (lambda f, d, s: layers.RandomFlip(
        seed=s, data_format=d, bounding_box_format=f), EXACT),
    "random_crop": (lambda f, d, s: layers.RandomCrop(
        15, 17, seed=s, data_format=d, bounding_box_format=f), EXACT),
    "random_crop_growing": (lambda f, d, s: layers.RandomCrop(
        30, 20, seed=s, data_format=d, bounding_box_format=f), SLACK),
    "center_crop": (lambda f, d, s: layers.CenterCrop(
        13, 19, data_format=d, bounding_box_format=f), EXACT),
    "center_crop_growing": (lambda f, d, s: layers.CenterCrop(
        30, 20, data_format=d, bounding_box_format=f), SLACK),
    "resizing": (lambda f, d, s: layers.Resizing(
        17, 45, interpolation="nearest", data_format=d, bounding_box_format=f), SLACK),
    "resizing_pad": (lambda f, d, s: layers.Resizing(
        17, 45, interpolation="nearest", pad_to_aspect_ratio=True, data_format=d,
        bounding_box_format=f), SLACK),
    "resizing_crop": (lambda f, d, s: layers.Resizing(
        17, 45, interpolation="nearest", crop_to_aspect_ratio=True, data_format=d,
        bounding_box_format=f), SLACK),
    "rotation": (lambda f, d, s: layers.RandomRotation(
        0.5, fill_mode="constant", seed=s, data_format=d, bounding_box_format=f), WARPED),
    "translation": (lambda f, d, s: layers.RandomTranslation(
        0.4, 0.4, fill_mode="constant", seed=s, data_format=d, bounding_box_format=f),
        SLACK),
    "zoom_in": (lambda f, d, s: layers.RandomZoom(
        (-0.5, -0.2), (-0.5, -0.1), fill_mode="constant", seed=s, data_format=d,
        bounding_box_format=f), SLACK),
    "zoom_out": (lambda f, d, s: layers.RandomZoom(
        (0.2, 0.6), (0.1, 0.5), fill_mode="constant", seed=s, data_format=d,
        bounding_box_format=f), SLACK),
    "shear": (lambda f, d, s: layers.RandomShear(
        0.6, 0.5, fill_mode="constant", seed=s, data_format=d, bounding_box_format=f),
        WARPED),
    "perspective": (lambda f, d, s: layers.RandomPerspective(
        1.0, 0.6, seed=s, data_format=d, bounding_box_format=f), WARPED),
    "rand_augment": (lambda f, d, s: _constant_fill(layers.RandAugment(
        num_ops=3, factor=0.6, seed=s, data_format=d, bounding_box_format=f)), COMPOSED),
}


def _constant_fill(policy):
    """RandAugment with its geometric operations filling with zeros (no mirrored objects)."""
    for name in ("random_shear", "random_translation", "random_rotation"):
        getattr(policy, name).fill_mode = "constant"
    return policy


@st.composite
def _scenes(draw, batch):
    """(batch, N, 4) xyxy pixel boxes, one per grid cell, each at least 3 pixels a side."""
    cell_h, cell_w = HEIGHT // ROWS, WIDTH // COLS
    boxes = []
    for _ in range(batch):
        image = []
        for row in range(ROWS):
            for col in range(COLS):
                top = draw(st.integers(0, cell_h - 3))
                left = draw(st.integers(0, cell_w - 3))
                bottom = draw(st.integers(top + 3, cell_h))
                right = draw(st.integers(left + 3, cell_w))
                image.append([left + col * cell_w, top + row * cell_h,
                              right + col * cell_w, bottom + row * cell_h])
        boxes.append(image)
    return np.array(boxes, np.float32)


def _masks(boxes):
    """(B, H, W) masks, box n of an image painted with id n + 1."""
    masks = np.zeros((len(boxes), HEIGHT, WIDTH), np.int32)
    for mask, image in zip(masks, boxes.astype(int)):
        for n, (x1, y1, x2, y2) in enumerate(image):
            mask[y1:y2, x1:x2] = n + 1
    return masks


def _run(make, fmt, layout, seed, boxes, batched):
    """The layer's dict out for `boxes` (B, N, 4) xyxy: its boxes as xyxy pixels (B, N, 4),
    labels (B, N) and masks (B, H', W')."""
    first = layout == "channels_first"
    masks = _masks(boxes)
    masks = masks[:, None] if first else masks[..., None]
    images = np.broadcast_to(masks, masks.shape[:1] + ((3,) + masks.shape[2:] if first else
                                                        masks.shape[1:3] + (3,)))
    given_boxes = convert_format(boxes, "xyxy", fmt, height=HEIGHT, width=WIDTH)
    labels = np.arange(1, boxes.shape[1] + 1, dtype=np.float32) * np.ones(boxes.shape[:2])
    data = {"images": images.astype(np.float32), "segmentation_masks": masks,
            "bounding_boxes": {"boxes": given_boxes, "labels": labels}}
    if not batched:
        data = {"images": data["images"][0], "segmentation_masks": masks[0],
                "bounding_boxes": {"boxes": given_boxes[0], "labels": labels[0]}}
    out = make(fmt, layout, seed).train()(data)
    masks_out = np.asarray(out["segmentation_masks"].data)
    masks_out = masks_out if batched else masks_out[None]
    masks_out = masks_out[:, 0] if first else masks_out[..., 0]
    out_boxes = np.asarray(out["bounding_boxes"]["boxes"], np.float32)
    out_labels = np.asarray(out["bounding_boxes"]["labels"])
    assert out_boxes.shape == given_boxes.shape[int(not batched):]
    assert out_labels.shape == labels.shape[int(not batched):]
    if not batched:
        out_boxes, out_labels = out_boxes[None], out_labels[None]
    height, width = masks_out.shape[1:]
    xyxy = convert_format(out_boxes, fmt, "xyxy", height=height, width=width)
    return np.asarray(xyxy, np.float64), out_labels, masks_out


def _tight(mask, ident):
    """The xyxy rectangle of the pixels of `ident` (None: none left)."""
    rows, cols = np.nonzero(mask == ident)
    if not len(rows):
        return None
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], np.float64)


def _check(box, label, pixels, fit, where, limits):
    """One box against its id's pixels (see the module's docstring)."""
    small = min(box[2] - box[0], box[3] - box[1]) <= (1.0 if fit in (EXACT, SLACK) else 2.0)
    if pixels is None:  # (a sliver of a box may keep no pixel centre; a box around a box
        # may keep a corner in the image after its object has left)
        assert label == -1 or small or fit == COMPOSED, \
            f"{where}: id gone, box {box} kept label {label}"
        return
    if label == -1:
        assert min(pixels[2] - pixels[0], pixels[3] - pixels[1]) <= 1, \
            f"{where}: label -1 but the object is still there at {pixels}"
        return
    if fit in (WARPED, COMPOSED):  # contains the pixels, exceeds them by the cut corners
        lows, highs = box[:2] - pixels[:2], box[2:] - pixels[2:]
        # (a warp maps pixel indices, a box's edges lie half a pixel off them: the nearest
        # pixel's half pixel through the shear, 0.5 (1 + 0.6) / (1 - 0.6 * 0.5) = 1.14 at
        # CASES' largest shears; 1.13 measured there)
        slack = 3.0 if fit == COMPOSED else 1.2
        assert np.all(lows <= slack) and np.all(highs >= -slack), \
            f"{where}: box {box} does not contain the object's pixels {pixels}"
        # a corner's tip holds no pixel centre: a pixel and a half inside a 30-degree wedge,
        # a pixel of sampling; a box clipped by the edge may bound the part cut away too
        # (an edge read back within 1e-3: float32 rel_center_xywh returns 30 as 29.999998)
        clipped = (box[0] <= 1e-3 or box[1] <= 1e-3 or box[2] >= limits[0] - 1e-3
                   or box[3] >= limits[1] - 1e-3)
        assert small or clipped or fit == COMPOSED or (np.all(lows >= -2.5) and
                                                       np.all(highs <= 2.5)), \
            f"{where}: box {box} is much larger than the object's pixels {pixels}"
        return
    tolerance = 1e-3 if fit == EXACT else 1.0
    np.testing.assert_allclose(box, pixels, atol=tolerance,
                               err_msg=f"{where}: box vs the object's pixels")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(data=st.data(), seed=st.integers(0, 2**16), batched=st.booleans(),
       layout=st.sampled_from(["channels_last", "channels_first"]))
def test_boxes_bound_their_objects_in_the_transformed_masks(case, fmt, data, seed, batched,
                                                            layout):
    make, fit = CASES[case]
    boxes = data.draw(_scenes(2 if batched else 1))
    xyxy, labels, masks = _run(make, fmt, layout, seed, boxes, batched)
    for b in range(len(boxes)):
        for n in range(boxes.shape[1]):
            _check(xyxy[b, n], labels[b, n], _tight(masks[b], n + 1), fit,
                   f"{case} {fmt} image {b} box {n}", masks.shape[:0:-1])


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(data=st.data(), seed=st.integers(0, 2**16),
       layout=st.sampled_from(["channels_last", "channels_first"]))
def test_mixup_keeps_each_images_boxes_and_adds_its_partners(fmt, data, seed, layout):
    boxes = data.draw(_scenes(3))
    # ids distinct across images, so that the blended mask shows whose objects it holds
    boxes_in = convert_format(boxes, "xyxy", fmt, height=HEIGHT, width=WIDTH)
    labels = np.arange(boxes.size // 4, dtype=np.float32).reshape(boxes.shape[:2])
    masks = _masks(boxes) + (np.arange(3) * boxes.shape[1])[:, None, None] * (_masks(boxes) > 0)
    first = layout == "channels_first"
    masks = masks[:, None] if first else masks[..., None]
    layer = layers.MixUp(seed=seed, data_format=layout, bounding_box_format=fmt).train()
    out = layer({"images": masks.astype(np.float32), "segmentation_masks": masks,
                 "bounding_boxes": {"boxes": boxes_in, "labels": labels}})
    out_boxes, out_labels = (np.asarray(out["bounding_boxes"][k]) for k in ("boxes", "labels"))
    count = boxes.shape[1]
    assert out_boxes.shape == (3, 2 * count, 4) and out_labels.shape == (3, 2 * count)
    mixed = np.asarray(out["segmentation_masks"].data)
    mixed = mixed[:, 0] if first else mixed[..., 0]
    for b in range(3):
        np.testing.assert_allclose(out_boxes[b, :count], boxes_in[b], atol=1e-5)
        np.testing.assert_array_equal(out_labels[b, :count], labels[b])
        partner = int(out_labels[b, count] // count)
        np.testing.assert_allclose(out_boxes[b, count:], boxes_in[partner], atol=1e-5)
        np.testing.assert_array_equal(out_labels[b, count:], labels[partner])
        covered = _masks(convert_format(out_boxes[b:b + 1], fmt, "xyxy", height=HEIGHT,
                                        width=WIDTH).round())[0] > 0
        # (every object pixel of the mix in a box; a partner weighted ~0 may not show)
        assert not np.any((mixed[b] != 0) & ~covered), f"{fmt} image {b}: pixels outside"


def test_a_box_at_the_edge_to_float32_rounding_counts_as_clipped():
    """The dev profile's find (shear, rel_center_xywh, seed 2048): the edge at 30 read back
    as 29.999998 still lets the box bound the part cut away; 29.5 does not."""
    pixels = np.array([26.0, 10.0, 30.0, 17.0])
    box = np.array([25.46672821, 9.68018436, 29.99999809, 23.01656914])
    _check(box, 3.0, pixels, WARPED, "at the edge", (WIDTH, HEIGHT))
    with pytest.raises(AssertionError, match="much larger"):
        _check(box - [0, 0, 0.5, 0], 3.0, pixels, WARPED, "inside", (WIDTH, HEIGHT))


def test_a_sheared_box_may_miss_its_objects_pixels_by_the_half_pixel():
    """The dev profile's find (shear, seed 256): a 3x3 object at (0, 12) sheared by
    (-0.594, -0.489) keeps the pixel (9, 16), 1.04 left of its box; 1.3 is too far."""
    pixels = np.array([9.0, 16.0, 15.0, 22.0])
    box = np.array([10.0392065, 16.91140747, 16.77685928, 23.20762062])
    _check(box, 4.0, pixels, WARPED, "sheared", (WIDTH, HEIGHT))
    with pytest.raises(AssertionError, match="does not contain"):
        _check(box + [0.26, 0, 0, 0], 4.0, pixels, WARPED, "moved", (WIDTH, HEIGHT))
