"""Keras' Cropping1D/2D, UpSampling2D(interpolation='bilinear'), Dot, UnitNormalization and
Identity: values (against NumPy and PyTorch), gradients, configs, and refusals."""
import json
import zipfile

import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 5, 6, 3))


def test_cropping_cuts_the_edges_as_zero_padding_pads_them():
    y = layers.Cropping2D(((1, 2), (0, 3)))(IMAGES).data
    np.testing.assert_array_equal(y, IMAGES[:, 1:3, 0:3])
    first = layers.Cropping2D(1, data_format="channels_first")(IMAGES.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(first.data, IMAGES.transpose(0, 3, 1, 2)[:, :, 1:4, 1:5])
    np.testing.assert_array_equal(layers.Cropping1D((2, 1))(IMAGES[:, 0]).data,
                                  IMAGES[:, 0, 2:5])
    back = layers.Cropping2D(((1, 1), (2, 0)))(layers.ZeroPadding2D(((1, 1), (2, 0)))(IMAGES))
    np.testing.assert_array_equal(back.data, IMAGES)
    assert_gradients_match(layers.Cropping2D((1, 2)), IMAGES[:1], order=2)


def test_bilinear_upsampling_is_half_pixel_interpolation():
    torch = pytest.importorskip("torch")
    y = layers.UpSampling2D((2, 3), interpolation="bilinear")(IMAGES).data
    theirs = torch.nn.functional.interpolate(torch.from_numpy(IMAGES.transpose(0, 3, 1, 2)),
                                             scale_factor=(2, 3), mode="bilinear",
                                             align_corners=False)
    np.testing.assert_allclose(y, theirs.numpy().transpose(0, 2, 3, 1), rtol=1e-12)
    first = layers.UpSampling2D((2, 3), "channels_first", interpolation="bilinear")
    np.testing.assert_allclose(first(IMAGES.transpose(0, 3, 1, 2)).data,
                               y.transpose(0, 3, 1, 2), rtol=1e-12)
    assert layers.UpSampling2D(interpolation="bilinear")(IMAGES.astype(np.uint8)).dtype == \
        np.float32
    assert_gradients_match(layers.UpSampling2D(interpolation="bilinear"), IMAGES[:1, :3, :3],
                           order=2)


def test_dot_is_keras_batch_dot():
    x, y = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    np.testing.assert_allclose(layers.Dot(1)([x, y]).data, (x * y).sum(1, keepdims=True))
    cosine = layers.Dot(-1, normalize=True)([x, y]).data[:, 0]
    np.testing.assert_allclose(cosine, (x * y).sum(1) / np.linalg.norm(x, axis=1)
                               / np.linalg.norm(y, axis=1))
    a, b = RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 6, 4))
    np.testing.assert_allclose(layers.Dot(2)([a, b]).data, np.einsum("btd,bsd->bts", a, b))
    c = RNG.standard_normal((2, 5, 3))
    np.testing.assert_allclose(layers.Dot((1, 1))([a, c]).data, np.einsum("btd,bte->bde", a, c))
    assert_gradients_match(lambda u, v: layers.Dot((2, 1), normalize=True)([u, v]), a[:, :4],
                           c[:, :4], order=2)


def test_unit_normalization_and_identity():
    x = RNG.standard_normal((3, 4, 2))
    y = layers.UnitNormalization()(x).data
    np.testing.assert_allclose(np.linalg.norm(y, axis=-1), 1.0)
    both = layers.UnitNormalization(axis=[1, 2])(x).data
    np.testing.assert_allclose(np.sqrt((both ** 2).sum(axis=(1, 2))), 1.0)
    np.testing.assert_array_equal(layers.UnitNormalization()(np.zeros((2, 3))).data, 0.0)
    assert_gradients_match(layers.UnitNormalization(axis=1), x, order=2)
    np.testing.assert_array_equal(layers.Identity()(x).data, x)


def test_keras_identity_is_a_named_layer_keras_reads(tmp_path, recwarn):
    """(It was PyTorch's nn.Identity, which ignores name=: listing a model's layer names
    raised AttributeError, and get_layer could not find it.) Keras 3.15 writes it with no
    build_config and an empty vars group, as here."""
    model = keras.Sequential([keras.Input((3,)), layers.Identity(name="skip"), layers.Dense(2)])
    assert [layer.name for layer in model.layers] == ["skip", "dense"]
    assert model.get_layer("skip") is model.layers[0]
    model.save(tmp_path / "m.keras")
    assert not [w for w in recwarn if "own format" in str(w.message)]
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        written = json.loads(archive.read("config.json"))["config"]["layers"][1]
    assert written["class_name"] == "Identity" and "build_config" not in written
    assert set(written["config"]) == {"name", "trainable", "dtype"}
    back = nn.load_model(tmp_path / "m.keras")
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [layer.name for layer in back.layers] == ["skip", "dense"]


