"""A leaf read by many ops far apart (a weight shared by every step of an unrolled loop) is
drawn at each op that reads it, dashed: drawn once, its bundle of long edges took dot 47 s
for a 30-step RNN and ran out of time beyond. Every other graph draws as before."""
import re
import shutil

import numpy as np
import pytest

import autograd as ag
import autograd.graph as graph
import nn
from autograd import Variable, get_dot_graph
from autograd.long_edges import FAR, MANY

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")


def _rnn(steps, loss_over_all_steps=False):
    """h = tanh(x_t W_x + h W_h + b), written with ops, as a DeZero reader draws it."""
    rng = np.random.default_rng(0)
    w_x = Variable(rng.standard_normal((3, 4)), name="W_x")
    w_h = Variable(rng.standard_normal((4, 4)), name="W_h")
    b = Variable(np.zeros(4), name="b")
    h = Variable(np.zeros((1, 4)), name="h0", requires_grad=False)
    losses = []
    for t in range(steps):
        x = Variable(rng.standard_normal((1, 3)), name=f"x{t}", requires_grad=False)
        h = ag.tanh(ag.matmul(x, w_x) + ag.matmul(h, w_h) + b)
        losses.append(ag.sum(h * h))
    loss = sum(losses[1:], losses[0]) if loss_over_all_steps else ag.sum(h)
    return loss, (w_x, w_h, b)


def _nodes_of(dot, v):
    """The DOT lines of `v`'s nodes: its own (id) and its copies (c<id>_<op>_<slot>)."""
    return re.findall(rf"^  c?{id(v)}(?:_\d+_\d+)? \[.*$", dot, flags=re.M)


def _drawn_once(y, **options):
    """The source as drawn before leaves were repeated: every Variable once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph, "far_read_leaves", lambda functions: [])
        return get_dot_graph(y, **options)


def test_a_weight_shared_by_every_step_is_drawn_at_each_step_dashed():
    loss, weights = _rnn(10)
    dot = get_dot_graph(loss)
    for w in weights:
        nodes = _nodes_of(dot, w)
        assert len(nodes) == 10  # one copy per MatMul or Add that reads it
        assert all(line.startswith(f"  c{id(w)}_") and 'style="filled,dashed"' in line
                   and f'label="{w.name}\\n' in line for line in nodes)
        copies = {line.split()[0] for line in nodes}
        assert {a for a, _ in re.findall(r"^  (\S+) -> (\S+);$", dot, flags=re.M)
                if a.startswith(f"c{id(w)}_")} == copies  # each copy has its edge
    assert dot.count("dashed") == 30  # the inputs x_t, read once, stay as they were


def test_a_leaf_is_repeated_exactly_past_many_far_readers():
    """w read at the top of a chain, then by readers further down: repeated once more than
    MANY of them lie more than FAR levels (ops) below the first."""
    def chain(distances):
        x = Variable(np.array([0.5]), name="x")
        w = Variable(np.array([2.0]), name="w")
        y, at = x * w, 0
        for distance in distances:
            for _ in range(distance - at - 1):
                y = ag.tanh(y)
            y, at = y * w, distance
        return get_dot_graph(y), w

    far = [FAR + 1 + k for k in range(MANY + 1)]
    dot, w = chain(far)
    assert len(_nodes_of(dot, w)) == MANY + 2 and "dashed" in dot
    for fewer in (far[1:], [FAR] + far[1:]):  # MANY far readers: one too few
        dot, w = chain(fewer)
        assert _nodes_of(dot, w) == [f'  {id(w)} [label="w\\n(1,) float64", shape=ellipse, '
                                     f'style=filled, fillcolor="#ffd58a"];']
        assert "dashed" not in dot


def test_a_loop_s_recurrence_is_kept_in_one_straight_line():
    """With its leaves repeated, dot let each step of a loop drift sideways (a 100-step
    picture 15,000 points wide): the longest chain of ops, h_t's, is one group."""
    loss, _ = _rnn(10, loss_over_all_steps=True)
    dot = get_dot_graph(loss)
    grouped = [line for line in dot.splitlines() if line.endswith(", group=chain];")]
    boxes = [line for line in grouped if "shape=box" in line]
    assert sum('label="Tanh"' in line for line in boxes) == 10  # every step's
    assert sum('label="MatMul"' in line for line in boxes) == 10  # one a step
    assert not any(line.startswith("  c") for line in grouped)  # no copy of a leaf
    assert dot.count("group=") == len(grouped) == 2 * len(boxes) - 1  # op, variable, op...


def test_unnamed_scalar_constants_keep_their_look():
    """They were drawn per use already (undashed); a loop reading one does not dash it, nor
    draw its ops any other way."""
    x = Variable(np.array([0.5]), name="x")
    k = ag.Variable(np.array(3.0), requires_grad=False)  # (a Variable: kept as an input)
    y = x
    for _ in range(12):
        y = ag.tanh(ag.mul(y, k))
    dot = get_dot_graph(y)
    assert "dashed" not in dot and "group=" not in dot and len(_nodes_of(dot, k)) == 12


