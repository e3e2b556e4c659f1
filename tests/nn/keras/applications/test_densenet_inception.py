"""keras.applications' DenseNet121/169/201, Xception, InceptionV3 and InceptionResNetV2:
Keras 3.15.1's layers (names, classes, order), parameter counts, outputs with the same
weights, headless ends and argument checks, as literals. (DenseNet169/201, InceptionV3
and InceptionResNetV2 take 5-25 s to build here: checked against Keras by hand, see the
helper's report, and left out.)"""
import hashlib

import numpy as np
import pytest

import nn.keras as keras
from nn.keras.applications import densenet, inception_resnet_v2, inception_v3, xception
from nn.keras.applications.inception_resnet_v2 import CustomScaleLayer

SMALL = (32, 32, 3)
# (builder, arguments): Keras' layer count, total and non-trainable parameters and the
# sha1 of its "name:Class" lines, each built in a fresh Keras session
STRUCTURES = {
    "DenseNet121": (densenet.DenseNet121, {"input_shape": SMALL}, 429, 8062504, 83648,
                    "5bf5f46bb8a30c6cd2d92173a93e87bef0f7daac"),
    "Xception": (xception.Xception, {"input_shape": (71, 71, 3)}, 134, 22910480, 54528,
                 "21d834e29336d6169cff29afcf79f54cd1a6e357"),
}
# Keras' logits (classes=10, classifier_activation=None) with deterministic_weights on
# deterministic_images(2, size)
KERAS_LOGITS = {
    "DenseNet121": (32, [[-0.0132425, 0.0718861, 0.0764797, 0.0358456, -0.102262, -0.0293129,
                          -0.0286895, 0.0477733, -0.0296233, -0.1185024],
                         [-0.0099296, 0.0662716, 0.0766766, 0.0356579, -0.0949671, -0.0327263,
                          -0.0311423, 0.0499828, -0.0269061, -0.1215264]]),
    "Xception": (71, [[-0.0487179, -0.0942966, 0.2533021, 0.0236672, 0.0777062, -0.230128,
                       -0.044734, -0.2727043, -0.0626848, -0.2485908],
                      [-0.0614183, -0.0956598, 0.2489925, -0.0438041, 0.0267882, -0.1915017,
                       -0.086886, -0.2841187, -0.0238877, -0.2357423]]),
}


def layer_hash(model):
    lines = "\n".join(f"{layer.name}:{type(layer).__name__}" for layer in model.layers)
    return hashlib.sha1(lines.encode()).hexdigest()


def deterministic_weights(model):
    """No RNG: sin of a chirp per array (the k-th phase-shifted by k), kernels scaled by
    their fan-in, BatchNormalization's gamma near 1 and moving variances in [1, 1.5]."""
    arrays = []
    for k, (variable, array) in enumerate(zip(model.weights, model.get_weights())):
        i = np.arange(array.size, dtype=np.float64)
        a = np.sin(i * i * 0.001 + i * 0.37 + k).reshape(array.shape) * 0.1
        path = variable.path
        if path.endswith("moving_variance"):
            a = 1.0 + 5.0 * np.abs(a)
        elif a.ndim >= 2:  # (a depthwise kernel's fan-in is its window)
            fan_in = np.prod(a.shape[:2] if "depthwise" in path else a.shape[:-1])
            a = a * 15.0 / np.sqrt(fan_in)
        elif path.endswith("gamma"):
            a = 1.0 + a
        arrays.append(a.astype(np.float32))
    return arrays


def deterministic_images(count, size):
    return np.sin(np.arange(count * size * size * 3) ** 1.5 * 0.01).reshape(
        count, size, size, 3).astype(np.float32)


@pytest.fixture(scope="module")
def models():
    """The two builders whose structure and outputs are checked, built once (10 classes,
    logits: neither changes the layer list)."""
    return {name: builder(weights=None, classes=10, classifier_activation=None, **kwargs)
            for name, (builder, kwargs, *_) in STRUCTURES.items()}


