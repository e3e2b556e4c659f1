"""Keras' Metric: state variables updated batch by batch, a result read from them.

    class BinaryTruePositives(keras.metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), initializer="zeros",
                                                    name="true_positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = np.logical_and(np.asarray(y_true, bool), np.asarray(y_pred, bool))
            if sample_weight is not None:
                hits = hits * np.asarray(sample_weight)
            self.true_positives.assign_add(np.sum(hits))

        def result(self):
            return self.true_positives.value

The state lives in MetricVariables (NumPy arrays, see .variable), so `update_state` is
written with NumPy where Keras code uses `keras.ops`. Results are NumPy values: a scalar of
the metric's dtype (Keras' float32 by default) or an array.
"""
import numpy as np

from autograd.capture import replay_own_methods, replayed

from ... import initializers
from ...layers.keras_name import snake_case
from ...training.same_rank import same_rank
from .variable import MetricVariable, plain


class Metric:
    """Keras' base metric (see the module doc): subclasses make their state with
    add_variable in __init__ and write update_state and result."""

    _direction = None  # Keras': "up" or "down", how the result improves (None: unsaid)

    def __init_subclass__(cls, **kwargs):
        """A subclass's update_state and reset_state are replayable calls: a captured step
        (autograd.capture) repeats them with each call's values, as an optimizer's step."""
        super().__init_subclass__(**kwargs)
        replay_own_methods(cls, "update_state", "reset_state")

    def __init__(self, dtype=None, name=None):
        self.name = name or snake_case(type(self).__name__)
        self._auto_named = not name  # (compile numbers such names where they repeat)
        self._dtype = np.dtype(dtype or "float32").name
        self._variables = []

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """A new state variable (a MetricVariable) of `shape`, drawn by `initializer`
        (nn.initializers' names and objects); reset_state sets it to zeros."""
        self._check_super_called()
        dtype = np.dtype(dtype or self._dtype)
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        value = initializers.get(initializer or "zeros", "initializer",
                                 type(self).__name__)(shape, dtype)
        variable = MetricVariable(np.asarray(value, dtype), name, aggregation)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables, those of metrics held as attributes included (Keras')."""
        found = list(self._variables)
        for value in vars(self).values():
            if isinstance(value, Metric):
                found.extend(value.variables)
        return found

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}: a Metric writes update_state(y_true, "
                                  "y_pred, sample_weight=None)")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__}: a Metric writes result()")

    @replayed
    def reset_state(self):
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, variable.dtype))

    def __call__(self, *args, **kwargs):
        """update_state, then the result so far (Keras')."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _check_super_called(self):
        if "_variables" not in vars(self):
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() in __init__ "
                               "before adding variables or updating")

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def as_array(value, dtype=None):
    """`value` (a list, an array, an autograd Variable, a MetricVariable) as a NumPy array."""
    return np.asarray(plain(value), dtype=dtype)


def check_pair(metric, y_true, y_pred, sample_weight=None):
    """A ValueError naming the metric and the shapes where the targets do not pair with the
    predictions value for value, shape for shape (after Keras' rank adjustment: (N,) against
    (N, 1) is fine; a 0-d side is one value for all), or the weights are not one per
    sample."""
    t, p = same_rank(y_true, y_pred)
    # equal shapes, not broadcastable ones: labels (N,) against (N, N) scores, or (N, 1)
    # against (N, C), would broadcast into counts of pairs that mean nothing
    paired = t.shape == p.shape or min(t.ndim, p.ndim) == 0
    if not paired or not weights_fit(sample_weight, p):
        raise shape_error(metric, y_true, y_pred, sample_weight)


def weights_fit(sample_weight, y_pred):
    """Whether `sample_weight` is one number, or holds one weight per sample first."""
    return sample_weight is None or np.ndim(sample_weight) == 0 or (
        y_pred.ndim > 0 and np.shape(sample_weight)[0] == y_pred.shape[0])


def check_classes(metric, y_pred, classes, what="classes"):
    """A ValueError naming the metric where y_pred's last axis is not the `classes` its
    state counts one by one (set by its first batch, or by its arguments)."""
    if y_pred.ndim == 0 or y_pred.shape[-1] != classes:
        raise ValueError(f"{type(metric).__name__} ({metric.name!r}): y_pred of shape "
                         f"{y_pred.shape} does not have the {classes} {what} this metric "
                         "counts (from its first batch, or its arguments); make a new "
                         f"metric for another number of {what}")


def shape_error(metric, y_true, y_pred, sample_weight=None, expected=""):
    weights = "" if sample_weight is None else \
        f" and sample_weight of shape {np.shape(sample_weight)}"
    return ValueError(f"{type(metric).__name__} ({metric.name!r}): y_true of shape "
                      f"{np.shape(y_true)} does not fit y_pred of shape {np.shape(y_pred)}"
                      f"{weights}{expected}")


__all__ = ["Metric", "as_array", "same_rank", "check_pair", "check_classes", "weights_fit",
           "shape_error"]
