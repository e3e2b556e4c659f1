"""model.save("m.keras") and model.save_weights("m.weights.h5") write Keras 3's own formats
(nn.keras.keras_file_writing) for the Keras models Keras' format holds: the archive's
members, HDF5 paths and config keys are those real Keras 3.15.1 writes for the same model
(literals below, from Keras itself; and the files of tests/nn/keras/data/keras_files,
which Keras wrote, written again unchanged in structure), rungrad reads them back as they
were (predictions, weights, compile settings, the next training step), and what Keras'
format cannot hold is written in rungrad's own format with a warning saying why."""
import io
import json
import sys
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.keras as keras
from nn.keras.keras_compile_writer import compile_config
from nn.keras.keras_config_writer import KERAS_KEYS

from ._keras_files import keras_file

h5py = pytest.importorskip("h5py")
L = keras.layers

# Keras 3.15.1's files of the same two models (Sequential / functional below): the HDF5
# datasets (its optimizer's aside) and each layer entry's (class, keys beside module,
# class_name, config and registered_name, config's keys)
SEQUENTIAL_DATASETS = [
    "layers/batch_normalization/vars/0", "layers/batch_normalization/vars/1",
    "layers/batch_normalization/vars/2", "layers/batch_normalization/vars/3",
    "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0",
    "layers/dense_1/vars/1"]
FUNCTIONAL_DATASETS = [
    "layers/bidirectional/backward_layer/cell/vars/0",
    "layers/bidirectional/backward_layer/cell/vars/1",
    "layers/bidirectional/backward_layer/cell/vars/2",
    "layers/bidirectional/forward_layer/cell/vars/0",
    "layers/bidirectional/forward_layer/cell/vars/1",
    "layers/bidirectional/forward_layer/cell/vars/2",
    "layers/conv1d/vars/0", "layers/conv1d/vars/1", "layers/dense/vars/0",
    "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1",
    "layers/layer_normalization/vars/0", "layers/layer_normalization/vars/1",
    "layers/lstm/cell/vars/0", "layers/lstm/cell/vars/1", "layers/lstm/cell/vars/2"]
_INPUT = ["batch_shape", "dtype", "name", "optional", "ragged", "sparse"]
_DENSE = ["activation", "bias_constraint", "bias_initializer", "bias_regularizer", "dtype",
          "kernel_constraint", "kernel_initializer", "kernel_regularizer", "name",
          "quantization_config", "trainable", "units", "use_bias"]
SEQUENTIAL_LAYERS = [
    ("InputLayer", [], _INPUT), ("Dense", ["build_config"], _DENSE),
    ("Dropout", [], ["dtype", "name", "noise_shape", "rate", "seed", "trainable"]),
    ("BatchNormalization", ["build_config"], [
        "axis", "beta_constraint", "beta_initializer", "beta_regularizer", "center", "dtype",
        "epsilon", "gamma_constraint", "gamma_initializer", "gamma_regularizer", "momentum",
        "moving_mean_initializer", "moving_variance_initializer", "name", "renorm",
        "renorm_clipping", "renorm_momentum", "scale", "synchronized", "trainable"]),
    ("Dense", ["build_config"], _DENSE)]
