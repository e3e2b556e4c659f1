"""Sequential: the ways to build it, container behaviour, PyTorch's parameter names."""
from collections import OrderedDict

import numpy as np
import pytest

import nn


def layers():
    return [nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)]


def test_construction_forms_agree():
    a, b, c = layers()
    for model in (nn.Sequential(a, b, c), nn.Sequential([a, b, c])):
        assert list(model) == [a, b, c] and model.layers == [a, b, c]
    model = nn.Sequential()
    for layer in (a, b, c):
        model.add(layer)
    assert len(model) == 3 and model[0] is a and model[-1] is c
    named = nn.Sequential(OrderedDict([("hidden", a), ("act", b), ("out", c)]))
    assert [name for name, _ in named.named_parameters()] == [
        "hidden.weight", "hidden.bias", "out.weight", "out.bias"]


def test_parameter_names_follow_pytorch():
    model = nn.Sequential(*layers())
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_forward_slicing_and_errors():
    model = nn.Sequential(*layers())
    x = np.ones((3, 4), np.float32)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    np.testing.assert_allclose(model(x).data, model[2](head(x)).data)
    with pytest.raises(IndexError, match="out of range for 3 layers"):
        model[3]
    with pytest.raises(TypeError, match="must be Modules, got int"):
        model.add(3)
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]


def keras_style_model():
    model = nn.Sequential()
    model.add(nn.Dense(16, activation="relu", input_shape=(8,)))
    model.add(nn.Dense(4))
    return model


def test_input_shape_builds_every_added_layer_so_weights_load_before_any_call(tmp_path):
    trained = keras_style_model()
    assert list(trained.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    path = tmp_path / "w.npz"
    trained.save_weights(path)
    fresh = keras_style_model()  # never called: Keras builds it from input_shape alone
    fresh.load_weights(path)
    x = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    np.testing.assert_array_equal(fresh.predict(x), trained.predict(x))
