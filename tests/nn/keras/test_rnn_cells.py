"""nn.keras' cell API: SimpleRNNCell, LSTMCell, GRUCell (one step, against the NumPy
reference of Keras' equations), RNN(cell) the same as the cell's layer (outputs and
gradients), a cell of one's own (Keras' guide's MinimalRNNCell) run by RNN: against a NumPy
loop, gradient checks, masks, go_backwards, return_state, training by fit; stacked cells,
stateful, save and load, and the errors."""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras
import optim
from autograd import Variable, gradcheck, log
from nn.keras import layers

from .test_recurrent import KINDS, as_function, as_list, random_weights, reference, sum_task

CELLS = {"SimpleRNN": layers.SimpleRNNCell, "LSTM": layers.LSTMCell, "GRU": layers.GRUCell}


@keras.saving.register_keras_serializable("test_rnn_cells")
class MinimalRNNCell(layers.Layer):
    """Keras' guide's custom cell: output = x kernel + h recurrent_kernel, the state."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="uniform", name="recurrent_kernel")

    def call(self, inputs, states):
        output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
        return output, [output]


class RunningSumCell(layers.Layer):
    """Two states, a list state_size: h' = tanh(x w + h u), s' = s + h'; outputs h'."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units, self.state_size = units, [units, units]

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.u = self.add_weight(shape=(self.units, self.units))

    def call(self, inputs, states, training=False):
        from autograd import tanh
        h = tanh(inputs @ self.w + states[0] @ self.u)
        return h, [h, states[1] + h]


def running_sum_reference(x, w, u, mask, go_backwards, state):
    """RunningSumCell by RNN over x (N, T, F) in NumPy: (outputs in time order, [h, s])."""
    h, s = state
    previous, outputs = np.zeros_like(h), [None] * x.shape[1]
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    for t in order:
        new_h = np.tanh(x[:, t] @ w + h @ u)
        new = [new_h, s + new_h]
        keep = mask[:, t:t + 1]
        h, s = (np.where(keep, n, o) for n, o in zip(new, (h, s)))
        previous = np.where(keep, new_h, previous)  # masked: the last output (0 before any)
        outputs[t] = previous
    return np.stack(outputs, axis=1), [h, s]


def same_weights(a, b, rng):
    a.set_weights(random_weights(a, rng))
    b.set_weights(a.get_weights())


# ----- the built-in cells -----
@pytest.mark.parametrize("kind", KINDS)
def test_a_cell_takes_one_step_of_keras_equations(kind):
    rng = np.random.default_rng(3)
    cell = CELLS[kind](3, dtype="float64")
    x = rng.standard_normal((2, 4))
    count = 2 if kind == "LSTM" else 1
    assert cell.state_size == (3 if count == 1 else [3, 3]) and cell.output_size == 3
    zeros = cell.get_initial_state(2)
    assert len(zeros) == count and all(np.all(z.data == 0) and z.shape == (2, 3)
                                       for z in zeros)
    states = [rng.standard_normal((2, 3)) for _ in range(count)]
    cell(x, states)
    cell.set_weights(random_weights(cell, rng))
    output, new = cell(x, states)
    sequence, expected = reference(kind, x[:, None], cell.get_weights(), state=states + [None])
    np.testing.assert_allclose(output.data, sequence[:, 0], rtol=1e-12)
    for got, want in zip(new, expected):
        np.testing.assert_allclose(got.data, want, rtol=1e-12)
    if count == 1:  # one array in, one array out (Keras')
        output, single = cell(x, states[0])
        np.testing.assert_allclose(single.data, expected[0], rtol=1e-12)
    assert list(cell.state_dict()) == ["kernel", "recurrent_kernel", "bias"]
    f = as_function(_Step(cell))
    gradcheck(f, x, *states, *random_weights(cell, rng), mode="full")


