"""TransformerDecoderLayer: PyTorch's decoder block (self-attention over the target,
attention over the encoder's memory, feed-forward), with its defaults and parameter names
(self_attn.*, multihead_attn.*, linear1, linear2, norm1..3); TransformerDecoder, a stack of
them."""
import numpy as np

from ..module import Module
from .attention import MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm
from .transformer import activation_function, attention_block, block_config, copies, feed_forward


class TransformerDecoderLayer(Module):
    """x + Dropout(SelfAttention(x)), x + Dropout(Attention(x, memory)), then
    x + Dropout(FeedForward(x)), each followed by a LayerNorm (post-norm, the default) or
    each reading a LayerNorm of x (norm_first=True).

    tgt (T, N, d_model) and memory (S, N, d_model), or batch-first (N, T, d_model) and
    (N, S, d_model), or both unbatched; the output has tgt's shape. tgt_mask (T, T) (e.g.
    Transformer.generate_square_subsequent_mask(T)) and memory_mask (T, S) as
    MultiheadAttention's attn_mask; the key-padding masks (N, T) and (N, S). Dropout (all
    five places) acts only in training mode."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=np.float32):
        super().__init__()
        attention = dict(dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, **attention)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attention)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = bool(norm_first)
        self.norm1, self.norm2, self.norm3 = (
            LayerNorm(d_model, eps=layer_norm_eps, bias=bias).to(dtype) for _ in range(3))
        self.dropout1, self.dropout2, self.dropout3 = (Dropout(dropout) for _ in range(3))
        self.activation = activation_function(activation, type(self).__name__)
        self.to(device=device)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), read off the sublayers."""
        return block_config(self)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        own = (tgt_mask, tgt_key_padding_mask, bool(tgt_is_causal))
        other = (memory, memory_mask, memory_key_padding_mask, bool(memory_is_causal))
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), *own)
            x = x + self._mha_block(self.norm2(x), *other)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, *own))
        x = self.norm2(x + self._mha_block(x, *other))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        return self.dropout1(attention_block(self.self_attn, x, x, attn_mask, key_padding_mask,
                                             is_causal))

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal):
        return self.dropout2(attention_block(self.multihead_attn, x, memory, attn_mask,
                                             key_padding_mask, is_causal))

    def _ff_block(self, x):
        return self.dropout3(feed_forward(self, x))


class TransformerDecoder(Module):
    """`num_layers` copies of `decoder_layer` (each its own parameters), applied in turn to
    the target with the same memory, then `norm` if given (PyTorch's; parameter names
    layers.0..., norm...)."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = copies(decoder_layer, num_layers, type(self).__name__)
        self.num_layers = len(self.layers)
        self.norm = norm

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the first layer stands for the
        copies, whose weights the state dict then restores."""
        return {"decoder_layer": self.layers[0], "num_layers": self.num_layers,
                "norm": self.norm}

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)


__all__ = ["TransformerDecoderLayer", "TransformerDecoder"]
