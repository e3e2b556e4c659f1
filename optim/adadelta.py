"""Adadelta: step sizes from running averages of squared gradients and updates."""
from autograd.blocks import in_blocks

from .optimizer import Optimizer, check_nonnegative, check_unit_interval, pytorch_flags
from .scaled_square import scaled_square


class Adadelta(Optimizer):
    """PyTorch's Adadelta.

    With `g = grad + weight_decay * p`:

        v <- rho * v + (1 - rho) * g^2
        d  = sqrt(u + eps) / sqrt(v + eps) * g
        u <- rho * u + (1 - rho) * d^2
        p <- p - lr * d
    """

    state_keys = frozenset({"step", "square_avg", "acc_delta"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0,
                 *, maximize=False, foreach=None, capturable=False, differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach,
                        **pytorch_flags(self._who, differentiable, capturable=capturable))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        check_unit_interval(hyper["rho"], "rho", self._who, closed=True)
        check_nonnegative(hyper["eps"], "eps", self._who)

    def _init_state(self, xp, w, group):
        return {"step": 0, "square_avg": xp.zeros_like(w), "acc_delta": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        state["step"] += 1
        for block in in_blocks(w, g, state["square_avg"], state["acc_delta"]):
            _adadelta_block(xp, *block, h)


def _adadelta_block(xp, w, g, v, u, h):
    """One block of Adadelta's elementwise update (v: square_avg, u: acc_delta)."""
    tmp = scaled_square(xp, g, 1.0 - h.rho)  # scratch, reused below through out=
    v *= h.rho
    v += tmp
    xp.add(v, h.eps, out=tmp)
    xp.sqrt(tmp, out=tmp)                   # std
    delta = xp.add(u, h.eps)
    xp.sqrt(delta, out=delta)
    delta /= tmp
    delta *= g
    xp.multiply(delta, delta, out=tmp)
    tmp *= 1.0 - h.rho
    u *= h.rho
    u += tmp
    delta *= h.lr
    w -= delta
