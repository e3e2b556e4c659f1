"""rungrad.nn: modules, layers, losses and (in nn.training) Keras' training loop.

One import line per file below, so layers from different files can be appended easily.
Heavier or optional submodules, and the training layer (`nn.Model`, `nn.Sequential`,
`nn.callbacks`, which bring in optim), load on first attribute access (see `__getattr__`).
"""
from autograd.lazy import dezero_hints, lazy_attributes
from autograd.variable import Parameter, UninitializedParameter

from . import functional, init
from .buffer import Buffer
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList
from .distributed import group as _distributed_group
from .layers.activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Activation,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    Identity,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .layers.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, LazyConv2d
from .layers.dropout import (
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
)
from .layers.embedding import Embedding
from .layers.flatten import Flatten, Unflatten
from .layers.input_layer import Input, InputLayer
from .layers.lambda_layer import Lambda
from .layers.linear import Dense, LazyLinear, Linear
from .layers.normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LayerNorm,
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyBatchNorm3d,
    LazyInstanceNorm1d,
    LazyInstanceNorm2d,
    LazyInstanceNorm3d,
    RMSNorm,
)
from .layers.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
)
from .module import Module

__all__ = [  # the training layer (`Model`, `Sequential`, below) is left out of `import *`
    "functional", "init", "Module", "ModuleList", "ModuleDict", "Parameter",
    "UninitializedParameter", "Lambda", "Input", "InputLayer",
    "Linear", "LazyLinear", "Dense", "Conv1d", "Conv2d", "LazyConv2d", "ConvTranspose2d",
    "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Flatten", "Dropout",
    "BatchNorm1d", "BatchNorm2d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LayerNorm",
    "BatchNorm3d", "LazyBatchNorm3d",
    "Embedding", "RNN", "LSTM", "GRU", "RNNCell",
    "LSTMCell", "GRUCell", "Activation",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU",
    "GELU", "Softplus", "MSELoss", "L1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "SiLU", "LogSigmoid", "Hardtanh", "Softmin", "SmoothL1Loss", "KLDivLoss",
    "PReLU", "Unflatten", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d", "MaxPool1d", "AvgPool1d",
    "PoissonNLLLoss", "Identity", "ReLU6", "Hardsigmoid", "Hardswish", "Mish", "SELU",
    "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
    "CosineEmbeddingLoss", "TripletMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
    "CTCLoss", "ConvTranspose1d", "Fold", "Unfold", "PixelShuffle", "PixelUnshuffle", "Upsample",
    "ParameterList", "ParameterDict", "CELU", "GLU", "Hardshrink", "Softshrink", "Tanhshrink",
    "Threshold", "Softmax2d", "RMSNorm", "CosineSimilarity", "PairwiseDistance", "AlphaDropout",
    "Dropout1d", "Dropout2d", "Dropout3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d",
    "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
    "EmbeddingBag", "Bilinear", "LocalResponseNorm", "ChannelShuffle", "FeatureAlphaDropout",
    "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "MaxUnpool1d", "MaxUnpool2d", "LPPool1d",
    "LPPool2d", "MaxUnpool3d", "LPPool3d", "Buffer", "Softsign",
    "RReLU", "UpsamplingNearest2d", "UpsamplingBilinear2d",
    "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss",
    "Conv3d", "ConvTranspose3d", "LazyConv1d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "MaxPool3d", "AvgPool3d",
    "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
    "AdaptiveLogSoftmaxWithLoss", "FractionalMaxPool2d", "FractionalMaxPool3d",
]

# Started by mpiexec as one of several processes: a rank failing before it makes the process
# group (the Keras way makes it inside fit) still ends the job (nn.distributed.faults).
if _distributed_group.launched_world_size() > 1:
    from .distributed.faults import watch_before_the_group

    watch_before_the_group()

