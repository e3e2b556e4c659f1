"""The stand-in's kernels read C as CUDA does (so the fake-CuPy run checks the real bodies)."""
import numpy as np
import pytest

from .fake_cupy import ndarray
from .fake_kernels import ElementwiseKernel, ReductionKernel


def test_precedence_ternary_casts_and_integer_division_are_c_s():
    kernel = ElementwiseKernel("I a, I b, T x", "T y, I q, I r",
                               "y = a < 0 || b > 2 ? (T)1 + x * 2 : -x; q = a / b; r = a % b",
                               "probe")
    a, b = np.array([-7, 7, 7, -7]), np.array([2, 2, 3, -3])
    x = np.array([0.5, 1.5, 2.5, 3.5], np.float32)
    y, q, r = kernel(ndarray(a), ndarray(b), ndarray(x))
    np.testing.assert_array_equal(y._host, [2, -1.5, 6, 8])
    assert y._host.dtype == np.float32
    np.testing.assert_array_equal(q._host, [-3, 3, 2, 2])  # toward zero, not floor
    np.testing.assert_array_equal(r._host, [-1, 1, 1, -1])  # the dividend's sign


def test_outputs_given_are_read_and_written_in_place_and_raw_arrays_take_flat_indices():
    kernel = ElementwiseKernel("raw T table, I row, int64 width", "T y",
                               "T s = table[i * width + row]; y += s", "pick")
    table = np.arange(6.0).reshape(3, 2)
    out = ndarray(np.ones(3))
    assert kernel(ndarray(table), ndarray(np.array([1, 0, 1])), 2, out) is out
    np.testing.assert_array_equal(out._host, [2, 3, 6])


def test_what_cupy_refuses_is_refused():
    kernel = ElementwiseKernel("T x, T z", "T y", "y = x + z", "add")
    with pytest.raises(TypeError, match="type is mismatched"):
        kernel(ndarray(np.ones(2, np.float32)), ndarray(np.ones(2)))
    with pytest.raises(TypeError, match="Unsupported type"):
        kernel(ndarray(np.ones(2)), np.ones(2))


def test_reduction_sums_the_mapped_values_along_the_axis():
    kernel = ReductionKernel("T x, T top", "T y", "exp(x - top)", "a + b", "y = a", "0",
                             "sum_exp")
    x = np.log(np.array([[1.0, 3.0], [2.0, 2.0]]))
    total = kernel(ndarray(x), ndarray(np.zeros((2, 1))), axis=1, keepdims=True)
    np.testing.assert_allclose(total._host, [[4.0], [4.0]])
