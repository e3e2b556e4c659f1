"""Files real Keras 3 wrote (3.15.1, tests/nn/keras/data/make_keras_files.py): `.keras`
archives load whole, `.weights.h5` files into a model of the same layers, and to_json()'s
text rebuilds the model; each predicts as Keras did. What rungrad cannot read with the same
meaning is refused by name."""
import json
import os
import sys
import warnings
import zipfile

import numpy as np
import pytest

import nn
import nn.keras as keras

from ._keras_files import DATA, archive_weights, keras_file, reference_inputs, rewritten

pytest.importorskip("h5py")

MODELS = ("dense_bn", "cnn", "recurrent", "branched", "nested", "bidirectional", "assorted",
          "shared")  # (shared: a shared layer's calls wired in Keras' order, 1.33 off before)
REFERENCE = np.load(os.path.join(DATA, "predictions.npz"))


def _assert_predicts_as_keras(model, name):
    np.testing.assert_allclose(model.predict(reference_inputs(REFERENCE, name), verbose=0),
                               REFERENCE[f"{name}/y"], rtol=1e-5, atol=1e-6)


# ----- what loads -----
@pytest.mark.parametrize("name", MODELS)
def test_a_keras_archive_loads_and_predicts_as_keras(name):
    model = keras.models.load_model(keras_file(name, ".keras"))
    _assert_predicts_as_keras(model, name)
    assert model.count_params() == int(REFERENCE[f"{name}/count_params"])


@pytest.mark.parametrize("name", MODELS)
def test_keras_json_and_weights_file_rebuild_the_model(name, tmp_path):
    """model_from_json of Keras' to_json(), then load_weights of its HDF5 weights."""
    with open(keras_file(name, ".json")) as f:
        model = keras.models.model_from_json(f.read())
    weights = keras_file(name, ".weights.h5")
    model.load_weights(weights if os.path.exists(weights) else
                       archive_weights(name, tmp_path))
    _assert_predicts_as_keras(model, name)


@pytest.mark.parametrize("name", ["dense_bn", "branched"])
def test_load_weights_reads_a_keras_archives_weights(name):
    """Keras' model.load_weights("m.keras") (it was refused: "load it with load_model")."""
    with open(keras_file(name, ".json")) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(keras_file(name, ".keras"))
    _assert_predicts_as_keras(model, name)


@pytest.mark.parametrize("name, cls", [("dense_bn", keras.Sequential), ("branched", keras.Model),
                                       ("nested", keras.Model)])
def test_from_config_takes_keras_own_config(name, cls, tmp_path):
    with open(keras_file(name, ".json")) as f:
        config = json.load(f)["config"]
    model = cls.from_config(config)
    model.load_weights(archive_weights(name, tmp_path))
    _assert_predicts_as_keras(model, name)
    assert model.name == name


def test_nn_load_model_reads_a_keras_archive_too():
    _assert_predicts_as_keras(nn.load_model(keras_file("recurrent", ".keras")), "recurrent")


def test_summary_counts_the_keras_parameters(capsys):
    """dense_bn: 115 weights, of which BatchNormalization's 16 moving statistics do not
    train (Keras' summary says so too)."""
    keras.models.load_model(keras_file("dense_bn")).summary()
    shown = capsys.readouterr().out
    assert "Total params: 115" in shown and "Non-trainable params: 16" in shown
    assert "Trainable params: 99" in shown and "batch_normalization" in shown


def test_a_layer_saved_untrainable_comes_back_frozen(tmp_path):
    def edit(config):
        _dense_of(config)["config"]["trainable"] = False

    model = keras.models.load_model(rewritten(tmp_path, "dense_bn", edit))
    assert not model.layers[0].trainable
    assert sum(w.size for w in model.trainable_weights) == 99 - 56
    _assert_predicts_as_keras(model, "dense_bn")


