"""numerical_diff / numerical_grad / gradcheck / gradgradcheck: they compute the right
numbers and, above all, catch wrong backward passes."""
import subprocess
import sys

import numpy as np
import pytest

import autograd
from autograd import (
    Function,
    GradcheckError,
    Variable,
    exp,
    gradcheck,
    gradgradcheck,
    log,
    numerical,
    numerical_diff,
    numerical_grad,
    split,
    sqrt,
    tanh,
)
from autograd.testing import assert_gradients_match
from nn import functional as F

from .._helpers import ROOT

RNG = np.random.default_rng(0)


def rand(*shape, dtype=np.float64):
    return RNG.uniform(-1, 1, shape).astype(dtype)


class MulWrongSecond(Function):
    """y = a * b with d/db deliberately wrong (uses b instead of a)."""

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return gy * b, gy * b


class Cube(Function):
    """y = x^3, its backward written with differentiable ops (correct to every order)."""

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x = self.inputs[0]
        return gy * 3 * x * x


class CubeDetached(Cube):
    """y = x^3 whose backward uses a detached array: first derivative right, second zero."""

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(3 * x * x, requires_grad=False)


class CubeDetachedUpstream(Cube):
    """y = x^3 whose backward detaches the upstream gradient: d(grad)/d(gy) is lost."""

    def backward(self, gy):
        return Variable(gy.data, requires_grad=False) * 3 * self.inputs[0] ** 2


class MeanOfUpstream(Function):
    """y = x with a backward that spreads the mean of gy: right only for uniform gy."""

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy * 0 + autograd.mean(gy)


class GradientForLabels(Function):
    """y = x (labels ride along) that wrongly hands a gradient to its integer input."""

    def forward(self, x, labels):
        return x.copy()

    def backward(self, gy):
        return gy, Variable(np.ones(self.inputs[1].shape), requires_grad=False)


# ----- numerical_diff -----

def test_numerical_diff_of_square_at_three_is_six():
    assert numerical_diff(lambda x: x * x, Variable(np.array(3.0))) == pytest.approx(6.0)


def test_numerical_diff_is_elementwise_on_arrays():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(numerical_diff(autograd.sin, x), np.cos(x), rtol=1e-7)
    np.testing.assert_allclose(numerical_diff(exp, x), np.exp(x), rtol=1e-7)


def test_numerical_diff_of_composition_matches_chain_rule():
    # the study notes' example: y = (exp(x^2))^2 at x = 0.5
    dy = numerical_diff(lambda x: exp(x ** 2) ** 2, 0.5)
    assert dy == pytest.approx(4 * 0.5 * np.exp(2 * 0.25), rel=1e-7)


def test_numerical_diff_runs_in_float64_for_float32_input():
    seen = []
    dy = numerical_diff(lambda x: seen.append(x.dtype) or x * x, np.float32(1.5))
    assert seen == [np.float64, np.float64]
    assert dy.dtype == np.float64
    assert dy == pytest.approx(3.0, rel=1e-7)


# ----- numerical_grad -----

def test_numerical_grad_of_product_with_upstream():
    a, b, u = rand(3, 4), rand(4), rand(3, 4)
    ga, gb = numerical_grad(lambda x, y: x * y, a, b, grad_outputs=u)
    np.testing.assert_allclose(ga, u * b, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gb, (u * a).sum(axis=0), rtol=1e-6, atol=1e-9)


def test_numerical_grad_defaults_to_plain_sum_and_skips_integer_inputs():
    x, idx = rand(4, 2), np.array([0, 0, 3])
    gx, gidx = numerical_grad(lambda v, i: v[i], x, idx)
    assert gidx is None
    np.testing.assert_allclose(gx, [[2, 2], [0, 0], [0, 0], [1, 1]], atol=1e-8)


def test_numerical_grad_is_float64_for_float32_inputs():
    (g,) = numerical_grad(lambda v: v * v, rand(5, dtype=np.float32))
    assert g.dtype == np.float64


# ----- gradcheck -----

def test_gradcheck_passes_correct_ops_and_returns_true():
    assert gradcheck(lambda a, b: tanh(a) * b + a / (1.5 + b * b), rand(3, 4), rand(4)) is True


def test_gradcheck_catches_wrong_gradient_of_second_input_only():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: MulWrongSecond()(a, b), rand(3, 4), rand(3, 4))
    labels = {entry[0] for entry in info.value.entries}
    assert labels == {"input 1"}  # the first input's gradient is right


