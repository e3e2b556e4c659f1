"""Keras' ScheduleFreeAdamW (Defazio et al. 2024, "The Road Less Scheduled"): no learning
rate schedule, an average of the iterates instead."""
import optim
from optim.adam import check_betas
from optim.optimizer import check_nonnegative

from . import KerasOptimizer, _Hyper


class ScheduleFreeAdamW(KerasOptimizer, optim.Optimizer):
    """Keras 3.15's ScheduleFreeAdamW: at update t (from 1), with lr_t = lr min(t /
    warmup_steps, 1) (lr when warmup_steps is 0), the weight w = y, the state's z
    ("momentum", starting at the weight) and v ("velocity"):

        x = (y - (1 - beta_1) z) / beta_1          (the average the weight leans on)
        v <- v + (g^2 - v)(1 - beta_2)
        z <- z - lr_t g / (sqrt(v / (1 - beta_2^t)) + epsilon)
        x <- x + (z - x) / t
        y <- (1 - beta_1) z + beta_1 x

    This is the rule Keras writes and its JAX backend computes; on its torch and TensorFlow
    backends `momentum.value`, read for the z of the first line, is the variable itself,
    updated by the time it is used, so beta_1 cancels out there (y becomes the running mean
    of the z's). rungrad keeps beta_1's meaning: its tests hold Keras' values with that
    read made a copy. The weights hold y throughout: Keras swaps nothing for evaluation.
    weight_decay, if given, decays y first (y <- y (1 - lr wd), lr not warmed up).
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "warmup_steps")

    beta_1, beta_2, epsilon = _Hyper("betas", 0), _Hyper("betas", 1), _Hyper("eps")
    warmup_steps = _Hyper("warmup_steps")

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, **options):
        decay = self._keras_options(**options)
        super().__init__(None, dict(lr=self._initial_rate(learning_rate), weight_decay=decay,
                                    betas=(beta_1, beta_2), eps=epsilon,
                                    warmup_steps=warmup_steps))

    def _validate(self, hyper):
        super()._validate(hyper)
        check_betas(hyper["betas"], self._who)
        check_nonnegative(hyper["eps"], "epsilon", self._who)
        check_nonnegative(hyper["warmup_steps"], "warmup_steps", self._who)

    # Keras' variables (builtin_variables.py)
    keras_variable_kinds = [("momentum", "velocity")]
    keras_variable_names = {"momentum": "momentum", "velocity": "velocity"}

    def _init_state(self, xp, w, group):
        return {"momentum": w.copy(), "velocity": xp.zeros_like(w)}

    def _update(self, xp, w, g, state, h):
        t = self._keras_step()
        lr = h.lr * min(t / h.warmup_steps, 1.0) if h.warmup_steps > 0 else h.lr
        beta_1, beta_2 = h.betas
        z, v = state["momentum"], state["velocity"]
        x = _average(xp, w, z, beta_1)
        tmp = g * g
        tmp -= v
        tmp *= 1.0 - beta_2
        v += tmp
        xp.divide(v, 1.0 - beta_2 ** t, out=tmp)
        xp.sqrt(tmp, out=tmp)
        tmp += h.eps
        xp.divide(g, tmp, out=tmp)
        tmp *= lr
        z -= tmp
        if x is None:  # (beta_1 0: the weight is z itself)
            w[...] = z
            return
        xp.subtract(z, x, out=tmp)
        tmp *= 1.0 / t
        x += tmp
        xp.multiply(z, 1.0 - beta_1, out=w)
        x *= beta_1
        w += x


def _average(xp, y, z, beta_1):
    """x = (y - (1 - beta_1) z) / beta_1, a new array; None for beta_1 0 (y is z)."""
    if beta_1 == 0:
        return None
    x = z * (beta_1 - 1.0)
    x += y
    x *= 1.0 / beta_1
    return x

__all__ = ["ScheduleFreeAdamW"]
