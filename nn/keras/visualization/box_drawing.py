"""keras.visualization.draw_bounding_boxes: boxes (and their class labels) drawn on a batch
of images, the boxes' pixels those of Keras' cv2.rectangle, without OpenCV."""
import numpy as np

from ..bounding_boxes import convert_format
from ._images import as_numpy, image_batch, in_layout
from .box_labels import text_location, text_mask
from .rectangles import rectangle_mask

_WHO = "draw_bounding_boxes"


def draw_bounding_boxes(images, bounding_boxes, bounding_box_format, class_mapping=None,
                        color=(128, 128, 128), line_thickness=2, text_thickness=1,
                        font_scale=1.0, data_format=None):
    """uint8 copies of images (N, H, W, C) with each box of bounding_boxes {"boxes" (N, B, 4)
    in bounding_box_format, "labels" (N, B), optional "confidences" (N, B)} drawn in
    `color` (one value per channel, as cv2's), line_thickness pixels (cv2's: a band
    (t + 1) // 2 either side, round corners; < 0 fills); a label of -1 skips its box. A box
    whose label is in class_mapping gets its name ("name | 0.93" with a confidence) in
    Pillow's font (text_thickness, font_scale). Images in floats become uint8 as Keras':
    clipped to [0, 1] and scaled when their largest value is at most 1, else clipped to
    0-255; then cut. As Keras, corners are cut to whole pixels. data_format=
    'channels_first' reads and gives (N, C, H, W)."""
    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    batch, first = image_batch(images, data_format, _WHO)
    if batch.shape[-1] > 4:
        raise ValueError(f"{_WHO}: images may have at most 4 channels (as OpenCV's), got "
                         f"{batch.shape[-1]}")
    boxes, labels, confidences = _parts(bounding_boxes, bounding_box_format, batch.shape)
    drawn = _as_uint8(batch)
    values = _color_values(color, drawn.shape[-1])
    for i, image in enumerate(drawn):
        for j in np.flatnonzero(labels[i] != -1):  # (a label of -1 marks padding)
            text = _label_text(class_mapping, labels[i][j],
                               None if confidences is None else confidences[i][j])
            _draw_box(image, boxes[i][j], text, values, line_thickness, font_scale,
                      text_thickness)
    return in_layout(drawn, first)


def _label_text(class_mapping, label, confidence):
    """The text beside a box: its class's name ("name | 0.93" with a confidence), or None
    when class_mapping does not name it."""
    if int(label) not in class_mapping:
        return None
    text = str(class_mapping[int(label)])
    return text if confidence is None else f"{text} | {confidence:.2f}"


def _draw_box(image, box, text, values, line_thickness, font_scale, text_thickness):
    """One box (x1, y1, x2, y2 whole pixels) and its text painted `values` on image
    (H, W, C), in place."""
    x1, y1, x2, y2 = (int(v) for v in box)
    height, width = image.shape[:2]
    image[rectangle_mask(height, width, (x1, y1), (x2, y2), line_thickness)] = values
    if text is not None:
        origin = text_location(x1, y1, font_scale, text_thickness)
        image[text_mask(height, width, text, origin, font_scale, text_thickness, _WHO)] = \
            values


def _parts(bounding_boxes, bounding_box_format, shape):
    """(boxes (N, B, 4) int32 xyxy corners, labels (N, B) int32, confidences or None)."""
    if not isinstance(bounding_boxes, dict):
        raise TypeError(f"{_WHO}: bounding_boxes must be a dict with 'boxes' and 'labels', "
                        f"got {type(bounding_boxes).__name__}")
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(f"{_WHO}: bounding_boxes must have 'boxes' and 'labels', got the "
                         f"keys {sorted(bounding_boxes)}")
    corners = convert_format(bounding_boxes["boxes"], bounding_box_format, "xyxy",
                             shape[1], shape[2])
    labels = as_numpy(bounding_boxes["labels"])
    if corners.ndim != 3 or corners.shape[0] != shape[0] or labels.shape != corners.shape[:2]:
        raise ValueError(f"{_WHO}: boxes must be (N, B, 4) and labels (N, B) for N = "
                         f"{shape[0]} images, got {corners.shape} and {labels.shape}")
    confidences = bounding_boxes.get("confidences")
    return (corners.astype(np.int32), labels.astype(np.int32),
            None if confidences is None else as_numpy(confidences))


def _as_uint8(images):
    """Keras' conversion of the images to uint8 (a copy): floats whose largest value is at
    most 1 scaled by 255 (clipped to [0, 1] first), other floats clipped to 0-255; cut."""
    if images.dtype.kind == "f" and images.size:
        images = np.clip(images, 0, 1) * 255 if images.max() <= 1.0 else \
            np.clip(images, 0, 255)
    return images.astype(np.uint8)


def _color_values(color, channels):
    """cv2's color on `channels` channels: a number or one value per channel (missing ones
    0), rounded half to even and saturated to 0-255."""
    values = np.zeros(max(channels, 4))
    given = np.atleast_1d(np.asarray(color, np.float64)).ravel()
    if given.size > 4 or given.size == 0:
        raise ValueError(f"{_WHO}: color must be a number or up to 4 values, got {color!r}")
    values[:given.size] = given
    return np.clip(np.rint(values[:channels]), 0, 255).astype(np.uint8)


__all__ = ["draw_bounding_boxes"]
