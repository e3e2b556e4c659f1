"""nn.keras.utils.bounding_boxes (Keras 3.15's keras.utils.bounding_boxes) and
layers.MaxNumBoundingBoxes: the expected values were computed with Keras 3.15.1 (torch
backend) on the same inputs, degenerate boxes (no width) and boxes outside the image among
them; hypothesis properties: conversions that round-trip between every pair of formats, IoU
symmetric, 1 on a box itself and 0 on disjoint boxes, deltas that decode to the boxes they
encode."""
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import nn.keras as keras
from autograd import Variable
from nn.keras import layers

bb = keras.utils.bounding_boxes
FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
           "rel_xywh", "rel_center_xywh")
# xyxy boxes in a 90 x 130 image: an ordinary one, one without width, one partly and one
# wholly outside the image
BOXES = np.array([[10, 20, 50, 60], [30, 30, 30, 70], [-15, 80, 40, 110], [140, 5, 160, 25]],
                 np.float32)
H, W = 90, 130

# ----- Keras 3.15.1's results -----
CONVERTED = {
    "xyxy": BOXES.tolist(),
    "yxyx": [[20, 10, 60, 50], [30, 30, 70, 30], [80, -15, 110, 40], [5, 140, 25, 160]],
    "xywh": [[10, 20, 40, 40], [30, 30, 0, 40], [-15, 80, 55, 30], [140, 5, 20, 20]],
    "center_xywh": [[30, 40, 40, 40], [30, 50, 0, 40], [12.5, 95, 55, 30], [150, 15, 20, 20]],
    "center_yxhw": [[40, 30, 40, 40], [50, 30, 40, 0], [95, 12.5, 30, 55], [15, 150, 20, 20]],
    "rel_xyxy": [[0.07692, 0.22222, 0.38462, 0.66667], [0.23077, 0.33333, 0.23077, 0.77778],
                 [-0.11538, 0.88889, 0.30769, 1.22222], [1.07692, 0.05556, 1.23077, 0.27778]],
    "rel_yxyx": [[0.22222, 0.07692, 0.66667, 0.38462], [0.33333, 0.23077, 0.77778, 0.23077],
                 [0.88889, -0.11538, 1.22222, 0.30769], [0.05556, 1.07692, 0.27778, 1.23077]],
    "rel_xywh": [[0.07692, 0.22222, 0.30769, 0.44444], [0.23077, 0.33333, 0.0, 0.44444],
                 [-0.11538, 0.88889, 0.42308, 0.33333], [1.07692, 0.05556, 0.15385, 0.22222]],
    "rel_center_xywh": [[0.23077, 0.44444, 0.30769, 0.44444],
                        [0.23077, 0.55556, 0.0, 0.44444], [0.09615, 1.05556, 0.42308, 0.33333],
                        [1.15385, 0.16667, 0.15385, 0.22222]],
}
REL = np.array([[0.1, 0.2, 0.5, 0.4], [0.5, 0.5, 0.0, 0.3]], np.float32)  # rel_center_xywh
B1 = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [20, 20, 20, 30], [-1, -1, -1, -1]], np.float32)
B2 = np.array([[0, 0, 10, 10], [10, 0, 20, 10], [2, 4, 8, 16]], np.float32)
IOU = [[1.0, 0.0, 0.26471], [0.14286, 0.14286, 0.21127], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
IOU_YXYX_BATCHED = [IOU, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.47059, 0.08696, 0.3871],
                          [0.3245, 0.0, 0.09554]]]
C1 = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 4, 8], [3, 3, 3, 9]], np.float32)
C2 = np.array([[0, 0, 10, 10], [20, 20, 30, 40], [2, 1, 9, 5], [0, 0, 6, 6]], np.float32)
ANCHORS = np.array([[0, 0, 10, 10], [10, 20, 50, 40], [5, 5, 6, 9]], np.float32)
TARGETS = np.array([[1, 2, 11, 14], [0, 10, 60, 60], [5, 5, 5, 9]], np.float32)
DELTAS = np.array([[0.1, -0.2, 0.3, 0.0], [0.0, 0.5, -0.4, 0.2], [1.0, 1.0, 1.0, 1.0]],
                  np.float32)
VARIANCE = [0.1, 0.1, 0.2, 0.2]
LABELS = np.array([1, 2, 3, 4])


