"""TransformerEncoderLayer: PyTorch's self-attention + feed-forward block, with its defaults
and parameter names (self_attn.*, linear1, linear2, norm1, norm2); TransformerEncoder, a
stack of them."""
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
                 dtype=np.float32):
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
        self.activation = _activation(activation)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), read off the sublayers."""
        attention = self.self_attn
        activation = next((name for name, fn in _ACTIVATIONS.items() if fn is self.activation),
                          self.activation)
        return init_config(self, d_model=attention.embed_dim, nhead=attention.num_heads,
                           dim_feedforward=self.linear1.out_features, dropout=self.dropout.p,
                           activation=activation, layer_norm_eps=self.norm1.eps,
                           batch_first=attention.batch_first, bias=self.linear1.use_bias,
                           dtype=attention.dtype.name)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x, _ = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                              need_weights=False, is_causal=is_causal)
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """`num_layers` copies of `encoder_layer` (each its own parameters), applied in turn,
    then `norm` if given (PyTorch's; parameter names layers.0..., norm...)."""

    def __init__(self, encoder_layer, num_layers, norm=None):
        super().__init__()
        count = positive_int(num_layers, "num_layers", "TransformerEncoder")
        self.layers = ModuleList(copy.deepcopy(encoder_layer) for _ in range(count))
        self.num_layers = count
        self.norm = norm

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the first layer stands for the
        copies, whose weights the state dict then restores."""
        return {"encoder_layer": self.layers[0], "num_layers": self.num_layers,
                "norm": self.norm}

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=is_causal)
        return x if self.norm is None else self.norm(x)


def _activation(activation):
    if callable(activation):
        return activation
    if activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ValueError(f"TransformerEncoderLayer: activation must be 'relu', 'gelu' or a "
                     f"callable, got {activation!r}")


__all__ = ["TransformerEncoderLayer", "TransformerEncoder"]
