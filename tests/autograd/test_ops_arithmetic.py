"""+ - * / ** and negation, as functions and operators (reflected forms included): forward
equals NumPy (values and dtype), backprop equals numerical differentiation to first and
second order, with broadcasting, float64 and float32."""
import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Variable
from autograd.testing import (
    arrays,
    assert_forward_matches,
    assert_gradients_match,
    broadcastable_shapes,
    float_dtypes,
    shapes,
)

SMALL = dict(max_dims=4, max_side=3)

# name: (operator, NumPy op, elements of x0, elements of x1). The Functions themselves (Add,
# Sub, ...) are checked from their specs (tests/autograd/test_function_gradients.py).
BINARY = {
    "a + b": (operator.add, operator.add, "bounded", "bounded"),
    "a - b": (operator.sub, operator.sub, "bounded", "bounded"),
    "a * b": (operator.mul, operator.mul, "bounded", "bounded"),
    "a / b": (operator.truediv, operator.truediv, "bounded", "nonzero"),
    "a ** b": (operator.pow, operator.pow, "positive", "bounded"),  # Variable ** Variable
}

# The same expression runs on Variables and on NumPy arrays (the reference).
WITH_SCALARS = {
    "x + 2": (lambda x: x + 2, "bounded"),
    "2.5 + x": (lambda x: 2.5 + x, "bounded"),
    "x - 1.5": (lambda x: x - 1.5, "bounded"),
    "2 - x": (lambda x: 2 - x, "bounded"),
    "x * 0.5": (lambda x: x * 0.5, "bounded"),
    "3 * x": (lambda x: 3 * x, "bounded"),
    "x / 4": (lambda x: x / 4, "bounded"),
    "2.0 / x": (lambda x: 2.0 / x, "nonzero"),
    "x ** 2": (lambda x: x ** 2, "bounded"),
    "x ** 3": (lambda x: x ** 3, "bounded"),
    "x ** -1": (lambda x: x ** -1, "nonzero"),
    "x ** 0.5": (lambda x: x ** 0.5, "positive"),
    "2.0 ** x": (lambda x: 2.0 ** x, "bounded"),  # scalar ** Variable
    "-x": (lambda x: -x, "bounded"),
    "neg": (lambda x: ag.neg(x) if isinstance(x, Variable) else np.negative(x), "bounded"),
}

REFLECTED_ON_NDARRAY = {"+": operator.add, "-": operator.sub, "*": operator.mul,
                        "/": operator.truediv, "**": operator.pow}


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data(), dtype=float_dtypes(), pair=broadcastable_shapes(**SMALL))
def test_binary_op(name, data, dtype, pair):
    op, reference, elements0, elements1 = BINARY[name]
    x0 = data.draw(arrays(pair[0], dtype, elements0))
    x1 = data.draw(arrays(pair[1], dtype, elements1))
    assert_forward_matches(op, reference, x0, x1)
    assert_gradients_match(op, x0, x1, order=2)


@pytest.mark.parametrize("name", WITH_SCALARS)
@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_op_with_python_scalar(name, data, dtype, shape):
    f, elements = WITH_SCALARS[name]
    x = data.draw(arrays(shape, dtype, elements))
    assert_forward_matches(f, f, x)  # NumPy 2 keeps float32 next to a Python scalar
    assert_gradients_match(f, x, order=2)


@pytest.mark.parametrize("symbol", REFLECTED_ON_NDARRAY)
@given(data=st.data(), dtype=float_dtypes(), pair=broadcastable_shapes(**SMALL))
def test_ndarray_on_the_left_gives_a_variable(symbol, data, dtype, pair):
    op = REFLECTED_ON_NDARRAY[symbol]
    const = data.draw(arrays(pair[0], dtype, "positive" if symbol == "**" else "bounded"))
    x = data.draw(arrays(pair[1], dtype, "nonzero" if symbol == "/" else "bounded"))

    def f(v):
        return op(const, v)

    assert isinstance(f(Variable(x)), Variable)
    assert_forward_matches(f, f, x)
    assert_gradients_match(f, x, order=2)


def test_float32_stays_float32_through_scalars_and_reductions():
    x = Variable(np.linspace(0.5, 1.5, 6, dtype=np.float32).reshape(2, 3))
    results = [x * 0.5, 0.5 * x, 1 - x, x / 3, 2.0 / x, x ** 2, 2 ** x, -x, x.sum(), x.mean(),
               x.max(axis=0), ag.logsumexp(x, axis=-1), x.sum() * 0.1]
    assert [y.dtype for y in results] == [np.float32] * len(results)
    y = (x * 0.5 + 1 - x ** 2).mean()
    y.backward()
    assert x.grad.dtype == np.float32