def test_a_model_of_them_saves_and_loads(tmp_path):
    inputs = keras.Input(shape=(6, 6, 2))
    images = layers.UpSampling2D(interpolation="bilinear")(layers.Cropping2D(1)(inputs))
    flat = layers.UnitNormalization()(layers.Flatten()(images))
    outputs = layers.Dot(1)([layers.Dense(4)(flat), layers.Dense(4)(flat)])
    model = keras.Model(inputs, outputs)
    x = RNG.standard_normal((3, 6, 6, 2)).astype(np.float32)
    saved_and_loaded(model, x, tmp_path / "m.keras", rtol=1e-5)


@pytest.mark.parametrize("call, error, words", [
    (lambda: layers.Cropping2D(((3, 3), (0, 0)))(IMAGES), ValueError, "leaves nothing"),
    (lambda: layers.Cropping2D("1"), TypeError, "cropping must be an int"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), ValueError,
     "interpolation must be one of"),
    (lambda: layers.Dot(1)([np.ones((2, 3)), np.ones((2, 4))]), ValueError, "of one size"),
    (lambda: layers.Dot(0)([np.ones((2, 3)), np.ones((2, 3))]), ValueError,
     "after the batch axis"),
    (lambda: layers.Dot(1)([np.ones((2, 3))]), ValueError, "exactly 2"),
    (lambda: layers.Dot("1"), TypeError, "axes must be an int"),
])
def test_refusals_name_what_was_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("groups, torch_groups", [(3, 3), (1, 1), (-1, 6)])
def test_group_normalization_is_torch_group_norm_on_channels_last(groups, torch_groups):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 4, 5, 6))
    layer = layers.GroupNormalization(groups)
    layer(x)
    layer.weight.data[...] = RNG.standard_normal(6)
    layer.bias.data[...] = RNG.standard_normal(6)
    theirs = torch.nn.functional.group_norm(
        torch.from_numpy(x.transpose(0, 3, 1, 2)), torch_groups,
        torch.from_numpy(layer.weight.data.astype(np.float64)),
        torch.from_numpy(layer.bias.data.astype(np.float64)), eps=1e-3)
    np.testing.assert_allclose(layer(x).data, theirs.numpy().transpose(0, 2, 3, 1),
                               rtol=1e-6, atol=1e-6)
    first = layers.GroupNormalization(groups, axis=1, center=False, scale=False)
    np.testing.assert_allclose(
        first(x.transpose(0, 3, 1, 2)).data,
        torch.nn.functional.group_norm(torch.from_numpy(x.transpose(0, 3, 1, 2)),
                                       torch_groups, eps=1e-3).numpy(), rtol=1e-9, atol=1e-9)


def test_group_normalization_gradients_saving_and_refusals(tmp_path):
    layer = layers.GroupNormalization(2)
    x = RNG.standard_normal((2, 3, 4))
    layer(x)
    layer.double()
    assert_gradients_match(layer, x, order=2)
    model = keras.Sequential([keras.Input(shape=(3, 4)), layers.GroupNormalization(2),
                              layers.Flatten(), layers.Dense(2)])
    loaded = saved_and_loaded(model, x, tmp_path / "g.keras", rtol=1e-5)
    assert loaded.layers[0].get_config()["groups"] == 2
    with pytest.raises(ValueError, match="4 channels .* do not split into groups=3"):
        layers.GroupNormalization(3)(x)
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(0)
    with pytest.raises(ValueError, match=r"GroupNormalization: the input of shape \(2, 3, 6\) "
                                         r"has sizes \(6,\) on axis -1, the layer was built "
                                         r"for \(4,\)"):
        layer(np.zeros((2, 3, 6)))
    unsplit = layers.GroupNormalization(2)
    with pytest.raises(ValueError, match="do not split"):
        unsplit(np.zeros((2, 3)))
    assert unsplit(np.zeros((2, 6))).shape == (2, 6)  # (the refused input built nothing)


