"""keras.applications' MobileNet, MobileNetV2, MobileNetV3Small and MobileNetV3Large: Keras
3.15.1's layers (names, classes, order), parameter counts and outputs, as literals."""
import hashlib

import numpy as np
import pytest

from nn.keras.applications import mobilenet, mobilenet_v2, mobilenet_v3

SMALL = (32, 32, 3)
# (builder, arguments): Keras' layer count, total and non-trainable parameters, and the
# sha1 of its "name:Class" lines (each built in a fresh Keras session; built here at 32x32,
# which changes none of them)
STRUCTURES = [
    (mobilenet.MobileNet, {}, 91, 4253864, 21888, "71f7981ffe0d63e397981c4507f52d82ea6d5026"),
    (mobilenet.MobileNet, {"alpha": 0.5, "depth_multiplier": 2, "include_top": False}, 86,
     1646672, 15904, "60644a2d431add3527331af920c69752c4e03239"),
    (mobilenet_v2.MobileNetV2, {}, 156, 3538984, 34112,
     "a46c264e19b0fdb298925f0548b2b747f6d8e5e8"),
    (mobilenet_v2.MobileNetV2, {"alpha": 1.4}, 156, 6156712, 47936,
     "a46c264e19b0fdb298925f0548b2b747f6d8e5e8"),
    (mobilenet_v3.MobileNetV3Small, {}, 164, 2554968, 12112,
     "c6d90a20c55bdcefb4a8b66c97cecb9ebad11f7d"),
    (mobilenet_v3.MobileNetV3Small, {"minimalistic": True}, 110, 2056848, 12112,
     "16ad3063b66b6e93ce94c7ff033da1f17fcbd050"),
    (mobilenet_v3.MobileNetV3Large, {}, 194, 5507432, 24400,
     "e555501acd23e88afaf1640c7426ce9935e6dcee"),
    (mobilenet_v3.MobileNetV3Large, {"minimalistic": True}, 146, 3948688, 24400,
     "5b2de356c0f5c4e0d555c333036d184a36900f76"),
    (mobilenet_v3.MobileNetV3Large,
     {"alpha": 1.25, "include_preprocessing": False, "dropout_rate": 0}, 191, 8286760, 30976,
     "1909f792f204377cfde86125af7589f8400a77fb"),
]


def layer_hash(model):
    lines = "\n".join(f"{layer.name}:{type(layer).__name__}" for layer in model.layers)
    return hashlib.sha1(lines.encode()).hexdigest()


@pytest.mark.parametrize("builder, kwargs, count, total, frozen, sha1", STRUCTURES)
def test_the_layers_and_parameters_are_keras(builder, kwargs, count, total, frozen, sha1):
    model = builder(weights=None, input_shape=SMALL, **kwargs)
    assert len(model.layers) == count
    assert sum(w.size for w in model.get_weights()) == total
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == frozen
    assert layer_hash(model) == sha1


@pytest.mark.parametrize("builder, kwargs, name", [
    (mobilenet.MobileNet, {"alpha": 0.25, "input_shape": (128, 128, 3)}, "mobilenet_0.25_128"),
    (mobilenet.MobileNet, {"input_shape": (100, 100, 3)}, "mobilenet_1.00_100"),
    (mobilenet_v2.MobileNetV2, {"alpha": 0.35, "input_shape": (96, 96, 3)},
     "mobilenetv2_0.35_96"),
    (mobilenet_v3.MobileNetV3Small, {"input_shape": SMALL}, "MobileNetV3Small"),
])
def test_models_are_named_as_keras_names_them(builder, kwargs, name):
    assert builder(weights=None, **kwargs).name == name


def deterministic_weights(model):
    """The weights the Keras run had, without an RNG: kernels uniform-like in +-sqrt(6 /
    fan_in) (He's scale: the output must depend on the input), batch norms near the
    identity, small biases."""
    arrays = []
    for k, (array, weight) in enumerate(zip(model.get_weights(), model.weights)):
        shape, path = array.shape, weight.path
        w = (np.sin(np.arange(array.size) * 12.9898 + k * 78.233) * 43758.5453) % 1.0 * 2 - 1
        w = w.reshape(shape)
        if len(shape) > 1:
            depthwise = "depthwise" in path or "_dw_" in path
            w = w * 6 ** 0.5 / np.sqrt(np.prod(shape[:2] if depthwise else shape[:-1]))
        elif "variance" in path:
            w = 1.0 + 0.1 * np.abs(w)
        elif "gamma" in path:
            w = 1.0 + 0.1 * w
        else:
            w = 0.01 * w
        arrays.append(w.astype(np.float32))
    return arrays


PIXELS = ((np.sin(np.arange(2 * 32 * 32 * 3) * 12.9898) * 43758.5453) % 1.0 * 255).reshape(
    2, 32, 32, 3).astype(np.float32)