class _Step(layers.Layer):
    """A cell's step as a layer of (x, initial_state), for as_function's gradient check."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def call(self, x, initial_state=None):
        output, states = self.cell(x, initial_state or self.cell.get_initial_state(len(x)))
        return [output, *states]


@given(kind=st.sampled_from(KINDS), return_sequences=st.booleans(),
       return_state=st.booleans(), go_backwards=st.booleans(), masked=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_rnn_of_a_cell_is_its_layer(kind, return_sequences, return_state, go_backwards, masked,
                                    seed):
    """RNN(LSTMCell(n)) gives LSTM(n)'s outputs and gradients with the same weights."""
    rng = np.random.default_rng(seed)
    options = dict(return_sequences=return_sequences, return_state=return_state,
                   go_backwards=go_backwards)
    layer = getattr(layers, kind)(3, **options)
    rnn = layers.RNN(CELLS[kind](3), **options)
    x = rng.standard_normal((3, 4, 2)).astype(np.float32)
    mask = rng.random((3, 4)) < 0.7 if masked else None
    layer(x), rnn(x)
    same_weights(layer, rnn, rng)
    results = []
    for model in (layer, rnn):
        xv = Variable(x)
        outputs = as_list(model(xv, mask=mask))
        sum(((o * (i + 1)) ** 2).sum() for i, o in enumerate(outputs)).backward()
        results.append([o.data for o in outputs] + [xv.grad.data]
                       + [p.grad.data for p in model.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_a_cell_s_dropouts_are_its_layer_s(kind):
    """dropout and recurrent_dropout in RNN(cell) drop as the layer does (the same masks
    from the same draws), and only while training."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 2))
    options = dict(dropout=0.3, recurrent_dropout=0.4, dtype="float64")
    layer, rnn = getattr(layers, kind)(3, **options), layers.RNN(CELLS[kind](3, **options))
    layer(x), rnn(x)
    same_weights(layer, rnn, rng)
    outputs = []
    for model in (layer, rnn):
        np.random.seed(1)
        outputs.append((model(x, training=True).data, model(x, training=False).data))
    np.testing.assert_allclose(outputs[0][0], outputs[1][0], rtol=1e-12)
    np.testing.assert_allclose(outputs[0][1], outputs[1][1], rtol=1e-12)
    assert not np.allclose(outputs[1][0], outputs[1][1])


class PassThroughCell(layers.Layer):
    """A cell of one's own that outputs its input (so a stack with it steps in Python)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.state_size = units

    def call(self, inputs, states):
        return inputs, [states[0]]


@pytest.mark.parametrize("kind", KINDS)
def test_a_stepped_cell_draws_its_dropout_masks_once_per_sequence(kind):
    """Stacked after a cell of one's own, a built-in cell runs step by step: its masks are
    still drawn once per sequence (Keras'), so it gives its layer's result from the same
    draws, and the masks are forgotten after the sequence."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, 4, 5))
    options = dict(dropout=0.3, recurrent_dropout=0.4, dtype="float64")
    stacked = layers.RNN([PassThroughCell(5), CELLS[kind](3, **options)], return_sequences=True)
    layer = getattr(layers, kind)(3, return_sequences=True, **options)
    stacked(x), layer(x)
    same_weights(layer, stacked, rng)
    for options["recurrent_dropout"] in (0.4, 0.0):  # stepwise, then fused, in the layer
        layer.recurrent_dropout = stacked.cell.cells[1].recurrent_dropout = \
            options["recurrent_dropout"]
        outputs = []
        for model in (layer, stacked):
            np.random.seed(3)
            outputs.append(model(x, training=True).data)
        np.testing.assert_allclose(outputs[1], outputs[0], rtol=1e-12)
        assert stacked.cell.cells[1]._kept_masks == {}


def test_a_cell_called_by_hand_keeps_its_masks_until_reset():
    """Keras' cell: the masks drawn at the first call serve the next ones, until
    reset_dropout_mask() / reset_recurrent_dropout_mask()."""
    rng = np.random.default_rng(13)
    x, h = rng.standard_normal((8, 16)), [rng.standard_normal((8, 16))]
    for options in (dict(dropout=0.5), dict(recurrent_dropout=0.5)):
        cell = layers.SimpleRNNCell(16, dtype="float64", **options)

        def step(cell=cell):
            return cell(x, h, training=True)[0].data

        first = step()
        np.testing.assert_array_equal(step(), first)
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        assert not np.allclose(step(), first)  # (256 draws of a coin all the same: never)


def test_stepping_a_cell_by_hand_is_its_layer():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 5, 3))
    layer = layers.LSTM(4, return_sequences=True, dtype="float64")
    cell = layers.LSTMCell(4, dtype="float64")
    layer(x), cell(x[:, 0], cell.get_initial_state(2))
    same_weights(layer, cell, rng)
    states, outputs = cell.get_initial_state(2), []
    for t in range(5):
        output, states = cell(x[:, t], states)
        outputs.append(output.data)
    np.testing.assert_allclose(np.stack(outputs, axis=1), layer(x).data, rtol=1e-12)


# ----- a cell of one's own -----
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_a_custom_cell_runs_as_keras_with_masks_and_states(go_backwards, zero_output_for_mask):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 5, 2))
    mask = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]], bool)
    rnn = layers.RNN(RunningSumCell(4, dtype="float64"), return_sequences=True,
                     return_state=True, go_backwards=go_backwards,
                     zero_output_for_mask=zero_output_for_mask)
    state = [rng.standard_normal((3, 4)) for _ in range(2)]
    output, h, s = rnn(x, initial_state=state, mask=mask)
    w, u = (p.data for p in rnn.parameters())
    sequence, (want_h, want_s) = running_sum_reference(x, w, u, mask, go_backwards, state)
    if zero_output_for_mask:
        sequence = sequence * mask[..., None]
    if go_backwards:
        sequence = sequence[:, ::-1]
    np.testing.assert_allclose(output.data, sequence, rtol=1e-12)
    np.testing.assert_allclose(h.data, want_h, rtol=1e-12)
    np.testing.assert_allclose(s.data, want_s, rtol=1e-12)
    assert rnn.compute_mask(x, mask)[0] is mask


class LogCell(layers.Layer):
    """h = log(x[:, :1]) + h_prev: -inf on a padding step of zeros."""

    state_size = 1

    def call(self, inputs, states):
        h = log(inputs[:, :1]) + states[0]
        return h, [h]


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_padding_before_the_first_real_step_gives_0_whatever_the_cell_outputs_there(
        go_backwards, zero_output_for_mask):
    """Keras 3.15.1's values: the output before a sample's first real step is 0 even where
    the cell's is -inf (the last output, before any, is a zero; not the cell's times 0)."""
    x = np.array([[[0.0], [0.0], [2.0], [3.0]], [[1.0], [0.0], [2.0], [0.0]]], np.float32)
    rnn = layers.RNN(LogCell(), return_sequences=True, go_backwards=go_backwards,
                     zero_output_for_mask=zero_output_for_mask)
    with np.errstate(divide="ignore"):
        y = rnn(x, mask=x[..., 0] != 0).data[..., 0]
    log2, log6 = np.log(2.0), np.log(6.0)
    expected = {(False, False): [[0, 0, log2, log6], [0, 0, log2, log2]],
                (True, False): [[np.log(3.0), log6, log6, log6], [0, log2, log2, log2]],
                (False, True): [[0, 0, log2, log6], [0, 0, log2, 0]],
                (True, True): [[np.log(3.0), log6, 0, 0], [0, log2, 0, log2]]}
    np.testing.assert_allclose(y, expected[go_backwards, zero_output_for_mask], rtol=1e-6)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_custom_cell_s_gradients_match_numerical(return_sequences):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 2))
    for cell in (MinimalRNNCell(3, dtype="float64"), RunningSumCell(2, dtype="float64")):
        rnn = layers.RNN(cell, return_sequences=return_sequences, return_state=True,
                         go_backwards=True)
        rnn(x)
        states = [rng.standard_normal((2, n)) for n in as_list(cell.state_size)]
        gradcheck(as_function(rnn), x, *states, *random_weights(rnn, rng), mode="full")


@pytest.mark.parametrize("seed", range(3))
def test_a_custom_cell_learns_to_sum_by_fit(seed):
    np.random.seed(seed)
    x, y = sum_task(256, seed)
    x_test, y_test = sum_task(128, 1000 + seed)
    model = keras.Sequential([keras.Input((8, 1)), layers.RNN(MinimalRNNCell(8)),
                              layers.Dense(1)])
    model.compile(optimizer=optim.Adam(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    # the sum is linear, so the linear cell can hold it exactly: predicting the mean scores 1
    assert model.evaluate(x_test, y_test, verbose=0) / y_test.var() < 0.05


# ----- stacks -----
def test_stacked_cells_are_their_layers_one_after_the_other():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 4, 3))
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], bool)
    rnn = layers.RNN([layers.LSTMCell(3, dtype="float64"), layers.GRUCell(2, dtype="float64")],
                     return_sequences=True, return_state=True, go_backwards=True)
    first = layers.LSTM(3, return_sequences=True, return_state=True, go_backwards=True,
                        dtype="float64")
    second = layers.GRU(2, return_sequences=True, return_state=True, go_backwards=True,
                        dtype="float64")
    rnn(x)
    rnn.set_weights(random_weights(rnn, rng))
    first(x), second(x[..., :3])
    first.set_weights(rnn.get_weights()[:3])
    second.set_weights(rnn.get_weights()[3:])
    output, lstm_states, gru_states = rnn(x, mask=mask)
    y, h1, c1 = first(x, mask=mask)
    z, h2 = second(y[:, ::-1], mask=mask)  # (go_backwards gives the steps as they ran)
    np.testing.assert_allclose(output.data, z.data, rtol=1e-12)
    for got, want in zip(lstm_states + gru_states, (h1, c1, h2)):
        np.testing.assert_allclose(got.data, want.data, rtol=1e-12)
    assert list(rnn.state_dict())[:2] == ["cell.cells.0.kernel", "cell.cells.0.recurrent_kernel"]
    # a stack with a cell of one's own steps in Python: the built-in cell's step, the same
    mixed = layers.RNN([layers.LSTMCell(3, dtype="float64"), MinimalRNNCell(2, dtype="float64")],
                       return_sequences=True, go_backwards=True)
    mixed(x)
    mixed.set_weights(rnn.get_weights()[:3] + random_weights(mixed, rng)[3:])
    minimal = layers.RNN(MinimalRNNCell(2, dtype="float64"), return_sequences=True,
                         go_backwards=True)
    minimal(y.data)
    minimal.set_weights(mixed.get_weights()[3:])
    np.testing.assert_allclose(mixed(x, mask=mask).data,
                               minimal(y.data[:, ::-1], mask=mask).data, rtol=1e-12)
    gradcheck(as_function(mixed), x, *random_weights(mixed, rng), mode="full")
    states = [[rng.standard_normal((2, 3)), rng.standard_normal((2, 3))],
              [rng.standard_normal((2, 2))]]
    y = first(x, initial_state=states[0])[0]
    np.testing.assert_allclose(mixed(x, initial_state=states).data,  # a list per cell
                               minimal(y.data[:, ::-1], initial_state=states[1]).data,
                               rtol=1e-12)


@pytest.mark.parametrize("inner", ["built-in", "custom"])
def test_a_stack_within_a_stack_runs_as_the_flat_stack(inner):
    """Keras runs StackedRNNCells of StackedRNNCells: each cell feeds the next as in the
    flat stack; the states nest as the cells do (fused, or stepped with a custom cell)."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal((2, 4, 3))
    second = layers.GRUCell(2, dtype="float64") if inner == "built-in" else \
        MinimalRNNCell(2, dtype="float64")

    def cells():
        return [layers.LSTMCell(3, dtype="float64"), second, layers.SimpleRNNCell(4,
                                                                                dtype="float64")]

    flat_cells = cells()
    second = type(second)(2, dtype="float64")
    nested_cells = cells()
    flat = layers.RNN(flat_cells, return_sequences=True, return_state=True)
    nested = layers.RNN(layers.StackedRNNCells([layers.StackedRNNCells(nested_cells[:2]),
                                                nested_cells[2]]),
                        return_sequences=True, return_state=True)
    flat(x), nested(x)
    same_weights(flat, nested, rng)
    states = [[rng.standard_normal((2, 3)) for _ in range(2)], [rng.standard_normal((2, 2))],
              [rng.standard_normal((2, 4))]]
    want, (h1, c1), (h2,), (h3,) = flat(x, initial_state=states)
    got, ((g1, d1), (g2,)), (g3,) = nested(x, initial_state=[states[:2], states[2]])
    for a, b in zip((got, g1, d1, g2, g3), (want, h1, c1, h2, h3)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12)
    assert nested.cell.state_size == [[[3, 3], 2], 4]


def test_a_stateful_rnn_carries_its_states():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 6, 2))
    whole = layers.RNN(MinimalRNNCell(3, dtype="float64"), return_sequences=True)
    halves = layers.RNN(MinimalRNNCell(3, dtype="float64"), return_sequences=True,
                        stateful=True)
    whole(x), halves(x[:, :1])
    halves.set_weights(whole.get_weights())
    halves.reset_state()
    joined = np.concatenate([halves(x[:, :3]).data, halves(x[:, 3:]).data], axis=1)
    np.testing.assert_allclose(joined, whole(x).data, rtol=1e-12)


