"""index_add, index_copy, index_fill, index_put, masked_select, masked_scatter, take and
scatter_reduce against PyTorch: values, gradients and second derivatives in float64,
float32 kept, bad arguments named."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Variable

from .._helpers import assert_float32_kept
from ._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
rng = np.random.default_rng(7)
X = rng.standard_normal((3, 4))


@pytest.mark.parametrize("dim, index", [(0, [2, 0, 2]), (1, [3, 3, 0, 1, 3]), (-1, []),
                                        (0, [1])])
@pytest.mark.parametrize("alpha", [1, -2.5])
def test_index_add(dim, index, alpha):
    shape = list(X.shape)
    shape[dim] = len(index)
    src, index = rng.standard_normal(shape), np.array(index, np.int64)
    assert_matches_torch(lambda x, s, i: ag.index_add(x, dim, i, s, alpha=alpha),
                         lambda x, s, i: x.index_add(dim, i, s, alpha=alpha), X, src, index)


def test_index_add_of_a_0d_input_and_method():
    assert_matches_torch(lambda x, s: x.index_add(0, np.array([0]), s, alpha=3),
                         lambda x, s: x.index_add(0, torch.tensor([0]), s, alpha=3),
                         np.array(2.0), np.array(5.0))


@pytest.mark.parametrize("dim, index", [(0, [2, 0]), (1, [3, 1, 0, 2]), (1, [])])
def test_index_copy(dim, index):
    shape = list(X.shape)
    shape[dim] = len(index)
    src = rng.standard_normal(shape)
    assert_matches_torch(lambda x, s: x.index_copy(dim, np.array(index, np.int64), s),
                         lambda x, s: x.index_copy(dim, torch.tensor(index, dtype=torch.int64), s),
                         X, src)


@pytest.mark.parametrize("dim, index", [(0, [2, 2]), (1, [-1, 0]), (-2, [])])
def test_index_fill_with_a_number_and_a_0d_variable(dim, index):
    index = np.array(index, np.int64)
    assert_matches_torch(lambda x: x.index_fill(dim, index, -1.5),
                         lambda x: x.index_fill(dim, torch.tensor(index), -1.5), X)
    wrapped = index % X.shape[dim]  # (PyTorch's gradient of a tensor value fails on -1)
    assert_matches_torch(lambda x, v: ag.index_fill(x, dim, index, v),
                         lambda x, v: x.index_fill(dim, torch.tensor(wrapped), v), X,
                         np.array(0.3))


INDICES = [((np.array([0, 2, 0]), np.array([1, 1, 1])), (3,)),
           ((np.array([[1], [2]]), np.array([0, 3])), (2, 2)),
           ((np.array([2, 0]),), (4,)),
           ((X > 0,), ())]


@pytest.mark.parametrize("indices, shape", INDICES)
def test_index_put_accumulate(indices, shape):
    values = rng.standard_normal(shape)
    assert_matches_torch(
        lambda x, v: x.index_put(indices, v, accumulate=True),
        lambda x, v: x.index_put(tuple(map(torch.tensor, indices)), v, accumulate=True),
        X, values)


@pytest.mark.parametrize("indices, shape", INDICES[1:])
def test_index_put_writes(indices, shape):
    values = rng.standard_normal(shape)
    assert_matches_torch(
        lambda x, v: ag.index_put(x, indices, v),
        lambda x, v: x.index_put(tuple(map(torch.tensor, indices)), v), X, values)


def test_index_put_takes_values_given_as_a_list_or_an_array():
    """(A list of values was taken for one value: masked_fill refused it.)"""
    x = np.zeros((2, 3))
    for values in ([5.0, 6.0], np.array([5.0, 6.0])):
        out = ag.index_put(x, (np.array([0, 1]), np.array([2, 0])), values)
        np.testing.assert_array_equal(out.data, [[0, 0, 5], [6, 0, 0]])


def test_index_put_one_value_at_repeated_positions():
    """The value is written once per position: its gradient sums the upstream gradient over
    the distinct positions (PyTorch's counts a repeat twice, for an output that holds it
    once; its documentation leaves repeats undefined)."""
    indices = (np.array([0, 0, 2]), np.array([1, 1, -1]))
    assert_matches_torch(lambda x, v: ag.index_put(x, indices, v),
                         lambda x, v: x.index_put(tuple(map(torch.tensor, indices)), v),
                         X, np.array(4.0), order=0)
    ag.gradcheck(lambda x, v: ag.index_put(x, indices, v), Variable(X), Variable(4.0))
    value = Variable(4.0)
    (g,) = ag.grad(ag.index_put(X, indices, value).sum(), [value])
    assert g.data == 2.0
    y = ag.index_put(Variable(X), indices, 2)
    np.testing.assert_array_equal(y.data, torch.tensor(X).index_put(
        tuple(map(torch.tensor, indices)), torch.tensor(2.0, dtype=torch.float64)).numpy())


@pytest.mark.parametrize("mask_shape", [(3, 4), (4,), (3, 1), (2, 3, 4)])
def test_masked_select_broadcasts_both(mask_shape):
    mask = rng.random(mask_shape) > 0.4
    assert_matches_torch(lambda x: x.masked_select(mask),
                         lambda x: x.masked_select(torch.tensor(mask)), X)


@pytest.mark.parametrize("mask_shape", [(3, 4), (4,), (2, 3, 4)])
def test_masked_scatter(mask_shape):
    mask = rng.random(mask_shape) > 0.4
    source = rng.standard_normal((5, 6))  # more than enough elements
    assert_matches_torch(lambda x, s: ag.masked_scatter(x, mask, s),
                         lambda x, s: torch.masked_scatter(x, torch.tensor(mask), s), X, source)


@pytest.mark.parametrize("index", [[0], [[11, -1], [5, 5]], [], 3])
def test_take(index):
    index = np.array(index, np.int64)
    assert_matches_torch(lambda x: x.take(index), lambda x: x.take(torch.tensor(index)), X)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_scatter_reduce_with_ties_and_zeros(reduce, include_self, data):
    """Small integers: ties for amax/amin and zeros for prod, where PyTorch's own rules give
    the gradient."""
    dim = data.draw(st.sampled_from([0, 1, -1]))
    seed = data.draw(st.integers(0, 2**16))
    r = np.random.default_rng(seed)
    x = r.integers(-2, 3, (3, 4)).astype(float)
    src = r.integers(-2, 3, (2, 3)).astype(float)
    index = r.integers(0, x.shape[dim], (2, 3))
    # (PyTorch's prod has no second derivative where a position gets two zeros)
    order = 1 if reduce == "prod" else 2
    assert_matches_torch(
        lambda v, s: v.scatter_reduce(dim, index, s, reduce, include_self=include_self),
        lambda v, s: v.scatter_reduce(dim, torch.tensor(index), s, reduce,
                                      include_self=include_self), x, src, order=order)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_second_order_off_ties(reduce):
    x = rng.uniform(0.5, 2, (3, 4))
    src = rng.uniform(0.5, 2, (3, 4))
    index = np.array([[0, 1, 2, 0], [0, 0, 2, 2], [1, 1, 1, 1]])
    assert_matches_torch(lambda v, s: ag.scatter_reduce(v, 0, index, s, reduce),
                         lambda v, s: v.scatter_reduce(0, torch.tensor(index), s, reduce), x, src)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_integers_and_nan(reduce, include_self):
    index = np.array([0, 1, 2, 2])
    x, src = np.array([1, 2, 3, 4]), np.array([5, -3, -1, 2])
    ours = ag.scatter_reduce(x, 0, index, src, reduce, include_self=include_self)
    theirs = torch.tensor(x).scatter_reduce(0, torch.tensor(index), torch.tensor(src), reduce,
                                            include_self=include_self)
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert ours.dtype == np.int64
    x, src = np.array([1.0, 2, 3, np.nan]), np.array([5.0, np.nan, -1, 2])
    ours = ag.scatter_reduce(x, 0, index, src, reduce, include_self=include_self)
    theirs = torch.tensor(x).scatter_reduce(0, torch.tensor(index), torch.tensor(src), reduce,
                                            include_self=include_self)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def _scatter_reduce_call(reduce):
    return lambda x: x.scatter_reduce(1, np.array([[0, 0], [1, 1], [2, 3]]), x, reduce)


CALLS = {
    "index_add": lambda x: x.index_add(1, [0, 2], Variable(np.ones((3, 2), np.float32))),
    "index_copy": lambda x: x.index_copy(0, [1], Variable(np.ones((1, 4), np.float32))),
    "index_fill": lambda x: x.index_fill(1, [1], 2.0),
    "index_put": lambda x: x.index_put((np.array([0, 0]),), Variable(np.float32(1)), True),
    "masked_select": lambda x: x.masked_select(np.ones(4, bool)),
    "masked_scatter": lambda x: ag.masked_scatter(x, np.ones(4, bool), x),
    "take": lambda x: x.take([1, 2]),
    **{f"scatter_reduce_{r}": _scatter_reduce_call(r)
       for r in ("sum", "prod", "mean", "amax", "amin")},
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float32_stays_float32(name):
    assert_float32_kept(CALLS[name])


def test_float16_repeated_index_add_accumulates_in_float32():
    """5,000 adds of 0.1 at one float16 position: 500 (summed in float32, rounded once);
    PyTorch's CPU kernel adds in float16 and stops at 256."""
    x = Variable(np.zeros(1, np.float16))
    y = ag.index_add(x, 0, np.zeros(5000, np.int64), Variable(np.full(5000, 0.1, np.float16)))
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.data.astype(float), [500.0], rtol=1e-3)


