"""Keras' `keras.preprocessing`: its image and sequence helpers and the dataset loaders, the
same objects keras.utils holds (Keras 3 keeps this module for code written against Keras 2)."""
from ..utils import (
    image_dataset_from_directory,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)
from . import image, sequence

__all__ = ["image", "sequence", "image_dataset_from_directory", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
