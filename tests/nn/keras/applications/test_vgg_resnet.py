"""keras.applications' VGG16, VGG19, ResNet50/101/152 and ResNet50V2/101V2/152V2: Keras
3.15.1's layers (names, classes, order), parameter counts and outputs, its argument errors,
and a few training steps. The literals come from real Keras (torch backend) given the same
deterministic weights. ResNet101, ResNet152 and their V2s are left out here (7-11 s to build
each); they were checked against Keras by hand (same layer lists and counts)."""
import functools
import hashlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras
from nn.keras.applications import resnet, resnet50, resnet_v2, vgg16, vgg19
from nn.keras.utils import clear_session, set_random_seed

BUILDERS = {"VGG16": vgg16.VGG16, "VGG19": vgg19.VGG19, "ResNet50": resnet.ResNet50,
            "ResNet50V2": resnet_v2.ResNet50V2}
# Keras' model at 32x32, classes=10, logits: (layers, parameters, trainable ones, sha1 of the
# "name:Class" lines), and its logits for X under deterministic_weights (VGG16's stand for
# VGG19's: making VGG19's 39M weights takes seconds)
KERAS = {
    "VGG16": (23, 33638218, 33638218, "487d27ac105a4c5c6a4f1a52398ddd7b73f14311",
              [[4.5476, 0.182, -0.3236, 0.2384, -1.5396, -0.5258, -0.154, -1.8253, 0.1675,
                1.4061],
               [4.6151, 0.3201, -0.2933, 0.1082, -1.5467, -0.0765, -0.0736, -1.9027, 0.2013,
                1.1107]]),
    "VGG19": (26, 38947914, 38947914, "e9aef85c1892556eb11d4da0f77f0deb82e9cd3d", None),
    "ResNet50": (177, 23608202, 23555082, "34e3625063aaa07f5d1c766245c0581c6fa23bd3",
                 [[21.2492, 60.7777, -12.7794, -41.776, -42.7756, 36.4032, -44.1152,
                   -68.5745, -48.5701, -1.716],
                  [15.4865, 55.8857, -15.5494, -49.4796, -35.5586, 34.7239, -39.9716,
                   -70.8494, -56.3525, -3.8453]]),
    "ResNet50V2": (192, 23585290, 23539850, "abcc76a964233c0ead9e95c151a012fac8833d41",
                   [[7.2995, -39.4358, 12.5384, 5.1762, 35.6502, -3.2179, -27.6199, -52.3941,
                     -11.6845, 11.5827],
                    [6.9646, -49.7, 15.5679, 5.9095, 25.9625, -2.5875, -30.7882, -53.0243,
                     -12.7084, 2.5386]]),
}


def ramp(n, k):
    """n deterministic values in [-1, 1), the k-th sequence: a hashed sine (no RNG)."""
    return 2 * ((np.sin(np.arange(n) * 12.9898 + k * 78.233) * 43758.5453) % 1.0) - 1


def deterministic_weights(model):
    """Every weight, layer by layer: kernels at He's scale, biases 0.1u; BatchNormalization's
    gamma 1 + 0.2u, beta 0.1u, moving mean 0.1u, moving variance 1 + 0.5|u|."""
    arrays = []
    for layer in model.layers:
        batch_norm = type(layer).__name__ == "BatchNormalization"
        for i, weight in enumerate(layer.get_weights()):
            u = ramp(weight.size, len(arrays)).reshape(weight.shape)
            if weight.ndim > 1:
                value = u * np.sqrt(6.0 / np.prod(weight.shape[:-1]))
            elif batch_norm:
                value = (1 + 0.2 * u, 0.1 * u, 0.1 * u, 1 + 0.5 * np.abs(u))[i]
            else:
                value = 0.1 * u
            arrays.append(value.astype(np.float32))
    return arrays


X = (ramp(2 * 32 * 32 * 3, -1).reshape(2, 32, 32, 3) * 2).astype(np.float32)


def layer_hash(model):
    lines = "\n".join(f"{layer.name}:{type(layer).__name__}" for layer in model.layers)
    return hashlib.sha1(lines.encode()).hexdigest()


@functools.cache
def built(name):
    """Keras' model `name` at 32x32, classes=10, logits: one per session."""
    clear_session()  # (the unnamed layers' names count from 0, as in a fresh Keras)
    return BUILDERS[name](weights=None, input_shape=(32, 32, 3), classes=10,
                          classifier_activation=None)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_layers_and_parameters_are_keras(name):
    model = built(name)
    count, total, trainable, sha1, _ = KERAS[name]
    assert (len(model.layers), model.count_params(), layer_hash(model)) == (count, total, sha1)
    assert sum(np.size(w) for w in model.trainable_weights) == trainable


