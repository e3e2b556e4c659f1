"""gradcheck's tolerances (autograd/check_tolerance.py): a wrong gradient of a small function
fails in float64, a float16 intermediate fails in float32, tolerances given are used as
given; and the numerical side's and backprop's own rounding fail no correct gradient (a
cube's truncation at 1e-300, a cancellation inside f, a standardization's float32 second
derivatives at a constant row)."""
from functools import partial

import numpy as np
import pytest
from hypothesis import settings

import autograd as ag
import nn.functional as F
from autograd import Function, GradcheckError, Variable, gradcheck, gradgradcheck
from autograd.spec import Spec
from autograd.testing import FunctionCheckError, assert_gradients_match, check_function

SOME = settings(max_examples=40, derandomize=True, deadline=None, database=None)


class Scaled(Function):
    """y = 1e-6 x^2 (a loss divided by a large N); `slope` times the right gradient."""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: (1e-6 * x * x).astype(x.dtype))
    slope = 2.0

    def forward(self, x):
        return (1e-6 * x * x).astype(x.dtype)

    def backward(self, gy):
        return self.slope * 1e-6 * self.inputs[0] * gy


class DoubledScaled(Scaled):
    slope = 4.0  # twice the right gradient: an absolute error of 2e-6 x


def test_a_wrong_gradient_of_a_small_function_fails_in_float64():
    """atol 1e-5 held absolutely let every gradient below 1e-5 through: twice 2e-6 x passed."""
    x = np.array([1.0, -2.0, 0.5])
    assert gradcheck(Scaled(), x)
    with pytest.raises(GradcheckError, match="3 of 3 checked entries"):
        gradcheck(DoubledScaled(), x)
    with pytest.raises(FunctionCheckError, match="gradcheck"):
        check_function(DoubledScaled, SOME)
    check_function(Scaled, SOME)


class Cube(Function):
    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        return 3 * self.inputs[0] ** 2 * gy


@pytest.mark.parametrize("f, x", [
    (Cube(), np.array([1e-300, 2e-300])),  # the step's truncation, h^2 = 1e-12, is all
    (lambda v: (v * 1e-7 + 1e3) - 1e3, np.array([0.3, -1.2])),  # rounding of 1e3 inside f
    (lambda v: ag.sin(v) * 1e-9, np.array([1.5707963267948966, 0.2]))])
def test_the_numerical_side_s_own_error_fails_no_correct_small_gradient(f, x):
    assert gradcheck(f, x)
    assert gradgradcheck(f, x)


class SumOfSquares(Function):
    """y = sum(x^2), a loss summed over a batch; `error` added to its gradient."""

    error = 0.0

    def forward(self, x):
        return np.asarray((x * x).sum())

    def backward(self, gy):
        return (2 * self.inputs[0] + self.error) * gy


class OffSumOfSquares(SumOfSquares):
    error = 1e-4  # (10 atol: a wrong backward where the derivative is near 0)


def test_a_large_output_s_rounding_fails_no_correct_gradient_and_a_wrong_one_still_fails():
    """sum(x^2) over 10,000 entries of size 10 is about 1e6: its rounding at gradcheck's step,
    6e-5, passed the 1e-5 atol at small derivatives, and a correct sum failed (4 of 10,000
    entries; 2,402 of 100,000). A step ten to a thousand times longer measures those."""
    x = np.random.default_rng(0).standard_normal(10_000) * 10
    x[:3] = [1e-9, -2e-7, 3e-6]
    assert gradcheck(lambda v: (v * v).sum(), x)
    assert gradcheck(SumOfSquares(), x)
    with pytest.raises(GradcheckError, match="of 10000 checked entries"):
        gradcheck(OffSumOfSquares(), x)


class Float16Exp(Function):
    """exp, whose backward computes exp in float16 for a float32 input (by accident)."""

    input_specs = (Spec("float32"),)
    reference = staticmethod(np.exp)
    gradcheck_order = 1

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.exp(x.astype(np.float16)).astype(x.dtype))


def test_a_float16_intermediate_fails_in_float32():
    """Its error, up to 5e-4 of the gradient, passed the float32 rtol of 3.5e-3."""
    x = np.array([1.0, 2.0, 1.7, -0.6], np.float32)
    assert gradcheck(ag.exp, x)
    with pytest.raises(GradcheckError, match="rtol=0.0001"):
        gradcheck(Float16Exp(), x)
    with pytest.raises(FunctionCheckError, match="gradcheck"):
        check_function(Float16Exp, SOME)


