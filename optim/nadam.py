"""NAdam: Adam with Nesterov momentum, on Dozat's momentum schedule."""
from autograd.blocks import in_blocks

from .adam import AdamFamily, DecoupledDecayOption, as_betas, update_moments
from .optimizer import as_number, check_nonnegative, pytorch_flags


class NAdam(DecoupledDecayOption, AdamFamily):
    """PyTorch's NAdam (Dozat), with decoupled weight decay as an option.

    With `g = grad + weight_decay * p` (L2 penalty; with decoupled_weight_decay,
    `p <- p * (1 - lr * weight_decay)` instead, as AdamW) and t the step count (from 1):

        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
        mu_product <- mu_product * mu_t                  (mu_1 * ... * mu_t; starts at 1)
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        d  = sqrt(v / (1 - beta2^t)) + eps
        p <- p - lr * (1 - mu_t) / (1 - mu_product) * g / d
               - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d

    The state holds PyTorch's entries, `mu_product` among them (a number, as `step`):

    >>> import numpy as np
    >>> import optim
    >>> from autograd import Parameter
    >>> p = Parameter(np.array([1.0, 2.0]))
    >>> opt = optim.NAdam([p])
    >>> p.grad = np.array([0.5, -0.5])
    >>> opt.step()
    >>> list(opt.state[p])
    ['step', 'mu_product', 'exp_avg', 'exp_avg_sq']
    """

    state_keys = frozenset({"step", "mu_product", "exp_avg", "exp_avg_sq"})

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False,
                 foreach=None, capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=as_betas(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, **pytorch_flags(self._who, differentiable,
                                                         capturable=capturable))
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        check_nonnegative(hyper["momentum_decay"], "momentum_decay", self._who)

    def _init_state(self, xp, w, group):
        return {"step": 0, "mu_product": 1.0, "exp_avg": xp.zeros_like(w),
                "exp_avg_sq": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        state["mu_product"] = as_number(state["mu_product"]) * nadam_momentum(h, t)
        nadam_update(xp, w, g, state, h, t)


def nadam_update(xp, w, g, state, h, t):
    """NAdam's update of w at step t, with state's mu_product (mu_1 ... mu_t) already made."""
    # The schedule's factors as Python floats: they must not promote float32 arrays.
    mu, mu_next = nadam_momentum(h, t), nadam_momentum(h, t + 1)
    mu_product = as_number(state["mu_product"])
    grad_step = -h.lr * (1.0 - mu) / (1.0 - mu_product)
    avg_step = -h.lr * mu_next / (1.0 - mu_product * mu_next)
    bc2 = 1.0 - h.betas[1] ** t
    for block in in_blocks(w, g, state["exp_avg"], state["exp_avg_sq"]):
        _nadam_block(xp, *block, h, bc2, grad_step, avg_step)


def nadam_momentum(h, t):
    """Dozat's momentum mu_t, which warms up towards beta1 over thousands of steps."""
    return h.betas[0] * (1.0 - 0.5 * 0.96 ** (t * h.momentum_decay))


def _nadam_block(xp, w, g, m, v, h, bc2, grad_step, avg_step):
    """One block of NAdam's elementwise update: two steps over one denominator, the
    gradient's and the average's, in PyTorch's order."""
    d = update_moments(xp, g, m, v, h.betas)  # its scratch array becomes the denominator
    xp.divide(v, bc2, out=d)
    xp.sqrt(d, out=d)
    d += h.eps
    step = xp.divide(g, d)
    step *= grad_step
    w += step
    xp.divide(m, d, out=step)
    step *= avg_step
    w += step
