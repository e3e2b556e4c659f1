"""Input specs (autograd/spec.py) and the examples drawn from them: shapes honour the declared
relations, values their domains; the check of one Function catches planted bugs in the
backward, the second order and the forward, and shrinks them to a one-element example."""
import re

import numpy as np
import pytest
from hypothesis import given, settings

from autograd import Function, Variable, astype, exp, reshape
from autograd.ops.elementwise import Tanh
from autograd.spec import Axes, Choice, Draw, Index, Spec
from autograd.testing import assert_forward_matches
from autograd.testing.discovery import functions_in
from autograd.testing.drawing import Example, examples
from autograd.testing.function_check import (
    FunctionCheckError,
    check_function,
    check_parent,
    spec_status,
)

FEW = settings(max_examples=15, derandomize=True, deadline=None, database=None)


def declared(*specs, **attributes):
    """A Function class (identity forward) holding the given declarations."""
    body = {"input_specs": specs, "forward": lambda self, *xs: xs[0],
            "backward": lambda self, gy: gy, **attributes}
    return type("Declared", (Function,), body)


# ----- drawing -----

@FEW
@given(example=examples(declared(Spec(), Spec(like=0), Spec(broadcast_to=0), Spec(broadcast=0))))
def test_shape_relations_hold(example):
    x, same, smaller, either = example.arrays
    assert same.shape == x.shape
    assert np.broadcast_shapes(smaller.shape, x.shape) == x.shape
    np.broadcast_shapes(either.shape, x.shape)  # raises if they do not broadcast
    assert x.dtype == same.dtype and x.dtype in (np.float64, np.float32)


@FEW
@given(example=examples(declared(
    Spec(shape=("*b", "N", "3H"), sides={"H": (2, 3)}), Spec(shape=("N", "H")),
    Spec("int", shape=("N",), elements=(0, "H")), Spec("float32", shape=(2, "N")))))
def test_named_dimensions_are_shared(example):
    x, h, labels, fixed = example.arrays
    n, hidden = h.shape
    assert x.shape[-2:] == (n, 3 * hidden) and x.ndim <= 4 and 2 <= hidden <= 3
    assert labels.dtype == np.int64 and labels.shape == (n,)
    assert labels.min() >= 0 and labels.max() < hidden
    assert fixed.shape == (2, n) and fixed.dtype == np.float32


@FEW
@given(example=examples(declared(
    Spec("float64", elements="positive"), Spec("float64", elements="unit"),
    Spec("float64", grid=(0.1, 0.05)), Spec("float64", distinct=True), Spec("bool"))))
def test_value_domains_hold(example):
    positive, unit, on_grid, distinct, mask = example.arrays
    assert np.all(positive >= 0.5)
    assert np.all((unit >= 0.05) & (unit <= 0.95))
    steps = (on_grid - 0.05) / 0.1
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    assert len(np.unique(distinct)) == distinct.size
    assert mask.dtype == np.bool_


@FEW
@given(example=examples(declared(Spec(min_dims=1), arg_specs={
    "axis": Axes(of=0), "one": Axes(of=0, single=True), "axes": Axes(of=0, normalized=True),
    "index": Index(of=0), "mode": Choice("a", "b"), "fixed": 3,
    "size": Draw(lambda st, shapes, dims: st.just(len(shapes[0])))})))
def test_keyword_arguments_fit_the_inputs(example):
    x, args = example.arrays[0], example.args
    x.sum(axis=args["axis"])
    x.sum(axis=args["one"])
    assert all(0 <= a < x.ndim for a in args["axes"])
    x[args["index"]]  # a valid index
    assert args["mode"] in ("a", "b") and args["fixed"] == 3 and args["size"] == x.ndim


def test_spec_refuses_bad_declarations():
    with pytest.raises(ValueError, match="dtype"):
        Spec("complex")
    with pytest.raises(ValueError, match="at most one"):
        Spec(like=0, broadcast=0)
    with pytest.raises(ValueError, match="at least one"):
        Choice()


def test_example_repr_shows_values_and_arguments():
    text = repr(Example([np.array(1.5), np.zeros(2, np.float32)], {"axis": 0}))
    assert text == ("Example(inputs=[float64(1.5), array([0., 0.], dtype=float32)], "
                    "args={'axis': 0})")
    again = eval(text, {"Example": Example, "array": np.array, "float64": np.float64,  # noqa: S307
                        "float32": np.float32})
    assert again.args == {"axis": 0} and again.arrays[0].shape == ()
    np.testing.assert_array_equal(again.arrays[1], np.zeros(2, np.float32))
    # every digit and element, so that a failing example can be pasted and rerun
    shown = repr(Example([np.array(0.30002), np.arange(20.0) / 7], {}))
    assert "float64(0.30002)" in shown and "..." not in shown and "2.7142857142857144" in shown