def test_gradcheck_error_message_lists_worst_entries():
    with pytest.raises(AssertionError) as info:
        gradcheck(lambda a, b: MulWrongSecond()(a, b), rand(2, 3), rand(2, 3))
    message = str(info.value)
    assert message.startswith("gradcheck: backprop disagrees with numerical differentiation")
    for word in ("input 1", "index (", "analytic", "numeric", "relative error", "rtol="):
        assert word in message
    entries = info.value.entries
    excess = [abs(a - n) / (1e-5 + 1e-3 * abs(n)) for _, _, a, n, _ in entries]
    assert excess == sorted(excess, reverse=True)  # worst first
    label, index, analytic, numeric, rel = entries[0]
    assert isinstance(index, tuple) and len(index) == 2
    assert rel == pytest.approx(abs(analytic - numeric) / max(abs(analytic), abs(numeric)))


def test_a_mismatch_at_a_kink_says_so_with_both_slopes():
    """ReLU at 0: backprop's 0 is PyTorch's convention, the central difference the mean of
    the slopes 0 and u; the report names the kink instead of leaving backward to blame."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: F.relu(v) * 3, np.array([0.0, 1.5, -2.0]),
                  grad_outputs=np.array([1.0, 1.0, 1.0]))
    note = str(info.value).split("note: ")[1]
    assert note.startswith("at input 0, index (0,), the checked function (f's outputs "
                           "weighted by the upstream gradients) has a kink: slope "
                           "0.000000e+00 from the left, 3.000000e+00 from the right")
    assert "backprop's 0.000000e+00 lies between them" in note
    assert "not differentiable there" in note


class _ShiftedReLU(Function):
    """max(x - 1, 0), its backward giving `at_kink` at x = 1."""

    def __init__(self, at_kink):
        self.at_kink = at_kink

    def forward(self, x):
        return np.maximum(x - 1, 0)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.where(x == 1, self.at_kink, x > 1).astype(x.dtype))


@pytest.mark.parametrize("at_kink", [50.0, 1.0, 0.0])
def test_a_kink_away_from_zero_is_no_rounding_to_excuse(at_kink):
    # the inputs moved by a few ulps to measure backprop's rounding crossed the kink at 1,
    # and the jump between its branches excused any value there (50 passed); now a value
    # at a kink is judged as at 0: a wrong one fails, a one-sided slope is named as a kink
    with pytest.raises(GradcheckError) as info:
        gradcheck(_ShiftedReLU(at_kink), np.array([1.0, 0.3, 2.0]))
    assert ("has a kink" in str(info.value)) == (at_kink != 50.0)
    assert gradcheck(_ShiftedReLU(at_kink), np.array([0.3, 2.0]))


def test_a_mismatch_names_f_its_inputs_and_the_upstream_weighting():
    class Cube(Function):
        def forward(self, x):
            return x ** 3

        def backward(self, gy):  # (twice 3x^2, and its x a constant: no second order)
            return 6 * Variable(self.inputs[0].data) ** 2 * gy
    with pytest.raises(GradcheckError, match=r"f: Cube, input 0 of shape \(2, 3\) float32; "
                                             r"each entry is a derivative of f's outputs "
                                             r"weighted by random upstream gradients"):
        gradcheck(Cube(), np.full((2, 3), 0.5, np.float32))
    with pytest.raises(GradcheckError, match=r"f: the gradient of <lambda>, input 0 of shape "
                                             r"\(2,\) float64, grad_output 0 .* by the "
                                             r"grad_grad_outputs given"):
        gradgradcheck(lambda v: Cube()(v), np.array([0.5, 1.5]),
                      grad_grad_outputs=[np.ones(2)])


def test_a_kink_of_the_gradient_says_so_under_gradgradcheck():
    """relu(x)^2 at 0: its gradient 2 relu(x) u has a kink there, seen only at second
    order; the note names the gradient as what is checked."""
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda v: F.relu(v) ** 2, np.array([0.0, 1.0]))
    note = str(info.value).split("note: ")[1]
    assert note.startswith("at input 0, index (0,), the checked function (f's gradients "
                           "weighted by the upstream gradients) has a kink: slope "
                           "0.000000e+00 from the left")


class AbsFive(Function):
    """|x| with a backward giving 5 at 0: at the kink, but no slope or subgradient of |x|."""

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.where(x == 0, 5.0, np.sign(x)))


class JumpAtZero(Function):
    """x^2, plus 0.1 below 0 (a wrong branch: a jump, not a kink), backward 2x."""

    def forward(self, x):
        return np.where(x < 0, x * x + 0.1, x * x)

    def backward(self, gy):
        return gy * 2 * self.inputs[0]


class RecipRefusingZero(Function):
    """1/x, refusing x = 0, with a wrong backward (-1/x): a mismatch at x = 1e-7, where a
    tenth of the step lands on 0."""

    def forward(self, x):
        if (x == 0).any():
            raise ZeroDivisionError("x = 0")
        return 1 / x

    def backward(self, gy):
        return -gy / self.inputs[0]


@pytest.mark.parametrize("f, x", [(lambda v: AbsFive()(v), np.array([0.0, 1.0])),
                                  (lambda v: JumpAtZero()(v), np.array([0.0, 1.0])),
                                  (lambda v: RecipRefusingZero()(v), np.array([1e-7, 2.0]))])
def test_no_kink_note_for_a_wrong_value_a_jump_or_a_probe_f_refuses(f, x):
    """Only a kink with backprop's value between its slopes is excused; a failing probe
    leaves the report as it was."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, x, grad_outputs=np.ones(2))
    assert "kink" not in str(info.value)


