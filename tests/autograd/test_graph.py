"""get_dot_graph's DOT source and plot_graph's rendered files and error messages."""
import os
import re
import shutil
import sys

import numpy as np
import pytest

from autograd import Variable, exp, get_dot_graph, mul, plot_graph, split, tanh, where
from autograd.graph import GraphImage

from .._helpers import ROOT

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")

SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


def _labels(dot):
    return re.findall(r'label="((?:[^"\\]|\\.)*)"', dot)


def _edges(dot):
    return re.findall(r"^\s*(c?[\d_]+) -> (\d+);$", dot, flags=re.M)


def _small_graph():
    x = Variable(np.ones((2, 3), dtype=np.float32), name="x")
    w = Variable(np.ones((3,), dtype=np.float32), name="w")
    y = tanh(x * w).sum()
    y.name = "loss"
    return x, w, y


def test_dot_lists_variables_with_names_shapes_dtypes_and_ops():
    x, w, y = _small_graph()
    dot = get_dot_graph(y)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    labels = _labels(dot)
    assert "x\\n(2, 3) float32" in labels
    assert "w\\n(3,) float32" in labels
    assert "loss\\n() float32" in labels
    assert "(2, 3) float32" in labels  # unnamed intermediates show shape and dtype only
    assert {"Mul", "Tanh", "Sum"} <= set(labels)
    assert len(_edges(dot)) == 7  # x, w -> Mul -> p -> Tanh -> t -> Sum -> loss


def test_dot_edges_follow_the_graph():
    x, w, y = _small_graph()
    dot = get_dot_graph(y)
    mul = y.creator.inputs[0].creator.inputs[0].creator
    product = mul.outputs[0]()
    assert set(_edges(dot)) >= {(str(id(x)), str(id(mul))), (str(id(w)), str(id(mul))),
                                (str(id(mul)), str(id(product)))}


def test_dot_not_verbose_drops_shapes():
    _, _, y = _small_graph()
    labels = _labels(get_dot_graph(y, verbose=False))
    assert "x" in labels and "loss" in labels
    assert not any("float32" in label for label in labels)


def test_dot_escapes_labels():
    x = Variable(np.ones(2), name='say "hi"\\ \nnext')
    dot = get_dot_graph(exp(x))
    assert 'say \\"hi\\"\\\\ \\nnext' in dot
    assert "\nnext" not in dot  # a raw newline would break the DOT string


def test_a_name_that_is_falsy_is_still_shown():
    """`if v.name` dropped a name such as 0 (the backprop page showed it)."""
    x = Variable(np.ones(2), name=0)
    assert any(label.startswith("0") for label in _labels(get_dot_graph(exp(x))))


def test_dot_of_several_outputs_and_dead_outputs():
    x = Variable(np.arange(6.0), name="x")
    a, b, c = split(x, 3)
    y = a * 2
    del b, c  # split's other outputs are gone: they must be skipped, not crash
    dot = get_dot_graph([y, a])
    assert _labels(dot).count("Split") == 1
    assert _labels(dot).count("(2,) float64") == 2  # a and y
    assert len(_edges(dot)) == 4  # x -> Split -> a -> MulScalar(2) -> y
    assert "MulScalar(2)" in _labels(dot)  # the number a box holds is shown in it


def test_dot_of_a_deep_graph_is_iterative():
    x = Variable(np.array(1.0))
    y = x
    for _ in range(3000):
        y = y + 1.0
    dot = get_dot_graph(y, verbose=False)
    assert _labels(dot).count("AddScalar(1)") == 3000


def test_dot_rejects_non_variables():
    with pytest.raises(TypeError, match="get_dot_graph: expected Variables, got ndarray"):
        get_dot_graph(np.ones(3))
    with pytest.raises(TypeError, match="got float"):
        get_dot_graph([Variable(np.ones(1)), 1.0])


@needs_dot
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_plot_graph_writes_each_format(tmp_path, fmt):
    _, _, y = _small_graph()
    path = tmp_path / f"graph.{fmt}"
    image = plot_graph(y, to_file=str(path))
    data = path.read_bytes()
    if fmt == "svg":
        assert b"<svg" in data and b"Tanh" in data
    else:
        assert data.startswith(SIGNATURES[fmt])
    assert isinstance(image, GraphImage) and image.data == data
    assert os.fspath(image) == str(path)
    assert sorted(os.listdir(tmp_path)) == [path.name]  # no temporary files left behind


