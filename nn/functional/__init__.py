"""Stateless functions on Variables (PyTorch's torch.nn.functional): activations, linear,
dropout, one_hot, losses and penalties. One import line per file."""
from autograd.ops import tanh

from .activation import elu, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus
from .cross_entropy import cross_entropy, nll_loss
from .dropout import dropout
from .linear import linear
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss, l1_loss,
                   mse_loss)
from .one_hot import one_hot
from .penalty import l1_penalty, l2_penalty
from .conv import conv2d
from .embedding import embedding
from .normalization import batch_norm, layer_norm
from .pooling import avg_pool2d, max_pool2d
