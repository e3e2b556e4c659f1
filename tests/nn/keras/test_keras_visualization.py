"""keras.visualization: draw_bounding_boxes' boxes equal OpenCV's cv2.rectangle (Keras')
pixel for pixel (its outputs as literals and checksums), its labels drawn with Pillow or
refused without it; draw_segmentation_masks equal to Keras' (literals); the galleries'
figures (axes, images, titles, legends) on matplotlib's Agg backend; lazy loading."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras
from nn.keras.visualization.rectangles import rectangle_mask

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")
visualization = keras.visualization


def _art(rows):
    return np.array([[c == "#" for c in row] for row in rows])


# ----- the rectangles: cv2.rectangle's pixels (OpenCV 5.1, LINE_8) -----
# (corner, opposite corner, thickness, (height, width), cv2's pixels)
_CV2 = [
    ((4, 4), (11, 9), 1, (13, 16), [
        "................", "................", "................", "................",
        "....########....", "....#......#....", "....#......#....", "....#......#....",
        "....#......#....", "....########....", "................", "................",
        "................"]),
    ((4, 4), (11, 9), 2, (13, 16), [
        "................", "................", "................", "....########....",
        "...##########...", "...##########...", "...###....###...", "...###....###...",
        "...##########...", "...##########...", "....########....", "................",
        "................"]),
    ((11, 9), (4, 4), 3, (13, 16), [
        "................", "................", "....########....", "...##########...",
        "..############..", "..############..", "..############..", "..############..",
        "..############..", "..############..", "...##########...", "....########....",
        "................"]),
    ((4, 4), (11, 9), 5, (13, 16), [
        "................", "....########....", "..############..", "..############..",
        ".##############.", ".##############.", ".##############.", ".##############.",
        ".##############.", ".##############.", "..############..", "..############..",
        "....########...."]),
    ((-3, 2), (6, 20), 4, (12, 10), [
        "#######...", "########..", "#########.", "#########.", "#########.", "....#####.",
        "....#####.", "....#####.", "....#####.", "....#####.", "....#####.", "....#####."]),
    ((5, 5), (5, 5), 6, (11, 11), [
        "...........", "...........", ".....#.....", "...#####...", "...#####...",
        "..#######..", "...#####...", "...#####...", ".....#.....", "...........",
        "..........."]),
    ((2, 3), (9, 6), -1, (9, 12), [
        "............", "............", "............", "..########..", "..########..",
        "..########..", "..########..", "............", "............"]),
]


@pytest.mark.parametrize("corner, opposite, thickness, size, expected", _CV2)
def test_rectangles_are_cv2s_pixels(corner, opposite, thickness, size, expected):
    np.testing.assert_array_equal(rectangle_mask(*size, corner, opposite, thickness),
                                  _art(expected))


_corners = st.tuples(st.integers(-20, 40), st.integers(-20, 40))


@given(_corners, _corners, st.integers(-2, 12))
def test_a_rectangle_is_its_own_with_corners_swapped_and_clipped_as_a_crop(a, b, thickness):
    mask = rectangle_mask(24, 30, a, b, thickness)
    np.testing.assert_array_equal(mask, rectangle_mask(24, 30, b, a, thickness))
    # (drawn on a larger canvas shifted by (5, 7), then cropped back: the same pixels)
    shifted = rectangle_mask(40, 45, (a[0] + 7, a[1] + 5), (b[0] + 7, b[1] + 5), thickness)
    np.testing.assert_array_equal(shifted[5:29, 7:37], mask)
    if thickness >= 2:
        assert (rectangle_mask(24, 30, a, b, thickness + 2) >= mask).all()
    if thickness < 0:
        x, y = sorted((a[0], b[0])), sorted((a[1], b[1]))
        rows, cols = np.ogrid[:24, :30]
        np.testing.assert_array_equal(mask, (rows >= y[0]) & (rows <= y[1]) & (cols >= x[0])
                                      & (cols <= x[1]))


# ----- draw_bounding_boxes: Keras' (cv2's) results -----
_IMAGES = np.random.default_rng(0).uniform(0, 1, (2, 9, 11, 3)).astype(np.float32)
_BOXES = {"boxes": np.array([[[1.7, 2.2, 6.9, 5.5], [0, 0, 3, 3]],
                             [[8.5, 1, 2, 7.9], [3, 3, 4, 4]]], np.float32),
          "labels": np.array([[0, -1], [2, 1]])}


def test_boxes_equal_keras_checksums():
    out = visualization.draw_bounding_boxes(_IMAGES, dict(_BOXES), "xyxy",
                                            color=(250, 20.5, 3), line_thickness=2)
    assert out.shape == _IMAGES.shape and out.dtype == np.uint8
    assert int(out.astype(np.int64).sum()) == 64520  # (Keras 3.15 with cv2)
    for index in ((0, 2, 1), (0, 5, 7), (1, 4, 8)):
        assert out[index].tolist() == [250, 20, 3]  # (12.5 rounds to even: 20, as cv2)
    assert out[1, 0, 0].tolist() == [238, 174, 210] and out[0, 0, 0].tolist() == [162, 68, 10]
    wider = visualization.draw_bounding_boxes(_IMAGES, dict(_BOXES), "xywh",
                                              color=(250, 20.5, 3), line_thickness=3)
    assert int(wider.astype(np.int64).sum()) == 56753


def test_boxes_are_drawn_where_their_corners_fall_and_a_label_of_minus_one_is_skipped():
    images = np.zeros((1, 12, 14, 3), np.uint8)
    boxes = {"boxes": [[[2.9, 3.2, 9.7, 8.99], [0, 0, 13, 11]]], "labels": [[5, -1]]}
    out = visualization.draw_bounding_boxes(images, boxes, "xyxy", color=(9, 8, 7),
                                            line_thickness=1)
    expected = rectangle_mask(12, 14, (2, 3), (9, 8), 1)
    np.testing.assert_array_equal(out[0].any(-1), expected)
    assert (out[0][expected] == [9, 8, 7]).all()
    assert images.sum() == 0  # (the caller's images are left as they are)


@pytest.mark.parametrize("images, expected", [
    (np.full((1, 2, 2, 1), 0.5, np.float32), 127),  # (at most 1: scaled by 255, then cut)
    (np.full((1, 2, 2, 1), 300.7), 255),  # (else clipped to 0-255)
    (np.full((1, 2, 2, 1), 77, np.int64), 77)])
def test_images_become_uint8_as_keras(images, expected):
    out = visualization.draw_bounding_boxes(images, {"boxes": np.zeros((1, 0, 4)),
                                                     "labels": np.zeros((1, 0))}, "xyxy")
    assert out.dtype == np.uint8 and (out == expected).all()


def test_channels_and_colours_as_cv2():
    boxes = {"boxes": [[[0, 0, 3, 3]]], "labels": [[0]]}
    for channels, color, pixel in [(1, (200, 10, 10), [200]), (4, (1, 2, 3), [1, 2, 3, 0]),
                                   (3, 77, [77, 0, 0]), (3, (-4, 254.5, 255.5), [0, 254, 255])]:
        out = visualization.draw_bounding_boxes(np.zeros((1, 5, 5, channels), np.uint8),
                                                boxes, "xyxy", color=color, line_thickness=1)
        assert out[0, 0, 0].tolist() == pixel


def test_channels_first_is_the_same_drawing_transposed():
    first = visualization.draw_bounding_boxes(_IMAGES.transpose(0, 3, 1, 2), dict(_BOXES),
                                              "xyxy", data_format="channels_first")
    last = visualization.draw_bounding_boxes(_IMAGES, dict(_BOXES), "xyxy")
    np.testing.assert_array_equal(first, last.transpose(0, 3, 1, 2))


def test_labels_are_written_with_pillow_above_the_box():
    pytest.importorskip("PIL")
    images = np.zeros((1, 80, 120, 3), np.uint8)
    boxes = {"boxes": [[[10, 60, 100, 75]]], "labels": [[1]], "confidences": [[0.934]]}
    plain = visualization.draw_bounding_boxes(images, dict(boxes), "xyxy")
    named = visualization.draw_bounding_boxes(images, dict(boxes), "xyxy",
                                              class_mapping={1: "cat"})
    text = (named != plain).any(-1)[0]
    rows, cols = np.nonzero(text)
    # (Keras puts the baseline 8 pixels above the corner, y = 52, from x = 10: the text
    # ends above the box, its descenders included, as cv2's does)
    assert rows.size and rows.max() < 60 and rows.min() >= 20 and cols.min() >= 9
    assert (named[0][text] == 128).all()


def test_labels_without_pillow_raise_an_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    boxes = {"boxes": [[[1, 1, 5, 5]]], "labels": [[1]]}
    images = np.zeros((1, 8, 8, 3), np.uint8)
    assert visualization.draw_bounding_boxes(images, dict(boxes), "xyxy").any()
    with pytest.raises(ImportError, match=r"rungrad\[images\]"):
        visualization.draw_bounding_boxes(images, dict(boxes), "xyxy", class_mapping={1: "a"})


@pytest.mark.parametrize("images, boxes, error, message", [
    (np.zeros((8, 8, 3)), {"boxes": [[0, 0, 1, 1]], "labels": [0]}, ValueError,
     r"batch \(N, H, W, C\)"),
    (np.zeros((1, 8, 8, 3)), [[0, 0, 1, 1]], TypeError, "must be a dict"),
    (np.zeros((1, 8, 8, 3)), {"boxes": [[[0, 0, 1, 1]]]}, ValueError, "'labels'"),
    (np.zeros((1, 8, 8, 3)), {"boxes": [[[0, 0, 1, 1]]], "labels": [[0, 1]]}, ValueError,
     r"labels \(N, B\)"),
    (np.zeros((1, 8, 8, 5)), {"boxes": [[[0, 0, 1, 1]]], "labels": [[0]]}, ValueError,
     "at most 4 channels"),
])
def test_bad_boxes_are_refused_by_name(images, boxes, error, message):
    with pytest.raises(error, match=f"draw_bounding_boxes: .*{message}"):
        visualization.draw_bounding_boxes(images, boxes, "xyxy")


# ----- draw_segmentation_masks: Keras' results -----
_PIXELS = np.array([[[[121, 131, 193], [243, 8, 36], [210, 242, 63], [79, 222, 108]],
                     [[69, 211, 65], [104, 164, 140], [21, 7, 221], [192, 214, 137]],
                     [[209, 84, 115], [201, 31, 77], [31, 116, 250], [34, 98, 103]]]],
                   np.float32)
_MASKS = np.array([[[0, 1, 2, -1], [2, 2, 1, 0], [-1, 3, 0, 1]]])[..., None]
# (arguments, Keras 3.15's result)
_KERAS_MASKS = [
    (dict(num_classes=4), [
        [[24, 26, 38], [49, 103, 32], [43, 251, 62], [79, 222, 108]],
        [[15, 245, 62], [22, 236, 77], [5, 103, 69], [38, 42, 27]],
        [[209, 84, 115], [42, 107, 89], [6, 23, 50], [7, 121, 45]]]),
    (dict(num_classes=5, alpha=0.35, ignore_index=2), [
        [[78, 85, 125], [158, 49, 34], [210, 242, 63], [79, 221, 108]],
        [[69, 211, 65], [104, 164, 140], [14, 49, 154], [124, 139, 89]],
        [[209, 84, 115], [131, 64, 82], [20, 75, 162], [22, 108, 77]]]),
    (dict(num_classes=4, blend=False), [
        [[0, 0, 0], [1, 127, 31], [2, 254, 62], [79, 222, 108]],
        [[2, 254, 62], [2, 254, 62], [1, 127, 31], [0, 0, 0]],
        [[209, 84, 115], [3, 126, 93], [0, 0, 0], [1, 127, 31]]]),
    (dict(num_classes=4, ignore_index=0, color_mapping={
        0: (10, 20, 30), 1: (200, 100, 0), 2: (1, 2, 3), 3: (0, 255, 0)}), [
        [[121, 131, 193], [208, 81, 7], [42, 50, 15], [79, 222, 108]],
        [[14, 43, 15], [21, 34, 30], [164, 81, 44], [192, 214, 137]],
        [[209, 84, 115], [40, 210, 15], [31, 116, 250], [166, 99, 20]]]),
]


@pytest.mark.parametrize("arguments, expected", _KERAS_MASKS)
def test_masks_equal_keras(arguments, expected):
    out = visualization.draw_segmentation_masks(_PIXELS, _MASKS, **arguments)
    blend = arguments.get("blend", True)
    assert out.dtype == (np.uint8 if blend else np.float32)
    np.testing.assert_array_equal(out[0], expected)


def test_masks_in_other_layouts_and_ranks_give_the_same_drawing():
    expected = visualization.draw_segmentation_masks(_PIXELS, _MASKS, num_classes=4)
    flat = visualization.draw_segmentation_masks(_PIXELS, _MASKS[..., 0], num_classes=4)
    first = visualization.draw_segmentation_masks(
        _PIXELS.transpose(0, 3, 1, 2), _MASKS.transpose(0, 3, 1, 2), num_classes=4,
        data_format="channels_first")
    np.testing.assert_array_equal(flat, expected)
    np.testing.assert_array_equal(first, expected)  # (channels last, as Keras returns it)


def test_inferred_classes_paint_the_largest_one_too():
    inferred = visualization.draw_segmentation_masks(_PIXELS, _MASKS)
    np.testing.assert_array_equal(
        inferred, visualization.draw_segmentation_masks(_PIXELS, _MASKS, num_classes=4))


@pytest.mark.parametrize("masks, arguments, error, message", [
    (_MASKS.astype(np.float32), {}, TypeError, "must hold integers"),
    (_MASKS[:, :2], {}, ValueError, "segmentation_masks must be"),
    (_MASKS, dict(color_mapping={0: (1, 2, 3)}), ValueError, r"it lacks \[1, 2, 3\]"),
    (_MASKS, dict(color_mapping={k: (1, 2) for k in range(4)}), ValueError,
     "one value per channel"),
])
def test_bad_masks_are_refused_by_name(masks, arguments, error, message):
    with pytest.raises(error, match=f"draw_segmentation_masks: .*{message}"):
        visualization.draw_segmentation_masks(_PIXELS, masks, **arguments)


# ----- the galleries -----
@pytest.fixture
def figure():
    """pyplot's current figure after the call (show=False leaves it open), closed after."""
    plt.close("all")
    yield plt.gcf
    plt.close("all")


