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


def test_reductions_give_the_dtype_asked_for_wrapping_around_as_numpys():
    """(sum, prod and cumsum with dtype=int8 gave int64 200 where NumPy and PyTorch give
    int8 -56; a boolean sum gave 2 where NumPy's is True.)"""
    v = Variable(np.array([100, 100]), requires_grad=False)
    for ours, numpys in ((v.sum(dtype=np.int8), np.sum([100, 100], dtype=np.int8)),
                         (v.prod(dtype=np.int8), np.prod([100, 100], dtype=np.int8)),
                         (v.cumsum(0, dtype=np.int8), np.cumsum([100, 100], dtype=np.int8)),
                         (np.sum(v, dtype=np.int8), np.int8(-56))):
        assert ours.dtype == np.int8 and ours.data.tolist() == np.asarray(numpys).tolist()
    flags = Variable(np.array([True, True]), requires_grad=False)
    assert flags.sum(dtype=bool).data.tolist() is True
    x = Variable(np.array([1.0, 2.0]))
    total = x.sum(dtype=np.float32)
    total.backward()
    assert total.dtype == np.float32 and x.grad.data.tolist() == [1.0, 1.0]


def test_augmented_operators_change_a_parameter_in_place_as_the_others():
    """(//=, %= and **= replaced the Parameter by a new Variable, the model kept the old.)"""
    import nn
    layer = nn.Linear(2, 2)
    weight, before = layer.weight, layer.weight.data.copy()
    with ag.no_grad():
        weight //= 0.1
        weight %= 7
        weight **= 2
    assert weight is layer.weight
    np.testing.assert_allclose(layer.weight.data, ((before // 0.1) % 7) ** 2)
    with pytest.raises(RuntimeError, match=r"p \*\*= y: the Parameter p .* write p = p \*\* y"):
        layer.weight **= 2
    counts = Variable(np.array([5, 7]))
    kept = counts
    counts //= 2
    assert counts is not kept and kept.data.tolist() == [5, 7] and counts.data.tolist() == [2, 3]


def test_the_element_count_is_a_python_int_beside_small_integers():
    small = Variable(np.array([1, 2, 3], np.int8), requires_grad=False)
    assert (small + small.size).dtype == np.int8 and (small.size * small).dtype == np.int8


def test_an_empty_dividend_is_divided_by_zero_as_numpys_in_every_form():
    empty = Variable(np.zeros(0, np.int64))
    for result in (empty % 0, empty // 0, ag.fmod(empty, 0)):
        assert result.shape == (0,)
    with pytest.raises(ZeroDivisionError, match="remainder: integer division by zero"):
        Variable(np.array([2])) % 0
