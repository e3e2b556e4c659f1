"""Pipeline: its layers applied in order (to images or a dict), training= reaching them
all, its layers as its children, get_config, and a refusal that names it."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers
from nn.keras.layers.mixing_augmentation import MixUp
from nn.keras.layers.pipeline import Pipeline

from ._augmentation_reference import fixed

IMAGES = np.arange(2 * 4 * 4 * 3, dtype=np.float64).reshape(2, 4, 4, 3)


class _Zeros:
    """A generator whose uniform draws are all 0."""

    def random(self, n):
        return np.zeros(n)


def test_layers_run_in_order_and_training_reaches_them():
    flip = layers.RandomFlip("horizontal")
    turn = layers.RandomRotation((0.25, 0.25))
    pipeline = Pipeline([flip, turn])
    flip.generator = _Zeros()  # (every image flipped)
    y = pipeline(IMAGES, training=True).data
    np.testing.assert_allclose(y, np.rot90(IMAGES[:, :, ::-1], 1, axes=(1, 2)), atol=1e-9)
    np.testing.assert_array_equal(pipeline(IMAGES, training=False).data, IMAGES)
    assert pipeline.layers == [flip, turn] and {flip, turn} <= set(pipeline.modules())


def test_a_dict_goes_through_and_config_round_trips():
    mix = fixed(MixUp(), [1, 0], [0.25, 0.5])
    out = Pipeline([mix])({"images": IMAGES, "labels": np.eye(2)}, training=True)
    np.testing.assert_allclose(out["labels"].data, [[0.25, 0.75], [0.5, 0.5]])
    config = Pipeline([layers.RandomFlip()], name="aug").get_config()
    assert config["name"] == "aug" and isinstance(config["layers"][0], layers.RandomFlip)
    again = Pipeline(**config)
    assert again.name == "aug" and again.layers == config["layers"]


def test_a_model_with_a_pipeline_predicts_as_its_layers():
    model = keras.Sequential([keras.Input(shape=(4, 4, 3)),
                              Pipeline([layers.RandomFlip(), layers.RandomZoom(0.2)]),
                              layers.Flatten(), layers.Dense(2)])
    direct = model.layers[2](model.layers[1](IMAGES)).data
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), direct, rtol=1e-6)


def test_layers_that_are_no_list_of_layers_are_refused():
    with pytest.raises(TypeError, match="Pipeline: layers must be a list of layers"):
        Pipeline(layers.RandomFlip())
