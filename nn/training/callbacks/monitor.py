"""The monitored value of EarlyStopping, ModelCheckpoint and ReduceLROnPlateau."""
import difflib
import math
import warnings
from numbers import Real

# mode='auto': names of values that improve upwards, and of those that improve downwards
# (losses, errors); any other name needs its mode given (Keras raises there too).
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
    own, or a metric object named otherwise) needs mode='min' or 'max'.
    """

    def __init__(self, monitor, mode="auto", min_delta=0.0, who="callback"):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.name, self.who = monitor, who
        self.mode = _auto_mode(monitor, who) if mode == "auto" else mode
        self.min_delta = abs(float(min_delta))
        self._warned = False

    @property
    def worst(self):
        """The starting "best" value: anything finite improves on it."""
        return math.inf if self.mode == "min" else -math.inf

    def improves(self, current, reference):
        """Whether `current` beats `reference` by more than min_delta (NaN never does)."""
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def value(self, logs):
        """The monitored value in `logs` as a float, or None (with one warning) if absent."""
        value = (logs or {}).get(self.name)
        if value is None:
            if not self._warned:
                self._warned = True
                warnings.warn(f"{self.who}: the monitored value {self.name!r} is not in the "
                              f"logs (available: {', '.join(sorted(logs or {})) or 'none'})"
                              f"{_did_you_mean(self.name, logs or {})}; it is skipped",
                              RuntimeWarning, stacklevel=3)
            return None
        return float(value)


def _auto_mode(monitor, who):
    base = monitor.lower()
    if base.endswith(_MAXIMIZED):
        return "max"
    if base.endswith(_MINIMIZED):
        return "min"
    raise ValueError(f"{who}: cannot tell whether {monitor!r} improves upwards or downwards"
                     f"{_did_you_mean(monitor, _COMMON)}; pass mode='max' or mode='min'")


_COMMON = [prefix + name for prefix in ("", "val_") for name in ("loss", "accuracy", "auc",
                                                               "precision", "recall", "mae")]


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
