"""plot_backward: the step-through page, checked as data and in a real browser."""
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.array_text import array_text

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _loss():
    x = Variable(np.array([1.0, 2.0]), name="x")
    w = Variable(np.array([0.5, -1.0]), name="w")
    loss = ag.sum(ag.tanh(x * w) * x)
    loss.name = "L"
    return loss, x, w


def _frames(page):
    return json.loads(re.search(r"const frames = (.*);\n", page.html).group(1))


def _totals(frames):
    """{name: gradient so far} after the last frame, added up as the page's script does."""
    latest = {t["id"]: t for frame in frames[1:] for t in frame["totals"]}
    return {t["var"]: t["grad"] for t in latest.values()}


@needs_dot
def test_one_frame_per_function_and_the_last_frame_holds_every_gradient(tmp_path):
    loss, x, w = _loss()
    page = ag.plot_backward(loss, tmp_path / "bp.html")
    frames = _frames(page)
    assert len(frames) == 1 + 4                       # forward, then sum, mul, tanh, mul
    assert frames[0]["highlight"] == str(id(loss))
    assert [f["caption"].split(": ")[1].split(" ")[0] for f in frames[1:]] == \
        ["Sum", "Mul", "Tanh", "Mul"]
    totals = _totals(frames)
    gx, gw = ag.grad(loss, [x, w])
    assert totals["x"] == array_text(gx.data) and totals["w"] == array_text(gw.data)
    assert os.path.getsize(tmp_path / "bp.html") == len(page.html.encode())


@needs_dot
def test_the_page_is_self_contained(tmp_path):
    loss, _, _ = _loss()
    html = ag.plot_backward(loss, tmp_path / "bp.html").html
    assert "<svg" in html and "<?xml" not in html
    for fetch in ("<script src", "<link", "@import", "url(", "<img"):
        assert fetch not in html
    assert "{{" not in html                            # every placeholder filled


def test_refuses_a_name_that_is_not_html(tmp_path):
    loss, _, _ = _loss()
    with pytest.raises(ValueError, match="plot_backward: the page is HTML"):
        ag.plot_backward(loss, tmp_path / "bp.png")


def test_names_are_text_not_template_markers(tmp_path):
    """A variable named '{{FRAMES}}' put the frames' JSON into the picture, and one named
    '{{TITLE}}' the title into the panel (the markers were replaced one after another,
    inside what had been filled in)."""
    x = ag.Variable(np.array(2.0), name="{{FRAMES}}")
    w = ag.Variable(np.array(3.0), name="{{TITLE}}")
    page = ag.plot_backward(x * w, tmp_path / "bp.html")
    svg = page.html[page.html.index("<svg"):page.html.index("</svg>")]
    assert "{{FRAMES}}" in svg and "{{TITLE}}" in svg
    assert {"{{FRAMES}}", "{{TITLE}}"} <= set(_totals(_frames(page)))


@needs_dot
def test_the_page_grows_with_the_steps_not_their_square(tmp_path):
    """Every frame held every total so far: 2,000 steps made a 132 MB page."""
    x = Variable(np.array([0.5, 1.0]), name="x")
    y = x
    for _ in range(40):
        y = ag.tanh(y)
    frames = _frames(ag.plot_backward(ag.sum(y), tmp_path / "bp.html"))
    assert sum(len(frame["totals"]) for frame in frames) == len(frames) - 1
    assert _totals(frames)["x"] == array_text(ag.grad(ag.sum(y), [x])[0].data)


@needs_dot
def test_variables_of_the_same_name_are_told_apart(tmp_path):
    """Two variables named 'x' were two rows 'x', and one named 'Mul output' read as the
    unnamed product's."""
    a, b = Variable(np.array([1.0]), name="x"), Variable(np.array([2.0]), name="x")
    c = Variable(np.array([3.0]), name="Mul output")
    frames = _frames(ag.plot_backward(ag.sum(a * b * c), tmp_path / "bp.html"))
    names = [t["var"] for frame in frames[1:] for t in frame["totals"]]
    assert sorted(names) == ["Mul output", "Mul output 2", "Mul output 3", "x", "x 2"]


def _browser():
    found = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if found is None:
        if os.environ.get("RUNGRAD_REQUIRE_BROWSER"):
            pytest.fail("no Chromium on PATH, and RUNGRAD_REQUIRE_BROWSER is set (CI)")
        pytest.skip("no Chromium on PATH")
    return found


# Errors are collected from the first moment; after load, Next is clicked twice and ← pressed
# once, and what the page then highlights is written into <body data-*> for --dump-dom.
_COLLECT = ('<script>window.__errors = []; window.addEventListener("error", '
            'e => window.__errors.push(String(e.message)));</script>')
