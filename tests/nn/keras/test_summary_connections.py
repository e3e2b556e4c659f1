"""summary()'s "Connected to" column for a functional graph that is not a chain, and a
subclassed model's layer output shapes from its first call, against Keras 3.15.1's (torch
backend, a fresh session per model) rows: names, output shapes, counts, connections."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.keras as keras
from nn.keras import layers

CONNECTED = ("Layer (type)", "Output Shape", "Param #", "Connected to")
# column starts at Keras' positions (0.3, 0.56, 0.74) of its 108-character line
STARTS = (0, 32, 60, 79)


def summary_lines(model, **options):
    lines = []
    model.summary(print_fn=lines.append, **options)
    return "\n".join(lines).splitlines()


def rows(lines, starts=STARTS):
    """[(cell, ...)] of the table's rows, a row's wrapped lines joined by spaces."""
    body = lines[lines.index("=" * len(lines[1])) + 1:]
    body = body[:body.index("=" * len(lines[1]))]
    found = []
    for line in body:
        if not line:
            found.append(None)
            continue
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + (None,))]
        if found and found[-1] is not None:
            found[-1] = [f"{old} {new}".strip() for old, new in zip(found[-1], cells)]
        else:
            found.append(cells)
    return [tuple(row) for row in found if row is not None]


def header(lines, starts=STARTS):
    return rows([lines[0], "=" * len(lines[1]), lines[2], "=" * len(lines[1])], starts)[0]


def two_inputs():
    a, b = keras.Input((3,), name="a"), keras.Input((5,), name="b")
    return keras.Model([a, b], layers.Dense(4)(layers.Concatenate()([a, b])))


def residual():
    inputs = keras.Input((4,))
    branch = layers.Dense(4)(inputs)
    return keras.Model(inputs, layers.Dense(2)(layers.Add()([branch, inputs])))


def shared():
    left, right, dense = keras.Input((3,)), keras.Input((3,)), layers.Dense(2)
    return keras.Model([left, right], layers.Add()([dense(left), dense(right)]))


def nested():
    inside = keras.Input((3,), name="inside")
    inner = keras.Model(inside, layers.Dense(2, name="inner_dense")(inside), name="inner")
    outer = keras.Input((3,), name="outer")
    added = layers.Add()([inner(outer), layers.Dense(2, name="side")(outer)])
    return keras.Model(outer, added), inner


# Keras 3.15.1's rows (names as a fresh session gives them)
KERAS_TWO_INPUTS = [("a (InputLayer)", "(None, 3)", "0", "-"),
                    ("b (InputLayer)", "(None, 5)", "0", "-"),
                    ("concatenate (Concatenate)", "(None, 8)", "0", "a[0][0], b[0][0]"),
                    ("dense (Dense)", "(None, 4)", "36", "concatenate[0][0]")]
KERAS_RESIDUAL = [("input_layer (InputLayer)", "(None, 4)", "0", "-"),
                  ("dense (Dense)", "(None, 4)", "20", "input_layer[0][0]"),
                  ("add (Add)", "(None, 4)", "0", "dense[0][0], input_layer[0][0]"),
                  ("dense_1 (Dense)", "(None, 2)", "10", "add[0][0]")]
KERAS_SHARED = [("input_layer (InputLayer)", "(None, 3)", "0", "-"),
                ("input_layer_1 (InputLayer)", "(None, 3)", "0", "-"),
                ("dense (Dense)", "(None, 2)", "8", "input_layer[0][0], input_layer_1[0][0]"),
                ("add (Add)", "(None, 2)", "0", "dense[0][0], dense[1][0]")]
KERAS_NESTED = [("outer (InputLayer)", "(None, 3)", "0", "-"),
                ("inner (Functional)", "(None, 2)", "8", "outer[0][0]"),
                ("side (Dense)", "(None, 2)", "8", "outer[0][0]"),
                ("add (Add)", "(None, 2)", "0", "inner[0][0], side[0][0]")]
# the inner model called again, in a chain: Keras' three columns, no connections
KERAS_NESTED_CHAIN = [("outer_2 (InputLayer)", "(None, 3)", "0"),
                      ("inner (Functional)", "(None, 2)", "8"),
                      ("dense (Dense)", "(None, 1)", "3")]


@pytest.mark.parametrize("make, expected", [(two_inputs, KERAS_TWO_INPUTS),
                                            (residual, KERAS_RESIDUAL),
                                            (shared, KERAS_SHARED)])
def test_a_graph_not_a_chain_shows_keras_connections(make, expected):
    lines = summary_lines(make())
    assert len(lines[1]) == 108  # (Keras' line_length with the column)
    assert header(lines) == CONNECTED
    assert rows(lines) == expected


def test_connections_wrap_at_the_space_keras_breaks_them_at():
    lines = summary_lines(residual())
    add = lines.index(next(line for line in lines if line.startswith(" add (Add)")))
    assert lines[add][STARTS[3]:].strip() == "dense[0][0],"
    assert lines[add + 1].strip() == "input_layer[0][0]"


def test_a_nested_model_is_connected_by_its_call_and_a_chain_has_no_column():
    model, inner = nested()
    assert rows(summary_lines(model)) == KERAS_NESTED
    outer = keras.Input((3,), name="outer_2")
    chain = keras.Model(outer, layers.Dense(1)(inner(outer)))
    lines = summary_lines(chain)
    assert len(lines[1]) == 72 and "Connected to" not in lines[2]  # (rungrad's chain width)
    assert rows(lines, (0, 33, 56)) == KERAS_NESTED_CHAIN


def test_expanded_layers_of_a_nested_model_are_connected_to_nothing_outside():
    model, _ = nested()
    expanded = rows(summary_lines(model, expand_nested=True))
    assert [row[3] for row in expanded if "└" in row[0]] == ["-", "-"]


def test_trainable_column_comes_after_the_connections():
    lines = summary_lines(shared(), show_trainable=True)
    assert len(lines[1]) == 120
    starts = (0, 32, 60, 79, 108)  # (Keras' positions times 0.9, then the Trainable column)
    assert header(lines, starts) == CONNECTED + ("Trainable",)
    assert [row[4] for row in rows(lines, starts)] == ["-", "-", "Y", "-"]


class Net(keras.Model):
    """Layers as attributes and in a list; one never called."""

    def __init__(self):
        super().__init__()
        self.first = layers.Dense(4)
        self.blocks = [layers.Dense(3), layers.Dense(3)]
        self.unused = layers.Dense(7)
        self.out = layers.Dense(1)

    def call(self, x):
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return self.out(x)


class Nest(keras.Model):
    def __init__(self):
        super().__init__()
        self.body = keras.Sequential([layers.Dense(3), layers.Dense(2)])
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.body(x))


# Keras' (shape, params) per row after model(x) on a batch of 2, unchanged by a later call
# on a batch of 5 (the shapes its layers were built for)
KERAS_NET = [("(2, 4)", "24"), ("(2, 3)", "15"), ("(2, 3)", "12"), ("?", "0 (unbuilt)"),
             ("(2, 1)", "4")]
KERAS_NEST = [("(2, 2)", "23"), ("(2, 1)", "3")]


def test_a_subclassed_model_shows_its_first_calls_shapes_as_keras():
    model = Net()
    model(np.zeros((2, 5), np.float32))
    model(np.zeros((5, 5), np.float32))
    assert [row[1:] for row in rows(summary_lines(model), (0, 33, 56))] == KERAS_NET
    nest = Nest()
    nest(np.zeros((2, 4), np.float32))
    assert [row[1:] for row in rows(summary_lines(nest), (0, 33, 56))] == KERAS_NEST


@settings(max_examples=10, deadline=None)
@given(batch=st.integers(1, 6), width=st.integers(1, 5))
def test_the_recorded_shapes_are_the_first_calls_for_any_batch(batch, width):
    model = Net()
    model(np.zeros((batch, width), np.float32))
    assert model.layer_output_shapes() == {"first": (batch, 4), "blocks.0": (batch, 3),
                                           "blocks.1": (batch, 3), "out": (batch, 1)}
    assert "_call_hooks" not in vars(model.first)  # (the recording's hooks are gone)


def test_a_layer_range_names_inputs_outside_it_as_the_whole_summary_does():
    lines = summary_lines(residual(), layer_range=["add", "dense_1"])
    assert rows(lines) == KERAS_RESIDUAL[2:]
