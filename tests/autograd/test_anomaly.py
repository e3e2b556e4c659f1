"""detect_anomaly: NaN/Inf in a forward output or a gradient raises, naming op, shapes and line."""
import inspect
import os
import re
import shutil
import sys
import warnings

import numpy as np
import pytest

from autograd import Config, Function, Variable, detect_anomaly, exp, log, sqrt

THIS_FILE = os.path.basename(__file__)


def _next_line():
    """The line number after the caller's current line (where the op under test is called)."""
    return inspect.currentframe().f_back.f_lineno + 1


@pytest.fixture(autouse=True)
def quiet_numpy():
    """log(-1) and 1/0 also make NumPy warn; the anomaly error is what is under test."""
    with np.errstate(invalid="ignore", divide="ignore"):
        yield


def test_forward_nan_names_op_shapes_and_line():
    x = Variable(np.array([[1.0, -1.0, 2.0]]))
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            line = _next_line()
            log(x)
    message = str(info.value)
    assert "Log forward" in message
    assert "1 NaN" in message
    assert "(1, 3) float64" in message
    assert f"{THIS_FILE}:{line}" in message
    assert "log(x)" in message  # the source line itself


def test_a_nan_that_came_in_with_an_input_is_said_to_have_come_in():
    x = Variable(np.array([1.0, np.nan]), name="X")  # (the data's NaN: no op made it)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        x * 2.0
    assert "its output holds 1 NaN; but input 0 'X' holds 1 NaN already" in str(info.value)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        log(Variable(np.array([-1.0])))
    assert "already" not in str(info.value)  # (Log made its NaN itself)


def test_forward_inf_in_one_of_two_inputs_op():
    a = Variable(np.array([1.0, 2.0]))
    b = Variable(np.array([[0.0, 1.0], [1.0, 1.0]]))
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = _next_line()
        a / b
    message = str(info.value)
    assert "Div forward" in message and "1 Inf" in message
    assert "(2,) float64, (2, 2) float64" in message
    assert f"{THIS_FILE}:{line}" in message


def test_backward_inf_names_the_op_and_the_line_that_created_it():
    x = Variable(np.array([0.0, 4.0]))
    with detect_anomaly():
        line = _next_line()
        y = sqrt(x)  # fine forward; d/dx sqrt x = 1 / (2 sqrt x) is inf at 0
        loss = (y * 3).sum()
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
    message = str(info.value)
    assert "Sqrt backward" in message
    assert "input 0 holds 1 Inf" in message
    assert "(2,) float64" in message
    assert f"{THIS_FILE}:{line}" in message
    assert "y = sqrt(x)" in message
    assert x.grad is None


def test_backward_check_without_recorded_line():
    x = Variable(np.array([0.0, 4.0]))
    y = sqrt(x)  # created with anomaly detection off: no line recorded
    with detect_anomaly(), pytest.raises(FloatingPointError, match="unknown line"):
        y.sum().backward()


