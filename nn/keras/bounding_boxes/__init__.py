"""Keras' `keras.utils.bounding_boxes` (Keras 3.15), in NumPy: convert_format between the box
formats (formats), compute_iou and compute_ciou (iou), clip_to_image_size, crop, pad and
affine_transform (geometry), encode_box_to_deltas and decode_deltas_to_boxes (deltas).
Boxes are arrays (..., 4) (Variables, torch tensors and lists are read as arrays), one
image's (N, 4) or a batch's (batch, N, 4); the results are NumPy arrays."""
from .conversion import convert_format
from .deltas import decode_deltas_to_boxes, encode_box_to_deltas
from .geometry import affine_transform, clip_to_image_size, crop, pad
from .iou import compute_ciou, compute_iou

__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou",
           "convert_format", "crop", "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]
