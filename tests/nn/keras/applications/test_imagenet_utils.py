"""keras.applications.imagenet_utils: preprocess_input's conventions and the builders'
argument checks, with Keras 3.15.1's values."""
import numpy as np
import pytest

import autograd
from nn.keras.applications import imagenet_utils as utils
from nn.keras.applications.arguments import check_arguments

X = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) * 10
# (Keras': the first pixel's channels)
KERAS_FIRST_PIXEL = {"caffe": [-83.939, -106.779, -123.68], "tf": [-1.0, -0.92157, -0.84314],
                     "torch": [-2.1179, -1.86064, -1.45586]}


@pytest.mark.parametrize("mode", list(KERAS_FIRST_PIXEL))
def test_preprocess_input_gives_keras_values_in_both_layouts(mode):
    given = X.copy()
    last = utils.preprocess_input(given, mode=mode)
    np.testing.assert_allclose(last[0, 0, 0], KERAS_FIRST_PIXEL[mode], atol=1e-4)
    np.testing.assert_array_equal(given, X)  # (the input is left as it is)
    first = utils.preprocess_input(np.moveaxis(X, -1, 1), data_format="channels_first",
                                   mode=mode)
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-6)
    one = utils.preprocess_input(X[0], mode=mode)
    np.testing.assert_allclose(one, last[0], rtol=1e-6)


def test_preprocess_input_of_integers_and_of_a_variable():
    pixels = (X / 10).astype(np.uint8)
    made = utils.preprocess_input(pixels, mode="torch")
    assert made.dtype == np.float32
    image = autograd.Variable(X.copy(), requires_grad=True)
    out = utils.preprocess_input(image, mode="caffe")
    out.sum().backward()
    np.testing.assert_allclose(out.data, utils.preprocess_input(X, mode="caffe"))
    np.testing.assert_array_equal(image.grad.data, np.ones_like(X))


def test_preprocess_input_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="mode"):
        utils.preprocess_input(X, mode="bgr")
    with pytest.raises(ValueError, match="data_format"):
        utils.preprocess_input(X, data_format="nhwc")
    with pytest.raises(ValueError, match="3 colour channels"):
        utils.preprocess_input(X[..., :2])


def test_obtain_input_shape_as_keras():
    shape = utils.obtain_input_shape
    assert shape(None, 224, 32, "channels_last", False) == (None, None, 3)
    assert shape(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert shape(None, 224, 32, "channels_first", False) == (3, None, None)
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        assert shape((64, 64, 4), 224, 32, "channels_last", True) == (64, 64, 4)
    with pytest.raises(ValueError, match="at least 32x32"):
        shape((16, 64, 3), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match=r"should be \(224, 224, 3\)"):
        shape((64, 64, 3), 224, 32, "channels_last", True, weights="imagenet")


def test_arguments_are_checked_as_keras_checks_them():
    with pytest.raises(ValueError, match="`weights` argument"):
        check_arguments("ResNet50", "no/such/file.h5", True, 10)
    with pytest.raises(ValueError, match="classes` should be 1000"):
        check_arguments("ResNet50", "imagenet", True, 10)
    with pytest.raises(ValueError, match="pooling"):
        check_arguments("ResNet50", None, False, 10, pooling="mean")
    with pytest.raises(ValueError, match="softmax"):
        utils.validate_activation("relu", "imagenet")
    utils.validate_activation("relu", None)


def test_the_package_has_keras_names():
    from nn import keras
    keras_names = [  # (dir(keras.applications) in Keras 3.15.1)
        "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
        "DenseNet121", "DenseNet169", "DenseNet201", *[f"EfficientNetB{i}" for i in range(8)],
        "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
        "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S", "InceptionResNetV2",
        "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small",
        "NASNetLarge", "NASNetMobile", "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2",
        "ResNet50", "ResNet50V2", "VGG16", "VGG19", "Xception", "convnext", "densenet",
        "efficientnet", "efficientnet_v2", "imagenet_utils", "inception_resnet_v2",
        "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet",
        "resnet50", "resnet_v2", "vgg16", "vgg19", "xception"]
    assert sorted(keras.applications.__all__) == sorted(keras_names)
    for name in keras_names:
        made = getattr(keras.applications, name)
        assert callable(made) or hasattr(made, "preprocess_input"), name
    assert keras.applications.ResNet50 is keras.applications.resnet.ResNet50


def test_a_model_with_the_applications_own_layers_saves_and_loads_without_custom_objects(
        tmp_path):
    """ConvNeXt's LayerScale and StochasticDepth, InceptionResNetV2's CustomScaleLayer: found
    by name on loading (a Keras-written ConvNeXtTiny loads too, checked by hand to 5e-7)."""
    from nn import keras
    from nn.keras.applications.custom_layers import CustomScaleLayer, LayerScale, StochasticDepth
    x = keras.Input((4,))
    h = keras.layers.Dense(4)(x)
    scaled = LayerScale(0.5, 4)(StochasticDepth(0.1)(h))
    model = keras.Model(x, CustomScaleLayer(0.17)([h, scaled]))
    path = str(tmp_path / "own_layers.keras")
    model.save(path)
    again = keras.models.load_model(path)
    data = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_array_equal(again.predict(data, verbose=0), model.predict(data, verbose=0))
    assert [type(layer).__name__ for layer in again.layers[2:]] == [
        "StochasticDepth", "LayerScale", "CustomScaleLayer"]
