"""Keras 3's gradient accumulation (`gradient_accumulation_steps=n` on any of its
optimizers): every call of step() counts, every n-th one updates.

Keras' rule (keras/src/optimizers/base_optimizer.py): a step that is not the n-th adds each
gradient into its variable's accumulator and leaves the weights as they are; the n-th updates
with (gradient + accumulated) / n, the mean over the n batches, which is what clipping and
the update rule then see, and every accumulator starts again from zero. A variable without
a gradient at some step adds nothing then; one without a gradient at the n-th step is not
updated (its accumulator is cleared all the same). Keras' `iterations` is the updates made
(the calls divided by n); learning-rate schedules read the calls themselves.
"""
from numbers import Integral

from autograd.backend import get_array_module
from autograd.variable import wrap
from optim.optimizer import grad_array

KEY = "gradient_accumulator"  # the state entry of each parameter


def accumulation_steps(value, who):
    """Keras' gradient_accumulation_steps checked: None (or 0) for none, else an int >= 2."""
    if value is None or (value == 0 and not isinstance(value, bool)):
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 2:
        raise ValueError(f"{who}: gradient_accumulation_steps must be an integer >= 2 (or "
                         f"None), got {value!r}")
    return int(value)


def accumulate(opt, steps):
    """Add the gradients of `opt`'s parameters into their accumulators, or, at the last
    of `steps` calls (opt._iterations counts them), replace each gradient by the mean over
    the steps and clear the accumulators. Returns whether this call updates the weights."""
    updates = (opt._iterations + 1) % steps == 0
    for group in opt.param_groups:
        for p in group["params"]:
            if not p.requires_grad:
                continue
            xp = get_array_module(p.data)
            state = opt._state_for(p, group, xp)
            total = state.get(KEY)
            if total is None:
                total = state[KEY] = xp.zeros_like(p.data)
            g = grad_array(p)
            if updates:
                if g is not None:  # (a new array: a gradient may be shared by parameters)
                    p.grad = wrap((g + total) / g.dtype.type(steps), False)
                total[...] = 0
            elif g is not None:
                total += g
    return updates


__all__ = ["KEY", "accumulate", "accumulation_steps"]
