"""keras.utils.bounding_boxes' geometry on xyxy boxes: clip_to_image_size, crop, pad and
affine_transform (the boxes' corners through the affine map Keras' geometric layers use)."""
import math

import numpy as np

from autograd.backend import to_cpu

from .formats import box_array, only_xyxy


def _offset_dtype(boxes, *offsets):
    """The dtype of boxes shifted by `offsets`: the boxes' own, or float32 (Keras', torch's
    default) when whole-number boxes are shifted by fractions."""
    if boxes.dtype.kind == "f" or all(np.asarray(o).dtype.kind in "biu" for o in offsets
                                      if o is not None):
        return boxes.dtype
    return np.dtype(np.float32)


def _clipped(boxes, height, width):
    """xyxy boxes with x in [0, width] and y in [0, height] (None: no upper bound)."""
    limits = [width, height, width, height]
    if height is None or width is None:
        return np.stack([np.clip(boxes[..., i], 0, limits[i]) for i in range(4)], axis=-1)
    return np.clip(boxes, 0, np.asarray(limits, dtype=boxes.dtype))


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """{"boxes": (N, 4) or (batch, N, 4), "labels": (N,) or (batch, N)} with the boxes
    clipped into the image (xyxy: [0, width] x [0, height]; rel_xyxy: [0, 1]) and the label
    of a box left with no area -1; a new dict."""
    who = "clip_to_image_size"
    fmt = only_xyxy(bounding_box_format, who, ("xyxy", "rel_xyxy"))
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes:
        raise ValueError(f"{who}: bounding_boxes must be a dict with 'boxes' (and 'labels'), "
                         f"got {type(bounding_boxes).__name__}")
    if fmt == "xyxy" and (height is None or width is None):
        raise ValueError(f"{who}: height and width must be given for bounding_box_format="
                         f"'xyxy', got height={height!r}, width={width!r}")
    boxes = box_array(bounding_boxes["boxes"], "bounding_boxes['boxes']", who)
    if fmt == "rel_xyxy":
        height = width = 1.0
    boxes = _clipped(boxes, np.asarray(height).astype(boxes.dtype),
                     np.asarray(width).astype(boxes.dtype))
    result = {**bounding_boxes, "boxes": boxes}
    if bounding_boxes.get("labels") is not None:
        result["labels"] = _kept_labels(bounding_boxes["labels"], boxes, who)
    return result


def _kept_labels(labels, boxes, who):
    """labels, -1 where the clipped box has no area left (Keras' width * height > 0)."""
    labels = np.asarray(labels)
    if labels.shape != boxes.shape[:-1]:
        raise ValueError(f"{who}: bounding_boxes['labels'] must have one label per box, shape "
                         f"{boxes.shape[:-1]}, got {labels.shape}")
    areas = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return np.where(areas > 0, labels, np.asarray(-1).astype(labels.dtype))


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """xyxy boxes in the frame of the crop whose top-left corner is (left, top): shifted by
    (-left, -top) and clipped to [0, width] x [0, height] (None: no upper bound)."""
    who = "crop"
    only_xyxy(bounding_box_format, who)
    boxes = box_array(boxes, "boxes", who)
    dtype = _offset_dtype(boxes, top, left)
    shifted = boxes.astype(dtype) - np.asarray([left, top, left, top]).astype(dtype)
    return _clipped(shifted, height, width).astype(dtype, copy=False)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """xyxy boxes moved by (left, top), as the image is padded that much at its top left
    (height and width are not needed: Keras' take them and leave them)."""
    who = "pad"
    only_xyxy(bounding_box_format, who)
    boxes = box_array(boxes, "boxes", who)
    dtype = _offset_dtype(boxes, top, left)
    return boxes.astype(dtype) + np.asarray([left, top, left, top]).astype(dtype)


def _compute_dtype(angle):
    """Keras' computing dtype: angle's, where it is an array of floats; else float32."""
    given = np.asarray(to_cpu(angle))
    return given.dtype if given.dtype.kind == "f" and given.ndim else np.dtype(np.float32)


def _per_image(value, name, batch, dtype, who):
    """An affine setting as (batch,) values: a number for every image, or one per image."""
    array = np.asarray(value, dtype=dtype)
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] not in (1, batch)):
        raise ValueError(f"{who}: {name} must be a number or one per image ({batch}), got "
                         f"shape {array.shape}")
    return np.broadcast_to(array.reshape(-1), (batch,))


def _affine_maps(center, angle, translate, scale, shear, size):
    """The (batch, 2, 3) maps [L | t] of Keras' affine boxes: L = scale * R(angle, shear)^-1
    (rotation by -angle with shears -shear, Keras' RandomAffine convention), and t keeping
    the pixel center fixed after the move by translate (fractions of size - 1)."""
    spans = [n - 1 for n in size]  # (Keras' pixel grid: the center of W pixels is (W-1)/2)
    cx, cy = (c * s for c, s in zip(center, spans))
    tx, ty = (-t * s for t, s in zip(translate, spans))
    rot = -angle * (math.pi / 180.0)
    sx, sy = (-s * (math.pi / 180.0) for s in shear)
    a = np.cos(rot - sy) / np.cos(sy)
    c = -np.sin(rot - sy) / np.cos(sy)
    b = a * np.tan(sx) + np.sin(rot)
    d = np.cos(rot) - c * np.tan(sx)
    l00, l01, l10, l11 = d * scale, -b * scale, -c * scale, a * scale
    moved_x, moved_y = cx + tx, cy + ty
    t0 = cx - l00 * moved_x - l01 * moved_y
    t1 = cy - l10 * moved_x - l11 * moved_y
    return np.stack([l00, l01, t0, l10, l11, t1], axis=-1).reshape(-1, 2, 3)


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                     width, center_x=None, center_y=None, bounding_box_format="xyxy"):
    """xyxy boxes (batch, N, 4) (or one image's (N, 4)) through image-wise affine maps: the
    four corners of each box mapped, and the box around them. angle, shear_x and shear_y in
    degrees, translate_* and center_* (default 0.5) fractions of the image, scale a factor;
    each a number or one per image."""
    who = "affine_transform"
    only_xyxy(bounding_box_format, who)
    boxes = box_array(boxes, "boxes", who, (2, 3))
    dtype = _compute_dtype(angle)
    batched = boxes if boxes.ndim == 3 else boxes[None]
    batch = batched.shape[0]
    settings = {name: _per_image(value, name, batch, dtype, who) for name, value in (
        ("angle", angle), ("translate_x", translate_x), ("translate_y", translate_y),
        ("scale", scale), ("shear_x", shear_x), ("shear_y", shear_y),
        ("center_x", 0.5 if center_x is None else center_x),
        ("center_y", 0.5 if center_y is None else center_y))}
    maps = _affine_maps((settings["center_x"], settings["center_y"]), settings["angle"],
                        (settings["translate_x"], settings["translate_y"]), settings["scale"],
                        (settings["shear_x"], settings["shear_y"]), (width, height))
    x1, y1, x2, y2 = (batched[..., i].astype(dtype) for i in range(4))
    corners = np.stack([np.stack(p, -1) for p in ((x1, y1), (x2, y1), (x2, y2), (x1, y2))],
                       axis=-2)  # (batch, N, 4 corners, 2)
    moved = np.einsum("bnkj,bij->bnki", corners, maps[..., :2]) + maps[:, None, None, :, 2]
    out = np.concatenate([moved.min(axis=-2), moved.max(axis=-2)], axis=-1)
    return out if boxes.ndim == 3 else out[0]
