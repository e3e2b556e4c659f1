"""The engine's classic behaviours (DeZero's worked examples, plus the API contract)."""
import os

import numpy as np
import pytest

import autograd
from autograd import (
    Config,
    Function,
    Variable,
    as_variable,
    enable_grad,
    exp,
    grad,
    no_grad,
    split,
    using_config,
)

from .._helpers import ROOT


def var(value, name=None):
    return Variable(np.array(value, dtype=np.float64), name=name)


class Square(Function):
    """y = x^2, counting backward calls so tests can see each function is visited once."""

    calls = 0

    def forward(self, x):
        return x * x

    def backward(self, gy):
        type(self).calls += 1
        return 2 * self.inputs[0] * gy


def square(x):
    return Square()(x)


def test_imports_this_projects_autograd():
    assert autograd.IS_RUNGRAD is True
    assert os.path.abspath(autograd.__file__).startswith(os.path.join(ROOT, "autograd") + os.sep)


# ----- chain rule and graph shapes -----

def test_chain_rule_exp_of_square_squared():
    x = var(0.5)
    y = square(exp(square(x)))  # y = exp(2 x^2)
    y.backward()
    assert y.data == pytest.approx(np.exp(0.5))
    assert x.grad.data == pytest.approx(4 * 0.5 * np.exp(2 * 0.25))


def test_diamond_graph_visits_each_function_once():
    Square.calls = 0
    x = var(2.0)
    a = square(x)
    y = square(a) + square(a)  # y = 2 x^4
    y.backward()
    assert y.data == 32.0
    assert x.grad.data == 64.0  # 8 x^3
    assert Square.calls == 3


def test_deep_graph_has_no_recursion_limit():
    x = var(1.0)
    c = 1.00005
    y = x
    for _ in range(20_000):
        y = y * c
    y.backward()
    assert x.grad.data == pytest.approx(c ** 20_000, rel=1e-9)
    del y  # freeing a 20,000-deep chain must not crash either


@pytest.mark.parametrize("f, grads", [
    (lambda x, y: x ** 2 + y ** 2, (2.0, 2.0)),                                # sphere
    (lambda x, y: 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y, (0.04, 0.04)),      # matyas
    (lambda x, y: (1 + (x + y + 1) ** 2
                   * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2))
     * (30 + (2 * x - 3 * y) ** 2
        * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2)),
     (-5376.0, 8064.0)),                                                        # Goldstein-Price
])
def test_benchmark_functions_at_one_one(f, grads):
    x, y = var(1.0), var(1.0)
    f(x, y).backward()
    np.testing.assert_allclose([x.grad.data, y.grad.data], grads, rtol=1e-12)


def test_rosenbrock_gradient_descent_matches_hand_derivative():
    x0, x1 = var(0.0), var(2.0)
    r0, r1 = 0.0, 2.0  # the same descent with the gradient worked out by hand
    for step in range(2_000):
        y = 100 * (x1 - x0 ** 2) ** 2 + (1 - x0) ** 2
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        if step == 0:
            assert (x0.grad.data, x1.grad.data) == (-2.0, 400.0)
        x0.data -= 0.001 * x0.grad.data
        x1.data -= 0.001 * x1.grad.data
        g0, g1 = -400 * r0 * (r1 - r0 ** 2) - 2 * (1 - r0), 200 * (r1 - r0 ** 2)
        r0, r1 = r0 - 0.001 * g0, r1 - 0.001 * g1
    np.testing.assert_allclose([x0.data, x1.data], [r0, r1], rtol=1e-10)
    assert 0.8 < x0.data < 1 and 0.6 < x1.data < 1  # on its way to the minimum (1, 1)


def test_multi_output_function_with_an_unused_output():
    x = Variable(np.arange(6.0))
    a, b, c = split(x, 3)
    (a * 2 + c).sum().backward()  # b gets no gradient: treated as zero
    np.testing.assert_array_equal(x.grad.data, [2, 2, 0, 0, 1, 1])


# ----- higher-order derivatives -----

def test_newton_method_with_second_derivative():
    x = var(2.0)
    for _ in range(10):
        y = x ** 4 - 2 * x ** 2
        x.cleargrad()
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        gx.backward()
        gx2 = x.grad
        x.data = x.data - gx.data / gx2.data
    assert x.data == pytest.approx(1.0, abs=1e-12)


def test_tanh_derivatives_up_to_fourth_order():
    x = Variable(np.linspace(-2.0, 2.0, 9))
    t = np.tanh(x.data)
    closed_forms = [
        1 - t ** 2,
        -2 * t * (1 - t ** 2),
        (1 - t ** 2) * (6 * t ** 2 - 2),
        (1 - t ** 2) * (16 * t - 24 * t ** 3),
    ]
    y = autograd.tanh(x)
    for order, expected in enumerate(closed_forms, start=1):
        y, = grad(y.sum(), x, create_graph=True)
        np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f"order {order}")


