"""Adam and AdamW: bias-corrected moment estimates of the gradient."""
import math

from autograd.blocks import in_blocks
from autograd.cuda_kernels import adam_step_, fused

from .lerp import lerp_
from .optimizer import Optimizer, check_nonnegative, check_unit_interval, pytorch_flags
from .scaled_square import scaled_square


class AdamFamily(Optimizer):
    """What Adam and its variants (NAdam, RAdam, Adamax) share: an elementwise rule, and
    PyTorch's checks of betas and eps."""

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)

    def _validate(self, hyper):
        super()._validate(hyper)
        check_betas(hyper["betas"], self._who)
        check_nonnegative(hyper["eps"], "eps", self._who)


def check_betas(betas, who):
    """PyTorch's check of a pair of decay rates (beta1, beta2), each in [0, 1)."""
    if not hasattr(betas, "__len__") or len(betas) != 2:  # (0.9 alone, None)
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
    check_unit_interval(betas[0], "beta1 (betas[0])", who)
    check_unit_interval(betas[1], "beta2 (betas[1])", who)


def as_betas(betas):
    """The constructors' betas as a tuple; what is no sequence stays as given, for
    AdamFamily._validate to refuse with the optimizer's name."""
    return tuple(betas) if hasattr(betas, "__len__") else betas


class DecoupledDecayOption:
    """For an optimizer taking PyTorch's `decoupled_weight_decay` as a hyperparameter
    (Adam, NAdam, RAdam; AdamW sets it): set in a group, its weight decay
    shrinks the weights (`p <- p * (1 - lr * weight_decay)`) and the update sees the plain
    gradient."""

    def _prepare_grad(self, w, g, h):
        # (a group saved without the key, by an older version: the class's choice)
        if not (h.get("decoupled_weight_decay", self.decoupled_weight_decay)
                and h.weight_decay):
            return super()._prepare_grad(w, g, h)
        w *= 1.0 - h.lr * h.weight_decay
        if g.dtype != w.dtype:
            g = g.astype(w.dtype)
        return -g if h.maximize else g


class Adam(DecoupledDecayOption, AdamFamily):
    """PyTorch's Adam (Kingma & Ba), with the AMSGrad variant.

    With `g = grad + weight_decay * p` (L2 penalty; with decoupled_weight_decay, as AdamW,
    `p` decays instead) and t the step count (from 1):

        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        vmax <- max(vmax, v);  v_used = vmax if amsgrad else v
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v_used) / sqrt(1 - beta2^t) + eps)

    >>> import numpy as np
    >>> import optim
    >>> from autograd import Parameter
    >>> p = Parameter(np.array([0.0]))
    >>> opt = optim.Adam([p], lr=0.1)
    >>> for _ in range(300):                  # minimize (p - 3)^2
    ...     opt.zero_grad()
    ...     ((p - 3.0) ** 2).sum().backward()
    ...     opt.step()
    >>> p.data.round(3)
    array([3.])
    """

    state_keys = frozenset({"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"})

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0.0, amsgrad=False, *, maximize=False, foreach=None,
                 capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=None):
        decoupled = self.decoupled_weight_decay if decoupled_weight_decay is None \
            else bool(decoupled_weight_decay)
        defaults = dict(lr=lr, betas=as_betas(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        decoupled_weight_decay=decoupled,
                        **pytorch_flags(self._who, differentiable,
                                        capturable=capturable, fused=fused))
        super().__init__(params, defaults)

    def _init_state(self, xp, w, group):
        state = {"step": 0, "exp_avg": xp.zeros_like(w), "exp_avg_sq": xp.zeros_like(w)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = xp.zeros_like(w)
        return state

    def _update(self, xp, w, g, state, h):
        t = state["step"] = state["step"] + 1
        # Bias corrections as Python floats: they must not promote float32 arrays.
        step_size = h.lr / (1.0 - h.betas[0] ** t)
        bc2_sqrt = math.sqrt(1.0 - h.betas[1] ** t)
        vmax = state["max_exp_avg_sq"] if h.amsgrad else None
        if vmax is None and fused(w):  # a GPU array: one kernel (autograd/cuda_kernels.py)
            adam_step_(w, g, state["exp_avg"], state["exp_avg_sq"], h.betas, step_size,
                       bc2_sqrt, h.eps)
            return
        for block in in_blocks(w, g, state["exp_avg"], state["exp_avg_sq"], vmax):
            adam_block(xp, *block, h, step_size, bc2_sqrt)


def update_first_moment(xp, g, m, beta1):
    """m <- beta1 * m + (1 - beta1) * g in place (as PyTorch's m.lerp_(g, 1 - beta1));
    returns the scratch array it used, free for the caller's use."""
    return lerp_(xp, m, g, 1.0 - beta1)


def update_moments(xp, g, m, v, betas):
    """Adam's running moments in place: m as update_first_moment, v <- beta2 * v +
    (1 - beta2) * g^2; returns a free scratch array shaped as g."""
    tmp = update_first_moment(xp, g, m, betas[0])
    scaled_square(xp, g, 1.0 - betas[1], out=tmp)
    v *= betas[1]
    v += tmp
    return tmp


def adam_block(xp, w, g, m, v, vmax, h, step_size, bc2_sqrt):
    """One block of Adam's elementwise update (vmax: None without AMSGrad)."""
    tmp = update_moments(xp, g, m, v, h.betas)  # the one scratch array, reused through out=
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    xp.sqrt(v, out=tmp)
    tmp /= bc2_sqrt
    tmp += h.eps
    xp.divide(m, tmp, out=tmp)
    tmp *= step_size
    w -= tmp


class AdamW(Adam):
    """PyTorch's AdamW (Loshchilov & Hutter): Adam with decoupled weight decay.

    Before the Adam step (which then sees the plain gradient):

        p <- p * (1 - lr * weight_decay)
    """

    decoupled_weight_decay = True  # (also what a group saved without the key takes)

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=1e-2, amsgrad=False, *, maximize=False, foreach=None,
                 capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                         capturable=capturable, differentiable=differentiable, fused=fused)