# Loaded on first use (`nn.data`, `nn.LSTM`, `nn.Model`, ...): `import nn` stays fast and
# leaves optim out, and a submodule that is missing or broken fails only when it is used.
__getattr__, __dir__ = lazy_attributes(__name__, submodules=(
    "data", "datasets", "metrics", "callbacks", "training", "models",
    "distributed", "utils", "keras",
), names={
    "Model": "training.model", "Sequential": "training.sequential",
    "model_to_dot": "training.model_diagram", "plot_model": "training.model_diagram",
    "load_model": "training.saving", "register": "layers.config",
    "save": "checkpoint", "load": "checkpoint",
    "RNN": "layers.rnn", "LSTM": "layers.rnn", "GRU": "layers.rnn",
    "RNNCell": "layers.rnn_cells", "LSTMCell": "layers.rnn_cells", "GRUCell": "layers.rnn_cells",
    "SyncBatchNorm": "distributed.sync_batchnorm",
    "MultiheadAttention": "layers.attention", "TransformerEncoderLayer": "layers.transformer",
    "TransformerEncoder": "layers.transformer",
    "TransformerDecoderLayer": "layers.transformer_decoder",
    "TransformerDecoder": "layers.transformer_decoder", "Transformer": "layers.transformer_model",
    "CosineSimilarity": "layers.distance", "PairwiseDistance": "layers.distance",
    "Fold": "layers.fold", "Unfold": "layers.fold", "Upsample": "layers.upsample",
    "UpsamplingNearest2d": "layers.upsampling", "UpsamplingBilinear2d": "layers.upsampling",
    "PixelShuffle": "layers.pixel_shuffle", "PixelUnshuffle": "layers.pixel_shuffle",
    "EmbeddingBag": "layers.embedding_bag", "Bilinear": "layers.bilinear",
    "LocalResponseNorm": "layers.local_response_norm", "ChannelShuffle": "layers.channel_shuffle",
    "MaxUnpool1d": "layers.unpool", "MaxUnpool2d": "layers.unpool",
    "MaxUnpool3d": "layers.unpool",
    "LPPool1d": "layers.lp_pool", "LPPool2d": "layers.lp_pool", "LPPool3d": "layers.lp_pool",
    **{f"{kind}Pad{d}d": "layers.padding" for d in (1, 2, 3)
       for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")},
    **dict.fromkeys(("MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
                     "CosineEmbeddingLoss", "TripletMarginLoss", "MultiLabelSoftMarginLoss",
                     "MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss"),
                    "margin_losses"),
    "CTCLoss": "ctc_loss",
    "AdaptiveLogSoftmaxWithLoss": "layers.adaptive_softmax",
    "FractionalMaxPool2d": "layers.fractional_max_pool",
    "FractionalMaxPool3d": "layers.fractional_max_pool",
    "Conv3d": "layers.conv3d", "ConvTranspose3d": "layers.conv3d",
    **dict.fromkeys(("LazyConv1d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
                     "LazyConvTranspose3d"), "layers.lazy_conv"),
    **dict.fromkeys(("MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"),
                    "layers.pooling3d"),
    **dict.fromkeys(("register_module_forward_pre_hook", "register_module_forward_hook",
                     "register_module_full_backward_pre_hook",
                     "register_module_full_backward_hook"), "global_hooks"),
}, missing=dezero_hints(__name__, {
    "Layer": "nn.Module",
    "MLP": "nn.Sequential(nn.Linear(out1), nn.Sigmoid(), nn.Linear(out2)) (DeZero's MLP "
           "puts F.sigmoid between its layers; Linear(out) alone sizes its input at the "
           "first call, as DeZero's L.Linear)",
    "EmbedID": "nn.Embedding", "BatchNorm": "nn.BatchNorm1d / nn.BatchNorm2d",
    "TwoLayerNet": "a two-layer nn.Sequential",
    "Deconv2d": "nn.ConvTranspose2d (PyTorch's order: in_channels first; nn.LazyConvTranspose2d "
                "takes out_channels first, as DeZero's L.Deconv2d)",
    "VGG16": "nn.models.vgg16() (torchvision's structure and weights)",
    "SeqDataLoader": "nn.data.SequenceLoader(data, batch_size)",
}))
