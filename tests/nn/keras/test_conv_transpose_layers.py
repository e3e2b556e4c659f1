"""Keras' Conv2DTranspose and Conv1DTranspose: Keras' output sizes, the adjoint of Conv2D /
Conv1D with the same kernel (TensorFlow's definition, which fixes where 'same' crops),
PyTorch's ConvTranspose2d where the two coincide, gradients, and an autoencoder trained,
saved and loaded."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("padding, stride, kernel, output_padding, size", [
    ("valid", 2, 3, None, 11), ("same", 2, 3, None, 10), ("valid", 1, 3, None, 7),
    ("valid", 3, 2, None, 15), ("same", 2, 3, 1, 10), ("same", 2, 3, 0, 9),
    ("valid", 2, 3, 1, 12), ("same", 3, 4, 2, 14)])
def test_output_sizes_are_keras(padding, stride, kernel, output_padding, size):
    layer = layers.Conv2DTranspose(2, kernel, strides=stride, padding=padding,
                                   output_padding=output_padding)
    assert layer(np.ones((1, 5, 5, 1), np.float32)).shape == (1, size, size, 2)
    line = layers.Conv1DTranspose(2, kernel, strides=stride, padding=padding,
                                  output_padding=output_padding)
    assert line(np.ones((1, 5, 1), np.float32)).shape == (1, size, 2)


@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride, kernel, dilation", [(1, 3, 1), (2, 3, 1), (2, 4, 1),
                                                      (3, 2, 1), (1, 3, 2), (2, 1, 1)])
def test_it_is_the_adjoint_of_the_convolution(dims, padding, stride, kernel, dilation):
    """<T x, z> = <x, C z> for the Conv of the same kernel: T is C's gradient."""
    transposed, conv = ((layers.Conv2DTranspose, layers.Conv2D) if dims == 2 else
                        (layers.Conv1DTranspose, layers.Conv1D))
    x = RNG.standard_normal((2, 5, 4, 3)[:dims + 1] + (3,))
    kwargs = dict(strides=stride, padding=padding, dilation_rate=dilation, dtype="float64",
                  use_bias=False)
    t = transposed(6, kernel, **kwargs)
    y = t(x).data
    z = RNG.standard_normal(y.shape)
    c = conv(3, kernel, **kwargs)
    c.build(6)
    c.kernel.data[...] = t.kernel.data
    cz = c(z).data
    assert cz.shape == x.shape
    np.testing.assert_allclose((y * z).sum(), (x * cz).sum(), rtol=1e-10)


def test_valid_padding_is_pytorchs_conv_transpose():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 5, 6, 3))
    layer = layers.Conv2DTranspose(4, (3, 2), strides=2, dtype="float64")
    y = layer(x).data
    theirs = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(x.transpose(0, 3, 1, 2)),
        torch.from_numpy(layer.kernel.data.transpose(3, 2, 0, 1).copy()),
        torch.from_numpy(layer.bias.data), stride=2)
    np.testing.assert_allclose(y, theirs.numpy().transpose(0, 2, 3, 1), rtol=1e-12)


def test_gradients_match_numerical_differentiation():
    x = RNG.standard_normal((1, 3, 3, 2))
    layer = layers.Conv2DTranspose(2, 3, strides=2, padding="same", dtype="float64",
                                   activation="tanh")
    layer(x)
    assert_gradients_match(layer, x, order=2)
    line = layers.Conv1DTranspose(2, 2, strides=2, output_padding=1, dtype="float64",
                                  data_format="channels_first")
    assert_gradients_match(line, RNG.standard_normal((1, 2, 4)), order=2)


def test_an_autoencoder_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.uniform(0, 1, (64, 8, 8, 1)).astype(np.float32)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(1, 3, padding="same")])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, x, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    loaded = saved_and_loaded(model, x, tmp_path / "ae.keras", rtol=1e-5, atol=1e-6)
    assert loaded.layers[1].get_config()["strides"] == (2, 2)
    assert model.layers[1].kernel.shape == (3, 3, 8, 8)


@pytest.mark.parametrize("make, error, words", [
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2), ValueError,
     "smaller than the strides"),
    (lambda: layers.Conv1DTranspose(2, 3, padding="causal"), ValueError,
     "padding must be one of 'valid', 'same'"),
    (lambda: layers.Conv2DTranspose(2, 3, output_padding=-1), ValueError, "at least 0"),
])
def test_refusals_name_the_argument(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_padding_names_are_read_as_keras_reads_them():
    for padding in ("SAME", "Valid"):
        layer = layers.Conv2DTranspose(2, 3, strides=2, padding=padding)
        assert layer.padding == padding.lower()
        assert layer(np.ones((1, 4, 4, 1), np.float32)).shape[1] == (8 if padding == "SAME"
                                                                     else 9)


def test_a_kernel_of_the_wrong_layout_is_named_on_load():
    layer = layers.Conv2DTranspose(4, 3)
    with pytest.raises(ValueError, match="does not fit"):
        layer.size_from_state({"kernel": (3, 3, 2, 4)})
    assert layer.size_from_state({"kernel": (3, 3, 4, 2)}) == 2
