"""The comparison ops (equal, not_equal, greater, greater_equal, less, less_equal): NumPy's
results as boolean Variables, broadcast, with numbers and mixed dtypes; no gradient; a
captured step compares each call's values with them (a Variable's `!=` gives an array the
capture refuses)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable, capture

NAMES = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal"]


@pytest.mark.parametrize("name", NAMES)
def test_each_gives_numpy_s_booleans_broadcast(name):
    x = Variable(np.array([[0.0, 1.0, 2.0]]), requires_grad=True)
    y = np.array([[1.0], [2.0]])
    got = getattr(ag, name)(x, y)
    assert got.dtype == bool and not got.requires_grad
    np.testing.assert_array_equal(got.data, getattr(np, name)(x.data, y))
    np.testing.assert_array_equal(getattr(ag, name)(1, x).data, getattr(np, name)(1, x.data))


def test_an_integer_beside_floats_is_compared_as_floats_and_no_gradient_flows():
    x = Variable(np.array([0.5, 1.0, 1.5]), requires_grad=True)
    mask = ag.greater_equal(x, np.array([1, 1, 1]))
    np.testing.assert_array_equal(mask.data, [False, True, True])
    (ag.where(mask, x, 0.0) * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 2.0])


def test_a_captured_step_compares_each_call_s_tokens():
    def body(tokens, x):
        return ag.where(ag.not_equal(tokens, 0), x, 0.0).sum()
    x = np.array([1.0, 2.0, 4.0])
    step = capture(body)
    step(np.array([1, 0, 1]), x)
    step(np.array([1, 0, 1]), x)
    assert float(step(np.array([0, 1, 1]), x).data) == 6.0 and step.captured == 1
    operator = capture(lambda t, x: ag.where(t != 0, x, 0.0).sum())  # (t: a Variable here)
    for _ in range(2):
        operator(np.array([1, 0, 1]), x)
    assert float(operator(np.array([0, 1, 1]), x).data) == 6.0 and operator.captured == 1


def test_the_operators_are_the_ops():
    x = Variable(np.array([0.5, 1.0, 1.5]), requires_grad=True)
    for symbol, name in [("<", "less"), ("<=", "less_equal"), (">", "greater"),
                         (">=", "greater_equal"), ("==", "equal"), ("!=", "not_equal")]:
        mirrored = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(symbol, symbol)
        for y in (eval(f"x {symbol} 1.0"), eval(f"1.0 {mirrored} x")):
            assert isinstance(y, Variable) and y.dtype == bool and not y.requires_grad
            np.testing.assert_array_equal(y.data, getattr(np, name)(x.data, 1.0), err_msg=symbol)
    assert (x == None) is False and (x != None) is True  # noqa: E711 (Python's fallback)
    assert not (x == "a")


def test_a_number_is_compared_as_it_is_and_a_number_on_the_left_mirrors():
    tokens = Variable(np.array([5, 255], np.uint8))  # -1 and 1000 fit no uint8 / int8
    np.testing.assert_array_equal(ag.not_equal(tokens, -1).data, [True, True])
    np.testing.assert_array_equal(ag.greater(Variable(np.array([5], np.int8)), 1000).data,
                                  [False])
    x = Variable(np.array([0.5, 1.0, 1.5]))
    for name in NAMES:
        np.testing.assert_array_equal(getattr(ag, name)(1.0, x).data,
                                      getattr(np, name)(1.0, x.data), err_msg=name)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.greater(np.zeros(3), np.zeros(4)), ValueError,
     r"greater: invalid inputs \(\(3,\) float64, \(4,\) float64\)"),
    (lambda: ag.less(np.zeros(3), None), TypeError, r"less: expected a number, array or "
                                                    r"Variable, got NoneType"),
])
def test_errors_name_the_comparison(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_masks_combine_with_the_operators_and_the_logical_ops():
    x = Variable(np.array([-1.0, 0.0, 2.0, 3.0]), requires_grad=True)
    data = x.data
    cases = {"&": ((x > -1) & (x < 3), (data > -1) & (data < 3)),
             "|": ((x < 0) | (x > 2), (data < 0) | (data > 2)),
             "^": ((x >= 0) ^ (x > 2), (data >= 0) ^ (data > 2)),
             "~": (~(x > 0), ~(data > 0)),
             "& array": (np.array([True, False, True, True]) & (x > 0),
                         np.array([True, False, True, True]) & (data > 0)),
             "logical_and": (ag.logical_and(x, x > 0), np.logical_and(data, data > 0)),
             "logical_or": (x.logical_or(0), np.logical_or(data, 0)),
             "logical_xor": (ag.logical_xor(x, [1, 0, 0, 1]), np.logical_xor(data, [1, 0, 0, 1])),
             "logical_not": (x.logical_not(), np.logical_not(data))}
    for what, (ours, numpys) in cases.items():
        assert isinstance(ours, Variable) and not ours.requires_grad, what
        np.testing.assert_array_equal(ours.data, numpys, err_msg=what)
    assert x[(x > -1) & (x < 3)].shape == (2,)
    with pytest.raises(TypeError, match="bitwise_and: expected integer or boolean values"):
        x & x


def test_pytorch_s_accuracy_idiom_reads_as_in_pytorch():
    logits = Variable(np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.5]]), requires_grad=True)
    labels = np.array([0, 1, 1])
    predicted = logits.argmax(1)
    assert isinstance(predicted, Variable) and predicted.dtype == np.int64
    assert (predicted == labels).float().mean().item() == pytest.approx(2 / 3)
    assert (logits.argmax(dim=1) == Variable(labels)).sum().item() == 2
    assert predicted.eq(labels).sum().item() == 2
    assert logits.argmax(1).ravel().shape == (3,) and logits.ravel().shape == (6,)
    assert "ab" * predicted[1] == "ab" and predicted[0] * "ab" == ""  # (by __index__)