# Keras' logits (classes=10, classifier_activation=None) on PIXELS with those weights
KERAS_LOGITS = [
    (mobilenet.MobileNet, {"alpha": 0.25},
     [[0.0355246, 0.0034712, -0.0007169, -0.0204882, -0.0210723, -0.0146427, -0.0529344,
       0.0039145, 0.0102371, 0.0163848],
      [0.0384377, 0.0043941, -0.0019032, -0.0177689, -0.0185324, -0.0160856, -0.0443766,
       0.0052217, 0.0133597, 0.0129957]]),
    (mobilenet_v2.MobileNetV2, {"alpha": 0.35},
     [[-1.2389288, 0.8232933, -0.0258036, -1.710236, -1.0987639, -0.066855, -1.2265052,
       2.4754548, 2.3024938, -0.6591197],
      [-1.4297163, 1.0177472, -0.5471802, -1.4273763, -1.2088902, -0.1189887, -0.4959717,
       1.749249, 1.4025289, -0.7714363]]),
    (mobilenet_v3.MobileNetV3Small, {},
     [[0.0132202, -0.0202519, 0.0254379, -0.0109752, -0.0279404, 0.0042504, -0.0009505,
       -0.0283824, -0.0322296, 0.0130421],
      [0.012681, -0.0181992, 0.0246902, -0.0116418, -0.0279836, 0.0060678, -0.0005722,
       -0.0304596, -0.0314438, 0.0129064]]),
    (mobilenet_v3.MobileNetV3Small, {"minimalistic": True},
     [[-1.702975, -1.1115665, 2.9438608, 7.6228456, 7.9356771, -1.6988381, -0.4385638,
       -7.2452693, 3.0167277, -4.4184337],
      [-0.824643, -2.8772712, 2.9526901, 10.1283302, 10.383069, -3.4983194, 2.3387628,
       -5.7268229, 4.4367356, -4.6655555]]),
]


@pytest.mark.parametrize("builder, kwargs, expected", KERAS_LOGITS)
def test_outputs_match_keras_with_the_same_weights(builder, kwargs, expected):
    model = builder(weights=None, classes=10, input_shape=SMALL, classifier_activation=None,
                    **kwargs)
    model.set_weights(deterministic_weights(model))
    # (V3 rescales its pixels itself; V1 and V2 take preprocess_input's)
    module = {mobilenet.MobileNet: mobilenet, mobilenet_v2.MobileNetV2: mobilenet_v2}
    images = module[builder].preprocess_input(PIXELS) if builder in module else PIXELS
    logits = np.asarray(model(images, training=False).data)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=2e-5 * scale)


@pytest.mark.parametrize("builder, channels, side", [
    (mobilenet.MobileNet, 1024, 1), (mobilenet_v2.MobileNetV2, 1280, 2),
    (mobilenet_v3.MobileNetV3Small, 576, 2), (mobilenet_v3.MobileNetV3Large, 960, 2)])
@pytest.mark.parametrize("pooling", [None, "avg", "max"])
def test_headless_outputs_have_keras_shapes(builder, channels, side, pooling):
    model = builder(weights=None, include_top=False, input_shape=(40, 48, 3), pooling=pooling)
    # (Keras': MobileNet pads strided blocks at the bottom right only, 40x48 -> 1x1)
    expected = (None, side, side, channels) if pooling is None else (None, channels)
    assert tuple(model.output.shape) == expected


def test_without_an_input_shape_the_headless_model_takes_any_size():
    model = mobilenet_v3.MobileNetV3Small(weights=None, include_top=False, minimalistic=True)
    assert tuple(model.output.shape) == (None, None, None, 576)
    assert model(PIXELS[:1], training=False).shape == (1, 1, 1, 576)
    wider = np.concatenate([PIXELS[:1], PIXELS[1:]], axis=2)  # (1, 32, 64, 3)
    assert model(wider, training=False).shape == (1, 1, 2, 576)


def test_the_top_has_the_classes_asked_for_and_softmax():
    model = mobilenet_v3.MobileNetV3Small(weights=None, classes=7, input_shape=SMALL,
                                          minimalistic=True)
    assert model.layers[-1].name == "predictions"
    probabilities = np.asarray(model(PIXELS[:1], training=False).data)
    assert probabilities.shape == (1, 7)
    np.testing.assert_allclose(probabilities.sum(), 1.0, rtol=1e-5)


def test_an_input_tensor_is_used_as_the_input():
    from nn.keras import Input
    images = Input(shape=(64, 64, 3))
    model = mobilenet_v2.MobileNetV2(weights=None, input_tensor=images, include_top=False)
    assert model.inputs[0] is images and model.name == "mobilenetv2_1.00_None"
    with pytest.raises(ValueError, match="must equal input_shape"):
        mobilenet_v2.MobileNetV2(weights=None, input_tensor=images, input_shape=(32, 32, 3))


