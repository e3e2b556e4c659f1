"""Keras' MaxNumBoundingBoxes: every image's bounding boxes cut or padded to one number of
boxes, so that a batch of them stacks (a detector's fixed-size targets)."""
import numbers

import numpy as np

from autograd.arguments import nonnegative_int

from ...layers.config import init_config
from ...module import Module
from ..bounding_boxes.formats import box_array
from ._base import KerasLayer, data_format_name

_KEYS = ("images", "labels", "bounding_boxes", "segmentation_masks")


class MaxNumBoundingBoxes(Module, KerasLayer):
    """On Keras 3's dict {"images", "bounding_boxes": {"boxes", "labels"}, ...}: the first
    max_number boxes of each image kept, and too few padded with fill_value (boxes and
    labels), in training and inference alike; boxes come back float32 (Keras'), labels in
    their dtype, the images and the rest as they are. As in Keras, a dict with bounding boxes
    needs bounding_box_format (any format: the boxes are not read)."""

    def __init__(self, max_number, fill_value=-1, *, bounding_box_format=None,
                 data_format=None, name=None, input_shape=None):
        super().__init__()
        self._keras_arguments(name, input_shape)
        self.max_number = nonnegative_int(max_number, "max_number", self.who)
        if isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real):
            raise ValueError(f"{self.who}: fill_value must be a number, got {fill_value!r}")
        self.fill_value = int(fill_value)  # (Keras' int(): boxes and labels get the same)
        self.bounding_box_format = bounding_box_format
        self.data_format = data_format
        data_format_name(data_format, self.who)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, data):
        if not isinstance(data, dict):
            return self._images(data)
        unknown = set(data) - set(_KEYS)
        if "images" not in data or unknown:
            raise ValueError(f"{self.who}: expected images or a dict with 'images' (and "
                             f"'bounding_boxes', 'labels', 'segmentation_masks'), got the "
                             f"keys {sorted(data)}")
        out = dict(data)
        out["images"] = self._images(data["images"])
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(f"{self.who}: the input has 'bounding_boxes' but the layer "
                                 "has no bounding_box_format; pass one, e.g. "
                                 "bounding_box_format='xyxy' (Keras asks for it too)")
            out["bounding_boxes"] = self._per_image(data["bounding_boxes"],
                                                    out["images"].ndim == 4)
        return out

    def _per_image(self, bounding_boxes, batched):
        """transform_bounding_boxes on a batch's boxes, or on one image's as a batch of one."""
        boxes, labels = _boxes_and_labels(bounding_boxes, batched, self.who)
        if batched:
            return self.transform_bounding_boxes({**bounding_boxes, "boxes": boxes,
                                                  "labels": labels}, None)
        one = self.transform_bounding_boxes({"boxes": boxes[None], "labels": labels[None]},
                                            None)
        return {**bounding_boxes, "boxes": one["boxes"][0], "labels": one["labels"][0]}

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """{"boxes": (batch, N, 4), "labels": (batch, N)} with max_number boxes per image: the
        first ones, then fill_value; a new dict."""
        boxes = np.asarray(bounding_boxes["boxes"], dtype=np.float32)
        labels = np.asarray(bounding_boxes["labels"])
        return {**bounding_boxes, "boxes": self._fitted(boxes), "labels": self._fitted(labels)}

    def _fitted(self, values):
        """values (batch, N, ...) cut or padded with fill_value to (batch, max_number, ...)."""
        kept = values[:, :self.max_number]
        missing = self.max_number - kept.shape[1]
        filler = np.full((kept.shape[0], missing) + kept.shape[2:], self.fill_value,
                         dtype=kept.dtype)
        return np.concatenate([kept, filler], axis=1)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def transform_segmentation_masks(self, masks, transformation=None, training=True):
        return masks


def _boxes_and_labels(bounding_boxes, batched, who):
    """The boxes (float32) and labels of a dict {"boxes", "labels"}, their shapes checked:
    (batch, N, 4) and (batch, N), or one image's (N, 4) and (N,)."""
    if not isinstance(bounding_boxes, dict) or not {"boxes", "labels"} <= set(bounding_boxes):
        got = sorted(bounding_boxes) if isinstance(bounding_boxes, dict) else \
            type(bounding_boxes).__name__
        raise ValueError(f"{who}: bounding_boxes must be a dict with 'boxes' and 'labels', "
                         f"got {got}")
    rank = 3 if batched else 2
    boxes = box_array(bounding_boxes["boxes"], "bounding_boxes['boxes']", who, (rank,))
    labels = np.asarray(bounding_boxes["labels"])
    if labels.shape != boxes.shape[:-1]:
        raise ValueError(f"{who}: bounding_boxes['labels'] must have one label per box, shape "
                         f"{boxes.shape[:-1]}, got {labels.shape}")
    return boxes.astype(np.float32), labels


__all__ = ["MaxNumBoundingBoxes"]