def _ordinary_graphs():
    rng = np.random.default_rng(1)
    batch = Variable(rng.standard_normal((2, 4)), requires_grad=False)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    yield "MLP", nn.functional.cross_entropy(mlp(batch), np.array([0, 2]))
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(36, 5))
    yield "CNN", cnn(Variable(rng.standard_normal((2, 1, 8, 8)), requires_grad=False)).sum()
    h, c = nn.LSTMCell(3, 4)(Variable(rng.standard_normal((1, 3)), requires_grad=False))
    yield "LSTM step", h.sum() + c.sum()
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    yield "Transformer layer", layer(Variable(rng.standard_normal((1, 5, 8)))).sum()
    x = Variable(np.array(1.0), name="x")
    y = ag.exp(x ** 2) ** 2
    y.backward(create_graph=True)
    yield "README's exp(x²)²", x.grad
    x = Variable(np.array(1.0), name="x")
    ag.tanh(x).backward(create_graph=True)
    for _ in range(3):  # DeZero's step 35: its constants are read far apart
        gx, x.grad = x.grad, None
        gx.backward(create_graph=True)
    yield "tanh's 4th derivative", x.grad
    cell, state = nn.RNNCell(2, 3).name_parameters(), None
    for t in range(3):  # notebook 11's unrolled RNN
        state = cell(np.full((1, 2), t, dtype=np.float32), state)
    yield "3-step RNNCell", state
    yield "5-step RNN", _rnn(5, loss_over_all_steps=True)[0]


ORDINARY = list(_ordinary_graphs())


@pytest.mark.parametrize("name, y", ORDINARY, ids=[name for name, _ in ORDINARY])
def test_ordinary_graphs_draw_every_variable_once_as_before(name, y):
    for options in ({}, {"verbose": False, "values": True, "grads": True}):
        assert get_dot_graph(y, **options) == _drawn_once(y, **options), name


def _normalized(dot):
    """Node ids (id() numbers) replaced by n0, n1, ... in order of appearance."""
    ids = {}
    return re.sub(r"\d{6,}", lambda m: ids.setdefault(m.group(), f"n{len(ids)}"), dot)


# The README's neuron (b = 6) times a constant, as the code before repeated leaves drew it.
NEURON = r"""digraph g {
  node [fontname="Helvetica"];
  n0 [label="value: [0, 0]\ngrad: —", shape=ellipse, style=filled, fillcolor="#a6d8a8"];
  n1 [label="Mul", shape=box, style=filled, fillcolor="#c9daf8"];
  n2 [label="o\nvalue: 0\ngrad: 1", shape=ellipse, style=filled, fillcolor="#fff2cc"];
  n2 -> n1;
  n3 [label="k\nvalue: [2, 2]\ngrad: —", shape=ellipse, style=filled, fillcolor="#e6e6e6"];
  n3 -> n1;
  n1 -> n0;
  n4 [label="Tanh", shape=box, style=filled, fillcolor="#c9daf8"];
  n5 [label="value: 0\ngrad: 1", shape=ellipse, style=filled, fillcolor="#fff2cc"];
  n5 -> n4;
  n4 -> n2;
  n6 [label="Add", shape=box, style=filled, fillcolor="#c9daf8"];
  n7 [label="value: -6\ngrad: 1", shape=ellipse, style=filled, fillcolor="#fff2cc"];
  n7 -> n6;
  n8 [label="b\nvalue: 6\ngrad: 1", shape=ellipse, style=filled, fillcolor="#ffd58a"];
  n8 -> n6;
  n6 -> n5;
  n9 [label="Sum", shape=box, style=filled, fillcolor="#c9daf8"];
  n10 [label="value: [-6, 0]\ngrad: [1, 1]", shape=ellipse, style=filled, fillcolor="#fff2cc"];
  n10 -> n9;
  n9 -> n7;
  n11 [label="Mul", shape=box, style=filled, fillcolor="#c9daf8"];
  n12 [label="x\nvalue: [2, 0]\ngrad: [-3, 1]", shape=ellipse, style=filled, fillcolor="#ffd58a"];
  n12 -> n11;
  n13 [label="w\nvalue: [-3, 1]\ngrad: [2, 0]", shape=ellipse, style=filled, fillcolor="#ffd58a"];
  n13 -> n11;
  n11 -> n10;
}
"""


def test_the_readme_neuron_s_source_is_the_one_drawn_before():
    x, w = Variable(np.array([2.0, 0.0]), name="x"), Variable(np.array([-3.0, 1.0]), name="w")
    b = Variable(np.array(6.0), name="b")
    o = ag.tanh(ag.sum(x * w) + b)
    o.name = "o"
    o.backward(retain_grad=True)
    y = o * Variable(np.array([2.0, 2.0]), name="k", requires_grad=False)
    assert _normalized(get_dot_graph(y, verbose=False, values=True, grads=True)) == NEURON


def test_detect_anomaly_draws_a_shared_weight_at_each_step(tmp_path, monkeypatch):
    sources = {}
    monkeypatch.setattr(graph, "render_dot",
                        lambda source, to_file, *a, **k: sources.setdefault("dot", source))
    loss, (_, w_h, _) = _rnn(10)
    with ag.detect_anomaly(plot=tmp_path / "anomaly.svg"), pytest.raises(FloatingPointError), \
            np.errstate(invalid="ignore"):
        ag.log(loss - 1e6)  # (NaN: the anomaly)
    assert len(_nodes_of(sources["dot"], w_h)) == 10 and "dashed" in sources["dot"]


@needs_dot
@pytest.mark.parametrize("loss_over_all_steps", [False, True])
def test_a_50_step_rnn_renders(tmp_path, loss_over_all_steps):
    """Drawn once, its three weights kept dot busy for minutes (past RENDER_SECONDS)."""
    loss, _ = _rnn(50, loss_over_all_steps)
    image = ag.plot_graph(loss, to_file=tmp_path / "rnn.svg")
    assert image.data.count(b"W_h") == 50 and b"stroke-dasharray" in image.data
