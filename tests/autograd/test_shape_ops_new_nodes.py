"""Shape ops that change nothing still return a new Variable (PyTorch's views): hooks, names,
retain_grad, grad() and no_grad act on the result, never on the input (issue 17, item 1)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

UNCHANGED = {
    "reshape": lambda v: ag.reshape(v, v.shape),
    "reshape_method": lambda v: v.reshape(2, 3),
    "squeeze": ag.squeeze,
    "broadcast_to": lambda v: ag.broadcast_to(v, (2, 3)),
    "sum_to": lambda v: ag.sum_to(v, (2, 3)),
}


@pytest.mark.parametrize("name", list(UNCHANGED))
def test_the_result_is_a_new_node(name):
    x = Variable(np.arange(6.0).reshape(2, 3))
    y = UNCHANGED[name](x)
    assert y is not x and y.creator is not None
    np.testing.assert_array_equal(y.data, x.data)


@pytest.mark.parametrize("name", list(UNCHANGED))
def test_under_no_grad_the_result_does_not_require_grad(name):
    x = Variable(np.ones((2, 3)))
    with ag.no_grad():
        y = UNCHANGED[name](x)
    assert not y.requires_grad and x.requires_grad


@pytest.mark.parametrize("name", list(UNCHANGED))
def test_grad_with_respect_to_the_result_and_its_retained_gradient(name):
    x = Variable(np.arange(6.0).reshape(2, 3))
    y = UNCHANGED[name](x)
    g, = ag.grad(ag.sum(y * y) + ag.sum(x), [y])
    np.testing.assert_array_equal(g.data, 2 * x.data)  # not 2x + 1, x's own gradient
    y = UNCHANGED[name](x)
    y.retain_grad()
    (ag.sum(y * y) + ag.sum(x)).backward()
    np.testing.assert_array_equal(y.grad.data, 2 * x.data)
    np.testing.assert_array_equal(x.grad.data, 2 * x.data + 1)


def test_a_name_given_to_the_result_stays_off_the_input():
    x = Variable(np.ones(3), name="x")
    y = ag.reshape(x, (3,))
    y.name = "y"
    assert x.name == "x"