_CALLED = ["build_config", "inbound_nodes", "name"]
FUNCTIONAL_LAYERS = [
    ("InputLayer", ["inbound_nodes", "name"], _INPUT),
    ("Conv1D", _CALLED, [
        "activation", "activity_regularizer", "bias_constraint", "bias_initializer",
        "bias_regularizer", "data_format", "dilation_rate", "dtype", "filters", "groups",
        "kernel_constraint", "kernel_initializer", "kernel_regularizer", "kernel_size",
        "name", "padding", "strides", "trainable", "use_bias"]),
    ("LSTM", _CALLED, [
        "activation", "activity_regularizer", "bias_constraint", "bias_initializer",
        "bias_regularizer", "dropout", "dtype", "go_backwards", "kernel_constraint",
        "kernel_initializer", "kernel_regularizer", "name", "recurrent_activation",
        "recurrent_constraint", "recurrent_dropout", "recurrent_initializer",
        "recurrent_regularizer", "return_sequences", "return_state", "seed", "stateful",
        "trainable", "unit_forget_bias", "units", "unroll", "use_bias",
        "zero_output_for_mask"]),
    ("Bidirectional", _CALLED, ["backward_layer", "dtype", "layer", "merge_mode", "name",
                                "trainable"]),
    ("InputLayer", ["inbound_nodes", "name"], _INPUT),
    ("Dense", _CALLED, _DENSE), ("Add", _CALLED, ["dtype", "name", "trainable"]),
    ("LayerNormalization", _CALLED, [
        "axis", "beta_constraint", "beta_initializer", "beta_regularizer", "center", "dtype",
        "epsilon", "gamma_constraint", "gamma_initializer", "gamma_regularizer", "name",
        "rms_scaling", "scale", "trainable"]),
    ("Dense", _CALLED, _DENSE)]
TOP_KEYS = ["build_config", "class_name", "compile_config", "config", "module",
            "registered_name"]
COMPILE_KEYS = ["jit_compile", "loss", "loss_weights", "metrics", "optimizer", "run_eagerly",
                "steps_per_execution", "weighted_metrics"]


def _sequential():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"),
                              L.Dropout(0.2), L.BatchNormalization(), L.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse",
                  metrics=["mae"])
    return model


def _functional():
    sequence, vector = keras.Input((8, 6)), keras.Input((6,))
    x = L.Conv1D(4, 3)(sequence)
    x = L.LSTM(5, return_sequences=True)(x)
    x = L.Bidirectional(L.GRU(3))(x)
    shared = L.Dense(3)
    y = L.LayerNormalization()(L.Add()([shared(x), shared(vector)]))
    out = L.Dense(2, activation="softmax", kernel_regularizer="l2")(y)
    model = keras.Model([sequence, vector], [out, y])
    model.compile(optimizer="adam", loss=["mse", "mae"], metrics=[["mae"], ["mse"]])
    return model


def _data(model, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(6,) + tuple(t.shape[1:]) for t in model.inputs] if hasattr(model, "inputs") \
        else [(6, 4)]
    xs = [rng.standard_normal(s).astype("float32") for s in shapes]
    return xs if len(xs) > 1 else xs[0]


def _targets(model, x, seed=1):
    rng = np.random.default_rng(seed)
    out = model.predict(x, verbose=0)
    ys = [rng.standard_normal(o.shape).astype("float32")
          for o in (out if isinstance(out, list) else [out])]
    return ys if isinstance(out, list) else ys[0]


def _trained(make):
    model = make()
    x = _data(model)
    y = _targets(model, x)
    model.fit(x, y, epochs=1, batch_size=3, verbose=0, shuffle=False)
    return model, x, y


def _datasets(archive_path):
    with zipfile.ZipFile(archive_path) as archive:
        weights = archive.read("model.weights.h5")
    found = []
    with h5py.File(io.BytesIO(weights), "r") as store:
        store.visititems(lambda name, item: found.append(name)
                         if isinstance(item, h5py.Dataset) else None)
    return sorted(found)


