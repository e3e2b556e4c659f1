"""Model.summary's Keras 3 options: expand_nested, positions and layer_range, checked against
Keras 3.15's own summaries of the same models (its rich tables, copied below as printed with
print_fn; the cells are compared, rungrad printing Keras' plain-text layout)."""
import pytest

import nn.keras as keras
from nn.keras import layers


def summary_text(model, **options):
    lines = []
    model.summary(print_fn=lines.append, **options)
    return "\n".join(lines)


def keras_cells(text):
    """[[cell, ...] per row] of a Keras 3 (rich) table, a row's wrapped lines joined."""
    rows = []
    for block in text.split("┩\n")[1].split("\n└")[0].split("\n├"):
        lines = [line.split("│")[1:-1] for line in block.splitlines() if "│" in line]
        rows.append(_joined([[cell[1:].rstrip() for cell in line] for line in lines]))
    return rows


def rungrad_cells(text, widths):
    """The same of a rungrad summary whose columns are `widths` wide."""
    rule = "\n" + text.splitlines()[3] + "\n"  # (the table lies between two "=" lines)
    bounds = [sum(widths[:i]) for i in range(len(widths) + 1)]
    rows = []
    for block in text.split(rule)[1].split("\n\n"):
        lines = [[line[a + 1:b].rstrip() for a, b in zip(bounds, bounds[1:])]
                 for line in block.splitlines()]
        rows.append(_joined(lines))
    return rows


def _joined(lines):
    """A row's cells from its lines: the first kept as it starts (Keras' nesting marker),
    each next line's words added after a space."""
    cells = list(lines[0])
    for line in lines[1:]:
        cells = [f"{cell} {more.strip()}" if more.strip() else cell
                 for cell, more in zip(cells, line)]
    return [cells[0]] + [cell.strip() for cell in cells[1:]]


def totals(text):
    return [line for line in text.splitlines() if "params:" in line]


WIDTHS = (32, 23, 17)         # the columns at the default line length, 72
TRAINABLE = (33, 24, 16, 11)  # at 84, with the Trainable column


def nested_sequential():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="a"),
                              layers.BatchNormalization(name="bn")], name="inner")
    return keras.Sequential([keras.Input((4,)), layers.Dense(4, name="first"), inner,
                             layers.Dense(2, name="last")], name="outer")


KERAS_NESTED = """\
Model: "outer"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape          ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ first (Dense)                 │ (None, 4)             │           20 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ inner (Sequential)            │ (None, 3)             │           27 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│    └ a (Dense)                │ (None, 3)             │           15 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│    └ bn (BatchNormalization)  │ (None, 3)             │           12 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ last (Dense)                  │ (None, 2)             │            8 │
└───────────────────────────────┴───────────────────────┴──────────────┘
 Total params: 55 (220.00 B)
 Trainable params: 49 (196.00 B)
 Non-trainable params: 6 (24.00 B)
"""


def test_expand_nested_lists_a_nested_sequentials_layers_under_its_row_as_keras():
    model = nested_sequential()
    text = summary_text(model, expand_nested=True)
    assert text.splitlines()[0] == 'Model: "outer"'
    assert rungrad_cells(text, WIDTHS) == keras_cells(KERAS_NESTED)
    assert totals(text) == totals(KERAS_NESTED)
    assert "    └ a (Dense)                  (None, 3)              15" in text.splitlines()
    # without it (Keras' default), one row for the nested model, as before
    assert summary_text(model, expand_nested=False) == summary_text(model)
    assert [row[0] for row in rungrad_cells(summary_text(model), WIDTHS)] == [
        "first (Dense)", "inner (Sequential)", "last (Dense)"]


def two_levels_deep():
    inputs = keras.Input((4,), name="inp")
    frozen = keras.Sequential([layers.Dense(4, name="d1"), layers.ReLU(name="r")],
                              name="lvl2")
    frozen.trainable = False
    block = keras.Sequential([keras.Input((4,)), frozen, layers.Dense(2, name="d2")],
                             name="lvl1")
    return keras.Model(inputs, layers.Dense(1, name="out")(block(inputs)), name="fun")


KERAS_DEEP = """\
Model: "fun"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape            ┃     Param # ┃ Train… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━┩
│ inp (InputLayer)                │ (None, 4)               │           0 │   -    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│ lvl1 (Sequential)               │ (None, 2)               │          30 │   Y    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│    └ lvl2 (Sequential)          │ (None, 4)               │          20 │   N    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│       └ d1 (Dense)              │ (None, 4)               │          20 │   N    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│       └ r (ReLU)                │ (None, 4)               │           0 │   -    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│    └ d2 (Dense)                 │ (None, 2)               │          10 │   Y    │
├─────────────────────────────────┼─────────────────────────┼─────────────┼────────┤
│ out (Dense)                     │ (None, 1)               │           3 │   Y    │
└─────────────────────────────────┴─────────────────────────┴─────────────┴────────┘
 Total params: 33 (132.00 B)
 Trainable params: 13 (52.00 B)
 Non-trainable params: 20 (80.00 B)
"""


