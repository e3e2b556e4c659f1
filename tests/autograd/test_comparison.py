"""The comparison ops (equal, not_equal, greater, greater_equal, less, less_equal): NumPy's
results as boolean Variables, broadcast, with numbers and mixed dtypes; no gradient; a
captured step compares each call's values with them (a Variable's `!=` gives an array the
capture refuses)."""
import numpy as np
import pytest

import autograd as ag
from autograd import CaptureError, Variable, capture

NAMES = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal"]


@pytest.mark.parametrize("name", NAMES)
def test_each_gives_numpy_s_booleans_broadcast(name):
    x = Variable(np.array([[0.0, 1.0, 2.0]]), requires_grad=True)
    y = np.array([[1.0], [2.0]])
    got = getattr(ag, name)(x, y)
    assert got.dtype == bool and not got.requires_grad
    np.testing.assert_array_equal(got.data, getattr(np, name)(x.data, y))
    np.testing.assert_array_equal(getattr(ag, name)(1, x).data, getattr(np, name)(1, x.data))


def test_an_integer_beside_floats_is_compared_as_floats_and_no_gradient_flows():
    x = Variable(np.array([0.5, 1.0, 1.5]), requires_grad=True)
    mask = ag.greater_equal(x, np.array([1, 1, 1]))
    np.testing.assert_array_equal(mask.data, [False, True, True])
    (ag.where(mask, x, 0.0) * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 2.0])


def test_a_captured_step_compares_each_call_s_tokens():
    def body(tokens, x):
        return ag.where(ag.not_equal(tokens, 0), x, 0.0).sum()
    x = np.array([1.0, 2.0, 4.0])
    step = capture(body)
    step(np.array([1, 0, 1]), x)
    step(np.array([1, 0, 1]), x)
    assert float(step(np.array([0, 1, 1]), x).data) == 6.0 and step.captured == 1
    refused = capture(lambda t, x: ag.where(t != 0, x, 0.0).sum())
    with pytest.raises(CaptureError, match="computed outside"):  # `!=` gives a plain array
        for _ in range(2):
            refused(np.array([1, 0, 1]), x)
