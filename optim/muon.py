"""Muon: momentum orthogonalized by a Newton-Schulz iteration, for 2-D weights."""
import math
from numbers import Integral, Real

import numpy as np

from autograd import Variable
from autograd.variable import is_uninitialized, own_name

from .adam import update_first_moment
from .optimizer import Optimizer, check_nonnegative

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # Keller Jordan's quintic (PyTorch's, Keras')
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def round_to_bfloat16(xp, x):
    """float32 `x` rounded to the nearest bfloat16 (ties to even), kept as float32: PyTorch
    runs Muon's iteration in bfloat16, which NumPy lacks; float32 products of such values are
    exact, so a float32 matmul rounded once gives what a bfloat16 one does."""
    bits = x.view(xp.uint32)
    rounded = (bits + (0x7FFF + ((bits >> 16) & 1))) & 0xFFFF0000
    return xp.where(xp.isnan(x), x, rounded.view(xp.float32))  # (a NaN's low bits could carry)


def orthogonalize(xp, g, coefficients=NS_COEFFICIENTS, steps=5, eps=1e-7, eps_added=False,
                  rounding=None):
    """Newton-Schulz's quintic iteration towards U V^T of g = U S V^T (shape (m, n)):
    X <- g / ||g||_F, then `steps` times X <- a X + (b A + c A^2) X with A = X X^T, on the
    wide side (X^T when m > n). The result is U S' V^T with S' roughly in [0.5, 1.5].

    The norm is floored, max(||g||, eps), as PyTorch's, or with `eps_added` Keras'
    ||g|| + eps; `rounding(xp, x)` (round_to_bfloat16 for PyTorch's) is applied to every
    intermediate, as a lower-precision dtype would store it."""
    keep = rounding or (lambda _, x: x)
    a, b, c = coefficients
    tall = g.shape[0] > g.shape[1]
    x = keep(xp, g.T if tall else g)
    # (one entry: its absolute value, as PyTorch's norm; squared, a float32 |g| > 1.8e19
    # overflowed, and the update was 0)
    norm = xp.abs(x).reshape(()) if x.size == 1 else xp.linalg.norm(x)
    norm = float(keep(xp, xp.asarray(norm, dtype=x.dtype)))
    # the floored norm rounded too: PyTorch's clamp(min=eps) gives a bfloat16 eps
    floored = norm + eps if eps_added else max(norm, eps)
    x = keep(xp, x / float(keep(xp, xp.asarray(floored, dtype=x.dtype))))
    for _ in range(steps):
        gram = keep(xp, x @ x.T)
        polynomial = keep(xp, b * gram + c * (gram @ gram))
        x = keep(xp, a * x + polynomial @ x)
    return x.T if tall else x


def rms_matched_scale(shape, rate=0.2):
    """rate * sqrt(max(A, B)) for an (A, B) matrix: the factor that gives an orthogonalized
    update AdamW's typical RMS (Moonshot's "Muon is Scalable for LLM Training")."""
    return rate * math.sqrt(max(shape[0], shape[1]))


def adjusted_lr(lr, adjust_lr_fn, shape):
    """PyTorch's AdjustLR: lr sqrt(max(1, A / B)) ("original", Keller Jordan's, the default
    None) or lr 0.2 sqrt(max(A, B)) ("match_rms_adamw") for an (A, B) parameter."""
    if adjust_lr_fn == "match_rms_adamw":
        return lr * rms_matched_scale(shape)
    return lr * math.sqrt(max(1.0, shape[0] / shape[1]))


def check_newton_schulz(coefficients, steps, who):
    """Raise a ValueError naming `who` unless `coefficients` are three numbers (a, b, c) and
    `steps` an integer in [0, 100) (PyTorch's bound)."""
    if not hasattr(coefficients, "__len__") or len(coefficients) != 3 or not all(
            isinstance(v, Real) for v in coefficients):
        raise ValueError(f"{who}: the Newton-Schulz coefficients must be three numbers "
                         f"(a, b, c), got {coefficients!r}")
    if isinstance(steps, bool) or not isinstance(steps, Integral) or not 0 <= steps < 100:
        raise ValueError(f"{who}: ns_steps must be an integer in [0, 100), got {steps!r}")