def _config(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def _layer_keys(config):
    return [(entry["class_name"],
             sorted(k for k in entry if k not in ("module", "class_name", "config",
                                                  "registered_name")),
             sorted(entry["config"])) for entry in config["config"]["layers"]]


def _predictions(model, x):
    out = model.predict(x, verbose=0)
    return out if isinstance(out, list) else [out]


# ----- the files are Keras' -----
@pytest.mark.parametrize("make, datasets, layers", [
    (_sequential, SEQUENTIAL_DATASETS, SEQUENTIAL_LAYERS),
    (_functional, FUNCTIONAL_DATASETS, FUNCTIONAL_LAYERS)], ids=["sequential", "functional"])
def test_a_keras_model_saved_as_keras_is_keras_own_archive(make, datasets, layers, tmp_path):
    model, _, _ = _trained(make)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        assert json.loads(archive.read("metadata.json"))["keras_version"].startswith("3.")
    assert [d for d in _datasets(path) if not d.startswith("optimizer/")] == datasets
    config = _config(path)
    assert sorted(config) == TOP_KEYS and sorted(config["compile_config"]) == COMPILE_KEYS
    assert _layer_keys(config) == layers
    assert "model.json" not in zipfile.ZipFile(path).namelist()


def test_the_functional_config_names_calls_as_keras_does(tmp_path):
    model, _, _ = _trained(_functional)
    model.save(tmp_path / "m.keras")
    config = _config(tmp_path / "m.keras")
    assert config["class_name"] == "Functional"
    body = config["config"]
    assert body["input_layers"] == [["input_layer", 0, 0], ["input_layer_1", 0, 0]]
    assert body["output_layers"] == [["dense_1", 0, 0], ["layer_normalization", 0, 0]]
    shared = next(e for e in body["layers"] if e["name"] == "dense")
    histories = [node["args"][0]["config"]["keras_history"]
                 for node in shared["inbound_nodes"]]
    assert sorted(histories) == [["bidirectional", 0, 0], ["input_layer_1", 0, 0]]
    assert shared["inbound_nodes"][0]["args"][0]["class_name"] == "__keras_tensor__"
    add = next(e for e in body["layers"] if e["class_name"] == "Add")
    assert sorted(ref["config"]["keras_history"][1] for ref in
                  add["inbound_nodes"][0]["args"][0]) == [0, 1]  # (the shared one's calls)
    compiled = config["compile_config"]
    assert compiled["loss"] == ["mse", "mae"] and compiled["metrics"] == [["mae"], ["mse"]]
    assert compiled["optimizer"]["class_name"] == "Adam"
    dense = next(e for e in body["layers"] if e["name"] == "dense_1")["config"]
    assert dense["kernel_regularizer"]["class_name"] == "L2"
    assert dense["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert dense["dtype"] is None  # (no policy given: Keras' global one, casting nothing)


@pytest.mark.parametrize("name", ("dense_bn", "cnn", "recurrent", "branched",
                                  "bidirectional", "shared"))
def test_keras_own_files_are_written_again_with_their_structure(name, tmp_path):
    """Each of these files real Keras wrote, loaded and saved again: the same config keys,
    everywhere, and the same HDF5 groups and datasets."""
    model = keras.models.load_model(keras_file(name))
    model.save(tmp_path / "again.keras")
    assert _key_paths(_config(tmp_path / "again.keras")) == _key_paths(
        _config(keras_file(name)))
    assert _groups(tmp_path / "again.keras") == _groups(keras_file(name))


def _key_paths(value, path=""):
    """Every key's path in a config; a layer's dtype a leaf (a layer given no policy is
    written with dtype None, Keras' global policy, which casts nothing in rungrad)."""
    if isinstance(value, dict):
        return {p for key, item in value.items() if key != "shared_object_id"
                for p in {f"{path}/{key}"} | (
                    set() if key == "dtype" else _key_paths(item, f"{path}/{key}"))}
    if isinstance(value, list):
        return {p for i, item in enumerate(value) for p in _key_paths(item, f"{path}[{i}]")}
    return set()


def _groups(path):
    with zipfile.ZipFile(path) as archive:
        weights = archive.read("model.weights.h5")
    found = []
    with h5py.File(io.BytesIO(weights), "r") as store:
        store.visititems(lambda name, item: found.append((name, getattr(item, "shape", None))))
    return sorted(found, key=str)


def test_save_weights_writes_keras_hdf5_layout(tmp_path):
    model, x, _ = _trained(_functional)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    with h5py.File(path, "r") as store:
        found = []
        store.visititems(lambda name, item: found.append(name)
                         if isinstance(item, h5py.Dataset) else None)
        assert sorted(found) == FUNCTIONAL_DATASETS  # (the weights alone: no optimizer)
        assert store["layers/lstm/vars"].attrs["name"] == "lstm"
    other = _functional()
    other.load_weights(path)
    for a, b in zip(_predictions(model, x), _predictions(other, x)):
        np.testing.assert_array_equal(a, b)


# ----- nothing is lost for rungrad -----
@pytest.mark.parametrize("make", [_sequential, _functional], ids=["sequential", "functional"])
def test_the_keras_archive_loads_back_as_it_was(make, tmp_path):
    model, x, y = _trained(make)
    model.save(tmp_path / "m.keras")
    back = nn.load_model(tmp_path / "m.keras")
    for a, b in zip(_predictions(model, x), _predictions(back, x)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.get_weights(), back.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [type(layer).__name__ for layer in back.layers] == \
        [type(layer).__name__ for layer in model.layers]
    assert type(back.optimizer) is type(model.optimizer)
    assert back.optimizer.get_config() == model.optimizer.get_config()
    assert _rate_as_float32(compile_config(back)) == _rate_as_float32(compile_config(model))
    # the optimizer's state came along: the next step is the same step (Dropout's masks
    # drawn alike)
    for each in (model, back):
        np.random.seed(5)
        each.fit(x, y, epochs=1, batch_size=6, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), back.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_a_keras_schedule_is_written_as_keras_object_and_goes_on(tmp_path, recwarn):
    """The learning rate as Keras' ExponentialDecay: its object in the optimizer's config
    (real Keras 3.15 loads it, rate 0.025 after four steps, and goes on training as rungrad
    does, to 1e-6), no learning-rate variable among the optimizer's, the next steps the
    same after the round trip."""
    model = _sequential()
    rate = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss="mse")
    x = _data(model)
    y = _targets(model, x)
    model.fit(x, y, epochs=2, batch_size=6, verbose=0, shuffle=False)
    model.save(tmp_path / "m.keras")
    assert not [w for w in recwarn if "own format" in str(w.message)]
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        optimizer = json.loads(archive.read("config.json"))["compile_config"]["optimizer"]
    assert optimizer["config"]["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5,
                   "staircase": False, "name": "ExponentialDecay"}, "registered_name": None}
    back = nn.load_model(tmp_path / "m.keras")
    for each in (model, back):
        np.random.seed(5)
        each.fit(x, y, epochs=1, batch_size=6, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), back.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def _rate_as_float32(compiled):
    """compile_config with its learning rate as the float32 Keras' optimizer variable
    holds it (the state restored sets it so)."""
    config = compiled["optimizer"]["config"]
    config["learning_rate"] = float(np.float32(config["learning_rate"]))
    return compiled


def test_the_optimizer_state_matters_to_the_next_step(tmp_path):
    """(the check above can fail: a fresh optimizer takes another step)"""
    model, x, y = _trained(_sequential)
    model.save(tmp_path / "m.keras")
    fresh = keras.models.load_model(tmp_path / "m.keras", compile=False)
    fresh.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    model.fit(x, y, epochs=1, batch_size=6, verbose=0, shuffle=False)
    fresh.fit(x, y, epochs=1, batch_size=6, verbose=0, shuffle=False)
    assert max(np.abs(a - b).max() for a, b in
               zip(model.get_weights(), fresh.get_weights())) > 1e-6


@settings(max_examples=8, deadline=None)
@given(units=st.integers(1, 5), activation=st.sampled_from([None, "relu", "tanh", "gelu"]),
       rate=st.sampled_from([0.0, 0.25]), seed=st.integers(0, 1000),
       loss=st.sampled_from(["mse", "mae", "huber"]))
def test_any_such_sequential_round_trips(units, activation, rate, seed, loss, tmp_path_factory):
    model = keras.Sequential([keras.Input((3,)), L.Dense(units, activation=activation),
                              L.Dropout(rate), L.Dense(2)])
    model.compile(optimizer="rmsprop", loss=loss)
    x = np.random.default_rng(seed).standard_normal((6, 3)).astype("float32")
    model.fit(x, np.ones((6, 2), "float32"), verbose=0)
    path = tmp_path_factory.mktemp("m") / "m.keras"
    model.save(path)
    assert "config.json" in zipfile.ZipFile(path).namelist()
    back = keras.saving.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), back.predict(x, verbose=0))
    assert _config(path)["compile_config"]["loss"] == loss