def _pictures(fig):
    return [np.asarray(axis.get_images()[0].get_array()) for axis in fig.axes
            if axis.get_images()]


def test_an_image_gallery_as_keras_lays_it_out(figure):
    images = np.random.default_rng(0).uniform(0, 255, (5, 6, 7, 3)).astype(np.float32)
    visualization.plot_image_gallery(images, y_true=[0, 1, 2], y_pred=[1, 1, 9],
                                     label_map={0: "a", 1: "b", 2: "c"}, show=False)
    fig = figure()
    # (Keras' grid for 5 images: 3 rows, 5 // 3 = 1 column, so three are shown)
    assert len(fig.axes) == 3 and tuple(fig.get_size_inches()) == (2, 6)
    assert [axis.get_title() for axis in fig.axes] == [
        "Label: a  Pred: b", "Label: b  Pred: b", "Label: c  Pred: Unknown"]
    for picture, image in zip(_pictures(fig), images):
        np.testing.assert_array_equal(picture, image.astype(np.uint8))
    assert not any(axis.axison for axis in fig.axes)


def test_a_gallery_moves_its_value_range_and_fills_rows_and_columns(figure):
    images = np.random.default_rng(1).uniform(-1, 1, (4, 3, 5, 6)).astype(np.float32)
    visualization.plot_image_gallery(images, value_range=(-1, 1), rows=1, cols=4, scale=1.5,
                                     data_format="channels_first", show=False)
    fig = figure()
    assert len(fig.axes) == 4 and tuple(fig.get_size_inches()) == (6, 1.5)
    expected = ((images.transpose(0, 2, 3, 1) + np.float32(1)) / np.float32(2) *
                np.float32(255)).astype(np.uint8)
    np.testing.assert_array_equal(np.stack(_pictures(fig)), expected)