@pytest.mark.parametrize("axis, moved", [(-1, (0, 1, 2, 3)), (1, (0, 2, 3, 1)),
                                         ([1, 3], (0, 2, 1, 3))])
def test_rms_normalization_is_torch_rms_norm_over_keras_axes(axis, moved):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 4, 5))
    layer = layers.RMSNormalization(axis)
    layer(x)
    layer.scale.data[...] = RNG.standard_normal(layer.scale.shape)
    shape = layer.scale.shape
    theirs = torch.nn.functional.rms_norm(
        torch.from_numpy(x.transpose(moved)), shape,
        torch.from_numpy(layer.scale.data.astype(np.float64)), eps=1e-6).numpy()
    np.testing.assert_allclose(layer(x).data, theirs.transpose(np.argsort(moved)),
                               rtol=1e-5, atol=1e-6)


def test_rms_normalization_gradients_saving_and_refusals(tmp_path):
    layer = layers.RMSNormalization()
    x = RNG.standard_normal((2, 3, 4))
    layer(x)
    assert layer.get_weights()[0].shape == (4,) and layer.built
    layer.double()
    assert_gradients_match(layer, x, order=2)
    model = keras.Sequential([keras.Input(shape=(3, 4)), layers.RMSNormalization(axis=[1, 2]),
                              layers.Flatten(), layers.Dense(2)])
    model.layers[0].scale.data[...] = RNG.standard_normal((3, 4))
    loaded = saved_and_loaded(model, x, tmp_path / "r.keras", rtol=1e-5)
    assert loaded.layers[0].get_config()["axis"] == [1, 2]
    np.testing.assert_array_equal(loaded.layers[0].scale.data, model.layers[0].scale.data)
    with pytest.raises(ValueError, match=r"RMSNormalization: the input of shape \(2, 3, 6\) "
                                         r"has sizes \(6,\) on axis -1"):
        layer(np.zeros((2, 3, 6)))
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        layers.RMSNormalization(epsilon=0)
    with pytest.raises(ValueError, match="batch axis"):
        layers.RMSNormalization(axis=0)(np.zeros((2, 3)))


@pytest.mark.parametrize("settings", [dict(depth_multiplier=2, strides=2, padding="same"),
                                      dict(dilation_rate=2, use_bias=False),
                                      dict(data_format="channels_first")])
def test_depthwise_convolution_is_one_convolution_per_channel(settings):
    x = RNG.standard_normal((2, 7, 6, 3))
    first = settings.get("data_format") == "channels_first"
    layer = layers.DepthwiseConv2D(3, dtype="float64", **settings)
    y = layer(x.transpose(0, 3, 1, 2) if first else x).data
    y = y.transpose(0, 2, 3, 1) if first else y
    multiplier = settings.get("depth_multiplier", 1)
    for c in range(3):
        for m in range(multiplier):
            conv = layers.Conv2D(1, 3, dtype="float64", use_bias=False,
                                 **{k: v for k, v in settings.items()
                                    if k in ("strides", "padding", "dilation_rate")})
            conv.build(1)
            conv.kernel.data[...] = layer.kernel.data[:, :, c:c + 1, m:m + 1]
            bias = 0.0 if layer.bias is None else layer.bias.data[c * multiplier + m]
            np.testing.assert_allclose(y[..., c * multiplier + m],
                                       conv(x[..., c:c + 1]).data[..., 0] + bias, rtol=1e-12)
    assert layer.kernel.shape == (3, 3, 3, multiplier)


def test_depthwise_gradients_and_saving(tmp_path):
    layer = layers.DepthwiseConv2D(2, depth_multiplier=2, dtype="float64")
    assert_gradients_match(layer, RNG.standard_normal((1, 3, 3, 2)), order=2)
    model = keras.Sequential([keras.Input(shape=(5, 5, 2)),
                              layers.DepthwiseConv2D(3, depth_multiplier=2,
                                                     depthwise_regularizer="l2",
                                                     depthwise_constraint="non_neg"),
                              layers.Flatten(), layers.Dense(2)])
    x = RNG.standard_normal((2, 5, 5, 2)).astype(np.float32)
    loaded = saved_and_loaded(model, x, tmp_path / "d.keras", rtol=1e-5)
    config = loaded.layers[0].get_config()
    assert config["depthwise_regularizer"] == {"l2": 0.01}
    assert config["depthwise_constraint"]["class_name"] == "NonNeg"


