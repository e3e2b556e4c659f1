"""Bad input gets a clear error naming the op: shape mismatches are ValueErrors naming both
shapes, strings/None/object arrays are TypeErrors, bad axes are ValueErrors."""
import re

import numpy as np
import pytest

import autograd as ag
from autograd import Variable

A = Variable(np.ones((3, 4)))
B = Variable(np.ones((5, 6)))
MASK = np.ones((3, 4), dtype=bool)

# op: a call with one bad argument in it
WITH_BAD_ARGUMENT = {
    "add": lambda bad: ag.add(A, bad),
    "sub": lambda bad: ag.sub(bad, A),
    "mul": lambda bad: ag.mul(A, bad),
    "div": lambda bad: ag.div(bad, A),
    "neg": lambda bad: ag.neg(bad),
    "pow": lambda bad: ag.pow(A, bad),
    "exp": lambda bad: ag.exp(bad),
    "log": lambda bad: ag.log(bad),
    "sin": lambda bad: ag.sin(bad),
    "cos": lambda bad: ag.cos(bad),
    "tan": lambda bad: ag.tan(bad),
    "tanh": lambda bad: ag.tanh(bad),
    "sqrt": lambda bad: ag.sqrt(bad),
    "abs": lambda bad: ag.abs(bad),
    "maximum": lambda bad: ag.maximum(A, bad),
    "minimum": lambda bad: ag.minimum(bad, A),
    "clip": lambda bad: ag.clip(bad, 0, 1),
    "where": lambda bad: ag.where(MASK, A, bad),
    "sum": lambda bad: ag.sum(bad),
    "mean": lambda bad: ag.mean(bad),
    "max": lambda bad: ag.max(bad),
    "min": lambda bad: ag.min(bad),
    "logsumexp": lambda bad: ag.logsumexp(bad),
    "sum_to": lambda bad: ag.sum_to(bad, (1,)),
    "broadcast_to": lambda bad: ag.broadcast_to(bad, (2, 2)),
    "reshape": lambda bad: ag.reshape(bad, (1, -1)),
    "transpose": lambda bad: ag.transpose(bad),
    "squeeze": lambda bad: ag.squeeze(bad),
    "expand_dims": lambda bad: ag.expand_dims(bad, 0),
    "flatten": lambda bad: ag.flatten(bad),
    "concatenate": lambda bad: ag.concatenate([A, bad]),
    "stack": lambda bad: ag.stack([A, bad]),
    "split": lambda bad: ag.split(bad, 1),
    "get_item": lambda bad: ag.get_item(bad, 0),
    "matmul": lambda bad: ag.matmul(A, bad),
    "dot": lambda bad: ag.dot(bad, A),
}

BAD_VALUES = {"str": "abc", "None": None,
              "object array": np.array([object(), 1.0], dtype=object)}

# op: a call on mismatched shapes (3, 4) and (5, 6)
MISMATCHED = {
    "add": lambda: A + B,
    "sub": lambda: A - B,
    "mul": lambda: A * B,
    "div": lambda: A / B,
    "pow": lambda: A ** B,
    "maximum": lambda: ag.maximum(A, B),
    "minimum": lambda: ag.minimum(A, B),
    "where": lambda: ag.where(MASK, A, B),
    "matmul": lambda: A @ B,
    "dot": lambda: ag.dot(A, B),
    "concatenate": lambda: ag.concatenate([A, B]),
    "stack": lambda: ag.stack([A, B]),
    "reshape": lambda: ag.reshape(A, (5, 6)),
    "sum_to": lambda: ag.sum_to(A, (5, 6)),
    "broadcast_to": lambda: ag.broadcast_to(A, (5, 6)),
}

