"""keras.applications.efficientnet / efficientnet_v2: Keras 3.15.1's layers (names, classes,
order), parameter counts and outputs, for the builders quick to build here (B0 and V2B0;
B1..B7, V2B1..V2L were checked against Keras by hand: building them takes 3-30 s)."""
import hashlib

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import Model
from nn.keras.applications import efficientnet, efficientnet_v2

# (layers, total, trainable, non-trainable parameters, sha1 of "name:Class" lines): Keras'
# at classes=1000 (the non-trainable ones include Normalization's int count, as Keras counts)
KERAS_FIGURES = {
    "EfficientNetB0": (240, 5330571, 5288548, 42023, "176a150cbc8e7714d153120b2966596619051e38"),
    "EfficientNetV2B0": (273, 7200312, 7139704, 60608,
                         "26be072c8f98f8e282a273c03622bcb5640e95ba"),
}
BUILDERS = {"EfficientNetB0": efficientnet.EfficientNetB0,
            "EfficientNetV2B0": efficientnet_v2.EfficientNetV2B0}
TOP_CHANGE = 1281 * 990  # (classes=10 for 1000: 990 fewer columns of 1280 weights + bias)

X = (127.5 + 127.5 * np.sin(np.arange(2 * 32 * 32 * 3) * 0.113)).reshape(2, 32, 32, 3
                                                                         ).astype(np.float32)
# Keras' outputs on X after deterministic_weights (classes=10, classifier_activation=None)
KERAS_LOGITS = {
    "EfficientNetB0": [
        [-0.072647, 0.027444, -0.02305, -0.024169, 0.016225, 0.064652, 0.081237, 0.096191,
         -0.038686, 0.024433],
        [-0.072799, 0.02689, -0.023347, -0.023976, 0.016497, 0.064673, 0.080697, 0.097364,
         -0.038999, 0.024399]],
    "EfficientNetV2B0": [
        [0.151589, 0.158287, 0.146863, -0.052233, 0.096246, -0.48158, -0.187957, -0.012199,
         0.000184, 0.354226],
        [0.140881, 0.167579, 0.161811, -0.052071, 0.097184, -0.474648, -0.195247, -0.004712,
         0.003144, 0.342885]],
}
KERAS_FEATURES = {  # top_activation's first 6 channels (the 32x32 images end at 1x1)
    "EfficientNetB0": [[0.060651, 0.107826, 0.05259, 0.029728, -0.035062, 0.083194],
                       [0.060766, 0.108813, 0.052163, 0.029335, -0.034393, 0.082677]],
    "EfficientNetV2B0": [[0.080033, -0.059334, 0.035856, -0.090202, -0.152201, 0.066085],
                         [0.06809, -0.058553, 0.048114, -0.091654, -0.155369, 0.057475]],
}
# V2B0 without its preprocessing, on X / 127.5 - 1: Keras' avg-pooled features
KERAS_UNPROCESSED = [[0.073445, -0.059438, 0.035387, -0.092003, -0.153119, 0.060543],
                     [0.072156, -0.058688, 0.037224, -0.091893, -0.154003, 0.059218]]
# B0 headless with weights='imagenet' (Keras' extra per-channel Rescaling after its
# Normalization), the same deterministic weights: Keras' features
KERAS_IMAGENET_FEATURES = [[0.053854, 0.09793, 0.060118, 0.02273, -0.035428, 0.073916],
                           [0.053797, 0.112039, 0.080092, 0.02108, -0.03033, 0.083247]]
# BatchNormalization's moving variances that keep the signal neither dying nor exploding
VARIANCE_MEAN = {"EfficientNetB0": 0.6, "EfficientNetV2B0": 1.0}