_DRIVE = """<script>
const next = document.getElementById("next"), seen = [document.body.dataset.highlight];
next.click(); seen.push(document.body.dataset.highlight);
next.click(); seen.push(document.body.dataset.highlight);
document.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowLeft"}));
seen.push(document.body.dataset.highlight);
// on the focused slider, an arrow key is one step: the page takes it, the slider not again
const key = new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true, cancelable: true});
document.getElementById("slider").dispatchEvent(key);
seen.push(document.body.dataset.highlight);
document.body.dataset.prevented = key.defaultPrevented;
document.body.dataset.seen = JSON.stringify(seen);
document.body.dataset.errors = JSON.stringify(window.__errors);
document.body.dataset.marked = document.querySelectorAll("g.node.current").length;
</script>"""


def _in_browser(page, drive, tmp_path):
    """The page run headless with the script `drive` appended; returns its <body data-*>."""
    browser = _browser()
    probe = tmp_path / "probe.html"
    probe.write_text(page.html.replace("<head>", "<head>" + _COLLECT, 1)
                     .replace("</body>", drive + "</body>"), encoding="utf-8")
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                         timeout=120)
    body = re.search(r"<body([^>]*)>", run.stdout)
    assert body, run.stderr[-2000:]
    return {k: v.replace("&quot;", '"') for k, v in re.findall(r'data-([\w-]+)="([^"]*)"',
                                                                body.group(1))}


@needs_dot
def test_in_a_real_browser_next_moves_the_highlight_along_the_trace(tmp_path):
    loss, _, _ = _loss()
    page = ag.plot_backward(loss, tmp_path / "bp.html")
    data = _in_browser(page, _DRIVE, tmp_path)
    frames = _frames(page)
    expected = [frames[i]["highlight"] for i in (0, 1, 2, 1, 2)]
    assert json.loads(data["seen"]) == expected and data["prevented"] == "true"
    assert json.loads(data["errors"]) == []
    assert data["marked"] == "1"                       # the highlighted Function is drawn


# Next clicked through every step; the titles of the nodes marked as receiving a gradient
# are collected per frame.
_TARGETS = """<script>
const marked = [];
for (let i = 1; i < frames.length; i++) {
  document.getElementById("next").click();
  marked.push([...document.querySelectorAll("g.node.target")]
    .map(g => g.querySelector("title").textContent.trim()));
}
document.body.dataset.marked = JSON.stringify(marked);
document.body.dataset.errors = JSON.stringify(window.__errors);
</script>"""


@needs_dot
def test_a_weight_drawn_at_each_step_is_marked_where_its_gradient_is_sent(tmp_path):
    """A leaf read far apart is drawn once per use (get_dot_graph): the copy at the op of
    the current step is the one marked, as the leaf itself would be."""
    w = Variable(np.array([[0.5]]), name="w")
    h = Variable(np.array([[1.0]]), name="h0")
    for _ in range(10):
        h = ag.tanh(ag.matmul(h, w))
    page = ag.plot_backward(ag.sum(h), tmp_path / "bp.html")
    data = _in_browser(page, _TARGETS, tmp_path)
    assert json.loads(data["errors"]) == []
    marked = json.loads(data["marked"])
    reads = 0
    for frame, titles in zip(_frames(page)[1:], marked):
        copy = f"c{id(w)}_{frame['highlight']}_1"
        assert (copy in titles) == (str(id(w)) in frame["targets"])
        reads += copy in titles
    assert reads == 10 and f"<title>{id(w)}</title>" not in page.html  # (drawn per use)


@needs_dot
def test_drawing_a_backward_pass_leaves_the_gradients_as_they_were(tmp_path):
    x, w = Variable(np.array([2.0, 0.0]), name="x"), Variable(np.array([-3.0, 1.0]), name="w")
    o = ag.tanh(ag.sum(x * w) + 1.0)
    o.backward(retain_grad=True)
    before = [v.grad.data.copy() for v in (x, w)]
    ag.plot_backward(o, to_file=tmp_path / "page.html")
    for v, grad in zip((x, w), before):
        np.testing.assert_array_equal(v.grad.data, grad)  # not doubled
    fresh = Variable(np.array(1.0))
    ag.plot_backward(ag.exp(fresh), to_file=tmp_path / "page2.html")
    assert fresh.grad is None



