"""maximum/minimum ties and where's three-way broadcasting. Each op's forward against NumPy
and its backprop to second order, on values away from poles, kinks and ties, are checked
from the specs its Function declares (tests/autograd/test_function_gradients.py)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import (
    arrays,
    assert_forward_matches,
    assert_gradients_match,
    broadcastable_shapes,
    float_dtypes,
)

SMALL = dict(max_dims=4, max_side=3)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_split_ties_evenly(name):
    x0, x1 = ag.Variable(np.array([1.0, 2.0])), ag.Variable(np.array([1.0, 3.0]))
    getattr(ag, name)(x0, x1).backward()
    winner = [0.0, 1.0] if name == "maximum" else [1.0, 0.0]
    np.testing.assert_array_equal(x0.grad.data, [0.5, 1 - winner[1]])
    np.testing.assert_array_equal(x1.grad.data, [0.5, winner[1]])


@given(data=st.data(), dtype=float_dtypes(), shapes3=broadcastable_shapes(num_shapes=3, **SMALL))
def test_where_broadcasts_condition_and_both_branches(data, dtype, shapes3):
    condition = data.draw(arrays(shapes3[0], np.float64)) > 0
    x0 = data.draw(arrays(shapes3[1], dtype))
    x1 = data.draw(arrays(shapes3[2], dtype))

    def where(a, b):
        return (ag.where if isinstance(a, ag.Variable) else np.where)(condition, a, b)

    assert_forward_matches(where, where, x0, x1)
    assert_gradients_match(where, x0, x1, order=2)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "log1p",
                                  "expm1", "sigmoid", "logsumexp"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.bool_, np.int16, np.int64])
def test_integer_and_bool_inputs_compute_in_float64(name, dtype):
    """NumPy gives exp, log, sqrt... of int8, uint8 and bool in float16 (exp(uint8(20)) was
    inf) and of int16 in float32: rungrad computes every integer type in float64."""
    values = np.array([1, 0, 1], dtype) if dtype is np.bool_ else np.array([20, 1, 3], dtype)
    y = getattr(ag, name)(ag.Variable(values))
    assert y.dtype == np.float64
    x = values.astype(np.float64)
    want = {"logsumexp": lambda: np.log(np.exp(x).sum()),
            "sigmoid": lambda: 1 / (1 + np.exp(-x))}.get(name, lambda: getattr(np, name)(x))()
    np.testing.assert_allclose(y.data, want, rtol=1e-12)