def test_bidirectional_takes_an_rnn_of_cells_with_weights_of_its_own():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 4, 3))
    wrapped = layers.Bidirectional(layers.RNN(layers.LSTMCell(3, dtype="float64"),
                                              return_sequences=True))
    layer = layers.Bidirectional(layers.LSTM(3, return_sequences=True, dtype="float64"))
    wrapped(x), layer(x)
    assert wrapped.forward_layer.cell is not wrapped.backward_layer.cell
    same_weights(wrapped, layer, rng)
    np.testing.assert_allclose(wrapped(x).data, layer(x).data, rtol=1e-12)
    with pytest.raises(ValueError, match="Bidirectional: layer must be .* got LSTMCell"):
        layers.Bidirectional(layers.LSTMCell(3))


def test_bidirectional_copies_an_unregistered_cell_of_one_s_own():
    """The copies rebuild the cell from its config by the name its class is saved under:
    an unregistered cell's class is found as the wrapped layer's own (in a stack too)."""
    stack = layers.StackedRNNCells([UnregisteredCell(2), layers.GRUCell(3)])
    layer = layers.Bidirectional(layers.RNN(stack, return_sequences=True))
    x = np.random.default_rng(11).standard_normal((2, 4, 3)).astype(np.float32)
    assert layer(x).shape == (2, 4, 6)
    forward, backward = layer.forward_layer.cell.cells[0], layer.backward_layer.cell.cells[0]
    assert type(forward) is type(backward) is UnregisteredCell and forward is not backward
    assert forward.kernel is not backward.kernel