# ----- checking one Function: planted bugs are caught -----

class Cube(Function):
    """y = x^3, written right: second order too."""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: x ** 3)

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x = self.inputs[0]
        return 3 * gy * x * x


class CubeMissingFactor(Cube):
    def backward(self, gy):
        x = self.inputs[0]
        return gy * x * x  # planted: the factor 3 is missing


class CubeDetached(Cube):
    def backward(self, gy):
        from autograd import Variable
        return 3 * gy * Variable(self.inputs[0].data ** 2)  # planted: x leaves the graph


class CubeWrongForward(Cube):
    reference = staticmethod(lambda x: x ** 3 + (x > 1))  # planted: wrong above 1


class TanhWrong(Tanh):
    def backward(self, gy):
        return gy * (1 + self.outputs[0]() ** 2)  # planted sign error; specs inherited


class TanhWrongOnVariables(TanhWrong):
    """Right on arrays (plain backprop), wrong on Variables (create_graph=True): the
    second-order check alone would differentiate the wrong gradient without noticing."""

    def backward_data(self, gy):
        y = self.outputs[0]().data
        return gy * (1 - y * y)


class HalfSquareGrad(Function):
    """gx = x gy, HalfSquare's backward as one op (checked through HalfSquare's second
    order)."""

    checked_through = "HalfSquare"

    def forward(self, x, gy):
        return x * gy

    def backward(self, ggx):
        x, gy = self.inputs
        return gy * ggx, x * ggx


class HalfSquare(Function):
    """y = x^2 / 2, its backward recorded as a HalfSquareGrad."""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: 0.5 * x * x)

    def forward(self, x):
        return 0.5 * x * x

    def backward(self, gy):
        return HalfSquareGrad()(self.inputs[0], gy)


def failure(cls, settings=FEW):
    with pytest.raises(FunctionCheckError) as info:
        check_function(cls, settings)
    return info.value


def test_a_right_function_passes():
    check_function(Cube, FEW)


@pytest.mark.parametrize("cls, kind", [(CubeMissingFactor, "gradcheck"),
                                       (CubeDetached, "gradgradcheck"),
                                       (CubeWrongForward, "forward"),
                                       (TanhWrong, "gradcheck"),
                                       (TanhWrongOnVariables, "gradcheck")])
def test_planted_bugs_are_caught_and_shrunk_to_one_element(cls, kind):
    error = failure(cls)
    assert error.kind == kind and cls.__qualname__ in str(error)
    shown = str(error).rsplit("on Example(inputs=[", 1)[1]
    assert shown.startswith(("float64(", "float32(")), shown  # a 0-d array: one element


def test_a_declared_apply_must_call_the_function():
    lazy = type("Lazy", (Cube,), {"apply": staticmethod(lambda x: x * x * x)})
    assert failure(lazy).kind == "spec"


def test_spec_status_and_checked_through():
    assert spec_status(Cube) == "spec"
    assert spec_status(type("Bare", (Function,), {})) == "missing"
    helper = type("CubeGrad", (Function,), {"checked_through": "Cube", "__module__": __name__})
    assert spec_status(helper) == "through"
    with pytest.raises(FunctionCheckError, match="never records a CubeGrad"):
        check_parent(helper)  # Cube's backward does not use it: nothing would check it
    check_parent(HalfSquareGrad)  # recorded by HalfSquare's backward
    orphan = type("Orphan", (Function,), {"checked_through": "Nowhere", "__module__": __name__})
    with pytest.raises(FunctionCheckError, match="Nowhere"):
        check_parent(orphan)


def test_discovery_skips_internal_bases():
    names = [cls.__name__ for cls in functions_in("autograd.ops.reduction")]
    assert names == ["Sum", "Mean", "Max", "Min", "LogSumExp", "SumTo", "BroadcastTo"]


class CubeInPlace(Cube):
    def forward(self, x):
        y = x ** 3
        x[...] = 0  # planted: the caller's array is overwritten
        return y


class CubeOrderZero(CubeMissingFactor):
    gradcheck_order = 0  # planted: would turn the check of a wrong backward off