# ----- more of nn.keras' layers -----
def _two(first, second, make):
    """A functional model of two inputs of shapes `first` and `second`."""
    a, b = keras.Input(first), keras.Input(second)
    return keras.Model([a, b], make(a, b))


def _chain(shape, *layers):
    return keras.Sequential([keras.Input(shape), *layers])


# each a model real Keras 3.15.1 loaded from the file written here with the same weights
# (exactly) and predictions (to 1e-6), and whose config keys and HDF5 groups are those of
# the file Keras wrote for the same model
MORE_LAYERS = {
    "Dot": lambda: _two((4,), (4,), lambda a, b: L.Dot(axes=1)([L.Dense(4)(a), b])),
    "Dot_normalized": lambda: _two((3, 4), (5, 4), lambda a, b: L.Dot(
        axes=(2, 2), normalize=True)([a, b])),
    "TimeDistributed": lambda: _chain((3, 4), L.TimeDistributed(L.Dense(2)), L.Flatten(),
                                      L.Dense(1)),
    "TimeDistributed_Conv2D": lambda: _chain((3, 5, 5, 2), L.TimeDistributed(L.Conv2D(2, 3))),
    "SpatialDropout1D": lambda: _chain((5, 3), L.SpatialDropout1D(0.3), L.Dense(2)),
    "SpatialDropout2D": lambda: _chain((4, 4, 3), L.SpatialDropout2D(0.3)),
    "SpatialDropout3D": lambda: _chain((3, 4, 4, 2), L.SpatialDropout3D(0.3)),
    "Masking": lambda: _chain((5, 3), L.Masking(0.0), L.LSTM(2)),
    "padding_1D": lambda: _chain((5, 3), L.ZeroPadding1D((1, 2)), L.Cropping1D(1),
                                 L.UpSampling1D(3)),
    "padding_3D": lambda: _chain((3, 4, 4, 2), L.ZeroPadding3D(((1, 0), (0, 2), (1, 1))),
                                 L.Cropping3D(((1, 0), (0, 1), (1, 1))),
                                 L.UpSampling3D((2, 1, 2))),
    "Conv3DTranspose": lambda: _chain((3, 3, 3, 2), L.Conv3DTranspose(2, 2, strides=2)),
    "Attention": lambda: _two((3, 4), (5, 4), lambda a, b: L.Attention(use_scale=True)(
        [a, b])),
    "AdditiveAttention": lambda: _two((3, 4), (5, 4), lambda a, b: L.AdditiveAttention()(
        [a, b])),
    "MultiHeadAttention": lambda: _two((3, 4), (5, 6), lambda a, b: L.MultiHeadAttention(
        2, 3)(a, b)),
    "MultiHeadAttention_key": lambda: _two((3, 4), (3, 4), lambda a, b: L.MultiHeadAttention(
        3, 2, value_dim=4, use_bias=False, output_shape=5)(a, a, key=b)),
    "RNN_SimpleRNNCell": lambda: _chain((5, 3), L.RNN(L.SimpleRNNCell(4),
                                                      return_sequences=True)),
    "RNN_GRUCell": lambda: _chain((5, 3), L.RNN(L.GRUCell(4, reset_after=False))),
    "RNN_StackedRNNCells": lambda: _chain((5, 3), L.RNN(L.StackedRNNCells(
        [L.LSTMCell(4), L.GRUCell(2)]))),
    "ConvLSTM1D": lambda: _chain((3, 6, 2), L.ConvLSTM1D(2, 3)),
    "ConvLSTM2D": lambda: _chain((3, 5, 5, 2), L.ConvLSTM2D(2, 3, return_sequences=True)),
    "CategoryEncoding": lambda: _chain((3,), L.CategoryEncoding(6, output_mode="multi_hot")),
    "Resizing": lambda: _chain((6, 6, 2), L.Resizing(4, 3)),
    "CenterCrop": lambda: _chain((6, 6, 2), L.CenterCrop(4, 3)),
}
# the weights of layers that hold others, where Keras 3.15.1's file of the same model put
# them (a `vars` group holding nothing: None)
KERAS_NESTED_WEIGHTS = {
    "TimeDistributed": [
        ("layers/dense/vars/0", (6, 1)), ("layers/dense/vars/1", (1,)),
        ("layers/flatten/vars", None), ("layers/time_distributed/layer/vars/0", (4, 2)),
        ("layers/time_distributed/layer/vars/1", (2,)),
        ("layers/time_distributed/vars", None), ("vars", None)],
    "RNN_StackedRNNCells": [
        ("layers/rnn/cell/cells/gru_cell/vars/0", (4, 6)),
        ("layers/rnn/cell/cells/gru_cell/vars/1", (2, 6)),
        ("layers/rnn/cell/cells/gru_cell/vars/2", (2, 6)),
        ("layers/rnn/cell/cells/lstm_cell/vars/0", (3, 16)),
        ("layers/rnn/cell/cells/lstm_cell/vars/1", (4, 16)),
        ("layers/rnn/cell/cells/lstm_cell/vars/2", (16,)), ("layers/rnn/cell/vars", None),
        ("layers/rnn/vars", None), ("vars", None)],
    "MultiHeadAttention": [
        ("layers/input_layer/vars", None), ("layers/input_layer_1/vars", None),
        ("layers/multi_head_attention/_dropout_layer/vars", None),
        ("layers/multi_head_attention/_softmax/vars", None),
        ("layers/multi_head_attention/key_dense/vars/0", (6, 2, 3)),
        ("layers/multi_head_attention/key_dense/vars/1", (2, 3)),
        ("layers/multi_head_attention/output_dense/vars/0", (2, 3, 4)),
        ("layers/multi_head_attention/output_dense/vars/1", (4,)),
        ("layers/multi_head_attention/query_dense/vars/0", (4, 2, 3)),
        ("layers/multi_head_attention/query_dense/vars/1", (2, 3)),
        ("layers/multi_head_attention/value_dense/vars/0", (6, 2, 3)),
        ("layers/multi_head_attention/value_dense/vars/1", (2, 3)),
        ("layers/multi_head_attention/vars", None), ("vars", None)],
    "ConvLSTM1D": [
        ("layers/conv_lstm1d/cell/vars/0", (3, 2, 8)),
        ("layers/conv_lstm1d/cell/vars/1", (3, 2, 8)),
        ("layers/conv_lstm1d/cell/vars/2", (8,)), ("layers/conv_lstm1d/vars", None),
        ("vars", None)]}


