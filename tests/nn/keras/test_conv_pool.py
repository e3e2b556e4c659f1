"""nn.keras' Conv2D, Conv1D and pooling layers (channels-last): forward against NumPy loops
over Keras' definitions ('same' padding with odd and even sizes, strides 1 and 2), backprop
against numerical differentiation, Keras' weights and initialisation, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras
from autograd import Variable
from autograd.testing import arrays
from nn.keras import layers

from ._helpers import check_gradients, conv_reference, pool_reference


@st.composite
def conv_cases(draw):
    """(x (N, H, W, C), kernel, bias, strides, padding, dilation) that Keras accepts."""
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    strides = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (1, 1) if max(strides) > 1 else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(["valid", "same"]))
    low = [1 if padding == "same" else d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    h, w = draw(st.integers(low[0], 7)), draw(st.integers(low[1], 7))
    x = draw(arrays((n, h, w, c), dtype=np.float32))
    return (x, draw(arrays(kernel + (c, f), dtype=np.float32)),
            draw(st.none() | arrays((f,), dtype=np.float32)), strides, padding, dilation)


@given(conv_cases())
def test_conv2d_matches_keras_definition(case):
    x, kernel, bias, strides, padding, dilation = case
    layer = layers.Conv2D(kernel.shape[3], kernel.shape[:2], strides, padding,
                          dilation_rate=dilation, use_bias=bias is not None)
    layer(x)
    layer.set_weights([kernel] if bias is None else [kernel, bias])
    y = layer(x)
    expected = conv_reference(x.astype(np.float64), kernel, bias, strides, padding, dilation)
    assert y.shape == expected.shape and y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("size, kernel, strides, padding", [
    ((5, 4), 3, 1, "same"), ((5, 4), 2, 1, "same"), ((5, 4), (3, 2), 2, "same"),
    ((6, 5), 2, 2, "same"), ((5, 5), 3, 2, "valid"), ((4, 6), (1, 3), (2, 1), "same"),
])
def test_conv2d_gradients_match_numerical(size, kernel, strides, padding):
    rng = np.random.default_rng(0)
    layer = layers.Conv2D(3, kernel, strides, padding, activation="tanh")
    x = rng.normal(size=(2, *size, 2))
    layer(x.astype(np.float32))
    layer.bias.data[...] = rng.normal(size=3)
    check_gradients(layer, x, second_order=padding == "same" and strides == 1)


def test_conv2d_channels_first_is_channels_last_transposed():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    last = layers.Conv2D(4, 3, 2, "same")
    first = layers.Conv2D(4, 3, 2, "same", data_format="channels_first")
    y = last(x)
    first(x.transpose(0, 3, 1, 2))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(x.transpose(0, 3, 1, 2)).data,
                               y.data.transpose(0, 3, 1, 2), rtol=1e-6, atol=1e-6)
    check_gradients(first, x.transpose(0, 3, 1, 2)[:1, :, :4, :3])


@pytest.mark.parametrize("padding, strides, dilation", [
    ("valid", 1, 1), ("same", 1, 1), ("same", 2, 1), ("causal", 1, 2), ("same", 1, 2)])
def test_conv1d_is_conv2d_on_a_height_of_one(padding, strides, dilation):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 9, 3)).astype(np.float32)
    layer = layers.Conv1D(4, 4, strides, padding, dilation_rate=dilation)
    y = layer(x)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (4, 3, 4)
    if padding == "causal":  # all the padding before: output t sees inputs up to t only
        x = np.pad(x, ((0, 0), (3 * dilation, 0), (0, 0)))
        padding = "valid"
    expected = conv_reference(x[:, None], kernel[None], bias, (1, strides), padding,
                              (1, dilation))[:, 0]
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-5)
    check_gradients(layer, x[:, :6])


def test_causal_output_does_not_depend_on_later_steps():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = np.random.default_rng(3).normal(size=(1, 10, 2)).astype(np.float32)
    changed = x.copy()
    changed[:, 6:] += 1
    np.testing.assert_array_equal(layer(x).data[:, :6], layer(changed).data[:, :6])


def test_conv2d_weights_are_keras_layout_and_initialisation():
    np.random.seed(0)
    layer = layers.Conv2D(64, (3, 5), input_shape=(28, 28, 16), name="features")
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 5, 16, 64) and bias.shape == (64,)
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]
    limit = np.sqrt(6 / (15 * 16 + 15 * 64))  # glorot-uniform with Keras' fans
    assert kernel.dtype == np.float32 and np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.95 * limit and abs(kernel.std() - limit / np.sqrt(3)) < 3e-3
    np.testing.assert_array_equal(bias, 0)
    assert layer.count_params() == 3 * 5 * 16 * 64 + 64
    grouped = layers.Conv2D(6, 3, groups=3, use_bias=False)
    grouped(np.zeros((1, 5, 5, 9), np.float32))
    assert [w.shape for w in grouped.get_weights()] == [(3, 3, 3, 6)]


def test_conv2d_is_sized_by_its_first_input_and_an_optimizer_made_before_updates_it():
    import optim
    layer = layers.Conv2D(2, 3)
    assert not layer.built and layer.get_weights() == []
    opt = optim.SGD(layer.parameters(), lr=0.1)
    x = np.ones((1, 4, 4, 5), np.float32)
    layer(x).sum().backward()
    before = layer.kernel.data.copy()
    opt.step()
    assert layer.kernel.shape == (3, 3, 5, 2) and not np.allclose(before, layer.kernel.data)


def test_conv2d_kernel_regularizer_is_in_the_model_losses():
    model = keras.Sequential([keras.Input((5, 5, 1)),
                              layers.Conv2D(2, 3, kernel_regularizer=keras.regularizers.l2(0.1),
                                            bias_regularizer="l1")])
    kernel = model.layers[0].kernel.data
    penalty, bias_penalty = [float(p.data) for p in model.losses]
    assert bias_penalty == 0.0  # the bias starts at zeros
    assert penalty == pytest.approx(0.1 * float((kernel.astype(np.float64) ** 2).sum()),
                                    rel=1e-5)


def test_conv_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r"Conv2D 'c1': expected an input of shape "
                                         r"\(N, H, W, C\), got \(2, 5, 5\)"):
        layers.Conv2D(2, 3, name="c1")(np.zeros((2, 5, 5), np.float32))
    layer = layers.Conv2D(2, 3)
    layer(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match=r"Conv2D: the input of shape \(1, 5, 5, 4\) has 4 "
                                         r"channels \(axis 3\), the layer was built for 3$"):
        layer(np.zeros((1, 5, 5, 4), np.float32))  # (no sign of PyTorch's layout: no hint)
    with pytest.raises(ValueError, match=r"Conv2D: the input of shape \(1, 3, 5, 5\) has 5 "
                                         r"channels .* axis 1 has 3: channels first, as "
                                         r"PyTorch's layers take\? Keras' take channels last: "
                                         r"x.transpose\(0, 2, 3, 1\), or "
                                         r"data_format='channels_first'$"):
        layer(np.zeros((1, 3, 5, 5), np.float32))  # PyTorch's layout
    with pytest.raises(ValueError, match=r"Conv2D: the window \(3, 3\) does not fit the input "
                                         r"of shape \(1, 2, 5, 3\)"):
        layer(np.zeros((1, 2, 5, 3), np.float32))
    with pytest.raises(ValueError, match="strides > 1 does not go with dilation_rate > 1"):
        layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding must be one of 'valid', 'same', got 'causal'"):
        layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(TypeError, match=r"kernel_size must be an int or a tuple of 2 ints"):
        layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="filters=3 must be divisible by groups=2"):
        layers.Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match="data_format must be 'channels_last' or"):
        layers.Conv1D(2, 3, data_format="NHWC")
    with pytest.raises(ValueError, match=r"input_shape \(5, 5\) is not one sample of "
                                         r"\(N, H, W, C\)"):
        layers.Conv2D(2, 3, input_shape=(5, 5))


# ----- pooling -----
@st.composite
def pool_cases(draw, dims=2):
    pool = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    strides = draw(st.none() | st.tuples(*[st.integers(1, 2)] * dims))
    padding = draw(st.sampled_from(["valid", "same"]))
    sizes = tuple(draw(st.integers(k if padding == "valid" else 1, 7)) for k in pool)
    x = draw(arrays((draw(st.integers(1, 2)),) + sizes + (draw(st.integers(1, 2)),),
                    dtype=np.float32, elements=(-4.0, 4.0)))
    return x, pool, strides, padding


@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("kind, reduce", [("Max", np.max), ("Average", np.mean)])
@given(data=st.data())
def test_pooling_matches_keras_definition(dims, kind, reduce, data):
    x, pool, strides, padding = data.draw(pool_cases(dims))
    layer = getattr(layers, f"{kind}Pooling{dims}D")(pool, strides, padding)
    expected = pool_reference(x.astype(np.float64), pool, strides or pool, padding, reduce)
    y = layer(x)
    assert y.shape == expected.shape and y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, pool, strides, padding", [
    ("MaxPooling2D", 2, None, "valid"), ("MaxPooling2D", 3, 2, "same"),
    ("AveragePooling2D", 3, 2, "same"), ("AveragePooling2D", (2, 3), 1, "same"),
    ("MaxPooling1D", 2, 1, "same"), ("AveragePooling1D", 3, 2, "same")])
def test_pooling_gradients_match_numerical(name, pool, strides, padding):
    dims = int(name[-2])
    rng = np.random.default_rng(4)
    x = rng.permutation(2 * 5 ** dims * 2).reshape((2,) + (5,) * dims + (2,)) * 0.1  # no ties
    check_gradients(getattr(layers, name)(pool, strides, padding), x)


@pytest.mark.parametrize("name, reduce", [
    ("GlobalAveragePooling2D", np.mean), ("GlobalMaxPooling2D", np.max),
    ("GlobalAveragePooling1D", np.mean), ("GlobalMaxPooling1D", np.max)])
def test_global_pooling(name, reduce):
    dims = int(name[-2])
    x = np.random.default_rng(5).permutation(60).reshape((2, 3, 5, 2) if dims == 2 else (2, 5, 6))
    x = x.astype(np.float64) * 0.1
    axes = tuple(range(1, dims + 1))
    np.testing.assert_allclose(getattr(layers, name)()(x).data, reduce(x, axis=axes))
    kept = getattr(layers, name)(keepdims=True)(x)
    assert kept.shape == (2,) + (1,) * dims + (x.shape[-1],)
    first = getattr(layers, name)(data_format="channels_first")(np.moveaxis(x, -1, 1))
    np.testing.assert_allclose(first.data, reduce(x, axis=axes))
    check_gradients(getattr(layers, name)(), x)


def test_pooling_takes_integer_images_as_float32():
    x = np.arange(32, dtype=np.uint8).reshape(1, 4, 4, 2)
    y = layers.AveragePooling2D(2)(x)
    assert y.dtype == np.float32 and y.shape == (1, 2, 2, 2)
    assert layers.GlobalMaxPooling2D()(x).dtype == np.float32


def test_pooling_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'pool': expected an input of shape "
                                         r"\(N, H, W, C\), got \(2, 4, 4\)"):
        layers.MaxPooling2D(name="pool")(np.zeros((2, 4, 4), np.float32))
    with pytest.raises(ValueError, match=r"AveragePooling1D: the window \(3,\) does not fit "
                                         r"the input of shape \(1, 2, 4\)"):
        layers.AveragePooling1D(3)(np.zeros((1, 2, 4), np.float32))
    with pytest.raises(ValueError, match="pool_size must be at least 1"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match=r"GlobalMaxPooling1D: expected an input of shape "
                                         r"\(N, T, C\)"):
        layers.GlobalMaxPooling1D()(np.zeros((2, 3, 4, 5), np.float32))


def test_a_variable_input_gets_its_gradient_through_a_stack():
    x = Variable(np.random.default_rng(6).normal(size=(2, 6, 6, 1)).astype(np.float32))
    y = layers.MaxPooling2D()(layers.Conv2D(3, 3, padding="same")(x))
    y.sum().backward()
    assert x.grad.shape == x.shape