def test_tolerances_given_are_used_as_given():
    """rtol=0, atol=0 passed a float32 check: floors replaced what the user gave."""
    x = np.array([1.0, 2.0, 1.7], np.float32)
    with pytest.raises(GradcheckError, match="atol=input 0 0, rtol=0"):
        gradcheck(ag.exp, x, rtol=0, atol=0)
    with pytest.raises(GradcheckError):
        assert_gradients_match(Float16Exp(), x, rtol=1e-6, atol=1e-8)
    assert gradcheck(Float16Exp(), x, rtol=1e-2)  # loosened on purpose: passes
    with pytest.raises(GradcheckError, match="atol=input 0 0, rtol=1e-12"):
        gradcheck(ag.exp, x.astype(np.float64), atol=0, rtol=1e-12)  # (beyond the numerics)


class Standardize(Function):
    """(x - mean) / sqrt(var + 1e-3) over the last axis, a LayerNorm without affine."""

    input_specs = (Spec(min_dims=1, min_side=2, max_side=6),)
    reference = staticmethod(lambda x: (x - x.mean(-1, keepdims=True)) / np.sqrt(
        x.var(-1, keepdims=True) + np.asarray(1e-3, x.dtype)))

    def forward(self, x):
        return self.reference(x)

    def backward(self, gy):
        x = self.inputs[0]
        centred = x - ag.mean(x, axis=-1, keepdims=True)
        inv = (ag.mean(centred * centred, axis=-1, keepdims=True) + 1e-3) ** -0.5
        y = centred * inv
        return inv * (gy - ag.mean(gy, axis=-1, keepdims=True)
                      - y * ag.mean(gy * y, axis=-1, keepdims=True))


def test_float32_second_order_at_a_constant_row_passes():
    """The second derivatives are 0 there, backprop's float32 value 1e-3: the rounding of
    terms of 1/sqrt(1e-3)^3 that cancel, which the tolerance's floor was far below."""
    x = np.full((2, 5), 0.41474807, np.float32)
    assert gradgradcheck(Standardize(), x)
    assert gradgradcheck(Standardize(), x.astype(np.float64))
    check_function(Standardize, SOME)


class DetachedSoftmax(Function):
    """softmax whose backward reads its output detached: first order right, second wrong."""

    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def backward(self, gy):
        y = self.outputs[0]().detach()
        return y * (gy - (gy * y).sum(axis=-1, keepdims=True))


# logits where a row saturates: seeded draws of 30 to 60 times a standard normal that failed
SATURATED = [np.random.default_rng(seed).standard_normal((3, 4)) * scale
             for seed, scale in [(5, 30), (2, 40), (2, 50), (0, 60)]]


@pytest.mark.parametrize("x", SATURATED)
def test_a_saturated_softmax_s_second_order_passes_and_a_detached_one_still_fails(x):
    """softmax's gradient y (u - sum(y u)) is computed with cancellation where y rounds to
    1: its 1e-13 value moves in units of 1e-16, so a short step measured a steady, wrong
    slope (these four failed: 2 to 4 entries each, by up to 1.96 relative). Steps up to
    10,000 times longer measure it; a backward that detaches y still fails."""
    assert gradgradcheck(partial(F.softmax, axis=-1), x)
    x = x.copy()
    x[0] = [0.5, -1.0, 0.2, 1.3]  # (a row that keeps its digits, where the error shows)
    assert gradcheck(DetachedSoftmax(), x)
    with pytest.raises(GradcheckError):
        gradgradcheck(DetachedSoftmax(), x)


class LargeSquare(Function):
    """y = 1e7 + x^2 in the input's dtype; `slope` x for its gradient (2 is right)."""

    slope = 2.0

    def forward(self, x):
        return (1e7 + x * x).astype(x.dtype)

    def backward(self, gy):
        return self.slope * self.inputs[0] * gy


class OffLargeSquare(LargeSquare):
    slope = 2.002  # (2e-3 x: 20 times float32's rtol of 1e-4)


def test_a_float32_large_output_s_float64_rounding_fails_no_correct_gradient():
    """The central difference runs in float64, where 1e7 rounds by 1.9e-9: 1e-3 at the
    step, past float32's atol of 1.2e-5; 7 of 10 correct entries failed. A longer step
    measures them; a backward off by 1e-3 still fails."""
    x = np.random.default_rng(0).standard_normal(10).astype(np.float32)
    assert gradcheck(lambda v: LargeSquare()(v), x)
    with pytest.raises(GradcheckError, match="of 10 checked entries"):
        gradcheck(lambda v: OffLargeSquare()(v), x)
