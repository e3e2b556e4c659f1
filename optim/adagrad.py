"""Adagrad: per-coordinate step sizes from the running sum of squared gradients."""
from autograd.blocks import in_blocks

from .optimizer import Optimizer, check_nonnegative, pytorch_flags


class Adagrad(Optimizer):
    """PyTorch's Adagrad.

    With `g = grad + weight_decay * p` and t the step count (from 1):

        clr = lr / (1 + (t - 1) * lr_decay)
        s   <- s + g * g                  (s starts at initial_accumulator_value)
        p   <- p - clr * g / (sqrt(s) + eps)

    initial_accumulator_value is read from each parameter's group when its state is made
    (at its first step), so groups may differ in it; PyTorch fills the states at
    construction, and a group added later with add_param_group from the constructor's
    value, whatever the group's own says.
    """

    state_keys = frozenset({"step", "sum"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, *, maximize=False, foreach=None,
                 differentiable=False, fused=None):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize, foreach=foreach,
                        **pytorch_flags(self._who, differentiable, fused=fused))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        for name in ("lr_decay", "initial_accumulator_value", "eps"):
            check_nonnegative(hyper[name], name, self._who)

    def _init_state(self, xp, w, group):
        return {"step": 0, "sum": xp.full_like(w, float(group["initial_accumulator_value"]))}

    def _update(self, xp, w, g, state, h):
        state["step"] += 1
        clr = h.lr / (1.0 + (state["step"] - 1) * h.lr_decay)
        for block in in_blocks(w, g, state["sum"]):
            _adagrad_block(xp, *block, h, clr)


def _adagrad_block(xp, w, g, s, h, clr):
    """One block of Adagrad's update (s: the running sum of squares; clr: the step size)."""
    tmp = g * g  # the one scratch array, reused below through out=
    s += tmp
    xp.sqrt(s, out=tmp)
    tmp += h.eps
    xp.divide(g, tmp, out=tmp)
    tmp *= clr
    w -= tmp
