"""PyTorch's torch.nn.utils and Keras' utils where users look for them: packing sequences
(`nn.utils.rnn`), parameters as one vector, weight and spectral normalization, gradient
clipping (optim's, loaded on first use: `import nn.utils` leaves optim out),
`to_categorical`, parametrizations (`nn.utils.parametrize`, `nn.utils.parametrizations`),
`functional_call` (`nn.utils.stateless`), conv/linear-BatchNorm fusion, and weight averaging
(`nn.utils.swa_utils`, PyTorch's torch.optim.swa_utils; loaded on first use)."""
from autograd.lazy import lazy_attributes

from . import parametrizations, parametrize, rnn, stateless
from .categorical import to_categorical
from .fusion import (
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from .parameter_vectors import parameters_to_vector, vector_to_parameters
from .spectral_norm import remove_spectral_norm, spectral_norm
from .stateless import functional_call
from .weight_norm import remove_weight_norm, weight_norm

_CLIPPING = ("clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_")

__getattr__, __dir__ = lazy_attributes(__name__, names=dict.fromkeys(_CLIPPING, "_clipping"),
                                       submodules=("swa_utils",))

__all__ = ["rnn", "parameters_to_vector", "vector_to_parameters", "weight_norm",
           "remove_weight_norm", "spectral_norm", "remove_spectral_norm", *_CLIPPING,
           "to_categorical", "parametrize", "parametrizations", "stateless", "functional_call",
           "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights", "swa_utils"]
