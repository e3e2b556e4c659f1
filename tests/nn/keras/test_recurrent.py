"""nn.keras' SimpleRNN, LSTM, GRU and Bidirectional: forward against a NumPy reference of
Keras' equations in every return mode and direction, gradients against numerical
differentiation, agreement with Keras 3's own layers (data/recurrent_*.npz, written by
data/make_recurrent_reference.py), Keras' weight layouts and initialisers, saving,
summary, training of Keras-style models, and clear refusals of what is not supported."""
import json
import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.keras as keras
import optim
from autograd import Variable, gradcheck
from nn.keras import layers

from ..training.test_summary import summary_text

DATA = os.path.join(os.path.dirname(__file__), "data")
KINDS = ("SimpleRNN", "LSTM", "GRU")
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


# ----- an independent reference: Keras' equations on NumPy, step by step -----
def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def reference(kind, x, weights, go_backwards=False, state=None, activation="tanh"):
    """(every step's output in Keras' order, final states) of Keras' layer `kind` on x
    (N, T, F) with Keras' weights [kernel, recurrent_kernel, (bias)]."""
    kernel, recurrent = weights[:2]
    units = recurrent.shape[0]
    bias = weights[2] if len(weights) > 2 else np.zeros((2, 3 * units) if kind == "GRU"
                                                        else kernel.shape[1])
    n, steps, _ = x.shape
    h = np.zeros((n, units)) if state is None else state[0]
    c = np.zeros((n, units)) if state is None or kind != "LSTM" else state[1]
    act = np.tanh if activation == "tanh" else (lambda v: np.maximum(v, 0))
    outputs = []
    for t in (range(steps - 1, -1, -1) if go_backwards else range(steps)):
        xt = x[:, t]
        if kind == "SimpleRNN":
            h = act(xt @ kernel + h @ recurrent + bias)
        elif kind == "LSTM":
            i, f, g, o = np.split(xt @ kernel + h @ recurrent + bias, 4, axis=-1)
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
        else:  # GRU, reset_after=True: gates z, r, h
            x_z, x_r, x_h = np.split(xt @ kernel + bias[0], 3, axis=-1)
            h_z, h_r, h_h = np.split(h @ recurrent + bias[1], 3, axis=-1)
            z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
            h = z * h + (1 - z) * np.tanh(x_h + r * h_h)
        outputs.append(h)
    return np.stack(outputs, axis=1), ([h, c] if kind == "LSTM" else [h])


def random_weights(layer, rng, scale=0.8):
    return [rng.uniform(-scale, scale, w.shape) for w in layer.get_weights()]


def as_list(y):
    return y if isinstance(y, list) else [y]


def expected_outputs(kind, x, weights, return_sequences, return_state, go_backwards):
    sequence, states = reference(kind, x, weights, go_backwards)
    output = sequence if return_sequences else states[0]
    return [output, *states] if return_state else [output]


@given(kind=st.sampled_from(KINDS), return_sequences=st.booleans(),
       return_state=st.booleans(), go_backwards=st.booleans(), use_bias=st.booleans(),
       sizes=st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3),
                       st.integers(1, 3)),
       seed=st.integers(0, 2 ** 16))
def test_forward_matches_keras_equations(kind, return_sequences, return_state, go_backwards,
                                         use_bias, sizes, seed):
    batch, steps, features, units = sizes
    layer = getattr(layers, kind)(units, return_sequences=return_sequences,
                                  return_state=return_state, go_backwards=go_backwards,
                                  use_bias=use_bias, dtype="float64")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, steps, features))
    layer(x)
    weights = random_weights(layer, rng)
    layer.set_weights(weights)
    got = as_list(layer(x))
    expected = expected_outputs(kind, x, weights, return_sequences, return_state,
                                go_backwards)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert a.shape == b.shape
        np.testing.assert_allclose(a.data, b, rtol=1e-10, atol=1e-12)


def test_relu_simple_rnn_and_a_given_initial_state():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 3))
    relu = layers.SimpleRNN(3, activation="relu", return_sequences=True, dtype="float64")
    relu(x)
    weights = random_weights(relu, rng)
    relu.set_weights(weights)
    np.testing.assert_allclose(relu(x).data, reference("SimpleRNN", x, weights,
                                                       activation="relu")[0], atol=1e-12)
    lstm = layers.LSTM(3, return_state=True, go_backwards=True, dtype="float64")
    lstm(x)
    weights = random_weights(lstm, rng)
    lstm.set_weights(weights)
    state = [rng.standard_normal((2, 3)) for _ in range(2)]
    got = lstm(x, initial_state=state)
    _, expected = reference("LSTM", x, weights, go_backwards=True, state=state)
    for a, b in zip(got[1:], expected):
        np.testing.assert_allclose(a.data, b, atol=1e-12)