@pytest.mark.parametrize("x", [np.array([0.3, -0.2]), np.array([2.0, 2.5])])
def test_a_wrong_backward_of_a_smooth_function_gets_no_kink_note(x):
    """Curvature moves one-sided slopes apart too, but ten times less at a tenth of the
    step: exp(5x) at x = 2.5 is not taken for a kink."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: MulWrongSecond()(exp(v * 5.0), v), x)
    assert "kink" not in str(info.value)


class SignFlat(Function):
    """sign(x), its gradient 0 (PyTorch's): f jumps at 0, with no derivative there."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, gy):
        return gy * 0.0


class AbsBySign(Function):
    """|x|, backward gy sign(x): its gradient jumps at 0, seen at second order."""

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        return gy * Variable(np.sign(self.inputs[0].data))


@pytest.mark.parametrize("check, f, x", [
    (gradcheck, lambda v: SignFlat()(v), np.array([0.0, 0.7])),
    (gradcheck, lambda v: SignFlat()(v), np.array([1e-8, 0.7])),  # (a probe lands on 0)
    (gradgradcheck, lambda v: AbsBySign()(v), np.array([0.0, 0.7]))])
def test_a_jump_at_the_point_is_named_and_explained(check, f, x):
    """A central difference across a jump reads half the jump over the step (1e6): no
    backward can match it, and at the jump f has no derivative; check_function then draws
    another example (it failed Abs at 0 under gradgradcheck, Sign at 0)."""
    with pytest.raises(GradcheckError) as info:
        check(f, x)
    assert info.value.explained
    note = str(info.value).split("note: ")[1]
    assert note.startswith("at input 0, index (0,), the checked function (")
    assert "it is not continuous there, so it has no derivative to check" in note


@pytest.mark.parametrize("f, x", [
    (lambda v: MulWrongSecond()(exp(v * 5.0), v), np.array([2.0, 2.5])),
    (lambda v: F.relu(v) * 3, np.array([0.0, 1.5])),
    (lambda v: SignFlat()(v), np.array([5e-7, 1.5]))])  # (a jump within the step only)
def test_no_jump_note_for_a_wrong_backward_a_kink_or_a_jump_beside_the_point(f, x):
    """A jump half a step away is straddled by the step, not by a tenth of it: f has a
    derivative at the point, which the smaller step measures (no note)."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, x, grad_outputs=np.ones(2))
    assert "not continuous" not in str(info.value)


@pytest.mark.parametrize("check, f, x", [
    (gradcheck, lambda v: sqrt(v), 1e-5), (gradcheck, lambda v: log(v), 3e-6),
    (gradgradcheck, lambda v: sqrt(v), 2e-5)])
def test_a_truncation_error_near_the_edge_of_the_domain_says_so(check, f, x):
    """sqrt and log a few steps from 0: the central difference is off by its h^2 term,
    which a tenth of the step cuts a hundredfold; the note says the numerical side is off."""
    with pytest.raises(GradcheckError) as info:
        check(f, np.array([x]))
    note = str(info.value).split("note: ")[1]
    assert note.startswith("at input 0, index (0,), a central difference of a tenth of the "
                           "step (1e-07) gives ")
    times = int(note.split(" times nearer")[0].rsplit(" ", 1)[1])
    assert 80 < times < 130  # the h^2 law
    assert "truncation error, not backprop, is what is off" in note
    assert check(f, np.array([x]), eps=1e-8)  # as the note advises


@pytest.mark.parametrize("f, x", [
    (lambda v: MulWrongSecond()(exp(v * 5.0), v), np.array([2.0, 2.5])),
    (lambda v: MulWrongSecond()(sqrt(v), v), np.array([1e-5, 2e-5])),
    (lambda v: F.relu(v) * 3, np.array([0.0, 1.5]))])
def test_no_truncation_note_for_a_wrong_backward_or_a_kink(f, x):
    """A wrong backward's error stays at a tenth of the step, near 0 too (where the
    truncation error is smaller than the wrong factor's); a kink's central difference stays
    the mean of its slopes."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, x, grad_outputs=np.ones(2))
    assert "truncation" not in str(info.value)


def test_gradcheck_random_upstream_catches_what_a_plain_sum_hides():
    """Weighted by ones, the mean of the upstream reads right; each output element checked
    alone sees it, whatever the upstream."""
    x = rand(6)
    with pytest.raises(GradcheckError, match="in 6 of 6 checked entries"):
        gradcheck(lambda v: MeanOfUpstream()(v), x)
    with pytest.raises(GradcheckError, match="output elements checked alone"):
        gradcheck(lambda v: MeanOfUpstream()(v), x, grad_outputs=np.ones(6))


def test_gradcheck_handles_several_outputs_and_unused_ones():
    x = rand(6, 2)
    assert gradcheck(lambda v: split(v, 3), x)
    assert gradcheck(lambda v: split(v, 3)[1], x)


def test_gradcheck_integer_input_gets_no_gradient():
    x, idx = rand(5, 3), np.array([4, 0, 4])
    assert gradcheck(lambda v, i: v[i], x, idx)
    assert gradcheck(lambda v, i: GradientForLabels()(v, i), x, idx)  # the engine drops it


def test_gradcheck_fails_if_an_integer_input_ever_got_a_gradient(monkeypatch):
    def leaky_grad(outputs, inputs, **kwargs):
        grads = engine_grad(outputs, inputs, **kwargs)
        return grads[:1] + tuple(Variable(np.ones(x.shape)) for x in inputs[1:])

    engine_grad = numerical.grad
    monkeypatch.setattr(numerical, "grad", leaky_grad)
    with pytest.raises(GradcheckError, match="input 1 has dtype int64 but received a gradient"):
        gradcheck(lambda v, i: GradientForLabels()(v, i), rand(5, 3), np.array([4, 0, 4]))


def test_gradcheck_float32_inputs_pass_with_float64_numerics():
    seen = set()

    def f(a, b):
        seen.add(a.dtype)
        return tanh(a) * exp(b)

    assert gradcheck(f, rand(3, 4, dtype=np.float32), rand(4, dtype=np.float32))
    assert seen == {np.dtype(np.float32), np.dtype(np.float64)}  # backprop side, numeric side


def test_gradcheck_float32_still_catches_a_bug():
    with pytest.raises(GradcheckError):
        gradcheck(lambda a, b: MulWrongSecond()(a, b), rand(3, dtype=np.float32),
                  rand(3, dtype=np.float32))


def test_gradcheck_fast_mode_catches_a_bug():
    a, b = rand(3, 4), rand(3, 4)
    assert gradcheck(lambda x, y: x * y, a, b, mode="fast")
    with pytest.raises(GradcheckError, match="direction"):
        gradcheck(lambda x, y: MulWrongSecond()(x, y), a, b, mode="fast")


def test_gradcheck_auto_mode_goes_fast_only_for_big_inputs():
    calls = []

    def f(v):
        calls.append(1)
        return v * v

    big = numerical.FAST_MODE_THRESHOLD + 1
    gradcheck(f, rand(big), mode="auto")
    assert len(calls) < 4 * numerical.FAST_DIRECTIONS
    calls.clear()
    gradcheck(f, rand(4), mode="auto")
    assert len(calls) >= 2 * 4  # two evaluations per element


class DropsOneElement(Function):
    """x^3, whose backward loses element 0's gradient."""

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x, = self.inputs
        keep = np.ones(x.shape, x.dtype)
        keep.flat[0] = 0.0
        return 3 * x ** 2 * gy * Variable(keep)


def test_the_default_full_check_catches_one_wrong_element_of_a_large_input():
    """mode='fast' (and 'auto' above FAST_MODE_THRESHOLD) checks random directions, in
    which one wrong element of 1,000 moves the derivative by about 1/30 of it: it passes
    there, and the default checks every element, as PyTorch's."""
    x = np.random.default_rng(0).standard_normal(1000)
    assert gradcheck(DropsOneElement(), x, mode="fast")
    with pytest.raises(GradcheckError, match=r"index \(0,\)"):
        gradcheck(DropsOneElement(), x)


def test_float32_checks_a_small_gradient_to_its_own_precision():
    """A float32 gradient of 7e-4 beside ones of 12, doubled: caught (it passed against an
    absolute tolerance of 3e-3); correct float32 gradients still pass."""
    class Doubled(DropsOneElement):
        def backward(self, gy):
            x, = self.inputs
            scale = np.ones(x.shape, x.dtype)
            scale.flat[0] = 2.0
            return 3 * x ** 2 * gy * Variable(scale)
    x = np.full(6, 2.0, np.float32)
    x[0] = 0.03
    with pytest.raises(GradcheckError):
        gradcheck(Doubled(), x)
    assert gradcheck(lambda v: v ** 3, x)


def test_large_outputs_are_differenced_before_they_are_summed():
    """1e6 + x^2: the outputs are subtracted one by one, then weighted (a weighted sum of
    1e6-sized outputs would round their difference away); 1e8 + x^2, whose rounding passes
    atol at gradcheck's step, is measured with a longer one; larger still (1e11: rounding of
    22 at the step, 0.02 a thousand times longer), a note names f's size."""
    v = np.random.default_rng(0).standard_normal(100)
    assert gradcheck(lambda t: t * t + 1e6, v)
    assert gradcheck(lambda t: t * t + 1e8, v[:5])
    with pytest.raises(GradcheckError, match=r"outputs reach 1.0e\+11"):
        gradcheck(lambda t: t * t + 1e11, v[:5])


class StraightThrough(Function):
    """sign(x) with backward gy (a straight-through estimator): not its gradient, 0."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, gy):
        return gy


def test_no_rounding_note_where_the_error_dwarfs_the_rounding():
    """Where f is flat (numeric 0, atol 2.2e-14), the 2.2e-10 of its outputs' rounding was
    named as what may be off, beside an error of 1."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: StraightThrough()(v), np.array([0.4, -1.5]))
    assert "note" not in str(info.value)


def test_gradcheck_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        gradcheck(lambda v: v, rand(2), mode="quick")


def test_gradcheck_is_deterministic_for_a_seed():
    def entries(seed):
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda a, b: MulWrongSecond()(a, b), a0, b0, seed=seed)
        return info.value.entries

    a0, b0 = rand(2, 2), rand(2, 2)
    assert entries(3) == entries(3)
    assert entries(3) != entries(4)


