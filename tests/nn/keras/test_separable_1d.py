"""nn.keras' DepthwiseConv1D and SeparableConv1D: one convolution per channel (then a
pointwise mix) against NumPy loops over Keras' definitions, Keras' weights and configs,
gradients, a model saved and loaded, errors."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded
from ._helpers import conv_reference

RNG = np.random.default_rng(0)
SEQUENCES = RNG.standard_normal((2, 9, 3))  # (N, T, C)
SETTINGS = [dict(), dict(depth_multiplier=2, strides=2, padding="same"),
            dict(dilation_rate=2, padding="same", use_bias=False),
            dict(kernel_size=4, depth_multiplier=3, data_format="channels_first")]


def depthwise_reference(x, kernel, bias, strides, padding, dilation):
    """Output channel c * M + m: channel c convolved with its filter m (Keras' order)."""
    channels, multiplier = kernel.shape[-2:]
    y = np.concatenate([conv_reference(x[..., c:c + 1], kernel[..., c:c + 1, :], None,
                                       strides, padding, dilation)
                        for c in range(channels)], axis=-1)
    assert y.shape[-1] == channels * multiplier
    return y if bias is None else y + bias


def run(layer, settings):
    """The layer on SEQUENCES in its data_format, its output channels-last."""
    first = settings.get("data_format") == "channels_first"
    y = layer(SEQUENCES.transpose(0, 2, 1) if first else SEQUENCES).data
    return y.transpose(0, 2, 1) if first else y


@pytest.mark.parametrize("settings", SETTINGS)
def test_depthwise_conv1d_is_one_convolution_per_channel(settings):
    settings = dict(settings)
    layer = layers.DepthwiseConv1D(settings.pop("kernel_size", 3), dtype="float64",
                                   **settings)
    run(layer, settings)
    weights = [w + RNG.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    kernel = weights[0]
    bias = weights[1] if layer.use_bias else None
    multiplier = settings.get("depth_multiplier", 1)
    assert kernel.shape == (layer.kernel_size[0], 3, multiplier)
    expected = depthwise_reference(SEQUENCES, kernel, bias, layer.strides, layer.padding,
                                   layer.dilation_rate)
    np.testing.assert_allclose(run(layer, settings), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("settings", SETTINGS)
def test_separable_conv1d_is_depthwise_then_pointwise(settings):
    settings = dict(settings)
    layer = layers.SeparableConv1D(4, settings.pop("kernel_size", 3), dtype="float64",
                                   **settings)
    run(layer, settings)
    weights = [w + RNG.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    multiplier = settings.get("depth_multiplier", 1)
    assert [w.shape for w in weights[:2]] == [(layer.kernel_size[0], 3, multiplier),
                                              (1, 3 * multiplier, 4)]
    assert [name for name, _ in layer.named_parameters()] == [
        "kernel", "pointwise_kernel", "bias"][:len(weights)]
    mixed = depthwise_reference(SEQUENCES, weights[0], None, layer.strides, layer.padding,
                                layer.dilation_rate)
    expected = mixed @ weights[1][0] + (weights[2] if layer.use_bias else 0)
    np.testing.assert_allclose(run(layer, settings), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("make", [
    lambda: layers.DepthwiseConv1D(2, depth_multiplier=2, padding="same", activation="tanh"),
    lambda: layers.SeparableConv1D(3, 2, strides=2, depth_multiplier=2, padding="same"),
    lambda: layers.SeparableConv1D(2, 3, dilation_rate=2, data_format="channels_first")])
def test_gradients_match_numerical(make):
    layer = make()
    x = RNG.standard_normal((1, 7, 2) if layer.data_format == "channels_last" else (1, 2, 7))
    layer(x.astype(np.float32))
    layer.double()
    for weight in layer.parameters():  # (a bias that is not zeros)
        weight.data[...] = RNG.standard_normal(weight.shape)
    assert_gradients_match(layer, x, order=1)


def test_a_sequence_model_saves_and_loads_with_its_settings(tmp_path):
    model = keras.Sequential([
        keras.Input(shape=(9, 3)),
        layers.DepthwiseConv1D(3, depth_multiplier=2, depthwise_regularizer="l2",
                               depthwise_constraint="non_neg"),
        layers.SeparableConv1D(4, 3, strides=2, padding="same", pointwise_regularizer="l1"),
        layers.GlobalAveragePooling1D()])
    assert model.output_shape == (None, 4) and len(model.losses) == 2
    x = SEQUENCES.astype(np.float32)
    loaded = saved_and_loaded(model, x, tmp_path / "sequences.keras")
    depthwise, separable = loaded.layers[:2]
    assert depthwise.get_config()["depthwise_regularizer"] == {"l2": 0.01}
    assert depthwise.get_config()["depthwise_constraint"]["class_name"] == "NonNeg"
    config = separable.get_config()
    assert (config["filters"], config["kernel_size"], config["strides"]) == (4, (3,), (2,))
    assert config["pointwise_regularizer"] == {"l1": 0.01}


def test_the_separable_config_keeps_each_weights_constraint_under_keras_name():
    layer = layers.SeparableConv1D(4, 3, depthwise_constraint="non_neg",
                                   pointwise_constraint="unit_norm", bias_constraint=None)
    config = layer.get_config()
    assert config["depthwise_constraint"]["class_name"] == "NonNeg"
    assert config["pointwise_constraint"]["class_name"] == "UnitNorm"
    assert config["bias_constraint"] is None and "kernel_constraint" not in config
    assert type(layer)(**config).get_config() == config


def test_a_function_as_depthwise_constraint_cannot_be_saved():
    layer = layers.DepthwiseConv1D(3, depthwise_constraint=lambda w: w)
    with pytest.raises(TypeError, match="DepthwiseConv1D.depthwise_constraint: the "
                                        "constraint .* is a function"):
        layer.get_config()


@pytest.mark.parametrize("make, error, words", [
    (lambda: layers.DepthwiseConv1D(3, name="d")(np.zeros((1, 5, 5, 2), np.float32)),
     ValueError, r"DepthwiseConv1D 'd': expected an input of shape \(N, T, C\), got "
                 r"\(1, 5, 5, 2\)"),
    (lambda: layers.SeparableConv1D(2, 3, padding="causal"), ValueError,
     "SeparableConv1D: padding must be one of 'valid', 'same'"),
    (lambda: layers.SeparableConv1D(0, 3), ValueError, "SeparableConv1D: filters"),
    (lambda: layers.SeparableConv1D(2, 3, depth_multiplier=0), ValueError,
     "SeparableConv1D: depth_multiplier must be a positive integer, got 0"),
    (lambda: layers.DepthwiseConv1D(3, depth_multiplier=0), ValueError,
     "DepthwiseConv1D: depth_multiplier must be a positive integer, got 0"),
    # arguments that do not fit name the layer's class, not the base whose __init__ it shares
    (lambda: layers.SeparableConv1D(2, 3, bogus=1), TypeError,
     "SeparableConv1D: got an unexpected keyword argument 'bogus'"),
    (lambda: layers.DepthwiseConv1D(3, bogus=1), TypeError,
     "DepthwiseConv1D: got an unexpected keyword argument 'bogus'"),
    (lambda: layers.Conv3D(2, 3, bogus=1), TypeError,
     "Conv3D: got an unexpected keyword argument 'bogus'"),
    (lambda: layers.GlobalMaxPooling3D(bogus=1), TypeError,
     "GlobalMaxPooling3D: got an unexpected keyword argument 'bogus'"),
    (lambda: layers.LSTMCell(3, bogus=1), TypeError,
     "LSTMCell: got an unexpected keyword argument 'bogus'"),
    (lambda: layers.GRU(3, bogus=1), TypeError, "GRU: got an unexpected keyword argument"),
    (lambda: layers.Conv1D(2), TypeError, "Conv1D: missing a required argument: 'kernel_size'"),
    (lambda: layers.Dense(2, "relu", True, "zeros", "zeros", None, None, None, None, None, 7),
     TypeError, "Dense: too many positional arguments"),
    (lambda: layers.DepthwiseConv1D((3, 3)), TypeError,
     "DepthwiseConv1D: kernel_size must be an int or a tuple of 1 ints"),
    (lambda: layers.DepthwiseConv1D(4)(np.zeros((1, 3, 2), np.float32)), ValueError,
     r"DepthwiseConv1D: the window \(4,\) does not fit the input of shape \(1, 3, 2\)"),
])
def test_errors_name_the_layer_the_argument_and_the_shapes(make, error, words):
    with pytest.raises(error, match=words):
        make()