@pytest.mark.parametrize("kind", ["GRU", "SimpleRNN"])
def test_a_single_initial_state_may_come_alone(kind):
    """Keras takes a one-state layer's initial_state as a tensor too (a functional model's
    `GRU(3)(x, initial_state=h)`, which Keras' files record so): as the list of it."""
    x = np.random.default_rng(6).standard_normal((2, 4, 3))
    state = np.full((2, 3), 0.5)
    layer = getattr(layers, kind)(3, dtype="float64")
    np.testing.assert_array_equal(layer(x, initial_state=state).data,
                                  layer(x, initial_state=[state]).data)

MERGES = {"concat": lambda a, b: np.concatenate([a, b], axis=-1), "sum": np.add,
          "mul": np.multiply, "ave": lambda a, b: (a + b) / 2}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_reads_the_reversed_sequence_and_aligns_it(kind, merge_mode,
                                                                 return_sequences):
    rng = np.random.default_rng(len(kind) + 3 * return_sequences)
    x = rng.standard_normal((2, 4, 3))
    wrapper = layers.Bidirectional(getattr(layers, kind)(
        2, return_sequences=return_sequences, return_state=True, dtype="float64"),
        merge_mode=merge_mode)
    wrapper(x)
    weights = random_weights(wrapper, rng)
    wrapper.set_weights(weights)
    half = len(weights) // 2
    fwd_seq, fwd_states = reference(kind, x, weights[:half])
    bwd_seq, bwd_states = reference(kind, x, weights[half:], go_backwards=True)
    if return_sequences:
        y, y_rev = fwd_seq, bwd_seq[:, ::-1]  # the backward outputs in time order again
    else:
        y, y_rev = fwd_states[0], bwd_states[0]
    outputs = [y, y_rev] if merge_mode is None else [MERGES[merge_mode](y, y_rev)]
    expected = outputs + fwd_states + bwd_states
    got = wrapper(x)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a.data, b, atol=1e-12)


def test_bidirectional_copies_the_layer_and_orders_weights_as_keras():
    inner = layers.LSTM(3, name="enc", return_sequences=True)
    wrapper = layers.Bidirectional(inner, input_shape=(5, 2))
    assert wrapper.forward_layer is not inner and not inner.built  # fresh copies, as Keras'
    assert (wrapper.forward_layer.name, wrapper.backward_layer.name) == ("forward_enc",
                                                                         "backward_enc")
    assert wrapper.backward_layer.go_backwards and not wrapper.forward_layer.go_backwards
    assert [k for k in wrapper.state_dict()] == [
        f"{d}_layer.{w}" for d in ("forward", "backward")
        for w in ("kernel", "recurrent_kernel", "bias")]
    given = layers.GRU(2, go_backwards=True)
    custom = layers.Bidirectional(layers.GRU(2), backward_layer=given)
    assert custom.backward_layer is given
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.GRU(2), backward_layer=layers.GRU(2))
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.GRU(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent"):
        layers.Bidirectional(layers.Dense(2))


# ----- gradients -----
def as_function(layer):
    """The layer as f(x, *states, *weights) so gradcheck perturbs weights and states too."""
    slots = [(module, name) for _, module in layer.named_modules()
             for name, param in module._parameters.items() if param is not None]

    def f(x, *rest):
        states, weights = rest[:len(rest) - len(slots)], rest[len(rest) - len(slots):]
        saved = [getattr(module, name) for module, name in slots]
        for (module, name), value in zip(slots, weights):
            object.__setattr__(module, name, value)  # a plain Variable: no registration
        try:
            return as_list(layer(x, initial_state=list(states) if states else None))
        finally:
            for (module, name), value in zip(slots, saved):
                object.__setattr__(module, name, value)
    return f


@given(kind=st.sampled_from(KINDS), return_sequences=st.booleans(), go_backwards=st.booleans(),
       use_bias=st.booleans(), with_state=st.booleans(), seed=st.integers(0, 2 ** 16),
       sizes=st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3),
                       st.integers(1, 2)))
