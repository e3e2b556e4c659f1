"""nn.keras' 3-D layers (Conv3D, Conv3DTranspose, Max/AveragePooling3D, the global 3-D
poolings, UpSampling3D, ZeroPadding3D, Cropping3D): forward against NumPy loops over Keras'
definitions, backprop against numerical differentiation, Keras' weights and configs, a
model saved and loaded, errors."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

from ..._helpers import saved_and_loaded
from ._helpers import check_gradients, conv_reference, pool_reference

RNG = np.random.default_rng(0)
VOLUMES = RNG.standard_normal((2, 4, 5, 6, 3))  # (N, D, H, W, C)


def channels_first(x):
    return np.moveaxis(x, -1, 1)


# ----- Conv3D -----
@pytest.mark.parametrize("kernel, strides, padding, dilation", [
    (3, 1, "valid", 1), (3, 1, "same", 1), ((2, 3, 1), (2, 1, 2), "same", 1),
    ((1, 2, 4), (1, 2, 3), "valid", 1), (2, 1, "same", (2, 1, 2)), (2, 1, "valid", 2)])
def test_conv3d_matches_keras_definition(kernel, strides, padding, dilation):
    layer = layers.Conv3D(4, kernel, strides, padding, dilation_rate=dilation,
                          dtype="float64")
    y = layer(VOLUMES).data
    weights = layer.get_weights()
    weights[1] = RNG.standard_normal(4)  # (a bias that is not zeros)
    layer.set_weights(weights)
    expected = conv_reference(VOLUMES, *weights, layer.strides, padding, layer.dilation_rate)
    y = layer(VOLUMES).data
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-10)
    first = layers.Conv3D(4, kernel, strides, padding, data_format="channels_first",
                          dilation_rate=dilation, dtype="float64")
    first(channels_first(VOLUMES))
    first.set_weights(weights)  # the same weights, whatever the layout
    np.testing.assert_allclose(first(channels_first(VOLUMES)).data, channels_first(expected),
                               rtol=1e-10, atol=1e-10)


def test_conv3d_groups_are_separate_convolutions_of_the_channel_groups():
    x = RNG.standard_normal((1, 3, 4, 4, 4))
    layer = layers.Conv3D(6, 2, groups=2, dtype="float64", use_bias=False)
    y = layer(x).data
    (kernel,) = layer.get_weights()
    assert kernel.shape == (2, 2, 2, 2, 6)
    halves = [conv_reference(x[..., 2 * g:2 * g + 2], kernel[..., 3 * g:3 * g + 3], None,
                             (1, 1, 1), "valid", (1, 1, 1)) for g in range(2)]
    np.testing.assert_allclose(y, np.concatenate(halves, axis=-1), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("settings", [
    dict(padding="same", strides=2, activation="tanh"), dict(groups=2, padding="valid"),
    dict(padding="same", data_format="channels_first")])
def test_conv3d_gradients_match_numerical(settings):
    layer = layers.Conv3D(2, 2, **settings)
    x = RNG.standard_normal((1, 2, 3, 3, 2) if "data_format" not in settings else
                            (1, 2, 2, 3, 3))
    layer(x.astype(np.float32))
    layer.bias.data[...] = RNG.standard_normal(2)
    check_gradients(layer, x)


def test_conv3d_weights_are_keras_layout_and_initialisation():
    np.random.seed(0)
    layer = layers.Conv3D(8, (2, 3, 4), input_shape=(5, 6, 7, 3))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (2, 3, 4, 3, 8) and bias.shape == (8,)
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]
    limit = np.sqrt(6 / (24 * 3 + 24 * 8))  # glorot-uniform, Keras' fans count the taps
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert layer.count_params() == 24 * 3 * 8 + 8


# ----- Conv3DTranspose -----
@pytest.mark.parametrize("padding, stride, kernel, output_padding, size", [
    ("valid", 2, 3, None, 9), ("same", 2, 3, None, 8), ("valid", 1, 2, None, 5),
    ("same", 2, 3, 1, 8), ("valid", 3, 2, 1, 12)])
def test_conv3d_transpose_output_sizes_are_keras(padding, stride, kernel, output_padding,
                                                 size):
    layer = layers.Conv3DTranspose(2, kernel, strides=stride, padding=padding,
                                   output_padding=output_padding)
    assert layer(np.ones((1, 4, 4, 4, 1), np.float32)).shape == (1, size, size, size, 2)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride, kernel, dilation", [(1, 3, 1), ((2, 1, 3), (3, 2, 2), 1),
                                                      (1, 2, 2)])
def test_conv3d_transpose_is_the_adjoint_of_conv3d(padding, stride, kernel, dilation):
    """<T x, z> = <x, C z> for Conv3D C of the same kernel: T is C's gradient (Keras'
    definition, which fixes where 'same' crops)."""
    x = RNG.standard_normal((1, 3, 4, 3, 2))
    kwargs = dict(strides=stride, padding=padding, dilation_rate=dilation, dtype="float64",
                  use_bias=False)
    transposed = layers.Conv3DTranspose(3, kernel, **kwargs)
    y = transposed(x).data
    z = RNG.standard_normal(y.shape)
    conv = layers.Conv3D(2, kernel, **kwargs)
    conv.build(3)
    conv.kernel.data[...] = transposed.kernel.data
    cz = conv(z).data
    assert transposed.kernel.shape == (*conv.kernel_size, 3, 2) and cz.shape == x.shape
    np.testing.assert_allclose((y * z).sum(), (x * cz).sum(), rtol=1e-10)


def test_conv3d_transpose_gradients_match_numerical():
    layer = layers.Conv3DTranspose(2, 2, strides=2, padding="same", activation="tanh")
    x = RNG.standard_normal((1, 2, 2, 2, 2))
    layer(x.astype(np.float32))
    layer.bias.data[...] = RNG.standard_normal(2)
    check_gradients(layer, x)
    first = layers.Conv3DTranspose(2, (1, 2, 3), strides=(1, 2, 1), output_padding=(0, 1, 0),
                                   data_format="channels_first")
    first(channels_first(x).astype(np.float32))
    check_gradients(first, channels_first(x))


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Conv3DTranspose(2, 3, strides=2), (0, 9, 11, 13, 2)),
    (lambda: layers.Conv3D(2, 3, strides=2, padding="same"), (0, 2, 3, 3, 2)),
    (lambda: layers.AveragePooling3D(3, padding="same"), (0, 2, 2, 2, 3)),
    (lambda: layers.MaxPooling3D(2), (0, 2, 2, 3, 3))])
def test_3d_layers_give_an_empty_batch_for_an_empty_batch(make, shape):
    assert make()(np.zeros((0, 4, 5, 6, 3), np.float32)).shape == shape


def test_conv3d_transpose_takes_keras_argument_order():
    """Keras' Conv3DTranspose, unlike Conv1D/2DTranspose, takes data_format before
    output_padding."""
    layer = layers.Conv3DTranspose(2, 3, 2, "same", "channels_first", 1)
    assert (layer.data_format, layer.output_padding) == ("channels_first", (1, 1, 1))
    assert layer(np.ones((1, 1, 3, 3, 3), np.float32)).shape == (1, 2, 6, 6, 6)


# ----- pooling -----
@pytest.mark.parametrize("pool, strides, padding", [
    ((2, 2, 2), None, "valid"), ((3, 2, 3), (2, 1, 2), "same"), ((2, 3, 1), 1, "same"),
    ((3, 3, 3), 2, "valid"),
    ((7, 7, 7), None, "same"), ((5, 3, 8), 1, "same")])  # windows wider than the volume
@pytest.mark.parametrize("kind, reduce", [("Max", np.max), ("Average", np.mean)])
def test_pooling3d_matches_keras_definition(kind, reduce, pool, strides, padding):
    """Keras' definition: 'same' padding never a window's maximum, and out of its mean."""
    layer = getattr(layers, f"{kind}Pooling3D")(pool, strides, padding)
    expected = pool_reference(VOLUMES, pool, layer.strides, padding, reduce)
    np.testing.assert_allclose(layer(VOLUMES).data, expected, rtol=1e-12, atol=1e-12)
    first = getattr(layers, f"{kind}Pooling3D")(pool, strides, padding, "channels_first")
    np.testing.assert_allclose(first(channels_first(VOLUMES)).data, channels_first(expected),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, pool, strides, padding", [
    ("MaxPooling3D", 2, 1, "same"), ("MaxPooling3D", (2, 3, 2), 2, "valid"),
    ("AveragePooling3D", 2, 1, "same"), ("AveragePooling3D", 3, 2, "same")])
def test_pooling3d_gradients_match_numerical(name, pool, strides, padding):
    x = RNG.permutation(2 * 3 * 4 * 4).reshape(1, 3, 4, 4, 2) * 0.1  # no ties
    check_gradients(getattr(layers, name)(pool, strides, padding), x)


@pytest.mark.parametrize("name, reduce", [("GlobalAveragePooling3D", np.mean),
                                          ("GlobalMaxPooling3D", np.max)])
def test_global_pooling3d(name, reduce):
    x = RNG.permutation(2 * 3 * 2 * 4 * 3).reshape(2, 3, 2, 4, 3) * 0.1
    make = getattr(layers, name)
    np.testing.assert_allclose(make()(x).data, reduce(x, axis=(1, 2, 3)))
    assert make(keepdims=True)(x).shape == (2, 1, 1, 1, 3)
    first = make(data_format="channels_first", keepdims=True)(channels_first(x))
    np.testing.assert_allclose(first.data, reduce(channels_first(x), axis=(2, 3, 4),
                                                  keepdims=True))
    check_gradients(make(), x[:1])


def test_pooling3d_aliases_are_keras_other_names():
    assert layers.MaxPool3D is layers.MaxPooling3D
    assert layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.MaxPooling3D().get_config()["pool_size"] == (2, 2, 2)
    assert layers.MaxPooling3D().get_config()["strides"] == (2, 2, 2)


# ----- reshaping -----
@pytest.mark.parametrize("layer, expected", [
    (layers.ZeroPadding3D(), np.pad(VOLUMES, ((0, 0), (1, 1), (1, 1), (1, 1), (0, 0)))),
    (layers.ZeroPadding3D((1, 0, 2)),
     np.pad(VOLUMES, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0)))),
    (layers.ZeroPadding3D(((1, 0), (0, 2), (3, 1)), data_format="channels_first"),
     np.pad(channels_first(VOLUMES), ((0, 0), (0, 0), (1, 0), (0, 2), (3, 1)))),
    (layers.Cropping3D(), VOLUMES[:, 1:-1, 1:-1, 1:-1]),
    (layers.Cropping3D(((1, 0), (0, 2), (2, 1))), VOLUMES[:, 1:, :-2, 2:-1]),
    (layers.Cropping3D((0, 1, 2), data_format="channels_first"),
     channels_first(VOLUMES)[:, :, :, 1:-1, 2:-2]),
    (layers.UpSampling3D(), VOLUMES.repeat(2, 1).repeat(2, 2).repeat(2, 3)),
    (layers.UpSampling3D((1, 3, 2)), VOLUMES.repeat(3, 2).repeat(2, 3)),
    (layers.UpSampling3D((3, 1, 2), data_format="channels_first"),
     channels_first(VOLUMES).repeat(3, 2).repeat(2, 4)),
], ids=lambda v: type(v).__name__ if not isinstance(v, np.ndarray) else "")
def test_volume_reshaping_layers_match_numpy(layer, expected):
    x = channels_first(VOLUMES) if layer.data_format == "channels_first" else VOLUMES
    np.testing.assert_array_equal(layer(x).data, expected)
    check_gradients(layer, x[:1, :, :3] * 0.1)


# ----- a model -----
def test_a_volume_model_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.uniform(0, 1, (8, 4, 4, 4, 1)).astype(np.float32)
    model = keras.Sequential([
        keras.Input(shape=(4, 4, 4, 1)),
        layers.ZeroPadding3D(1),
        layers.Conv3D(3, 3, activation="relu"),
        layers.MaxPooling3D(),
        layers.Conv3DTranspose(2, 2, strides=2, padding="same"),
        layers.Cropping3D(((1, 0), (0, 1), (1, 1))),
        layers.UpSampling3D((1, 1, 2)),
        layers.AveragePooling3D(2, padding="same"),
        layers.GlobalMaxPooling3D()])
    assert model.output_shape == (None, 2)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, np.ones((8, 2), np.float32), epochs=3, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    loaded = saved_and_loaded(model, x, tmp_path / "volumes.keras")
    assert loaded.layers[3].get_config()["strides"] == (2, 2, 2)
    assert loaded.layers[4].cropping == ((1, 0), (0, 1), (1, 1))


@pytest.mark.parametrize("make, error, words", [
    (lambda: layers.Conv3D(2, 3, name="c")(np.zeros((1, 4, 4, 3), np.float32)), ValueError,
     r"Conv3D 'c': expected an input of shape \(N, D, H, W, C\), got \(1, 4, 4, 3\)"),
    (lambda: layers.Conv3D(2, (3, 3)), TypeError,
     r"Conv3D: kernel_size must be an int or a tuple of 3 ints"),
    (lambda: layers.Conv3D(2, 3)(np.zeros((1, 2, 4, 4, 1), np.float32)), ValueError,
     r"Conv3D: the window \(3, 3, 3\) does not fit the input of shape \(1, 2, 4, 4, 1\)"),
    (lambda: layers.Conv3D(2, 3, padding="causal"), ValueError,
     "padding must be one of 'valid', 'same'"),
    (lambda: layers.Conv3DTranspose(2, 3, strides=2, output_padding=2), ValueError,
     "smaller than the strides"),
    (lambda: layers.MaxPooling3D(data_format="channels_first")(
        np.zeros((1, 2, 3, 3), np.float32)), ValueError,
     r"MaxPooling3D: expected an input of shape \(N, C, D, H, W\)"),
    (lambda: layers.Cropping3D(((1, 1), (0, 0), (0, 0)))(np.zeros((1, 2, 3, 3, 1))),
     ValueError, "leaves nothing of axis 1"),
    (lambda: layers.ZeroPadding3D(((1, 1), (0, 0))), TypeError,
     "padding must be an int, 3 ints or 3"),
    (lambda: layers.UpSampling3D((2, 2)), TypeError, "size must be an int or a tuple of 3"),
])
def test_errors_name_the_layer_the_argument_and_the_shapes(make, error, words):
    with pytest.raises(error, match=words):
        make()
