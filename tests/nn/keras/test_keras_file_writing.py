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


# ----- what Keras' format cannot hold -----
def test_a_layer_keras_lacks_keeps_rungrads_format_with_a_warning(tmp_path):
    model = keras.Sequential([keras.Input((3, 4)), L.TimeDistributed(L.Dense(2)),
                              L.Flatten(), L.Dense(1)])
    assert "TimeDistributed" not in KERAS_KEYS
    path = tmp_path / "m.keras"
    with pytest.warns(UserWarning, match=r"rungrad's own format.*'time_distributed' is a "
                                         r"TimeDistributed, which has no Keras 3 counterpart"):
        model.save(path)
    assert "model.json" in zipfile.ZipFile(path).namelist()
    x = np.ones((2, 3, 4), "float32")
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


def test_a_jit_compiled_model_keeps_rungrads_format(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.warns(UserWarning, match="jit_compile=True"):
        model.save(tmp_path / "m.keras")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()


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
