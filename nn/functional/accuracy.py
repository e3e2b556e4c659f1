"""accuracy(y, t): the share of correct class predictions, as a Variable (DeZero's F.accuracy)."""
import numpy as np

from autograd.backend import get_array_module
from autograd.config import no_grad
from autograd.function import Function
from autograd.spec import Spec
from autograd.variable import Variable, as_variable


class Accuracy(Function):
    """a = mean(argmax(y, axis=1) == t), in float64: no gradient (a step function).
    An op, so that a captured step (autograd.capture) scores each call's batch."""

    input_specs = (Spec(shape=("N", "C"), distinct=True),
                   Spec("int", shape=("N",), elements=(0, "C")))
    reference = staticmethod(lambda y, t: np.asarray(
        np.nan if np.isnan(y).any() else (y.argmax(axis=1) == t).mean(), np.float64))
    gradcheck_order = 0  # forward only: there is no derivative to check

    def forward(self, scores, labels):
        xp = get_array_module(scores)
        if xp is np:  # (a GPU's labels are not read back: that would wait for the device)
            _check_range(labels, scores.shape[1])
        value = (scores.argmax(axis=1) == labels).mean()
        # argmax reads a NaN score (a diverged model's) as its class: a plausible share of
        # right answers; NaN instead, as the loss and compile's metrics give (chosen on the
        # device: no sync, and a captured step replays it)
        return xp.asarray(xp.where(xp.isnan(scores).any(), xp.nan, value), dtype=xp.float64)

    def backward(self, gy):
        return None, None


def accuracy(y, t):
    """Mean of argmax(y, axis=1) == t, as a 0-d Variable that requires no gradient.

    y: scores (N, C) (logits or probabilities; classes on axis 1, as cross_entropy reads
    them, so (N, C, d1, ...) with t (N, d1, ...) works too); t: integer labels (N,).
    Accuracy has no useful gradient (it is a step function), so nothing is recorded. The
    value is float64 whatever y's dtype (DeZero's), so acc * N counts the right answers
    exactly; NaN where a score is NaN (a diverged model), which argmax would read as a
    class. `nn.metrics.accuracy(y_true, y_pred)` is the scikit-learn
    style metric on arrays: note its reversed argument order.
    """
    scores, labels = _variable(y, "y"), _variable(t, "t")
    if scores.ndim < 2 or labels.shape != scores.shape[:1] + scores.shape[2:]:
        raise ValueError(f"accuracy: expected scores y (N, C, ...) and labels t (N, ...) with "
                         f"the class axis removed, got shapes {tuple(scores.shape)} and "
                         f"{tuple(labels.shape)}")
    if labels.dtype.kind not in "iub":
        raise TypeError(f"accuracy: t must hold integer class labels, got dtype {labels.dtype}")
    with no_grad():
        return Accuracy()(scores, labels)


def _check_range(labels, classes):
    """Labels outside 0..classes-1 never equal an argmax: scored as wrong answers, silently."""
    outside = labels[(labels < 0) | (labels >= classes)]
    if outside.size:
        raise ValueError(f"accuracy: labels t must be classes 0..{classes - 1} (y scores "
                         f"{classes}), got {np.unique(outside)[:6].tolist()}")


def _variable(x, name):
    return x if isinstance(x, Variable) else as_variable(x, who=f"accuracy ({name})")


__all__ = ["accuracy"]
