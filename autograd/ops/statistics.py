"""Spread statistics: var and std (NumPy's, with ddof or NumPy 2's and PyTorch's correction)."""

import numpy as np

from ..backend import get_array_module, silently
from ..function import Function
from ..spec import Axes, Choice, Spec
from ..user_warnings import user_warning
from ..variable import as_variable
from .accumulation import accumulator
from .arithmetic import _zero_at
from .reduction import _count, _expand_back, mean
from .validation import float_input, normalize_axes, real_scalar


class Var(Function):
    """y = sum (x - mean x)^2 / (N - ddof) over `axes`;  dy/dx = 2 (x - mean x) / (N - ddof)"""

    input_specs = (Spec(),)
    # ddof below 1: a 1-element reduction keeps a finite variance
    arg_specs = {"axis": Axes(of=0), "ddof": Choice(0, 0.5), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, ddof, keepdims: var(x, axis, ddof, keepdims))
    reference = staticmethod(lambda x, axis, ddof, keepdims: np.var(x, axis, ddof=ddof,
                                                                   keepdims=keepdims))


    def __init__(self, axes, ddof, keepdims):
        self.axes, self.ddof, self.keepdims = axes, ddof, keepdims

    def forward(self, x):
        return _rounded(self._wide_variance(x), x.dtype)

    def _wide_variance(self, x):
        """The variance, float16's in float32 (rounded by the caller, after any square
        root: a std of 300 has a variance of 90,000, past float16's 65,504)."""
        dof = _count(x.shape, self.axes) - self.ddof
        if dof <= 0:  # inf or nan, with one warning (PyTorch's and NumPy's), naming the op
            user_warning(f"{self.name}: degrees of freedom N - ddof = {dof:g} <= 0 (input "
                         f"shape {x.shape}, axes {self.axes}, ddof {self.ddof:g}): the result "
                         f"is inf or nan", RuntimeWarning)
        # float16 accumulated in float32, as PyTorch's CPU does: its squares summed past
        # 65504 gave inf (std 2 of 70,000 values: inf, and a 0 gradient)
        wide = accumulator(x.dtype)
        return silently(lambda: x.var(axis=self.axes, ddof=self.ddof, keepdims=self.keepdims,
                                      dtype=wide))

    def backward(self, gy):
        return self.var_grad(gy)

    def var_grad(self, gy):
        """dvar/dx times gy (gy shaped as var's output)."""
        x = self.inputs[0]
        dof = _count(x.shape, self.axes) - self.ddof
        if dof <= 0:  # 2 / 0 = inf times x - mean = 0: nan (PyTorch's), already warned of
            return silently(lambda: self._var_grad(gy, x, float("inf")))
        return self._var_grad(gy, x, 2.0 / dof)

    def _var_grad(self, gy, x, scale):
        centered = x - mean(x, self.axes, keepdims=True)
        return _expand_back(gy, x.shape, self.axes) * centered * scale


class Std(Var):
    """y = sqrt(var x) over `axes`;  dy/dx = (x - mean x) / ((N - ddof) y), 0 where y = 0
    (PyTorch's)"""

    # a spread of 0.5 or more: near-equal values make its curvature (1/std) too large for
    # float32's second derivative ([-2, -1.9]: roundoff 2e-5 against an exact 0)
    input_specs = (Spec(distinct=0.5),)
    apply = staticmethod(lambda x, axis, ddof, keepdims: std(x, axis, ddof, keepdims))
    reference = staticmethod(lambda x, axis, ddof, keepdims: np.std(x, axis, ddof=ddof,
                                                                   keepdims=keepdims))

    def forward(self, x):
        return _rounded(get_array_module(x).sqrt(self._wide_variance(x)), x.dtype)

    def backward(self, gy):
        y = self.outputs[0]()
        g_var = _zero_at(y.data == 0, gy.dtype, lambda shift: gy / (
            2 * (y if shift is None else y + shift)))
        return self.var_grad(g_var)


def _rounded(y, dtype):
    """y (float32 for a float16 x) in x's dtype; past float16's range inf, quietly (as
    PyTorch's)."""
    if y.dtype == dtype:
        return y
    with np.errstate(over="ignore"):
        return y.astype(dtype)


def var(x, axis=None, ddof=0, keepdims=False, *, correction=None, **torch_style):
    """NumPy's var (the mean squared deviation, divided by N - ddof); `correction` is the
    same as ddof (NumPy 2's and PyTorch's name). With PyTorch's dim=, keepdim= or
    unbiased=, PyTorch's, as x.var(dim=...) (divided by N - 1 unless told)."""
    if torch_style:
        return as_variable(x, who="var").var(axis, ddof, keepdims, correction=correction,
                                             **torch_style)
    return _spread(Var, x, axis, ddof, keepdims, correction, "var")


def std(x, axis=None, ddof=0, keepdims=False, *, correction=None, **torch_style):
    """NumPy's std: sqrt(var); its gradient is 0 where it is 0 (PyTorch's); PyTorch's
    keywords as var's."""
    if torch_style:
        return as_variable(x, who="std").std(axis, ddof, keepdims, correction=correction,
                                             **torch_style)
    return _spread(Std, x, axis, ddof, keepdims, correction, "std")


def _spread(cls, x, axis, ddof, keepdims, correction, who):
    if correction is not None:
        if ddof != 0:
            raise ValueError(f"{who}: give ddof or correction, not both")
        ddof = correction
    ddof = real_scalar(ddof, "ddof", who)
    x = float_input(x, who)
    return cls(normalize_axes(axis, x.ndim, who), ddof, keepdims)(x)
