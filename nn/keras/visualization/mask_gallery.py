"""keras.visualization.plot_segmentation_mask_gallery: plot_image_gallery of each image
beside its true and predicted masks drawn by draw_segmentation_masks."""
import numpy as np

from ._images import as_numpy, image_batch, to_255
from .image_gallery import plot_image_gallery, pyplot
from .mask_drawing import draw_segmentation_masks

_WHO = "plot_segmentation_mask_gallery"


def plot_segmentation_mask_gallery(images, num_classes, value_range=(0, 255), y_true=None,
                                   y_pred=None, color_mapping=None, blend=True, alpha=0.8,
                                   ignore_index=-1, data_format=None, **kwargs):
    """plot_image_gallery (its other arguments in kwargs) of one row per image (N, H, W, C)
    in value_range: the image, then y_true's masks and y_pred's (each (N, H, W, 1) or (N,
    H, W), cut to int32) drawn on it by draw_segmentation_masks (num_classes,
    color_mapping, blend, alpha, ignore_index). The images are moved to 0-255 before the
    masks are drawn (Keras draws on them as given, then moves all of them: its galleries
    of other ranges come out wrong); in 0-255, as Keras'."""
    pyplot(_WHO)
    images, first = image_batch(images, data_format, _WHO)
    images = to_255(images, value_range)
    columns = [images]
    for masks in (y_true, y_pred):
        if masks is not None:
            masks = as_numpy(masks)
            masks = np.moveaxis(masks, 1, -1) if first and masks.ndim == 4 else masks
            columns.append(draw_segmentation_masks(
                images, masks.astype(np.int32), num_classes=num_classes,
                color_mapping=color_mapping, alpha=alpha, ignore_index=ignore_index,
                blend=blend, data_format="channels_last"))
    gallery = np.stack([column[i] for i in range(len(images)) for column in columns])
    return plot_image_gallery(gallery, value_range=(0, 255), rows=len(images),
                              cols=len(columns), data_format="channels_last", **kwargs)


__all__ = ["plot_segmentation_mask_gallery"]