def _scrambled(model, seed=3):
    """`model` with weights drawn anew (not the initial zeros of a bias)."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, np.shape(w)).astype("float32")
                       for w in model.get_weights()])
    return model


def _inputs(model, name, seed=0):
    rng = np.random.default_rng(seed)
    xs = [rng.integers(0, 6, (4,) + tuple(t.shape[1:])).astype("float32")
          if name == "CategoryEncoding" else
          rng.standard_normal((4,) + tuple(t.shape[1:])).astype("float32")
          for t in model.inputs]
    if name == "Masking":
        xs[0][1, 2:] = 0.0  # (masked steps)
    return xs if len(xs) > 1 else xs[0]


@pytest.mark.parametrize("name", sorted(MORE_LAYERS))
def test_more_layers_are_written_in_keras_format_and_read_back(name, tmp_path):
    model = _scrambled(MORE_LAYERS[name]())
    x = _inputs(model, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no fallback to rungrad's format)
        model.save(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
    assert "config.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()
    back = nn.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.get_weights(), back.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    other = MORE_LAYERS[name]()
    other.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(KERAS_NESTED_WEIGHTS))
def test_layers_held_by_layers_have_their_weights_where_keras_puts_them(name, tmp_path):
    MORE_LAYERS[name]().save_weights(tmp_path / "m.weights.h5")
    found = []
    with h5py.File(tmp_path / "m.weights.h5", "r") as store:
        store.visititems(lambda key, item: found.append((key, item.shape))
                         if isinstance(item, h5py.Dataset) else
                         found.append((key, None)) if key.endswith("vars") and not len(item)
                         else None)
        if name == "MultiHeadAttention":  # (each projection's EinsumDense, named by Keras)
            assert [store[f"layers/multi_head_attention/{k}_dense/vars"].attrs["name"]
                    for k in ("query", "key", "value", "output")] == \
                ["query", "key", "value", "attention_output"]
    assert sorted(found, key=str) == KERAS_NESTED_WEIGHTS[name]


def test_their_configs_hold_keras_values(tmp_path):
    """As Keras 3.15.1 writes them: a 1-D layer's padding, cropping and size bare, no
    `trainable` for SpatialDropout (its constructor takes none), an RNN's cell, a
    TimeDistributed's layer with the shape of one step, MultiHeadAttention built from its
    inputs' shapes by name."""
    configs = {}
    for name in ("padding_1D", "SpatialDropout1D", "RNN_StackedRNNCells", "TimeDistributed",
                 "MultiHeadAttention"):
        MORE_LAYERS[name]().save(tmp_path / f"{name}.keras")
        for entry in _config(tmp_path / f"{name}.keras")["config"]["layers"]:
            configs[entry["class_name"]] = entry
    assert configs["ZeroPadding1D"]["config"]["padding"] == [1, 2]
    assert configs["Cropping1D"]["config"]["cropping"] == [1, 1]
    assert configs["UpSampling1D"]["config"]["size"] == 3
    assert sorted(configs["SpatialDropout1D"]["config"]) == ["dtype", "name", "rate", "seed"]
    cell = configs["RNN"]["config"]["cell"]
    assert (cell["class_name"], [c["class_name"] for c in cell["config"]["cells"]]) == \
        ("StackedRNNCells", ["LSTMCell", "GRUCell"])
    assert [c["build_config"] for c in cell["config"]["cells"]] == [
        {"input_shape": [None, 3]}, {"input_shape": [None, 4]}]
    inner = configs["TimeDistributed"]["config"]["layer"]
    assert (inner["class_name"], inner["build_config"]) == ("Dense", {"input_shape": [None, 4]})
    assert configs["MultiHeadAttention"]["build_config"] == {"shapes_dict": {
        "query_shape": [None, 3, 4], "value_shape": [None, 5, 6]}}


