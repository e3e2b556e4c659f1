"""keras.visualization (Keras 3.15): draw_bounding_boxes and draw_segmentation_masks on
batches of images in NumPy (OpenCV not needed; Pillow for the boxes' label text), and the
galleries plot_image_gallery, plot_bounding_box_gallery and plot_segmentation_mask_gallery
on matplotlib. Each function is loaded on first use, and matplotlib and Pillow only when a
function needs them."""
from autograd.lazy import lazy_attributes

__all__ = ["draw_bounding_boxes", "draw_segmentation_masks", "plot_bounding_box_gallery",
           "plot_image_gallery", "plot_segmentation_mask_gallery"]

__getattr__, __dir__ = lazy_attributes(__name__, names={
    "draw_bounding_boxes": "box_drawing", "draw_segmentation_masks": "mask_drawing",
    "plot_image_gallery": "image_gallery", "plot_bounding_box_gallery": "box_gallery",
    "plot_segmentation_mask_gallery": "mask_gallery"})
