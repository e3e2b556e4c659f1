"""Hyperbolic and inverse trigonometric ops (sinh ... atan2, hypot) against PyTorch: values,
gradients and second derivatives in float64 over shapes and edge points; float32 kept."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

from .._helpers import assert_float32_kept
from ._elementwise_math import SHAPES, check_binary, check_unary, values_in

DOMAINS = {"sinh": (-3, 3), "cosh": (-3, 3), "asinh": (-5, 5), "acosh": (1.01, 5),
           "atanh": (-0.99, 0.99), "asin": (-0.99, 0.99), "acos": (-0.99, 0.99),
           "atan": (-5, 5)}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", DOMAINS)
def test_unary_matches_torch(name, shape):
    check_unary(name, values_in(*DOMAINS[name], shape))


@pytest.mark.parametrize("name, edges", [
    ("asin", [-1.0, 1.0, 0.0, -0.0, 2.0, np.nan]),
    ("acos", [-1.0, 1.0, 0.0, 1.5, np.nan]),
    ("atanh", [-1.0, 1.0, 0.0, 1.5, np.nan]),
    ("acosh", [1.0, 0.5, np.inf, np.nan]),
    ("asinh", [0.0, 1e200, -1e200, np.inf, np.nan]),
    ("atan", [0.0, 1e200, np.inf, -np.inf, np.nan]),
    ("sinh", [0.0, 800.0, -800.0, np.inf, np.nan]),
    ("cosh", [0.0, 800.0, -np.inf, np.nan]),
])
def test_unary_edges_match_torch(name, edges):
    """Boundaries as PyTorch's: acos at +-1 has gradient -inf, asin inf, acosh at 1 inf,
    overflow to inf, NaN through."""
    check_unary(name, np.array(edges), order=1)


@pytest.mark.parametrize("name", ["atan2", "hypot"])
@pytest.mark.parametrize("shapes", [((), ()), ((4,), (4,)), ((2, 3), (3,)), ((3, 1), (1, 2)),
                                    ((0, 2), (2,))])
def test_binary_matches_torch(name, shapes):
    x0 = values_in(-2, 2, shapes[0], seed=1)
    x1 = values_in(-2, 2, shapes[1], seed=2)
    check_binary(name, x0, x1)


@pytest.mark.parametrize("name", ["atan2", "hypot"])
def test_binary_edges_match_torch(name):
    """(0, 0) gives NaN gradients (0/0), signed zeros pick atan2's quadrant, infinities."""
    x0 = np.array([0.0, -0.0, 0.0, 1.0, np.inf, 3.0, np.nan])
    x1 = np.array([0.0, -1.0, -0.0, np.inf, np.inf, -4.0, 1.0])
    check_binary(name, x0, x1, order=1)


@pytest.mark.parametrize("name", ["atan2", "hypot"])
def test_binary_with_a_number_keeps_float32(name):
    x = ag.Variable(np.array([0.5, -1.5], np.float32))
    assert getattr(ag, name)(x, 2.0).dtype == np.float32
    assert getattr(ag, name)(2.0, x).dtype == np.float32


@pytest.mark.parametrize("name", list(DOMAINS))
def test_float32_kept(name):
    low, high = DOMAINS[name]
    assert_float32_kept(getattr(ag, name), values_in(low, high, (3,)))


@pytest.mark.parametrize("name", ["atan2", "hypot"])
def test_binary_float32_kept(name):
    assert_float32_kept(getattr(ag, name), [0.5, -1.5], [2.0, 1.0])


def test_integers_as_torch_promotes_them():
    """Integer input computes in float64 (as exp and sin here; PyTorch's float32); hypot
    refuses integers, as PyTorch's, naming the op and dtype."""
    assert ag.sinh(np.array([1, 2])).dtype == np.float64
    assert ag.atan2(np.array([1]), np.array([2])).dtype == np.float64
    x = ag.Variable(np.array([1.0], np.float32))
    assert ag.atan2(x, np.array([2])).dtype == np.float32  # promoted to the float operand
    with pytest.raises(TypeError, match="hypot: expected floating-point operands.*int64"):
        ag.hypot(np.array([3]), np.array([4]))


def test_shape_mismatch_names_the_op():
    with pytest.raises(ValueError, match=r"atan2: invalid inputs \(\(3,\) float64, \(2,\)"):
        ag.atan2(np.ones(3), np.ones(2))


def test_hypot_second_derivative_at_tiny_float32_inputs_is_finite():
    # y^2 / r^3 = 1.28e19 at (3e-20, 4e-20); gy / r / r overflowed float32 to -inf
    x = Variable(np.array(3e-20, np.float32))
    y = Variable(np.array(4e-20, np.float32))
    gx, = ag.grad(ag.hypot(x, y), x, create_graph=True)
    ggx, = ag.grad(gx, x)
    np.testing.assert_allclose(ggx.data, 1.28e19, rtol=1e-5)
