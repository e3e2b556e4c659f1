"""keras.visualization.plot_bounding_box_gallery: plot_image_gallery of images with their
true and predicted boxes drawn by draw_bounding_boxes."""
import numpy as np

from ._images import image_batch, to_255
from .box_drawing import draw_bounding_boxes
from .image_gallery import plot_image_gallery, pyplot

_WHO = "plot_bounding_box_gallery"


def plot_bounding_box_gallery(images, bounding_box_format, y_true=None, y_pred=None,
                              value_range=(0, 255), true_color=(0, 188, 212),
                              pred_color=(255, 235, 59), line_thickness=2, font_scale=1.0,
                              text_thickness=None, class_mapping=None,
                              ground_truth_mapping=None, prediction_mapping=None,
                              legend=False, legend_handles=None, rows=None, cols=None,
                              data_format=None, **kwargs):
    """plot_image_gallery (its other arguments in kwargs) of images (N, H, W, C) in
    value_range, y_true's boxes drawn in true_color and then y_pred's in pred_color (dicts
    as draw_bounding_boxes takes, named by ground_truth_mapping / prediction_mapping, each
    class_mapping by default). legend=True adds a legend of the two colours ("Ground
    Truth", "Prediction"); legend_handles, a legend of one's own. The images are moved to
    0-255 before the boxes are drawn (Keras draws first, then moves the drawn uint8 images
    again: its galleries of other ranges come out wrong); in 0-255, as Keras'."""
    patches = _patches()
    ground_truth_mapping = ground_truth_mapping or class_mapping
    prediction_mapping = prediction_mapping or class_mapping
    images, _ = image_batch(images, data_format, _WHO)
    images = to_255(images, value_range)
    for boxes, color, mapping in ((y_true, true_color, ground_truth_mapping),
                                  (y_pred, pred_color, prediction_mapping)):
        if boxes is not None:
            images = draw_bounding_boxes(
                images, boxes, bounding_box_format, class_mapping=mapping, color=color,
                line_thickness=line_thickness, text_thickness=text_thickness,
                font_scale=font_scale, data_format="channels_last")
    if legend:
        if legend_handles:
            raise ValueError(f"{_WHO}: pass legend=True or legend_handles, not both")
        legend_handles = [
            patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
            patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction")]
    return plot_image_gallery(images, value_range=(0, 255), legend_handles=legend_handles,
                              rows=rows, cols=cols, data_format="channels_last", **kwargs)


def _patches():
    """matplotlib.patches (pyplot's ImportError when matplotlib is missing)."""
    pyplot(_WHO)
    from matplotlib import patches

    return patches


__all__ = ["plot_bounding_box_gallery"]
