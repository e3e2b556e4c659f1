"""The integer ops of autograd/ops/integer_math.py against NumPy, their dtypes (a Python int
takes the tensor's, as PyTorch's), and what is refused (the property tests check them on
drawn integers)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

A = np.array([12, -7, 5, 0], np.int32)
B = np.array([8, 3, 0, 5], np.int32)


@pytest.mark.parametrize("name, numpy_name", [
    ("bitwise_and", "bitwise_and"), ("bitwise_or", "bitwise_or"),
    ("bitwise_xor", "bitwise_xor"), ("gcd", "gcd"), ("lcm", "lcm"),
    ("bitwise_left_shift", "left_shift"), ("bitwise_right_shift", "right_shift"),
])
def test_two_operand_ops_are_numpys_and_keep_the_dtype(name, numpy_name):
    expected = getattr(np, numpy_name)(A, np.abs(B) % 4 if "shift" in name else B)
    result = getattr(ag, name)(A, np.abs(B) % 4 if "shift" in name else B)
    np.testing.assert_array_equal(result.data, expected)
    assert getattr(ag, name)(Variable(A), 2).dtype == np.int32  # (a Python int: weak)


def test_not_and_membership():
    np.testing.assert_array_equal(ag.bitwise_not(A).data, ~A)
    np.testing.assert_array_equal(ag.bitwise_not(A > 0).data, ~(A > 0))
    np.testing.assert_array_equal(ag.isin(A, [5, 12]).data, np.isin(A, [5, 12]))
    np.testing.assert_array_equal(ag.isin(A, [5, 12], invert=True).data,
                                  np.isin(A, [5, 12], invert=True))


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.gcd(np.ones(2), B[:2]), TypeError, "gcd: expected integer values, got dtype "
                                                   "float64"),
    (lambda: ag.bitwise_and(A > 0, 1.5), TypeError, "bitwise_and: expected integer or boolean"),
    (lambda: ag.bitwise_not(A, B), TypeError, "takes 1 positional argument"),
])
def test_what_is_not_integer_math_is_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()