def test_gradients_match_numerical(kind, return_sequences, go_backwards, use_bias, with_state,
                                   seed, sizes):
    batch, steps, features, units = sizes
    layer = getattr(layers, kind)(units, return_sequences=return_sequences, return_state=True,
                                  go_backwards=go_backwards, use_bias=use_bias,
                                  dtype="float64")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, steps, features))
    layer(x)
    states = [rng.standard_normal((batch, units))
              for _ in range(2 if kind == "LSTM" else 1)] if with_state else []
    gradcheck(as_function(layer), x, *states, *random_weights(layer, rng), mode="full")


@pytest.mark.parametrize("merge_mode", ["concat", "mul", None])
def test_bidirectional_gradients_match_numerical(merge_mode):
    rng = np.random.default_rng(7)
    wrapper = layers.Bidirectional(layers.GRU(2, return_sequences=True, dtype="float64"),
                                   merge_mode=merge_mode)
    x = rng.standard_normal((2, 3, 2))
    wrapper(x)
    gradcheck(as_function(wrapper), x, *random_weights(wrapper, rng), mode="full")


def test_the_single_bias_is_the_only_bias_trained():
    """LSTM and SimpleRNN have one bias (Keras'), no phantom recurrent one."""
    for kind in ("SimpleRNN", "LSTM"):
        layer = getattr(layers, kind)(3, input_shape=(None, 2))
        assert [name for name, _ in layer.named_parameters()] == ["kernel",
                                                                  "recurrent_kernel", "bias"]
        assert layer.bias.shape == (GATES[kind] * 3,)
    assert layers.GRU(3, input_shape=(None, 2)).bias.shape == (2, 9)


# ----- Keras 3 itself -----
def make_layer(cls, config):
    config = dict(config)
    if cls == "Bidirectional":
        inner_cls, inner = config.pop("layer")
        return layers.Bidirectional(make_layer(inner_cls, inner), **config)
    return getattr(layers, cls)(**config)


def keras_cases():
    for file in ("simple_rnn", "lstm", "gru", "bidirectional"):
        data = np.load(os.path.join(DATA, f"recurrent_{file}.npz"))
        for key in sorted(k for k in data.files if k.endswith("/config")):
            yield pytest.param(file, key[:-len("config")], id=f"{file}-{key[:-7]}")


@pytest.mark.parametrize("file, case", list(keras_cases()))
def test_agrees_with_keras(file, case):
    data = np.load(os.path.join(DATA, f"recurrent_{file}.npz"))
    spec = json.loads(str(data[case + "config"]))
    layer = make_layer(spec["class"], spec["config"])
    x = data[case + "x"]
    layer(x)
    weights = [data[k] for k in sorted((k for k in data.files if k.startswith(case + "w")),
                                       key=lambda k: int(k[len(case) + 1:]))]
    layer.set_weights(weights)
    for a, b in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    got = as_list(layer(x))
    expected = [k for k in data.files if k.startswith(case + "y")]
    assert len(got) == len(expected)
    for i, y in enumerate(got):
        assert y.dtype == np.float32
        np.testing.assert_allclose(y.data, data[f"{case}y{i}"], rtol=1e-5, atol=1e-6)


def test_a_whole_keras_model_agrees_with_keras():
    data = np.load(os.path.join(DATA, "recurrent_model.npz"))
    model = keras.Sequential([
        keras.Input((6,), dtype="int32"), layers.Embedding(12, 4),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.GRU(2, go_backwards=True), layers.Dense(1, activation="sigmoid")])
    model.set_weights([data[f"w{i}"] for i in range(sum(k[0] == "w" for k in data.files))])
    assert model.count_params() == int(data["count"])
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y0"], rtol=1e-5,
                               atol=1e-6)


def test_initialisers_are_keras():
    data = np.load(os.path.join(DATA, "recurrent_lstm.npz"))
    np.random.seed(0)
    for kind in KINDS:
        layer = getattr(layers, kind)(3, input_shape=(None, 4))
        kernel, recurrent, bias = layer.get_weights()
        np.testing.assert_array_equal(bias, data[f"init/{kind}/bias"])  # LSTM: forget at 1
        assert layer.count_params() == int(data[f"init/{kind}/count"])
        limit = np.sqrt(6 / (4 + GATES[kind] * 3))  # glorot_uniform
        assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > limit / 2
        rows = recurrent @ recurrent.T if GATES[kind] > 1 else recurrent.T @ recurrent
        np.testing.assert_allclose(rows, np.eye(3), atol=1e-5)  # orthogonal
    plain = layers.LSTM(2, unit_forget_bias=False, input_shape=(None, 1))
    np.testing.assert_array_equal(plain.bias.data, 0)


