"""keras.preprocessing: Keras 3's module of image and sequence helpers, the same objects as
keras.utils', and smart_resize against Keras 3.15.1's output."""
import numpy as np

import nn.keras as keras


def test_the_module_holds_keras_names_as_utils_objects():
    preprocessing = keras.preprocessing
    assert preprocessing.sequence.pad_sequences is keras.utils.pad_sequences
    assert preprocessing.image.load_img is keras.utils.load_img
    assert preprocessing.image_dataset_from_directory is keras.utils.image_dataset_from_directory
    assert set(preprocessing.image.__all__) == {"array_to_img", "img_to_array", "load_img",
                                                "save_img", "smart_resize"}


def test_smart_resize_crops_to_the_aspect_ratio_then_resizes():
    # a 2 x 4 image to 2 x 2: Keras keeps the centred 2 x 2 window (columns 1 and 2)
    x = np.arange(2 * 4 * 1, dtype=np.float32).reshape(2, 4, 1)
    out = keras.preprocessing.image.smart_resize(x, (2, 2))
    assert isinstance(out, np.ndarray) and out.shape == (2, 2, 1)
    np.testing.assert_array_equal(out[..., 0], [[1.0, 2.0], [5.0, 6.0]])
    batch = np.random.default_rng(0).random((2, 9, 5, 3)).astype(np.float32)
    nearest = keras.preprocessing.image.smart_resize(batch, (6, 6), interpolation="nearest")
    # (Keras 3.15.1: rows 2..6 of the 5-wide images, picked by nearest-exact)
    assert nearest.shape == (2, 6, 6, 3)
    rows = [2, 3, 4, 4, 5, 6]
    cols = [0, 1, 2, 2, 3, 4]
    np.testing.assert_array_equal(nearest, batch[:, rows][:, :, cols])
