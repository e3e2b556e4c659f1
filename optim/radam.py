"""RAdam: Adam whose adaptive step is rectified while the second moment is too young."""
import math

from autograd.blocks import in_blocks

from .adam import AdamFamily, DecoupledDecayOption, as_betas, update_moments
from .optimizer import pytorch_flags


class RAdam(DecoupledDecayOption, AdamFamily):
    """PyTorch's RAdam (Liu et al.), with decoupled weight decay as an option.

    With `g = grad + weight_decay * p` (L2 penalty; with decoupled_weight_decay,
    `p <- p * (1 - lr * weight_decay)` instead, as AdamW) and t the step count (from 1):

        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        rho_inf = 2 / (1 - beta2) - 1
        rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)   (the length of the approximated SMA)
        r_t     = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
        p <- p - lr / (1 - beta1^t) * m * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)
                                                            (rho_t > 5)
        p <- p - lr / (1 - beta1^t) * m                     (otherwise: SGD with momentum)
    """

    state_keys = frozenset({"step", "exp_avg", "exp_avg_sq"})

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 decoupled_weight_decay=False, *, maximize=False, foreach=None,
                 capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=as_betas(betas), eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, **pytorch_flags(self._who, differentiable,
                                                         capturable=capturable))
        super().__init__(params, defaults)

    def _init_state(self, xp, w, group):
        return {"step": 0, "exp_avg": xp.zeros_like(w), "exp_avg_sq": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        # The step's factors as Python floats: they must not promote float32 arrays.
        step_size = h.lr / (1.0 - h.betas[0] ** t)
        rect = _rectification(h.betas[1], t)
        if rect is not None:  # the variance is tractable: Adam's step, rectified
            step_size *= rect * math.sqrt(1.0 - h.betas[1] ** t)
        for block in in_blocks(w, g, state["exp_avg"], state["exp_avg_sq"]):
            _radam_block(xp, *block, h, step_size, rect is not None)


def _rectification(beta2, t):
    """r_t, or None while rho_t <= 5: so few steps that the adaptive step's variance is
    intractable (divergent), and RAdam steps along the momentum alone."""
    bc2 = 1.0 - beta2 ** t
    rho_inf = 2.0 / (1.0 - beta2) - 1.0
    rho_t = rho_inf - 2.0 * t * beta2 ** t / bc2
    if not rho_t > 5.0:
        return None
    return math.sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                     / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))


def _radam_block(xp, w, g, m, v, h, step_size, adaptive):
    """One block of RAdam's elementwise update (`adaptive`: rho_t > 5; `step_size` then
    carries the rectification and the second bias correction)."""
    tmp = update_moments(xp, g, m, v, h.betas)  # the one scratch array, reused through out=
    if adaptive:
        xp.sqrt(v, out=tmp)
        tmp += h.eps
        xp.divide(m, tmp, out=tmp)
    else:
        xp.copyto(tmp, m)
    tmp *= step_size
    w -= tmp