# ----- Keras' face: weights, summary, saving -----
def test_weights_are_keras_arrays_in_keras_order():
    model = keras.Sequential([keras.Input((5, 3)), layers.GRU(4, return_sequences=True),
                              layers.LSTM(2, name="last"), layers.Dense(1)])
    assert list(model.state_dict()) == [
        "1.kernel", "1.recurrent_kernel", "1.bias", "last.kernel", "last.recurrent_kernel",
        "last.bias", "3.weight", "3.bias"]
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 12), (4, 12), (2, 12), (4, 8), (2, 8), (8,), (2, 1), (1,)]
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    model.set_weights(weights)
    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.get_layer("last").kernel.data, weights[3])
    with pytest.raises(ValueError, match=r"array 0 has shape \(12, 3\)"):
        model.set_weights([w.T for w in weights])


def test_summary_shows_each_return_mode():
    model = keras.Sequential([
        layers.LSTM(4, return_sequences=True, input_shape=(7, 3)),
        layers.Bidirectional(layers.GRU(5, return_sequences=True)),
        layers.Bidirectional(layers.SimpleRNN(2), merge_mode="sum"),
        layers.Dense(1)])
    text = summary_text(model)
    assert "(None, 7, 4)" in text and "(None, 7, 10)" in text and "(None, 2)" in text
    assert f"{4 * 4 * (3 + 4 + 1):,}" in text  # LSTM(4) on 3 features: 128 parameters
    assert f"{2 * 3 * 5 * (4 + 5 + 2):,}" in text  # both GRU copies, two biases each