def close(actual, expected, atol=1e-5):
    assert isinstance(actual, np.ndarray)
    np.testing.assert_allclose(actual, np.asarray(expected, float), rtol=1e-5, atol=atol)


# ----- convert_format -----
@pytest.mark.parametrize("target", FORMATS)
def test_convert_format_from_xyxy_gives_keras_values(target):
    out = bb.convert_format(BOXES, "xyxy", target, height=H, width=W)
    assert out.dtype == np.float32 and out.shape == (4, 4)
    close(out, CONVERTED[target])


@pytest.mark.parametrize("source", FORMATS)
def test_convert_format_to_xyxy_batched_and_one_box(source):
    given = np.array(CONVERTED[source], np.float32)  # (rounded: 1e-3 after scaling back)
    close(bb.convert_format(np.stack([given, given]), source.upper(), "XYXY", height=H,
                            width=W), np.stack([BOXES, BOXES]), atol=1e-3)
    close(bb.convert_format(given[2], source, "xyxy", height=H, width=W), BOXES[2], atol=1e-3)


def test_convert_format_between_relative_formats_and_to_yxyx_as_keras():
    close(bb.convert_format(REL, "rel_center_xywh", "yxyx", height=H, width=W),
          [[0.0, -19.5, 36.0, 45.5], [31.5, 65.0, 58.5, 65.0]])
    close(bb.convert_format(REL, "rel_center_xywh", "rel_xywh", height=H, width=W),
          [[-0.15, 0.0, 0.5, 0.4], [0.5, 0.35, 0.0, 0.3]])


def test_convert_format_dtypes_dicts_lists_and_variables():
    ints = np.array([[10, 20, 31, 41]])
    same = bb.convert_format(ints, "xyxy", "xyxy", dtype="int32")
    assert same.dtype == np.int32 and same.tolist() == [[10, 20, 31, 41]]
    halves = bb.convert_format(ints, "xyxy", "center_xywh", dtype="int32")  # (Keras: float32)
    assert halves.dtype == np.float32 and halves.tolist() == [[20.5, 30.5, 21, 21]]
    assert bb.convert_format(BOXES, "xyxy", "xywh", dtype="float64").dtype == np.float64
    given = {"boxes": BOXES.tolist(), "labels": LABELS}
    out = bb.convert_format(given, "xyxy", "yxyx")
    close(out["boxes"], CONVERTED["yxyx"])
    assert out["labels"] is LABELS and given["boxes"] == BOXES.tolist()  # (a new dict)
    close(bb.convert_format(Variable(BOXES), "xyxy", "xywh"), CONVERTED["xywh"])


# ----- compute_iou and compute_ciou -----
def test_compute_iou_gives_keras_values_masked_batched_and_relative():
    close(bb.compute_iou(B1, B2, "xyxy"), IOU)
    masked = np.array(IOU)
    masked[3] = -1  # (the box with every number below 0: padding)
    close(bb.compute_iou(B1, B2, "xyxy", use_masking=True, mask_val=-1), masked)
    yxyx = bb.compute_iou(np.stack([B1, B1[::-1]]), np.stack([B2, B2 + 3]), "yxyx")
    assert yxyx.dtype == np.float32 and yxyx.shape == (2, 4, 3)
    close(yxyx, IOU_YXYX_BATCHED)
    close(bb.compute_iou(B1[:3] / 40, B2 / 40, "rel_xyxy", image_shape=(40, 80, 3)), IOU[:3])


def test_compute_iou_mixes_one_image_and_a_batch():
    batch = np.stack([B2, B2 + 3])
    close(bb.compute_iou(B1, batch, "xyxy"), [bb.compute_iou(B1, b, "xyxy") for b in batch])
    close(bb.compute_iou(np.stack([B1, B1 - 2]), B2, "xyxy"),
          [bb.compute_iou(B1, B2, "xyxy"), bb.compute_iou(B1 - 2, B2, "xyxy")])


def test_compute_ciou_gives_keras_values():
    close(bb.compute_ciou(C1, C2, "xyxy"), [1.0, -0.41169, 0.04256, -0.12692])
    close(bb.compute_ciou(C1, C2, "xywh"), [1.0, -0.34843, 0.01708, 0.03342])
    assert bb.compute_ciou(C1[0], C2[0], "xyxy").shape == ()


