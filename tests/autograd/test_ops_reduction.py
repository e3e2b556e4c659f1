"""Reductions as Variable methods, ties, stability, every axis of max/min, and sum_to /
broadcast_to: forward equals NumPy (values and dtype), backprop equals numerical
differentiation to first and second order. sum, mean, max, min and logsumexp over any axes
are checked from their Functions' specs (tests/autograd/test_function_gradients.py)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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


def numpy_sum_to(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1)
    return x.sum(axis=axes, keepdims=True).reshape(shape)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=1, **SMALL),
       keepdims=st.booleans())
def test_variable_method_matches_ndarray_method(name, data, dtype, shape, keepdims):
    x = data.draw(arrays(shape, dtype, distinct=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))

    def f(v):
        return getattr(v, name)(axis=axis, keepdims=keepdims)

    assert_forward_matches(f, f, x)
    assert_gradients_match(f, x, order=2)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_share_gradient_among_ties(name):
    x = Variable(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]) * (1 if name == "max" else -1))
    getattr(ag, name)(x, axis=1).backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


@given(data=st.data(), dtype=float_dtypes(), pair=broadcastable_shapes(**SMALL))
def test_sum_to_and_broadcast_to(data, dtype, pair):
    small, big = pair[0], np.broadcast_shapes(*pair)
    x_big = data.draw(arrays(big, dtype))
    x_small = data.draw(arrays(small, dtype))

    def sum_to(v):
        return ag.sum_to(v, small) if isinstance(v, Variable) else numpy_sum_to(v, small)

    def broadcast_to(v):
        return (ag.broadcast_to if isinstance(v, Variable) else np.broadcast_to)(v, big)

    assert_forward_matches(sum_to, sum_to, x_big, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert_gradients_match(sum_to, x_big, order=2)
    assert_forward_matches(broadcast_to, broadcast_to, x_small)
    assert_gradients_match(broadcast_to, x_small, order=2)


def test_sum_to_and_broadcast_to_take_an_int_shape_as_numpy():
    x = Variable(np.ones((2, 3)))
    np.testing.assert_array_equal(ag.sum_to(x, 3).data, [2.0, 2.0, 2.0])
    y = ag.broadcast_to(Variable(np.array([1.5])), np.int64(3))
    np.testing.assert_array_equal(y.data, np.broadcast_to(1.5, 3))


def test_logsumexp_is_stable_for_large_values():
    x = Variable(np.array([1000.0, 1000.0, -np.inf]))
    y = ag.logsumexp(x)
    assert y.data == pytest.approx(1000 + np.log(2))
    y.backward()
    np.testing.assert_allclose(x.grad.data, [0.5, 0.5, 0.0])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32,
                                   np.int64, np.uint64, np.bool_])
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=2, max_side=4))
def test_logsumexp_of_integers_is_that_of_their_float64_values(dtype, data, shape):
    # x - max(x) in int8 wrapped around (-100 - 100 = 56) and exp(int8) is float16: inf
    info = np.iinfo(dtype) if dtype != np.bool_ else None
    x = data.draw(hnp.arrays(dtype, shape, elements=None if info is None else
                             st.integers(max(info.min, -300), min(info.max, 300))))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    y = ag.logsumexp(x, axis=axis)
    expected = ag.logsumexp(x.astype(np.float64), axis=axis).data
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, expected, rtol=1e-14)


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, -2, -3, (0, 2), (-1, 0), ()])
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_min_over_every_axis(name, axis, keepdims):
    x = np.random.default_rng(7).permutation(24).reshape(2, 3, 4) / 10.0  # no ties

    def f(v):
        return getattr(ag, name)(v, axis=axis, keepdims=keepdims)

    assert_forward_matches(f, lambda a: getattr(np, name)(a, axis=axis, keepdims=keepdims), x)
    assert_gradients_match(f, x, order=2)


def test_logsumexp_takes_scipys_weights_and_sign():
    """(SciPy's b= and return_sign= were refused: the contract names SciPy's logsumexp.)"""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    total = (b * np.exp(a)).sum(axis=1)
    y, signs = ag.logsumexp(Variable(a), axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(y.data, np.log(np.abs(total)))
    np.testing.assert_array_equal(signs.data, np.sign(total))
    kept = ag.logsumexp(Variable(a), axis=1, b=np.abs(b), keepdims=True)
    np.testing.assert_allclose(kept.data, np.log((np.abs(b) * np.exp(a)).sum(1, keepdims=True)))
    # a term of weight 0 takes no part, even an infinite one (SciPy's)
    assert ag.logsumexp(Variable(np.array([np.inf, 1.0])), b=np.array([0.0, 2.0])).data == \
        pytest.approx(1 + np.log(2))
    assert ag.logsumexp(np.zeros((2, 0)), axis=1, b=np.ones((2, 0))).data.tolist() == [
        -np.inf, -np.inf]
    assert ag.gradcheck(lambda x, w: ag.logsumexp(x, axis=1, b=w, return_sign=True)[0],
                        Variable(a), Variable(b))


def test_an_empty_dim_is_every_dim_in_pytorchs_reductions_but_none_in_all_and_any():
    """(amax, amin, nansum, nanmean, count_nonzero and the logsumexp method left x as it
    was for dim=(); the all and any methods reduced everything.)"""
    x = Variable(np.array([[0.0, 1.0], [2.0, np.nan]]))
    w = Variable(np.arange(4.0).reshape(2, 2))
    assert (w.amax(dim=()).data, w.amin(dim=[]).data) == (3.0, 0.0)
    assert w.amax(dim=(), keepdim=True).shape == (1, 1)
    assert (x.nansum(dim=()).data, x.nanmean(dim=()).data) == (3.0, 1.0)
    assert w.count_nonzero(dim=()).data == 3
    assert w.logsumexp(()).data == pytest.approx(np.log(np.exp(np.arange(4.0)).sum()))
    for truth in (w.all(dim=()), w.any(dim=()), ag.all(w, dim=())):
        assert truth.data.tolist() == [[False, True], [True, True]]


def test_float16_std_and_round_are_computed_wide_and_rounded_once():
    """(The variance 90,000 was rounded to float16, inf, before its square root; rounding to
    2 decimals multiplied by 100 in float16: 700 became inf.)"""
    x = Variable(np.array([300.0, -300.0], np.float16))
    s = x.std(dim=0)
    s.backward()
    assert s.dtype == np.float16 and s.data == np.float16(424.25)
    np.testing.assert_allclose(x.grad.data, [0.7071, -0.7071], rtol=1e-3)
    assert np.isinf(x.var(dim=0).data)  # (the variance itself is past float16, as PyTorch's)
    rounded = ag.round(Variable(np.array([1000.0, 700.0, 1.235], np.float16)), decimals=2)
    assert rounded.dtype == np.float16 and rounded.data.tolist()[:2] == [1000.0, 700.0]
