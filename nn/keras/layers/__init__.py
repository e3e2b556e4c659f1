"""Keras' layers (`keras.layers`), with Keras' arguments and layouts: channels-last images,
batch-first sequences, sizes taken from the first input. The ones that nn has with Keras'
meaning already are nn's own objects."""
from ...layers.activation import Activation, Identity
from ...layers.dropout import Dropout
from ...layers.input_layer import InputLayer
from ...layers.lambda_layer import Lambda
from ...layers.linear import Dense
from ..functional import Input
from .activation import ELU, LeakyReLU, ReLU, Softmax
from .activity_regularization import ActivityRegularization
from .alpha_dropout import AlphaDropout
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .augmentation import (
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from .bidirectional import Bidirectional
from .conv import Conv1D, Conv2D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose
from .depthwise_conv import DepthwiseConv2D, SeparableConv2D
from .einsum_dense import EinsumDense
from .embedding import Embedding
from .layer import Layer
from .masking import Masking
from .merging import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from .noise import GaussianDropout, GaussianNoise
from .normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    UnitNormalization,
)
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from .prelu import PReLU
from .preprocessing import Normalization, Rescaling
from .recurrent import GRU, LSTM, SimpleRNN
from .reshaping import (
    Cropping1D,
    Cropping2D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from .spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from .time_distributed import TimeDistributed

# Keras' other names for the poolings (the same classes, saved under the names above; so
# not in __all__, which lists each layer once)
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, \
    AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D

__all__ = ["Activation", "Dense", "Dropout", "GaussianNoise", "GaussianDropout", "Flatten",
           "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast",
           "Input", "InputLayer", "Lambda", "TimeDistributed", "SpatialDropout1D",
           "SpatialDropout2D", "SpatialDropout3D",
           "Conv1D", "Conv2D", "Conv1DTranspose", "Conv2DTranspose", "BatchNormalization",
           "LayerNormalization", "UnitNormalization", "Dot", "Cropping1D", "Cropping2D",
           "Identity", "MultiHeadAttention", "Attention", "GroupNormalization",
           "DepthwiseConv2D", "SeparableConv2D",
           "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "MaxPooling1D", "MaxPooling2D", "Permute", "Reshape", "UpSampling1D",
           "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D",
           "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding", "Softmax", "ReLU",
           "LeakyReLU", "ELU", "Rescaling", "RepeatVector", "Layer", "Normalization", "Add",
           "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Masking",
           "PReLU", "AlphaDropout", "ActivityRegularization",
           "EinsumDense", "AdditiveAttention"]