def test_layer_names_and_order_are_keras():
    model = keras.models.load_model(keras_file("branched", ".keras"))
    assert [layer.name for layer in model.layers] == ["left", "right", "a", "b", "add",
                                                      "concat", "out"]
    assert model.get_layer("out").units == 2


# ----- compile settings -----
def test_compile_settings_come_back_where_rungrad_has_them():
    dense_bn = keras.models.load_model(keras_file("dense_bn"))
    assert type(dense_bn.optimizer).__name__ == "Adam"
    assert dense_bn.optimizer.learning_rate == pytest.approx(2e-3)
    assert dense_bn.compiled_loss.name == "sparse_categorical_crossentropy"
    assert [m.name for m in dense_bn.compiled_metrics] == ["accuracy"]
    cnn = keras.models.load_model(keras_file("cnn", ".keras"))
    assert type(cnn.optimizer).__name__ == "SGD" and cnn.optimizer.momentum == 0.9
    loss = cnn.compiled_loss.keras_object
    assert type(loss).__name__ == "CategoricalCrossentropy" and loss.from_logits is True


def test_a_compiled_keras_model_trains_on():
    """Its Adam (learning rate 2e-3), loss and accuracy metric at work: a separable task
    learnt from Keras' weights."""
    keras.utils.set_random_seed(0)
    model = keras.models.load_model(keras_file("dense_bn"))
    x = np.random.default_rng(0).normal(size=(64, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    before, _ = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=150, batch_size=64, verbose=0)
    after, accuracy = model.evaluate(x, y, verbose=0)
    assert after < 0.5 * before and accuracy >= 0.9


def test_compile_false_leaves_the_model_uncompiled():
    model = keras.models.load_model(keras_file("dense_bn"), compile=False)
    assert not model.compiled


def test_an_unknown_optimizer_leaves_the_model_uncompiled_with_a_warning(tmp_path):
    def edit(config):
        # (a user's own class, not registered: rungrad has every Keras built-in since Muon)
        config["compile_config"]["optimizer"]["class_name"] = "MyOptimizer"
        config["compile_config"]["optimizer"]["registered_name"] = "MyOptimizer"

    with pytest.warns(UserWarning, match=r"uncompiled.*unknown optimizer 'MyOptimizer'"):
        model = keras.models.load_model(rewritten(tmp_path, "dense_bn", edit))
    assert not model.compiled
    _assert_predicts_as_keras(model, "dense_bn")


# ----- what is refused, by name -----
def test_a_lambda_layer_is_refused_not_run():
    with pytest.raises(ValueError, match=r"lambda.keras: the Lambda layer 'lambda' holds its "
                                         r"function as marshalled Python bytecode"):
        keras.models.load_model(keras_file("lambda", ".keras"))


def _dense_of(config, i=0):
    """The i-th Dense entry of a Sequential model's Keras config."""
    return [e for e in config["config"]["layers"] if e["class_name"] == "Dense"][i]


@pytest.mark.parametrize("edit, message", [
    (lambda c: _dense_of(c).update(class_name="TFSMLayer"),
     r"unknown layer 'TFSMLayer' \(Keras module 'keras.layers'\)"),
    (lambda c: _dense_of(c)["config"]["kernel_initializer"].update(class_name="Hadamard"),
     r"unknown initializer 'Hadamard' \(Keras module 'keras.initializers'\)"),
    (lambda c: _dense_of(c).update(module="my_project.layers", registered_name="Mine>Dense"),
     r"unknown layer 'Mine>Dense'"),
    (lambda c: _dense_of(c)["config"].update(lora_rank=4),
     r"the Dense layer 'dense': Keras' argument lora_rank=4 has no counterpart in rungrad"),
], ids=["layer", "initializer", "custom_unregistered", "argument"])
def test_what_rungrad_lacks_is_refused_by_name(tmp_path, edit, message):
    with pytest.raises(ValueError, match=r"dense_bn_edited.keras: " + message):
        keras.models.load_model(rewritten(tmp_path, "dense_bn", edit))


def test_a_config_its_weights_do_not_fit_is_refused_by_name(tmp_path):
    """A GRU made reset_after=False (Keras 2's: one bias of 3 * units) beside the file's
    reset_after=True weights (two biases)."""
    def edit(config):
        gru = [e for e in config["config"]["layers"] if e["class_name"] == "GRU"][0]
        gru["config"]["reset_after"] = False

    with pytest.raises(ValueError, match=r"recurrent_edited.keras \(model.weights.h5\): layer "
                                         r"'gru' has 3 weights of shapes \[\(5, 9\), \(3, 9\), "
                                         r"\(9,\)\]; the file holds .* \(2, 9\)\]"):
        keras.models.load_model(rewritten(tmp_path, "recurrent", edit))


def test_a_registered_custom_layer_is_found_by_its_registered_name():
    """(Its weights would be keyed by its own class in Keras' file: `doubled`.)"""
    @keras.saving.register_keras_serializable(package="KFiles", name="Doubled")
    class Doubled(keras.layers.Dense):
        def forward(self, x):
            return super().forward(x) * 2

    with open(keras_file("dense_bn", ".json")) as f:
        config = json.load(f)
    _dense_of(config, 1).update(module=None, class_name="Doubled",
                                registered_name="KFiles>Doubled")
    model = keras.models.model_from_json(json.dumps(config))
    assert type(model.layers[-1]) is Doubled and model.layers[-1].units == 3


def test_a_damaged_archive_is_named(tmp_path):
    path = tmp_path / "cut.keras"
    data = open(keras_file("dense_bn"), "rb").read()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match=r"cut.keras"):
        keras.models.load_model(path)


