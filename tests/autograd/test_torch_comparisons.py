"""PyTorch's comparison names: torch.eq/ne/lt/le/gt/ge (the comparisons under short names),
torch.isclose and torch.allclose, as functions and Tensor methods (PyTorch 2.13's values)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

A = np.array([1.0, 2.0, np.nan, 1e-9, -3.0])
B = np.array([1.0 + 1e-6, 2.1, np.nan, 0.0, -3.0 - 2e-5])


@pytest.mark.parametrize("name, expected", [
    ("eq", [False, True, False]), ("ne", [True, False, True]), ("lt", [True, False, False]),
    ("le", [True, True, False]), ("gt", [False, False, True]), ("ge", [False, True, True])])
def test_short_comparison_names_are_the_comparisons(name, expected):
    x = Variable(np.array([0, 1, 2]))
    for got in (getattr(ag, name)(x, 1), getattr(x, name)(1)):
        np.testing.assert_array_equal(got.data, expected)
        assert got.dtype == np.bool_


def test_isclose_is_torchs():
    np.testing.assert_array_equal(ag.isclose(A, B).data, [True, False, False, True, True])
    np.testing.assert_array_equal(ag.isclose(A, B, equal_nan=True).data,
                                  [True, False, True, True, True])
    np.testing.assert_array_equal(ag.isclose(A, B, rtol=1e-4).data,
                                  [True, False, False, True, True])
    np.testing.assert_array_equal(Variable(A).isclose(B, atol=0.2).data,
                                  [True, True, False, True, True])
    np.testing.assert_array_equal(ag.isclose(A, 1.0).data, [True, False, False, False, False])


def test_allclose_is_a_python_bool():
    assert ag.allclose(A[:2], B[:2], rtol=0.1) is True
    assert ag.allclose(A, B) is False
    assert ag.allclose(A, A) is False and ag.allclose(A, A, equal_nan=True) is True
    assert Variable(A[:2]).allclose(B[:2], atol=0.2) is True


def test_isclose_carries_no_gradient_and_refuses_negative_tolerances():
    x = Variable(np.ones(3), requires_grad=True)
    close = ag.isclose(x * 2, 2.0)
    assert close.dtype == np.bool_ and not close.requires_grad
    with pytest.raises(ValueError, match="isclose: rtol must be a non-negative number"):
        ag.isclose(A, B, rtol=-1.0)
    with pytest.raises(ValueError, match="isclose: atol must be a non-negative number"):
        ag.allclose(A, B, atol=float("nan"))
