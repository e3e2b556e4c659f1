"""A metric's state: Keras' non-trainable Variable, here a NumPy array assigned in place.

`assign`, `assign_add` and `assign_sub` write into it (Keras' `var.assign(var + x)` works as
written); arithmetic, indexing and NumPy functions read it as its array, so a metric of
one's own may write `np.sum(values)` where Keras code writes `ops.sum(values)`.
`aggregation` ('sum', 'mean', 'none', 'only_first_replica': Keras') says how a fit on
several ranks combines the ranks' states at the end of an epoch.
"""
import numpy as np

from autograd.backend import to_cpu

AGGREGATIONS = ("sum", "mean", "none", "only_first_replica")


def plain(value):
    """The array in `value`: a MetricVariable's, else as to_cpu gives it (an autograd
    Variable's array, a CuPy array on the host, a list as an array)."""
    if isinstance(value, MetricVariable):
        return value.value
    return to_cpu(value)


class MetricVariable:
    """A named array of fixed shape and dtype (see the module doc)."""

    def __init__(self, value, name=None, aggregation="sum"):
        if aggregation not in AGGREGATIONS:
            raise ValueError(f"add_variable: aggregation must be one of "
                             f"{', '.join(AGGREGATIONS)}, got {aggregation!r}")
        self._value = np.array(value)  # (a copy: the state is the metric's own)
        self.name, self.aggregation = name, aggregation

    @property
    def value(self):
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    def numpy(self):
        return self._value.copy()

    def assign(self, value):
        value = np.asarray(plain(value))
        if value.shape not in ((), self.shape):
            raise ValueError(f"variable {self.name!r}: cannot assign a value of shape "
                             f"{value.shape} to a variable of shape {self.shape}")
        self._value[...] = value  # in place, cast to the variable's dtype (Keras casts too)
        return self

    def assign_add(self, value):
        return self.assign(self._value + plain(value))

    def assign_sub(self, value):
        return self.assign(self._value - plain(value))

    def __array__(self, dtype=None, copy=None):  # (np.array(v) copies: the state is the metric's)
        return np.array(self._value, dtype=dtype, copy=copy)

    def __getitem__(self, index):
        return self._value[index]

    def __len__(self):
        return len(self._value)

    def __float__(self):
        return float(self._value)

    def __repr__(self):
        return f"<MetricVariable {self.name} shape={self.shape} dtype={self.dtype}>"


def _read_as_array(op):
    def method(self, *args):
        return getattr(self._value, op)(*(plain(a) for a in args))
    method.__name__ = op
    return method


for _op in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
            "pow", "rpow", "neg", "abs", "lt", "le", "gt", "ge", "eq", "ne"):
    setattr(MetricVariable, f"__{_op}__", _read_as_array(f"__{_op}__"))
MetricVariable.__hash__ = object.__hash__  # (__eq__ compares values; a variable is one object)

__all__ = ["MetricVariable", "AGGREGATIONS", "plain"]
