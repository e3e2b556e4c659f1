"""keras.utils.bounding_boxes.encode_box_to_deltas and decode_deltas_to_boxes: boxes as
offsets from anchor boxes (a detector's regression targets) and back, in a center format
(center_yxhw or center_xywh): delta = ((center - anchor center) / anchor size,
log(size / anchor size)) / variance."""
import numpy as np

from ...layers.keras_settings import epsilon
from .conversion import convert_format
from .formats import box_array, format_name, image_size, needs_size

_CENTER_FORMATS = ("center_xywh", "center_yxhw")


def _variance(variance, who):
    """variance as four float32 factors, or None."""
    if variance is None:
        return None
    array = np.asarray(variance, dtype=np.float32)
    if array.shape[-1:] != (4,):
        raise ValueError(f"{who}: variance must be 4 numbers (one per coordinate), got "
                         f"{variance!r}")
    return array


def _image_size(image_shape, formats, who):
    """(height, width) of image_shape, which a relative format among `formats` needs."""
    names = [format_name(value, name, who) for name, value in formats]
    needs_size(names, image_shape is None, "image_shape=(height, width, channels)", who)
    return image_size(image_shape, who)


def _center_format(value, name, who):
    if value not in _CENTER_FORMATS:
        raise ValueError(f"{who}: {name} must be 'center_xywh' or 'center_yxhw', got "
                         f"{value!r}")
    return value


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format,
                         encoding_format="center_yxhw", variance=None, image_shape=None):
    """Deltas of boxes (N, 4) or (batch, N, 4) from anchors (N, 4), in encoding_format's
    order: (center - anchor center) / anchor size and log(size / anchor size), sizes kept
    from below epsilon(); divided by variance when given. image_shape (height, width,
    channels) for relative formats."""
    who = "encode_box_to_deltas"
    variance = _variance(variance, who)
    encoding_format = _center_format(encoding_format, "encoding_format", who)
    height, width = _image_size(image_shape, (("anchor_format", anchor_format),
                                              ("box_format", box_format)), who)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    eps = np.float32(epsilon())
    anchor_sizes = np.maximum(anchors[..., 2:], eps)
    deltas = np.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_sizes,
                             np.log(np.maximum(boxes[..., 2:], eps) / anchor_sizes)], axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format,
                           encoded_format="center_yxhw", variance=None, image_shape=None):
    """The boxes (in box_format) that boxes_delta ((N, 4) or (batch, N, 4), in
    encoded_format's order, times variance when given) make of anchors (N, 4): the inverse
    of encode_box_to_deltas. Dicts {level: array} of anchors and deltas give a dict of boxes
    per level."""
    who = "decode_deltas_to_boxes"
    variance = _variance(variance, who)
    encoded_format = _center_format(encoded_format, "encoded_format", who)
    height, width = _image_size(image_shape, (("anchor_format", anchor_format),
                                              ("box_format", box_format)), who)

    def decoded(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = box_array(delta, "boxes_delta", who).astype(np.float32)
        delta = delta if variance is None else delta * variance
        sizes = anchor[..., 2:]
        boxes = np.concatenate([delta[..., :2] * sizes + anchor[..., :2],
                                np.exp(delta[..., 2:]) * sizes], axis=-1)
        return convert_format(boxes, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) or isinstance(boxes_delta, dict):
        if not (isinstance(anchors, dict) and isinstance(boxes_delta, dict)) or set(
                anchors) != set(boxes_delta):
            raise ValueError(f"{who}: anchors and boxes_delta must both be arrays, or both "
                             "dicts with the same levels, got "
                             f"{_levels(anchors)} and {_levels(boxes_delta)}")
        return {level: decoded(anchors[level], boxes_delta[level]) for level in anchors}
    return decoded(anchors, boxes_delta)


def _levels(value):
    return f"levels {sorted(value, key=str)}" if isinstance(value, dict) else \
        type(value).__name__