def deterministic_weights(model, variance_mean):
    """Weights without an RNG, by each weight's Keras path: kernels sin(...) * 1.7/sqrt(fan_in)
    (a quadratic phase: a plain sin(a i + k) kernel has rank 2), BN gammas 1 +- 0.2, moving
    variances about variance_mean, Normalization's about 1, the rest sin(...) * 0.05."""
    arrays = []
    # (shapes from get_weights: Keras' layouts, a Dense kernel (in, out))
    for k, (weight, array) in enumerate(zip(model.weights, model.get_weights())):
        shape, role = np.shape(array), weight.path.split("/")[-1]
        if role == "count":
            arrays.append(np.zeros(shape, np.int64))
            continue
        i = np.arange(int(np.prod(shape)), dtype=np.float64)
        a = np.sin(0.37 * i + 0.013 * i * i + k).reshape(shape)
        if role == "moving_variance":
            a = variance_mean * (0.75 + 0.5 * a * a)
        elif role == "variance":
            a = 0.5 + a * a
        elif role == "gamma":
            a = 1.0 + 0.2 * a
        elif len(shape) >= 2:  # (a depthwise kernel (k, k, C, 1) has fan-in k * k)
            fan_in = np.prod(shape[:2] if len(shape) == 4 and shape[-1] == 1 else shape[:-1])
            a = a * 1.7 / np.sqrt(fan_in)
        else:
            a = a * 0.05
        arrays.append(a.astype(np.float32))
    return arrays


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def logits_model(request):
    """(name, the builder's 32x32 classes=10 logits model with deterministic weights)."""
    name = request.param
    model = BUILDERS[name](weights=None, input_shape=(32, 32, 3), classes=10,
                           classifier_activation=None)
    model.set_weights(deterministic_weights(model, VARIANCE_MEAN[name]))
    model.eval()
    return name, model


def layer_hash(model):
    return hashlib.sha1("\n".join(f"{layer.name}:{type(layer).__name__}"
                                  for layer in model.layers).encode()).hexdigest()


def test_layers_and_parameter_counts_are_keras(logits_model):
    name, model = logits_model
    layers, total, trainable, frozen, sha1 = KERAS_FIGURES[name]
    assert len(model.layers) == layers
    assert layer_hash(model) == sha1
    assert model.count_params() == total - TOP_CHANGE
    assert sum(w.data.size for w in model.trainable_weights) == trainable - TOP_CHANGE
    assert sum(w.data.size for w in model.non_trainable_weights) == frozen


def test_outputs_match_keras_with_the_same_weights(logits_model):
    name, model = logits_model
    np.testing.assert_allclose(model.predict(X, verbose=0), KERAS_LOGITS[name], rtol=1e-4,
                               atol=2e-6)
    features = Model(model.inputs, model.get_layer("top_activation").output)
    got = features.predict(X, verbose=0)
    assert got.shape == (2, 1, 1, 1280)
    np.testing.assert_allclose(got[:, 0, 0, :6], KERAS_FEATURES[name], rtol=1e-4, atol=2e-6)


def test_v2_headless_without_preprocessing_matches_keras():
    model = efficientnet_v2.EfficientNetV2B0(include_top=False, weights=None,
                                             input_shape=(32, 32, 3), pooling="avg",
                                             include_preprocessing=False)
    assert model.layers[1].name == "stem_conv"  # (no Rescaling / Normalization)
    model.set_weights(deterministic_weights(model, VARIANCE_MEAN["EfficientNetV2B0"]))
    got = model.predict(X / 127.5 - 1, verbose=0)
    assert got.shape == (2, 1280) and model.layers[-1].name == "avg_pool"
    np.testing.assert_allclose(got[:, :6], KERAS_UNPROCESSED, rtol=1e-4, atol=2e-6)