ERRORS = [
    (lambda: ag.index_add(X, 2, [0], X), IndexError, "index_add: axis 2"),
    (lambda: ag.index_add(X, 1, [4], X[:, :1]), IndexError, "index_add: index 4"),
    (lambda: ag.index_add(X, 1, [-1], X[:, :1]), IndexError, "index_add: index -1"),
    (lambda: ag.index_add(X, 1, [0, 1], X), ValueError, r"index_add: source of shape \(3, 4\)"),
    (lambda: ag.index_add(X, 1, [0.5], X[:, :1]), TypeError, "index_add: index must hold"),
    (lambda: ag.index_add(X, 1, [0], X[:, :1].astype(np.float32)), TypeError,
     "index_add: the input .*float64.* the source .*float32"),
    (lambda: ag.index_copy(X, 0, [1, 1], X[:2]), ValueError, "index_copy: index names"),
    (lambda: ag.index_fill(X, 0, [[0]], 1.0), ValueError, r"index_fill: index must be 1-D"),
    (lambda: ag.index_put(X, np.array([0]), 1.0), TypeError, "index_put: indices must be a "),
    (lambda: ag.index_put(X, (np.array([5]),), 1.0), IndexError, "index_put: index 5"),
    (lambda: ag.index_put(X, (np.array([0.0]),), 1.0), TypeError, "index_put: indices must hold"),
    (lambda: ag.index_put(X, (np.array([0, 0]),), Variable(X[:2])), ValueError,
     "index_put: indices name"),
    (lambda: ag.index_put(X, (np.array([0]),), Variable(np.ones(3))), ValueError,
     r"index_put: values of shape \(3,\)"),
    (lambda: ag.masked_select(X, np.ones(3, bool)), ValueError, r"masked_select: a mask of "),
    (lambda: ag.masked_select(X, np.ones(4)), TypeError, "masked_select: mask must be boolean"),
    (lambda: ag.masked_scatter(X, X > -10, X[:2]), ValueError,
     "masked_scatter: the mask selects 12 elements, but source"),
    (lambda: ag.take(X, [12]), IndexError, "take: index 12 is out of range"),
    (lambda: ag.scatter_reduce(X, 0, np.zeros((1, 1), int), X, "max"), ValueError,
     "scatter_reduce: reduce must be one of"),
    (lambda: ag.scatter_reduce(X, 0, np.full((1, 1), 3), X, "sum"), IndexError,
     "scatter_reduce: index 3"),
    (lambda: ag.scatter_reduce(X, 0, np.zeros((4, 1), int), X, "sum"), ValueError,
     "scatter_reduce: index of shape"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


_MASK = [[True, False], [False, True], [True, True], [False, False]]


@pytest.mark.parametrize("op", ["index_add", "scatter", "scatter_add", "index_put",
                                "index_put_acc", "index_copy", "masked_scatter",
                                "masked_select"])
def test_an_index_changed_in_place_after_the_op_does_not_move_the_gradient(op):
    """The ops kept the index Variable's array itself: changed in place before backward, it
    sent the source's gradient to the new positions ([4, 3], not [1, 3], for index_add)."""
    def run(change):
        x = Variable(np.arange(8.0).reshape(4, 2))
        s = Variable(np.arange(6.0).reshape(3, 2) + 10)
        idx = Variable(np.array([[0, 0], [2, 1], [1, 2]] if "scatter" == op[:7] and
                                op != "masked_scatter" else [2, 0, 1]), requires_grad=False)
        mask = Variable(np.array(_MASK), requires_grad=False)
        y = {"index_add": lambda: ag.index_add(x, 0, idx, s),
             "scatter": lambda: ag.scatter(x, 0, idx, s),
             "scatter_add": lambda: ag.scatter_add(x, 0, idx, s),
             "index_put": lambda: ag.index_put(x, (idx,), s),
             "index_put_acc": lambda: ag.index_put(x, (idx,), s, accumulate=True),
             "index_copy": lambda: ag.index_copy(x, 0, idx, s),
             "masked_scatter": lambda: ag.masked_scatter(x, mask, s),
             "masked_select": lambda: ag.masked_select(x, mask)}[op]()
        loss = (y * y).sum()
        if change:
            idx[0] = 3 if idx.ndim == 1 else idx[0]
            idx.data[0] = 3
            mask[3, 0] = True
        loss.backward()
        return x.grad.data, None if s.grad is None else s.grad.data
    for before, after in zip(run(False), run(True)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("dtype, row", [(np.int8, 100), (np.uint8, 200), (np.int16, 600),
                                        (np.uint16, 1100), (np.uint64, 1500)])
def test_rows_picked_by_a_small_integer_index_get_their_gradient(dtype, row):
    """Rows were scattered at index * row_size computed in the index's dtype: int16's 600 *
    64 wrapped round to row 576; uint64 failed beside NumPy's intp."""
    weight = Variable(np.zeros((2000, 64)))
    index = np.array([row, 3, 3], dtype)
    weight[index].sum().backward()
    expected = np.zeros((2000, 64))
    np.add.at(expected, index.astype(np.intp), 1.0)
    np.testing.assert_array_equal(weight.grad.data, expected)


def test_an_expanded_variable_shares_its_base_s_version():
    a = Variable(np.array([[1.0], [2.0]]), requires_grad=False)
    x = Variable(np.ones((2, 3)))
    y = (x * a.expand(2, 3)).sum()
    a[0, 0] = 100.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()
