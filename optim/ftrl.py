"""FTRL-Proximal: follow the regularized leader, per coordinate (McMahan et al. 2013)."""
from numbers import Real

from autograd.blocks import in_blocks

from .optimizer import Optimizer, check_nonnegative


class Ftrl(Optimizer):
    """FTRL-Proximal as Keras (and TensorFlow's ApplyFtrlV2) compute it.

    With g the gradient, n the accumulated squares (from initial_accumulator_value), z the
    linear term (from 0) and p = -lr_power:

        g_s = g + 2 * l2_shrinkage * w
        n_new = n + g^2
        z <- z + g_s - (n_new^p - n^p) / lr * w
        w <- (clip(z, -l1, l1) - z) / (n_new^p / lr + 2 * (l2 + beta / (2 lr)))
        n <- n_new

    l1 drives weights to exactly 0 (sparse models); weight_decay, if any, is added to the
    gradient (PyTorch's L2 convention). lr must be > 0 when made; a step at a rate that a
    schedule (or a setter) brought to 0 raises a ValueError, its weights unchanged (Keras
    divides by it: every weight becomes NaN).
    """

    state_keys = frozenset({"accumulator", "linear"})
    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1e-3, lr_power=-0.5, initial_accumulator_value=0.1,
                 l1=0.0, l2=0.0, l2_shrinkage=0.0, beta=0.0, weight_decay=0.0, *,
                 maximize=False, foreach=None):
        defaults = dict(lr=lr, lr_power=lr_power,
                        initial_accumulator_value=initial_accumulator_value, l1=l1, l2=l2,
                        l2_shrinkage=l2_shrinkage, beta=beta, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        who = self._who
        if not isinstance(hyper["lr"], Real) or not hyper["lr"] > 0:
            raise ValueError(f"{who}: lr must be a number > 0 (the update divides by it), "
                             f"got {hyper['lr']!r}")
        if not isinstance(hyper["lr_power"], Real) or not hyper["lr_power"] <= 0:
            raise ValueError(f"{who}: lr_power must be a number <= 0, got "
                             f"{hyper['lr_power']!r}")
        for key in ("initial_accumulator_value", "l1", "l2", "l2_shrinkage", "beta"):
            check_nonnegative(hyper[key], key, who)

    def _init_state(self, xp, w, group):
        return {"accumulator": xp.full_like(w, group["initial_accumulator_value"]),
                "linear": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        if h.lr == 0:  # (Keras divides by it all the same: every weight NaN, trained ones lost)
            raise ValueError(f"{self._who}: the learning rate is 0 at this step; FTRL divides "
                             "by it, so no weight was changed: keep a schedule's rate above 0")
        for block in in_blocks(w, g, state["accumulator"], state["linear"]):
            ftrl_block(xp, *block, h)


def ftrl_block(xp, w, g, n, z, h):
    """One block of the FTRL-Proximal update, in place on w, n and z."""
    power, lr = -h.lr_power, h.lr
    old = n ** power
    n += g * g
    new = n ** power
    z += g if not h.l2_shrinkage else g + (2.0 * h.l2_shrinkage) * w
    z -= (new - old) / lr * w
    new /= lr
    new += 2.0 * (h.l2 + h.beta / (2.0 * lr))
    xp.divide(xp.clip(z, -h.l1, h.l1) - z, new, out=w)