def test_user_function_backward_nan():
    class BadGrad(Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return gy * np.nan

    x = Variable(np.ones((2, 2)))
    with detect_anomaly():
        line = _next_line()
        y = BadGrad()(x)
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert "BadGrad backward" in str(info.value) and "4 NaN" in str(info.value)
    assert f"{THIS_FILE}:{line}" in str(info.value)


def test_as_decorator():
    @detect_anomaly
    def bare(x):
        assert Config.detect_anomaly
        return log(x)

    @detect_anomaly()
    def called(x):
        return log(x)

    for f in (bare, called):
        with pytest.raises(FloatingPointError, match="Log forward"):
            f(Variable(np.array([-1.0])))
    assert not Config.detect_anomaly


def test_flag_restored_after_error():
    with pytest.raises(FloatingPointError):
        with detect_anomaly():
            log(Variable(np.array([-1.0])))
    assert not Config.detect_anomaly


def test_nothing_raised_when_off():
    x = Variable(np.array([-1.0, 0.0]))
    y = log(x)
    assert np.isnan(y.data[0]) and np.isinf(y.data[1])
    z = sqrt(Variable(np.array([0.0])))
    z.backward()  # an infinite gradient, silently
    assert np.isinf(z.creator.inputs[0].grad.data[0])


def test_clean_run_under_anomaly_mode_matches_normal_run():
    def run():
        x = Variable(np.array([0.5, 1.5]))
        (exp(x) * log(x + 1)).sum().backward(create_graph=True)
        g = x.grad.data.copy()
        x.grad.sum().backward()  # second order under the same mode
        return g, x.grad.data

    expected = run()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with detect_anomaly():
            got = run()
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_integer_outputs_are_not_checked():
    idx = Variable(np.array([1, 2]))
    with detect_anomaly():
        y = idx * 2  # integer arithmetic cannot hold NaN; must not trip the check
    np.testing.assert_array_equal(y.data, [2, 4])


def test_framework_frames_are_known_by_module_name_not_by_folder():
    # a helper of the nn package that lives outside the package's folder (a plugin, a copy)
    helper = {"__name__": "nn.plugin", "log": log}
    exec(compile("def take_log(x):\n    return log(x)\n", "/elsewhere/plugin.py", "exec"), helper)
    x = Variable(np.array([-1.0]))
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = _next_line()
        helper["take_log"](x)
    message = str(info.value)
    assert f"{THIS_FILE}:{line}" in message and "plugin.py" not in message


# ----- detect_anomaly(plot=...): the graph up to the failing op -----
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")


@pytest.fixture
def drawn(monkeypatch):
    """The DOT sources detect_anomaly renders (no Graphviz needed), by file name."""
    import autograd.graph
    sources = {}

    def fake_render(source, to_file, fmt=None, who="plot_graph"):
        sources[os.path.basename(to_file)] = source

    monkeypatch.setattr(autograd.graph, "render_dot", fake_render)
    return sources


def _node_line(dot, obj):
    return next(line for line in dot.splitlines() if line.strip().startswith(f"{id(obj)} ["))


def test_forward_anomaly_draws_the_graph_up_to_the_op_in_red(tmp_path, drawn):
    x = Variable(np.array([1.0, -2.0, 3.0]), name="x")
    w = Variable(np.array([0.5, 1.0, 2.0]), name="w")
    with detect_anomaly(plot=tmp_path / "anomaly.svg"):
        xw = x * w
        with pytest.raises(FloatingPointError) as info:
            log(xw)
    assert f"written to {tmp_path / 'anomaly.svg'}" in str(info.value)
    dot = drawn["anomaly.svg"]
    assert re.search(r'label="Log\\nforward: its output holds 1 NaN".*fillcolor="#f4a3a3"', dot)
    assert re.search(r'label="Mul".*fillcolor="#c9daf8"', dot)  # the ops before, as usual
    assert "value: [1, -2, 3]" in _node_line(dot, x) and "color=" not in \
        _node_line(dot, x).replace("fillcolor", "")  # finite input: not marked
    assert "value: [0.5, -2, 6]" in _node_line(dot, xw)
    output = [line for line in dot.splitlines() if "value: [-0.6931, nan, 1.792]" in line]
    assert len(output) == 1 and 'color="#d62728"' in output[0] and "holds 1 NaN" in output[0]
    assert len(re.findall(r"^\s*\d+ -> \d+;$", dot, flags=re.M)) == 5


def test_backward_anomaly_marks_the_input_with_its_bad_gradient(tmp_path, drawn):
    x = Variable(np.array([0.0, 4.0]), name="x")
    with detect_anomaly(plot=str(tmp_path / "a.png")):
        loss = (sqrt(x) * 3).sum()
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
    assert str(tmp_path / "a.png") in str(info.value)
    dot = drawn["a.png"]
    assert "Sqrt\\nbackward: the gradient for input 0 holds 1 Inf" in dot
    assert "grad from Sqrt: [inf, 0.75]" in _node_line(dot, x)
    assert 'color="#d62728"' in _node_line(dot, x)
    assert "Mul" not in dot and "Sum" not in dot  # drawn up to the failing op


def test_an_input_updated_before_the_failing_op_is_not_called_changed(tmp_path, drawn):
    # (an optimizer's step bumps a parameter's version: the op that fails reads the new value)
    w = Variable(np.array([1.0, -2.0]), name="w")
    w.data -= 1.0
    w.bump_version()
    with detect_anomaly(plot=tmp_path / "a.svg"), np.errstate(all="ignore"):
        with pytest.raises(FloatingPointError):
            log(w)
    assert "changed in place" not in drawn["a.svg"]


class _TorchStyleLog(Function):
    """y = log x, written the PyTorch way"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, gy):
        x, = ctx.saved_tensors
        return gy / x


def test_a_pytorch_style_function_is_named_by_its_class(tmp_path, drawn):
    from autograd import get_dot_graph
    x = Variable(np.array([-1.0, 2.0]), name="x")
    with np.errstate(all="ignore"):
        assert "_TorchStyleLog" in get_dot_graph(_TorchStyleLog.apply(x))
        with detect_anomaly(plot=tmp_path / "a.svg"), pytest.raises(
                FloatingPointError, match="detect_anomaly: _TorchStyleLog forward"):
            _TorchStyleLog.apply(x)
    assert 'label="_TorchStyleLog\\nforward' in drawn["a.svg"]


def test_no_anomaly_no_file(tmp_path):
    with detect_anomaly(plot=tmp_path / "anomaly.svg"):
        (exp(Variable(np.array([1.0]))) * 2).sum().backward()
    assert not os.listdir(tmp_path)


def test_plot_needs_a_drawable_suffix_at_once():
    with pytest.raises(ValueError, match=r"detect_anomaly: .*'jpg'.*\.png, \.svg or \.pdf"):
        detect_anomaly(plot="anomaly.jpg")


def test_plot_target_is_per_block(tmp_path, drawn):
    @detect_anomaly(plot=tmp_path / "deco.svg")
    def decorated(x):
        return log(x)

    with pytest.raises(FloatingPointError, match="deco.svg"):
        decorated(Variable(np.array([-1.0])))
    with detect_anomaly(plot=tmp_path / "outer.svg"):
        with detect_anomaly(), pytest.raises(FloatingPointError) as info:
            log(Variable(np.array([-1.0])))  # the inner block asked for no drawing
    assert "written" not in str(info.value) and list(drawn) == ["deco.svg"]
    with pytest.raises(FloatingPointError) as info, detect_anomaly():
        log(Variable(np.array([-1.0])))
    assert "written" not in str(info.value)


def test_without_graphviz_the_anomaly_is_still_raised_and_says_why_no_drawing(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(FloatingPointError) as info, detect_anomaly(plot=tmp_path / "a.svg"):
        log(Variable(np.array([-1.0])))
    message = str(info.value)
    assert "Log forward" in message and "could not be drawn" in message and "graphviz" in message
    assert not os.listdir(tmp_path)


@needs_dot
def test_anomaly_image_is_written(tmp_path):
    x = Variable(np.array([0.0, 4.0]), name="x")
    with detect_anomaly(plot=tmp_path / "anomaly.svg"), pytest.raises(FloatingPointError):
        sqrt(x).sum().backward()
    svg = (tmp_path / "anomaly.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "grad from Sqrt: [inf, 0.25]" in svg
    with detect_anomaly(plot=tmp_path / "anomaly.png"), pytest.raises(FloatingPointError):
        log(x - 1)
    assert (tmp_path / "anomaly.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_an_undrawable_graph_still_raises_the_anomaly(tmp_path, monkeypatch):
    import autograd.graph as graph

    def broken(*args, **kwargs):
        raise ValueError("Graphviz fell over")
    monkeypatch.setattr(graph, "render_dot", broken)
    x = Variable(np.array([0.0, 4.0]))
    with detect_anomaly(plot=str(tmp_path / "a.png")):
        loss = (sqrt(x) * 3).sum()
        with pytest.raises(FloatingPointError, match="could not be drawn.*fell over"):
            loss.backward()
