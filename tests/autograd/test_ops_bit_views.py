"""nextafter and bitcast (autograd/ops/bit_views.py) against NumPy: their dtypes, that no
gradient flows through them (but through a bitcast to the same dtype), Variable.view(dtype),
a captured step computing them from each call's values, and what is refused (the property
tests check them on drawn arrays)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable


def test_nextafter_steps_one_ulp_in_the_floating_dtype_of_both():
    x = np.array([1.0, 1.0, -0.0, 3.0], np.float32)
    toward = np.array([2.0, 0.0, 1.0, 3.0], np.float32)
    result = ag.nextafter(Variable(x, requires_grad=True), toward)
    np.testing.assert_array_equal(result.data, np.nextafter(x, toward))
    assert result.dtype == np.float32 and result.data[0] > 1 > result.data[1]
    assert not result.requires_grad  # (a step of one ulp: no gradient, as PyTorch's)
    assert ag.nextafter(np.array([1, 2]), 3).dtype == np.float32  # (integers: float32)
    assert ag.nextafter(x, toward.astype(np.float64)).dtype == np.float64


def test_bitcast_reads_the_bytes_and_scales_the_last_axis():
    ints = np.array([[1, 2, 3, 4]], np.int32)
    as_floats = ag.bitcast(ints, np.float32)
    np.testing.assert_array_equal(as_floats.data, ints.view(np.float32))
    assert ag.bitcast(ints, "uint8").shape == (1, 16)
    assert ag.bitcast(ints, np.int64).shape == (1, 2)
    strided = np.arange(12, dtype=np.float32).reshape(3, 4).T  # (not contiguous)
    np.testing.assert_array_equal(ag.bitcast(strided, np.int32).data,
                                  np.ascontiguousarray(strided).view(np.int32))
    source = Variable(np.ones((2, 2), np.float32))
    copied = ag.bitcast(source, np.int32)
    copied.data[...] = 0  # (its own copy: the source keeps its values)
    assert source.data.sum() == 4


def test_no_gradient_through_bits_but_through_the_same_dtype():
    x = Variable(np.array([1.5, -2.0], np.float32), requires_grad=True)
    assert not ag.bitcast(x, np.int32).requires_grad
    same = ag.bitcast(x, np.float32)
    (same * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3, 3])


def test_view_with_a_dtype_is_a_bitcast_and_with_a_shape_a_reshape():
    x = Variable(np.arange(6, dtype=np.float32))
    np.testing.assert_array_equal(x.view(np.int32).data, x.data.view(np.int32))
    np.testing.assert_array_equal(x.view("int32").data, x.data.view(np.int32))
    np.testing.assert_array_equal(x.view(dtype=np.uint8).data, x.data.view(np.uint8))
    assert x.view(2, 3).shape == (2, 3) and x.view(-1).shape == (6,)


def test_a_captured_step_computes_them_from_each_calls_values():
    weight = Variable(np.ones(3, np.float32), requires_grad=True)

    def step(x):
        return ag.bitcast(ag.nextafter(x * weight, 10.0), np.int32)
    captured = ag.capture(step)
    for values in ([1.0, 2.0, 3.0], [4.0, -5.0, 6.0], [0.5, 0.25, 8.0], [9.0, 1.0, -1.0]):
        x = np.array(values, np.float32)
        np.testing.assert_array_equal(captured(x).data, step(x).data)
    assert captured.captured == 1


@pytest.mark.parametrize("call, message", [
    (lambda: ag.bitcast(np.float32(1.0), np.float64), "a 0-d input keeps its item size: "
                                                      "float32 \\(4 bytes\\) cannot"),
    (lambda: ag.bitcast(np.ones((2, 3), np.uint8), np.float32),
     r"the last axis of an input of shape \(2, 3\) and dtype uint8 holds 3 bytes, not a "
     r"whole number of float32 items"),
])
def test_what_cannot_be_read_so_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_python_number_takes_the_tensors_dtype_and_0d_stays_0d():
    """(A second review: nextafter(float32, np.inf) stepped in float64; a same-size bitcast
    of a 0-d array gave shape (1,).)"""
    x = np.array([1.0, 0.0], np.float32)
    stepped = ag.nextafter(x, np.inf)
    assert stepped.dtype == np.float32
    np.testing.assert_array_equal(stepped.data, np.nextafter(x, np.float32(np.inf)))
    assert ag.bitcast(np.float32(1.5), np.int32).shape == ()
    assert Variable(np.float32(1.5)).view(np.int32).data == np.float32(1.5).view(np.int32)