def test_a_gallery_is_saved_to_a_path_and_closed(tmp_path):
    plt.close("all")
    path = tmp_path / "gallery.png"
    visualization.plot_image_gallery(np.zeros((4, 5, 5, 1)), path=path)
    assert path.stat().st_size > 0 and not plt.get_fignums()


@pytest.mark.parametrize("arguments, message", [
    (dict(path="x.png", show=True), "either a path"),
    (dict(y_true=[0]), "label_map"),
    (dict(rows=3), "at least one row and column")])
def test_bad_gallery_arguments_are_refused_by_name(arguments, message):
    with pytest.raises(ValueError, match=f"plot_image_gallery: .*{message}"):
        visualization.plot_image_gallery(np.zeros((2, 4, 4, 3)), **arguments)


def test_a_box_gallery_draws_true_then_predicted_boxes_with_a_legend(figure):
    images = np.random.default_rng(2).uniform(0, 1, (2, 9, 11, 3)).astype(np.float32)
    y_true = {"boxes": [[[1, 1, 6, 6]], [[2, 2, 8, 7]]], "labels": [[0], [0]]}
    y_pred = {"boxes": [[[3, 2, 9, 8]], [[0, 0, 4, 4]]], "labels": [[1], [-1]]}
    visualization.plot_bounding_box_gallery(images, "xyxy", y_true=y_true, y_pred=y_pred,
                                            value_range=(0, 1), legend=True, rows=1,
                                            cols=2, show=False)
    fig = figure()
    drawn = visualization.draw_bounding_boxes(images * np.float32(255), y_true, "xyxy",
                                              color=(0, 188, 212))
    drawn = visualization.draw_bounding_boxes(drawn, y_pred, "xyxy", color=(255, 235, 59))
    np.testing.assert_array_equal(np.stack(_pictures(fig)), drawn)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Ground Truth",
                                                                  "Prediction"]
    with pytest.raises(ValueError, match="plot_bounding_box_gallery: .*not both"):
        visualization.plot_bounding_box_gallery(images, "xyxy", legend=True,
                                                legend_handles=["x"])


