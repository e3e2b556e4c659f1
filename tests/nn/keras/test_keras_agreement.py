"""nn.keras' layers against real Keras 3: fixed cases that data/make_reference.py ran through
Keras (JAX backend) and stored in data/keras_reference.npz (inputs, weights, outputs and
gradients); rungrad, given Keras' weights with set_weights, must reproduce them."""
import json
import math
import pathlib

import numpy as np
import pytest

import nn.keras as keras
import optim
from autograd import Variable
from nn.keras import layers

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference.npz")
INDEX = json.loads(str(REFERENCE["index"]))
CASES = [name for name, spec in INDEX.items() if isinstance(spec, dict)]
TOLERANCE = dict(rtol=1e-5, atol=2e-5)  # float32 in both, summed in other orders


def arrays_of(name):
    """{key: array} of one case (its arrays are stored raveled one after the other)."""
    flat, found, start = REFERENCE[name], {}, 0
    for key, shape in INDEX[name]["arrays"]:
        found[key] = flat[start:start + math.prod(shape)].reshape(shape)
        start += math.prod(shape)
    if INDEX[name]["input"]:
        found["x"] = REFERENCE[INDEX[name]["input"]]
    return found


def numbered(found, prefix):
    return [found[f"{prefix}{i}"] for i in range(sum(1 for k in found if k.startswith(prefix)
                                                     and k[len(prefix):].isdigit()))]


def probe(shape):
    """The r of the loss sum(y * r) whose gradients were stored (as make_reference.py)."""
    return np.cos(0.37 * np.arange(math.prod(shape))).reshape(shape).astype(np.float32)


def layer_of(name):
    spec = INDEX[name]
    return getattr(layers, spec["layer"])(**spec["kwargs"])


@pytest.mark.parametrize("name", [n for n in CASES
                                  if INDEX[n]["layer"] not in ("BatchNormalization",
                                                               "Sequential")])
def test_layer_reproduces_keras(name):
    found = arrays_of(name)
    layer = layer_of(name)
    layer(found["x"])
    layer.set_weights(numbered(found, "w"))
    y = assert_gradients_as_keras(layer, found["x"], found)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, found["y"], **TOLERANCE)


def assert_gradients_as_keras(layer, x, found):
    """Run layer on x; when the case has gradients, those of sum(y * r) w.r.t. x and the
    layer's parameters must be Keras'. Returns the output."""
    x = Variable(x)
    y = layer(x)
    if "gx" in found:
        (y * probe(y.shape)).sum().backward()
        np.testing.assert_allclose(x.grad.data, found["gx"], **TOLERANCE)
        for param, expected in zip(layer.parameters(), numbered(found, "gw"), strict=True):
            np.testing.assert_allclose(param.grad.data, expected, **TOLERANCE)
    return y


@pytest.mark.parametrize("name", [n for n in CASES
                                  if INDEX[n]["layer"] == "BatchNormalization"])
def test_batch_normalization_reproduces_keras_training_and_inference(name):
    found = arrays_of(name)
    layer = layer_of(name)
    layer(found["x0"])
    layer.set_weights(numbered(found, "w"))
    assert_gradients_as_keras(layer, found["x0"], found)  # training: the batch statistics
    layer.set_weights(numbered(found, "w"))  # back to before that call
    for step in range(3):
        np.testing.assert_allclose(layer(found[f"x{step}"]).data, found[f"y{step}"],
                                   **TOLERANCE)
        np.testing.assert_allclose(layer.moving_mean, found[f"moving_mean{step}"], **TOLERANCE)
        np.testing.assert_allclose(layer.moving_variance, found[f"moving_variance{step}"],
                                   **TOLERANCE)
    layer.eval()
    np.testing.assert_allclose(layer(found["x_infer"]).data, found["y_infer"], **TOLERANCE)


def test_a_convnet_predicts_and_takes_an_sgd_step_as_keras():
    found = arrays_of("model")
    spec = INDEX["model"]["kwargs"]
    model = keras.Sequential([keras.Input(tuple(spec["input"]))] + [
        getattr(layers, cls)(**kwargs) for cls, kwargs in spec["layers"]])
    model.set_weights(numbered(found, "w"))
    np.testing.assert_allclose(model.predict(found["x"], verbose=0), found["predicted"],
                               **TOLERANCE)
    model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(found["x"], found["labels"].astype(np.int64))
    assert loss == pytest.approx(float(found["loss"][()]), rel=1e-5)
    for ours, theirs in zip(model.get_weights(), numbered(found, "after"), strict=True):
        np.testing.assert_allclose(ours, theirs, **TOLERANCE)


def test_the_reference_file_is_small_and_complete():
    assert (pathlib.Path(__file__).parent / "data" / "keras_reference.npz").stat().st_size \
        < 200_000
    assert INDEX["keras_version"].startswith("3.")
    assert {INDEX[n]["layer"] for n in CASES} >= {"Conv2D", "Conv1D", "MaxPooling2D",
                                                  "AveragePooling2D", "BatchNormalization",
                                                  "LayerNormalization"}
