"""Transformer: PyTorch's encoder-decoder model (Vaswani et al., 2017), its parameter names
(encoder.layers.*, encoder.norm, decoder.layers.*, decoder.norm) and initialisation."""
import numpy as np

from autograd.arguments import float_dtype
from autograd.backend import to_gpu

from .. import init
from ..module import Module
from .normalization import LayerNorm
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .transformer_decoder import TransformerDecoder, TransformerDecoderLayer


class Transformer(Module):
    """memory = encoder(src); output = decoder(tgt, memory). src (S, N, d_model), tgt
    (T, N, d_model) (batch-first: (N, S, d_model), (N, T, d_model); or both unbatched) ->
    (T, N, d_model). The masks are the layers' (see TransformerDecoderLayer). Each stack ends
    in a LayerNorm; custom_encoder / custom_decoder replace a stack. Every parameter of two or
    more axes starts Xavier-uniform, as PyTorch's."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation="relu", custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False,
                 bias=True, device=None, dtype=np.float32):
        super().__init__()
        block = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                     layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                     norm_first=norm_first, bias=bias, dtype=dtype)

        def norm():
            return LayerNorm(d_model, eps=layer_norm_eps, bias=bias).to(dtype)

        self.encoder = custom_encoder if custom_encoder is not None else TransformerEncoder(
            TransformerEncoderLayer(d_model, nhead, **block), num_encoder_layers, norm())
        self.decoder = custom_decoder if custom_decoder is not None else TransformerDecoder(
            TransformerDecoderLayer(d_model, nhead, **block), num_decoder_layers, norm())
        for param in self.parameters():
            if param.ndim > 1:
                init.xavier_uniform_(param)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, bool(batch_first)
        self.to(device=device)

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the stacks as custom ones, whose
        weights the state dict then restores."""
        return {"d_model": self.d_model, "nhead": self.nhead, "custom_encoder": self.encoder,
                "custom_decoder": self.decoder, "batch_first": self.batch_first}

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        self._check(src, tgt)
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    def _check(self, src, tgt):
        """PyTorch's checks, with the shapes named."""
        shapes = tuple(tuple(getattr(t, "shape", ())) for t in (src, tgt))
        batch_axis = 0 if self.batch_first else 1
        if len(shapes[0]) == 3 and (len(shapes[1]) != 3 or
                                    shapes[0][batch_axis] != shapes[1][batch_axis]):
            raise ValueError(f"Transformer: the batch number of src and tgt must be equal; got "
                             f"src {shapes[0]} and tgt {shapes[1]} (batch on axis {batch_axis}"
                             f"{' with batch_first' if self.batch_first else ''})")
        if any(not s or s[-1] != self.d_model for s in shapes):
            raise ValueError(f"Transformer: the feature number of src and tgt must be equal to "
                             f"d_model ({self.d_model}); got src {shapes[0]} and tgt "
                             f"{shapes[1]}")

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """(sz, sz) additive causal mask: 0 on and below the diagonal, -inf above it (a
        position attends to itself and the ones before it); float32 unless `dtype` says
        otherwise (a NumPy or PyTorch dtype), on `device` ('cpu' or None, or 'cuda')."""
        dtype = float_dtype(dtype, "Transformer.generate_square_subsequent_mask")
        mask = np.triu(np.full((sz, sz), -np.inf, dtype=dtype), 1)
        return mask if device is None or str(device).split(":")[0] == "cpu" else to_gpu(mask)


__all__ = ["Transformer"]
