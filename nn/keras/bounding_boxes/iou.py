"""keras.utils.bounding_boxes.compute_iou and compute_ciou: how much boxes overlap, in
float32 as Keras computes them, the fuzz factor keras.config.epsilon() (1e-7) keeping
divisions by zero away."""
import math

import numpy as np

from ...layers.keras_settings import epsilon
from .formats import box_array, converted, format_name, image_size, needs_size


def _xyxy(boxes, name, fmt, image_shape, who, ranks=None):
    """boxes (Keras' float32) in absolute xyxy."""
    height, width = image_size(image_shape, who)
    array = box_array(boxes, name, who, ranks).astype(np.float32)
    return converted(array, fmt, "xyxy", height, width, np.dtype(np.float32))


def _format(bounding_box_format, image_shape, who):
    fmt = format_name(bounding_box_format, "bounding_box_format", who)
    needs_size((fmt,), image_shape is None, "image_shape=(height, width, channels)", who)
    return fmt


def _areas(boxes):
    """(x2 - x1) * (y2 - y1) of xyxy boxes (..., 4): (...)."""
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def _intersections(boxes1, boxes2):
    """The overlap areas of every pair: xyxy boxes (..., M, 4) and (..., N, 4) give
    (..., M, N) (none below 0)."""
    low = np.maximum(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    high = np.minimum(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    sides = np.maximum(high - low, 0)
    return sides[..., 0] * sides[..., 1]


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1,
                image_shape=None):
    """IoU of every pair: boxes1 (M, 4) or (batch, M, 4), boxes2 (N, 4) or (batch, N, 4) give
    (M, N) or (batch, M, N): intersection / (union + epsilon). use_masking: the pairs where
    either box has all four numbers below 0 (padding) read mask_val."""
    who = "compute_iou"
    fmt = _format(bounding_box_format, image_shape, who)
    boxes1 = _xyxy(boxes1, "boxes1", fmt, image_shape, who, (2, 3))
    boxes2 = _xyxy(boxes2, "boxes2", fmt, image_shape, who, (2, 3))
    if boxes1.ndim == boxes2.ndim == 3 and boxes1.shape[0] != boxes2.shape[0]:
        raise ValueError(f"{who}: boxes1 and boxes2 must have the same batch size, got shapes "
                         f"{boxes1.shape} and {boxes2.shape}")
    overlap = _intersections(boxes1, boxes2)
    union = _areas(boxes1)[..., :, None] + _areas(boxes2)[..., None, :] - overlap
    iou = overlap / (union + np.float32(epsilon()))
    if not use_masking:
        return iou
    padding = (boxes1.max(-1) < 0)[..., :, None] | (boxes2.max(-1) < 0)[..., None, :]
    return np.where(padding, np.asarray(mask_val).astype(iou.dtype), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Complete IoU of boxes1 and boxes2 box by box ((..., 4), broadcast together, give
    (...)): IoU - d^2 / c^2 - alpha v, with d the distance between the centers, c the
    diagonal of the smallest box holding both, v = 4 / pi^2 (atan(w2 / h2) -
    atan(w1 / h1))^2 and alpha = v / (v - IoU + 1)."""
    who = "compute_ciou"
    fmt = _format(bounding_box_format, image_shape, who)
    boxes1 = _xyxy(boxes1, "boxes1", fmt, image_shape, who)
    boxes2 = _xyxy(boxes2, "boxes2", fmt, image_shape, who)
    try:
        np.broadcast_shapes(boxes1.shape, boxes2.shape)
    except ValueError:
        raise ValueError(f"{who}: boxes1 and boxes2 are compared box by box, so their shapes "
                         f"must broadcast, got {boxes1.shape} and {boxes2.shape}") from None
    eps = np.float32(epsilon())
    x1a, y1a, x2a, y2a = (boxes1[..., i] for i in range(4))
    x1b, y1b, x2b, y2b = (boxes2[..., i] for i in range(4))
    w1, h1 = x2a - x1a, y2a - y1a + eps  # (the heights kept off zero for the aspect ratios)
    w2, h2 = x2b - x1b, y2b - y1b + eps
    overlap = (np.maximum(np.minimum(x2a, x2b) - np.maximum(x1a, x1b), 0)
               * np.maximum(np.minimum(y2a, y2b) - np.maximum(y1a, y1b), 0))
    iou = overlap / (w1 * h1 + w2 * h2 - overlap + eps + eps)
    hull_w = np.maximum(x2a, x2b) - np.minimum(x1a, x1b)
    hull_h = np.maximum(y2a, y2b) - np.minimum(y1a, y1b)
    diagonal = hull_w ** 2 + hull_h ** 2 + eps
    distance = ((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2
                                                           - (y1b + y2b) / 2) ** 2
    v = (4 / math.pi ** 2) * (np.arctan(w2 / h2) - np.arctan(w1 / h1)) ** 2
    alpha = v / (v - iou + (1 + eps))
    return iou - (distance / diagonal + v * alpha)