@pytest.mark.parametrize("name", ["VGG16", "ResNet50", "ResNet50V2"])
def test_outputs_are_keras_under_the_same_weights(name):
    model = built(name)
    model.set_weights(deterministic_weights(model))
    expected = np.array(KERAS[name][4])
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-4,
                               atol=1e-4 * np.abs(expected).max())


def test_headless_resnet_has_keras_weights_takes_any_size_and_warns_of_odd_channels():
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        model = resnet.ResNet50(weights=None, include_top=False, input_shape=(None, None, 5))
    shapes = [w.shape for w in model.get_weights()]
    # conv1_conv's kernel and bias, conv1_bn's four, then conv2_block1_1_conv's kernel (Keras
    # makes the shortcut's conv2_block1_0_conv after the main path's first two convs)
    assert shapes[:7] == [(7, 7, 5, 64), (64,), (64,), (64,), (64,), (64,), (1, 1, 64, 64)]
    assert shapes[18] == (1, 1, 64, 256)  # (after 1_bn, 2_conv, 2_bn)
    assert (model.input_shape, model.output_shape) == ((None, None, None, 5),
                                                       (None, None, None, 2048))
    assert model.layers[-1].name == "conv5_block3_out"


@pytest.mark.parametrize("builder, pooling, shape, last", [
    (vgg16.VGG16, "avg", (None, 512), "global_average_pooling2d"),
    (resnet_v2.ResNet50V2, "max", (None, 2048), "max_pool"),
])
def test_headless_models_end_as_keras_ones(builder, pooling, shape, last):
    clear_session()
    model = builder(weights=None, include_top=False, input_shape=(32, 32, 3), pooling=pooling)
    assert (model.output_shape, model.layers[-1].name) == (shape, last)


@pytest.mark.parametrize("kwargs, message", [
    ({"weights": "no/such/file.h5"}, "the `weights` argument should be either"),
    ({"weights": "imagenet", "classes": 10}, "`classes` should be 1000"),
    ({"weights": "imagenet", "input_shape": (64, 64, 3)}, r"should be \(224, 224, 3\)"),
    ({"weights": None, "include_top": False, "input_shape": (32, 32)}, "three integers"),
    ({"weights": "imagenet", "include_top": False, "input_shape": (32, 32, 1)}, "3 channels"),
])
@pytest.mark.parametrize("builder", [vgg19.VGG19, resnet.ResNet152, resnet_v2.ResNet101V2])
def test_keras_argument_errors(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


@given(size=st.integers(1, 31), other=st.integers(32, 300), first=st.booleans())
def test_inputs_under_32_pixels_are_refused(size, other, first):
    shape = (size, other, 3) if first else (other, size, 3)
    with pytest.raises(ValueError, match="at least 32x32"):
        resnet.ResNet50(weights=None, include_top=False, input_shape=shape)


def test_pretrained_weights_allow_only_softmax_or_no_activation():
    # (before any download, as Keras)
    with pytest.raises(ValueError, match="classifier_activation"):
        resnet_v2.ResNet50V2(weights="imagenet", classifier_activation="relu")


def test_input_tensor_starts_the_model():
    images = keras.Input((40, 40, 3))
    model = resnet_v2.ResNet50V2(weights=None, include_top=False, input_tensor=images)
    assert model.inputs[0] is images
    assert model.output_shape == (None, 2, 2, 2048)


def test_resnet50_module_is_keras_alias():
    assert resnet50.ResNet50 is resnet.ResNet50
    assert resnet50.preprocess_input is resnet.preprocess_input


# Keras' preprocess_input of the pixel (10, 20, 30): caffe (BGR less the mean) or tf
@pytest.mark.parametrize("module, expected", [
    (vgg16, [-73.939, -96.779, -113.68]), (vgg19, [-73.939, -96.779, -113.68]),
    (resnet, [-73.939, -96.779, -113.68]), (resnet_v2, [-0.92157, -0.84314, -0.76471]),
])
def test_preprocess_input_is_the_module_convention(module, expected):
    pixel = np.array([[[[10, 20, 30]]]], np.uint8)
    np.testing.assert_allclose(module.preprocess_input(pixel)[0, 0, 0], expected, atol=1e-4)
    first = module.preprocess_input(np.moveaxis(pixel, -1, 1), data_format="channels_first")
    np.testing.assert_allclose(first[0, :, 0, 0], expected, atol=1e-4)


def test_a_few_steps_of_fit_bring_the_loss_down():
    set_random_seed(3)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(4, 32, 32, 3)).astype(np.float32)
    y = rng.integers(0, 10, size=4)
    model = resnet_v2.ResNet50V2(weights=None, input_shape=(32, 32, 3), classes=10)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    assert losses[-1] < 0.6 * losses[0]