def test_a_forward_writing_into_its_input_is_caught():
    error = failure(CubeInPlace)
    assert error.kind == "forward" and "changed its input 0 in place" in str(error)


def test_order_zero_only_for_a_function_without_a_derivative():
    assert failure(CubeOrderZero).kind == "spec"
    assert failure(type("CubeOrderThree", (Cube,), {"gradcheck_order": 3})).kind == "spec"


@FEW
@given(example=examples(declared(Spec(shape=(6,), distinct=True, grid=(0.1, 0.05)))))
def test_distinct_values_on_a_grid_never_tie(example):
    values = example.arrays[0]
    assert len(np.unique(values)) == values.size
    slots = (values.astype(np.float64) - 0.05) / 0.1
    np.testing.assert_allclose(slots, np.round(slots), atol=1e-5)


def test_a_gradient_of_the_wrong_shape_names_the_backward():
    from autograd import Variable

    class Transposing(Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return gy.T * 2  # planted: the wrong shape

    with pytest.raises(ValueError, match=r"backward of Transposing gave a gradient of shape "
                                         r"\(2, 1\) for an input of shape \(1, 2\)"):
        Transposing()(Variable(np.ones((1, 2)))).backward(np.ones((1, 2)))


def test_discovery_finds_nested_classes_and_those_with_only_backward_data():
    import sys
    import types
    module = types.ModuleType("planted_ops")

    class DataOnly(Function):
        def forward(self, x):
            return x

        def backward_data(self, gy):
            return gy

    class Outer:
        class Nested(Function):
            def forward(self, x):
                return x

            def backward(self, gy):
                return gy

    for cls in (DataOnly, Outer, Outer.Nested):
        cls.__module__ = "planted_ops"
    DataOnly.__qualname__, Outer.__qualname__ = "DataOnly", "Outer"
    Outer.Nested.__qualname__ = "Outer.Nested"
    module.DataOnly, module.Outer = DataOnly, Outer
    sys.modules["planted_ops"] = module
    try:
        assert sorted(cls.__qualname__ for cls in functions_in("planted_ops")) == [
            "DataOnly", "Outer.Nested"]
    finally:
        del sys.modules["planted_ops"]


@pytest.mark.parametrize("make, message", [
    (lambda: Spec("int", elements="positive"), "elements must be a \\(low, high\\) pair for "
                                               "dtype 'int'"),
    (lambda: Spec(grid=0.1), "grid must be a \\(step, offset\\) pair"),
    (lambda: Spec(like=-1), "like must be the index of an earlier input"),
])
def test_spec_names_a_malformed_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


class _Declared(Function):
    def forward(self, x):
        return x


@pytest.mark.parametrize("specs, error, message", [
    (Spec(), TypeError, "input_specs must be a tuple of Spec.*trailing comma"),
    ((Spec(like=1), Spec()), ValueError, "input 0's Spec\\(like=1\\) must name an earlier"),
    ((Spec(), Spec("int", elements=(0, "C"))), ValueError,
     "input 1's elements name the dimension 'C', which no input's shape has"),
])
def test_declaration_mistakes_are_named_before_drawing(specs, error, message):
    declared = type("Declared", (_Declared,), {"input_specs": specs})
    with pytest.raises(error, match=message):
        examples(declared)


@FEW
@given(example=examples(declared(Spec(), arg_specs={"axis": Axes(of=0, single=True)})))
def test_a_single_axis_is_drawn_only_for_inputs_with_axes(example):
    x = example.arrays[0]
    assert x.ndim >= 1
    x.sum(axis=example.args["axis"])


class _MeanSquaredTo(Function):
    """mean((x - t)^2), giving the target t no gradient (None), as PyTorch's losses may."""

    input_specs = (Spec(), Spec(like=0, grad=False))
    reference = staticmethod(lambda x, t: np.asarray(np.mean((x - t) ** 2), x.dtype))

    def forward(self, x, t):
        return np.asarray(np.mean((x - t) ** 2), x.dtype)

    def backward(self, gy):
        x, t = self.inputs
        return gy * 2 * (x - t) / x.size, None


def test_an_input_declared_without_gradient_is_passed_as_a_constant():
    check_function(_MeanSquaredTo, FEW)
    assert "grad=False" in repr(_MeanSquaredTo.input_specs[1])
    _MeanSquaredTo.input_specs = (Spec(), Spec(like=0))  # differentiated: its None is wrong
    try:
        with pytest.raises(FunctionCheckError, match="input 1"):
            check_function(_MeanSquaredTo, FEW)
    finally:
        _MeanSquaredTo.input_specs = (Spec(), Spec(like=0, grad=False))


def test_numpy_numbers_are_accepted_in_specs():
    spec = Spec(elements=(np.float32(-1), 1.0), grid=(np.float32(0.5), 0), like=np.int64(0))
    assert spec.like == 0
    Spec("int", elements=(0, np.int64(3)))
    with pytest.raises(ValueError, match="grid must be a \\(step, offset\\) pair"):
        Spec(grid=("1", 0))


class LogOfShifted(Function):
    """y = log(x - 1); its forward refuses x <= 1, which the spec (any real) draws."""

    input_specs = (Spec(),)

    def forward(self, x):
        if (x <= 1).any():
            raise ValueError("log of a non-positive number")
        return np.log(x - 1)

    def backward(self, gy):
        return gy / (self.inputs[0] - 1)


def test_an_error_the_function_raises_is_reported_with_its_own_line_and_example():
    error = failure(LogOfShifted)
    assert error.kind == "raised"
    message = str(error)
    assert message.startswith(f"{__name__}.LogOfShifted: raised ValueError: ")
    assert "log of a non-positive number" in message.split("\n")[0]
    assert message.split("\n")[1].endswith(
        'test_testing_specs.py:' + str(LogOfShifted.forward.__code__.co_firstlineno + 2)
        + ': raise ValueError("log of a non-positive number")')
    assert "\n  on Example(inputs=[" in message


def test_each_class_s_failures_are_saved_under_its_own_database_key(tmp_path, request):
    from hypothesis.database import DirectoryBasedExampleDatabase
    if request.config.getoption("hypothesis_seed", None) is not None:
        pytest.skip("hypothesis saves no failures while a seed is forced (--hypothesis-seed)")
    saving = settings(FEW, database=DirectoryBasedExampleDatabase(str(tmp_path)))
    keys = []
    for cls in (CubeMissingFactor, TanhWrong):
        with pytest.raises(FunctionCheckError):
            check_function(cls, saving)
        keys.append({p.name for p in tmp_path.iterdir() if p.is_dir()})
    assert keys[0] and keys[1] > keys[0]  # the second class added keys of its own


class SquareRefusingNegatives(Function):
    """x^2 for x >= 0, refusing negatives: at x = 0, which its spec draws, it runs, and a
    numerical-differentiation step below 0 is refused."""

    input_specs = (Spec(elements="positive"),)
    apply = staticmethod(lambda x: SquareRefusingNegatives()(x - 0.5))  # (0.5 - 0.5 = 0)

    def forward(self, x):
        if (x < 0).any():
            raise ValueError("negative input")
        return x * x

    def backward(self, gy):
        return gy * 2 * self.inputs[0]


def test_an_error_a_step_away_is_reported_as_the_domain_s_edge_not_at_the_example():
    error = failure(SquareRefusingNegatives)
    assert error.kind == "raised"
    first = str(error).split("\n")[0]
    assert "StepOutsideDomainError: numerical differentiation: f raised ValueError at " \
           "argument 0, index () moved by -1e-06 (a step from the checked point" in first
    assert "negative input" in first


def test_a_class_without_source_code_still_gets_its_report():
    namespace = {"Function": Function, "Spec": Spec}
    exec("class NoSource(Function):\n    input_specs = (Spec(),)\n"
         "    def forward(self, x):\n        raise KeyError('no')\n", namespace)
    error = failure(namespace["NoSource"])
    assert error.kind == "raised" and "raised KeyError: 'no'" in str(error)


def test_distinct_failures_come_as_one_report_naming_each():
    """hypothesis raises a group when it meets distinct failures (a domain and a wrong
    backward, say): one report names each, not a traceback of the group."""
    import builtins

    from autograd.testing.function_check import one_report
    group_class = getattr(builtins, "ExceptionGroup", None)  # (Python 3.10: the backport,
    if group_class is None:                                  # which hypothesis raises there)
        group_class = pytest.importorskip("exceptiongroup").ExceptionGroup
    group = group_class("found 2", [FunctionCheckError("A: gradcheck: off", "gradcheck"),
                                       FunctionCheckError("A: raised ValueError", "raised")])
    report = one_report(group)
    assert str(report) == "2 distinct failures:\nA: gradcheck: off\nA: raised ValueError"
    assert report.kind == "gradcheck"
    assert one_report(group_class("x", [ValueError("not ours")])) is None
    assert one_report(ValueError("no group")) is None
    # a check failure beside hypothesis' own error (a deadline) escaped as a raw group
    mixed = one_report(group_class("found 2", [ValueError("Deadline exceeded"),
                                               FunctionCheckError("A: off", "gradcheck")]))
    assert str(mixed) == "2 distinct failures:\nValueError: Deadline exceeded\nA: off"
    assert mixed.kind == "gradcheck"


def test_settings_given_lose_hypothesis_default_deadline_too():
    """check_function(cls, settings(max_examples=...)) inherited hypothesis' 200 ms
    deadline, which only the loaded profile lost: flaky DeadlineExceeded on a busy machine."""
    from datetime import timedelta

    from hypothesis import HealthCheck

    from autograd.testing.function_check import _untimed
    given = _untimed(settings(max_examples=5, database=None))
    assert given.deadline is None and given.max_examples == 5
    assert HealthCheck.too_slow in given.suppress_health_check
    assert _untimed(settings(deadline=1000)).deadline == timedelta(milliseconds=1000)


def test_a_reference_that_raises_is_named_as_the_declaration_s_fault():
    failing = type("RefRaises", (Cube,), {"reference": staticmethod(
        lambda x: (_ for _ in ()).throw(RuntimeError("reference broke")))})
    error = failure(failing)
    assert error.kind == "spec" and "its reference raised RuntimeError: reference broke" in \
        str(error)


@pytest.mark.parametrize("f, reference, said", [
    (lambda v: exp(v), lambda a: (np.exp(a), np.zeros(7)), r"1 output\(s\), the reference 2"),
    (lambda v: (exp(v), exp(v) * 100), np.exp, r"2 output\(s\), the reference 1")])
def test_assert_forward_matches_counts_the_outputs(f, reference, said):
    """(zip stopped at the shorter list, so an output too many or too few passed)"""
    with pytest.raises(AssertionError, match=said):
        assert_forward_matches(f, reference, np.array([1.0, 2.0, 3.0]))


class LeakyReLUWrongNearZero(Function):
    """max(x, 0.1 x), whose backward switches slope at -0.01 instead of 0: wrong on
    (-0.01, 0) only. Right at the kink itself, where the check excused it, and hypothesis
    shrank every failure onto the kink."""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: np.where(x > 0, x, 0.1 * x))
    gradcheck_order = 1

    def forward(self, x):
        return np.where(x > 0, x, 0.1 * x)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.where(x > -0.01, 1.0, 0.1).astype(x.dtype))