# ----- gradgradcheck -----

def test_gradgradcheck_passes_differentiable_backward():
    assert gradgradcheck(lambda v: Cube()(v), rand(4))
    assert gradgradcheck(lambda a, b: tanh(a * b), rand(2, 3), rand(3))


def test_gradgradcheck_catches_backward_built_from_detached_array():
    x = rand(4)
    assert gradcheck(lambda v: CubeDetached()(v), x)  # first order is right
    with pytest.raises(GradcheckError, match="gradgradcheck: .*\n  input 0"):
        gradgradcheck(lambda v: CubeDetached()(v), x)


def test_gradgradcheck_catches_detached_upstream_gradient():
    x = rand(4)
    assert gradcheck(lambda v: CubeDetachedUpstream()(v), x)
    with pytest.raises(GradcheckError, match="grad_output 0"):
        gradgradcheck(lambda v: CubeDetachedUpstream()(v), x)


def test_gradgradcheck_float32_and_integer_inputs():
    x, idx = rand(4, 3, dtype=np.float32), np.array([1, 1, 2])
    assert gradgradcheck(lambda v, i: tanh(v)[i], x, idx)


def test_gradgradcheck_fast_mode_catches_a_bug():
    with pytest.raises(GradcheckError, match="direction"):
        gradgradcheck(lambda v: CubeDetached()(v), rand(3, 4), mode="fast")


