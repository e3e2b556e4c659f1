"""x[index] / get_item with ints, slices, Ellipsis, None, boolean masks and integer arrays
(duplicates accumulate): forward equals NumPy (values and dtype), backprop equals numerical
differentiation to first and second order."""
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
    float_dtypes,
    shapes,
)

from ._torch_parity import assert_matches_torch

SMALL = dict(max_dims=3, max_side=4)


def check_index(x, index):
    def f(v):
        return v[index]

    def via_function(v):
        return ag.get_item(v, index) if isinstance(v, Variable) else v[index]

    assert_forward_matches(f, f, x)
    assert_forward_matches(via_function, via_function, x)
    assert_gradients_match(f, x, order=2)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_basic_index(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    check_index(x, index)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=1, **SMALL))
def test_integer_array_index_with_duplicates(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    index = data.draw(hnp.integer_array_indices(
        shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=5)))
    check_index(x, index)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=1, **SMALL))
def test_boolean_mask(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    mask_ndim = data.draw(st.integers(1, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:mask_ndim]))
    check_index(x, mask)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=2, **SMALL))
def test_integer_array_mixed_with_slice_and_ellipsis(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    rows = data.draw(hnp.arrays(np.intp, st.integers(1, 5),
                                elements=st.integers(-shape[0], shape[0] - 1)))
    check_index(x, (rows, slice(None, None, -1)))
    check_index(x, (Ellipsis, rows % shape[-1]))


def test_repeated_indices_accumulate_gradient():
    x = Variable(np.arange(4.0))
    y = x[np.array([0, 0, 3, 0])]
    y.backward(np.array([1.0, 10.0, 100.0, 1000.0]))
    np.testing.assert_array_equal(x.grad.data, [1011.0, 0.0, 0.0, 100.0])


@pytest.mark.parametrize("index", [np.array([2, 2, 0]), [2, 2, 0]])
def test_index_given_as_variable_or_list(index):
    x = np.arange(6.0).reshape(3, 2)
    assert_forward_matches(lambda v: v[Variable(np.asarray(index))],
                           lambda a: a[np.asarray(index)], x)
    assert_gradients_match(lambda v: v[index], x, order=2)


@pytest.mark.parametrize("tuple_index", [False, True])
def test_an_index_variable_changed_in_place_after_indexing_is_refused(tuple_index):
    x = Variable(np.arange(6.0).reshape(2, 3) if tuple_index else np.arange(3.0))
    idx = Variable(np.array([0, 1]))
    y = (x[:, idx] if tuple_index else x[idx]).sum()
    idx[0] = 2  # backward would move the gradient to another element (PyTorch raises too)
    with pytest.raises(RuntimeError, match="the index of shape \\(2,\\) of get_item was "
                                           "modified in place"):
        y.backward()
    z = x[idx].sum() if not tuple_index else x[:, idx].sum()  # indexed afresh: fine
    z.backward()
    expected = np.array([0.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, expected if not tuple_index else
                                  np.tile(expected, (2, 1)))


def test_an_index_variable_changed_before_a_second_order_backward_is_refused():
    x, w = Variable(np.arange(4.0)), Variable(np.array([1.0, 2.0]))
    idx = Variable(np.array([0, 1]))
    gx, = ag.grad((x[idx] * w).sum(), [x], create_graph=True)
    idx[0] = 3
    with pytest.raises(RuntimeError, match="the index of shape \\(2,\\) of getitemgrad"):
        ag.grad((gx * Variable(np.arange(4.0) + 1)).sum(), [w])


@given(data=st.data(), shape=shapes(min_dims=1, min_side=1, **SMALL))
def test_take_along_axis_broadcasts_as_numpy(data, shape):
    """The other axes of x and of the indices broadcast (a size 1 of either repeats), as
    NumPy's take_along_axis and PyTorch's take_along_dim."""
    torch = pytest.importorskip("torch")
    from autograd.ops.sorting import take_along_axis
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    ones = [data.draw(st.sampled_from(["x", "indices", None])) for _ in shape]
    x_shape = tuple(1 if one == "x" else n for one, n in zip(ones, shape))
    index_shape = [1 if one == "indices" else n for one, n in zip(ones, shape)]
    index_shape[axis] = data.draw(st.integers(0, 3))
    bound = x_shape[axis]
    indices = data.draw(hnp.arrays(np.int64, tuple(index_shape),
                                   elements=st.integers(-bound, bound - 1)))
    y = take_along_axis(np.zeros(x_shape), indices, axis)
    assert y.shape == np.take_along_axis(np.zeros(x_shape), indices, axis).shape
    assert_matches_torch(lambda v: take_along_axis(v, indices, axis),
                         lambda t: torch.take_along_dim(t, torch.tensor(indices % bound), axis),
                         data.draw(arrays(x_shape)), order=1)


def test_take_along_axis_refuses_indices_of_another_rank():
    from autograd.ops.sorting import take_along_axis
    with pytest.raises(ValueError, match=r"take_along_axis.*\(2,\).*\(3, 4\)"):
        take_along_axis(np.ones((3, 4)), np.array([0, 1]), 1)


@pytest.mark.parametrize("indices, error, message", [
    (np.array([[0.5]]), TypeError, r"take_along_axis: index must hold integers, got dtype float64"),
    (np.array([[True]]), TypeError, r"take_along_axis: index must hold integers, got dtype bool"),
    (np.array([[4]]), IndexError, r"take_along_axis: index 4 is out of bounds for axis 1 of size "
                                  r"4 \(input shape \(3, 4\)\)"),
    (np.array([[-5]]), IndexError, r"take_along_axis: index -5 is out of bounds"),
])
def test_take_along_axis_names_itself_for_bad_indices(indices, error, message):
    from autograd.ops.sorting import take_along_axis
    with pytest.raises(error, match=message):
        take_along_axis(Variable(np.ones((3, 4))), indices, 1)


def test_take_along_axis_takes_indices_as_a_list_or_a_variable():
    """as gather does (NumPy's take_along_axis fails on a list with an AttributeError)"""
    from autograd.ops.sorting import take_along_axis
    x = Variable(np.arange(6.0).reshape(2, 3))
    for indices in ([[2, -1], [0, 0]], Variable(np.array([[2, -1], [0, 0]]))):
        np.testing.assert_array_equal(take_along_axis(x, indices, 1).data, [[2, 2], [3, 3]])


def test_masked_fill_keeps_the_input_s_dtype_for_a_variable_value():
    """PyTorch's masked_fill gives self's dtype: a float64 0-d Variable (Variable(2.0)'s
    default) filled into float32 x keeps it float32; the value's gradient comes back in
    its own dtype."""
    x = Variable(np.array([0.5, -1.0, 2.0], np.float32))
    value = Variable(2.0)
    y = ag.masked_fill(x, np.array([True, False, True]), value)
    gx, gv = ag.grad((y * y).sum(), [x, value])
    assert (y.dtype, gx.dtype, gv.dtype) == (np.float32, np.float32, np.float64)
    np.testing.assert_array_equal(y.data, [2.0, -1.0, 2.0])
    assert float(gv.data) == 8.0