class LeakyReLU(LeakyReLUWrongNearZero):
    def backward(self, gy):
        x = self.inputs[0].data
        return gy * Variable(np.where(x > 0, 1.0, 0.1).astype(x.dtype))


MANY = settings(max_examples=100, derandomize=True, deadline=None, database=None)


@pytest.mark.parametrize("elements", [None, "nonzero"])
def test_a_bug_beside_a_kink_is_found_beside_it_not_excused_at_it(elements):
    """An example failing only at a kink is drawn again; 'nonzero' keeps 1e-3 off 0 (it
    kept 0.5, hiding every bug below)."""
    wrong = type("Wrong", (LeakyReLUWrongNearZero,), {"input_specs": (Spec(
        elements=elements),)})
    error = failure(wrong, MANY)
    assert error.kind == "gradcheck" and "kink" not in str(error)
    shown = str(error).rsplit("on Example(inputs=[", 1)[1]
    values = [float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?", shown)]
    assert any(-0.01 < x < 0 for x in values), error  # (in the band, not at the kink)
    check_function(type("Right", (LeakyReLU,), {"input_specs": (Spec(elements=elements),)}),
                   MANY)


class AbsBySign(Function):
    """|x|, backward gy sign(x): right; its gradient jumps at 0 (second order)."""

    input_specs = (Spec(),)
    reference = staticmethod(np.abs)

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        return gy * Variable(np.sign(self.inputs[0].data))


class SignFlat(Function):
    """sign(x) with PyTorch's gradient 0: right; f itself jumps at 0."""

    input_specs = (Spec(),)
    reference = staticmethod(np.sign)
    gradcheck_order = 1

    def forward(self, x):
        return np.sign(x)

    def backward(self, gy):
        return gy * 0.0


class MaxOfRow(Function):
    """max over the last axis, ties sharing the gradient: right; at a tie (hypothesis'
    zeros) its gradient jumps."""

    input_specs = (Spec(min_dims=1),)
    reference = staticmethod(lambda x: x.max(axis=-1))

    def forward(self, x):
        return x.max(axis=-1)

    def backward(self, gy):
        x = self.inputs[0].data
        mask = (x == x.max(axis=-1, keepdims=True)).astype(x.dtype)
        return reshape(gy, gy.shape + (1,)) * Variable(mask / mask.sum(-1, keepdims=True))


@pytest.mark.parametrize("cls", [AbsBySign, SignFlat, MaxOfRow])
def test_a_right_function_drawn_at_a_jump_passes(cls):
    """At 0 (hypothesis' first draw), sign and |x|'s gradient jump: no derivative there;
    the check failed these right Functions instead of drawing again."""
    check_function(cls, MANY)


class TripleInHalf(Function):
    """3x, its gradient computed in float16 (right to 4.9e-4: inside rtol 1e-3)."""

    input_specs = (Spec("float64"),)
    reference = staticmethod(lambda x: 3 * x)

    def forward(self, x):
        return 3 * x

    def backward(self, gy):
        return Variable((3 * gy.data).astype(np.float16))


def test_a_gradient_narrower_than_its_input_is_named():
    """The engine casts it to the input's dtype unseen, and its values passed gradcheck."""
    error = failure(TripleInHalf)
    assert error.kind == "gradcheck" and str(error).startswith(
        f"{__name__}.TripleInHalf: backward gives input 0 (float64) a float16 gradient")
    widened = type("TripleInDouble", (TripleInHalf,), {  # (float64 for float32 is fitted)
        "input_specs": (Spec(),), "backward": lambda self, gy: 3 * astype(gy, np.float64)})
    check_function(widened, FEW)


def test_specs_that_draw_only_kinks_are_named():
    on_the_kink = type("OnTheKink", (LeakyReLU,), {"input_specs": (Spec(grid=(10.0, 0.0)),)})
    error = failure(on_the_kink)
    assert error.kind == "spec" and "each sat at a kink" in str(error)


class TargetGradientWrong(Function):
    """x * t, t declared Spec(grad=False), yet backward gives t a (wrong) gradient."""

    input_specs = (Spec(), Spec(like=0, grad=False))
    reference = staticmethod(lambda x, t: x * t)

    def forward(self, x, t):
        return x * t

    def backward(self, gy):
        x, t = self.inputs
        return gy * t, 5 * gy * x


def test_a_gradient_given_to_an_input_declared_without_one_is_checked():
    """The docs say the backward leaves it None; a value it gives must then be right (it
    was never looked at)."""
    error = failure(TargetGradientWrong)
    assert error.kind == "gradcheck" and "input 1, index" in str(error)
    assert "input 1 is declared Spec(grad=False), but its backward gives it a gradient" in \
        str(error)
    right = type("Right", (TargetGradientWrong,), {
        "backward": lambda self, gy: (gy * self.inputs[1], gy * self.inputs[0])})
    check_function(right, FEW)


def _maximum_with_tie_rule(rule):
    """np.maximum(x, y) whose backward gives the tied inputs (rule(x, y) gy, rule(y, x) gy)
    where x == y, the larger input gy elsewhere."""
    def backward(self, gy):
        x, y = (v.data for v in self.inputs)
        return tuple(gy * Variable(np.where(a == b, rule(a, b), a > b).astype(gy.dtype))
                     for a, b in ((x, y), (y, x)))
    return type("Maximum", (Function,), {
        "input_specs": (Spec(), Spec(like=0)), "reference": staticmethod(np.maximum),
        "forward": lambda self, x, y: np.maximum(x, y), "backward": backward})


@pytest.mark.parametrize("rule, right", [
    (lambda a, b: np.ones_like(a), False),    # the whole gradient to both: twice the slope
    (lambda a, b: np.zeros_like(a), False),   # to neither
    (lambda a, b: np.full_like(a, 0.5), True)])  # split: right (torch.maximum's)
def test_a_tie_whose_gradients_do_not_add_up_fails_though_each_lies_between_its_slopes(
        rule, right):
    # each tied input alone sits at a kink with a value between its one-sided slopes (0 and
    # 1), which excused it; moved together, the inputs give max a slope of 1 that the
    # backward's values must sum to
    cls = _maximum_with_tie_rule(rule)
    many = settings(max_examples=200, derandomize=True, deadline=None, database=None)
    if right:
        check_function(cls, many)
    else:
        assert failure(cls, many).kind == "gradcheck"