# ----- autograd.testing.assert_gradients_match -----

def test_assert_gradients_match_checks_the_requested_order():
    x = rand(3)
    assert_gradients_match(lambda v: CubeDetached()(v), x)
    with pytest.raises(AssertionError):
        assert_gradients_match(lambda v: CubeDetached()(v), x, order=2)
    with pytest.raises(AssertionError):
        assert_gradients_match(lambda a, b: MulWrongSecond()(a, b), x, rand(3), order=1)
    with pytest.raises(ValueError, match="order"):
        assert_gradients_match(lambda v: v, x, order=3)


def test_importing_autograd_does_not_import_hypothesis():
    code = "import sys, autograd; assert 'hypothesis' not in sys.modules, 'hypothesis loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ----- what a user's Function can get wrong that an all-inputs check would miss -----

class ReluScalingGyInPlace(Function):
    """relu, whose backward writes into its upstream gradient (and doubles the slope)."""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward_data(self, gy):
        gy *= 2.0 * (self.inputs[0].data > 0)
        return gy

    def backward(self, gy):
        return gy * (2.0 * (self.inputs[0].data > 0))


def test_gradcheck_catches_a_backward_writing_into_its_upstream_gradient():
    # on x > 0 the doubled slope would show; on the identity region alone it would not,
    # as the numbers are computed against the changed upstream: the write itself is caught
    with pytest.raises(GradcheckError, match="changed the upstream gradient of output 0 in "
                                             "place"):
        gradcheck(lambda x: ReluScalingGyInPlace()(x), np.array([1.0, -2.0, 3.0]))


