"""gradcheck and gradgradcheck given the wrong thing: each error or note names it."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Function, GradcheckError, Variable, gradcheck, gradgradcheck

X = np.array([0.5, -1.2, 0.8])


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_inputs_before_f_are_named_as_swapped(check):
    with pytest.raises(TypeError, match="f, the first argument, must be the function"):
        check(X, lambda x: x * x)


@settings(max_examples=15, deadline=None)
@given(size=st.integers(1, 4), extra=st.integers(1, 3))
def test_an_upstream_gradient_of_the_wrong_shape_is_named(size, extra):
    x, wrong = np.ones(size), np.ones(size + extra)
    with pytest.raises(ValueError, match=rf"grad_outputs 0 has shape \({size + extra},\), "
                                         rf"but f's output 0 has shape \({size},\)"):
        gradcheck(lambda x: x * x, x, grad_outputs=wrong)
    with pytest.raises(ValueError, match=r"grad_outputs 0 has shape"):
        gradgradcheck(lambda x: x * x, x, grad_outputs=wrong)
    with pytest.raises(ValueError, match=r"grad_grad_outputs 0 has shape .* f's gradient 0"):
        gradgradcheck(lambda x: x * x, x, grad_grad_outputs=wrong)


@pytest.mark.parametrize("check, what", [(gradcheck, "f's output 0"),
                                         (gradgradcheck, "f's gradient 0")])
def test_a_nan_at_the_point_is_noted_where_backprop_reads_nan_too(check, what):
    with np.errstate(invalid="ignore"), pytest.raises(GradcheckError) as info:
        check(lambda x: ag.sqrt(x - 10.0), X)  # (sqrt's gradient at -9: NaN as well)
    assert f"{what} is nan at index (0,) at the checked point itself" in str(info.value)


class CutCube(Function):
    """y = x^3, its backward's gradient a constant (3 x^2 from .data): no second order."""

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        return gy * Variable(3 * self.inputs[0].data ** 2)


@pytest.mark.parametrize("check, f, label", [
    (gradcheck, lambda x: Variable(x.data * 2.0), "input 0"),
    (gradgradcheck, lambda x: CutCube()(x), "input 0"),
])
def test_an_input_backprop_never_reaches_is_named(check, f, label):
    with pytest.raises(GradcheckError) as info:
        check(f, X)
    assert f"backprop gives {label} no gradient at all" in str(info.value)


class SquaredError(Function):
    """sum((p - t)^2); its backward leaves the target t None, as PyTorch's losses do."""

    def forward(self, p, t):
        return np.sum((p - t) ** 2)

    def backward(self, gy):
        p, t = self.inputs
        return 2 * gy * (p - t), None


def test_a_target_marked_requires_grad_false_is_still_differentiated_and_says_so():
    target = Variable(X[::-1].copy(), requires_grad=False)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda p, t: SquaredError()(p, t), X, target)
    assert "backprop gives input 1 no gradient at all" in str(info.value)
    assert "requires_grad=False too" in str(info.value)
    assert gradcheck(lambda p: SquaredError()(p, target), X)  # (as the note says)


class WrongSquare(Function):
    """y = x^2 with a wrong backward, 3 x^2 where 2 x is right, that reaches x (its second
    order, 3 x with x.detach() in one factor, is wrong too)."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return gy * 3.0 * self.inputs[0].detach() * self.inputs[0]


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_no_cut_note_for_a_wrong_gradient_that_reaches_the_input(check):
    with pytest.raises(GradcheckError) as info:
        check(lambda x: WrongSquare()(x), X)
    assert "no gradient at all" not in str(info.value)


def test_float32_outputs_of_float64_inputs_are_named():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: ag.astype(x, np.float32) * 2.0, X)
    assert "f returns its outputs in float32 given float64 inputs" in str(info.value)
    assert gradcheck(lambda x: ag.astype(x, np.float32) * 2.0, X, eps=1e-2)  # (as it says)