BAD_AXES = {
    "sum": lambda: ag.sum(A, axis=2),
    "mean": lambda: ag.mean(A, axis=(0, 0)),
    "max": lambda: ag.max(A, axis=-3),
    "min": lambda: ag.min(A, axis=(1, 5)),
    "logsumexp": lambda: ag.logsumexp(A, axis=3),
    "squeeze": lambda: ag.squeeze(Variable(np.ones((3, 1))), axis=5),
    "expand_dims": lambda: ag.expand_dims(A, 4),
    "transpose": lambda: ag.transpose(A, (0, 0)),
    "split": lambda: ag.split(A, 5, axis=1),
    "stack": lambda: ag.stack([A, A], axis=3),  # (it inserts an axis: 3 is past the end)
}


@pytest.mark.parametrize("kind", BAD_VALUES)
@pytest.mark.parametrize("op", WITH_BAD_ARGUMENT)
def test_non_numeric_input_is_a_type_error_naming_the_op(op, kind):
    with pytest.raises(TypeError, match=rf"^{op}: "):
        WITH_BAD_ARGUMENT[op](BAD_VALUES[kind])


@pytest.mark.parametrize("op", MISMATCHED)
def test_shape_mismatch_is_a_value_error_naming_op_and_shapes(op):
    with pytest.raises(ValueError, match=rf"^{op}: ") as info:
        MISMATCHED[op]()
    message = re.sub(r"\s", "", str(info.value))
    assert "(3,4)" in message and "(5,6)" in message


def test_matmul_mismatch_message_is_exact():
    with pytest.raises(ValueError) as info:
        ag.matmul(A, B)
    assert str(info.value) == "matmul: shapes (3, 4) and (5, 6) are not aligned: 4 != 5"


@pytest.mark.parametrize("a_shape, b_shape", [((3,), (4,)), ((2, 3, 4), (2, 5, 6)),
                                              ((3,), (3, 4, 2)), ((2, 3, 4), (3, 4, 5))])
def test_matmul_mismatch_of_vectors_and_batches(a_shape, b_shape):
    with pytest.raises(ValueError, match=r"^matmul: ") as info:
        ag.matmul(np.ones(a_shape), Variable(np.ones(b_shape)))
    assert str(a_shape) in str(info.value) and str(b_shape) in str(info.value)


def test_matmul_rejects_0d_operands():
    with pytest.raises(ValueError, match=r"^matmul: .*at least 1-D"):
        ag.matmul(Variable(np.array(2.0)), A)


@pytest.mark.parametrize("op", BAD_AXES)
def test_bad_axis_is_a_value_error_naming_the_op(op):
    with pytest.raises(ValueError, match=rf"^{op}: "):
        BAD_AXES[op]()


@pytest.mark.parametrize("op", ["broadcast_to", "sum_to"])
def test_a_shape_that_is_no_sequence_of_ints_is_a_type_error_naming_the_op(op):
    with pytest.raises(TypeError, match=rf"^{op}: shape must be .* 'ab'"):
        getattr(ag, op)(A, "ab")


def test_split_into_zero_sections_says_so():
    with pytest.raises(ValueError, match=r"split: the number of sections must be larger than 0"):
        ag.split(A, 0)


@pytest.mark.parametrize("start, length, name", [(0.5, 1, "start"), (0, "2", "length")])
def test_narrow_names_itself_for_a_start_or_length_that_is_no_integer(start, length, name):
    with pytest.raises(TypeError, match=rf"narrow: {name} must be an integer, got "):
        ag.narrow(A, 0, start, length)


def test_a_users_own_function_keeps_the_error_it_raised_as_the_cause():
    """The op's message, and the user's line in the traceback (it ended in function.py);
    rungrad's own ops keep NumPy's insides out of the traceback."""

    class Broken(ag.Function):
        def forward(self, x):
            return x.reshape(5)

        def backward(self, gy):
            return gy

    with pytest.raises(ValueError, match="broken: invalid input") as raised:
        Broken()(ag.Variable(np.ones(2)))
    assert isinstance(raised.value.__cause__, ValueError)
    assert raised.value.__cause__.__traceback__.tb_next is not None  # (down to forward)
    with pytest.raises(ValueError) as raised:
        ag.reshape(ag.Variable(np.ones(2)), (5,))
    assert raised.value.__cause__ is None