# ----- clip, crop, pad, affine -----
def test_clip_to_image_size_gives_keras_values_and_drops_empty_boxes():
    out = bb.clip_to_image_size({"boxes": BOXES, "labels": LABELS, "extra": 1}, H, W)
    close(out["boxes"], [[10, 20, 50, 60], [30, 30, 30, 70], [0, 80, 40, 90],
                         [130, 5, 130, 25]])
    assert out["labels"].tolist() == [1, -1, 3, -1] and out["extra"] == 1
    rel = bb.clip_to_image_size({"boxes": np.stack([BOXES / 100, BOXES / 50]),
                                 "labels": np.stack([LABELS, LABELS])},
                                bounding_box_format="rel_xyxy")
    close(rel["boxes"][1], [[0.2, 0.4, 1, 1], [0.6, 0.6, 0.6, 1], [0, 1, 0.8, 1],
                            [1, 0.1, 1, 0.5]])
    assert rel["labels"].tolist() == [[1, -1, 3, -1], [1, -1, -1, -1]]
    ints = bb.clip_to_image_size({"boxes": BOXES.astype(np.int64)}, H, W)["boxes"]
    assert ints.dtype == np.int64 and ints[2].tolist() == [0, 80, 40, 90]


def test_crop_and_pad_give_keras_values():
    cropped = [[0, 10, 30, 40], [10, 20, 10, 40], [0, 40, 20, 40], [30, 0, 30, 15]]
    close(bb.crop(BOXES, 10, 20, 40, 30), cropped)
    close(bb.crop(np.stack([BOXES, BOXES + 7]), 10, 20, 40, 30)[1],
          [[0, 17, 30, 40], [17, 27, 17, 40], [0, 40, 27, 40], [30, 2, 30, 22]])
    close(bb.pad(BOXES, 3, 7), [[17, 23, 57, 63], [37, 33, 37, 73], [-8, 83, 47, 113],
                                [147, 8, 167, 28]])
    ints = BOXES.astype(np.int64)
    assert bb.crop(ints, 10, 20, 40, 30).dtype == np.int64  # (as Keras: int stays int)
    assert bb.pad(ints, 1.5, 2).dtype == np.float32  # (fractions: float32, as Keras)


def test_affine_transform_gives_keras_values():
    boxes = np.stack([BOXES[:2], BOXES[2:]])
    args = [np.array(v, np.float32) for v in ([30, -45], [0.1, 0.0], [0.0, -0.2], [1.0, 1.5],
                                              [0, 10], [5, 0])]
    close(bb.affine_transform(boxes, *args, H, W),
          [[[16.22334, 22.88941, 70.86436, 76.24951], [38.54385, 40.47176, 58.54385, 76.86255]],
           [[-46.62663, -21.0488, 27.63252, 69.10732],
            [163.04626, 63.80401, 197.99176, 106.23043]]], atol=1e-4)
    close(bb.affine_transform(boxes, *args, H, W, center_x=0.0, center_y=1.0)[1],
          [[-15.90018, 44.66441, 58.35897, 134.82053],
           [193.77272, 129.51721, 228.7182, 171.94363]], atol=1e-4)
    one = bb.affine_transform(BOXES[2:], *[a[1] for a in args], H, W)  # one image, numbers
    close(one, bb.affine_transform(boxes, *args, H, W)[1], atol=1e-4)


def test_affine_transform_identity_keeps_the_boxes():
    close(bb.affine_transform(BOXES, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, H, W), BOXES, atol=1e-4)


# ----- deltas -----
def test_encode_box_to_deltas_gives_keras_values():
    close(bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy"),
          [[0.3, 0.1, 0.18232, 0.0], [0.25, 0.0, 0.91629, 0.40547],
           [0.0, -0.5, 0.0, -16.1181]], atol=1e-4)
    out = bb.encode_box_to_deltas(ANCHORS, np.stack([TARGETS, TARGETS + 1]), "xyxy", "xyxy",
                                  "center_xywh", VARIANCE)
    close(out[1], [[2.0, 4.0, 0.0, 0.91161], [0.25, 3.0, 2.02733, 4.58145],
                   [5.0, 2.5, -80.59048, 0.0]], atol=1e-4)


