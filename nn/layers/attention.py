"""MultiheadAttention with PyTorch's parameters (names, shapes, initialisation), masks and
outputs, so a state dict moves between the two unchanged."""
import numpy as np

from autograd.arguments import float_dtype, positive_int, probability
from autograd.backend import get_array_module
from autograd.ops import broadcast_to, concatenate, split, transpose
from autograd.variable import Parameter, Variable, as_variable

from .. import init
from ..functional.attention import AddMask, additive_mask, attend, reshape_mask
from ..functional.linear import linear
from ..module import Module
from .config import init_config
from .linear import Linear


class MultiheadAttention(Module):
    """Attention over `num_heads` heads of size embed_dim // num_heads (PyTorch's layer).

    Inputs (L, N, E) for the query and (S, N, kdim), (S, N, vdim) for key and value, or
    batch-first (N, L, E), or unbatched (L, E); output (attn_output, attn_weights), the
    weights averaged over heads (N, L, S) unless average_attn_weights=False (N, H, L, S), or
    None with need_weights=False. Parameters: in_proj_weight (3E, E) and in_proj_bias (3E,)
    (q_proj_weight, k_proj_weight, v_proj_weight when kdim or vdim differ from E),
    out_proj.weight/bias, and bias_k, bias_v (1, 1, E) with add_bias_kv. Boolean masks mark
    what is masked OUT (True), float masks are added to the scores: attn_mask (L, S) or
    (N * num_heads, L, S), key_padding_mask (N, S). Dropout on the weights when training.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=np.float32):
        super().__init__()
        who = type(self).__name__
        self.embed_dim = positive_int(embed_dim, "embed_dim", who)
        self.num_heads = positive_int(num_heads, "num_heads", who)
        if embed_dim % num_heads:
            raise ValueError(f"{who}: embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        probability(dropout, "dropout", who)
        self.head_dim = embed_dim // num_heads
        self.kdim = embed_dim if kdim is None else positive_int(kdim, "kdim", who)
        self.vdim = embed_dim if vdim is None else positive_int(vdim, "vdim", who)
        self.dropout, self.batch_first = float(dropout), bool(batch_first)
        self.add_zero_attn, self.dtype = bool(add_zero_attn), float_dtype(dtype, who)
        self._add_parameters(bool(bias), bool(add_bias_kv))
        self.reset_parameters()
        self.to(device=device)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.in_proj_bias is not None,
                           add_bias_kv=self.bias_k is not None, dtype=self.dtype.name)

    @property
    def _qkv_same_embed_dim(self):
        return self.kdim == self.embed_dim and self.vdim == self.embed_dim

    def _add_parameters(self, bias, add_bias_kv):
        """PyTorch's parameters, in its registration order (so state_dict keys line up)."""
        e = self.embed_dim

        def empty(*shape):
            return Parameter(np.empty(shape, self.dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * e, e)
        else:
            self.q_proj_weight = empty(e, e)
            self.k_proj_weight = empty(e, self.kdim)
            self.v_proj_weight = empty(e, self.vdim)
        self.register_parameter("in_proj_bias", empty(3 * e) if bias else None)
        self.out_proj = Linear(e, e, bias=bias, dtype=self.dtype)
        self.register_parameter("bias_k", empty(1, 1, e) if add_bias_kv else None)
        self.register_parameter("bias_v", empty(1, 1, e) if add_bias_kv else None)

    def reset_parameters(self):
        """PyTorch's scheme: Xavier-uniform projections, zero biases, Xavier-normal bias_k/v
        (out_proj.weight keeps Linear's initialisation)."""
        for name in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            if getattr(self, name, None) is not None:
                init.xavier_uniform_(getattr(self, name))
        for param in (self.in_proj_bias, self.out_proj.bias):
            if param is not None:
                init.zeros_(param)
        for param in (self.bias_k, self.bias_v):
            if param is not None:
                init.xavier_normal_(param)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """(attn_output, attn_weights or None); see the class docstring for shapes."""
        if is_causal and attn_mask is None:
            raise ValueError("MultiheadAttention: is_causal=True is a hint that attn_mask is "
                             "causal; pass the causal attn_mask too (as PyTorch requires)")
        batched = self._check_inputs(query, key, value)
        q, k, v = (self._batch_major(as_variable(t), batched) for t in (query, key, value))
        n, length, source = q.shape[0], q.shape[1], k.shape[1]
        q, k, v = self._project(q, k, v)
        mask = self._mask(attn_mask, key_padding_mask, n, length, source, batched, q.dtype)
        if self.bias_k is not None:
            k = concatenate([k, broadcast_to(self.bias_k, (n, 1, self.embed_dim))], axis=1)
            v = concatenate([v, broadcast_to(self.bias_v, (n, 1, self.embed_dim))], axis=1)
            mask = _pad_last(mask)
        q, k, v = (self._split_heads(t) for t in (q, k, v))
        if self.add_zero_attn:
            k, v = (_append_zero_step(t) for t in (k, v))
            mask = _pad_last(mask)
        output, weights = attend(q, k, v, mask, self.dropout, training=self.training,
                                 safe=not need_weights)
        output = self.out_proj(_merge_heads(output))
        output = self._caller_layout(output, batched)
        if not need_weights:
            return output, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return output, weights if batched else weights.reshape(weights.shape[1:])

    def _check_inputs(self, query, key, value):
        """True for batched (3-D) inputs; a ValueError naming the shapes otherwise."""
        shapes = tuple(tuple(getattr(t, "shape", ())) for t in (query, key, value))
        ranks = {len(s) for s in shapes}
        batch_axis = 0 if self.batch_first else 1
        sizes = (self.embed_dim, self.kdim, self.vdim)
        ok = len(ranks) == 1 and ranks <= {2, 3} and all(s[-1] == d for s, d in zip(shapes, sizes))
        if ok and ranks == {3}:
            ok = len({s[batch_axis] for s in shapes}) == 1
        length_axis = 1 if self.batch_first and ranks == {3} else 0
        if ok and shapes[1][length_axis] != shapes[2][length_axis]:
            ok = False
        if not ok:
            layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
            raise ValueError(f"MultiheadAttention: query, key and value of shapes {shapes} do "
                             f"not fit: expected all 3-D {layout} (or all 2-D, unbatched) with "
                             f"last axes ({self.embed_dim}, {self.kdim}, {self.vdim}), the same "
                             "batch, and key and value of the same length")
        return ranks == {3}

    def _batch_major(self, x, batched):
        if not batched:
            return x.reshape((1,) + x.shape)
        return x if self.batch_first else transpose(x, (1, 0, 2))

    def _caller_layout(self, x, batched):
        if not batched:
            return x.reshape(x.shape[1:])
        return x if self.batch_first else transpose(x, (1, 0, 2))

    def _project(self, q, k, v):
        # One split, not three slices: its backward is one concatenate, where each slice's
        # would fill a zero (3E, E) array.
        biases = [None] * 3 if self.in_proj_bias is None else split(self.in_proj_bias, 3)
        if self._qkv_same_embed_dim:
            weights = split(self.in_proj_weight, 3)
        else:
            weights = [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]
        return tuple(linear(x, w, b) for x, w, b in zip((q, k, v), weights, biases))

    def _split_heads(self, x):
        """(N, L, E) -> (N, H, L, E / H)."""
        n, length, _ = x.shape
        return transpose(x.reshape(n, length, self.num_heads, self.head_dim), (0, 2, 1, 3))

    def _mask(self, attn_mask, key_padding_mask, n, length, source, batched, dtype):
        """attn_mask and key_padding_mask merged into one additive (N, H or 1, L, S) mask."""
        mask = None
        if attn_mask is not None:
            mask = additive_mask(attn_mask, dtype, False, "MultiheadAttention", "attn_mask")
            mask = self._shape_attn_mask(mask, n, length, source, batched)
        if key_padding_mask is not None:
            pad = additive_mask(key_padding_mask, dtype, False, "MultiheadAttention",
                                "key_padding_mask")
            expected, axes = ((n, source), "(N, S)") if batched else ((source,), "(S,), unbatched")
            if tuple(pad.shape) != expected:
                raise ValueError(f"MultiheadAttention: key_padding_mask of shape "
                                 f"{tuple(pad.shape)} does not fit: expected {expected} {axes}")
            pad = reshape_mask(pad, (n, 1, 1, source))
            mask = pad if mask is None else AddMask()(mask, pad)
        return mask

    def _shape_attn_mask(self, mask, n, length, source, batched):
        heads = self.num_heads
        shape = tuple(mask.shape)
        if shape == (length, source):
            return reshape_mask(mask, (1, 1, length, source))
        if shape == ((n if batched else 1) * heads, length, source):
            return reshape_mask(mask, (n, heads, length, source))
        raise ValueError(f"MultiheadAttention: attn_mask of shape {shape} does not fit: "
                         f"expected ({length}, {source}) (L, S) or "
                         f"({n * heads}, {length}, {source}) (N * num_heads, L, S)")

    def extra_repr(self):
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"dropout={self.dropout}, batch_first={self.batch_first}")


def _merge_heads(x):
    """(N, H, L, D) -> (N, L, H * D)."""
    n, heads, length, size = x.shape
    return transpose(x, (0, 2, 1, 3)).reshape(n, length, heads * size)


def _append_zero_step(x):
    """x (N, H, S, D) with a step of zeros appended: (N, H, S + 1, D) (add_zero_attn)."""
    xp = get_array_module(x.data)
    zeros = xp.zeros(x.shape[:2] + (1,) + x.shape[3:], x.dtype)
    return concatenate([x, zeros], axis=2)


def _pad_last(mask):
    """An additive mask with a 0 column appended for an added key step (None stays None)."""
    if mask is None:
        return None
    is_variable = isinstance(mask, Variable)  # a float mask that takes a gradient
    xp = get_array_module(mask.data if is_variable else mask)
    zeros = xp.zeros(mask.shape[:-1] + (1,), mask.dtype)
    if is_variable:
        return concatenate([mask, zeros], axis=-1)
    return xp.concatenate([mask, zeros], axis=-1)


__all__ = ["MultiheadAttention"]
