"""Keras' other names of the convolutions, the merge layers' functional forms (add, dot, ...)
and the adaptive poolings: values (against NumPy and PyTorch), gradients, configs, saving,
and refusals."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((4, 3)).astype(np.float32), RNG.standard_normal((4, 3)).astype(
    np.float32)


@pytest.mark.parametrize("alias, name", [
    ("Convolution1D", "Conv1D"), ("Convolution2D", "Conv2D"), ("Convolution3D", "Conv3D"),
    ("Convolution1DTranspose", "Conv1DTranspose"), ("Convolution2DTranspose", "Conv2DTranspose"),
    ("Convolution3DTranspose", "Conv3DTranspose"), ("SeparableConvolution1D", "SeparableConv1D"),
    ("SeparableConvolution2D", "SeparableConv2D")])
def test_convolution_aliases_are_the_classes_and_save_under_their_names(alias, name):
    from nn.layers.config import name_of
    assert getattr(layers, alias) is getattr(layers, name)
    assert name_of(getattr(layers, alias), type) == f"keras.{name}"
    assert alias not in layers.__all__


def test_an_aliased_convolution_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Convolution2D(3, 2),
                              layers.Reshape((-1, 3)), layers.SeparableConvolution1D(2, 2)])
    loaded = saved_and_loaded(model, RNG.standard_normal((2, 6, 6, 2)).astype(np.float32),
                              tmp_path / "m.keras")
    assert type(loaded.layers[0]) is layers.Conv2D


@pytest.mark.parametrize("function, expected", [
    (layers.add, A + B), (layers.subtract, A - B), (layers.multiply, A * B),
    (layers.average, (A + B) / 2), (layers.maximum, np.maximum(A, B)),
    (layers.minimum, np.minimum(A, B)),
    (lambda xs: layers.concatenate(xs, axis=0), np.concatenate([A, B], 0)),
    (lambda xs: layers.dot(xs, axes=1), (A * B).sum(1, keepdims=True))])
def test_merge_functions_on_arrays(function, expected):
    np.testing.assert_allclose(function([A, B]).data, expected, rtol=1e-6)


def test_merge_functions_build_functional_models(tmp_path):
    a, b = keras.Input((3,)), keras.Input((3,))
    joined = layers.concatenate([layers.add([a, b]), layers.dot([a, b], axes=-1,
                                                                normalize=True)],
                                name="joined")
    model = keras.Model([a, b], layers.Dense(2)(joined))
    assert model.get_layer("joined").axis == -1
    y = model.predict([A, B], verbose=0)
    assert y.shape == (4, 2)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict([A, B], verbose=0), y, rtol=1e-6)


def test_merge_functions_refuse_as_their_layers():
    with pytest.raises(ValueError, match="Subtract: takes a list of exactly 2"):
        layers.subtract([A, B, A])
    with pytest.raises(TypeError, match="Add"):
        layers.add([A, B], bogus=1)


def _torch_adaptive(x, size, kind, dims):
    torch = pytest.importorskip("torch")
    pool = getattr(torch.nn.functional, f"adaptive_{kind}_pool{dims}d")
    return pool(torch.from_numpy(np.moveaxis(x, -1, 1)), size).numpy()


@pytest.mark.parametrize("dims, shape, size", [(1, (2, 11, 3), (4,)), (2, (2, 7, 9, 3), (3, 4)),
                                               (3, (1, 5, 6, 7, 2), (2, 3, 4))])
@pytest.mark.parametrize("kind", ["Average", "Max"])
def test_adaptive_pooling_is_pytorchs_in_keras_layouts(dims, shape, size, kind):
    x = RNG.standard_normal(shape)
    expected = _torch_adaptive(x, size, "avg" if kind == "Average" else "max", dims)
    cls = getattr(layers, f"Adaptive{kind}Pooling{dims}D")
    last = cls(size)(x).data
    first = cls(size, data_format="channels_first")(np.moveaxis(x, -1, 1)).data
    np.testing.assert_allclose(np.moveaxis(last, -1, 1), expected, rtol=1e-12)
    np.testing.assert_allclose(first, expected, rtol=1e-12)
    assert_gradients_match(cls(size if dims < 3 else 2), x[:1, ..., :1] + 0.0)


def test_adaptive_pooling_config_save_and_errors(tmp_path):
    layer = layers.AdaptiveMaxPooling2D(3, data_format="channels_first", name="pool")
    assert layer.get_config()["output_size"] == (3, 3)
    again = layers.AdaptiveMaxPooling2D.from_config(layer.get_config())
    assert (again.output_size, again.data_format, again.name) == ((3, 3), "channels_first",
                                                                  "pool")
    model = keras.Sequential([keras.Input((8, 8, 2)), layers.AdaptiveAveragePooling2D((2, 3)),
                              layers.Flatten(), layers.Dense(1)])
    saved_and_loaded(model, RNG.standard_normal((2, 8, 8, 2)).astype(np.float32),
                     tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"AdaptiveAveragePooling1D: expected an input of shape "
                                         r"\(N, T, C\), got \(2, 3\)"):
        layers.AdaptiveAveragePooling1D(2)(A[:2])
    with pytest.raises(ValueError, match="output_size must have 2 entries"):
        layers.AdaptiveMaxPooling2D((1, 2, 3))
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveMaxPooling3D("2")
