"""model_to_dot / plot_model: Keras' layer diagram (type, name, output shape, parameters)."""
import re
import shutil

import numpy as np
import pytest

import nn
from autograd.graph import GraphImage
from nn.training.model_diagram import model_to_dot, plot_model

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")


def _boxes(dot):
    return dict(re.findall(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M))


def _edges(dot):
    return re.findall(r"^\s*(\w+) -> (\w+)( \[style=invis\])?;$", dot, flags=re.M)


def _mlp():
    np.random.seed(0)
    return nn.Sequential(nn.Dense(32, activation="relu", input_shape=(64,)), nn.Dropout(0.1),
                         nn.Dense(10, activation="softmax"))


def test_a_sequential_is_a_chain_of_boxes_with_shapes_and_parameter_counts():
    dot = model_to_dot(_mlp(), show_shapes=True)
    assert _boxes(dot) == {
        "input": "input\\n(None, 64)",
        "layer0": "dense (Dense)\\noutput: (None, 32)\\nparams: 2,080",
        "layer1": "dropout (Dropout)\\noutput: (None, 32)\\nparams: 0",
        "layer2": "dense_1 (Dense)\\noutput: (None, 10)\\nparams: 330",
    }
    assert _edges(dot) == [("input", "layer0", ""), ("layer0", "layer1", ""),
                           ("layer1", "layer2", "")]


def test_shapes_are_left_out_unless_asked_as_keras():
    boxes = _boxes(model_to_dot(_mlp()))
    assert boxes == {"layer0": "dense (Dense)\\nparams: 2,080",
                     "layer1": "dropout (Dropout)\\nparams: 0",
                     "layer2": "dense_1 (Dense)\\nparams: 330"}


def test_counts_and_shapes_agree_with_summary():
    np.random.seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(5))
    model(np.zeros((2, 1, 8, 8), np.float32))
    lines = []
    model.summary(print_fn=lines.append)
    boxes = _boxes(model_to_dot(model, show_shapes=True))
    assert boxes.pop("input") == "input\\n(None, 1, 8, 8)"  # (known from the call)
    assert boxes["layer1"] == "batch_norm2d (BatchNorm2d)\\noutput: (None, 4, 8, 8)\\nparams: 16"
    assert boxes["layer4"] == "flatten (Flatten)\\noutput: (None, 64)\\nparams: 0"
    rows = [line for line in lines if re.match(r" \w+ \(", line) and "(type)" not in line]
    assert len(rows) == len(boxes) == 6
    for i, line in enumerate(rows):
        shape, params = line.split()[2:-1], line.split()[-1]
        assert f"output: {' '.join(shape)}\\nparams: {params}" in boxes[f"layer{i}"]


def test_a_custom_model_stacks_its_layers_without_claiming_a_data_flow():
    class TwoHeads(nn.Model):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(4, 8)
            self.head_a = nn.Linear(8, 2)
            self.head_b = nn.Linear(8, 3)

        def forward(self, x):
            h = self.body(x)
            return self.head_a(h), self.head_b(h)

    dot = model_to_dot(TwoHeads(), show_shapes=True)
    assert _boxes(dot) == {"layer0": "body (Linear)\\noutput: ?\\nparams: 40",
                           "layer1": "head_a (Linear)\\noutput: ?\\nparams: 18",
                           "layer2": "head_b (Linear)\\noutput: ?\\nparams: 27"}
    assert all(invisible for _, _, invisible in _edges(dot))
    assert 'label="TwoHeads"' in dot


def test_a_model_not_built_yet_is_refused_as_keras_does():
    with pytest.raises(ValueError, match="model_to_dot: This model has not yet been built"):
        model_to_dot(nn.Sequential(nn.Dense(3)))
    with pytest.raises(TypeError, match="expected an nn.Module, got str"):
        model_to_dot("model")


@needs_dot
@pytest.mark.parametrize("suffix, signature", [(".png", b"\x89PNG\r\n\x1a\n"),
                                               (".svg", b"<?xml"), (".pdf", b"%PDF-")])
def test_plot_model_writes_the_image(tmp_path, suffix, signature):
    path = tmp_path / f"model{suffix}"
    image = plot_model(_mlp(), to_file=path)
    assert path.read_bytes().startswith(signature)
    assert isinstance(image, GraphImage) and image.data == path.read_bytes()


def test_plot_model_needs_a_drawable_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"plot_model: .*'jpg'"):
        plot_model(_mlp(), to_file=tmp_path / "model.jpg")


def test_reachable_from_nn():
    assert nn.model_to_dot is model_to_dot and nn.plot_model is plot_model