def check_matrix(who, p, shape):
    """A ValueError unless `shape` (parameter p's) is a matrix's."""
    if len(shape) != 2:
        name = f"{own_name(p)!r} " if p is not None and own_name(p) else ""
        raise ValueError(f"{who} only supports 2D parameters, got parameter {name}of shape "
                         f"{tuple(shape)}; optimize biases, norms' scales, embeddings and "
                         "other non-2-D parameters with another optimizer (AdamW)")


class Muon(Optimizer):
    """PyTorch's Muon (Keller Jordan, "Muon: An optimizer for hidden layers"), for the
    2-D weights of hidden layers only:

        B <- mu B + (1 - mu) g                     (momentum_buffer, B.lerp_(g, 1 - mu))
        U = g + mu (B - g) if nesterov else B      (g.lerp(B, mu))
        O = orthogonalize(U)                       (Newton-Schulz, in bfloat16's precision)
        p <- p (1 - lr * weight_decay) - AdjustLR(lr, p.shape) O

    AdjustLR: see adjusted_lr. As PyTorch, the iteration rounds every intermediate to
    bfloat16, so that trajectories match PyTorch's; the update is applied in p's dtype.
    """

    state_keys = frozenset({"momentum_buffer"})

    decoupled_weight_decay = True

    def __init__(self, params=None, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=NS_COEFFICIENTS, eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        coefficients = tuple(ns_coefficients) if hasattr(ns_coefficients, "__len__") \
            else ns_coefficients
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum,
                        nesterov=nesterov, ns_coefficients=coefficients, eps=eps,
                        ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        who = self._who
        check_nonnegative(hyper["momentum"], "momentum", who)
        check_nonnegative(hyper["eps"], "eps", who)
        if hyper["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(f"{who}: adjust_lr_fn must be one of {ADJUST_LR_FNS}, got "
                             f"{hyper['adjust_lr_fn']!r}")
        check_newton_schulz(hyper["ns_coefficients"], hyper["ns_steps"], who)

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        try:
            self._check_matrices(self.param_groups[-1]["params"])
        except ValueError:
            self.param_groups.pop()
            raise

    def bind(self, params):
        params = [params] if isinstance(params, Variable) else list(params)
        self._check_matrices(p for p in params if isinstance(p, Variable))
        return super().bind(params)

    def _check_matrices(self, params):
        for p in params:
            if not is_uninitialized(p):  # (a lazy layer's: checked at its first step)
                check_matrix(self._who, p, p.shape)

    def _init_state(self, xp, w, group):
        return {"momentum_buffer": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        check_matrix(self._who, None, w.shape)  # (0-d ones arrive as shape (1,))
        buf = state["momentum_buffer"]
        update_first_moment(xp, g, buf, h.momentum)
        blended = nesterov_blend(xp, g, buf, h.momentum) if h.nesterov else buf
        ortho = orthogonalize(xp, blended.astype(np.float32), h.ns_coefficients,
                              int(h.ns_steps), h.eps, rounding=round_to_bfloat16)
        step = ortho.astype(w.dtype, copy=False)  # (PyTorch adds bfloat16 to p's dtype)
        step *= adjusted_lr(h.lr, h.adjust_lr_fn, w.shape)
        w -= step


def nesterov_blend(xp, g, buf, momentum):
    """g + momentum (buf - g), a new array, with PyTorch's lerp's two-sided formula (from
    buf's end for momentum >= 1/2)."""
    diff = xp.subtract(buf, g)
    if abs(momentum) < 0.5:
        diff *= momentum
        diff += g
        return diff
    diff *= 1.0 - momentum
    return xp.subtract(buf, diff, out=diff)


__all__ = ["Muon", "orthogonalize", "round_to_bfloat16", "rms_matched_scale"]