class SmallSquareWrongSign(Function):
    """y = 1e-4 x^2 with the gradient's sign flipped: small numbers, float32."""

    def forward(self, x):
        return 1e-4 * x * x

    def backward(self, gy):
        return -gy * 2e-4 * self.inputs[0]


def test_float32_tolerances_scale_with_the_size_of_the_gradient():
    x = np.linspace(-5, 5, 7).astype(np.float32)
    with pytest.raises(GradcheckError, match="backprop disagrees"):
        gradcheck(lambda v: SmallSquareWrongSign()(v), x)
    assert gradcheck(lambda v: 1e-4 * v * v, x)


class MatMulSwappedNeeds(Function):
    """a @ b whose backward reads needs_input_grad with the indices swapped."""

    def forward(self, a, b):
        return a @ b

    def backward(self, gy):
        a, b = self.inputs
        need_b, need_a = self.needs_input_grad
        return (gy @ b.T if need_a else None), (a.T @ gy if need_b else None)


def test_gradcheck_varies_which_inputs_require_grad():
    with pytest.raises(GradcheckError, match="only this input requiring grad"):
        gradcheck(lambda a, b: MatMulSwappedNeeds()(a, b), rand(2, 3), rand(3, 2))


def test_gradcheck_refuses_a_random_forward_instead_of_blaming_the_backward():
    rng = np.random.default_rng(0)
    with pytest.raises(GradcheckError, match="gives other values at each call"):
        gradcheck(lambda x: x + rng.normal(size=x.shape), rand(3))


class DoubleOnArrays(Function):
    """y = 2x with backward_data only: first-order backprop, no create_graph."""

    def forward(self, x):
        return 2 * x

    def backward_data(self, gy):
        return 2 * gy


def test_a_function_with_backward_data_only_is_checked_to_first_order():
    assert gradcheck(lambda x: DoubleOnArrays()(x), rand(3))
    from hypothesis import settings

    from autograd.spec import Spec
    from autograd.testing import check_function
    from autograd.testing.function_check import FunctionCheckError

    class Declared(DoubleOnArrays):
        input_specs = (Spec(),)
        gradcheck_order = 1

    few = settings(max_examples=5, database=None)
    check_function(Declared, few)
    Declared.gradcheck_order = 2  # (the default) needs backward: said, not a raw error
    with pytest.raises(FunctionCheckError, match="has only backward_data"):
        check_function(Declared, few)


def test_gradcheck_steps_relative_to_large_inputs():
    x = np.linspace(1e8, 2e8, 4)  # x + 1e-6 is not representable there
    assert gradcheck(lambda v: (v - 1e8) * (v * 1e-8), x)


def test_steps_stay_small_beside_one_large_element_and_kinks_near_large_values():
    x = np.random.default_rng(1).standard_normal(300)
    x[7] = 1e6  # fast mode (300 elements): each element's own step, not the largest one's
    assert gradcheck(autograd.abs, x)
    assert gradcheck(lambda v: autograd.maximum(v - 1000.0, 0.0), np.array([1000.0004]),
                     mode="full")  # a kink 4e-4 away: the step stays 1e-6 below 1e6


def test_a_float16_slope_saturated_to_zero_passes():
    assert gradcheck(lambda v: 1 / (1 + autograd.exp(-v)), np.array([8.0], np.float16))


def test_a_random_forward_that_is_constant_at_the_input_is_still_named():
    rng = np.random.default_rng(0)
    # multiplicative noise (a dropout mask): at x = 0 two calls agree, the derivative not
    with pytest.raises(GradcheckError, match="gives other values at each call"):
        gradcheck(lambda x: x * rng.uniform(0.5, 1.5, size=x.shape), np.zeros(3))


def test_gradcheck_catches_a_backward_that_writes_into_its_input():
    class Clobbering(Function):
        def forward(self, x):
            return x ** 3

        def backward(self, gy):
            d = self.inputs[0].data
            d **= 2  # a copy was meant: the parameter changes at every step
            return gy * 3 * Variable(d)
    with pytest.raises(GradcheckError, match="changed input 0 in place"):
        gradcheck(Clobbering(), np.array([0.5, -1.5, 2.0]))


