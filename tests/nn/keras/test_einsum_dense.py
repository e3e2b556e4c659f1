"""Keras' EinsumDense: the kernel's and the bias's shapes from the equation (Keras'
figures), outputs against np.einsum, Keras' fans for the kernel's initializer, gradients,
refusals, and a model that learns, saved and loaded."""
import math

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers
from tests._helpers import saved_and_loaded
from tests.nn.keras._helpers import check_gradients

# equation, output_shape, bias_axes, input shape -> Keras 3's kernel and bias shapes
CASES = [("ab,bc->ac", 7, "c", (4, 5), (5, 7), (7,)),
         ("abc,cd->abd", (None, 6), "d", (2, 3, 5), (5, 6), (6,)),
         ("...x,xy->...y", 6, "y", (2, 3, 4, 5), (5, 6), (6,)),
         ("abc,cde->abde", (None, 2, 3), "de", (2, 3, 5), (5, 2, 3), (2, 3)),
         ("abcd,cde->abe", (None, 4), "e", (2, 3, 4, 5), (4, 5, 4), (4,)),
         ("abc...,bcd->ad...", (7,), "d", (2, 3, 4, 5, 6), (3, 4, 7), (7, 1, 1)),
         ("...b,bc->...c", 6, None, (4, 5), (5, 6), None),
         ("abc,cde->abde", (3, 2, 4), "be", (2, 3, 5), (5, 2, 4), (3, 1, 4))]


@pytest.mark.parametrize("equation, output_shape, bias_axes, shape, kernel, bias", CASES)
def test_weights_have_keras_shapes_and_the_output_is_the_einsum(equation, output_shape,
                                                                 bias_axes, shape, kernel, bias):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes,
                               bias_initializer="random_normal")
    y = layer(x).data
    weights = layer.get_weights()
    assert [w.shape for w in weights] == [kernel] + ([] if bias is None else [bias])
    expected = np.einsum(equation, x.astype(np.float64), weights[0].astype(np.float64))
    if bias is not None:
        expected = expected + weights[1]
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_the_kernels_fans_are_its_input_and_output_axes():
    """Keras' glorot for 'abc,cde->abde' kernel (64, 8, 16): fan_in 64, fan_out 128 (not
    a convolution's receptive-field count), so |w| <= sqrt(6 / 192), nearly reached."""
    np.random.seed(1)
    for equation, out, shape, fans in (("abc,cde->abde", (None, 8, 16), (2, 3, 64), (64, 128)),
                                       ("abcd,cde->abe", (None, 32), (2, 3, 8, 16), (128, 32))):
        layer = layers.EinsumDense(equation, out)
        layer.build(shape)
        limit = math.sqrt(6 / sum(fans))
        largest = np.abs(layer.get_weights()[0]).max()
        assert 0.95 * limit < largest <= limit


def test_gradients_first_and_second_order():
    x = np.random.default_rng(2).standard_normal((2, 3, 4))
    layer = layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="e",
                               activation="tanh", bias_initializer="random_normal")
    layer(x)
    check_gradients(layer, x, second_order=True)


def test_refusals_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match="EinsumDense: equation must be"):
        layers.EinsumDense("ab,bc", 3)
    with pytest.raises(ValueError, match="EinsumDense: bias_axes"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="z")
    with pytest.raises(ValueError, match="each kernel letter"):
        layers.EinsumDense("ab,bcz->ac", 3)
    with pytest.raises(ValueError, match=r"an input of shape \(2, 3, 4\) does not fit "
                                         r"'ab,bc->ac': it needs exactly 2 axes"):
        layers.EinsumDense("ab,bc->ac", 3)(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"an input of shape \(5,\) does not fit .*: its "
                                         r"'...' .* has no axis to match"):
        layers.EinsumDense("...b,bc->...c", 3)(np.ones(5, np.float32))
    with pytest.raises(ValueError, match=r"\(4,\) does not fit .* at least 2 axes"):
        layers.EinsumDense("ab...,bc->ac...", 3)(np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"\(2, 3\) and output_shape \(3, 4\) do not fit"):
        layers.EinsumDense("ab,bc->ac", (3, 4))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="output_shape gives 'b' the size 5"):
        layers.EinsumDense("abc,cd->abd", (5, 6))(np.ones((2, 3, 4)))
    layer = layers.EinsumDense("ab,bc->ac", 3)
    layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"EinsumDense: an input of shape \(2, 5\) needs"):
        layer(np.ones((2, 5)))


def test_a_rebuilt_layer_checks_the_next_input_against_its_new_weights():
    layer = layers.EinsumDense("ab,bc->ac", 3)
    layer(np.ones((2, 4)))
    layer(np.ones((2, 4)))  # (the same shape again: its layout is not worked out again)
    layer.build((2, 5))
    with pytest.raises(ValueError, match=r"an input of shape \(2, 4\) needs weights of "
                                         r"shapes \{'kernel': \(4, 3\)\}"):
        layer(np.ones((2, 4)))
    assert layer(np.ones((2, 5))).shape == (2, 3)
    loaded = layers.EinsumDense("ab,bc->ac", 3)
    loaded.load_state_dict(layer.state_dict())
    np.testing.assert_allclose(loaded(np.ones((2, 5))).data, layer(np.ones((2, 5))).data)


def test_a_model_learns_a_per_step_projection_and_saves(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((128, 5, 4)).astype(np.float32)
    target = rng.standard_normal((4, 2, 3)).astype(np.float32)
    y = np.einsum("abc,cde->abde", x, target) + 0.5
    np.random.seed(4)
    model = keras.Sequential([keras.Input(shape=(5, 4)), layers.EinsumDense(
        "abc,cde->abde", (None, 2, 3), bias_axes="de",
        kernel_regularizer=keras.regularizers.L2(1e-5))])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(kernel, target, atol=0.1)
    np.testing.assert_allclose(bias, 0.5, atol=0.1)
    loaded = saved_and_loaded(model, x, tmp_path / "m.keras")
    assert loaded.layers[0].get_config()["equation"] == "abc,cde->abde"
