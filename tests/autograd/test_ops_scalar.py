"""The operators with a number (autograd/ops/scalar.py) against the two-input ops: the same
values, dtypes, signs of zero and gradients, to second order, for every operator."""
import numpy as np
import pytest

import autograd as ag
from autograd.function import scalar_constant
from autograd.ops.arithmetic import Add, Div, Mul, Pow, Sub
from autograd.ops.scalar import MulScalar, PowScalar


def _constant(x, c):
    """What the operators gave the two-input ops before: the cached constant of c beside x."""
    return scalar_constant(c, x.data)


OPERATORS = {
    "x + c": (lambda x, c: x + c, lambda x, c: Add()(x, _constant(x, c))),
    "c + x": (lambda x, c: c + x, lambda x, c: Add()(_constant(x, c), x)),
    "x - c": (lambda x, c: x - c, lambda x, c: Sub()(x, _constant(x, c))),
    "c - x": (lambda x, c: c - x, lambda x, c: Sub()(_constant(x, c), x)),
    "x * c": (lambda x, c: x * c, lambda x, c: Mul()(x, _constant(x, c))),
    "c * x": (lambda x, c: c * x, lambda x, c: Mul()(_constant(x, c), x)),
    "x / c": (lambda x, c: x / c, lambda x, c: Div()(x, _constant(x, c))),
    "c / x": (lambda x, c: c / x, lambda x, c: Div()(_constant(x, c), x)),
    "x ** c": (lambda x, c: x ** c, lambda x, c: Pow()(x, _constant(x, c))),
}
NUMBERS = [2, 0.5, -3, True, -0.0, 0.0, float("inf"), np.float64(2.5), np.float32(0.1),
           np.int64(3)]


def _grads(f, data, c):
    """(y, dy/dx, d2y/dx2 summed) as arrays; the gradients None for a non-float x."""
    x = ag.Variable(data.copy(), requires_grad=data.dtype.kind == "f")
    try:
        y = f(x, c)
    except ValueError as exc:  # (an integer to a negative power: NumPy refuses it)
        return (type(exc),)
    if not x.requires_grad:
        return y.data, None, None
    (g,) = ag.grad(y.sum(), [x], create_graph=True)
    if not g.requires_grad:  # (a constant gradient: x + c)
        return y.data, g.data, None
    (gg,) = ag.grad(g.sum(), [x], allow_unused=True)
    return y.data, g.data, None if gg is None else gg.data


def _same(a, b):
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        return a is b
    return (a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
            and np.array_equal(np.signbit(a), np.signbit(b)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (1 / 0, 0 ** -3: inf and nan, alike)
@pytest.mark.parametrize("name", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int8])
def test_an_operator_with_a_number_is_the_two_input_op_with_its_constant(name, dtype):
    operator, two_inputs = OPERATORS[name]
    for data in (np.array([0.0, -1.5, 2.0]).astype(dtype), np.array(2.0).astype(dtype)):
        for c in NUMBERS:
            ours, want = _grads(operator, data, c), _grads(two_inputs, data, c)
            assert len(ours) == len(want) and all(_same(a, b) for a, b in zip(ours, want)), (
                name, data, c, ours, want)


def test_the_number_is_held_by_the_op_not_an_input():
    x = ag.Variable(np.array([1.0, 2.0], np.float32))
    y = x * 3
    assert isinstance(y.creator, MulScalar) and y.creator.inputs == (x,)
    assert y.dtype == np.float32 and y.creator.c.dtype == np.float32  # NumPy 2's rule
    assert "MulScalar(3)" in ag.get_dot_graph(y)


def test_x_to_the_zero_has_a_zero_gradient_at_zero_to_every_order():
    x = ag.Variable(np.array([0.0, 2.0]))
    (g,) = ag.grad((x ** 0).sum(), [x], create_graph=True)
    (gg,) = ag.grad(g.sum(), [x], allow_unused=True)
    np.testing.assert_array_equal(g.data, [0.0, 0.0])  # (0 * 0^-1 would be nan)
    assert gg is None or not gg.data.any()
    assert isinstance((x ** 0).creator, PowScalar)


def test_higher_derivatives_of_a_polynomial():
    x = ag.Variable(np.array(1.5))
    y = 3 * x ** 4 - 2 / x + 1
    derivatives, g = [], y
    for _ in range(3):
        (g,) = ag.grad(g, [x], create_graph=True)
        derivatives.append(float(g.data))
    np.testing.assert_allclose(derivatives, [12 * 1.5 ** 3 + 2 / 1.5 ** 2,
                                             36 * 1.5 ** 2 - 4 / 1.5 ** 3,
                                             72 * 1.5 + 12 / 1.5 ** 4], rtol=1e-12)
