"""Stochastic gradient descent, with (Nesterov) momentum."""
import numpy as np

from autograd.blocks import BLOCK, in_blocks
from autograd.cuda_kernels import fused, momentum_step_, subtract_scaled_
from autograd.variable import Variable

from .optimizer import Optimizer, _hyper, check_nonnegative, pytorch_flags


class SGD(Optimizer):
    """PyTorch's SGD.

    With `g = grad + weight_decay * p`:

        b <- g                                  (first step)
        b <- momentum * b + (1 - dampening) * g (later steps)
        g <- g + momentum * b   if nesterov else b      (when momentum != 0)
        p <- p - lr * g
    """

    state_keys = frozenset({"momentum_buffer"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def __init__(self, params=None, lr=1e-3, momentum=0.0, dampening=0.0,
                 weight_decay=0.0, nesterov=False, *, maximize=False, foreach=None,
                 differentiable=False, fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, **pytorch_flags(self._who, differentiable,
                                                         fused=fused))
        # checked once, as PyTorch does: a group edited later (dampening set under Nesterov)
        # still trains, and its saved state must load again
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"{self._who}: Nesterov momentum requires a momentum > 0 and zero "
                             "dampening")
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        check_nonnegative(hyper["momentum"], "momentum", self._who)

    def _foreach_pays(self, h):
        # two to four calls a parameter, as many as gathering the group costs, unless
        # Nesterov's or the decay's add to momentum's (measured: bench/bench_optim.py)
        return bool(h.momentum and (h.nesterov or h.weight_decay))

    def _init_state(self, xp, w, group):
        # None until the first step: PyTorch starts the buffer at the gradient, undamped
        return {"momentum_buffer": None} if group["momentum"] else {}

    def _step_group(self, group, updated, params=None):
        """Plain SGD (no momentum, decay or maximize) runs `w -= lr * g` for each NumPy
        parameter whose gradient fits it, its state made, in one block: a small model's
        step feels each line of the general loop (the 1-10-1 MLP's four parameters: 9.2
        against 6.3 us). The first one that is not so goes on in the general loop, with the
        rest."""
        h = _hyper(group)
        if params is not None or h.momentum or not h.bare or h.foreach is not None:
            super()._step_group(group, updated, params)
            return
        lr, states, params = h.lr, self.state._entries, group["params"]
        ndarray, done = np.ndarray, updated.append
        for i, p in enumerate(params):
            g = p.grad
            if g is None or not p.requires_grad:
                continue
            w, g = p.data, g.data if g.__class__ is Variable else g
            if not (w.__class__ is ndarray and g.__class__ is ndarray and g.dtype is w.dtype
                    and g.shape == w.shape and w.size <= BLOCK and id(p) in states):
                super()._step_group(group, updated, params[i:])
                return
            w -= lr * g
            done(p)

    def _update(self, xp, w, g, state, h):
        if not h.momentum and w.size <= BLOCK and xp is np:  # plain SGD on one block: the
            w -= h.lr * g  # common case
            return
        # .get: momentum may be switched on mid-run (PyTorch then starts the buffer)
        buf = state.get("momentum_buffer") if h.momentum else None
        started = buf is not None
        if h.momentum and not started:
            buf = state["momentum_buffer"] = g.copy()
        if fused(w) and not h.nesterov:  # a GPU array: one kernel (autograd/cuda_kernels.py)
            _fused_update(w, g, buf, h, started)
            return
        if w.size <= BLOCK:  # (one block: no generator to walk; small models feel each call)
            _sgd_block(w, g, buf, h, started)
            return
        for block in in_blocks(w, g, buf):
            _sgd_block(*block, h, started)


def _fused_update(w, g, buf, h, started):
    """_sgd_block's update without Nesterov, in one kernel (autograd/cuda_kernels.py)."""
    if buf is None or not started:  # (a buffer just set to g steps by itself)
        subtract_scaled_(w, g if buf is None else buf, h.lr)
    else:
        momentum_step_(w, g, buf, h.lr, h.momentum, 1.0 - h.dampening)


def _sgd_block(w, g, buf, h, started):
    """One block of SGD's update (buf: the momentum buffer, None without momentum; `started`:
    False at its first step, where it was just set to g)."""
    if buf is not None:
        if started:
            buf *= h.momentum
            buf += g if h.dampening == 0 else (1.0 - h.dampening) * g
        g = g + h.momentum * buf if h.nesterov else buf
    w -= h.lr * g