def test_separable_convolution_is_depthwise_then_pointwise(tmp_path):
    x = RNG.standard_normal((2, 7, 6, 3))
    layer = layers.SeparableConv2D(5, 3, strides=2, depth_multiplier=2, padding="same",
                                   dtype="float64")
    y = layer(x).data
    assert [w.shape for w in layer.get_weights()] == [(3, 3, 3, 2), (1, 1, 6, 5), (5,)]
    depthwise = layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding="same",
                                       use_bias=False, dtype="float64")
    depthwise.build(3)
    depthwise.kernel.data[...] = layer.depthwise_kernel.data
    pointwise = layers.Conv2D(5, 1, dtype="float64")
    pointwise.build(6)
    pointwise.set_weights(layer.get_weights()[1:])
    np.testing.assert_allclose(y, pointwise(depthwise(x)).data, rtol=1e-12)
    assert_gradients_match(layers.SeparableConv2D(2, 2, dtype="float64"),
                           RNG.standard_normal((1, 3, 3, 2)), order=2)
    model = keras.Sequential([keras.Input(shape=(7, 6, 3)),
                              layers.SeparableConv2D(4, 3, pointwise_regularizer="l2",
                                                     pointwise_constraint="non_neg"),
                              layers.Flatten(), layers.Dense(2)])
    assert len(model.losses) == 1
    xf = x.astype(np.float32)
    loaded = saved_and_loaded(model, xf, tmp_path / "s.keras", rtol=1e-5)
    assert loaded.layers[0].get_config()["filters"] == 4


def test_multiply_reads_masks_as_keras():
    """Keras 3.15.1's values (a review ran it): a masked entry counts as 1, a step masked
    in every input is 0."""
    first, second = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    embedding = layers.Embedding(10, 4, mask_zero=True)
    model = keras.Model([first, second], layers.Multiply()([embedding(first), embedding(second)]))
    table = np.zeros((10, 4), np.float32)
    table[[0, 1, 3, 5]] = [[0, .1, .2, .3], [.4, .5, .6, .7], [1.2, 1.3, 1.4, 1.5],
                           [2, 2.1, 2.2, 2.3]]
    embedding.set_weights([table])
    y = model.predict([np.array([[3, 5, 0, 0]]), np.array([[3, 0, 1, 0]])], verbose=0)
    np.testing.assert_allclose(y[0], [[1.44, 1.69, 1.96, 2.25], [2, 2.1, 2.2, 2.3],
                                      [.4, .5, .6, .7], [0, 0, 0, 0]], rtol=1e-6)


def test_dropout_takes_keras_noise_shape_and_seed():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=3)
    y = layer(np.ones((4, 5, 6)), training=True).data
    assert np.all(y == y[:, :1]) and set(np.unique(y)) <= {0.0, 2.0}  # one mask per sample
    same = [layers.Dropout(0.5, seed=7)(np.ones((8, 8)), training=True).data for _ in range(2)]
    np.testing.assert_array_equal(*same)
    np.testing.assert_array_equal(layer(np.ones((4, 5, 6)), training=False).data, 1.0)
    assert layer.get_config()["noise_shape"] == (None, 1, 6)
    with pytest.raises(ValueError, match="noise_shape .* does not broadcast"):
        layer(np.ones((4, 5, 7)), training=True)


def test_softmax_takes_a_mask_and_keras_activation_names():
    y = layers.Softmax()(np.array([[1.0, 2.0, 3.0, 4.0]]), mask=np.array([[1, 1, 0, 0]], bool))
    np.testing.assert_allclose(y.data, [[0.26894142, 0.73105858, 0, 0]], rtol=1e-7)
    x = np.linspace(-2, 2, 9)
    expected = {"squareplus": (x + np.sqrt(x * x + 4)) / 2,
                "sparse_sigmoid": np.clip((x + 1) / 2, 0, 1),
                "sparse_plus": np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
                "hard_tanh": np.clip(x, -1, 1), "log_sigmoid": -np.log1p(np.exp(-x)),
                "soft_shrink": np.sign(x) * np.maximum(np.abs(x) - 0.5, 0),
                "hard_shrink": np.where(np.abs(x) > 0.5, x, 0), "tanh_shrink": x - np.tanh(x),
                "celu": np.where(x > 0, x, np.expm1(x))}
    for name, values in expected.items():
        np.testing.assert_allclose(layers.Activation(name)(x).data, values, atol=1e-12,
                                   err_msg=name)
    np.testing.assert_allclose(layers.Activation("glu")(np.array([[1.0, 2.0, 0.0, 3.0]])).data,
                               [[1 / (1 + np.exp(-0.0)), 2 / (1 + np.exp(-3.0))]])