def test_float32_tolerance_is_each_input_s_own():
    class Affine(Function):
        def forward(self, w, b):
            return 1e4 * w + 0.01 * b

        def backward(self, gy):
            return gy * 1e4, -gy * 0.01  # b's sign wrong, hidden once by w's scale
    ones = np.ones(3, np.float32)
    with pytest.raises(GradcheckError, match=r"3 of 6 .*\n  input 1"):
        gradcheck(lambda w, b: Affine()(w, b), ones, ones)


def test_the_upstream_gradient_does_not_shrink_what_is_checked():
    class Forgotten(Function):
        def forward(self, x):
            return 5e-5 * x

        def backward(self, gy):
            return gy * 0.0  # PyTorch's gradcheck fails it; a normal draw of 0.13 hid it
    for shape in ((), (1,), (2,)):
        with pytest.raises(GradcheckError, match="disagrees"):
            gradcheck(Forgotten(), np.ones(shape))


class _Cube(Function):
    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x, = self.inputs
        return 3 * x ** 2 * gy


@pytest.mark.parametrize("call, message", [
    (lambda: gradcheck(_Cube(), np.arange(6).reshape(2, 3)), r"no floating-point input to "
                                                             r"check \(int64\)"),
    (lambda: gradgradcheck(_Cube(), np.array([True, False])), r"no floating-point input"),
    (lambda: gradcheck(lambda: Variable(np.ones(2))), r"no floating-point input to check "
                                                      r"\(no inputs\)"),
    (lambda: gradcheck(lambda v: v.data ** 2, np.ones(2)), r"f returned a ndarray, not a "
                                                           r"Variable"),
    (lambda: gradcheck(lambda v: float(v.data.sum()), np.ones(2)), r"f returned a float"),
    (lambda: gradcheck(_Cube(), np.ones(2), eps=0), r"eps, the difference step, must be a "
                                                    r"positive number, got 0"),
    (lambda: numerical_grad(_Cube(), np.ones(2), eps=-1e-6), r"must be a positive number"),
    (lambda: gradcheck(_Cube(), np.ones(2), atol=-1), r"atol must be a number >= 0, got -1"),
])
def test_a_check_that_would_check_nothing_or_blame_a_correct_backward_is_refused(call,
                                                                                 message):
    """An integer input, a result without a graph or a step of 0 passed silently or blamed
    backprop: each is named instead."""
    with pytest.raises((ValueError, TypeError), match=message):
        call()


class _SavedStateOverwritten(Function):
    """y = sin x, whose backward scales what its forward saved in place: right once only."""

    def forward(self, x):
        self.c = np.cos(x)
        return np.sin(x)

    def backward(self, gy):
        self.c *= gy.data
        return Variable(self.c.copy())


class _OutputOverwritten(Function):
    """y = e^x, whose backward writes into its forward's result."""

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        y = self.outputs[0]()
        y.data *= gy.data
        return Variable(y.data.copy())


@pytest.mark.parametrize("make, words", [
    (_SavedStateOverwritten, r"backprop is not reentrant: a second backward through the same "
                             r"graph gives another gradient for input 0 \(at index \(\d,\)"),
    (_OutputOverwritten, "backprop changed output 0 of f in place"),
])
def test_a_backward_right_only_once_or_writing_into_its_output_is_caught(make, words):
    # (each passed: gradcheck ran one backward per graph and never looked at f's outputs)
    with pytest.raises(GradcheckError, match=words):
        gradcheck(lambda v: make()(v), np.array([0.1, 0.2, 0.3]))


