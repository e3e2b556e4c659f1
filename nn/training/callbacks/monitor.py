"""The monitored value of EarlyStopping, ModelCheckpoint and ReduceLROnPlateau."""
import difflib
import math
from numbers import Real

from autograd.user_warnings import user_warning

# mode='auto': names of values that improve upwards, and of those that improve downwards
# (losses, errors); any other name is settled by the compiled metric object logged under
# it, as Keras 3 settles every name but 'loss'.
_MAXIMIZED = ("acc", "accuracy", "auc", "precision", "recall", "f1", "f1_score",
              "fbeta_score", "cosine_similarity", "at_recall", "at_precision",
              "at_specificity", "at_sensitivity")
_MINIMIZED = ("loss", "mse", "mae", "error", "huber", "crossentropy", "mape", "msle", "hinge",
              "poisson", "divergence", "kld", "log_cosh", "logcosh")


class Monitor:
    """A log key, its direction and the least change that counts as an improvement.

    mode 'min' or 'max', or 'auto': 'max' for names (with or without `val_`, in any case)
    ending in acc, accuracy, auc, precision, recall, f1, f1_score, fbeta_score,
    cosine_similarity or Keras' at_recall, at_precision, at_specificity, at_sensitivity
    ('val_AUC', 'categorical_accuracy', 'precision_at_recall'), 'min' for names ending in
    loss, mse, mae, error, huber, crossentropy or one of Keras' other losses (mape, msle,
    hinge, poisson, divergence, kld, log_cosh, logcosh); any other name (a metric of your
    own) takes the direction of the compiled metric object logged under it when training
    begins (settle): Keras' metric classes say theirs (AUC(), named 'auc_1' or 'auroc',
    improves upwards); otherwise mode='min' or 'max' is needed.
    """

    def __init__(self, monitor, mode="auto", min_delta=0.0, who="callback"):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.name, self.who = monitor, who
        self.mode = _named_mode(monitor) if mode == "auto" else mode  # (None: see settle)
        self.min_delta = abs(float(min_delta))
        self._warned = False

    def settle(self, model):
        """mode='auto' for a name that does not tell its direction: the direction of the
        compiled metric object `model` logs under it (Keras 3's rule), else a ValueError."""
        if self.mode is not None:
            return
        self.mode = _compiled_direction(self.name, model)
        if self.mode is None:
            names = [name for name, _ in _logged_metrics(model)]
            logged = (f": no metric object of the model's compile is logged under that name "
                      f"(its metrics: {', '.join(names)})" if names else "")
            known = [prefix + name for prefix in ("", "val_") for name in ["loss", *names]]
            raise ValueError(f"{self.who}: cannot tell whether {self.name!r} improves upwards "
                             f"or downwards{logged}{_did_you_mean(self.name, known)}; pass "
                             "mode='max' or mode='min'")

    @property
    def worst(self):
        """The starting "best" value: anything finite improves on it (None until the mode is
        settled)."""
        if self.mode is None:
            return None
        return math.inf if self.mode == "min" else -math.inf

    def improves(self, current, reference):
        """Whether `current` beats `reference` by more than min_delta (NaN never does)."""
        if self.mode is None:
            self.settle(None)  # (used outside fit, before any model: the mode is unknown)
        if reference is None:  # (a best set before the mode was settled)
            reference = self.worst
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def value(self, logs):
        """The monitored value in `logs` as a float, or None (with one warning) if absent."""
        value = (logs or {}).get(self.name)
        if value is None:
            if not self._warned:
                self._warned = True
                user_warning(f"{self.who}: the monitored value {self.name!r} is not in the "
                             f"logs (available: {', '.join(sorted(logs or {})) or 'none'})"
                             f"{_did_you_mean(self.name, logs or {})}; it is skipped",
                             RuntimeWarning)
            return None
        count = len(value) if isinstance(value, (list, tuple)) else math.prod(
            getattr(value, "shape", ()))
        if count != 1:
            raise ValueError(
                f"{self.who}: the monitored value {self.name!r} is not one number but "
                f"{count} (one per class: a metric such as F1Score() with average=None); "
                "monitor a single number: compile the metric with average='macro', 'micro' "
                "or 'weighted'")
        return float(value[0] if isinstance(value, (list, tuple)) else
                     value.item() if hasattr(value, "item") else value)


def _named_mode(monitor):
    """'max' or 'min' where the name tells (see Monitor), else None."""
    base = monitor.lower()
    if base.endswith(_MAXIMIZED):
        return "max"
    if base.endswith(_MINIMIZED):
        return "min"
    return None


def _compiled_direction(monitor, model):
    """'max' or 'min': the direction (Keras' `_direction`) of the compiled metric object
    logged as `monitor` (with or without 'val_'), else None."""
    base = monitor[4:] if monitor.startswith("val_") else monitor
    for name, metric in _logged_metrics(model):
        direction = getattr(getattr(metric, "keras_object", None), "_direction", None)
        if name == base and direction is not None:
            return "max" if direction == "up" else "min"
    return None


def _logged_metrics(model):
    """(name in the logs, compiled metric) of a compiled model's metrics; none without one."""
    compiled = getattr(model, "compiled_loss", None)
    if hasattr(compiled, "logged_metrics"):  # (several outputs: prefixed by their names)
        return compiled.logged_metrics()
    return [(metric.name, metric) for metric in getattr(model, "compiled_metrics", None) or ()]


def _did_you_mean(name, known):
    """' (did you mean 'val_loss'?)' for a near miss among `known`, else ''."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def checked_patience(value, who):
    """Keras' patience: a number of epochs >= 0, compared as given (2.7 waits 3 epochs)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
        raise ValueError(f"{who}: patience must be a number of epochs >= 0, got {value!r}")
    return int(value) if value == int(value) else float(value)


__all__ = ["Monitor", "checked_patience"]
