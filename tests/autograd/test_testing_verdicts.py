"""check_function's verdicts on backward passes that are wrong only where the first round of
checks did not look: on the create_graph path with one input requiring grad, run twice
through one graph, with an upstream of 1 or of the other sign, with one output of several
used; and a clear word where numerical differentiation cannot judge (a float32-only f).
A PyTorch-style Function is checked as any other."""
import numpy as np
import pytest
from hypothesis import settings

import autograd as ag
import nn
import optim
from autograd import Function, Variable
from autograd.spec import Spec
from autograd.testing.function_check import FunctionCheckError, check_function

FEW = settings(max_examples=25, derandomize=True, deadline=None, database=None)


class CompactOnTheGraphPath(Function):
    """x y + 2 y; `backward` drops the slot of an input that needs no gradient."""

    input_specs = (Spec(), Spec(like=0))

    def forward(self, x, y):
        return x * y + 2 * y

    def backward_data(self, gy):
        x, y = self.inputs[0].data, self.inputs[1].data
        return gy * y, gy * (x + 2)

    def backward(self, gy):
        x, y = self.inputs
        grads = [gy * y] if self.needs_input_grad[0] else []
        grads += [gy * (x + 2)] if self.needs_input_grad[1] else []
        return tuple(grads) + (None,) * (2 - len(grads))


class DoublingOnTheGraphPath(Function):
    """3 x; `backward` changes what forward saved, so a second pass gives twice as much."""

    input_specs = (Spec(),)

    def forward(self, x):
        self.c = 3.0
        return 3 * x

    def backward_data(self, gy):
        return gy * 3.0

    def backward(self, gy):
        g = gy * self.c
        self.c *= 2
        return g


class SineCosine(Function):
    """(sin x, cos x); its backward forgets that an output may get no gradient (None)."""

    takes_missing_grads = True
    input_specs = (Spec(),)

    def forward(self, x):
        return np.sin(x), np.cos(x)

    def backward(self, g_sin, g_cos):
        x = self.inputs[0]
        return g_sin * ag.cos(x) - g_cos * ag.sin(x)


class SignlessSumOfSquares(Function):
    """sum x^2, whose backward reads |gy|: right for every positive upstream."""

    input_specs = (Spec(),)

    def forward(self, x):
        return np.sum(x * x)

    def backward(self, gy):
        return abs(gy) * 2 * self.inputs[0]


class OwnPathForOne(Function):
    """sum x^2 / 2, whose backward_data has a wrong path of its own for gy == 1."""

    input_specs = (Spec(),)

    def forward(self, x):
        return 0.5 * np.sum(x * x)

    def backward_data(self, gy):
        x = self.inputs[0].data
        return 2 * x if float(gy) == 1 else gy * x

    def backward(self, gy):
        return gy * self.inputs[0]


@pytest.mark.parametrize("cls, words", [
    (CompactOnTheGraphPath, "create_graph=True .* with only this input requiring grad"),
    (DoublingOnTheGraphPath, "not reentrant"),
    (SineCosine, "only output 0 receiving a gradient .* raised TypeError"),
    (SignlessSumOfSquares, "disagrees with numerical differentiation"),
    (OwnPathForOne, "upstream gradient of 1")])
def test_a_backward_wrong_only_off_the_checked_path_fails(cls, words):
    """Each passed check_function before."""
    with pytest.raises(FunctionCheckError, match=words):
        check_function(cls, FEW)


class Float32Tanh(Function):
    """tanh computed in float32 whatever the inputs: numerical differentiation of its
    float64 copies sees float32 steps."""

    input_specs = (Spec("float32"),)
    gradcheck_order = 1

    def forward(self, x):
        return np.tanh(x.astype(np.float32))

    def backward(self, gy):
        t = np.tanh(self.inputs[0].data.astype(np.float32))
        return gy * Variable(1 - t * t)


def test_a_float32_only_function_is_named_so_not_blamed():
    """Its right backward was reported as 0.477 against a numeric 0.508."""
    with pytest.raises(FunctionCheckError, match="returns output 0 in float32: numerical "
                                                 "differentiation runs f in float64"):
        check_function(Float32Tanh, FEW)


class TorchStyleCube(Function):
    input_specs = (Spec(),)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x * x


def test_a_pytorch_style_function_is_checked():
    """Its graph records a call of it, not an instance: 'records no TorchStyleCube'."""
    check_function(TorchStyleCube, FEW)