class _Log(Function):
    """y = log x: NaN below 0, where NumPy returns NaN rather than raising"""

    def forward(self, x):
        return np.log(x)

    def backward(self, gy):
        return gy / self.inputs[0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (log of a negative step)
def test_a_nan_a_step_outside_the_domain_is_explained():
    with pytest.raises(GradcheckError, match=r"note: f gave NaN a step of 1e-06 from input 0, "
                                             r"index \(0,\): its domain ends within a step"):
        gradcheck(lambda v: _Log()(v), np.array([1e-7, 1.0]))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (log of -1)
def test_a_nan_at_the_point_itself_names_that_output_not_the_first_entry():
    """log at [1, -1]: the NaN of output 1 reaches every numerical entry, so the first one,
    at the valid element, was named as a step outside the domain."""
    with pytest.raises(GradcheckError, match=r"note: f's output 0 is nan at index \(1,\) at "
                                             r"the checked point itself"):
        gradcheck(autograd.log, np.array([1.0, -1.0]))


def test_a_backward_writing_into_gy_where_it_multiplies_by_one_is_named_not_a_kink():
    """gy *= 2x leaves gy as it was at x = 0.5, so the first check saw nothing; the
    numerical side's steps then changed its own copy of gy, which read as a kink."""
    class IntoGy(Function):
        def forward(self, x):
            return x * x

        def backward(self, gy):
            gy.data *= 2 * self.inputs[0].data
            return gy
    with pytest.raises(GradcheckError, match="changed grad_output 0 in place") as info:
        gradgradcheck(IntoGy(), np.array(0.5))
    assert "kink" not in str(info.value)


@pytest.mark.parametrize("call, error, words", [
    (lambda: gradcheck(lambda v: {"y": v * 2}, np.ones(2)), TypeError,
     "gradcheck: f returned a dict, not a Variable"),
    (lambda: numerical_grad(lambda v: v * 2, np.ones(2), grad_outputs=[np.ones(2)] * 2),
     ValueError, "numerical_grad: 2 grad_outputs for the 1 output"),
    (lambda: numerical_grad(lambda v: v * 2, np.ones(2), grad_outputs=[np.ones(3)]),
     ValueError, r"numerical_grad: grad_output 0 has shape \(3,\), output 0 of f \(2,\)"),
    (lambda: gradcheck(lambda v: None, np.ones(2)), TypeError, "f returned None"),
    (lambda: numerical_grad(lambda v: (v * 2, None), np.ones(2)), TypeError,
     "f returned None"),
])
def test_misuse_of_the_numerical_helpers_is_named_before_any_step(call, error, words):
    with pytest.raises(error, match=words):
        call()


class _GyWrittenOnTheGraphPath(Function):
    """y = x^2, whose backward on Variables (create_graph's path) writes into gy."""

    def forward(self, x):
        return x * x

    def backward_data(self, gy):
        return 2 * self.inputs[0].data * gy

    def backward(self, gy):
        g = gy * 2 * self.inputs[0]
        gy.data *= 5
        return g


def test_a_backward_writing_into_gy_on_the_create_graph_path_is_caught():
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError, match="changed the upstream gradient of output 0"):
        gradcheck(lambda v: _GyWrittenOnTheGraphPath()(v), x)
    with pytest.raises(GradcheckError, match=r"changed grad_output 0 in place \(a backward "
                                             r"writing into its gy"):
        gradgradcheck(lambda v: _GyWrittenOnTheGraphPath()(v), x)


@pytest.mark.parametrize("x, held", [(np.array([np.nan, 1.0]), r"nan at index \(0,\)"),
                                     (np.array([[1.0, np.inf]]), r"inf at index \(0, 1\)")])
def test_a_non_finite_input_is_named_rather_than_every_entry_blamed(x, held):
    # (one NaN made every numerical entry NaN: the clean elements were listed as wrong too)
    with pytest.raises(ValueError, match=f"gradcheck: input 0 holds {held}: numerical "
                                         "differentiation needs finite inputs"):
        gradcheck(lambda v: v * v, x)


def test_numerical_gradient_is_deep_learning_from_scratchs_moving_x_in_place():
    """Its idiom `lambda W: net.loss(x, t)` reads the weights through the network, never its
    argument: numerical_grad (which gives f copies) returned zeros for it."""
    import nn
    rng = np.random.default_rng(0)
    net = nn.Linear(3, 2).double()
    x, t = rng.random((4, 3)), np.array([0, 1, 1, 0])
    loss = lambda W: F.cross_entropy(net(x), t)  # noqa: E731 (the book's own)
    before = net.weight.data.copy()
    numeric = autograd.numerical_gradient(loss, net.weight)
    np.testing.assert_array_equal(net.weight.data, before)  # (every entry put back)
    loss(None).backward()
    np.testing.assert_allclose(numeric, net.weight.grad.data, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(autograd.numerical_gradient(loss, net.weight.data), numeric)
    np.testing.assert_allclose(autograd.numerical_gradient(lambda v: v[0] ** 2 + v[1] ** 2,
                                                     np.array([3.0, 4.0])), [6.0, 8.0])
    with pytest.raises(TypeError, match="numerical_gradient: x must be a floating-point "
                                        "array .* got ndarray of dtype int64"):
        autograd.numerical_gradient(loss, np.arange(3))
    with pytest.raises(TypeError, match="must be a contiguous array"):
        autograd.numerical_gradient(loss, np.ones((3, 4)).T)


def test_numerical_diff_takes_numpys_own_functions():
    """np.exp of the Variable it made raised: that Variable required grad."""
    assert autograd.numerical_diff(np.exp, 1.0) == pytest.approx(np.e, rel=1e-7)
