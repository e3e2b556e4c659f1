"""Blame (gradcheck(..., localize=True), GradcheckError.localize()): a composite of right ops and
one deliberately wrong custom Function blames that Function, at the user's line that created
it, wherever it sits: behind broadcasting, behind indexing, on a reused variable."""
import numpy as np
import pytest

import autograd as ag
from autograd import Function, GradcheckError, Variable, gradcheck, gradgradcheck
from autograd.testing.blame import localize

RNG = np.random.default_rng(0)


class ScaleWrong(Function):
    """y = 3x, its backward planted wrong: 2 gy."""

    def forward(self, x):
        return 3 * x

    def backward(self, gy):
        return 2 * gy


class SquareDetached(Function):
    """y = x^2: first order right, second order planted wrong (x leaves the graph)."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return 2 * gy * Variable(self.inputs[0].data)


def behind_broadcasting(x, b):
    h = ag.tanh(x + b)                                   # b (3,) broadcast over x (2, 3)
    y = ScaleWrong()(h * b)  # BLAMED: behind broadcasting
    return ag.sum(ag.sin(y), axis=0)


def behind_indexing(x, b):
    h = ag.exp(ag.matmul(x, ag.reshape(b, (3, 1))))
    y = ScaleWrong()(ag.get_item(x, ([0, 1, 1], [2, 0, 2])))  # BLAMED: behind indexing
    return ag.sum(y * y) + ag.sum(h)


def on_a_reused_variable(x, b):
    h = ag.tanh(x) * b
    y = ScaleWrong()(h)  # BLAMED: on a reused variable
    return y * y + y * h + ag.sum(y)


def blamed_error(f, *inputs, check=gradcheck):
    with pytest.raises(GradcheckError) as info:
        check(f, *inputs, localize=True)
    return info.value


@pytest.mark.parametrize("f", [behind_broadcasting, behind_indexing, on_a_reused_variable])
def test_the_wrong_function_is_blamed_at_its_line(f):
    x, b = RNG.uniform(-1, 1, (2, 3)), RNG.uniform(-1, 1, 3)
    error = blamed_error(f, x, b)
    blame = error.blame
    assert type(blame.function) is ScaleWrong
    filename, line, code = blame.site
    assert filename == __file__ and code.endswith("# BLAMED: " + f.__name__.replace("_", " "))
    assert "ScaleWrong" in str(error) and f"{__file__}:{line}" in str(error)
    worst = blame.error.entries[0]
    assert worst[0] == "input 0" and worst[2] == pytest.approx(worst[3] * 2 / 3)


def test_localize_is_also_a_method_of_the_error():
    x, b = RNG.uniform(-1, 1, (2, 3)), RNG.uniform(-1, 1, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(behind_broadcasting, x, b)
    assert "localize" not in str(info.value)  # only on request
    assert type(info.value.localize().function) is ScaleWrong


def test_second_order_blame():
    def f(x):
        return ag.sum(ag.exp(SquareDetached()(ag.sin(x))))

    x = RNG.uniform(-1, 1, 3)
    gradcheck(f, x)  # the first order is right
    error = blamed_error(f, x, check=gradgradcheck)
    assert type(error.blame.function) is SquareDetached


def test_right_ops_are_not_blamed_when_f_leaves_the_graph():
    def f(x):
        return ag.exp(x) * Variable(np.sin(x.data))  # sin computed off the graph

    blame = localize(f, RNG.uniform(-1, 1, 4))
    assert blame.function is None and blame.checked == 2
    assert "leaves the graph" in str(blame)


def test_a_right_composite_is_not_blamed():
    blame = localize(lambda x, b: ag.sum(ag.tanh(x + b) * b), RNG.uniform(-1, 1, (2, 3)),
                     RNG.uniform(-1, 1, 3))
    assert blame.function is None


def test_an_error_not_from_a_check_cannot_localize():
    with pytest.raises(ValueError, match="unknown"):
        GradcheckError("made by hand").localize()
