"""The hypothesis strategies of autograd.testing draw what they promise."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.testing import (
    DISTINCT_GAP,
    arrays,
    broadcastable_shapes,
    float_dtypes,
    shapes,
    valid_axes,
)


@given(shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_shapes_respect_bounds(shape):
    assert 1 <= len(shape) <= 3 and all(2 <= n <= 4 for n in shape)


@given(broadcastable_shapes(num_shapes=3))
def test_broadcastable_shapes_broadcast(drawn):
    assert len(drawn) == 3
    np.broadcast_shapes(*drawn)  # raises if they do not


def test_broadcastable_shapes_include_rank_differences_and_ones():
    seen = {"rank": False, "ones": False}

    @given(broadcastable_shapes())
    def collect(pair):
        seen["rank"] |= len(pair[0]) != len(pair[1])
        seen["ones"] |= 1 in pair[0] + pair[1]

    collect()
    assert seen == {"rank": True, "ones": True}


@given(st.data(), float_dtypes(), st.sampled_from(["bounded", "positive", "nonzero",
                                                   "away_from_zero", (3, 4)]))
def test_arrays_have_shape_dtype_and_range(data, dtype, elements):
    x = data.draw(arrays(shapes(max_side=3), dtype, elements))
    assert x.dtype == dtype
    low, high = {"bounded": (-2, 2), "positive": (0.5, 2.5), "nonzero": (-2.5, 2.5),
                 "away_from_zero": (-2.5, 2.5)}.get(elements, elements)
    assert np.all((x >= low) & (x <= high))
    if elements in ("nonzero", "away_from_zero"):  # (a kink at 0; derivatives grown near 0)
        assert np.all(np.abs(x) >= (1e-3 if elements == "nonzero" else 0.5) * (1 - 1e-7))


@given(arrays(shapes(max_side=4), elements="positive", distinct=True))
def test_distinct_arrays_keep_a_gap(x):
    gaps = np.diff(np.sort(x.ravel()))
    assert np.all(gaps >= min(DISTINCT_GAP, 2.0 / x.size) * (1 - 1e-9))
    assert np.all((x >= 0.5) & (x <= 2.5))


def test_arrays_reject_unknown_elements():
    with pytest.raises(ValueError, match="elements"):
        arrays((2,), elements="huge")


@given(st.data(), shapes(max_dims=4))
def test_valid_axes_are_accepted_by_numpy(data, shape):
    axis = data.draw(valid_axes(len(shape)))
    np.sum(np.zeros(shape), axis=axis)  # raises for an invalid axis
