"""keras.applications.convnext and .nasnet: Keras 3.15.1's builders layer for layer (names,
classes, order, parameter counts), the same outputs as Keras' for the same weights, headless
ends, argument errors, ConvNeXt's LayerScale and StochasticDepth, and a short training run.
Keras' figures are literals (computed with Keras 3.15.1 on its torch backend; NASNetMobile,
which Keras refuses on torch, through its nasnet.NASNet with NASNetMobile's arguments)."""
import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from nn import keras
from nn.keras.applications import convnext, nasnet

SMALL = (32, 32, 3)  # (both families' minimum size: quick to build and run)

# builder -> (layers, total, trainable, non-trainable parameters, sha1 of the layer list)
# at Keras' defaults (include_top, 1000 classes); the others take over 3 s to build here:
# ConvNeXtSmall (261, 50223688, aea18279...), ConvNeXtBase (261, 88591464, 6cdd0d94...),
# ConvNeXtLarge (261, 197767336, 805083e1...), ConvNeXtXLarge (261, 350196968, a8c20b0e...),
# NASNetLarge (1041, 88949818 = 88753150 + 196668, b0afa7d0...) - checked by hand, the same
KERAS_STRUCTURE = {
    "ConvNeXtTiny": (135, 28589128, 28589128, 0, "3def8679f407999f51c9b3545ca4f54a92775e36"),
    "NASNetMobile": (771, 5326716, 5289978, 36738, "ba81c081a9710b4eb6cafbed2cd52423ec334431"),
}

# Keras' logits (classifier_activation=None) for deterministic_weights and IMAGES: [:, ::125]
KERAS_LOGITS = {
    "ConvNeXtTiny": [[-0.0266846, 0.1609465, -0.179922, 0.0700191, 0.0900393, -0.1856017,
                      0.1482176, -0.0046646],
                     [-0.0288521, 0.1661759, -0.1844673, 0.0706243, 0.0938071, -0.1910444,
                      0.1514357, -0.0033534]],
    "NASNetMobile": [[0.0502406, 0.0467334, -0.1102322, 0.0947713, -0.0114255, -0.0801044,
                      0.1142553, -0.0665648],
                     [0.0501956, 0.0467428, -0.1101992, 0.0947196, -0.011392, -0.0800956,
                      0.1142106, -0.0665162]],
}


def _module(builder):
    return nasnet if builder.startswith("NASNet") else convnext


def _small(builder, **kwargs):
    return getattr(_module(builder), builder)(weights=None, input_shape=SMALL, **kwargs)


def layer_list_hash(model):
    names = "\n".join(f"{layer.name}:{type(layer).__name__}" for layer in model.layers)
    return hashlib.sha1(names.encode()).hexdigest()


def deterministic_weights(model):
    """The weights the Keras run was given, without an RNG: sin patterns per array, kernels
    scaled by fan-in (NASNet's positive, so its long chains of sums do not cancel), BatchNorm
    variances positive."""
    nasnet_family = model.name.startswith("nasnet")
    arrays = []
    for k, (weight, shape) in enumerate(zip(model.weights, map(np.shape, model.get_weights()))):
        path = weight.path
        a = np.sin(np.arange(int(np.prod(shape))) * 0.37 + k).reshape(shape)
        fan_in = int(np.prod(shape[:2] if "depthwise" in path else shape[:-1]))
        if path.endswith("moving_variance"):
            a = 1.0 + 0.5 * np.abs(a)
        elif nasnet_family and path.endswith(("moving_mean", "beta")):
            a = a * 0.01
        elif len(shape) >= 2 and nasnet_family and "predictions" not in path:
            a = (1.0 + 0.5 * a) / fan_in
        elif len(shape) >= 2:
            a = a * np.sqrt(3.0 / fan_in)
        else:
            is_gamma = path.endswith("gamma") and "layer_scale" not in path
            a = a * 0.1 + (1.0 if is_gamma else 0.0)
        arrays.append(a.astype(np.float32))
    return arrays


def images(builder):
    x = (np.cos(np.arange(2 * 32 * 32 * 3) ** 1.3 * 0.11).reshape(2, 32, 32, 3) * 127.5
         + 127.5).astype(np.float32)
    return nasnet.preprocess_input(x) if builder.startswith("NASNet") else x


@pytest.fixture(scope="module", params=sorted(KERAS_STRUCTURE))
def logits_model(request):
    """The builder at 32x32 with logits out (the same layers and weights as Keras')."""
    return request.param, _small(request.param, classifier_activation=None)


def test_layers_names_classes_and_parameters_are_keras(logits_model):
    builder, model = logits_model
    layers, total, trainable, frozen, digest = KERAS_STRUCTURE[builder]
    assert len(model.layers) == layers
    assert model.count_params() == total
    assert sum(w.size for w in model.trainable_weights) == trainable
    assert sum(w.size for w in model.non_trainable_weights) == frozen
    assert layer_list_hash(model) == digest


def test_outputs_match_keras_for_the_same_weights(logits_model):
    builder, model = logits_model
    model.set_weights(deterministic_weights(model))
    out = model(images(builder), training=False)
    out = np.asarray(getattr(out, "data", out))
    assert out.shape == (2, 1000)
    expected = np.array(KERAS_LOGITS[builder])
    # (ConvNeXt's LayerNorms of small depthwise outputs cost float32 some digits: Keras'
    # own float32 and float64 runs differ by 1.5e-5 of the largest logit)
    atol = 2e-4 * np.abs(expected).max() if builder.startswith("ConvNeXt") else 1e-6
    np.testing.assert_allclose(out[:, ::125], expected, atol=atol, rtol=0)
    # (the two images give different logits: the input path counts, not only the biases)
    assert np.abs(out[0] - out[1]).max() > 20 * atol


