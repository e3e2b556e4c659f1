"""Adafactor: second moments kept as row and column averages for matrices, a step size
relative to the weights' scale."""
import math
from numbers import Real

import numpy as np

from autograd.backend import get_array_module

from .lerp import lerp_
from .optimizer import Optimizer, _to_like, check_nonnegative


class Adafactor(Optimizer):
    """PyTorch's Adafactor (Shazeer & Stern), as torch.optim.Adafactor computes it.

    With g the gradient (negated with maximize), t the step count (from 1) and n the
    number of elements of p:

        beta2_hat = 1 - t^beta2_decay
        rho = min(lr, 1 / sqrt(t));  alpha = max(eps2, ||p|| / sqrt(n)) * rho
        p <- p * (1 - lr * weight_decay)                  (decoupled)
        p of 2 or more axes (the last two factored):
            R <- lerp(R, mean(g^2, last axis), 1 - beta2_hat)         (row_var, (..., m, 1))
            C <- lerp(C, mean(g^2, second-to-last axis), 1 - beta2_hat)  (col_var, (..., 1, k))
            V = R C / max(mean(R), eps1)
        else:
            V <- lerp(V, g^2, 1 - beta2_hat)                            (variance)
        U = g / sqrt(max(V, eps1^2))
        p <- p - alpha / max(1, RMS(U) / d) * U

    eps = (eps1, eps2); eps1 None is the dtype's machine epsilon. The state holds
    PyTorch's entries (`step`, `row_var` and `col_var`, or `variance`), so its state
    dicts load here.
    """

    state_keys = frozenset({"step", "variance", "row_var", "col_var"})

    def __init__(self, params=None, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        eps = tuple(eps) if isinstance(eps, (tuple, list)) else eps
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        who = self._who
        if not isinstance(hyper["beta2_decay"], Real) or not hyper["beta2_decay"] <= 0:
            raise ValueError(f"{who}: beta2_decay must be a number <= 0, got "
                             f"{hyper['beta2_decay']!r}")
        eps = hyper["eps"]  # (a list too: a state dict that went through JSON)
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise ValueError(f"{who}: eps must be a pair (eps1 or None, eps2), got {eps!r}")
        if eps[0] is not None:
            check_nonnegative(eps[0], "eps1 (eps[0])", who)
        check_nonnegative(eps[1], "eps2 (eps[1])", who)
        if not isinstance(hyper["d"], Real) or not hyper["d"] >= 1:
            raise ValueError(f"{who}: the clipping threshold d must be a number >= 1, got "
                             f"{hyper['d']!r}")

    def _init_state(self, xp, w, group):
        if w.ndim < 2:
            return {"step": 0, "variance": xp.zeros_like(w)}
        return {"step": 0, "row_var": xp.zeros(_factor_shape(w.shape, -1), w.dtype),
                "col_var": xp.zeros(_factor_shape(w.shape, -2), w.dtype)}

    def _state_from_saved(self, p, saved):
        # (the factors' shapes are not the parameter's)
        xp = get_array_module(p.data)
        shapes = {"row_var": -1, "col_var": -2}
        return {k: _to_like(v, xp.empty(_factor_shape(p.shape, shapes[k]), p.dtype)
                            if k in shapes else p.data, k, self._who)
                for k, v in saved.items()}

    def _prepare_grad(self, w, g, h):
        # weight decay waits for _update: alpha reads the weights before it
        if g.dtype != w.dtype:
            g = g.astype(w.dtype)
        return -g if h.maximize else g

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        eps1 = float(np.finfo(w.dtype).eps) if h.eps[0] is None else h.eps[0]
        fraction = float(t) ** h.beta2_decay  # 1 - beta2_hat: the new squares' weight
        alpha = max(h.eps[1], _rms(xp, w)) * min(h.lr, 1.0 / math.sqrt(t))
        if h.weight_decay:
            w *= 1.0 - h.lr * h.weight_decay
        update = _factored_variance(xp, g, state, fraction, eps1) \
            if state.get("row_var") is not None \
            else _variance(xp, g, state, fraction)
        xp.maximum(update, eps1 * eps1, out=update)
        xp.sqrt(update, out=update)
        xp.divide(g, update, out=update)
        update *= -alpha / max(1.0, _rms(xp, update) / h.d)
        w += update


def _factor_shape(shape, axis):
    """`shape` with `axis` reduced to 1 (the row factor: -1; the column factor: -2)."""
    shape = list(shape)
    shape[axis] = 1
    return tuple(shape)


def _rms(xp, x):
    """||x|| / sqrt(size) as a Python float."""
    return float(xp.linalg.norm(x.reshape(-1))) / math.sqrt(x.size)


def _lerp(xp, start, end, weight):
    """start <- start + weight * (end - start), in place, one-sided: Keras' Adafactor rule
    (nn/keras/optimizers/adafactor_rule.py) uses it; PyTorch's, here, lerp_."""
    end -= start
    end *= weight
    start += end


def _factored_variance(xp, g, state, fraction, eps1):
    """The rank-one estimate R C / max(mean(R), eps1) of g^2's running average, after
    updating the factors (a new array)."""
    squared = g * g
    row, col = state["row_var"], state["col_var"]
    lerp_(xp, row, squared.mean(axis=-1, keepdims=True), fraction)
    lerp_(xp, col, squared.mean(axis=-2, keepdims=True), fraction)
    estimate = row @ col
    estimate /= xp.maximum(row.mean(axis=-2, keepdims=True), eps1)
    return estimate


def _variance(xp, g, state, fraction):
    """g^2's running average, updated (a copy: the caller writes into it)."""
    variance = state["variance"]
    lerp_(xp, variance, g * g, fraction)
    return variance.copy()