def test_a_damaged_weights_file_is_named(tmp_path):
    path = tmp_path / "cut.weights.h5"
    data = open(keras_file("dense_bn", ".weights.h5"), "rb").read()
    path.write_bytes(data[:4096])
    model = keras.models.load_model(keras_file("dense_bn"))
    with pytest.raises(ValueError, match=r"load_weights: .*cut.weights.h5 is not a readable "
                                         r"Keras file"):
        model.load_weights(path)


def test_weights_of_another_model_are_refused_naming_the_layer(tmp_path):
    model = keras.models.load_model(keras_file("cnn", ".keras"))
    with pytest.raises(ValueError, match=r"dense_bn.weights.h5 holds weights for layers the "
                                         r"model lacks: \['batch_normalization'"):
        model.load_weights(keras_file("dense_bn", ".weights.h5"))


def test_without_h5py_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # (import h5py then fails)
    for load in (lambda: keras.models.load_model(keras_file("dense_bn")),
                 lambda: keras.Sequential([keras.layers.Dense(2)]).load_weights(
                     keras_file("dense_bn", ".weights.h5"))):
        with pytest.raises(ImportError, match=r"needs h5py: pip install h5py, or the "
                                              r"rungrad\[keras-files\] extra"):
            load()


# ----- rungrad's own files still load -----
def test_rungrad_own_weights_h5_and_keras_files_still_load(tmp_path):
    """rungrad's .weights.h5 is an .npz archive, its .keras file its own zip: neither is
    mistaken for Keras'."""
    model = keras.models.load_model(keras_file("dense_bn"))
    model.save_weights(tmp_path / "own.weights.h5")
    model.save(tmp_path / "own.keras")
    again = keras.models.load_model(keras_file("dense_bn"))
    again.set_weights([np.zeros_like(w) for w in again.get_weights()])
    again.load_weights(tmp_path / "own.weights.h5")
    _assert_predicts_as_keras(again, "dense_bn")
    _assert_predicts_as_keras(keras.models.load_model(tmp_path / "own.keras"), "dense_bn")


# ----- Keras configs built here, in the layout Keras 3.15.1 writes -----
def _tensor(name, node=0, index=0):
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}