def test_each_level_of_nesting_indents_the_marker_and_keeps_the_trainable_column():
    text = summary_text(two_levels_deep(), expand_nested=True, show_trainable=True)
    assert rungrad_cells(text, TRAINABLE) == keras_cells(KERAS_DEEP)
    assert totals(text) == totals(KERAS_DEEP)


def nested_functional():
    x = keras.Input((4,), name="xin")
    h = layers.Dense(3, name="proj")(x)
    inner = keras.Model(x, layers.BatchNormalization(name="batch_normalization")(
        keras.ops.add(h, h)), name="inner_fn")
    inputs = keras.Input((4,), name="outer_in")
    return keras.Model(inputs, layers.Dense(2, name="head")(inner(inputs)), name="outer_fn")


# layer_range=("inner.*", "head"): the Input before the range is left out, the nested model's
# rows follow its own; its Input is one of them, its operation (the add) is not
KERAS_NESTED_FUNCTIONAL = """\
Model: "outer_fn"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape          ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ inner_fn (Functional)         │ (None, 3)             │           27 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│    └ xin (InputLayer)         │ (None, 4)             │            0 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│    └ proj (Dense)             │ (None, 3)             │           15 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│    └ batch_normalization      │ (None, 3)             │           12 │
│ (BatchNormalization)          │                       │              │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ head (Dense)                  │ (None, 2)             │            8 │
└───────────────────────────────┴───────────────────────┴──────────────┘
 Total params: 35 (140.00 B)
 Trainable params: 29 (116.00 B)
 Non-trainable params: 6 (24.00 B)
"""


def test_a_nested_functional_model_with_a_layer_range():
    text = summary_text(nested_functional(), expand_nested=True, layer_range=("inner.*", "head"))
    assert rungrad_cells(text, WIDTHS) == keras_cells(KERAS_NESTED_FUNCTIONAL)
    assert totals(text) == totals(KERAS_NESTED_FUNCTIONAL)  # (the whole model's)
    # a nested name too long for its column goes on at the next line, as Keras wraps it
    assert ("    └ batch_normalization        (None, 3)              12\n"
            " (BatchNormalization)\n") in text


def mlp():
    return keras.Sequential([keras.Input((4,)), layers.Dense(3, name="dense"),
                             layers.BatchNormalization(name="batch_normalization"),
                             layers.Dense(2, name="dense_1")], name="mlp")


KERAS_RANGE = """\
Model: "mlp"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape          ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ batch_normalization           │ (None, 3)             │           12 │
│ (BatchNormalization)          │                       │              │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ dense_1 (Dense)               │ (None, 2)             │            8 │
└───────────────────────────────┴───────────────────────┴──────────────┘
 Total params: 35 (140.00 B)
 Trainable params: 29 (116.00 B)
 Non-trainable params: 6 (24.00 B)
"""


@pytest.mark.parametrize("layer_range, names", [
    # Keras' re.match: a pattern matches a name's start ('dense' matches 'dense_1' too)
    (("b", "dense"), ["batch_normalization", "dense_1"]),
    (["dense", "batch.*"], ["dense", "batch_normalization"]),
    (("dense_1", "dense_1"), ["dense_1"]),
    (("dense_1", "dense"), ["dense_1"]),
    (("d", "d"), ["dense", "batch_normalization", "dense_1"]),
    # the first after the second: Keras takes the rows between them all the same
    (("dense_1", "batch_normalization"), ["batch_normalization", "dense_1"]),
])
def test_layer_range_selects_the_rows_from_the_first_match_to_the_last(layer_range, names):
    text = summary_text(mlp(), layer_range=layer_range)
    assert [row[0].split(" ")[0] for row in rungrad_cells(text, WIDTHS)] == names
    assert totals(text) == totals(KERAS_RANGE)


def test_layer_range_rows_match_keras():
    text = summary_text(mlp(), layer_range=("b", "dense"))
    assert rungrad_cells(text, WIDTHS) == keras_cells(KERAS_RANGE)


@pytest.mark.parametrize("layer_range, error, message", [
    # Keras 3.15's errors, word for word
    (("nope", "dense"), ValueError, "Passed layer_names do not match the layer names in the "
                                    "model. Received: ('nope', 'dense')"),
    (("dense", "nope"), ValueError, "Passed layer_names do not match the layer names in the "
                                    "model. Received: ('dense', 'nope')"),
    (("dense",), ValueError, "layer_range must be a list or tuple of length 2. Received: "
                             "layer_range = ('dense',) of length 1"),
    ("dense", ValueError, "layer_range must be a list or tuple of length 2. Received: "
                          "layer_range = dense of length 5"),
    (("dense", 3), ValueError, "layer_range should contain string type only. Received: "
                               "('dense', 3)"),
    (5, TypeError, "object of type 'int' has no len()"),
])
def test_a_layer_range_keras_refuses_raises_its_error_before_printing(layer_range, error,
                                                                       message):
    lines = []
    with pytest.raises(error) as raised:
        mlp().summary(print_fn=lines.append, layer_range=layer_range)
    assert str(raised.value) == message and lines == []