def test_decode_deltas_to_boxes_gives_keras_values_and_levels():
    close(bb.decode_deltas_to_boxes(ANCHORS, DELTAS, "xyxy", "xywh"),
          [[-2.0, -0.74929, 10.0, 13.49859], [25.57195, 23.2968, 48.85611, 13.4064],
           [5.14086, 5.56344, 2.71828, 10.87313]], atol=1e-4)
    close(bb.decode_deltas_to_boxes(ANCHORS, DELTAS, "xyxy", "rel_yxyx", "center_xywh",
                                    VARIANCE, (100, 200, 3)),
          [[-0.002, -0.00105, 0.098, 0.05205], [0.20592, 0.05769, 0.41408, 0.24231],
           [0.04957, 0.02495, 0.09843, 0.03105]])
    levels = bb.decode_deltas_to_boxes({"p3": ANCHORS, "p4": ANCHORS[:1]},
                                       {"p3": DELTAS, "p4": DELTAS[None, :1]}, "xyxy", "xywh")
    close(levels["p3"], bb.decode_deltas_to_boxes(ANCHORS, DELTAS, "xyxy", "xywh"))
    assert levels["p4"].shape == (1, 1, 4)


# ----- MaxNumBoundingBoxes -----
def test_max_num_bounding_boxes_cuts_a_batch_as_keras():
    layer = layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
    images = np.zeros((2, 4, 4, 3), np.float32)
    out = layer({"images": images, "bounding_boxes": {
        "boxes": np.stack([BOXES, BOXES + 1]), "labels": np.array([[1, 2, 3, 4],
                                                                   [5, 6, 7, 8]])}})
    boxes, labels = out["bounding_boxes"]["boxes"], out["bounding_boxes"]["labels"]
    assert boxes.dtype == np.float32 and labels.tolist() == [[1, 2, 3], [5, 6, 7]]
    np.testing.assert_array_equal(boxes, np.stack([BOXES[:3], BOXES[:3] + 1]))
    np.testing.assert_array_equal(out["images"].data, images)


def test_max_num_bounding_boxes_pads_one_image_as_keras():
    layer = layers.MaxNumBoundingBoxes(6, fill_value=-7, bounding_box_format="xyxy")
    out = layer({"images": np.zeros((4, 4, 3), np.float32), "labels": np.array([0]),
                 "bounding_boxes": {"boxes": BOXES[:2].astype(np.int64),
                                    "labels": np.array([1, 2])}})
    boxes = out["bounding_boxes"]["boxes"]
    assert boxes.dtype == np.float32 and boxes.shape == (6, 4)
    np.testing.assert_array_equal(boxes, BOXES[:2].tolist() + [[-7] * 4] * 4)
    assert out["bounding_boxes"]["labels"].tolist() == [1, 2, -7, -7, -7, -7]
    assert out["labels"].tolist() == [0]


def test_max_num_bounding_boxes_config_images_and_model():
    layer = layers.MaxNumBoundingBoxes(4, fill_value=0, bounding_box_format="yxyx")
    again = layers.deserialize(layers.serialize(layer))
    assert (again.max_number, again.fill_value, again.bounding_box_format) == (4, 0, "yxyx")
    assert layer(np.ones((2, 3, 3, 1))).shape == (2, 3, 3, 1)
    model = keras.Sequential([layer])
    out = model({"images": np.ones((1, 3, 3, 1)), "bounding_boxes": {
        "boxes": BOXES[None, :1], "labels": np.array([[9]])}})
    assert out["bounding_boxes"]["labels"].tolist() == [[9, 0, 0, 0]]


