"""keras.applications.vgg16: VGG16 (Simonyan & Zisserman, 2015), layer for layer as Keras
3.15 builds it: five blocks of 3x3 'same' ReLU convolutions (64, 128, 256, 512, 512
filters) each closed by a 2x2 max pool, then Flatten and fc1, fc2 (4096, ReLU) and
'predictions'. The builder the two VGGs share (`vgg`) lives here; vgg19 adds a conv."""
from .. import layers
from .._training import Model
from . import arguments, imagenet_utils
from .weights import load_application_weights

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
                "vgg16_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
                       "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
WEIGHTS_HASHES = ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc")
FILTERS = (64, 128, 256, 512, 512)  # (per block)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16: (N, 224, 224, 3) images (any size >= 32 without the top) -> (N, classes)
    (see the module doc); 138.4M parameters with the top, 14.7M without."""
    return vgg((2, 2, 3, 3, 3), "VGG16", "vgg16", (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP),
               WEIGHTS_HASHES, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation, name=name)


def vgg(convs, who, weights_name, origins, hashes, *, include_top, weights, input_tensor,
        input_shape, pooling, classes, classifier_activation, name):
    """A VGG with convs[i] convolutions in block i+1; origins and hashes: the 'imagenet'
    files' URLs and MD5s (with the top, without)."""
    images, _ = arguments.input_images(who, weights, include_top, classes, pooling,
                                       input_tensor, input_shape, 224)
    if include_top:  # (Keras checks it once the body is built: the same error, sooner)
        arguments.validate_activation(classifier_activation, weights)
    x = images
    for block, (count, filters) in enumerate(zip(convs, FILTERS), start=1):
        for conv in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = arguments.classifier(x, classes, classifier_activation)
    else:
        # (Keras names these pools by their class, not 'avg_pool' as ResNet does)
        x = arguments.pooled(x, pooling)
    model = Model(arguments.model_inputs(input_tensor, images), x, name=name)
    top = "" if include_top else "_notop"
    load_application_weights(model, weights, who,
                             f"{weights_name}_weights_tf_dim_ordering_tf_kernels{top}.h5",
                             origins[0 if include_top else 1], hashes[0 if include_top else 1])
    return model


def preprocess_input(x, data_format=None):
    """Keras' 'caffe' convention: RGB -> BGR, minus ImageNet's mean per channel."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


__all__ = ["VGG16", "preprocess_input"]
