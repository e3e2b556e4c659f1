"""exp log sin cos tan tanh sqrt abs maximum minimum clip where: forward equals NumPy (values
and dtype), backprop equals numerical differentiation to first and second order, on
in-domain values kept away from poles, kinks and ties."""
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
    shapes,
)

SMALL = dict(max_dims=4, max_side=3)
GRID = 0.1  # maximum/minimum/clip: one operand on the grid, the other half a step off it

# name: elements in the op's domain (log/sqrt positive, tan away from its poles, abs off 0)
UNARY = {
    "exp": "bounded",
    "log": "positive",
    "sin": "bounded",
    "cos": "bounded",
    "tan": (-1.2, 1.2),
    "tanh": "bounded",
    "sqrt": "positive",
    "abs": "nonzero",
}


def on_grid(x, offset=0.0):
    """x rounded to multiples of GRID, plus `offset` (same dtype)."""
    return (np.round(x / GRID) * GRID + offset).astype(x.dtype)


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_unary_op(name, data, dtype, shape):
    x = data.draw(arrays(shape, dtype, UNARY[name]))
    op = getattr(ag, name)
    assert_forward_matches(op, getattr(np, name), x)
    assert_gradients_match(op, x, order=2)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data(), dtype=float_dtypes(), pair=broadcastable_shapes(**SMALL))
def test_maximum_minimum_away_from_ties(name, data, dtype, pair):
    x0 = on_grid(data.draw(arrays(pair[0], dtype)))
    x1 = on_grid(data.draw(arrays(pair[1], dtype)), offset=GRID / 2)
    op = getattr(ag, name)
    assert_forward_matches(op, getattr(np, name), x0, x1)
    assert_gradients_match(op, x0, x1, order=2)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_split_ties_evenly(name):
    x0, x1 = ag.Variable(np.array([1.0, 2.0])), ag.Variable(np.array([1.0, 3.0]))
    getattr(ag, name)(x0, x1).backward()
    winner = [0.0, 1.0] if name == "maximum" else [1.0, 0.0]
    np.testing.assert_array_equal(x0.grad.data, [0.5, 1 - winner[1]])
    np.testing.assert_array_equal(x1.grad.data, [0.5, winner[1]])


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL),
       bounds=st.tuples(st.integers(-15, 15), st.integers(-15, 15)),
       open_side=st.sampled_from([None, "a_min", "a_max"]))
def test_clip_away_from_kinks(data, dtype, shape, bounds, open_side):
    x = on_grid(data.draw(arrays(shape, dtype)), offset=GRID / 2)
    a_min, a_max = sorted(GRID * b for b in bounds)
    a_min = None if open_side == "a_min" else a_min
    a_max = None if open_side == "a_max" else a_max

    def clip(v):
        return ag.clip(v, a_min, a_max) if isinstance(v, ag.Variable) else np.clip(v, a_min, a_max)

    assert_forward_matches(clip, clip, x)
    assert_gradients_match(clip, x, order=2)


@given(data=st.data(), dtype=float_dtypes(), shapes3=broadcastable_shapes(num_shapes=3, **SMALL))
def test_where_broadcasts_condition_and_both_branches(data, dtype, shapes3):
    condition = data.draw(arrays(shapes3[0], np.float64)) > 0
    x0 = data.draw(arrays(shapes3[1], dtype))
    x1 = data.draw(arrays(shapes3[2], dtype))

    def where(a, b):
        return (ag.where if isinstance(a, ag.Variable) else np.where)(condition, a, b)

    assert_forward_matches(where, where, x0, x1)
    assert_gradients_match(where, x0, x1, order=2)
