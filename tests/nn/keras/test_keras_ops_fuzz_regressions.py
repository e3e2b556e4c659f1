"""keras.ops' differences from Keras 3.15.1 (torch backend, its NumPy backend agreeing) that
a random fuzz of every op found; each expected value and dtype is Keras' own, computed once
and written here as a literal."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn.keras as keras

ops = keras.ops

F32 = np.array([1.5, -2.25], np.float32)
I32 = np.array([3, -1], np.int32)
F16 = np.array([0.5, 2.0], np.float16)
BOOLS = np.array([True, False])
U8 = np.array([4, 0], np.uint8)
I8 = np.array([-3, 7], np.int8)


def _checked(result, dtype, values):
    data = np.asarray(result.data)
    assert data.dtype == np.dtype(dtype)
    np.testing.assert_allclose(data, values, rtol=1e-6)


@pytest.mark.parametrize("call, dtype, values", [
    (lambda: ops.add(F32, I32), "float32", [4.5, -3.25]),
    (lambda: ops.subtract(I32, F16), "float16", [2.5, -3.0]),
    (lambda: ops.multiply(BOOLS, 1.5), "float32", [1.5, 0.0]),
    (lambda: ops.add(BOOLS, 2), "int32", [3, 2]),
    (lambda: ops.minimum(BOOLS, 1.5), "float32", [1.0, 0.0]),
    (lambda: ops.multiply(I32, F32), "float32", [4.5, 2.25]),
])
def test_mixed_dtypes_promote_as_keras_does(call, dtype, values):
    """Keras' lattice, not NumPy's: float32 with int32 is float32 (NumPy's float64), int32
    with float16 float16, a Python float beside booleans float32."""
    _checked(call(), dtype, values)


@pytest.mark.parametrize("call, dtype, values", [
    (lambda: ops.heaviside(U8, -1), "float32", [1.0, -1.0]),
    (lambda: ops.heaviside(-1, U8), "float32", [0.0, 0.0]),
    (lambda: ops.round(np.array([-3, 7, 15], np.int8), 1), "int8", [-3, 7, 15]),
    (lambda: ops.round(np.array([14, 15, 26, -25], np.int32), -1), "int32", [10, 20, 30, -20]),
    (lambda: ops.relu6(np.array([-3, 7, 15], np.int8)), "int8", [0, 6, 6]),
    (lambda: ops.hard_tanh(np.array([-3, 0, 2], np.int32)), "int32", [-1, 0, 1]),
    (lambda: ops.one_hot(np.array([[-1, 1], [3, -1]], np.int32), 4), "float32",
     [[[0, 0, 0, 0], [0, 1, 0, 0]], [[0, 0, 0, 1], [0, 0, 0, 0]]]),
])
def test_integer_inputs_keras_takes(call, dtype, values):
    """Values where rungrad raised: a number that no uint8 holds, integers rounded or
    clipped in their own dtype, a negative class a row of zeros."""
    _checked(call(), dtype, values)


@pytest.mark.parametrize("call, dtype, values", [
    (lambda: ops.sum(np.array([[True, True], [False, True]]), axis=0), "int32", [1, 2]),
    (lambda: ops.sum(np.array([-3, 7, 15], np.int8)), "int32", 19),
    (lambda: ops.sum(np.array([200, 100], np.uint8)), "int32", 300),
    (lambda: ops.nansum(np.array([200, 100], np.uint8)), "int32", 300),
    (lambda: ops.prod(np.array([-3, 7, 15], np.int8)), "int32", -315),
    (lambda: ops.prod(np.array([2, 3], np.int32)), "int32", 6),
    (lambda: ops.floor(I8), "float32", [-3.0, 7.0]),
    (lambda: ops.square(BOOLS), "int32", [1, 0]),
    (lambda: ops.full((2,), 3), "float32", [3.0, 3.0]),
])
def test_result_dtypes_are_keras(call, dtype, values):
    """Sums and products of narrow integers in int32 (NumPy's int64), floor of integers in
    floats, the square of booleans in int32, full's default floatx."""
    _checked(call(), dtype, values)


@given(hnp.arrays(st.sampled_from([np.bool_, np.int8, np.uint8, np.int16, np.int32]),
                  hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                  elements={"min_value": 0, "max_value": 1}))
def test_narrow_integer_sums_are_int32(x):
    """Any bool or integer of 32 bits or fewer sums to int32, with NumPy's value."""
    _checked(ops.sum(x, axis=-1 if x.ndim else None), "int32",
             np.sum(x, axis=-1 if x.ndim else None))


@pytest.mark.parametrize("name, args", [("quantile", (0.5,)), ("percentile", (50,)),
                                        ("nanquantile", (0.5,)), ("nanmedian", ())])
def test_order_statistics_of_an_empty_kept_axis(name, args):
    """An empty axis beside the reduced one gives an empty result, shape (0, 2) float32 as
    Keras' (NumPy's reshape to (0, 2, -1) was ambiguous)."""
    result = getattr(ops, name)(np.zeros((0, 2, 1), np.float32), *args, axis=-1)
    assert result.shape == (0, 2) and result.dtype == np.float32
