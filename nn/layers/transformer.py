"""TransformerEncoderLayer: PyTorch's self-attention + feed-forward block, with its defaults
and parameter names (self_attn.*, linear1, linear2, norm1, norm2); TransformerEncoder, a
stack of them. The pieces the decoder shares (feed-forward, attention block, activation,
copies) are here once."""
import copy

import numpy as np

from autograd.arguments import positive_int

from ..containers import ModuleList
from ..functional.activation import gelu, relu
from ..module import Module
from .attention import MultiheadAttention
from .config import init_config
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


class TransformerEncoderLayer(Module):
    """x + Dropout(SelfAttention(x)), then x + Dropout(FeedForward(x)), each followed by a
    LayerNorm (post-norm, the default) or each reading a LayerNorm of x (norm_first=True).

    FeedForward: linear2(dropout(activation(linear1(x)))), activation 'relu', 'gelu' or a
    callable. Inputs (L, N, d_model), or (N, L, d_model) with batch_first, or unbatched.
    Dropout (all four places) acts only in training mode (`.train()`, not after `.eval()`).
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=np.float32):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias).to(dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias).to(dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation_function(activation, type(self).__name__)
        self.to(device=device)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), read off the sublayers."""
        return block_config(self)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        return self.dropout1(attention_block(self.self_attn, x, x, attn_mask, key_padding_mask,
                                             is_causal))

    def _ff_block(self, x):
        return self.dropout2(feed_forward(self, x))


class TransformerEncoder(Module):
    """`num_layers` copies of `encoder_layer` (each its own parameters), applied in turn,
    then `norm` if given (PyTorch's; parameter names layers.0..., norm...).

    Padded positions (src_key_padding_mask) get the values computed for them, as PyTorch's
    training path gives; PyTorch's inference fast path (eval() under no_grad, batch_first,
    with a padding mask) gives 0 there instead (norm's bias with a final norm), and NaN for a
    sequence padded throughout: pool over the real positions only, as either way should."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        self.layers = copies(encoder_layer, num_layers, type(self).__name__)
        self.num_layers = len(self.layers)
        self.norm = norm
        # PyTorch's switches for its nested-tensor fast path, which rungrad has not (see the
        # class doc for what that path gives at padded positions); kept for its API
        self.enable_nested_tensor, self.mask_check = bool(enable_nested_tensor), bool(mask_check)

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the first layer stands for the
        copies, whose weights the state dict then restores."""
        return {"encoder_layer": self.layers[0], "num_layers": self.num_layers,
                "norm": self.norm, "enable_nested_tensor": self.enable_nested_tensor,
                "mask_check": self.mask_check}

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)


def activation_function(activation, who):
    """The feed-forward's activation: 'relu', 'gelu' or a callable."""
    if callable(activation):
        return activation
    if activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ValueError(f"{who}: activation must be 'relu', 'gelu' or a callable, got "
                     f"{activation!r}")


def block_config(layer):
    """A transformer block's constructor arguments, read off its sublayers."""
    attention = layer.self_attn
    activation = next((name for name, fn in _ACTIVATIONS.items() if fn is layer.activation),
                      layer.activation)
    return init_config(layer, d_model=attention.embed_dim, nhead=attention.num_heads,
                       dim_feedforward=layer.linear1.out_features, dropout=layer.dropout.p,
                       activation=activation, layer_norm_eps=layer.norm1.eps,
                       batch_first=attention.batch_first, bias=layer.linear1.use_bias,
                       dtype=attention.dtype.name)


def attention_block(attention, x, memory, attn_mask, key_padding_mask, is_causal):
    """attention(x, memory, memory)'s output alone (no weights)."""
    output, _ = attention(x, memory, memory, attn_mask=attn_mask,
                          key_padding_mask=key_padding_mask, need_weights=False,
                          is_causal=is_causal)
    return output


def feed_forward(layer, x):
    """linear2(dropout(activation(linear1(x)))) of a transformer block."""
    return layer.linear2(layer.dropout(layer.activation(layer.linear1(x))))


def copies(layer, num_layers, who):
    """`num_layers` deep copies of `layer`, each with parameters of its own."""
    count = positive_int(num_layers, "num_layers", who)
    return ModuleList(copy.deepcopy(layer) for _ in range(count))


__all__ = ["TransformerEncoderLayer", "TransformerEncoder"]