@pytest.mark.parametrize("name", list(STRUCTURES))
def test_the_layers_and_parameters_are_keras(models, name):
    _, _, count, total, frozen, sha1 = STRUCTURES[name]
    model = models[name]
    assert len(model.layers) == count
    features = model.get_layer("predictions").get_weights()[0].shape[0]
    top_of_1000 = (features + 1) * 1000  # (the fixture's top has 10 classes)
    assert model.count_params() == total - top_of_1000 + (features + 1) * 10
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == frozen
    assert layer_hash(model) == sha1


@pytest.mark.parametrize("name", list(KERAS_LOGITS))
def test_the_same_weights_give_keras_outputs(models, name):
    size, expected = KERAS_LOGITS[name]
    model = models[name]
    model.set_weights(deterministic_weights(model))
    out = model(deterministic_images(2, size), training=False).data
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=2e-6)


@pytest.mark.parametrize("pooling, shape, last", [
    (None, (None, 1, 1, 1024), "relu"), ("avg", (None, 1024), "avg_pool"),
    ("max", (None, 1024), "max_pool")])
def test_headless_densenet_ends_as_keras(pooling, shape, last):
    model = densenet.DenseNet121(weights=None, include_top=False, input_shape=SMALL,
                                 pooling=pooling)
    assert tuple(model.output.shape) == shape
    assert model.layers[-1].name == last
    assert model.count_params() == 7037504  # (Keras': no top)


@pytest.mark.parametrize("builder, size", [
    (densenet.DenseNet121, 32), (xception.Xception, 71), (inception_v3.InceptionV3, 75),
    (inception_resnet_v2.InceptionResNetV2, 75)])
def test_arguments_are_checked_as_keras_checks_them(builder, size):
    with pytest.raises(ValueError, match="`weights` argument"):
        builder(weights="no/such/file.weights.h5")
    with pytest.raises(ValueError, match="classes` should be 1000"):
        builder(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match=rf"should be \({224 if size == 32 else 299}, "):
        builder(weights="imagenet", input_shape=(size + 1, size + 1, 3))
    with pytest.raises(ValueError, match=f"at least {size}x{size}"):
        builder(weights=None, include_top=False, input_shape=(size - 1, size - 1, 3))
    with pytest.raises(ValueError, match="3 channels"):
        builder(weights="imagenet", include_top=False, input_shape=(size, size, 1))


def test_a_pretrained_top_takes_softmax_only(tmp_path):
    file = tmp_path / "given.weights.h5"
    file.write_bytes(b"")  # (never read: the activation is refused first)
    with pytest.raises(ValueError, match="softmax"):
        densenet.DenseNet121(weights=str(file), input_shape=SMALL, classifier_activation="relu")


def test_densenet_refuses_channels_first():
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            densenet.DenseNet121(weights=None)
    finally:
        keras.config.set_image_data_format("channels_last")


def test_preprocess_input_is_each_modules_keras_mode():
    pixel = np.array([[[[0.0, 128.0, 255.0]]]], dtype=np.float32)
    np.testing.assert_allclose(densenet.preprocess_input(pixel).ravel(),
                               [-2.1179039, 0.2051822, 2.6400001], rtol=1e-6)
    for module in (xception, inception_v3, inception_resnet_v2):
        np.testing.assert_allclose(module.preprocess_input(pixel).ravel(),
                                   [-1.0, 0.0039216, 1.0], atol=1e-6)


def test_custom_scale_layer_adds_the_scaled_residual():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    residual = np.ones((2, 3), dtype=np.float32)
    layer = CustomScaleLayer(0.17)
    out = layer([x, residual])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, x + np.float32(0.17), rtol=1e-6)
    assert layer.get_config()["scale"] == 0.17
    with pytest.raises(ValueError, match="block35.*but got: block9"):
        inception_resnet_v2.inception_resnet_block(keras.Input((8, 8, 4)), 0.1, "block9", 1)


def test_densenet_trains_from_scratch():
    rng = np.random.default_rng()
    x = rng.uniform(-1, 1, (4, *SMALL)).astype(np.float32)
    y = rng.integers(0, 10, 4)
    model = densenet.DenseNet121(weights=None, input_shape=SMALL, classes=10)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=4, batch_size=4, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]  # (four batches of 4 images: seen ~0.1-0.25)