def test_save_and_load_round_trip(tmp_path):
    np.random.seed(1)
    model = keras.Sequential([
        keras.Input((6,), dtype="int64"), layers.Embedding(9, 3, name="tokens"),
        layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode="ave"),
        layers.SimpleRNN(3, activation="relu", go_backwards=True, return_sequences=True),
        layers.GRU(2, dropout=0.25, kernel_regularizer="l2"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).integers(0, 9, (8, 6))
    model.fit(x, np.ones((8, 1)), epochs=1, verbose=0)
    path = tmp_path / "model.rungrad"
    model.save(path)
    loaded = nn.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(loaded.layers, model.layers):
        assert type(a) is type(b)
        if hasattr(b, "get_config") and not isinstance(b, layers.Bidirectional):
            assert a.get_config() == b.get_config()
    assert loaded.layers[1].merge_mode == "ave"
    assert loaded.layers[2].go_backwards and loaded.layers[2].activation == "relu"
    assert summary_text(loaded) == summary_text(model)
    loaded.fit(x, np.ones((8, 1)), epochs=1, verbose=0)  # the optimizer state came back


def test_config_rebuilds_the_same_layer():
    for layer in (layers.SimpleRNN(3, activation="relu", use_bias=False, name="r"),
                  layers.LSTM(2, unit_forget_bias=False, return_state=True, dropout=0.1,
                              input_shape=(None, 5)),
                  layers.GRU(4, go_backwards=True, recurrent_regularizer="l1",
                             kernel_initializer="he_uniform")):
        again = type(layer)(**layer.get_config())
        assert again.get_config() == layer.get_config()
    wrapper = layers.Bidirectional(layers.LSTM(2, name="enc"), merge_mode="mul")
    again = layers.Bidirectional(**wrapper.get_config())
    assert again.forward_layer.name == "forward_enc" and again.merge_mode == "mul"


# ----- behaviour in training -----
def test_dropout_masks_features_the_same_way_at_every_step():
    layer = layers.SimpleRNN(3, dropout=0.5, input_shape=(None, 4))
    x = np.ones((6, 5, 4), np.float32)
    mask = layer._mask((1, 6, 4), 0.5, Variable(x)).data
    assert mask.shape == (1, 6, 4) and set(np.unique(mask)) <= {0.0, 2.0}
    np.random.seed(0)
    trained = layer(x, training=True).data
    inference = layer(x, training=False).data
    layer.dropout = 0.0
    np.testing.assert_array_equal(layer(x).data, inference)  # no dropout out of training
    assert not np.allclose(trained, inference)


def masked_reference(kind, x, weights, input_masks, recurrent_masks, go_backwards=False):
    """`reference` with Keras' recurrent dropout (implementation 1): gate g of Keras' order
    reads x * input_masks[g] and h * recurrent_masks[g]; the carried state is unmasked."""
    kernel, recurrent = weights[:2]
    units = recurrent.shape[0]
    gates = kernel.shape[1] // units
    bias = weights[2] if len(weights) > 2 else np.zeros((2, 3 * units) if kind == "GRU"
                                                        else kernel.shape[1])
    input_bias, recurrent_bias = (bias[0], bias[1]) if kind == "GRU" else (bias, 0 * bias)
    n, steps, _ = x.shape
    h, c = np.zeros((n, units)), np.zeros((n, units))
    outputs = []
    for t in (range(steps - 1, -1, -1) if go_backwards else range(steps)):
        block = slice(None)
        xs, hs = [], []
        for g in range(gates):
            block = slice(g * units, (g + 1) * units)
            xt = x[:, t] if input_masks is None else x[:, t] * input_masks[g]
            xs.append(xt @ kernel[:, block] + input_bias[block])
            hs.append((h * recurrent_masks[g]) @ recurrent[:, block] + recurrent_bias[block])
        if kind == "SimpleRNN":
            h = np.tanh(xs[0] + hs[0])
        elif kind == "LSTM":
            i, f, g, o = (a + b for a, b in zip(xs, hs))
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
        else:
            z, r = sigmoid(xs[0] + hs[0]), sigmoid(xs[1] + hs[1])
            h = z * h + (1 - z) * np.tanh(xs[2] + r * hs[2])
        outputs.append(h)
    return np.stack(outputs, axis=1), ([h, c] if kind == "LSTM" else [h])


def fixed_masks(layer, rng, monkeypatch):
    """Hold the layer's dropout masks fixed: one draw per (shape, rate), in Keras' gate
    order, the same at every call. Returns the dict of those drawn."""
    drawn = {}

    def mask(shape, rate, x):
        if (shape, rate) not in drawn:
            drawn[shape, rate] = rng.binomial(1, 1 - rate, shape) / (1 - rate)
        return Variable(drawn[shape, rate])
    monkeypatch.setattr(layer, "_mask", mask)
    return drawn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_recurrent_dropout_follows_keras_equations_with_its_masks(kind, go_backwards, dropout,
                                                                   monkeypatch):
    """Training with recurrent_dropout: each gate its own input and state masks, the same at
    every step (Keras' implementation 1), outputs in the order the steps ran; gradients
    against numerical differentiation with the masks held fixed."""
    rng = np.random.default_rng(11)
    layer = getattr(layers, kind)(3, dropout=dropout, recurrent_dropout=0.5,
                                  return_sequences=True, return_state=True,
                                  go_backwards=go_backwards, dtype="float64")
    x = rng.standard_normal((4, 5, 2))
    layer(x)
    weights = random_weights(layer, rng)
    layer.set_weights(weights)
    drawn = fixed_masks(layer, rng, monkeypatch)
    got = layer(x, training=True)
    gates = layer.num_gates
    input_masks = drawn.get(((gates, 4, 2), dropout))
    recurrent_masks = drawn[(gates, 4, 3), 0.5]
    assert (input_masks is None) == (dropout == 0)
    sequence, states = masked_reference(kind, x, weights, input_masks, recurrent_masks,
                                        go_backwards)
    for a, b in zip(got, [sequence, *states]):
        np.testing.assert_allclose(a.data, b, rtol=1e-10, atol=1e-12)
    layer.train()  # (gradcheck calls the layer in its own mode: training)
    gradcheck(as_function(layer), x[:2, :3], *random_weights(layer, rng), mode="fast")


def test_recurrent_dropout_drops_only_in_training():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, 4, 2)).astype(np.float32)
    layer = layers.LSTM(3, recurrent_dropout=0.3, return_sequences=True)
    plain = layers.LSTM(3, return_sequences=True)
    layer(x), plain(x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_array_equal(layer(x, training=False).data, plain(x).data)
    layer.train()
    trained = [layer(x, training=True).data for _ in range(2)]
    assert not np.allclose(trained[0], trained[1])  # a new mask each call
    assert layer.get_config()["recurrent_dropout"] == 0.3


def test_regularizers_add_their_penalties():
    model = keras.Sequential([keras.Input((3, 2)), layers.LSTM(2, kernel_regularizer="l2",
                                                               bias_regularizer="l1"),
                              layers.Dense(1)])
    lstm = model.layers[0]
    expected = 0.01 * (lstm.kernel.data ** 2).sum() + 0.01 * np.abs(lstm.bias.data).sum()
    assert np.isclose(float(sum(p.data for p in model.losses)), expected)


def sum_task(n, seed, steps=8):
    """Sequences of U(-1, 1) values and their sums: a many-to-one regression."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, steps, 1)).astype(np.float32)
    return x, x.sum(axis=1)


@pytest.mark.parametrize("seed", range(15))
def test_an_lstm_learns_to_sum_a_sequence(seed):
    np.random.seed(seed)
    x, y = sum_task(512, seed)
    x_test, y_test = sum_task(256, 1000 + seed)
    model = keras.Sequential([keras.Input((8, 1)), layers.LSTM(16), layers.Dense(1)])
    model.compile(optimizer=optim.Adam(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    # mse / var(y) over seeds 0-19: 0.0018-0.0044 (predicting the mean scores 1)
    assert model.evaluate(x_test, y_test, verbose=0) / y_test.var() < 0.02


@pytest.mark.parametrize("seed", range(5))
def test_an_lstm_with_recurrent_dropout_still_learns_to_sum(seed):
    np.random.seed(seed)
    x, y = sum_task(512, seed)
    x_test, y_test = sum_task(256, 1000 + seed)
    model = keras.Sequential([keras.Input((8, 1)), layers.LSTM(16, recurrent_dropout=0.2),
                              layers.Dense(1)])
    model.compile(optimizer=optim.Adam(learning_rate=0.01), loss="mse")
    # mse / var(y) after 8 epochs: 0.0032-0.0075 over seeds 0-14, but one of 70 other draws
    # of data and weights reached 0.023, within a quarter of the bound; after 12 epochs at
    # most 0.0097 over 45 draws (that one: 0.006)
    model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0) / y_test.var() < 0.03


@pytest.mark.parametrize("kind", KINDS)
def test_a_stateful_layer_carries_its_states_from_call_to_call(kind):
    """stateful=True: a sequence fed in two halves gives what it gives whole; reset_state()
    starts again from zeros; another batch size is refused, and so is jit_compile."""
    rng = np.random.default_rng(13)
    x = rng.standard_normal((3, 6, 2))
    whole = getattr(layers, kind)(4, return_sequences=True, dtype="float64")
    halves = getattr(layers, kind)(4, return_sequences=True, return_state=True,
                                   stateful=True, dtype="float64")
    whole(x), halves(x[:, :1])
    halves.set_weights(whole.get_weights())
    halves.reset_state()
    first = halves(x[:, :3])
    second = halves(x[:, 3:])
    joined = np.concatenate([first[0].data, second[0].data], axis=1)
    np.testing.assert_allclose(joined, whole(x).data, rtol=1e-12)
    for kept, final in zip(halves.states, second[1:]):
        np.testing.assert_array_equal(kept, final.data)
    halves.reset_states()  # (Keras 2's name)
    np.testing.assert_allclose(halves(x[:, :3])[0].data, first[0].data, rtol=1e-12)
    with pytest.raises(ValueError, match=r"stateful=True keeps states for batches of 3 "
                                         r"sequences, got a batch of 2"):
        halves(x[:2])
    # a model's trial call on one zero sample (its summary, its shapes) keeps no state
    layer = getattr(layers, kind)(4, stateful=True)
    model = keras.Sequential([keras.Input((3, 2)), layer, layers.Dense(1)])
    model.summary(print_fn=lambda line: None)
    assert layer.states is None
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x[:, :3], np.zeros((3, 1)), batch_size=3, epochs=2, verbose=0)
    assert layer.states[0].shape == (3, 4)
    both = layers.Bidirectional(getattr(layers, kind)(4, stateful=True))
    both(x[:, :3])
    assert both.forward_layer.states is not None and both.backward_layer.states is not None
    both.reset_state()
    assert both.forward_layer.states is None and both.backward_layer.states is None
    model = keras.Sequential([keras.Input((3, 2)), getattr(layers, kind)(4, stateful=True),
                              layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.raises(Exception, match="stateful=True cannot be replayed"):
        model.fit(x[:, :3], np.zeros((3, 1)), batch_size=3, epochs=3, verbose=0)


def test_lazily_sized_weights_are_the_optimizer_s():
    x, y = sum_task(256, 0)
    np.random.seed(0)
    model = keras.Sequential([layers.GRU(8), layers.Dense(1)])  # sized by the first batch
    opt = optim.Adam(learning_rate=0.01)
    model.compile(optimizer=opt, loss="mse")
    held = opt.param_groups[0]["params"]
    assert len(held) == 5
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert [p is q for p, q in zip(held, model.parameters())] == [True] * 5
    assert model.layers[0].kernel.shape == (1, 24)
    # (0.265 times at worst over forty seeds; weights the optimizer did not hold stay put)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


# ----- refusals -----
@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.LSTM(2, activation="relux"), ValueError, "unknown activation 'relux'"),
    (lambda: layers.LSTM(2, kernel_constraint="nonneg"), ValueError,
     "kernel_constraint: unknown constraint 'nonneg'"),
    (lambda: layers.LSTM(2, kernel_initializer="he_norm"), ValueError,
     "kernel_initializer"),
    (lambda: layers.LSTM(0), ValueError, "units"),
    (lambda: layers.LSTM(2, return_sequence=True), TypeError, "'return_sequence'"),
    (lambda: layers.GRU(2, unit_forget_bias=False), TypeError, "'unit_forget_bias'"),
    (lambda: layers.LSTM(2, input_shape=(4,)), ValueError, "input_shape"),
])
def test_unsupported_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_inputs_are_named():
    layer = layers.LSTM(2)
    with pytest.raises(ValueError, match=r"\(N, T, features\)"):
        layer(np.zeros((3, 4), np.float32))
    layer(np.zeros((1, 3, 4), np.float32))
    with pytest.raises(ValueError, match="takes 4 features"):
        layer(np.zeros((1, 3, 5), np.float32))
    with pytest.raises(ValueError, match="initial_state must be a list of 2"):
        layer(np.zeros((1, 3, 4), np.float32), initial_state=[np.zeros((1, 2))])
    with pytest.raises(ValueError, match="initial_state of shape"):
        layer(np.zeros((1, 3, 4), np.float32), initial_state=[np.zeros((1, 3))] * 2)


def test_the_callable_activations_of_nn_functional_are_names():
    import nn.functional as F
    layer = layers.SimpleRNN(2, activation=F.relu)
    assert layer.activation == "relu" and layer.get_config()["activation"] == "relu"


def test_captured_training_steps_replay_the_same_as_eager_ones():
    """compile(jit_compile=True): the captured step takes each batch (float token ids cast
    inside the graph) and draws dropout masks anew, as eager steps do."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, (64, 6))
    y = (x.sum(axis=1) > 27).astype(np.float32)
    losses = []
    for jit in (False, True):
        np.random.seed(0)
        model = keras.Sequential([
            keras.Input((6,)), layers.Embedding(10, 4),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True, dropout=0.3)),
            layers.GRU(3, go_backwards=True), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=optim.Adam(learning_rate=0.03), loss="binary_crossentropy",
                      jit_compile=jit)
        losses.append(model.fit(x.astype(np.float32), y, epochs=6, batch_size=16,
                                verbose=0).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    # (it trains: the last epoch's loss was at most 0.83 of the first over seeds 0-39; with
    # 3 epochs at a third of this rate, 0.996)
    assert losses[0][-1] < 0.95 * losses[0][0]


def test_input_takes_keras_batch_size_and_batch_shape_for_stateful_models(tmp_path):
    """keras.Input(batch_shape=(2, 5, 4)) and Input((5, 4), batch_size=2), as Keras 3 writes
    stateful models; a stateful LSTM then carries its states between calls (Keras 3.15.1's
    first output 0.2096, then 0.2103, with these weights)."""
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype(np.float32)
    for make in (lambda: keras.Input(batch_shape=(2, 5, 4)),
                 lambda: keras.Input((5, 4), batch_size=2)):
        inputs = make()
        assert inputs.shape == (2, 5, 4)
        outputs = keras.layers.LSTM(3, stateful=True, kernel_initializer="ones",
                                    recurrent_initializer="zeros")(inputs)
        model = keras.Model(inputs, outputs)
        first, second = model.predict(x), model.predict(x)
        np.testing.assert_allclose(first[0], 0.2096, atol=1e-4)
        np.testing.assert_allclose(second[0], 0.2103, atol=1e-4)
    model.save(tmp_path / "stateful.keras")
    loaded = nn.load_model(tmp_path / "stateful.keras")
    assert [m.batch_size for m in loaded.modules() if hasattr(m, "batch_size")] == [2]
    with pytest.raises(ValueError, match="shape or batch_shape, not both"):
        keras.Input((5, 4), batch_shape=(2, 5, 4))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        keras.Input((5, 4), batch_size=0)


def test_unit_forget_bias_draws_each_block_at_keras_shapes():
    """Keras: concat([init((units,)), ones((units,)), init((2 units,))]), which a fan-scaled
    initializer scales by those shapes."""
    from nn.keras import initializers
    lstm = keras.layers.LSTM(5, bias_initializer=initializers.HeNormal(seed=3))
    lstm(np.ones((1, 2, 3), np.float32))
    he = initializers.HeNormal(seed=3)
    np.testing.assert_array_equal(lstm.bias.data, np.concatenate(
        [he((5,)), np.ones(5, np.float32), he((10,))]))


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_padding_before_any_real_step_outputs_zero_while_the_states_carry_the_initial_ones(
        kind, go_backwards):
    """Keras: at a padding step the output repeats the last one, which is 0 before any real
    step, while the states keep the initial ones (the output is not the state there)."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    state = [rng.normal(size=(2, 4)).astype(np.float32) for _ in range(2 if kind == "LSTM" else 1)]
    lead = [True, True, False, False, False]  # padding first, in the order the steps run
    row = lead[::-1] if go_backwards else lead
    mask = np.array([[not p for p in row], [False] * 5])  # the second sequence all padding
    layer = getattr(layers, kind)(4, return_sequences=True, return_state=True,
                                  go_backwards=go_backwards)
    outputs, *final = layer(x, initial_state=state, mask=mask)
    real = slice(0, 3) if go_backwards else slice(2, 5)
    alone, *_ = layer(x[:1, real], initial_state=[s[:1] for s in state])
    ran = outputs.data[0, 2:]  # (in the order the steps ran)
    np.testing.assert_allclose(ran, alone.data[0], rtol=1e-5, atol=1e-6)
    assert np.all(outputs.data[0, :2] == 0) and np.all(outputs.data[1] == 0)
    for got, given_state in zip(final, state):
        np.testing.assert_array_equal(got.data[1], given_state[1])  # all padding: as given


def test_an_encoder_s_states_start_the_decoder_by_keyword_as_in_keras():
    """(initial_state=[h, c] of symbolic tensors by keyword, keras.io's encoder-decoder,
    raised 'expected a number, array or Variable'.)"""
    keras.utils.set_random_seed(0)
    source = keras.Input((None, 3))
    _, h, c = layers.LSTM(4, return_state=True)(source)
    target = keras.Input((None, 3))
    decoded = layers.LSTM(4, return_sequences=True)(target, initial_state=[h, c])
    model = keras.Model([source, target], layers.Dense(2)(decoded))
    rng = np.random.default_rng(0)
    a = rng.normal(size=(5, 6, 3)).astype(np.float32)
    b = rng.normal(size=(5, 4, 3)).astype(np.float32)
    encoder, decoder, dense = model.layers[2:]
    _, h_now, c_now = encoder(a)
    expected = dense(decoder(b, initial_state=[h_now, c_now])).data
    np.testing.assert_allclose(model.predict([a, b], verbose=0), expected, rtol=1e-5,
                               atol=1e-6)


def test_dropout_alone_is_one_mask_for_every_gate_with_any_activation():
    """(With other activations the loop drew a mask per gate: 4 distinct outputs of one
    input, where Keras' one mask of the input gives 2.)"""
    x = np.ones((1000, 1, 1), np.float32)
    for layer in (layers.LSTM(1, activation="relu", dropout=0.5, use_bias=False,
                              kernel_initializer="ones"),
                  layers.GRU(1, activation="relu", dropout=0.5, use_bias=False,
                             kernel_initializer="ones")):
        assert len(np.unique(np.round(layer(x, training=True).data, 6))) == 2


def test_bidirectional_pairs_must_agree_on_stateful_as_keras():
    with pytest.raises(ValueError, match="must have the same stateful"):
        layers.Bidirectional(layers.LSTM(2, stateful=True),
                             backward_layer=layers.LSTM(2, go_backwards=True))
