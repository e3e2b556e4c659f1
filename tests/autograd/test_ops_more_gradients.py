"""The ops of issue 12 §2 on the cases their Functions' specs do not draw
(tests/autograd/test_function_gradients.py checks those): backprop against numerical
differentiation, first and second order, on random inputs (hypothesis)."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd.testing import arrays, assert_gradients_match, shapes

from ._more_op_strategies import axes_or_none, einsum_problems, with_zeros

SMALL = dict(max_dims=3, max_side=3)


@given(data=st.data(), shape=shapes(**SMALL), ddof=st.sampled_from([1, 2]),
       which=st.sampled_from(["var", "std"]))
def test_var_and_std_with_a_correction(data, shape, ddof, which):
    x = data.draw(arrays(shape, distinct=True))
    axes = data.draw(axes_or_none(len(shape)))
    count = math.prod(shape[a] for a in (range(len(shape)) if axes is None else axes))
    if count > ddof:  # else inf/nan: nothing to differentiate
        assert_gradients_match(lambda v: getattr(ag, which)(v, axes, ddof=ddof), x, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_prod_and_cumprod_over_zeros(data, shape):
    x = data.draw(with_zeros(shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_gradients_match(lambda v: ag.prod(v, axis), x, order=2)
    assert_gradients_match(lambda v: ag.prod(v), x, order=2)
    assert_gradients_match(lambda v: ag.cumprod(v, axis), x, order=2)


def test_cumprod_gradient_over_zeros_without_a_graph_is_the_same():
    # first-order backprop takes the O(n) path, a graph the O(n^2) one: same values
    x = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.5, 2.0, -1.0, 4.0]])
    gy = np.random.default_rng(0).standard_normal(x.shape)
    v = ag.Variable(x)
    plain, = ag.grad(ag.cumprod(v, 1), [v], grad_outputs=gy)
    graph, = ag.grad(ag.cumprod(v, 1), [v], grad_outputs=gy, create_graph=True)
    np.testing.assert_allclose(plain.data, graph.data, rtol=1e-14, atol=1e-15)


@given(problem=einsum_problems())
def test_einsum(problem):
    subscripts, xs = problem
    assert_gradients_match(lambda *vs: ag.einsum(subscripts, *vs), *xs, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL),
       mode=st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
def test_pad(data, shape, mode):
    x = data.draw(arrays(shape))
    widths = data.draw(st.tuples(*[st.tuples(st.integers(0, 4), st.integers(0, 4))
                                   for _ in shape]))  # wider than the side: copies repeat
    assert_gradients_match(lambda v: ag.pad(v, widths, mode=mode), x, order=2)


@pytest.mark.parametrize("mode", ["constant", "edge", "wrap"])
def test_pad_of_a_0d_array_is_a_copy_as_numpy(mode):
    x = ag.Variable(np.array(2.0))
    y = ag.pad(x, 1, mode=mode)
    assert y.shape == () and y.item() == 2.0 and y.data is not x.data
    y.backward()
    assert x.grad.item() == 1.0


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), descending=st.booleans())
def test_sort_and_topk(data, shape, descending):
    x = data.draw(arrays(shape, distinct=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(0, shape[axis]))
    assert_gradients_match(lambda v: ag.sort(v, axis, descending=descending), x, order=2)
    assert_gradients_match(lambda v: ag.topk(v, k, axis, largest=descending)[0], x, order=2)


@given(data=st.data(), shape=shapes(min_dims=2, **SMALL),
       ord=st.sampled_from([None, "fro", 1, -1, math.inf, -math.inf]))
def test_matrix_norms(data, shape, ord):  # noqa: A002
    x = data.draw(arrays(shape, distinct=True, elements="away_from_zero"))
    axes = data.draw(hnp.valid_tuple_axes(len(shape), min_size=2, max_size=2))
    if ord not in (None, "fro"):  # a max/min of abs sums: keep off ties (kinks)
        row, col = (a % len(shape) for a in (axes if ord in (1, -1) else axes[::-1]))
        sums = np.sort(np.abs(x).sum(axis=row, keepdims=True), axis=col)
        assume(sums.shape[col] < 2 or np.diff(sums, axis=col).min() > 1e-3)
    assert_gradients_match(lambda v: ag.norm(v, ord, axes), x, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL),
       ord=st.sampled_from([math.inf, -math.inf, 0]))
def test_vector_norms_built_from_other_ops(data, shape, ord):  # noqa: A002
    x = data.draw(arrays(shape, distinct=True, elements="away_from_zero"))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_gradients_match(lambda v: ag.norm(v, ord, axis), x, order=2)


@given(data=st.data(), shape=shapes(max_dims=2, max_side=3), lower=st.booleans(),
       upper=st.booleans())
def test_clip_bounds_as_variables(data, shape, lower, upper):
    # x, a_min, a_max on three grids apart: no kink (x at a bound, a_min = a_max) is met;
    # a_min > a_max is drawn too
    def grid(offset):
        return arrays(shape).map(lambda a: np.round(a, 1) + offset)

    x = data.draw(grid(0.05))
    lo = data.draw(grid(0.0)) if lower or not upper else None
    hi = data.draw(grid(0.025)) if upper else None
    bounds = [b for b in (lo, hi) if b is not None]

    def f(v, *vs):
        it = iter(vs)
        return ag.clip(v, next(it) if lo is not None else None,
                       next(it) if hi is not None else None)

    assert_gradients_match(f, x, *bounds, order=2)
