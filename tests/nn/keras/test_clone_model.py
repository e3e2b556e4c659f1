"""keras.models.clone_model: the same architecture, fresh weights, nothing shared."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers


def _models():
    np.random.seed(0)
    sequential = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"),
                                   layers.Dropout(0.2), layers.Dense(3, activation="softmax")])
    inputs = keras.Input((6,), dtype="int64")
    x = layers.Embedding(10, 4, mask_zero=True)(inputs)
    outputs = layers.Dense(2)(layers.LSTM(3)(x))
    return sequential, keras.Model(inputs, outputs)


@pytest.mark.parametrize("which", [0, 1], ids=["sequential", "functional"])
def test_a_clone_has_the_architecture_and_new_weights(which):
    model = _models()[which]
    model.compile(optimizer="adam", loss="mse")
    clone = keras.models.clone_model(model)
    assert type(clone) is type(model) and repr(clone) == repr(model)
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not any(np.array_equal(a, b) for a, b in zip(clone.get_weights(),
                                                        model.get_weights()) if a.ndim == 2)
    assert not {id(p) for p in clone.parameters()} & {id(p) for p in model.parameters()}
    # compiled alike (Keras 3.15's cloning.py), with an optimizer of its own
    assert type(clone.optimizer) is type(model.optimizer)
    assert clone.optimizer is not model.optimizer
    assert {id(p) for g in clone.optimizer.param_groups for p in g["params"]} == {
        id(p) for p in clone.parameters()}
    clone.set_weights(model.get_weights())
    x = np.arange(12).reshape(2, 6) % 10 if which else np.ones((2, 5), np.float32)
    model.eval(), clone.eval()
    np.testing.assert_allclose(clone(x).data, model(x).data, rtol=1e-6)


def test_a_clone_keeps_frozen_layers_frozen_and_an_uncompiled_model_stays_so():
    model = _models()[0]
    model.layers[0].trainable = False
    clone = keras.models.clone_model(model)
    assert [layer.trainable for layer in clone.layers] == [False, True, True]
    assert len(clone.trainable_weights) == 2
    assert getattr(clone, "optimizer", None) is None


def test_what_clone_model_cannot_do_is_named():
    model = _models()[0]
    with pytest.raises(NotImplementedError, match="clone_model: clone_function is not"):
        keras.models.clone_model(model, clone_function=lambda layer: layer)

    class Mine(nn.Module):
        def __init__(self, size):
            super().__init__()
            self.size = size

        def forward(self, x):
            return x
    with pytest.raises(TypeError, match="^clone_model: the model is a .*Mine, whose "
                                        "constructor takes arguments"):
        keras.models.clone_model(Mine(3))


def test_clone_model_rebuilds_a_class_of_ones_own_unregistered():
    class Mine(nn.Module):
        def __init__(self, size):
            super().__init__()
            self.fc = nn.Linear(2, size)

        def get_config(self):
            return {"size": self.fc.out_features}

        def forward(self, x):
            return self.fc(x)

    original = Mine(3)
    clone = keras.models.clone_model(original)
    assert type(clone) is Mine and clone.fc.out_features == 3
    assert clone.fc.weight is not original.fc.weight