def test_integer_arrays_take_the_float_operand_dtype_in_every_binary_op():
    """PyTorch's promotion (float32 beside int64 stays float32) in ** maximum minimum where,
    as in + - * /, whichever side the integers are on; the gradient is float32 too."""
    x = Variable(np.array([1.0, 2.0], np.float32))
    ints = np.array([2, 3])
    results = [x * ints, x ** ints, ints ** x, x ** Variable(ints), ag.pow(x, ints),
               ag.maximum(x, ints), ag.minimum(ints, x), ag.where(ints > 2, x, ints),
               ag.where(ints > 2, ints, x)]
    assert [y.dtype for y in results] == [np.float32] * len(results)
    np.testing.assert_array_equal(results[1].data, [1, 8])
    (x ** ints).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [2, 12])


def test_numpy_scalars_are_weak_as_python_numbers_are():
    # (PyTorch's rule; NumPy 2 would promote to float64: `scores / np.sqrt(d_k)`)
    x = Variable(np.linspace(0.5, 1.5, 6, dtype=np.float32))
    results = [x / np.sqrt(64), np.float64(0.5) * x, x + np.int64(3), x - np.float16(1),
               ag.maximum(x, np.float64(1.0)), x ** np.float64(2)]
    assert [y.dtype for y in results] == [np.float32] * len(results)
    np.testing.assert_allclose(results[0].data, x.data / 8)
    # beside integers and booleans, NumPy's rule: the scalar's type counts (no overflow)
    small = Variable(np.array([1, 2], dtype=np.int8))
    assert (small + np.int64(1000)).dtype == np.int64
    assert (Variable(np.array([True, False])) * np.float32(0.5)).dtype == np.float32
    x = Variable(np.array([np.inf, -np.inf, 2.0]))
    g, = ag.grad((x ** np.float64(0)).sum(), x)  # exactly 0, at infinity too
    np.testing.assert_array_equal(g.data, [0.0, 0.0, 0.0])


@pytest.mark.parametrize("power, x, dtype", [(0, 1e-200, np.float64), (1, 1e-200, np.float64),
                                             (2, 1e-200, np.float64), (2, 1e-20, np.float32),
                                             (3, 1e-39, np.float32), (2, 0.7, np.float64)])
def test_higher_derivatives_of_powers_are_exact_at_tiny_x(power, x, dtype):
    v = Variable(np.array(x, dtype))
    current, derivatives = v ** power, []
    for _ in range(power + 2):  # past the last non-zero derivative, still a graph
        current, = ag.grad(current, v, create_graph=True)
        derivatives.append(float(current.data))
    exact = [math.perm(power, k) * x ** (power - k) if k <= power else 0.0
             for k in range(1, power + 3)]
    np.testing.assert_allclose(derivatives, np.array(exact).astype(dtype), rtol=1e-6, atol=0)


@pytest.mark.parametrize("condition_as_variable", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.uint8, np.int16])
def test_a_python_scalar_follows_the_numeric_operand_not_where_s_condition(
        dtype, condition_as_variable):
    """NumPy's dtype: where(mask, float32 array, 0.0) is float32, where(mask, uint8, 0) uint8;
    the boolean condition, which comes first, does not decide it."""
    mask = np.array([True, False, True])
    condition = Variable(mask) if condition_as_variable else mask
    values = np.arange(3).astype(dtype)
    scalar = 0.0 if np.dtype(dtype).kind == "f" else 0
    for x in (values, Variable(values)):  # a raw array and a Variable alike
        result = ag.where(condition, x, scalar)
        assert result.dtype == np.where(mask, values, scalar).dtype == dtype


@pytest.mark.parametrize("dtype, tiny", [(np.float64, 1e-310), (np.float32, 1e-40)])
@pytest.mark.parametrize("exponent_wants_grad", [False, True])
def test_a_zero_exponent_gives_the_base_gradient_0_at_a_tiny_or_nan_base(
        dtype, tiny, exponent_wants_grad):
    """x ** 0 is 1 whatever x: dx is 0 (PyTorch's), also where 1/x overflows (a subnormal x)
    or x is NaN, where x1 x^(x1 - 1) would be 0 * inf = nan."""
    x = Variable(np.array([tiny, np.nan, 2.0, tiny], dtype))
    e = Variable(np.array([0.0, 0.0, 0.0, 1.0], dtype), requires_grad=exponent_wants_grad)
    gx, = ag.grad((x ** e).sum(), x)
    np.testing.assert_array_equal(gx.data, np.array([0.0, 0.0, 0.0, 1.0], dtype))


def test_the_mixed_second_derivative_of_a_power_at_a_zero_exponent_is_kept():
    """d/de (dy/dx) of y = x ** e at e = 0 is 1/x (a regular x): the masking of the 0 * inf
    points must leave it."""
    x, e = Variable(np.array([2.0, 0.25])), Variable(np.array([0.0, 0.0]))
    gx, = ag.grad((x ** e).sum(), x, create_graph=True)
    mixed, = ag.grad(gx.sum(), e)
    np.testing.assert_allclose(mixed.data, [0.5, 4.0])