def _input(name, shape):
    return {"module": "keras.layers", "class_name": "InputLayer", "name": name,
            "config": {"batch_shape": [None, *shape], "dtype": "float32", "name": name},
            "registered_name": None, "inbound_nodes": []}


def _layer(class_name, name, calls, **config):
    """A layer's entry; `calls`: each call's arguments (a tensor, or a list of them)."""
    return {"module": "keras.layers", "class_name": class_name, "name": name,
            "config": dict(config, name=name), "registered_name": None,
            "inbound_nodes": [{"args": [args], "kwargs": {}} for args in calls]}


def _functional(name, layers, inputs, outputs):
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "registered_name": "Functional", "name": name,
            "config": {"name": name, "trainable": True, "layers": layers,
                       "input_layers": inputs, "output_layers": outputs}}


def test_a_nested_functional_model_as_an_output_is_found_by_keras_node_numbers():
    """Keras numbers a nested functional model's calls from 1 in output_layers (its node 0
    is the one it was made with) and from 0 in a call's arguments: `base(x)` and
    `base(base(x))` were refused (IndexError) before."""
    base = _functional("base", [_input("i", [3]), _layer("Dense", "d", [_tensor("i")], units=3)],
                       ["i", 0, 0], ["d", 0, 0])
    base["inbound_nodes"] = [{"args": [_tensor("x")], "kwargs": {"mask": None}},
                             {"args": [_tensor("base", 0)], "kwargs": {"mask": None}}]
    outer = _functional("outer", [_input("x", [3]), base], ["x", 0, 0],
                        [["base", 1, 0], ["base", 2, 0]])
    model = keras.models.model_from_json(json.dumps(outer))
    kernel, bias = np.eye(3, dtype=np.float32) * 2, np.ones(3, np.float32)
    model.set_weights([kernel, bias])
    once, twice = model.predict(np.ones((1, 3), np.float32), verbose=0)
    np.testing.assert_allclose(once, [[3, 3, 3]])
    np.testing.assert_allclose(twice, [[7, 7, 7]])


def test_a_call_the_config_lacks_is_named():
    outer = _functional("outer", [_input("x", [3]), _layer("Dense", "d", [_tensor("x")],
                                                           units=3)], ["x", 0, 0], ["d", 1, 0])
    with pytest.raises(ValueError, match=r"model input or output names output 0 of call 1 of "
                                         r"layer 'd', which makes 1 call"):
        keras.models.model_from_json(json.dumps(outer))


def _sequential(name, layers):
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": name, "trainable": True, "layers": layers}}


def test_an_adapted_discretization_is_made_by_its_from_config():
    """Keras writes an adapted layer's num_bins with the boundaries it learned, which its
    constructor refuses together and its from_config takes (refused before)."""
    config = _sequential("bins", [_input("x", [1]), _layer(
        "Discretization", "d", [], bin_boundaries=[-1.0, 0.0, 1.0], num_bins=4, epsilon=0.01,
        output_mode="int", sparse=False)])
    model = keras.models.model_from_json(json.dumps(config))
    bins = model.predict(np.array([[-2], [-0.5], [0.5], [3]], np.float32), verbose=0)
    np.testing.assert_array_equal(bins.ravel(), [0, 1, 2, 3])


# ----- hostile files: refused by name, before they cost memory -----
def _weights_edited(tmp_path, edit):
    """A copy of dense_bn.weights.h5 that `edit` (given the open h5py file) changed."""
    import h5py
    path = tmp_path / "edited.weights.h5"
    path.write_bytes(open(keras_file("dense_bn", ".weights.h5"), "rb").read())
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def _declare_huge(f):
    del f["layers/dense/vars/0"]  # (a chunked dataset never written costs no disk)
    f.create_dataset("layers/dense/vars/0", shape=(10**11,), dtype="float32", chunks=(1024,))