@pytest.mark.parametrize("pooling, shape", [(None, (2, 1, 1, 1056)), ("avg", (2, 1056)),
                                            ("max", (2, 1056))])
def test_nasnet_mobile_headless_ends(pooling, shape):
    model = _small("NASNetMobile", include_top=False, pooling=pooling)
    assert model.layers[-1].name == {None: "activation_187", "avg": "global_average_pooling2d",
                                     "max": "global_max_pooling2d"}[pooling]
    out = model(images("NASNetMobile"), training=False)
    assert tuple(out.shape) == shape


@pytest.mark.parametrize("pooling, layers, shape", [(None, 133, (2, 1, 1, 768)),
                                                    ("avg", 134, (2, 768))])
def test_convnext_headless_ends_with_a_layer_normalization(pooling, layers, shape):
    model = _small("ConvNeXtTiny", include_top=False, pooling=pooling)
    assert len(model.layers) == layers
    assert type(model.layers[-1]).__name__ == "LayerNormalization"
    assert model.layers[-1].name == "layer_normalization"
    out = model(images("ConvNeXtTiny"), training=False)
    assert tuple(out.shape) == shape


def test_convnext_without_preprocessing_has_no_normalization_layer():
    model = _small("ConvNeXtTiny", include_top=False, include_preprocessing=False,
                   pooling="max")
    assert model.layers[1].name == "convnext_tiny_stem"
    assert len(model.layers) == 133


@pytest.mark.parametrize("builder", ["ConvNeXtTiny", "NASNetMobile", "NASNetLarge"])
@pytest.mark.parametrize("kwargs, message", [
    ({"weights": "nope"}, "weights"),
    ({"weights": "imagenet", "classes": 10}, "classes"),
    ({"weights": None, "input_shape": (16, 16, 3)}, "at least 32x32"),
    ({"weights": None, "include_top": False, "pooling": "sum", "input_shape": SMALL},
     "pooling"),
])
def test_keras_argument_errors(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(_module(builder), builder)(**kwargs)


def test_nasnet_specific_errors():
    with pytest.raises(ValueError, match="static"):
        nasnet.NASNetLarge(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="multiple of 24"):
        nasnet.NASNet(SMALL, penultimate_filters=1000, weights=None)
    with pytest.raises(TypeError, match="symbolic tensor"):
        nasnet.NASNetMobile(weights=None, input_tensor=np.zeros((1, 32, 32, 3)))


def test_classes_and_an_input_tensor():
    inputs = keras.Input(SMALL)
    model = nasnet.NASNetMobile(weights=None, input_tensor=inputs, classes=10)
    assert model.inputs[0] is inputs
    assert model(images("NASNetMobile"), training=False).shape == (2, 10)
    np.testing.assert_allclose(model(images("NASNetMobile")).data.sum(axis=1), 1, rtol=1e-5)


def test_nasnet_mobile_trains():
    rng = np.random.default_rng()
    model = _small("NASNetMobile", classes=10)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy")
    x = rng.uniform(-1, 1, (4,) + SMALL).astype(np.float32)
    y = rng.integers(0, 10, 4)
    losses = model.fit(x, y, epochs=3, batch_size=4, verbose=0).history["loss"]
    # (four samples memorized: by about 5x in three steps for the seeds tried)
    assert losses[-1] < 0.5 * losses[0]


def test_preprocess_input():
    pixels = np.array([[[[0.0, 127.5, 255.0]]]], np.float32)
    np.testing.assert_allclose(nasnet.preprocess_input(pixels), [[[[-1.0, 0.0, 1.0]]]])
    assert convnext.preprocess_input(pixels) is pixels


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.floats(0.0, 1.0))
def test_layer_scale_multiplies_each_channel(batch, channels, init):
    layer = convnext.LayerScale(init, channels)
    x = np.arange(batch * 3 * channels, dtype=np.float32).reshape(batch, 3, channels)
    np.testing.assert_allclose(layer(x).data, x * np.float32(init), rtol=1e-6)
    assert [tuple(w.shape) for w in layer.get_weights()] == [(channels,)]
    assert layer.get_config()["projection_dim"] == channels


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 16), st.floats(0.05, 0.95))
def test_stochastic_depth_drops_whole_samples_while_training(batch, rate):
    layer = convnext.StochasticDepth(rate)
    x = autograd.Variable(np.ones((batch, 2, 3), np.float32))
    assert layer(x, training=False) is x
    out = layer(x, training=True).data
    per_sample = out.reshape(batch, -1)
    # each sample is dropped (0) or kept and scaled by 1 / (1 - rate), as a whole
    assert np.all(np.isclose(per_sample, 0) | np.isclose(per_sample, 1 / (1 - rate)))
    assert np.all(per_sample.min(axis=1) == per_sample.max(axis=1))


def test_stochastic_depth_refuses_a_rate_outside_0_1():
    with pytest.raises(ValueError, match="drop_path_rate"):
        convnext.StochasticDepth(1.5)