# ----- a batch of 0 -----
@pytest.mark.parametrize("make", [
    lambda: layers.RNN(layers.LSTMCell(3), return_state=True),
    lambda: layers.RNN([MinimalRNNCell(4), layers.GRUCell(3, dropout=0.5)], return_state=True),
    lambda: layers.LSTM(3, return_state=True),
    lambda: layers.SimpleRNN(3, recurrent_dropout=0.5, return_state=True)])
def test_a_batch_of_no_sequences_gives_empty_outputs(make):
    """Keras': (0, T, F) -> (0, units), the states (0, size) (while training too)."""
    output, *states = make()(np.zeros((0, 7, 2), np.float32), training=True)
    assert output.shape == (0, 3)
    # (a stack's states come as a list per cell)
    flat = [s for state in states for s in (state if isinstance(state, list) else [state])]
    assert [s.shape[0] for s in flat] == [0] * len(flat)


@pytest.mark.parametrize("shape, axis", [((2, 0, 3), "time axis"), ((2, 5, 0), "features")])
def test_an_empty_time_or_features_axis_is_named(shape, axis):
    for layer in (layers.RNN(layers.LSTMCell(3)), layers.GRU(3)):
        with pytest.raises(ValueError, match=f"{type(layer).__name__}: the {axis}.* got an "
                                             f"input of shape {re.escape(str(shape))}"):
            layer(np.zeros(shape, np.float32))


