"""Keras' layers (`keras.layers`), with Keras' arguments and layouts: channels-last images,
batch-first sequences, sizes taken from the first input. The ones that nn has with Keras'
meaning already are nn's own objects."""
from ...layers.activation import Activation
from ...layers.config import deserialize_layer, serialize_layer
from ...layers.dropout import Dropout
from ...layers.input_layer import InputLayer
from ...layers.lambda_layer import Lambda
from ...layers.linear import Dense
from ..functional import Input
from . import merge_functions
from .activation import ELU, LeakyReLU, ReLU, Softmax
from .activity_regularization import ActivityRegularization
from .adaptive_pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from .affine_augmentation import RandomRotation, RandomTranslation, RandomZoom
from .alpha_dropout import AlphaDropout
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .bidirectional import Bidirectional
from .blur_augmentation import RandomGaussianBlur
from .brightness_contrast import RandomBrightness, RandomContrast
from .category_encoding import CategoryEncoding
from .clahe import ContrastLimitedAdaptiveHistogramEqualization
from .color_augmentation import (
    AutoContrast,
    RandomColorDegeneration,
    RandomGrayscale,
    RandomInvert,
    RandomPosterization,
    RandomSharpness,
    Solarization,
)
from .conv import Conv1D, Conv2D, Conv3D
from .conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from .depthwise_conv import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .discretization import Discretization
from .einsum_dense import EinsumDense
from .embedding import Embedding
from .equalization import Equalization
from .erasing_augmentation import RandomErasing
from .flip_crop_augmentation import RandomCrop, RandomFlip
from .geometric_augmentation import RandomElasticTransform, RandomPerspective, RandomShear
from .grouped_query_attention import GroupQueryAttention
from .hashed_crossing import HashedCrossing
from .hashing import Hashing
from .hsv_augmentation import RandomColorJitter, RandomHue, RandomSaturation
from .identity import Identity
from .input_spec import InputSpec
from .layer import Layer
from .lookup import IntegerLookup, StringLookup
from .masking import Masking
from .max_num_bounding_boxes import MaxNumBoundingBoxes
from .mel_spectrogram import MelSpectrogram
from .merging import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from .mixing_augmentation import CutMix, MixUp
from .noise import GaussianDropout, GaussianNoise
from .normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    UnitNormalization,
)
from .operation import Operation
from .pipeline import Pipeline
from .policy_augmentation import AugMix, RandAugment
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from .prelu import PReLU
from .preprocessing import Normalization, Rescaling
from .recurrent import GRU, LSTM, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from .reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from .resizing import CenterCrop, Resizing
from .reversible_embedding import ReversibleEmbedding
from .rnn import RNN
from .spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from .spectral_normalization import SpectralNormalization
from .stacked_rnn_cells import StackedRNNCells
from .stft_spectrogram import STFTSpectrogram
from .text_vectorization import TextVectorization
from .time_distributed import TimeDistributed
from .wrapper import Wrapper

# Keras' other names for the poolings (the same classes, saved under the names above; so
# not in __all__, which lists each layer once)
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, \
    GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = GlobalAveragePooling1D, \
    GlobalAveragePooling2D, GlobalAveragePooling3D
# Keras' other names for the convolutions (as the poolings')
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = Conv1DTranspose, \
    Conv2DTranspose, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
# Keras' keras.layers.serialize(layer) / deserialize(config, custom_objects), and the merge
# layers' functional forms (functions, so not in __all__ either)
serialize, deserialize = serialize_layer, deserialize_layer
add, subtract, multiply, average = merge_functions.add, merge_functions.subtract, \
    merge_functions.multiply, merge_functions.average
maximum, minimum, concatenate, dot = merge_functions.maximum, merge_functions.minimum, \
    merge_functions.concatenate, merge_functions.dot

__all__ = ["Activation", "Dense", "Dropout", "GaussianNoise", "GaussianDropout", "Flatten",
           "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast",
           "RandomBrightness", "RandomCrop", "Resizing", "CenterCrop", "Solarization",
           "AutoContrast", "RandomGrayscale", "RandomInvert", "RandomPosterization",
           "RandomColorDegeneration", "RandomSaturation", "RandomHue", "RandomSharpness",
           "RandomColorJitter", "Equalization", "RandomErasing", "RandomShear",
           "ContrastLimitedAdaptiveHistogramEqualization",
           "RandomGaussianBlur", "RandomPerspective", "RandomElasticTransform", "MixUp",
           "CutMix", "Pipeline", "RandAugment", "AugMix", "MaxNumBoundingBoxes",
           "Input", "InputLayer", "Lambda", "TimeDistributed", "SpatialDropout1D",
           "SpatialDropout2D", "SpatialDropout3D",
           "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "BatchNormalization",
           "LayerNormalization", "RMSNormalization", "UnitNormalization", "Dot", "Cropping1D",
           "Cropping2D",
           "Cropping3D", "Identity", "MultiHeadAttention", "GroupQueryAttention",
           "Attention", "GroupNormalization",
           "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
           "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalMaxPooling3D", "MaxPooling1D", "MaxPooling2D",
           "MaxPooling3D", "Permute", "Reshape", "UpSampling1D", "UpSampling2D",
           "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN",
           "SimpleRNNCell", "LSTMCell", "GRUCell",
           "StackedRNNCells", "Bidirectional", "Embedding", "Softmax", "ReLU",
           "LeakyReLU", "ELU", "Rescaling", "RepeatVector", "Layer", "Normalization", "Add",
           "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Masking",
           "StringLookup", "IntegerLookup", "TextVectorization", "CategoryEncoding",
           "Hashing", "Discretization", "PReLU", "AlphaDropout", "ActivityRegularization",
           "EinsumDense",
           "AdditiveAttention", "Operation", "AdaptiveAveragePooling1D",
           "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
           "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "InputSpec", "Wrapper",
           "SpectralNormalization", "ReversibleEmbedding", "HashedCrossing",
           "STFTSpectrogram", "MelSpectrogram"]