def test_create_graph_gives_second_and_third_derivatives():
    x = var(3.0)
    y = x ** 3
    g1, = grad(y, x, create_graph=True)
    g2, = grad(g1, x, create_graph=True)
    g3, = grad(g2, x, create_graph=True)
    assert (g1.data, g2.data, g3.data) == (27.0, 18.0, 6.0)


def test_backward_with_create_graph_records_the_gradient():
    x = var(2.0)
    (x ** 3).backward(create_graph=True)
    assert x.grad.creator is not None
    x.grad.backward()  # d/dx (3 x^2) = 6 x, accumulated onto the first gradient 12
    assert x.grad.data == 12.0 + 12.0


def test_backward_without_create_graph_builds_no_graph():
    x = var(2.0)
    y = autograd.tanh(x * x) * exp(x)
    y.backward()
    assert x.grad.creator is None
    assert not x.grad.requires_grad


# ----- gradient accumulation and clearing -----

def test_reused_variable_accumulates():
    x = var(3.0)
    (x + x).backward()
    assert x.grad.data == 2.0
    x.cleargrad()
    (x * x * x).backward()
    assert x.grad.data == 27.0


def test_backward_twice_accumulates_into_leaf():
    x = var(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad.data == 12.0
    (x * 2).backward()  # a different graph adds on too
    assert x.grad.data == 14.0


def test_cleargrad_resets():
    x = var(3.0)
    (x * x).backward()
    x.cleargrad()
    assert x.grad is None
    (x * 5).backward()
    assert x.grad.data == 5.0


def test_intermediate_grads_are_freed_unless_retained():
    x = var(2.0)
    a = x * x
    b = a * 3
    y = b + 1
    y.backward()
    assert a.grad is None and b.grad is None and y.grad is None
    y.backward(retain_grad=True)
    assert (y.grad.data, b.grad.data, a.grad.data) == (1.0, 1.0, 3.0)


def test_retain_grad_method_keeps_one_intermediate():
    x = var(2.0)
    a = x * x
    a.retain_grad()
    b = a * 3
    (b + 1).backward()
    assert a.grad.data == 3.0
    assert b.grad is None


def test_backward_seed_gradient_and_shape_check():
    x = Variable(np.array([1.0, 2.0]))
    (x * x).backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 40.0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * x).backward(np.ones(3))



def test_a_gradient_set_by_hand_is_dezeros_seed_and_a_leaf_grad_stays_a_variable():
    # DeZero's steps 7 and 8: `y.grad = np.array(1.0); y.backward()`; another value was
    # silently replaced by ones
    x = Variable(np.array(3.0))
    y = x ** 2
    y.grad = np.array(2.0)
    y.backward()
    assert x.grad.data == 12.0
    retained = Variable(np.array(3.0))
    z = retained ** 2
    z.retain_grad()  # (a retained gradient is no seed: PyTorch's ones again)
    z.backward()
    z.backward()
    assert retained.grad.data == 12.0 and z.grad.data == 2.0
    leaf = Variable(np.array(3.0))  # a leaf .grad assigned an array accumulates as a Variable
    leaf.grad = np.array(1.0)
    (leaf ** 2).backward()
    assert isinstance(leaf.grad, Variable) and leaf.grad.data == 7.0


# ----- grad() -----

def test_grad_returns_tuple_and_leaves_dot_grad_alone():
    x, y = var(2.0), var(5.0)
    z = x * y
    gx, gy = grad(z, [x, y])
    assert (gx.data, gy.data) == (5.0, 2.0)
    assert x.grad is None and y.grad is None
    single = grad(z, x)
    assert isinstance(single, tuple) and len(single) == 1


def test_grad_of_intermediate_variable():
    x = var(2.0)
    a = x * x
    y = a * a
    ga, = grad(y, a)
    assert ga.data == 8.0  # 2 a


def test_grad_allow_unused():
    x, unused = var(2.0), var(1.0)
    y = x * 3
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad(y, [x, unused])
    gx, gu = grad(y, [x, unused], allow_unused=True)
    assert gx.data == 3.0 and gu is None
    with pytest.raises(ValueError, match="grad: inputs is empty"):
        grad(y, [])  # (PyTorch refuses it too)


# ----- modes -----

