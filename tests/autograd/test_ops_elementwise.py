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
