"""What differential fuzzing against PyTorch 2.13 found on the edges (dtypes, empty and 0-d
shapes, views, infinite values), each pinned with PyTorch's values as literals."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable


@pytest.mark.parametrize("op, expected", [
    (ag.floor_divide, [-3.0, -np.inf]), (ag.fmod, [0.0, np.nan]),
    (ag.remainder, [0.0, np.nan]), (lambda x0, x1: x0 // x1, [-3.0, -np.inf]),
])
def test_a_float_dividend_over_a_boolean_zero_divides_as_floats(op, expected):
    # the division is a float one (inf or NaN at 0), not an integer division by zero
    with np.errstate(all="ignore"):
        y = op(-3.0, Variable(np.array([True, False])))
    np.testing.assert_array_equal(y.data, expected)


def test_an_integer_division_by_a_boolean_zero_is_still_refused():
    with pytest.raises(ZeroDivisionError, match="floor_divide: integer division by zero"):
        ag.floor_divide(np.array([3, 4]), np.array([True, False]))


@pytest.mark.parametrize("op, x0, x1, expected", [
    (ag.bitwise_left_shift, np.array([-3, 9], np.int8), np.array([True, False]),
     np.array([-6, 9], np.int8)),
    (ag.bitwise_right_shift, np.array([True, True]), np.array([0, 1], np.int16),
     np.array([1, 0], np.int16)),
    (ag.gcd, np.array([True, False]), np.array([8, 5], np.uint8), np.array([1, 5], np.uint8)),
    (ag.lcm, np.array([2, 9], np.int8), np.array([True, False]), np.array([2, 0], np.int8)),
])
def test_shifts_gcd_and_lcm_take_a_boolean_beside_an_integer(op, x0, x1, expected):
    y = op(x0, x1)
    assert y.dtype == expected.dtype
    np.testing.assert_array_equal(y.data, expected)


def test_shifts_gcd_and_lcm_of_booleans_alone_are_refused():
    with pytest.raises(TypeError, match="gcd: expected integer values, got dtype bool"):
        ag.gcd(np.array([True]), np.array([False]))


@pytest.mark.parametrize("kwargs", [{"dim": 0}, {"dim": -1, "descending": True}])
def test_argsort_of_a_0d_variable_along_a_dim_is_0d(kwargs):
    order = ag.argsort(Variable(np.array(1.5)), **kwargs)
    assert order.shape == () and order.item() == 0


@pytest.mark.parametrize("shape, dim", [((0,), None), ((3, 0), 1), ((0, 2), (0, 1))])
def test_the_inf_vector_norm_over_an_empty_axis_is_refused(shape, dim):
    with pytest.raises(ValueError, match="vector_norm: ord=inf is a maximum"):
        ag.vector_norm(Variable(np.zeros(shape)), ord=np.inf, dim=dim)


def test_the_inf_vector_norm_over_a_full_axis_of_an_empty_input_is_empty():
    assert ag.vector_norm(Variable(np.zeros((3, 0))), ord=np.inf, dim=0).shape == (0,)


@pytest.mark.parametrize("value", [np.inf, -np.inf, 0.5])
def test_logcumsumexp_of_one_element_has_gradient_one(value):
    x = Variable(np.array(value))
    (g,) = ag.grad(ag.logcumsumexp(x, 0) * 3.0, [x])
    np.testing.assert_array_equal(g.data, 3.0)  # PyTorch's: tensor(3.)


X = np.arange(6.0).reshape(1, 2, 3)
EMPTY = np.zeros((2, 0, 0), np.int64)  # larger than X along dim 0: PyTorch checks no sizes
SRC = np.zeros((2, 0, 0))


@pytest.mark.parametrize("op", [
    lambda x: ag.scatter(x, 2, EMPTY, SRC),
    lambda x: ag.scatter(x, -1, EMPTY, 1.5),
    lambda x: ag.scatter_add(x, 2, EMPTY, SRC),
    lambda x: ag.scatter_reduce(x, 2, EMPTY, SRC, "amax", include_self=False),
    lambda x: ag.scatter_reduce(x, 1, EMPTY, SRC, "mean"),
])
def test_a_scatter_with_an_empty_index_leaves_the_input_whatever_its_shape(op):
    x = Variable(X.copy())
    y = op(x)
    np.testing.assert_array_equal(y.data, X)
    y.backward(np.full(X.shape, 2.0))
    np.testing.assert_array_equal(x.grad.data, 2.0)


def test_a_gather_with_an_empty_index_is_empty_whatever_its_shape():
    x = Variable(X.copy())
    y = ag.gather(x, 2, EMPTY)
    assert y.shape == (2, 0, 0)
    y.backward(np.zeros(y.shape))
    np.testing.assert_array_equal(x.grad.data, 0.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64, np.bool_])
def test_an_element_is_a_view_that_in_place_writes_reach(dtype):
    x = Variable(np.zeros((2, 3), dtype), requires_grad=False)
    x[1, 2].fill_(1)
    x[0][1].fill_(1)  # (PyTorch's x[i] is a view, an element's too)
    np.testing.assert_array_equal(x.data, np.array([[0, 1, 0], [0, 0, 1]], dtype))


def test_an_elements_gradient_is_unchanged_by_its_being_a_view():
    x = Variable(np.arange(3.0))
    x[1].backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0])
