"""Rprop: per-coordinate step sizes grown or shrunk by the sign of successive gradients."""
from numbers import Real

import numpy as np

from autograd.blocks import in_blocks

from .adam import as_betas
from .optimizer import Optimizer, pytorch_flags


class Rprop(Optimizer):
    """PyTorch's Rprop (resilient backpropagation, Riedmiller & Braun).

    With g the gradient (negated under maximize), g_prev the one kept from the last step
    (0 at the first) and s the per-coordinate step size (lr at the first step):

        f      = etaplus if g * g_prev > 0, etaminus if g * g_prev < 0, else 1
        s      <- clip(s * f, step_size_min, step_size_max)
        g      <- 0 where g * g_prev < 0      (the sign flipped: no step, and no flip next)
        p      <- p - sign(g) * s
        g_prev <- g

    Only the gradient's sign counts, so Rprop suits full-batch training (a minibatch's noise
    flips signs). lr is read once, for s at each parameter's first step: later changes of it
    (a scheduler's) do nothing, as in PyTorch. PyTorch's Rprop has no weight decay.
    """

    state_keys = frozenset({"step", "prev", "step_size"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        defaults = dict(lr=lr, etas=as_betas(etas), step_sizes=as_betas(step_sizes),
                        foreach=foreach, maximize=maximize,
                        **pytorch_flags(self._who, differentiable, capturable=capturable))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        etas, sizes = hyper["etas"], hyper["step_sizes"]
        if not (_is_pair(etas) and 0.0 < etas[0] < 1.0 < etas[1]):
            raise ValueError(f"{self._who}: etas must be a pair (etaminus, etaplus) with "
                             f"0 < etaminus < 1 < etaplus, got {etas!r}")
        # (PyTorch takes any pair; a negative or inverted one makes no sense as a clip)
        if not (_is_pair(sizes) and 0.0 <= sizes[0] <= sizes[1]):
            raise ValueError(f"{self._who}: step_sizes must be a pair (min, max) with "
                             f"0 <= min <= max, got {sizes!r}")

    def _init_state(self, xp, w, group):
        return {"step": 0, "prev": xp.zeros_like(w),
                "step_size": xp.full_like(w, float(group["lr"]))}

    def _update(self, xp, w, g, state, h):
        state["step"] += 1  # (counted for PyTorch's state_dict; the rule does not read it)
        for block in in_blocks(w, g, state["prev"], state["step_size"]):
            _rprop_block(xp, *block, h)


def _is_pair(value):
    return (hasattr(value, "__len__") and len(value) == 2
            and all(isinstance(v, Real) for v in value))


def _rprop_block(xp, w, g, prev, s, h):
    """One block of Rprop's update (prev: the last step's gradient, s: the step sizes)."""
    etaminus, etaplus = h.etas
    with np.errstate(invalid="ignore"):  # (inf * 0: a NaN, which counts as 0 below)
        product = g * prev
    flipped = product < 0
    # The factors in an array of s's dtype (a float32 s is multiplied by float32(eta)); 1
    # where the product is 0 or NaN: PyTorch's sign of NaN is 0, so a NaN or infinite
    # gradient leaves the step size, and the weight, as they were
    f = xp.ones_like(product)
    xp.copyto(f, etaplus, where=product > 0)
    xp.copyto(f, etaminus, where=flipped)
    s *= f
    xp.clip(s, h.step_sizes[0], h.step_sizes[1], out=s)
    xp.copyto(prev, g)
    xp.copyto(prev, 0.0, where=flipped)  # (not g * mask: an infinite g would give NaN)
    xp.subtract(prev > 0, prev < 0, out=f, dtype=f.dtype)  # the sign, 0 for NaN (PyTorch's)
    f *= s
    w -= f
