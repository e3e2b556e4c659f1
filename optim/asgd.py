"""ASGD: SGD on a decaying step size, keeping a running average of the weights."""
from autograd.blocks import in_blocks

from .optimizer import Optimizer, as_number, check_nonnegative, pytorch_flags


class ASGD(Optimizer):
    """PyTorch's ASGD (averaged SGD, Polyak & Juditsky).

    With `g = grad + weight_decay * p`, t the step count (from 1), and eta, mu the values
    the previous step left (lr and 1 at the first step):

        p   <- p * (1 - lambd * eta) - eta * g
        ax  <- ax + mu * (p - ax)              (ax <- p while mu = 1)
        eta <- lr / (1 + lambd * lr * t)^alpha
        mu  <- 1 / max(1, t - t0)

    ax, the average of the weights of the steps after t0, stays in the state
    (`opt.state[p]["ax"]`): the parameters follow the plain iterates, as in PyTorch; copy
    ax into them to use the averaged model. eta and mu are Python floats, PyTorch's 0-d
    tensors of its default dtype (float32 unless set).
    """

    state_keys = frozenset({"step", "eta", "mu", "ax"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize,
                        **pytorch_flags(self._who, differentiable, capturable=capturable))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        # (PyTorch checks lr and weight_decay only; negative ones of these make no schedule)
        for name in ("lambd", "alpha", "t0"):
            check_nonnegative(hyper[name], name, self._who)

    def _init_state(self, xp, w, group):
        return {"step": 0, "eta": float(group["lr"]), "mu": 1.0, "ax": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        eta, mu = as_number(state["eta"]), as_number(state["mu"])
        for block in in_blocks(w, g, state["ax"]):
            _asgd_block(xp, *block, h, eta, mu)
        # for the next step, from this one's count (Python floats: no float32 promotion)
        state["eta"] = h.lr / (1.0 + h.lambd * h.lr * t) ** h.alpha
        state["mu"] = 1.0 / max(1.0, t - h.t0)


def _asgd_block(xp, w, g, ax, h, eta, mu):
    """One block of ASGD's update (ax: the averaged weights)."""
    w *= 1.0 - h.lambd * eta  # the decay first, then the gradient step: PyTorch's order
    tmp = g * eta
    w -= tmp
    if mu == 1.0:  # (no average yet: ax follows the weights, exactly)
        xp.copyto(ax, w)
        return
    xp.subtract(w, ax, out=tmp)
    tmp *= mu
    ax += tmp