def test_a_mask_gallery_puts_each_image_beside_its_masks(figure):
    images = np.concatenate([_PIXELS, _PIXELS[:, ::-1]])
    masks = np.concatenate([_MASKS, _MASKS[:, ::-1]])
    visualization.plot_segmentation_mask_gallery(images, 4, y_true=masks, y_pred=masks[::-1],
                                                 alpha=0.35, show=False)
    fig = figure()
    assert len(fig.axes) == 6
    true = visualization.draw_segmentation_masks(images, masks, 4, alpha=0.35)
    pred = visualization.draw_segmentation_masks(images, masks[::-1], 4, alpha=0.35)
    expected = [images[0].astype(np.uint8), true[0], pred[0], images[1].astype(np.uint8),
                true[1], pred[1]]
    for picture, image in zip(_pictures(fig), expected):
        np.testing.assert_array_equal(picture, image)


def test_galleries_without_matplotlib_raise_an_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    for plot, arguments in ((visualization.plot_image_gallery, ()),
                            (visualization.plot_bounding_box_gallery, ("xyxy",)),
                            (visualization.plot_segmentation_mask_gallery, (2,))):
        with pytest.raises(ImportError, match=r"rungrad\[viz\]"):
            plot(np.zeros((1, 4, 4, 3)), *arguments)


def test_the_package_loads_lazily_and_without_matplotlib_or_pillow():
    code = ("import sys, nn.keras as keras; v = keras.visualization; "
            "assert 'matplotlib' not in sys.modules and 'PIL' not in sys.modules; "
            "assert sorted(v.__all__) == sorted(n for n in dir(v) if not n.startswith('_')"
            " and n in v.__all__); assert callable(v.draw_bounding_boxes); "
            "assert 'visualization' in keras.__all__")
    subprocess.run([sys.executable, "-c", code], check=True)