@pytest.mark.parametrize("make, data, message", [
    (lambda: layers.MaxNumBoundingBoxes(2), {"images": np.zeros((1, 2, 2, 3)),
     "bounding_boxes": {"boxes": np.zeros((1, 1, 4)), "labels": np.zeros((1, 1))}},
     "bounding_box_format"),
    (lambda: layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy"),
     {"images": np.zeros((1, 2, 2, 3)), "bounding_boxes": {"boxes": np.zeros((1, 1, 4))}},
     "'boxes' and 'labels'"),
    (lambda: layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy"),
     {"images": np.zeros((1, 2, 2, 3)), "bounding_boxes": {"boxes": np.zeros((1, 4)),
                                                            "labels": np.zeros(1)}},
     r"\(batch, N, 4\)"),
    (lambda: layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy"),
     {"images": np.zeros((1, 2, 2, 3)), "bounding_boxes": {"boxes": np.zeros((1, 3, 4)),
                                                            "labels": np.zeros((1, 2))}},
     "one label per box"),
    (lambda: layers.MaxNumBoundingBoxes(2), {"pictures": np.zeros((1, 2, 2, 3))}, "'images'"),
])
def test_max_num_bounding_boxes_refuses_bad_inputs_by_name(make, data, message):
    with pytest.raises(ValueError, match=message):
        make()(data)


def test_max_num_bounding_boxes_refuses_bad_arguments():
    with pytest.raises(ValueError, match="max_number"):
        layers.MaxNumBoundingBoxes(-1)
    with pytest.raises(ValueError, match="fill_value"):
        layers.MaxNumBoundingBoxes(2, fill_value="none")


