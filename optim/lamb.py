"""LAMB: Adam's step rescaled per parameter by the ratio of the weights' norm to the step's
(You et al. 2019, "Large Batch Optimization for Deep Learning")."""
import math

from .adam import AdamFamily, as_betas, update_moments


class Lamb(AdamFamily):
    """LAMB as Keras computes it. With t the step count (from 1):

        m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2
        u = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
        r = ||p|| / ||u|| where both are > 0, else 1
        p <- p - lr r u

    weight_decay decays p first, p <- p (1 - lr weight_decay) (decoupled, as AdamW).
    """

    state_keys = frozenset({"step", "exp_avg", "exp_avg_sq"})
    elementwise_update = False  # the trust ratio takes norms over the whole parameter
    decoupled_weight_decay = True

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0,
                 *, maximize=False, foreach=None):
        defaults = dict(lr=lr, betas=as_betas(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    def _init_state(self, xp, w, group):
        return {"step": 0, "exp_avg": xp.zeros_like(w), "exp_avg_sq": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        state["step"] += 1
        lamb_update(xp, w, g, state, h, state["step"])


def lamb_update(xp, w, g, state, h, t):
    """LAMB's update of w in place at step t (its moments in `state`)."""
    beta1, beta2 = h.betas
    u = update_moments(xp, g, state["exp_avg"], state["exp_avg_sq"], h.betas)
    xp.divide(state["exp_avg_sq"], 1.0 - beta2 ** t, out=u)
    xp.sqrt(u, out=u)
    u += h.eps
    xp.divide(state["exp_avg"] / (1.0 - beta1 ** t), u, out=u)
    w_norm, u_norm = _norm(xp, w), _norm(xp, u)
    ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
    u *= ratio * h.lr
    w -= u


def _norm(xp, x):
    """The Euclidean norm of all of x, as a Python float."""
    return math.sqrt(float(xp.vdot(x.reshape(-1), x.reshape(-1))))