class HandsOnItsInput(Function):
    """sum x^2 / 2; backward_data gives x's own array for gy == 1 (right in value)."""

    def forward(self, x):
        return 0.5 * np.sum(x * x)

    def backward_data(self, gy):
        x = self.inputs[0].data
        return x if float(gy) == 1 else gy * x

    def backward(self, gy):
        return gy * self.inputs[0]


def test_a_gradient_that_is_the_leaf_s_own_array_is_copied_into_grad():
    """The .grad was the parameter's array: the optimizer's update changed it too."""
    p = nn.Parameter(np.array([1.0, 2.0]))
    HandsOnItsInput()(p).backward()
    before = p.grad.data.copy()
    optim.SGD([p], lr=0.5).step()
    np.testing.assert_array_equal(p.grad.data, before)


class ArrayBackward(Function):
    """x^3 with DeZero's early backward on arrays: right to first order only."""

    input_specs = (Spec(),)

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        return gy.data * 3 * self.inputs[0].data ** 2


class Labels(Function):
    """A one-hot of integer labels: nothing to differentiate."""

    input_specs = (Spec("int", elements=(0, 3)),)

    def forward(self, t):
        return np.eye(3)[t]

    def backward(self, gy):
        return None


@pytest.mark.parametrize("cls, words", [
    (ArrayBackward, "gradients that are constants .* gradcheck_order = 1"),
    (Labels, "no input of it is floating-point .* gradcheck_order = 0")])
def test_what_cannot_be_checked_at_the_default_order_says_which_order_to_declare(cls, words):
    """Before: a second derivative 'analytic 0, numeric -1.37', and 'give float arrays, e.g.
    x.astype(float)' for labels."""
    with pytest.raises(FunctionCheckError, match=words):
        check_function(cls, FEW)


class TextbookSigmoid(Function):
    """1 / (1 + e^-x), backward y (1 - y): right, and computed with cancellation far out."""

    input_specs = (Spec("float64", elements=(-40.0, 40.0)),)

    def forward(self, x):
        return 1 / (1 + np.exp(-x))

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * y * (1 - y)


class SlopeBeyondTheBounds(Function):
    """clip(x, 0, 1), whose backward gives a slope of 1/2 where the clip is flat."""

    input_specs = (Spec("float64", elements=(-3.0, 3.0)),)

    def forward(self, x):
        return np.clip(x, 0, 1)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.where((x > 0) & (x < 1), 1.0, 0.5))


def test_a_function_flat_by_rounding_is_not_blamed_and_a_flat_one_still_is():
    """sigmoid's second derivative at 27 read 'numeric 0': 1 - sigmoid(27) keeps three
    digits, so a small step moves nothing; a larger step sees backprop's slope. At 30 a
    step 10,000 times longer measures it within the tolerance (1.46e-13 against 1.56e-13,
    atol 2.2e-14); scaled by 1e10, the same 7 % is beyond it: named, not blamed."""
    check_function(TextbookSigmoid, settings(max_examples=100, derandomize=True,
                                             deadline=None, database=None))
    assert ag.gradgradcheck(ag.sigmoid, np.array([30.0]))
    with pytest.raises(ag.GradcheckError, match="same bit for bit .* cancellation"):
        ag.gradgradcheck(lambda x: 1e10 * ag.sigmoid(x), np.array([30.0]))
    with pytest.raises(FunctionCheckError, match="disagrees with numerical differentiation"):
        check_function(SlopeBeyondTheBounds, FEW)


def test_a_failing_example_pasted_back_reruns_the_failure():
    """Its line read `args={axis=...}` and `Example(inputs=...)`, which Example did not take:
    no Python made it again."""
    from autograd.testing import Example, check_example
    with pytest.raises(FunctionCheckError) as failed:
        check_function(SignlessSumOfSquares, FEW)
    line = str(failed.value).rsplit("on ", 1)[1].strip()
    example = eval(line, {"Example": Example, "array": np.array, "float64": np.float64,  # noqa: S307
                          "float32": np.float32})
    with pytest.raises(FunctionCheckError, match="disagrees with numerical differentiation"):
        check_example(SignlessSumOfSquares, example)


def test_a_replayed_step_copies_a_gradient_that_is_the_leaf_s_own_array():
    """The replay stores a leaf's first gradient itself (autograd/replay_backward.py), by
    the same rule as the engine."""
    p = nn.Parameter(np.array([1.0, 2.0]))
    optimizer = optim.SGD([p], lr=0.5)

    @ag.capture
    def step():
        optimizer.zero_grad()
        HandsOnItsInput()(p).backward()
    for _ in range(4):
        step()
        assert not np.shares_memory(p.grad.data, p.data)
    assert step.replays == 2