# ----- saving -----
def test_cells_and_rnns_save_and_load(tmp_path):
    np.random.seed(2)
    model = keras.Sequential([
        keras.Input((5,), dtype="int64"), layers.Embedding(7, 3, mask_zero=True),
        layers.RNN(MinimalRNNCell(4), return_sequences=True, name="minimal"),
        layers.RNN([layers.LSTMCell(3, unit_forget_bias=False), layers.GRUCell(2)],
                   go_backwards=True), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).integers(0, 7, (8, 5))
    model.fit(x, np.ones((8, 1)), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    stacked = loaded.layers[2].cell
    assert isinstance(stacked, layers.StackedRNNCells) and not stacked.cells[0].unit_forget_bias
    minimal = loaded.get_layer("minimal")
    assert minimal.cell.get_config() == model.get_layer("minimal").cell.get_config()
    assert minimal.return_sequences and not loaded.layers[2].return_sequences
    config = layers.GRUCell(2, activation="relu", dropout=0.5).get_config()
    assert "return_sequences" not in config and config["reset_after"]
    assert layers.GRUCell(**config).get_config() == config


class UnregisteredCell(MinimalRNNCell):
    """A cell of one's own that is not registered: loading finds it in custom_objects."""


def test_rnn_configs_serialize_their_cells_and_rebuild_them(tmp_path):
    """Keras': get_config()["cell"] is the cell's {"class_name", "config"} (a stack's cells
    each so, a stack within a stack too); from_config, keras.layers.deserialize, load_model
    and clone_model rebuild them, a cell of one's own from custom_objects."""
    stack = layers.StackedRNNCells([layers.StackedRNNCells([
        layers.LSTMCell(3, dropout=0.25), UnregisteredCell(2)]), layers.GRUCell(2)])
    rnn = layers.RNN(stack, return_sequences=True, name="rnn")
    config = rnn.get_config()
    cells = config["cell"]["config"]["cells"]
    assert set(config["cell"]) == {"class_name", "config"}
    assert cells[0]["config"]["cells"][1] == {"class_name": "UnregisteredCell",
                                              "config": stack.cells[0].cells[1].get_config()}
    assert cells[0]["config"]["cells"][0]["config"]["dropout"] == 0.25
    with pytest.raises(ValueError, match="from_config: unknown layer class "
                                         "'UnregisteredCell': pass custom_objects"):
        layers.RNN.from_config(config)
    custom = {"UnregisteredCell": UnregisteredCell}
    again = layers.deserialize(layers.serialize(rnn), custom_objects=custom)
    assert type(again) is layers.RNN and again.get_config() == config
    assert type(again.cell.cells[0].cells[1]) is UnregisteredCell
    x = np.random.default_rng(15).standard_normal((2, 4, 3)).astype(np.float32)
    model = keras.Sequential([keras.Input((4, 3)), rnn])
    model.save(tmp_path / "rnn.keras")
    loaded = keras.saving.load_model(tmp_path / "rnn.keras", custom_objects=custom)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("rnn").get_config() == config
    clone = keras.models.clone_model(model)
    assert clone.layers[0].get_config() == config and clone(x).shape == (2, 4, 2)


@pytest.mark.parametrize("make", [
    lambda: layers.Conv3D(4, 3, strides=2, padding="same"),
    lambda: layers.SeparableConv1D(4, 3, depth_multiplier=2), lambda: layers.Resizing(3, 4),
    lambda: layers.LSTMCell(3, recurrent_dropout=0.5), lambda: layers.Dense(3, "relu"),
    lambda: layers.GlobalMaxPooling3D(keepdims=True),
    lambda: layers.RNN(layers.GRUCell(2), go_backwards=True)])
def test_every_keras_layer_has_from_config(make):
    """Keras' Layer.from_config(config): the class made with get_config()'s arguments."""
    layer = make()
    again = type(layer).from_config(layer.get_config())
    assert type(again) is type(layer) and again.get_config() == layer.get_config()


def test_deserialize_refuses_what_is_not_a_layer_config():
    with pytest.raises(ValueError, match=r"deserialize: expected a layer's \{'class_name', "
                                         r"'config'\} dict"):
        layers.deserialize({"class_name": "Dense"})
    with pytest.raises(ValueError, match="deserialize: unknown layer class 'os.system'"):
        layers.deserialize({"class_name": "os.system", "config": {}})


# ----- errors -----
@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.RNN(layers.Dense(2)), ValueError, r"RNN: a cell must be a layer with a "
                                                      r"state_size"),
    (lambda: layers.LSTMCell(2, return_sequences=True), TypeError,
     r"LSTMCell: unexpected arguments \['return_sequences'\]"),
    (lambda: layers.RNN(layers.LSTMCell(2))(np.ones((2, 3, 1)), initial_state=[np.ones((2, 2))]),
     ValueError, r"RNN: initial_state must be a list of 2 state\(s\)"),
    (lambda: layers.RNN(MinimalRNNCell(2))(np.ones((2, 3, 1)),
                                           initial_state=[np.ones((2, 3))]),
     ValueError, r"RNN: expected initial_state\[0\] of shape \(2, 2\), got \(2, 3\)"),
    (lambda: layers.RNN(MinimalRNNCell(2))(np.ones((2, 3))), ValueError,
     r"RNN: expected batch-first sequences"),
    (lambda: layers.GRUCell(2)(np.ones((2, 3, 1)), [np.ones((2, 2))]), ValueError,
     r"GRUCell: expected one step's inputs \(N, features\), got an input of shape \(2, 3, 1\)"),
    (lambda: layers.RNN(layers.SimpleRNNCell(2), dtype="int32"), TypeError,
     r"RNN: dtype must be a floating-point type, got int32"),
    (lambda: layers.SimpleRNN(2, dtype="int32"), TypeError,
     r"SimpleRNN: dtype must be a floating-point type, got int32"),
])
def test_bad_cells_and_inputs_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("make, states", [
    (lambda: layers.LSTM(4), lambda h: [h, None]),
    (lambda: layers.GRU(4), lambda h: [None]),
    (lambda: layers.RNN(layers.LSTMCell(4)), lambda h: [None, h]),
    (lambda: layers.Bidirectional(layers.GRU(4)), lambda h: [h, None]),
])
def test_an_initial_state_holding_none_is_refused(make, states):
    """A forgotten state (LSTM's c, the backward layer's h) ran silently from zeros."""
    h = np.ones((2, 4), np.float32)
    with pytest.raises(ValueError, match=r"initial_state\[\d\] is None; give every state"):
        make()(np.ones((2, 3, 2), np.float32), initial_state=states(h))