# ----- what Keras' format cannot hold -----
def test_a_layer_keras_lacks_keeps_rungrads_format_with_a_warning(tmp_path):
    model = keras.Sequential([keras.Input((3, 4, 3)), L.Equalization(),
                              L.Flatten(), L.Dense(1)])
    assert "Equalization" not in KERAS_KEYS
    path = tmp_path / "m.keras"
    with pytest.warns(UserWarning, match=r"rungrad's own format.*'equalization' is "
                                         r"a Equalization, which has no Keras 3 "
                                         r"counterpart"):
        model.save(path)
    assert "model.json" in zipfile.ZipFile(path).namelist()
    x = np.ones((2, 3, 4, 3), "float32")
    np.testing.assert_array_equal(nn.load_model(path).predict(x, verbose=0),
                                  model.predict(x, verbose=0))


def test_an_argument_keras_lacks_is_named(tmp_path):
    model = keras.Sequential([keras.Input((4,)), nn.Dropout(0.5, inplace=True), L.Dense(1)])
    with pytest.warns(UserWarning, match=r"layer 'dropout' \(Dropout\): its argument "
                                         r"inplace=True has no counterpart in Keras 3"):
        model.save(tmp_path / "m.keras")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()


def test_a_model_inside_the_model_is_written_with_its_layers(tmp_path):
    inner = keras.Sequential([keras.Input((3,)), L.Dense(2)], name="inner")
    x = keras.Input((3,))
    model = keras.Model(x, L.Dense(1)(inner(x)))
    model.save(tmp_path / "m.keras")
    entry = _config(tmp_path / "m.keras")["config"]["layers"][1]
    assert (entry["class_name"], entry["name"], entry["compile_config"]) == \
        ("Sequential", "inner", {})
    assert _datasets(tmp_path / "m.keras") == [
        "layers/dense/vars/0", "layers/dense/vars/1", "layers/sequential/layers/dense/vars/0",
        "layers/sequential/layers/dense/vars/1"]
    data = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.testing.assert_array_equal(nn.load_model(tmp_path / "m.keras").predict(data, verbose=0),
                                  model.predict(data, verbose=0))


