"""Stateless functions on Variables (PyTorch's torch.nn.functional): activations, linear,
dropout, one_hot, losses and penalties, convolution and pooling, im2col/col2im, accuracy.
One import line per file. The package shows these functions only, never the files they
live in (see _namespace.py): `F.im2col` is the function."""
from autograd.lazy import lazy_attributes
from autograd.ops import tanh

from ._namespace import missing_name as _missing_name
from ._namespace import show_functions_only as _show_functions_only
from .activation import (
    celu,
    elu,
    gelu,
    glu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softsign,
)
from .adaptive_pool import (
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
)
from .channel_dropout import (
    alpha_dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
    spatial_dropout,
)
from .conv import conv2d, conv_transpose2d
from .conv1d import conv1d, conv_transpose1d
from .cross_entropy import cross_entropy, nll_loss
from .dropout import dropout
from .embedding import embedding
from .linear import linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    l1_loss,
    mse_loss,
    poisson_nll_loss,
    smooth_l1_loss,
)
from .noise import gaussian_dropout, gaussian_noise
from .normalization import batch_norm, group_norm, instance_norm, layer_norm, rms_norm
from .one_hot import one_hot
from .penalty import l1_penalty, l2_penalty
from .pooling import avg_pool2d, max_pool2d, max_pool2d_with_indices
from .pooling1d import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    avg_pool1d,
    max_pool1d,
    max_pool1d_with_indices,
)
from .shrinkage import hardshrink, softshrink, tanhshrink, threshold

_MARGIN_LOSSES = ("margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
                  "cosine_embedding_loss", "triplet_margin_loss", "multilabel_soft_margin_loss",
                  "multi_margin_loss", "triplet_margin_with_distance_loss")
_KERAS_LOSSES = ("msle_loss", "mape_loss", "hinge_loss", "squared_hinge_loss",
                "categorical_hinge_loss", "poisson_loss", "kl_divergence_loss", "log_cosh_loss",
                "cosine_similarity_loss")

__all__ = [
    "sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "tanh", "softmax", "log_softmax",
    "linear", "dropout", "conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
    "adaptive_avg_pool2d", "adaptive_max_pool2d", "batch_norm", "layer_norm",
    "embedding", "one_hot", "mse_loss", "l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "l1_penalty", "l2_penalty",
    "im2col", "col2im", "accuracy", "scaled_dot_product_attention",
    "silu", "logsigmoid", "hardtanh", "softmin", "smooth_l1_loss", "kl_div", "pad",
    "normalize", "cosine_similarity", "pairwise_distance", "prelu", "group_norm", "instance_norm",
    "max_pool1d", "avg_pool1d", "max_pool2d_with_indices", "max_pool1d_with_indices",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "max_unpool1d", "max_unpool2d", "lp_pool1d",
    "lp_pool2d", "max_unpool3d", "lp_pool3d", "poisson_nll_loss", "selu", "relu6", "hardsigmoid",
    "hardswish", "mish",
    "celu", "glu", "softshrink", "hardshrink", "tanhshrink", "threshold", "rms_norm",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "spatial_dropout", "gaussian_noise",
    "gaussian_dropout",
    *_MARGIN_LOSSES, "gaussian_nll_loss", "ctc_loss",
    "conv_transpose1d", "unfold", "fold", "interpolate", "pixel_shuffle", "pixel_unshuffle",
    "embedding_bag", "bilinear", "local_response_norm", "channel_shuffle",
    "feature_alpha_dropout", "gumbel_softmax",
    "affine_grid", "grid_sample", "rrelu", "softsign", "pdist", "multilabel_margin_loss",
    "conv3d", "conv_transpose3d", "max_pool3d", "max_pool3d_with_indices", "avg_pool3d",
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    # Keras' losses, one value per sample (keras_losses.py)
    *_KERAS_LOSSES,
]

_show_functions_only(__name__)

# Loaded on first use (`F.im2col`, `F.accuracy`, `F.pad`, `F.kl_div`, the Keras losses, ...),
# so that `import nn` stays fast; any other unknown name gets a hint when it is DeZero's.
__getattr__, __dir__ = lazy_attributes(__name__, {
    "accuracy": "accuracy", "im2col": "unfold", "col2im": "unfold",
    "scaled_dot_product_attention": "attention", "kl_div": "divergence", "pad": "padding",
    "normalize": "distance", "cosine_similarity": "distance", "pairwise_distance": "distance",
    **dict.fromkeys(_MARGIN_LOSSES, "margin_loss"), "gaussian_nll_loss": "gaussian_nll",
    "ctc_loss": "ctc_loss",
    "fold": "fold", "unfold": "fold", "interpolate": "interpolate",
    "pixel_shuffle": "pixel_shuffle", "pixel_unshuffle": "pixel_shuffle",
    "embedding_bag": "embedding_bag", "bilinear": "bilinear",
    "local_response_norm": "local_response_norm", "channel_shuffle": "channel_shuffle",
    "gumbel_softmax": "gumbel_softmax",
    "affine_grid": "affine_grid", "grid_sample": "grid_sample", "rrelu": "rrelu",
    "pdist": "distance", "multilabel_margin_loss": "multilabel_margin_loss",
    "max_unpool1d": "unpool", "max_unpool2d": "unpool", "lp_pool1d": "lp_pool",
    "lp_pool2d": "lp_pool", "max_unpool3d": "unpool", "lp_pool3d": "lp_pool",
    "conv3d": "conv3d", "conv_transpose3d": "conv3d",
    **dict.fromkeys(("max_pool3d", "max_pool3d_with_indices", "avg_pool3d",
                     "adaptive_avg_pool3d", "adaptive_max_pool3d",
                     "adaptive_max_pool3d_with_indices"), "pooling3d"),
    **dict.fromkeys(_KERAS_LOSSES, "keras_losses"),
    "fractional_max_pool2d": "fractional_max_pool",
    "fractional_max_pool2d_with_indices": "fractional_max_pool",
    "fractional_max_pool3d": "fractional_max_pool",
    "fractional_max_pool3d_with_indices": "fractional_max_pool",
}, missing=lambda name: _missing_name(__name__, name))
