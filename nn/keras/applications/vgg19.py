"""keras.applications.vgg19: VGG19, as vgg16's VGG16 with a fourth convolution in blocks
3, 4 and 5 ('block3_conv4', ...), layer for layer as Keras 3.15 builds it."""
from . import imagenet_utils
from .vgg16 import vgg

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
                "vgg19_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
                       "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
WEIGHTS_HASHES = ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19: (N, 224, 224, 3) images (any size >= 32 without the top) -> (N, classes);
    143.7M parameters with the top, 20.0M without."""
    return vgg((2, 2, 4, 4, 4), "VGG19", "vgg19", (WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP),
               WEIGHTS_HASHES, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Keras' 'caffe' convention: RGB -> BGR, minus ImageNet's mean per channel."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


__all__ = ["VGG19", "preprocess_input"]
