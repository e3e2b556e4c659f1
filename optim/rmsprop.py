"""RMSprop: divide the gradient by a running RMS of recent gradients."""
from autograd.blocks import in_blocks

from .lerp import lerp_
from .optimizer import Optimizer, check_nonnegative, pytorch_flags
from .scaled_square import scaled_square


def _rmsprop_block(xp, w, g, v, a, buf, h):
    """One block of RMSprop's elementwise update (a: grad_avg when centered, buf: the momentum
    buffer when momentum > 0; else None)."""
    tmp = scaled_square(xp, g, 1.0 - h.alpha)  # the one scratch array, reused through out=
    v *= h.alpha
    v += tmp
    if a is not None:
        lerp_(xp, a, g, 1.0 - h.alpha, out=tmp)  # a.lerp_(g, 1 - alpha), as PyTorch
        xp.multiply(a, a, out=tmp)
        xp.subtract(v, tmp, out=tmp)
        # an overflowed v stays inf (no step), as PyTorch's fused v - a*a; inf - inf made NaN
        xp.copyto(tmp, v, where=xp.isposinf(v))
        xp.sqrt(tmp, out=tmp)
    else:
        xp.sqrt(v, out=tmp)
    tmp += h.eps
    xp.divide(g, tmp, out=tmp)
    if buf is not None:
        buf *= h.momentum
        buf += tmp
        xp.multiply(buf, h.lr, out=tmp)
    else:
        tmp *= h.lr
    w -= tmp


class RMSprop(Optimizer):
    """PyTorch's RMSprop.

    With `g = grad + weight_decay * p`:

        v <- alpha * v + (1 - alpha) * g^2
        a <- alpha * a + (1 - alpha) * g             (centered only)
        d  = sqrt(v - a^2) + eps  if centered else sqrt(v) + eps
        b <- momentum * b + g / d;  p <- p - lr * b  (momentum > 0)
        p <- p - lr * g / d                          (otherwise)
    """

    state_keys = frozenset({"step", "square_avg", "momentum_buffer", "grad_avg"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)
    _block = staticmethod(_rmsprop_block)  # the rule on one block (Keras' RMSprop has its own)

    def __init__(self, params=None, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False, *, maximize=False, foreach=None,
                 capturable=False, differentiable=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize,
                        foreach=foreach, **pytorch_flags(self._who, differentiable,
                                                         capturable=capturable))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        for name in ("alpha", "eps", "momentum"):
            check_nonnegative(hyper[name], name, self._who)

    def _init_state(self, xp, w, group):
        state = {"step": 0, "square_avg": xp.zeros_like(w)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = xp.zeros_like(w)
        if group["centered"]:
            state["grad_avg"] = xp.zeros_like(w)
        return state

    def _update(self, xp, w, g, state, h):
        """The rule (`_block`) on each block of the weights and their state."""
        state["step"] += 1
        a = state["grad_avg"] if h.centered else None
        buf = state["momentum_buffer"] if h.momentum > 0 else None
        for block in in_blocks(w, g, state["square_avg"], a, buf):
            self._block(xp, *block, h)