@pytest.mark.parametrize("edit, message", [
    (_declare_huge, r"layer 'dense' has 2 weights of shapes \[\(6, 8\), \(8,\)\]; the file "
                    r"holds 2 arrays of shapes \[\(100000000000,\), \(8,\)\]"),
    (lambda f: f.move("layers/dense/vars/1", "layers/dense/vars/5"),
     r"its '/layers/dense/vars' is not Keras' group of variables 0, 1, ... \(it holds "
     r"\['0', '5'\]\)"),
], ids=["declared_huge", "numbering_gap"])
def test_a_weights_file_is_checked_against_the_model_before_it_is_read(tmp_path, edit,
                                                                        message):
    model = keras.models.load_model(keras_file("dense_bn"))
    with pytest.raises(ValueError, match=r"edited.weights.h5.*" + message):
        model.load_weights(_weights_edited(tmp_path, edit))


def _with_member(tmp_path, member, data, compression=zipfile.ZIP_STORED):
    """A copy of dense_bn.keras whose `member` holds `data`."""
    path = tmp_path / "dense_bn_edited.keras"
    with zipfile.ZipFile(keras_file("dense_bn")) as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            new.writestr(name, data if name == member else old.read(name),
                         compress_type=compression if name == member else zipfile.ZIP_STORED)
    return path


def test_an_absurd_shape_is_refused_naming_the_file(tmp_path):
    path = rewritten(tmp_path, "dense_bn",
                      lambda c: _dense_of(c)["config"].update(units=10**11))
    with pytest.raises(ValueError, match=r"dense_bn_edited.keras: its config asks for arrays "
                                         r"larger than memory holds"):
        keras.models.load_model(path)


def test_a_config_nested_past_python_recursion_is_refused_naming_the_file(tmp_path):
    path = _with_member(tmp_path, "config.json", "[" * 100000 + "]" * 100000)
    with pytest.raises(ValueError, match=r"dense_bn_edited.keras is not a readable Keras file "
                                         r"\(RecursionError"):
        keras.models.load_model(path)


def test_an_archive_member_inflating_far_beyond_the_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("nn.stored_array.UNVOUCHED_FLOOR", 1 << 16)
    padded = json.dumps(json.load(zipfile.ZipFile(keras_file("dense_bn")).open(
        "config.json"))) + " " * (4 << 20)  # (deflates about 1000:1)
    path = _with_member(tmp_path, "config.json", padded, zipfile.ZIP_DEFLATED)
    with pytest.raises(ValueError, match=r"dense_bn_edited.keras: member 'config.json' would "
                                         r"inflate to \d+ bytes"):
        keras.models.load_model(path)


def _with_optimizer_updates(tmp_path, updates):
    """dense_bn.keras as Keras saves it after `updates` training steps (optimizer/vars/0 is
    its optimizer's iterations)."""
    import io

    import h5py
    with zipfile.ZipFile(keras_file("dense_bn")) as archive:
        weights = io.BytesIO(archive.read("model.weights.h5"))
    with h5py.File(weights, "r+") as f:  # (compiled, not trained: 0 updates)
        assert f["optimizer/vars/0"][()] == 0
        f["optimizer/vars/0"][()] = updates
    return _with_member(tmp_path, "model.weights.h5", weights.getvalue())


def test_an_optimizer_state_not_restored_is_said(tmp_path):
    """Keras resumes a trained model's optimizer (Adam's moments, a schedule's step) from
    the file, as rungrad does (test_keras_optimizer_state.py); a file whose variables are
    not those of the optimizer its config names (here: 7 updates, but no moments) starts
    afresh, which a warning says."""
    path = _with_optimizer_updates(tmp_path, 7)
    with pytest.warns(UserWarning, match=r"dense_bn_edited.keras holds the state of an "
                                         r"optimizer that made 7 updates, which rungrad does "
                                         r"not restore \(the file's optimizer has 2 variables, "
                                         r"where Keras' Adam of this model would have 14\)"):
        model = keras.models.load_model(path)
    assert model.compiled
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no optimizer asked for: nothing to say)
        keras.models.load_model(path, compile=False)