def test_the_own_parameters_row_is_no_layer_a_range_selects():
    class Scaled(keras.Model):
        def __init__(self):
            super().__init__()
            self.body = layers.Dense(2, name="body")
            self.scale = self.add_weight(shape=(2,), name="scale")

        def call(self, x):
            return self.body(x) * self.scale
    model = Scaled()
    model.build((None, 3))
    assert "(own parameters)" in summary_text(model)
    text = summary_text(model, layer_range=("body", "body"))
    assert [row[0] for row in rungrad_cells(text, WIDTHS)] == ["body (Dense)"]
    assert " Total params: 10 (40.00 B)" in text


KERAS_POSITIONS = """\
Model: "mlp"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                      ┃ Output Shape      ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ dense (Dense)                     │ (None, 3)         │           15 │
├───────────────────────────────────┼───────────────────┼──────────────┤
│ batch_normalization               │ (None, 3)         │           12 │
│ (BatchNormalization)              │                   │              │
├───────────────────────────────────┼───────────────────┼──────────────┤
│ dense_1 (Dense)                   │ (None, 2)         │            8 │
└───────────────────────────────────┴───────────────────┴──────────────┘
 Total params: 35 (140.00 B)
 Trainable params: 29 (116.00 B)
 Non-trainable params: 6 (24.00 B)
"""


def test_positions_place_the_columns_as_keras_computes_their_widths():
    text = summary_text(mlp(), positions=[0.5, 0.8, 1.0])
    # Keras' widths: int(0.5 * 72) = 36, int(0.8 * 72) - 36 = 21, 72 - 57 = 15
    assert text.splitlines()[2] == " Layer (type)" + " " * 24 + "Output Shape" + " " * 9 + \
        "Param #"
    assert rungrad_cells(text, (36, 21, 15)) == keras_cells(KERAS_POSITIONS)
    # characters (a last position past 1) place them the same
    assert summary_text(mlp(), positions=(36, 57, 72)) == text
    # a fourth position (for Keras' Connected to column) places no column here
    four = summary_text(mlp(), positions=[0.3, 0.56, 0.74, 1.0])
    assert four.splitlines()[2] == " Layer (type)" + " " * 9 + "Output Shape" + " " * 7 + \
        "Param #"
    # none (or an empty list, as Keras' `positions or ...`): the default columns
    assert summary_text(mlp(), positions=[]) == summary_text(mlp())


def test_positions_with_the_trainable_column_leave_it_the_last_tenth():
    text = summary_text(mlp(), positions=[0.5, 0.8, 1.0], show_trainable=True, line_length=80)
    # Keras' positions times 0.9, then 1.0: the columns 36, 21, 15 and 8 wide
    assert text.splitlines()[2] == " Layer (type)" + " " * 24 + "Output Shape" + " " * 9 + \
        "Param #" + " " * 8 + "Trai.."
    assert rungrad_cells(text, (36, 21, 15, 8))[0] == ["dense (Dense)", "(None, 3)", "15", "Y"]


@pytest.mark.parametrize("positions, message", [
    ([0.02, 0.8, 1.0], "Insufficient console width to print summary."),  # Keras' text
    ([0.5, 0.8, 0.82], "Insufficient console width to print summary."),
    ([0.5, 0.8, 1.0, 1.0], "Insufficient console width to print summary."),  # (each counts)
    ([0.5, 0.8], "positions: the summary has 3 columns, got 2 positions: [0.5, 0.8]"),
])
def test_positions_keras_cannot_use_raise_before_printing(positions, message):
    lines = []
    with pytest.raises(ValueError) as raised:
        mlp().summary(print_fn=lines.append, positions=positions)
    assert str(raised.value) == message and lines == []


class Net(keras.Model):
    """A subclassed model (PyTorch's way) holding a Sequential: Keras expands it too."""

    def __init__(self):
        super().__init__(name="net")
        self.body = keras.Sequential([layers.Dense(8, name="hidden"), layers.ReLU(name="act")],
                                     name="body")
        self.head = layers.Dense(3, name="head")

    def call(self, x):
        return self.head(self.body(x))


def test_a_subclassed_models_nested_sequential_is_expanded():
    model = Net()
    model.build((None, 4))
    text = summary_text(model, expand_nested=True)
    assert [row[0] for row in rungrad_cells(text, WIDTHS)] == [
        "body (Sequential)", "   └ hidden (Dense)", "   └ act (ReLU)", "head (Dense)"]
    assert [row[1:] for row in rungrad_cells(text, WIDTHS)][1:3] == [
        ["(None, 8)", "40"], ["(None, 8)", "0"]]
    # a layer that is no model has nothing to expand: the rows are those of the model alone
    flat = mlp()
    assert summary_text(flat, expand_nested=True) == summary_text(flat)