def test_a_functional_model_s_boxes_are_wired_as_its_graph():
    """Branches and a merge were drawn as a stacked column with invisible edges."""
    from nn.keras import Input, Model, layers
    from nn.training.model_diagram import model_to_dot
    inputs = Input(shape=(4,))
    left, right = layers.Dense(3, name="left")(inputs), layers.Dense(3, name="right")(inputs)
    model = Model(inputs, layers.Dense(1, name="out")(layers.Concatenate()([left, right])))
    dot = model_to_dot(model)
    boxes = {name: line.split()[0] for line in dot.splitlines() for name in
             ("input_layer", "left", "right", "concatenate", "out")
             if line.strip().startswith("layer") and f'label="{name}' in line}
    edges = {tuple(line.strip().rstrip(";").split(" -> ")) for line in dot.splitlines()
             if "->" in line}
    assert "invis" not in dot
    want = [("input_layer", "left"), ("input_layer", "right"), ("left", "concatenate"),
            ("right", "concatenate"), ("concatenate", "out")]
    assert {(boxes[a], boxes[b]) for a, b in want} == edges


def test_the_input_box_shows_the_whole_sample_shape():
    # (None, 3) was drawn for input_shape=(10, 3), beside a first layer's (None, 10, 4)
    model = nn.Sequential([nn.Dense(4, input_shape=(10, 3))])
    dot = model_to_dot(model, show_shapes=True)
    assert 'input [label="input\\n(None, 10, 3)"' in dot and "(None, 10, 4)" in dot


def test_keras_options_add_their_lines_in_keras_order():
    model = _mlp()
    model.layers[0].trainable = False
    boxes = _boxes(model_to_dot(model, show_shapes=True, show_dtype=True,
                                show_layer_names=False, show_layer_activations=True,
                                show_trainable=True))
    assert boxes["layer0"] == ("Dense\\nactivation: relu\\ntrainable: False\\n"
                               "output: (None, 32)\\ndtype: float32\\nparams: 2,080")
    assert boxes["layer1"] == ("Dropout\\ntrainable: True\\noutput: (None, 32)\\n"
                               "dtype: float32\\nparams: 0")
    dot = model_to_dot(model, rankdir="LR", dpi=96)
    assert "rankdir=LR;" in dot and "dpi=96;" in dot
    with pytest.raises(ValueError, match="rankdir must be one of TB, LR, BT, RL"):
        model_to_dot(model, rankdir="XY")
    with pytest.raises(TypeError, match="plot_model: unexpected keyword argument.* layer_range"):
        plot_model(model, "m.png", layer_range=["dense", "dense_1"])


def test_a_functional_model_s_dtypes_come_from_its_graph():
    from nn.keras import Input, Model, layers
    inputs = Input(shape=(4,))
    model = Model(inputs, layers.Dense(2, name="out")(inputs))
    assert 'out (Dense)\\ndtype: float32' in model_to_dot(model, show_dtype=True)


def test_expand_nested_frames_an_inner_model_s_own_boxes():
    from nn.keras import Input, Model, Sequential, layers
    inner = Sequential([layers.Dense(3, name="a"), layers.Dense(2, name="b")], name="block")
    inputs = Input(shape=(4,))
    model = Model(inputs, layers.Dense(1, name="head")(inner(inputs)))
    flat = _boxes(model_to_dot(model))
    assert any(label.startswith("block (Sequential)") for label in flat.values())
    dot = model_to_dot(model, expand_nested=True)
    boxes = {label.split("\\n")[0]: node for node, label in _boxes(dot).items()}
    assert 'label="block (Sequential)"; style="rounded,dashed";' in dot
    assert {"a (Dense)", "b (Dense)", "head (Dense)"} <= set(boxes)
    assert "block (Sequential)" not in boxes
    edges = {(a, b) for a, b, _ in _edges(dot)}
    assert {(boxes["a (Dense)"], boxes["b (Dense)"]),
            (boxes["b (Dense)"], boxes["head (Dense)"])} <= edges


def test_the_dot_text_creates_and_writes_as_pydot_s_dot_does(tmp_path):
    dot = model_to_dot(_mlp())
    assert isinstance(dot, str) and dot.to_string() == str(dot)
    dot.write(tmp_path / "m.dot")
    assert (tmp_path / "m.dot").read_text() == dot
    with pytest.raises(ValueError, match="format must be one of png, svg, pdf"):
        dot.create(prog="dot", format="jpg")
    with pytest.raises(ValueError, match="prog='neato'"):
        dot.create(prog="neato", format="svg")


@needs_dot
def test_a_notebook_shows_the_created_svg(tmp_path):
    dot = model_to_dot(_mlp(), show_shapes=True)
    assert dot.create(prog="dot", format="svg").startswith(b"<?xml")
    assert dot.create_png().startswith(b"\x89PNG")
    dot.write_svg(tmp_path / "m.svg")
    assert (tmp_path / "m.svg").read_bytes().startswith(b"<?xml")