def test_headless_max_pooling_and_unpooled_shapes():
    pooled = efficientnet.EfficientNetB0(include_top=False, weights=None, pooling="max",
                                         input_shape=(64, 48, 3))
    assert pooled.layers[-1].name == "max_pool"
    assert pooled.outputs[0].shape == (None, 1280)
    assert pooled.predict(np.zeros((1, 64, 48, 3), np.float32), verbose=0).shape == (1, 1280)
    images = keras.Input(shape=(None, None, 3))
    plain = efficientnet_v2.EfficientNetV2B0(include_top=False, weights=None,
                                             input_tensor=images)
    assert plain.layers[-1].name == "top_activation"
    assert plain.predict(np.zeros((1, 64, 96, 3), np.float32), verbose=0).shape == \
        (1, 2, 3, 1280)


def test_imagenet_weights_take_keras_file_and_stem(monkeypatch):
    files = []

    def load(model, weights, who, file_name, origin, file_hash):  # (offline: no download)
        files.append((weights, file_name, origin, file_hash))
        model.set_weights(deterministic_weights(model, VARIANCE_MEAN["EfficientNetB0"]))
    monkeypatch.setattr(efficientnet, "load_application_weights", load)
    model = efficientnet.EfficientNetB0(include_top=False, weights="imagenet",
                                        input_shape=(32, 32, 3))
    assert [type(layer).__name__ for layer in model.layers[:6]] == [
        "InputLayer", "Rescaling", "Normalization", "Rescaling", "ZeroPadding2D", "Conv2D"]
    assert len(model.layers) == 238 and model.count_params() == 4049571
    np.testing.assert_allclose(model.predict(X, verbose=0).reshape(2, -1)[:, :6],
                               KERAS_IMAGENET_FEATURES, rtol=1e-4, atol=2e-6)
    efficientnet_v2.EfficientNetV2B0(weights="imagenet", include_top=False,
                                     input_shape=(32, 32, 3))
    assert files == [
        ("imagenet", "efficientnetb0_notop.h5",
         "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
         "50bc09e76180e00e4465e1a485ddc09d"),
        ("imagenet", "efficientnetv2-b0_notop.h5",
         "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
         "efficientnetv2-b0_notop.h5", "893217f2bb855e2983157299931e43ff")]


@pytest.mark.parametrize("builder", [efficientnet.EfficientNetB3,
                                     efficientnet_v2.EfficientNetV2L])
@pytest.mark.parametrize("arguments, message", [
    ({"weights": "no/such/file.h5"}, "`weights` argument should be either"),
    ({"weights": "imagenet", "classes": 10}, "`classes` should be 1000"),
    ({"weights": None, "include_top": False, "input_shape": (31, 40, 3)},
     "at least 32x32"),
    ({"weights": "imagenet", "input_shape": (32, 32, 3)}, "`input_shape` should be"),
    ({"weights": None, "include_top": False, "input_shape": (32, 3)},
     "three integers"),
])
def test_keras_argument_errors(builder, arguments, message):
    with pytest.raises(ValueError, match=message):
        builder(**arguments)  # (raised before a layer is built: big builders are cheap here)


def test_names_and_identity_preprocessing():
    assert efficientnet.EfficientNetB7.__name__ == "EfficientNetB7"
    x = np.arange(6.0)
    assert efficientnet.preprocess_input(x) is x and efficientnet_v2.preprocess_input(x) is x
    assert efficientnet.round_filters(32, 1.8) == 56  # (57.6 -> 56, within 10%)
    assert efficientnet_v2.round_filters(1280, 1.2, 8, 8) == 1536


def test_v2_default_blocks_need_a_known_name():
    with pytest.raises(ValueError, match="efficientnetv2-b0"):
        efficientnet_v2.EfficientNetV2(1.0, 1.0, 224, name="mine", weights=None)


@pytest.mark.parametrize("seed", [0])
def test_training_from_scratch_lowers_the_loss(seed):
    rng = np.random.default_rng(seed)
    model = efficientnet.EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)
    x = rng.uniform(0, 255, (8, 32, 32, 3)).astype(np.float32)
    y = rng.integers(0, 10, 8)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-4),
                  loss="sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=10, batch_size=8, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses))
    # (per-step losses jump: dropout, drop-connect and batch statistics of 8 samples)
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3])