@needs_dot
def test_plot_graph_result_displays_inline(tmp_path):
    _, _, y = _small_graph()
    png = plot_graph(y, to_file=tmp_path / "g.png")
    svg = plot_graph(y, to_file=tmp_path / "g.svg")
    assert png._repr_png_().startswith(SIGNATURES["png"]) and png._repr_svg_() is None
    assert svg._repr_svg_().lstrip().startswith("<?xml") and svg._repr_png_() is None


@needs_dot
def test_plot_graph_of_a_gradient(tmp_path):
    x = Variable(np.array([0.5, 1.0]), name="x")
    y = (tanh(x) * x).sum()
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.creator is not None
    dot = get_dot_graph(gx)
    assert "x\\n(2,) float64" in _labels(dot)
    path = tmp_path / "grad.png"
    plot_graph(gx, to_file=path)
    assert path.read_bytes().startswith(SIGNATURES["png"])


@needs_dot
def test_plot_graph_replaces_an_existing_file(tmp_path):
    path = tmp_path / "graph.png"
    path.write_bytes(b"old")
    plot_graph(_small_graph()[2], to_file=path)
    assert path.read_bytes().startswith(SIGNATURES["png"])


def test_plot_graph_rejects_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"'jpg'.*\.png, \.svg or \.pdf"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.jpg")
    with pytest.raises(ValueError, match="which has no suffix; use .png"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph")
    with pytest.raises(ValueError, match=r"the DOT text itself: get_dot_graph"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.dot")


def test_plot_graph_missing_folder(tmp_path):
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' not installed")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "missing" / "graph.png")
    (tmp_path / "afile").write_text("")
    with pytest.raises(NotADirectoryError, match="afile.*is a file, not a folder"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "afile" / "graph.png")


def test_plot_graph_without_dot_says_how_to_install(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` anywhere
    with pytest.raises(RuntimeError) as info:
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png")
    message = str(info.value)
    hints = ("dot", "apt-get install graphviz", "brew install graphviz", "conda install graphviz")
    for hint in hints:
        assert hint in message
    assert not (tmp_path / "graph.png").exists()


def test_a_layout_past_the_time_limit_is_named_not_waited_for(tmp_path, monkeypatch):
    """dot gets RENDER_SECONDS (a 50-step recurrence, its weights drawn once, kept it busy
    for minutes); here a limit no layout meets, and a folder that does not exist is named
    before any layout."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' not installed")
    import autograd.graph as graph
    monkeypatch.setattr(graph, "RENDER_SECONDS", 1e-4)
    with pytest.raises(RuntimeError, match=r"took more than 0.0001 s to lay out this graph of "
                                           r"about \d+ nodes"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png")
    assert not (tmp_path / "graph.png").exists()


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for dot")
def test_a_dot_that_crashes_is_named_with_the_graph_s_size(tmp_path, monkeypatch):
    """dot died of SIGSEGV, saying nothing, on a chain of 100,000 ops: the
    error was 'Graphviz could not render the graph' and no more. A script that crashes the
    same way stands in for it here (the real crash takes a real 100,000-node graph)."""
    pytest.importorskip("graphviz")
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(RuntimeError, match=r"dot crashed \(SIGSEGV\) laying out this graph "
                                           r"of about \d+ nodes.*draw a part of it"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png")
    assert not (tmp_path / "graph.png").exists()


def test_plot_graph_without_graphviz_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(ImportError, match=r"pip install 'rungrad\[viz\]'"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png")


def test_import_autograd_does_not_load_graphviz_or_ipython():
    import subprocess
    code = ("import sys, autograd; "
            "print(sorted(m for m in ('graphviz', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# ----- values and gradients on the labels -----
def _label_of(dot, v):
    return re.search(rf'^\s*{id(v)} \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M).group(1)


def test_values_show_small_arrays_number_by_number():
    x = Variable(np.array([0.5, -1.0, 1 / 3]), name="x")
    y = (x * 2.0).sum()
    dot = get_dot_graph(y, values=True)
    assert _label_of(dot, x) == "x\\n(3,) float64\\nvalue: [0.5, -1, 0.3333]"
    assert _label_of(dot, y).endswith("value: -0.3333")  # 2 (0.5 - 1 + 1/3)
    assert "grad:" not in dot  # only asked for values


def test_values_of_large_arrays_are_a_short_summary_with_nan_and_inf_counts():
    data = np.linspace(-1.0, 2.0, 1000)
    data[[3, 7]] = np.nan
    data[9] = -np.inf
    x = Variable(data, name="x")
    dot = get_dot_graph(exp(x), values=True)
    value = _label_of(dot, x).split("\\n")[-1]
    finite = data[np.isfinite(data)]
    assert value == (f"value: min -1 mean {finite.mean():.4g} max 2 · 2 nan · 1 -inf")
    assert max(len(line) for label in _labels(dot) for line in label.split("\\n")) < 60


def test_grads_show_a_dash_before_backward_and_the_numbers_after():
    x = Variable(np.array([1.0, 2.0]), name="x")
    c = Variable(np.array([3.0, 0.0]), name="c", requires_grad=False)
    y = (x * c).sum()
    before = get_dot_graph(y, grads=True)
    assert _label_of(before, x) == "x\\n(2,) float64\\ngrad: —"  # not a misleading 0
    y.backward()
    after = get_dot_graph(y, values=True, grads=True)
    assert _label_of(after, x) == "x\\n(2,) float64\\nvalue: [1, 2]\\ngrad: [3, 0]"
    assert _label_of(after, c).endswith("grad: —")  # a constant never gets one


def test_a_computed_zero_gradient_shows_as_zero_not_as_a_dash():
    x = Variable(np.array(2.0), name="x")
    y = x * 0.0
    y.backward()
    assert _label_of(get_dot_graph(y, grads=True), x).endswith("grad: 0")


def test_scalar_constants_are_not_shown_twice_with_values():
    x = Variable(np.array(2.0), name="x")
    dot = get_dot_graph(mul(x, 3.0), values=True)  # (x * 3.0 holds its 3 in the op's box)
    assert "3\\n() float64\\nvalue: 3" not in dot
    assert "() float64\\nvalue: 3" in _labels(dot)
    assert "MulScalar(3)" in _labels(get_dot_graph(x * 3.0, values=True))


def test_values_and_grads_on_a_graph_of_gradients():
    x = Variable(np.array([0.5, 1.0]), name="x")
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    gx = x.grad  # 3 x^2, itself a graph
    gx.name = "gx"
    gx.sum().backward()  # 6 x accumulates into x.grad
    dot = get_dot_graph(gx, values=True, grads=True)
    assert _label_of(dot, gx) == "gx\\n(2,) float64\\nvalue: [0.75, 3]\\ngrad: —"
    assert "value: [0.5, 1]" in _label_of(dot, x)


@needs_dot
def test_plot_graph_with_values_and_grads_writes_them_into_the_image(tmp_path):
    x = Variable(np.array([0.5, 2.0]), name="x")
    y = (x * x).sum()
    y.backward()
    svg = plot_graph(y, to_file=tmp_path / "g.svg", values=True, grads=True)
    text = svg._repr_svg_()
    assert "value: [0.5, 2]" in text and "grad: [1, 4]" in text
    png = plot_graph(y, to_file=tmp_path / "g.png", values=True, grads=True)
    assert png._repr_png_().startswith(SIGNATURES["png"])


def test_a_shared_scalar_constant_is_drawn_once_per_use():
    """rungrad caches `mul(x, 1.5)`'s constant: one node for all would wire every Mul to it."""
    x = Variable(np.array([1.0, 2.0]), name="x")
    y = x
    for _ in range(5):
        y = mul(tanh(y), 1.5)
    dot = get_dot_graph(y)
    assert _labels(dot).count("1.5\\n() float64") == 5
    constants = [a for a, _ in _edges(dot) if a.startswith("c")]
    assert len(constants) == len(set(constants)) == 5


def test_a_bytes_path_is_read_by_its_suffix():
    """os.fspath keeps bytes: comparing their suffix with str raised a bare TypeError."""
    from autograd.graph import format_of
    assert format_of(b"graph.svg") == "svg"
    with pytest.raises(ValueError, match="cannot draw to graph.jpg, which has the suffix 'jpg'"):
        format_of(b"graph.jpg")


def test_a_file_name_that_is_no_path_is_named():
    x = Variable(np.array([1.0, 2.0]))
    for given, kind in ((None, "NoneType"), (3, "int")):
        with pytest.raises(TypeError, match=f"plot_graph: to_file must be a file name "
                                            f"\\(str or path\\), got {kind}"):
            plot_graph(x * 2, to_file=given)


def test_a_boolean_scalar_constant_is_drawn_as_true_or_false():
    """Drawn with `:g`, where's condition True read 1."""
    x = Variable(np.array([1.0, 2.0]), name="x")
    for condition in (True, False):
        chosen = where(Variable(np.array(condition), requires_grad=False), x, x * 2.0)
        assert str(condition) in _labels(get_dot_graph(chosen, verbose=False))


@pytest.mark.parametrize("name", ["nul\x00byte", "x" * 20000, "\udcff", "\x1b[31mred",
                                  'quote " and \\ and & and <b>'])
def test_any_name_gives_a_graph_graphviz_renders_to_valid_svg(name):
    import xml.etree.ElementTree as ElementTree
    x = Variable(np.array([1.0, 2.0]), name=name)
    dot = get_dot_graph((x * x).sum())
    assert "\x00" not in dot and len(max(dot.splitlines(), key=len)) < 1000
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    from autograd.graph import render_bytes
    ElementTree.fromstring(render_bytes(dot, "svg"))  # well-formed XML


def test_a_function_called_twice_is_not_drawn_as_the_later_call():
    from autograd import Function

    class Square(Function):
        def forward(self, x):
            return x ** 2

        def backward(self, gy):
            return 2 * self.inputs[0] * gy

    square = Square()
    a, b = Variable(np.array(1.0), name="a"), Variable(np.array(2.0), name="b")
    first = square(a)
    square(b)
    with pytest.raises(RuntimeError, match="get_dot_graph: a .* called more than once"):
        get_dot_graph(first)


def test_values_changed_in_place_after_use_are_marked():
    """values=True after an optimizer step drew w = [0, 0] feeding Mul -> [1, 4] with no
    word: the value shown is not the one the op read."""
    from autograd import no_grad
    w = Variable(np.array([1.0, 2.0]), name="w")
    y = (w * w).sum()
    assert "changed in place" not in get_dot_graph(y, values=True)
    y.backward()
    with no_grad():
        w -= 0.5 * w.grad
    dot = get_dot_graph(y, values=True)
    line = next(line for line in dot.splitlines() if 'label="w' in line)
    assert "changed in place after use" in line and "#d62728" in line
    assert "changed in place" not in get_dot_graph(y)  # (no values shown: nothing stale)


def test_errors_name_the_drawing_function_called():
    """plot_graph's and plot_backward's errors began with 'get_dot_graph:'; an empty list
    drew an empty picture."""
    import autograd as ag
    with pytest.raises(ValueError, match="^plot_graph: no Variables to draw"):
        plot_graph([], to_file="unused.png")
    x = Variable(np.array(2.0))
    from autograd.ops.elementwise import Exp
    f = Exp()
    y = f(x)
    f(x)  # the same Function called again: its record now shows the second call
    with pytest.raises(RuntimeError, match="^plot_backward"):
        ag.plot_backward(y, "unused.html")


def test_get_item_boxes_show_their_index():
    x = Variable(np.arange(12.0).reshape(3, 4))
    labels = [x[index].creator.label for index in
              (np.s_[1:3], np.s_[:, 0], np.s_[..., ::2], np.s_[np.array([0, 2])], np.s_[::-1])]
    assert labels == ["GetItem[1:3]", "GetItem[:, 0]", "GetItem[..., ::2]",
                      "GetItem[array(2,)]", "GetItem[::-1]"]
    assert 'label="GetItem[1:3]"' in get_dot_graph(x[1:3].sum())


# ----- the size limit -----
def _dot_must_not_run(monkeypatch):
    import autograd.graph as graph

    def run(*args, **kwargs):
        raise AssertionError("dot was started")
    monkeypatch.setattr(graph.subprocess, "run", run)


def _chain(ops):
    y = Variable(np.ones(3), name="x")
    for _ in range(ops):
        y = tanh(y)
    return y  # 2 ops + 1 nodes


def test_a_graph_past_the_limit_is_refused_with_its_size_before_dot_runs(tmp_path, monkeypatch):
    """A 20,000-op graph waited the full 60 s for dot to time out before the user heard
    anything. 5,000 ops draw 10,001 nodes, one past the default limit."""
    _dot_must_not_run(monkeypatch)
    with pytest.raises(RuntimeError, match=r"^plot_graph: the graph has 10,001 nodes, over the "
                                           r"limit of 10,000 .*draw a part of it.*max_nodes="):
        plot_graph(_chain(5000), to_file=tmp_path / "graph.png")
    assert not (tmp_path / "graph.png").exists()


def test_max_nodes_moves_the_limit_both_ways(tmp_path, monkeypatch):
    """Eight nodes: refused under max_nodes=7, handed to dot (a stand-in) under 8."""
    import subprocess

    import autograd.graph as graph
    pytest.importorskip("graphviz")
    _, _, y = _small_graph()
    _dot_must_not_run(monkeypatch)
    with pytest.raises(RuntimeError, match="has 8 nodes, over the limit of 7 "):
        plot_graph(y, to_file=tmp_path / "graph.svg", max_nodes=7)
    monkeypatch.setattr(graph.shutil, "which", lambda name: name)
    monkeypatch.setattr(graph.subprocess, "run",
                        lambda args, **kwargs: subprocess.CompletedProcess(args, 0, b"<svg/>", b""))
    assert plot_graph(y, to_file=tmp_path / "graph.svg", max_nodes=8).data == b"<svg/>"


def test_max_nodes_that_is_not_a_number_is_named(tmp_path):
    with pytest.raises(TypeError, match=r"plot_graph: max_nodes is a number of nodes, got '8'"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png", max_nodes="8")


@pytest.mark.parametrize("max_nodes", [float("nan"), -1])
def test_max_nodes_nan_or_negative_is_refused(tmp_path, monkeypatch, max_nodes):
    """NaN lifted the limit without a word (no count is over it); -1 refused every graph as
    'over the limit of -1'."""
    _dot_must_not_run(monkeypatch)
    with pytest.raises(ValueError, match=r"plot_graph: max_nodes is a number of nodes, 0 or "
                                         r"more, got (nan|-1)"):
        plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png", max_nodes=max_nodes)


def test_detect_anomaly_does_not_wait_for_dot_on_a_graph_past_the_limit(tmp_path, monkeypatch):
    """The anomaly is raised at once, its message saying why no picture was drawn."""
    import autograd as ag
    import autograd.graph as graph
    _dot_must_not_run(monkeypatch)
    monkeypatch.setattr(graph, "MAX_NODES", 5)
    x = Variable(np.array([-1.0]), name="x")
    with pytest.raises(FloatingPointError, match=r"could not be drawn to .*anomaly\.png: "
                                                 r"detect_anomaly: the graph has 7 nodes, over "
                                                 r"the limit of 5 "):
        with ag.detect_anomaly(plot=tmp_path / "anomaly.png"), np.errstate(invalid="ignore"):
            ag.log(tanh(x) * 2.0)  # x, Tanh, t, MulScalar, 2t, Log, nan: 7 nodes


@needs_dot
def test_a_graph_past_the_quick_layout_size_gets_a_bounded_png(tmp_path, monkeypatch):
    """Past QUICK_LAYOUT_NODES dot lays out quickly and a PNG is at most PNG_INCHES a side (the
    graph of tanh's 8th derivative took dot minutes and a 32,766-pixel bitmap in 2.9 GB);
    here both limits are lowered so that the small graph passes them."""
    pytest.importorskip("graphviz")
    import autograd.graph as graph
    monkeypatch.setattr(graph, "QUICK_LAYOUT_NODES", 3)
    monkeypatch.setattr(graph, "PNG_INCHES", 1)
    plot_graph(_small_graph()[2], to_file=tmp_path / "graph.png")
    width, height = _png_size(tmp_path / "graph.png")
    assert max(width, height) <= 96 and min(width, height) > 0  # 1 inch at dot's 96 dpi


def test_quick_layout_options_start_past_the_threshold():
    import autograd.graph as graph
    limit = graph.QUICK_LAYOUT_NODES
    assert graph._layout_options(limit, "png") == []
    options = graph._layout_options(limit + 1, "svg")
    assert {"-Gsplines=line", "-Gmclimit=0.1", "-Gnslimit=0.05", "-Gnslimit1=0.05"} == set(
        options)
    assert f"-Gsize={graph.PNG_INCHES},{graph.PNG_INCHES}" in graph._layout_options(
        limit + 1, "png")


def _png_size(path):
    header = path.read_bytes()[:24]
    assert header.startswith(SIGNATURES["png"])
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