# ----- errors that name the argument -----
@pytest.mark.parametrize("call, error, message", [
    (lambda: bb.convert_format(BOXES, "xyzw", "xyxy"), ValueError, "source must be one of"),
    (lambda: bb.convert_format(BOXES, "xyxy", "rel_xy"), ValueError, "target must be one of"),
    (lambda: bb.convert_format(BOXES, "xyxy", "rel_xyxy", height=3), ValueError,
     "'rel_xyxy' needs the image's size: pass height and width"),
    (lambda: bb.convert_format(BOXES[:, :3], "xyxy", "xywh"), ValueError,
     r"4 numbers per box on its last axis, got shape \(4, 3\)"),
    (lambda: bb.convert_format({"labels": LABELS}, "xyxy", "xywh"), ValueError, "'boxes' key"),
    (lambda: bb.compute_iou(B1, B2, "rel_xyxy"), ValueError, "pass image_shape"),
    (lambda: bb.compute_iou(B1[0], B2, "xyxy"), ValueError, r"boxes1 must have shape"),
    (lambda: bb.compute_iou(B1[None], np.stack([B2, B2]), "xyxy"), ValueError,
     "same batch size"),
    (lambda: bb.compute_ciou(B1, B2, "xyxy"), ValueError, "must broadcast"),
    (lambda: bb.compute_ciou(B1, B1, "rel_xyxy"), ValueError, "pass image_shape"),
    (lambda: bb.clip_to_image_size(BOXES, H, W), ValueError, "must be a dict"),
    (lambda: bb.clip_to_image_size({"boxes": BOXES}), ValueError, "height and width"),
    (lambda: bb.clip_to_image_size({"boxes": BOXES}, H, W, "xywh"), NotImplementedError,
     "bounding_box_format='xywh'"),
    (lambda: bb.clip_to_image_size({"boxes": BOXES, "labels": LABELS[:2]}, H, W), ValueError,
     "one label per box"),
    (lambda: bb.crop(BOXES, 0, 0, 9, 9, bounding_box_format="yxyx"), NotImplementedError,
     "bounding_box_format='yxyx'"),
    (lambda: bb.pad(BOXES, 0, 0, bounding_box_format="corners"), ValueError,
     "bounding_box_format must be one of"),
    (lambda: bb.affine_transform(BOXES, [1.0, 2.0], 0, 0, 1, 0, 0, H, W), ValueError,
     "angle must be a number or one per image"),
    (lambda: bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", variance=[1, 2]),
     ValueError, "variance must be 4 numbers"),
    (lambda: bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", "xywh"), ValueError,
     "encoding_format must be"),
    (lambda: bb.encode_box_to_deltas(ANCHORS, TARGETS, "rel_xyxy", "xyxy"), ValueError,
     "encode_box_to_deltas: the relative format 'rel_xyxy' needs"),
    (lambda: bb.decode_deltas_to_boxes(ANCHORS, DELTAS, "xyxy", "xyxy", "yxyx"), ValueError,
     "encoded_format must be"),
    (lambda: bb.decode_deltas_to_boxes({"p3": ANCHORS}, DELTAS, "xyxy", "xyxy"), ValueError,
     "both dicts with the same levels"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- properties -----
def _boxes(draw, n, low=-50.0, high=150.0, min_size=0.0):
    """n xyxy boxes (float64) with corners in [low, high] and sides of at least min_size."""
    corner = st.floats(low, high, allow_nan=False, width=32)
    side = st.floats(min_size, 80.0, allow_nan=False, width=32)
    rows = [[draw(corner), draw(corner), draw(side), draw(side)] for _ in range(n)]
    x, y, w, h = np.array(rows, np.float64).T
    return np.stack([x, y, x + w, y + h], axis=-1)


@st.composite
def box_sets(draw, min_size=0.0):
    return _boxes(draw, draw(st.integers(1, 5)), min_size=min_size)


@given(boxes=box_sets(), source=st.sampled_from(FORMATS), target=st.sampled_from(FORMATS),
       size=st.tuples(st.integers(1, 500), st.integers(1, 500)))
def test_convert_format_round_trips_between_every_pair_of_formats(boxes, source, target, size):
    height, width = size
    given_ = bb.convert_format(boxes, "xyxy", source, height, width, dtype="float64")
    there = bb.convert_format(given_, source, target, height, width, dtype="float64")
    back = bb.convert_format(there, target, source, height, width, dtype="float64")
    np.testing.assert_allclose(back, given_, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bb.convert_format(there, target, "xyxy", height, width,
                                                 dtype="float64"), boxes, atol=1e-9)


@given(first=box_sets(), second=box_sets(), fmt=st.sampled_from(FORMATS[:5]))
def test_iou_is_symmetric_and_within_zero_and_one(first, second, fmt):
    a, b = (bb.convert_format(x, "xyxy", fmt, dtype="float64") for x in (first, second))
    iou = bb.compute_iou(a, b, fmt)
    np.testing.assert_allclose(iou, bb.compute_iou(b, a, fmt).T, rtol=1e-6, atol=1e-7)
    assert iou.shape == (len(a), len(b)) and (iou >= 0).all() and (iou <= 1 + 1e-6).all()


@given(boxes=box_sets(min_size=1.0), fmt=st.sampled_from(FORMATS[:5]))
def test_iou_of_a_box_with_itself_is_one(boxes, fmt):
    boxes = bb.convert_format(boxes, "xyxy", fmt, dtype="float64")
    np.testing.assert_allclose(np.diag(bb.compute_iou(boxes, boxes, fmt)), 1.0, rtol=1e-5)
    np.testing.assert_allclose(bb.compute_ciou(boxes, boxes, fmt), 1.0, rtol=1e-5)


@given(boxes=box_sets(), gap=st.floats(0.0, 50.0, width=32))
@example(boxes=np.array([[0.0, 0.0, 6.64035496e-36, 1.0], [-1.0, 0.0, 0.0, 1.0]]),
         gap=0.0)  # (the dev profile's find)
def test_iou_of_disjoint_boxes_is_zero(boxes, gap):
    # (x - min x1 + (max x2 + gap), not x + (max x2 - min x1 + gap): that sum may round a
    # box's tiny width away, 1 + 6.6e-36 = 1, and leave the boxes overlapping by it)
    moved = boxes.copy()
    moved[:, [0, 2]] = boxes[:, [0, 2]] - boxes[:, 0].min() + (boxes[:, 2].max() + gap)
    assert (bb.compute_iou(boxes, moved, "xyxy") == 0).all()


@given(anchors=box_sets(min_size=1.0), data=st.data(),
       encoding=st.sampled_from(["center_yxhw", "center_xywh"]),
       variance=st.sampled_from([None, [0.1, 0.1, 0.2, 0.2]]),
       fmt=st.sampled_from(["xyxy", "yxyx", "xywh", "center_xywh"]))
def test_decoding_deltas_gives_back_the_encoded_boxes(anchors, data, encoding, variance, fmt):
    boxes = _boxes(data.draw, len(anchors), min_size=1.0)
    boxes = bb.convert_format(boxes, "xyxy", fmt, dtype="float64")
    deltas = bb.encode_box_to_deltas(anchors, boxes, "xyxy", fmt, encoding, variance)
    decoded = bb.decode_deltas_to_boxes(anchors, deltas, "xyxy", fmt, encoding, variance)
    np.testing.assert_allclose(decoded, boxes, rtol=1e-4, atol=1e-3)
