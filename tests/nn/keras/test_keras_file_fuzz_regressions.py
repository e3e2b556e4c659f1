"""What a fuzz of random models saved by real Keras 3 (3.15.1) found rungrad reading wrong,
each on the smallest Keras-written file that showed it (data/make_keras_fuzz_files.py), with
what Keras does with that file as literals."""
import os

import numpy as np
import pytest

import nn.keras as keras

from ._keras_files import DATA

pytest.importorskip("h5py")


def _fuzz_file(name):
    return os.path.join(DATA, "fuzz", name + ".keras")


def test_an_augmentation_layer_keras_recorded_training_for_is_idle_in_predict():
    """Keras records training=True on an augmentation layer's node (its call's default) and
    predict overrides it; it was kept, so the loaded model rotated its inputs in predict."""
    model = keras.models.load_model(_fuzz_file("augmented"))
    x = np.arange(32, dtype=np.float32).reshape(2, 4, 4, 1) / 10
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               [[-0.452069, -1.509786], [0.755522, -4.355928]], atol=1e-5)


def test_the_optimizer_state_of_a_0d_weight_goes_on_training_as_keras():
    """Attention's scale is a 0-d weight: its Adadelta state was read as a NumPy scalar,
    which the update could not write into (TypeError)."""
    model = keras.models.load_model(_fuzz_file("scalar_weight_adadelta"))
    x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 3, 2)
    y = np.array([[1.0], [-1.0], [0.5], [0.0]], np.float32)
    model.train_on_batch(x, y)
    scale, kernel, bias = model.get_weights()
    np.testing.assert_allclose(scale, 0.999152, atol=1e-5)
    np.testing.assert_allclose(kernel.ravel(), [-0.26886, 0.738194, -0.593513, -0.517596,
                                                0.02429, -0.088532], atol=1e-5)
    np.testing.assert_allclose(bias, [0.000269], atol=1e-5)
