"""keras.visualization.draw_segmentation_masks: each class of a segmentation mask painted in
its colour on a batch of images, blended with them."""
import numpy as np

from ._images import as_numpy, image_batch

_WHO = "draw_segmentation_masks"


def draw_segmentation_masks(images, segmentation_masks, num_classes=None, color_mapping=None,
                            alpha=0.8, blend=True, ignore_index=-1, data_format=None):
    """images (N, H, W, 3) with the pixels of class k (0 <= k < num_classes) in masks
    (N, H, W, 1) or (N, H, W) of integers painted color_mapping[k] (default: Keras'
    palette, k * (2**25 - 1, 2**15 - 1, 2**21 - 1) mod 255); other classes keep the image.
    blend: images (1 - alpha) + painted alpha in float32, pixels of ignore_index left as
    the image, cut to uint8 (Keras'); else the painted images in float32. num_classes=None:
    the largest class + 1 (Keras takes the largest, which its torch backend refuses and its
    others leave unpainted). data_format='channels_first': (N, C, H, W) images and
    (N, 1, H, W) masks, the result (N, H, W, C) as Keras'."""
    batch, first = image_batch(images, data_format, _WHO)
    masks = _masks(segmentation_masks, batch.shape, first)
    if num_classes is None:
        num_classes = int(masks.max()) + 1 if masks.size else 0
    colors = _colors(num_classes, color_mapping, batch.shape[-1])
    images = batch.astype(np.float32)
    painted = images.copy()
    for k, color in enumerate(colors):
        painted[masks == k] = color
    if not blend:
        return painted
    mixed = images * np.float32(1 - alpha) + painted * np.float32(alpha)
    kept = (masks != ignore_index)[..., None]
    with np.errstate(invalid="ignore"):  # (NaN pixels: the cast's own result)
        return np.where(kept, mixed, images).astype(np.uint8)


def _masks(segmentation_masks, shape, first):
    """The masks as integers (N, H, W), checked against the images' shape (N, H, W, C)."""
    masks = as_numpy(segmentation_masks)
    if masks.dtype.kind not in "iu":
        raise TypeError(f"{_WHO}: segmentation_masks must hold integers, got dtype "
                        f"{masks.dtype}")
    given = masks.shape
    if masks.ndim == 4:
        masks = np.moveaxis(masks, 1, -1) if first else masks
        masks = masks[..., 0] if masks.shape[-1] == 1 else masks
    if masks.shape != shape[:3]:
        layout = "(N, 1, H, W)" if first else "(N, H, W, 1)"
        raise ValueError(f"{_WHO}: segmentation_masks must be {layout} or (N, H, W) for "
                         f"images of {shape[:3]} (N, H, W), got {given}")
    return masks


def _colors(num_classes, color_mapping, channels):
    """One float32 colour per class, checked to have one value per channel."""
    if color_mapping is None:
        palette = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
        colors = [(k * palette) % 255 for k in range(num_classes)]
    else:
        missing = [k for k in range(num_classes) if k not in color_mapping]
        if missing:
            raise ValueError(f"{_WHO}: color_mapping needs a colour for each class 0 to "
                             f"{num_classes - 1}; it lacks {missing}")
        colors = [color_mapping[k] for k in range(num_classes)]
    colors = [np.asarray(c, np.float32) for c in colors]
    for k, color in enumerate(colors):
        if color.shape != (channels,):
            raise ValueError(f"{_WHO}: the colour of class {k} must have one value per "
                             f"channel ({channels}), got {color.tolist()}")
    return colors


__all__ = ["draw_segmentation_masks"]
