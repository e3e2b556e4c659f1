"""The bounding boxes of Keras' image augmentation layers (Keras 3.15's transform_bounding_boxes):
the dict {"boxes": (B, N, 4), "labels": (B, N)} read as NumPy float32 (Keras converts every
box to float32), and the geometry its layers apply, each written once here: a flip, a
shift, a window clipped out, Resizing's three scalings, a rotation, a projective map (a
shear, a homography). Clipping is keras.utils.bounding_boxes' clip_to_image_size (a box left
with no area gets label -1). The boxes follow the pixels: where Keras 3.15's boxes do not
(RandomCrop, RandomRotation, RandomShear, RandomPerspective, RandomFlip, MixUp, RandAugment),
the layer says how it differs."""
import numpy as np

from autograd.backend import to_cpu

from ..bounding_boxes import affine_transform, clip_to_image_size, convert_format
from ._base import CHANNELS_FIRST

_F32 = np.float32


class Sized(tuple):
    """A tuple transformation (RandomCrop's corner, Resizing's size) that also carries the
    images' shape in Keras' layout, as a dict transformation's "input_shape" does."""

    input_shape = None


def with_input_shape(transformation, shape):
    """`transformation` knowing the images' Keras `shape`: a dict gets "input_shape", a tuple
    becomes a Sized one; anything else is given back."""
    if isinstance(transformation, dict):
        transformation["input_shape"] = shape
    elif isinstance(transformation, tuple):
        transformation = Sized(transformation)
        transformation.input_shape = shape
    return transformation


def box_dict(bounding_boxes, who):
    """{"boxes": float32 (..., 4), "labels": as given (if given)}: a new dict, or a ValueError
    naming `who`."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes:
        raise ValueError(f"{who}: bounding_boxes must be a dict with 'boxes' (and 'labels'), "
                         f"got {type(bounding_boxes).__name__}")
    boxes = to_cpu(bounding_boxes["boxes"]).astype(_F32)
    if boxes.ndim not in (2, 3) or boxes.shape[-1] != 4:
        raise ValueError(f"{who}: bounding_boxes['boxes'] must have shape (N, 4) or (batch, "
                         f"N, 4), got {boxes.shape}")
    out = {**bounding_boxes, "boxes": boxes}
    if bounding_boxes.get("labels") is not None:
        out["labels"] = to_cpu(bounding_boxes["labels"])
    return out


def image_size(input_shape, layout):
    """(height, width) of images of shape `input_shape` in Keras' `layout`."""
    return tuple(input_shape[-2:]) if layout == CHANNELS_FIRST else tuple(input_shape[-3:-1])


def converted(bounding_boxes, source, target, height, width):
    """The dict's boxes from `source` to `target` format (float32)."""
    return convert_format(bounding_boxes, source, target, height, width)


def clipped(bounding_boxes, height, width, fmt="xyxy"):
    """clip_to_image_size, the boxes kept float32 (labels -1 where no area is left)."""
    out = clip_to_image_size(bounding_boxes, height, width, fmt)
    return {**out, "boxes": out["boxes"].astype(_F32)}


def per_image(values, boxes):
    """(B,) settings as (B, 1) beside a batch's (B, N) box coordinates."""
    return to_cpu(values).astype(_F32).reshape(-1, *([1] * (boxes.ndim - 2)))


def flipped(boxes, flips, horizontal, vertical):
    """rel_xyxy boxes (B, N, 4) of the images where flips (B,) is true mirrored left-right
    (x -> 1 - x) and/or upside down (y -> 1 - y)."""
    flips = to_cpu(flips).reshape(-1, 1, 1).astype(bool)
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    if horizontal:
        boxes = np.where(flips, np.stack([1 - x2, y1, 1 - x1, y2], -1), boxes)
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    if vertical:
        boxes = np.where(flips, np.stack([x1, 1 - y2, x2, 1 - y1], -1), boxes)
    return boxes.astype(_F32)


def shifted(boxes, right, down):
    """xyxy boxes moved by (right, down) pixels, each (B, 1) or a number."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    return np.stack([x1 + right, y1 + down, x2 + right, y2 + down], -1).astype(_F32)


def windowed(boxes, top, left, bottom, right):
    """xyxy boxes clipped into the window [left, right] x [top, bottom] and put in its frame
    (the bounds numbers or (B, 1))."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    return np.stack([np.clip(x1, left, right) - left, np.clip(y1, top, bottom) - top,
                     np.clip(x2, left, right) - left, np.clip(y2, top, bottom) - top],
                    -1).astype(_F32)


def scaled(boxes, scale_x, scale_y, left=0.0, top=0.0):
    """xyxy boxes x * scale_x + left, y * scale_y + top."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    return np.stack([x1 * scale_x + left, y1 * scale_y + top, x2 * scale_x + left,
                     y2 * scale_y + top], -1).astype(_F32)


def rotated(boxes, angles, height, width):
    """xyxy boxes (B, N, 4) through affine_transform's rotation by `angles` (B,) degrees
    about the image's centre (W / 2, H / 2) (the box around the turned corners)."""
    angles = to_cpu(angles).astype(_F32).reshape(-1)
    zeros, ones = np.zeros_like(angles), np.ones_like(angles)
    # (affine_transform turns about ((W - 1) / 2, (H - 1) / 2), the centre in pixel
    # indices: the edges are half a pixel from them)
    turned = affine_transform(shifted(boxes, -0.5, -0.5), angles, zeros, zeros, ones, zeros,
                              zeros, height, width)
    return shifted(turned, 0.5, 0.5)


def shear_maps(shears):
    """(B, 3, 3) maps of shears (B, 2) (s_x, s_y) from output pixels to the input pixels
    they show: (x, y) -> (x + s_x y, s_y x + y)."""
    shears = to_cpu(shears).astype(_F32).reshape(-1, 2)
    maps = np.tile(np.eye(3, dtype=_F32), (len(shears), 1, 1))
    maps[:, 0, 1], maps[:, 1, 0] = shears[:, 0], shears[:, 1]
    return maps


def projected(boxes, maps, applied):
    """xyxy boxes (B, N, 4) of the images where `applied` (B,) (None: all): the box around
    its four corners through the inverse of each image's (B, 3, 3) map from output pixels to
    input pixels (a projective map takes the box's edges to straight lines)."""
    inverse = np.linalg.inv(to_cpu(maps).astype(_F32))[:, None]  # (B, 1, 3, 3)
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    xs, ys = [], []
    for x, y in ((x1, y1), (x2, y2), (x1, y2), (x2, y1)):
        points = np.stack([x, y, np.ones_like(x)], -1)  # (B, N, 3)
        moved = np.einsum("bnij,bnj->bni", np.broadcast_to(
            inverse, points.shape[:2] + (3, 3)), points)
        xs.append(moved[..., 0] / moved[..., 2])
        ys.append(moved[..., 1] / moved[..., 2])
    xs, ys = np.stack(xs, -1), np.stack(ys, -1)
    moved = np.stack([xs.min(-1), ys.min(-1), xs.max(-1), ys.max(-1)], -1)
    if applied is None:
        return moved.astype(_F32)
    applied = to_cpu(applied).reshape(-1, 1, 1).astype(bool)
    return np.where(applied, moved, boxes).astype(_F32)


__all__ = []
