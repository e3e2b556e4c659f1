"""reshape transpose squeeze expand_dims flatten concatenate stack split: forward equals
NumPy (values and dtype), backprop equals numerical differentiation to first and second
order."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Variable
from autograd.testing import (
    arrays,
    assert_forward_matches,
    assert_gradients_match,
    float_dtypes,
    shapes,
)

SMALL = dict(max_dims=4, max_side=3)


def either(autograd_op, numpy_op):
    """One callable for both sides: the autograd op on Variables, NumPy's on arrays."""
    def op(*args, **kwargs):
        first = args[0][0] if isinstance(args[0], (list, tuple)) else args[0]
        return (autograd_op if isinstance(first, Variable) else numpy_op)(*args, **kwargs)
    return op


def check(f, *xs):
    assert_forward_matches(f, f, *xs)
    assert_gradients_match(f, *xs, order=2)


@st.composite
def reshape_targets(draw, shape):
    """A shape of the same size: sides permuted, 1s inserted, perhaps one side as -1."""
    sides = list(draw(st.permutations(shape)))
    for _ in range(draw(st.integers(0, 2))):
        sides.insert(draw(st.integers(0, len(sides))), 1)
    if sides and draw(st.booleans()):
        sides[draw(st.integers(0, len(sides) - 1))] = -1
    return tuple(sides)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_reshape(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    target = data.draw(reshape_targets(shape))
    check(lambda v: v.reshape(target), x)  # Variable.reshape and ndarray.reshape
    check(lambda v: either(ag.reshape, np.reshape)(v, target), x)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_transpose(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    axes = data.draw(st.none() | st.permutations(range(len(shape))).flatmap(
        lambda perm: st.tuples(*[st.sampled_from([a, a - len(shape)]) for a in perm])))
    check(lambda v: either(ag.transpose, np.transpose)(v, axes), x)
    check(lambda v: v.T, x)


def test_transpose_of_one_axis_given_as_an_int_as_numpy_and_torch_permute():
    x = Variable(np.arange(3.0))
    np.testing.assert_array_equal(ag.transpose(x, 0).data, np.transpose(x.data, 0))
    np.testing.assert_array_equal(x.permute(-1).data, x.data)
    for call in (lambda: ag.transpose(Variable(np.ones((2, 3))), 1),
                 lambda: Variable(np.ones((2, 3))).permute(1)):
        with pytest.raises(ValueError, match=r"^transpose: axes \(1,\) are not a permutation"):
            call()


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(max_dims=4, max_side=2))
def test_squeeze(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    ones = [i for i, n in enumerate(shape) if n == 1]
    options = st.none()
    if ones:
        options |= (st.sampled_from(ones + [i - len(shape) for i in ones])
                    | st.lists(st.sampled_from(ones), unique=True).map(tuple))
    axis = data.draw(options)
    check(lambda v: either(ag.squeeze, np.squeeze)(v, axis), x)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_expand_dims(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    out_ndim = len(shape) + 1
    axis = data.draw(st.integers(-out_ndim, out_ndim - 1)
                     | st.lists(st.integers(0, out_ndim), min_size=2, max_size=2, unique=True)
                     .map(tuple))
    check(lambda v: either(ag.expand_dims, np.expand_dims)(v, axis), x)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL))
def test_flatten(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    check(lambda v: v.flatten(), x)
    check(lambda v: either(ag.flatten, np.ravel)(v), x)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=1, **SMALL),
       count=st.integers(1, 3))
def test_concatenate(data, dtype, shape, count):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    lengths = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    xs = [data.draw(arrays(shape[:axis % len(shape)] + (n,) + shape[axis % len(shape) + 1:],
                           dtype)) for n in lengths]
    check(lambda *vs: either(ag.concatenate, np.concatenate)(vs, axis=axis), *xs)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(**SMALL), count=st.integers(1, 3))
def test_stack(data, dtype, shape, count):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    xs = [data.draw(arrays(shape, dtype)) for _ in range(count)]
    check(lambda *vs: either(ag.stack, np.stack)(vs, axis=axis), *xs)


@given(data=st.data(), dtype=float_dtypes(), shape=shapes(min_dims=1, **SMALL))
def test_split(data, dtype, shape):
    x = data.draw(arrays(shape, dtype))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    length = shape[axis]
    sections = data.draw(st.sampled_from([n for n in range(1, length + 1) if length % n == 0])
                         | st.lists(st.integers(0, length + 1), max_size=3).map(sorted))
    check(lambda v: either(ag.split, np.split)(v, sections, axis=axis), x)


@given(data=st.data(), shape=shapes(min_dims=1, min_side=2, **SMALL))
def test_split_with_unused_parts(data, shape):
    x = data.draw(arrays(shape))
    check(lambda v: either(ag.split, np.split)(v, [1], axis=0)[1], x)


def test_transpose_takes_any_sequence_of_axes_as_numpy():
    x = Variable(np.arange(6.0).reshape(2, 3))
    for axes in (range(1, -1, -1), np.array([1, 0]), [np.int64(1), 0]):
        np.testing.assert_array_equal(ag.transpose(x, axes).data, np.transpose(x.data, axes))
    with pytest.raises(TypeError, match="^transpose: axes must be an int or a sequence of ints"):
        ag.transpose(x, "ab")