def test_names_cannot_end_or_comment_out_the_page_s_script(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    x = Variable(np.array([1.0, 2.0]), name="<!--<script></script>&")
    page = ag.plot_backward((x * x).sum(), tmp_path / "page.html").html
    script = page[page.rindex("<script>"):]
    assert "<!--" not in script and "\\u003c!--\\u003cscript\\u003e" in script


def test_several_outputs_are_refused_by_name(tmp_path):
    x = Variable(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="plot_backward: expected one output Variable, got list"):
        ag.plot_backward([x * 2, x * 3], tmp_path / "page.html")


@needs_dot
def test_a_checkpointed_block_s_own_backward_pass_is_not_drawn_or_added_twice(tmp_path):
    """The recomputed block's pass was drawn as steps of the page (Functions not in the
    picture), and its gradient to a weight read inside the block was added to the one the
    checkpoint's own step sends: the page showed w's gradient doubled."""
    x, w = Variable(np.array([0.5, 1.0]), name="x"), Variable(np.array([2.0, -1.0]), name="w")
    loss = ag.sum(ag.checkpoint(lambda a: ag.tanh(a * w) * a, x) ** 2)
    gx, gw = ag.grad(loss, [x, w])
    page = ag.plot_backward(loss, tmp_path / "bp.html")
    frames = _frames(page)
    assert [f["caption"].split(": ")[0] for f in frames[1:]] == ["Step 1 of 3", "Step 2 of 3",
                                                                "Step 3 of 3"]
    assert all(f"<title>{f['highlight']}</title>" in page.html for f in frames)
    totals = _totals(frames)
    assert (totals["x"], totals["w"]) == (array_text(gx.data), array_text(gw.data))


def test_a_missing_folder_is_refused_by_name_before_the_backward_runs(tmp_path):
    """It was found only when the page was written: after Graphviz's layout and after the
    backward pass had run the graph's hooks, and the error did not say whose it was."""
    x = Variable(np.array([1.0, 2.0]), name="x")
    calls = []
    x.register_hook(lambda g: calls.append(g))
    with pytest.raises(FileNotFoundError, match="plot_backward: folder .* does not exist"):
        ag.plot_backward((x * x).sum(), tmp_path / "missing" / "bp.html")
    assert calls == [] and x.grad is None


@needs_dot
def test_an_output_that_got_no_gradient_keeps_its_place_in_what_was_received(tmp_path):
    """A module hook's tap passes None on for an output the loss does not use: it was left
    out, so the second output's gradient read as the first's."""
    import nn

    class Two(nn.Module):
        def forward(self, x):
            return x * 2.0, ag.tanh(x)

    two = Two()
    two.register_full_backward_hook(lambda module, grad_input, grad_output: None)
    _, b = two(Variable(np.array([1.0, 2.0]), name="x"))
    frames = _frames(ag.plot_backward(ag.sum(b * 3.0), tmp_path / "bp.html"))
    taps = [f for f in frames[1:] if f["caption"].split(": ")[1].startswith("GradientTap")]
    assert taps[0]["received"] == ["—", "[3, 3]"]
    assert "receives gy = —, [3, 3] and" in taps[0]["caption"]


@needs_dot
def test_a_step_s_rule_is_its_docstring_s_first_clause_not_a_cut_line(tmp_path):
    """The docstring's first line was shown, cut mid-clause: 'ReLU (y = max(x, 0);  dy/dx =
    [y != 0]: 1 where x > 0, 0 at and below the kink, and 1 at a)'."""
    import nn.functional as F
    x = Variable(np.array([1.0, -2.0]), name="x")
    frames = _frames(ag.plot_backward(ag.sum(F.relu(ag.tanh(x))), tmp_path / "bp.html"))
    rules = [f["caption"].split(" receives")[0].split(": ", 1)[1] for f in frames[1:]]
    assert rules[1:] == ["ReLU (y = max(x, 0); dy/dx = [y != 0])",
                         "Tanh (y = tanh x; dy/dx = 1 - y^2)"]


@needs_dot
def test_a_bytes_path_names_an_html_page(tmp_path):
    """A bytes path was refused as not HTML (its suffix, bytes, never equals '.html')."""
    loss, _, _ = _loss()
    ag.plot_backward(loss, os.fsencode(tmp_path / "bp.html"))
    assert (tmp_path / "bp.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@needs_dot
def test_a_pytorch_style_function_s_step_is_its_class_and_rule(tmp_path):
    """It was 'TorchStyleCall (One call of a PyTorch-style Function ...)', the wrapper's."""
    class Cube(ag.Function):  # (PyTorch 2's split: forward without ctx, setup_context)
        """y = x^3; dy/dx = 3x^2"""

        forward = staticmethod(lambda x: x ** 3)
        setup_context = staticmethod(lambda ctx, inputs, output: ctx.save_for_backward(
            inputs[0]))
        backward = staticmethod(lambda ctx, gy: 3 * gy * ctx.saved_tensors[0] ** 2)

    x = Variable(np.array([1.0, -2.0]), name="x")
    frames = _frames(ag.plot_backward(ag.sum(Cube.apply(x)), tmp_path / "bp.html"))
    assert frames[2]["caption"].startswith("Step 2 of 2: Cube (y = x^3; dy/dx = 3x^2) receives")


def test_a_grad_set_by_hand_to_a_number_is_drawn():
    x = Variable(np.array([1.0]), name="x")
    y = x * x
    x.grad = 5.0
    assert "grad: 5" in ag.get_dot_graph(y, grads=True)