def test_normalization_layers_take_keras_initializers_and_regularizers(tmp_path):
    layer = layers.LayerNormalization(gamma_initializer="zeros", beta_initializer="ones",
                                      gamma_regularizer="l2", beta_regularizer="l1")
    np.testing.assert_array_equal(layer(RNG.standard_normal((2, 3))).data, 1.0)
    assert len(layer.penalties()) == 2
    group = layers.GroupNormalization(2, gamma_initializer="zeros", beta_regularizer="l2")
    np.testing.assert_array_equal(group(RNG.standard_normal((2, 3, 4))).data, 0.0)
    assert len(group.penalties()) == 1
    model = keras.Sequential([keras.Input(shape=(4,)),
                              layers.LayerNormalization(gamma_regularizer="l2"),
                              layers.BatchNormalization(synchronized=False), layers.Dense(1)])
    assert len(model.losses) == 1
    model.save(tmp_path / "n.keras")
    assert nn.load_model(tmp_path / "n.keras").layers[0].get_config()["gamma_regularizer"] == \
        {"l2": 0.01}
    with pytest.raises(ValueError, match="synchronized=True is nn.distributed's SyncBatchNorm"):
        layers.BatchNormalization(synchronized=True)


@pytest.mark.parametrize("mode, gates", [("LSTM", 4), ("GRU", 3), ("RNN_TANH", 1)])
def test_the_composed_cells_are_the_fused_ones_with_tanh_and_sigmoid(mode, gates):
    from autograd import Variable, grad
    from nn.functional.stepwise_recurrence import stepwise_recurrence
    hidden, features = 3, 2
    x = Variable(RNG.standard_normal((4, 2, features)))
    weights = [Variable(RNG.standard_normal(s) * 0.5) for s in
               ((gates * hidden, features), (gates * hidden, hidden), (gates * hidden,),
                (gates * hidden,))]
    state = tuple(Variable(RNG.standard_normal((2, hidden)))
                  for _ in range(2 if mode == "LSTM" else 1))
    ours = stepwise_recurrence(mode, x, *weights, state,
                               activations=(nn.functional.tanh, nn.functional.sigmoid))
    fused = stepwise_recurrence(mode, x, *weights, state)
    np.testing.assert_allclose(ours[0].data, fused[0].data, rtol=1e-12)
    for a, b in zip(grad(ours[0].sum(), [x, *weights]), grad(fused[0].sum(), [x, *weights])):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: layers.LSTM(3, activation="relu"),
                                  lambda: layers.GRU(3, recurrent_activation="hard_sigmoid",
                                                     return_sequences=True),
                                  lambda: layers.SimpleRNN(3, activation="sigmoid"),
                                  lambda: layers.LSTM(3, activation=None, go_backwards=True)])
def test_recurrent_layers_take_other_activations(make, tmp_path):
    x = RNG.standard_normal((2, 5, 4))
    layer = make()
    layer(x)
    layer.double()
    assert_gradients_match(layer, x, order=1)
    model = keras.Sequential([keras.Input(shape=(5, 4)), make(), layers.Flatten(),
                              layers.Dense(1)])
    xf = x.astype(np.float32)
    saved_and_loaded(model, xf, tmp_path / "r.keras", rtol=1e-5)


def test_an_lstm_with_relu_is_keras_cell():
    x = RNG.standard_normal((1, 3, 2))
    layer = layers.LSTM(2, activation="relu", dtype="float64")
    h = layer(x).data
    kernel, recurrent, bias = layer.get_weights()  # Keras' layout: (F, 4H), (H, 4H), (4H,)
    hs, cs = np.zeros((1, 2)), np.zeros((1, 2))
    for t in range(3):
        a = x[:, t] @ kernel + hs @ recurrent + bias
        i, f, c_hat, o = np.split(a, 4, axis=-1)  # (Keras' order i, f, c, o)
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        cs = sig(f) * cs + sig(i) * np.maximum(c_hat, 0)
        hs = sig(o) * np.maximum(cs, 0)
    np.testing.assert_allclose(h, hs, rtol=1e-10)