@pytest.mark.parametrize("builder, kwargs, error, match", [
    (mobilenet.MobileNet, {"weights": "no/such/file.h5"}, ValueError, "weights"),
    (mobilenet_v2.MobileNetV2, {"classes": 10}, ValueError, "classes` should be 1000"),
    (mobilenet.MobileNet, {"alpha": 0.3}, ValueError, "alpha can be one of"),
    (mobilenet.MobileNet, {"depth_multiplier": 2}, ValueError, "depth multiplier"),
    (mobilenet_v2.MobileNetV2, {"alpha": 0.3}, ValueError, "alpha must be one of"),
    (mobilenet_v3.MobileNetV3Small, {"alpha": 0.5}, ValueError, "alpha can be one of"),
    (mobilenet_v3.MobileNetV3Large, {"alpha": 0.75, "minimalistic": True}, ValueError,
     "alpha can be one of"),
    (mobilenet_v3.MobileNetV3Small, {"classifier_activation": "relu"}, ValueError,
     "classifier_activation"),
    (mobilenet.MobileNet, {"weights": None, "input_shape": (20, 20, 3), "include_top": False},
     ValueError, "at least 32x32"),
    (mobilenet_v3.MobileNetV3Large, {"weights": None, "input_shape": (31, 64, 3)},
     ValueError, "at least 32x32"),
    (mobilenet_v2.MobileNetV2, {"weights": None, "input_shape": (32, 32)}, ValueError,
     "three integers"),
])
def test_bad_arguments_raise_keras_errors(builder, kwargs, error, match):
    with pytest.raises(error, match=match):
        builder(**kwargs)


@pytest.mark.parametrize("builder, kwargs, file_name, md5", [
    (mobilenet.MobileNet, {"include_top": False, "alpha": 0.5, "input_shape": (160, 160, 3)},
     "mobilenet/mobilenet_5_0_160_tf_no_top.h5", None),
    (mobilenet.MobileNet, {"alpha": 0.25, "input_shape": (128, 128, 3)},
     "mobilenet/mobilenet_2_5_128_tf.h5", None),
    (mobilenet_v2.MobileNetV2, {"alpha": 1.4, "input_shape": (128, 128, 3)},
     "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_128.h5", None),
    (mobilenet_v2.MobileNetV2, {"include_top": False, "input_shape": (96, 96, 3)},
     "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5", None),
    (mobilenet_v3.MobileNetV3Small, {"input_shape": (224, 224, 3)},
     "mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float.h5",
     "8768d4c2e7dee89b9d02b2d03d65d862"),
    (mobilenet_v3.MobileNetV3Large, {"include_top": False, "minimalistic": True,
                                     "input_shape": (224, 224, 3)},
     "mobilenet_v3/weights_mobilenet_v3_large_minimalistic_224_1.0_float_no_top_v2.h5",
     "ec5221f64a2f6d1ef965a614bdae7973"),
])
def test_imagenet_asks_for_keras_files(builder, kwargs, file_name, md5, monkeypatch):
    asked = []
    module = {"MobileNet": mobilenet, "MobileNetV2": mobilenet_v2}.get(builder.__name__,
                                                                       mobilenet_v3)
    # (recorded, not fetched: the tests never reach the network)
    monkeypatch.setattr(module, "load_application_weights",
                        lambda model, weights, who, *file: asked.append(file))
    builder(**kwargs)
    (name, origin, *md5_given), = asked
    assert origin == ("https://storage.googleapis.com/tensorflow/keras-applications/"
                      + file_name)
    assert name == file_name.split("/")[1] and (md5_given or [None]) == [md5]


def test_v3_warns_where_the_imagenet_weights_are_for_another_size(monkeypatch):
    monkeypatch.setattr(mobilenet_v3, "load_application_weights", lambda *args: None)
    with pytest.warns(UserWarning, match="224"):
        mobilenet_v3.MobileNetV3Small(include_top=False, input_shape=SMALL, minimalistic=True)


def test_preprocess_input_scales_to_plus_minus_one_or_leaves_v3_input():
    pixels = np.array([[[[0.0, 127.5, 255.0]]]], dtype=np.float32)
    for module in (mobilenet, mobilenet_v2):
        np.testing.assert_allclose(module.preprocess_input(pixels), [[[[-1.0, 0.0, 1.0]]]])
    assert mobilenet_v3.preprocess_input(pixels) is pixels


def test_weights_saved_and_loaded_round_trip(tmp_path):
    model = mobilenet_v3.MobileNetV3Small(weights=None, classes=10, input_shape=SMALL,
                                          minimalistic=True)
    model.set_weights(deterministic_weights(model))
    path = str(tmp_path / "small.weights.h5")
    model.save_weights(path)
    loaded = mobilenet_v3.MobileNetV3Small(weights=path, classes=10, input_shape=SMALL,
                                           minimalistic=True)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_small_mobilenet_learns_a_tiny_batch(seed):
    rng = np.random.default_rng(seed)
    np.random.seed(seed)  # (the layers' initialisers)
    images = rng.uniform(0, 255, (8, 32, 32, 3)).astype(np.float32)
    labels = rng.integers(0, 10, 8)
    model = mobilenet_v3.MobileNetV3Small(weights=None, classes=10, input_shape=SMALL,
                                          minimalistic=True, dropout_rate=0.0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(images, labels, epochs=4, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
