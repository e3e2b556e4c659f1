"""Adamax: Adam with the infinity norm in place of the second moment."""
from autograd.blocks import in_blocks

from .adam import AdamFamily, as_betas, update_first_moment
from .optimizer import pytorch_flags


class Adamax(AdamFamily):
    """PyTorch's Adamax (Kingma & Ba, section 7.1).

    With `g = grad + weight_decay * p` and t the step count (from 1):

        m <- beta1 * m + (1 - beta1) * g
        u <- max(beta2 * u, |g| + eps)
        p <- p - lr / (1 - beta1^t) * m / u

    (Keras' Adamax adds eps to u in the step instead: `m / (u + eps)`, with
    `u <- max(beta2 * u, |g|)`.)
    """

    state_keys = frozenset({"step", "exp_avg", "exp_inf"})

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 *, maximize=False, foreach=None, capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=as_betas(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach,
                        **pytorch_flags(self._who, differentiable, capturable=capturable))
        super().__init__(params, defaults)

    def _init_state(self, xp, w, group):
        return {"step": 0, "exp_avg": xp.zeros_like(w), "exp_inf": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        step_size = h.lr / (1.0 - h.betas[0] ** t)  # a Python float: float32 stays float32
        for block in in_blocks(w, g, state["exp_avg"], state["exp_inf"]):
            _adamax_block(xp, *block, h, step_size)


def _adamax_block(xp, w, g, m, u, h, step_size):
    """One block of Adamax's elementwise update (u: exp_inf, the decaying max of |g|)."""
    tmp = update_first_moment(xp, g, m, h.betas[0])  # the one scratch array, reused
    xp.abs(g, out=tmp)
    tmp += h.eps
    u *= h.betas[1]
    xp.maximum(u, tmp, out=u)
    xp.divide(m, u, out=tmp)
    tmp *= step_size
    w -= tmp
