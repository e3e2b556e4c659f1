"""accuracy(y, t): the share of correct class predictions, as a Variable (DeZero's F.accuracy)."""
from autograd.backend import get_array_module
from autograd.variable import Variable, as_variable, wrap


def accuracy(y, t):
    """Mean of argmax(y, axis=1) == t, as a 0-d Variable that requires no gradient.

    y: scores (N, C) (logits or probabilities; classes on axis 1, as cross_entropy reads
    them, so (N, C, d1, ...) with t (N, d1, ...) works too); t: integer labels (N,).
    Accuracy has no useful gradient (it is a step function), so nothing is recorded. The
    value has y's float dtype. `nn.metrics.accuracy(y_true, y_pred)` is the scikit-learn
    style metric on arrays: note its reversed argument order.
    """
    scores, labels = _raw(y, "y"), _raw(t, "t")
    if scores.ndim < 2 or labels.shape != scores.shape[:1] + scores.shape[2:]:
        raise ValueError(f"accuracy: expected scores y (N, C, ...) and labels t (N, ...) with "
                         f"the class axis removed, got shapes {tuple(scores.shape)} and "
                         f"{tuple(labels.shape)}")
    if labels.dtype.kind not in "iub":
        raise TypeError(f"accuracy: t must hold integer class labels, got dtype {labels.dtype}")
    xp = get_array_module(scores)
    dtype = scores.dtype if scores.dtype.kind == "f" else xp.dtype("float64")
    hits = scores.argmax(axis=1) == labels
    return wrap(xp.asarray(hits.mean(), dtype=dtype), False)


def _raw(x, name):
    return (x if isinstance(x, Variable) else as_variable(x, who=f"accuracy ({name})")).data


__all__ = ["accuracy"]