def test_no_grad_context_records_nothing():
    x = var(2.0)
    with no_grad():
        y = x * x
    assert y.creator is None and not y.requires_grad
    assert Config.enable_backprop
    with pytest.raises(RuntimeError, match="^backward: output does not require grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="^grad: output 1 does not require grad"):
        autograd.grad([x * x, y], [x])


def test_backward_through_integers_names_the_dtype_and_the_fix():
    y = Variable(np.array([1, 2])) * 2
    with pytest.raises(RuntimeError, match=r"integer dtype int\d+.*astype\(float\)"):
        y.backward()
    z = Variable(np.array([1, 2])) * 0.5  # a float result, still from integers
    with pytest.raises(RuntimeError, match=r"integer arrays.*astype\(float\)"):
        z.backward()


def test_schedule_runs_latest_generation_first_and_each_function_once():
    from autograd.engine import Schedule

    class F:
        def __init__(self, generation):
            self.generation = generation

    a, b, c = F(1), F(3), F(2)
    schedule = Schedule()
    schedule.push(a)                 # alone: held aside, no heap
    assert schedule.held is a and not schedule.heap
    for f in (b, c, b, a):           # repeats are ignored
        schedule.push(f)
    assert [schedule.pop() for _ in range(4)] == [b, c, a, None]


@pytest.mark.parametrize("decorate", [no_grad, no_grad()], ids=["bare", "called"])
def test_no_grad_decorator(decorate):
    @decorate
    def f(x):
        assert not Config.enable_backprop
        return x * x

    y = f(var(2.0))
    assert y.creator is None
    assert Config.enable_backprop


def test_enable_grad_inside_no_grad():
    x = var(2.0)
    with no_grad():
        with enable_grad():
            y = x * x
        z = x * x
    assert y.creator is not None and z.creator is None


def test_using_config_restores_after_exception():
    with pytest.raises(KeyError):
        with using_config("enable_backprop", False):
            raise KeyError
    assert Config.enable_backprop
    with pytest.raises(AttributeError, match="no_such_flag"):
        using_config("no_such_flag", 1)


def test_test_mode_sets_train_off():
    assert Config.train
    with autograd.test_mode():  # not imported by name: pytest would collect it
        assert not Config.train
    assert Config.train


# ----- requires_grad rules -----

def test_requires_grad_rules():
    assert Variable(np.array([1.0])).requires_grad
    assert not Variable(np.array([1.0]), requires_grad=False).requires_grad
    assert not as_variable(np.array([1.0])).requires_grad
    assert not Variable(np.array([1, 2])).requires_grad  # integers never get gradients
    with pytest.raises(TypeError, match="only floating-point data can require gradients"):
        Variable(np.array([1, 2]), requires_grad=True)  # (asked for: refused, as PyTorch)


def test_ops_on_constants_record_nothing():
    c = as_variable(np.array([1.0, 2.0]))
    y = exp(c) * 2
    assert y.creator is None and not y.requires_grad


def test_integer_inputs_get_no_gradient():
    x = Variable(np.array([1.0, 2.0]))
    counts = Variable(np.array([3, 4]))
    (x * counts).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])
    assert counts.grad is None


def test_constant_inputs_get_no_gradient():
    x = Variable(np.array([1.0, 2.0]))
    c = as_variable(np.array([5.0, 6.0]))
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad.data, [5.0, 6.0])


# ----- cutting the graph -----

def test_detach_shares_data_and_stops_gradient():
    x = var(2.0)
    a = x * x
    d = a.detach()
    assert d.data is a.data
    assert d.creator is None and not d.requires_grad
    y = a * d  # only the first factor carries gradient: d/dx (x^2 * const 4) = 8 x
    y.backward()
    assert x.grad.data == 16.0


def test_unchain_backward_cuts_every_creator():
    x = var(2.0)
    a = x * x
    b = exp(a)
    y = b * 3
    y.unchain_backward()
    assert y.creator is None and b.creator is None and a.creator is None
    z = y * 2
    z.backward()
    assert x.grad is None
    assert y.grad.data == 2.0  # y is now a leaf


# ----- dtypes -----

def test_float32_stays_float32_through_scalars_and_reductions():
    x = Variable(np.array([[0.5, 1.5], [2.0, -1.0]], dtype=np.float32))
    ys = [x * 0.5, 0.5 * x, x + 1, 2 - x, x / 3, 1 / (x + 3), x ** 2, 2.0 ** x, -x,
          exp(x), autograd.tanh(x), x.sum(), x.mean(axis=0), x.max(), autograd.logsumexp(x, axis=1)]
    for y in ys:
        assert y.dtype == np.float32, y.creator
    loss = sum((y.sum() for y in ys), Variable(np.float32(0.0), requires_grad=False)) / 7
    assert loss.dtype == np.float32
    loss.backward(create_graph=True)
    assert x.grad.dtype == np.float32
    gx2, = grad(x.grad.sum(), x)
    assert gx2.dtype == np.float32


def test_float32_gradient_values_match_float64():
    data = np.array([0.3, -1.2, 2.0])

    def gradient(dtype):
        x = Variable(data.astype(dtype))
        (autograd.tanh(x * 0.5) * exp(-x) + x ** 3).mean().backward()
        return x.grad.data

    g32, g64 = gradient(np.float32), gradient(np.float64)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, g64, rtol=1e-5)


class _TwoScalesAsList(Function):
    """(2x, 3x) returned as a list, by mistake."""

    def forward(self, x):
        return [2 * x, 3 * x]


class _MulGradsAsList(Function):
    """a * b whose backward returns its two gradients as a list."""

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return [gy * b, gy * a]


def test_a_forward_returning_a_list_is_named_and_a_backward_s_list_is_a_tuple():
    with pytest.raises(TypeError, match="_TwoScalesAsList.forward returned a list; return a "
                                        "tuple"):
        _TwoScalesAsList()(Variable(np.ones(2)))
    a, b = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0, 4.0]))
    _MulGradsAsList()(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 2.0])
