"""Lion: the sign of an interpolated momentum as the step."""
from autograd.blocks import in_blocks

from .adam import as_betas, check_betas
from .optimizer import Optimizer


class Lion(Optimizer):
    """Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as the
    lion-pytorch package and Keras write it:

        u = sign(beta1 * m + (1 - beta1) * g)
        p <- p - lr * u
        m <- beta2 * m + (1 - beta2) * g

    weight_decay decays p first, p <- p (1 - lr * weight_decay) (decoupled, as AdamW). Its
    steps are lr in size on every entry: take lr 3-10x smaller than Adam's.
    """

    state_keys = frozenset({"exp_avg"})

    elementwise_update = True  # a small group may be updated as one (optim/foreach.py)
    decoupled_weight_decay = True

    def __init__(self, params=None, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *,
                 maximize=False, foreach=None):
        defaults = dict(lr=lr, betas=as_betas(betas), weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        check_betas(hyper["betas"], self._who)

    def _init_state(self, xp, w, group):
        return {"exp_avg": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        beta1, beta2 = h.betas
        for w_block, g_block, m in in_blocks(w, g, state["exp_avg"]):
            u = m * beta1
            u += (1.0 - beta1) * g_block
            xp.sign(u, out=u)
            u *= h.lr
            w_block -= u
            m *= beta2
            m += (1.0 - beta2) * g_block
