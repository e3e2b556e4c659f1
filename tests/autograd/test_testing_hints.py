"""check_my_gradient: each usual mistake of a hand derivation, planted in a right gradient,
is named; a right gradient passes; anything else gets the worst entries."""
import numpy as np
import pytest

import autograd as ag
from autograd.testing import GradientHintError, check_my_gradient

RNG = np.random.default_rng(0)
X, W, B = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 2)), RNG.standard_normal(2)


def layer(x, w, b):
    """L = sum(tanh(x @ w + b)), b broadcast over the 4 rows."""
    return ag.sum(ag.tanh(ag.matmul(x, w) + b))


def right(x, w, b):
    d = 1 - np.tanh(x @ w + b) ** 2
    return d @ w.T, x.T @ d, d.sum(axis=0)


def mistake(kind):
    def my_grad(x, w, b):
        gx, gw, gb = right(x, w, b)
        d = 1 - np.tanh(x @ w + b) ** 2
        return {"transpose": (gx, gw.T, gb),       # (x.T @ d).T: shape (2, 3), not (3, 2)
                "broadcast_sum": (gx, gw, d),      # the sum over the 4 rows forgotten
                "sign": (-gx, gw, gb),
                "factor": (gx, 2 * gw, gb),
                "shape": (gx, gw, gb[:1])}[kind]
    return my_grad


def hint_of(f, my_grad, *inputs):
    with pytest.raises(GradientHintError) as info:
        check_my_gradient(f, my_grad, *inputs)
    return info.value


def test_a_right_gradient_passes():
    assert check_my_gradient(layer, right, X, W, B) is True
    assert check_my_gradient(layer, right(X, W, B), X, W, B) is True  # arrays instead


@pytest.mark.parametrize("kind, input, words", [
    ("transpose", 1, "transpose"),
    ("broadcast_sum", 2, "sum over the broadcast axes (0,)"),
    ("sign", 0, "wrong sign"),
    ("factor", 1, "twice the right gradient"),
    ("shape", 2, "has shape (1,)"),
])
def test_each_planted_mistake_yields_its_hint(kind, input, words):
    error = hint_of(layer, mistake(kind), X, W, B)
    assert (error.hint, error.input) == (kind, input)
    assert words in str(error)


def test_square_transpose_is_named_too():
    a = RNG.standard_normal((3, 3))
    error = hint_of(lambda m: ag.sum(ag.matmul(m, ag.sin(m))), lambda m: right_square(m).T, a)
    assert error.hint == "transpose"


def right_square(m):
    """d/dm of sum(m @ sin(m))."""
    ones = np.ones((3, 3))
    return ones @ np.sin(m).T + np.cos(m) * (m.T @ ones)


@pytest.mark.parametrize("factor, words", [(0.5, "a factor 2 is missing"),
                                           (12, "the 1/12 of a mean over 12"),
                                           (1 / 3, "1/3 of the right gradient"),
                                           (1.7, "1.7 times")])
def test_constant_factors_are_named(factor, words):
    error = hint_of(lambda x: ag.sum(x * x), lambda x: factor * 2 * x, X)
    assert error.hint == "factor" and error.factor == pytest.approx(factor)
    assert words in str(error)


def test_a_bias_gradient_divided_by_the_batch_size_is_named():
    """The bias's own shape (2,) holds no 4: the N of a mean over the batch is the size of
    another input's axis (the hint said only 'a constant factor is off')."""
    def averaged(x, w, b):
        gx, gw, gb = right(x, w, b)
        return gx, gw, gb / 4  # a mean over the batch of 4 where the sum is right
    error = hint_of(layer, averaged, X, W, B)
    assert (error.hint, error.input) == ("factor", 2)
    assert "it is 1/4 of the right gradient: a sum over 4 elements" in str(error)


def test_the_gradient_of_another_input_is_named():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    error = hint_of(lambda a, b: ag.sum(a * b * b), lambda a, b: (2 * a * b, None), a, b)
    assert (error.hint, error.input) == ("wrong_input", 0)
    assert "with respect to input 1" in str(error)


def test_other_mistakes_get_the_worst_entries():
    error = hint_of(lambda x: ag.sum(ag.exp(x)), lambda x: np.exp(x) + x ** 2, X)
    assert error.hint is None and "Worst entries" in str(error)


def test_a_wrong_count_of_gradients_is_refused():
    with pytest.raises(ValueError, match="2 gradients for 3 inputs"):
        check_my_gradient(layer, lambda x, w, b: (x, w), X, W, B)


def test_f_returning_an_array_is_named():
    with pytest.raises(TypeError, match="f returned ndarray, not Variables"):
        check_my_gradient(lambda x: np.sin(x.data), lambda x: np.cos(x), np.ones(3))