def test_a_policy_given_is_written_and_read_back(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, dtype="float64"), L.Dense(1)])
    model.save(tmp_path / "m.keras")
    layers = _config(tmp_path / "m.keras")["config"]["layers"]
    assert layers[1]["config"]["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                                            "config": {"name": "float64"},
                                            "registered_name": None}
    assert layers[2]["config"]["dtype"] is None
    back = nn.load_model(tmp_path / "m.keras")
    assert back.layers[0].dtype_policy.name == "float64"


def test_a_jit_compiled_model_is_written_as_keras_writes_it_and_read_back_compiled(tmp_path):
    """It kept rungrad's format, with a warning: Keras writes compile's jit_compile (True
    for jit_compile=True, False for 'auto' on its torch backend) and loads it back."""
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    for jit_compile in (True, False):
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
        model.save(tmp_path / "m.keras")
        assert _config(tmp_path / "m.keras")["compile_config"]["jit_compile"] is jit_compile
        assert nn.load_model(tmp_path / "m.keras").jit_compile is jit_compile


def test_overwrite_false_never_replaces_a_file_another_writer_made_meanwhile(
        tmp_path, monkeypatch):
    """(as tests/reliability/test_files.py checks rungrad's own writer)"""
    import nn.keras.keras_file_writing as writing
    path = tmp_path / "model.keras"
    synced = writing.sync_file

    def another_writer_finishes_first(tmp):
        synced(tmp)
        path.write_bytes(b"the other save's file")
    monkeypatch.setattr(writing, "sync_file", another_writer_finishes_first)
    with pytest.raises(FileExistsError, match="already exists and overwrite=False"):
        _sequential().save(path, overwrite=False)
    assert path.read_bytes() == b"the other save's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def test_a_torch_style_optimizer_keeps_rungrads_format(tmp_path):
    import optim
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model.compile(optimizer=optim.SGD(model.parameters(), lr=0.1), loss="mse")
    with pytest.warns(UserWarning, match="its optimizer, a SGD, is not one of Keras'"):
        model.save(tmp_path / "m.keras")
    assert nn.load_model(tmp_path / "m.keras").optimizer is not None


def test_a_module_that_is_no_keras_model_keeps_rungrads_format_silently(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()
    assert zipfile.is_zipfile(tmp_path / "m.weights.h5")  # (rungrad's .npz)


def test_without_h5py_the_extra_is_named(tmp_path, monkeypatch):
    model = _sequential()
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.warns(UserWarning, match=r"needs h5py, the rungrad\[keras-files\] extra"):
        model.save(tmp_path / "m.keras")
    with pytest.warns(UserWarning, match=r"rungrad\[keras-files\]"):
        model.save_weights(tmp_path / "m.weights.h5")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()
    monkeypatch.delitem(sys.modules, "h5py")
    nn.load_model(tmp_path / "m.keras")


def test_overwrite_false_refuses_and_a_failed_write_leaves_the_file(tmp_path):
    model = _sequential()
    path = tmp_path / "m.keras"
    path.write_bytes(b"before")
    with pytest.raises(FileExistsError):
        model.save(path, overwrite=False)
    assert path.read_bytes() == b"before"
    model.save(path)
    assert zipfile.is_zipfile(path)
