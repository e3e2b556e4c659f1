"""Keras' losses, one value per sample: msle, mape, the hinges, poisson, KL divergence on
probabilities, log-cosh and cosine similarity, as Keras 3 defines them.

Each reduces over the LAST axis (a mean of per-element losses, or a sum where Keras' loss is
one, such as the KL divergence), giving one loss per sample (shape input.shape[:-1]); then
`reduction` 'mean' averages those (Keras' "sum_over_batch_size"), 'sum' adds them, 'none'
returns them. Keras' epsilon is 1e-7. The arguments come in PyTorch's order, the prediction
first: `F.msle_loss(input, target)` is Keras' `mean_squared_logarithmic_error(y_true,
y_pred)`. input and target must have the same shape (no broadcasting; compile(loss=...)
aligns an (N,) target with an (N, 1) output as Keras does). All are composed of
differentiable ops, so their gradients are differentiable too.
"""
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import clip, log, log1p, sqrt
from autograd.ops import max as reduce_max
from autograd.ops import sum as reduce_sum
from autograd.spec import Spec

from ._reduction import check_reduction, reduce_loss
from .activation import relu, softplus
from .loss import _prepare

EPSILON = 1e-7  # keras.backend.epsilon()
_LOG_2 = math.log(2.0)


def msle_loss(input, target, reduction="mean"):  # noqa: A002 (PyTorch's name)
    """Keras' mean_squared_logarithmic_error: mean((log(1 + max(input, eps)) -
    log(1 + max(target, eps)))^2) over the last axis (values below eps count as eps)."""
    x, t = _pair(input, target, reduction, "msle_loss")
    d = log1p(clip(x, EPSILON, None)) - log1p(clip(t, EPSILON, None))
    return reduce_loss((d * d).mean(axis=-1), reduction)


def mape_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' mean_absolute_percentage_error: 100 mean(|target - input| / max(|target|,
    eps)) over the last axis."""
    x, t = _pair(input, target, reduction, "mape_loss")
    ratio = abs(t - x) / clip(abs(t), EPSILON, None)
    return reduce_loss(ratio.mean(axis=-1) * 100.0, reduction)


def hinge_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' hinge: mean(max(1 - target input, 0)) over the last axis; targets of 0 and 1
    only (the whole target array: Keras' test) are read as -1 and +1."""
    x, t = _pair(input, target, reduction, "hinge_loss")
    return reduce_loss(relu(1.0 - HingeLabels()(t) * x).mean(axis=-1), reduction)


def squared_hinge_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' squared_hinge: mean(max(1 - target input, 0)^2) over the last axis, 0/1
    targets read as -1/+1 as for hinge_loss."""
    x, t = _pair(input, target, reduction, "squared_hinge_loss")
    margin = relu(1.0 - HingeLabels()(t) * x)
    return reduce_loss((margin * margin).mean(axis=-1), reduction)


def categorical_hinge_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' categorical_hinge: max(0, 1 + max((1 - target) input) - sum(target input))
    over the last axis (one-hot, or -1/+1, target rows)."""
    x, t = _pair(input, target, reduction, "categorical_hinge_loss")
    right = reduce_sum(t * x, axis=-1)
    wrong = reduce_max((1.0 - t) * x, axis=-1)
    return reduce_loss(relu(wrong - right + 1.0), reduction)


def poisson_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' poisson: mean(input - target log(input + eps)) over the last axis, input the
    predicted rate (PyTorch's poisson_nll_loss(log_input=False) up to its eps, per sample)."""
    x, t = _pair(input, target, reduction, "poisson_loss")
    return reduce_loss((x - t * log(x + EPSILON)).mean(axis=-1), reduction)


def kl_divergence_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' kl_divergence, of probabilities (not log-probabilities, as F.kl_div takes):
    sum(target log(target / input)) over the last axis, both clipped to [eps, 1] first."""
    x, t = _pair(input, target, reduction, "kl_divergence_loss")
    p, q = clip(t, EPSILON, 1), clip(x, EPSILON, 1)
    return reduce_loss(reduce_sum(p * log(p / q), axis=-1), reduction)


def log_cosh_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' log_cosh: mean(log(cosh(input - target))) over the last axis, computed as
    d + softplus(-2 d) - log 2 (no overflow for large errors)."""
    x, t = _pair(input, target, reduction, "log_cosh_loss")
    d = x - t
    log_cosh = d + softplus(d * -2.0, threshold=math.inf) - _LOG_2
    return reduce_loss(log_cosh.mean(axis=-1), reduction)


def cosine_similarity_loss(input, target, reduction="mean"):  # noqa: A002
    """Keras' cosine_similarity loss: -sum(l2_normalize(target) l2_normalize(input)) over
    the last axis, in [-1, 1] (-1: the same direction); a zero vector gives 0, with a finite
    gradient (the squared norm is kept at eps^2 or above, as Keras' normalize does)."""
    x, t = _pair(input, target, reduction, "cosine_similarity_loss")
    return reduce_loss(-reduce_sum(_unit_rows(t) * _unit_rows(x), axis=-1), reduction)


class HingeLabels(Function):
    """t -> 2 t - 1 when every value of t is 0 or 1 (0/1 labels as -1/+1), else t itself
    (Keras' test, over the whole array); an op, so that a captured step tests each batch.
    dy/dt = 2 or 1 accordingly."""

    # off the integers: a 0/1 array is converted, and a numerical step would undo that
    # (the conversion's slope of 2 is tested apart)
    input_specs = (Spec(grid=(0.1, 0.05)),)
    reference = staticmethod(lambda t: 2 * t - 1 if np.isin(t, (0, 1)).all() else t)

    def forward(self, t):
        xp = get_array_module(t)
        self.scale = 2.0 if bool(((t == 0) | (t == 1)).all()) else 1.0
        return t * 2 - 1 if self.scale == 2.0 else xp.array(t, copy=True)

    def backward(self, gy):
        return gy * self.scale if self.scale != 1.0 else gy


def _pair(input, target, reduction, who):
    """input and target as Variables of one shape and input's float dtype, with an axis to
    reduce over; the reduction checked."""
    check_reduction(reduction, who)
    x, t = _prepare(input, target, who)
    if x.ndim == 0:
        raise ValueError(f"{who}: input of shape () has no last axis to give one loss per "
                         "sample; give (N, K) (or (K,) for one sample)")
    return x, t


def _unit_rows(v):
    """v / sqrt(max(sum(v^2), eps^2)) over the last axis (Keras' l2 normalize)."""
    return v / sqrt(clip(reduce_sum(v * v, axis=-1, keepdims=True), EPSILON * EPSILON, None))


__all__ = ["msle_loss", "mape_loss", "hinge_loss", "squared_hinge_loss",
           "categorical_hinge_loss", "poisson_loss", "kl_divergence_loss", "log_cosh_loss",
           "cosine_similarity_loss", "HingeLabels"]
