"""Keras 3 files whose functional config lists Keras' operations among its layers (real Keras
3.15.1, tests/nn/keras/data/make_keras_files.py): the masks Keras computes through merge and
attention layers (NotEqual, LogicalOr, ExpandDims, ZerosLike, Concatenate, Any,
ConvertToTensor, and the mask= they give the layers after them), and keras.ops called on a
model's tensors, slices of them too (GetItem). Each is read as an nn.keras Operation and
predicts as Keras did; an operation rungrad lacks is refused by name."""
import os

import numpy as np
import pytest

import nn.keras as keras
from autograd.variable import Variable
from nn.keras import layers

from ._keras_files import DATA, archive_weights, keras_file, reference_inputs, rewritten

pytest.importorskip("h5py")

REFERENCE = np.load(os.path.join(DATA, "operations.npz"))
MODELS = ("masked_merges", "masked_attention", "keras_ops", "slicing")


def _assert_predicts_as_keras(model, name):
    """Every output as Keras', in its dtype (booleans and integers exactly)."""
    predicted = model.predict(reference_inputs(REFERENCE, name), verbose=0)
    expected = [REFERENCE[f"{name}/y{i}"] for i in range(len(predicted))]
    assert len(predicted) == sum(key.startswith(f"{name}/y") for key in REFERENCE.files)
    for i, (got, want) in enumerate(zip(predicted, expected)):
        got = np.asarray(got)
        assert got.dtype == want.dtype and got.shape == want.shape, (i, got.dtype, got.shape)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"output {i}")


def _operation_of(config, class_name):
    return next(entry for entry in config["config"]["layers"]
                if entry["class_name"] == class_name and entry["module"].startswith(
                    "keras.src.ops"))


@pytest.mark.parametrize("name", MODELS)
def test_a_keras_archive_with_operations_predicts_as_keras(name):
    model = keras.models.load_model(keras_file(name))
    _assert_predicts_as_keras(model, name)
    assert model.count_params() == int(REFERENCE[f"{name}/count_params"])


@pytest.mark.parametrize("name", MODELS)
def test_keras_json_with_operations_rebuilds_the_model(name, tmp_path):
    with open(keras_file(name, ".json")) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(archive_weights(name, tmp_path))
    _assert_predicts_as_keras(model, name)


@pytest.mark.parametrize("name", MODELS)
def test_saved_by_rungrad_loaded_and_saved_again_it_still_predicts(name, tmp_path):
    model = keras.models.load_model(keras_file(name))
    for round_ in range(2):
        model.save(tmp_path / f"again{round_}.keras")
        model = keras.models.load_model(tmp_path / f"again{round_}.keras")
    _assert_predicts_as_keras(model, name)


def test_the_mask_is_dropped_by_an_operation_as_keras_drops_it():
    """masked_merges' last output pools ops.multiply(embedded, 2): over every step, the
    padding too, where its second pools over the real steps only."""
    model = keras.models.load_model(keras_file("masked_merges"))
    tokens = reference_inputs(REFERENCE, "masked_merges")
    embedded = model.get_layer("embedding")(tokens).data
    _, _, pooled, _ = model.predict(tokens, verbose=0)
    np.testing.assert_allclose(pooled, 2 * embedded.mean(axis=1), rtol=1e-6)
    assert not np.allclose(pooled, 2 * embedded[:, :2].mean(axis=1))


def test_operations_are_no_layers_of_keras_list_but_the_summary_shows_them(capsys):
    model = keras.models.load_model(keras_file("masked_attention"))
    assert [layer.name for layer in model.layers] == [
        "tokens", "embedding", "attention", "mha", "pool", "lstm"]
    model.summary()
    shown = capsys.readouterr().out
    assert "not_equal_1 (NotEqual)" in shown and "(ConvertToTensor)" in shown


def test_an_operation_is_a_node_of_a_model_made_in_code(tmp_path):
    x = keras.Input(shape=(3, 4))
    mean = layers.Operation("Mean", {"axis": 1})(x)
    out = layers.Operation("Where", constants=[[2, 0.0]])(
        layers.Operation("Greater", constants=[[1, 0]])(mean), mean)
    model = keras.Model(x, out)
    batch = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict(batch, verbose=0),
                               np.maximum(batch.mean(axis=1), 0), rtol=1e-6)
    model.save(tmp_path / "ops.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "ops.keras").predict(
        batch, verbose=0), np.maximum(batch.mean(axis=1), 0), rtol=1e-6)


def test_a_mask_given_by_keyword_is_the_layers_mask_saved_and_loaded(tmp_path):
    """pool(x, mask=tensor), as Keras' files record the masks they pass (LSTM's after its
    training=): kept a keyword, the mask the layer is given, saved as a tensor."""
    tokens = keras.Input(shape=(4,), dtype="int32")
    embedded = layers.Embedding(5, 2)(tokens)  # (no mask of its own)
    real = layers.Operation("NotEqual", constants=[[1, 0]])(tokens)
    model = keras.Model(tokens, [layers.GlobalAveragePooling1D()(embedded, mask=real),
                                 layers.LSTM(2)(embedded, training=False, mask=real)])
    batch = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], dtype=np.int32)
    vectors = model.layers[1](batch).data
    pooled, _ = model.predict(batch, verbose=0)
    np.testing.assert_allclose(pooled, [vectors[0, :2].mean(0), vectors[1, 0]], rtol=1e-6)
    model.save(tmp_path / "masked.keras")
    again = keras.models.load_model(tmp_path / "masked.keras").predict(batch, verbose=0)
    for ours, theirs in zip(again, model.predict(batch, verbose=0), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_an_operation_called_on_too_few_tensors_says_so():
    where = layers.Operation("Where", constants=[[2, 0.0]])
    with pytest.raises(TypeError, match=r"Operation 'Where': its constants at positions \[2\] "
                                        r"leave 2 position\(s\) before them to tensors; "
                                        r"called on 1"):
        where(keras.Input(shape=(3,)))


@pytest.mark.parametrize("edit, message", [
    (lambda c: _operation_of(c, "Mean").update(class_name="Stft", registered_name="Stft"),
     r"Operation 'Stft' \('mean_1'\): Keras' operation 'Stft' has no counterpart in "
     r"rungrad \(it reads Absolute, AdaptiveAveragePool, AdaptiveMaxPool, Add, "),
    (lambda c: _operation_of(c, "Mean")["config"].update(dtype="float16"),
     r"Keras' operation 'Mean' given the arguments \['dtype'\], which rungrad's does not "
     r"take"),
    (lambda c: _operation_of(c, "Cast")["config"].update(sparse=True),
     r"Operation 'Cast' \('cast'\): sparse and ragged tensors are not supported"),
    (lambda c: _operation_of(c, "Multiply")["inbound_nodes"][0]["args"].__setitem__(
        1, {"class_name": "__numpy__", "config": {"value": [2.0], "dtype": "complex64"}}),
     r"the operation Multiply 'multiply_1': its constant argument array\(\[2.\+0.j\], "
     r"dtype=complex64\) \(ndarray\) is not one rungrad reads"),
], ids=["operation", "argument", "argument_value", "constant"])
def test_what_rungrad_lacks_is_refused_by_name(tmp_path, edit, message):
    with pytest.raises(ValueError, match=r"keras_ops_edited.keras: .*" + message):
        keras.models.load_model(rewritten(tmp_path, "keras_ops", edit))


def _get_item_key(config, name):
    """The key argument of the GetItem call `name` in a config (edited in place)."""
    entry = next(e for e in config["config"]["layers"] if e["name"] == name)
    return entry["inbound_nodes"][0]["args"]


def test_a_slice_of_a_keras_tensor_is_differentiable():
    """slicing's first output is Dense(x[:, -1, :]): the gradient of its sum reaches the
    last step of x only, as the kernel's row sums."""
    model = keras.models.load_model(keras_file("slicing"))
    x = Variable(reference_inputs(REFERENCE, "slicing"), requires_grad=True)
    model(x)[0].sum().backward()
    expected = np.zeros_like(x.data)
    expected[:, -1, :] = model.get_layer("last").kernel.data.sum(axis=1)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-6)


def test_a_slice_made_in_code_saves_its_key_by_value(tmp_path):
    x = keras.Input(shape=(4, 6))
    key = [Ellipsis, slice(np.int64(1), None, 2), None]  # (a NumPy int written as JSON's)
    model = keras.Model(x, layers.Operation("GetItem", constants=[[1, key]])(x))
    batch = np.arange(48, dtype=np.float32).reshape(2, 4, 6)
    model.save(tmp_path / "sliced.keras")
    again = keras.models.load_model(tmp_path / "sliced.keras")
    np.testing.assert_array_equal(again.predict(batch, verbose=0), batch[..., 1::2, None])


_TENSOR = {"class_name": "__keras_tensor__",
           "config": {"shape": [None, 4, 6], "dtype": "float32", "keras_history": ["x", 0, 0]}}


@pytest.mark.parametrize("edit, message", [
    (lambda c: _get_item_key(c, "get_item")[1].__setitem__(1, 1.5),
     r"Operation 'GetItem' \('get_item'\): the key \[slice\(None, None, None\), 1.5, "
     r"slice\(None, None, None\)\] indexes by 1.5 \(float\); rungrad reads ints, slices of "
     r"ints, Ellipsis and None"),
    (lambda c: _get_item_key(c, "get_item_2")[1][1]["config"].update(stop="end"),
     r"Operation 'GetItem' \('get_item_2'\): the key \[Ellipsis, slice\(1, 'end', None\)\] "
     r"indexes by slice\(1, 'end', None\) \(slice\)"),
    (lambda c: _get_item_key(c, "get_item_1").__setitem__(1, _TENSOR),
     r"Operation 'GetItem' \('get_item_1'\): the key <a tensor of shape \(1, 4, 6\)> "
     r"indexes by <a tensor of shape \(1, 4, 6\)> \(a gather by indices the model computes\)"),
    (lambda c: _get_item_key(c, "get_item_1")[1].__setitem__(1, _TENSOR),
     r"the operation GetItem 'get_item_1': an argument mixes the model's tensors with other "
     r"values"),
], ids=["float", "slice_bound", "tensor_key", "tensor_in_key"])
def test_a_key_rungrad_does_not_index_by_is_refused_by_name(tmp_path, edit, message):
    with pytest.raises(ValueError, match=r"slicing_edited.keras: .*" + message):
        keras.models.load_model(rewritten(tmp_path, "slicing", edit))


def test_more_of_keras_ops_saved_by_keras_give_keras_outputs():
    """Std, Clip, Gelu, Einsum, OneHot of Argmax, Cumsum, LeakyRelu, Logsumexp, Stack,
    Softplus, LogSoftmax, Round, Tile, Rsqrt, Prod, Expm1 and Sin, as Keras 3 saved and ran
    them (tests/nn/keras/data/make_keras_more_ops.py)."""
    model = keras.models.load_model(os.path.join(DATA, "more_ops.keras"))
    saved = np.load(os.path.join(DATA, "more_ops.npz"))
    outputs = model(saved["x"])
    assert len(outputs) == 8
    for i, output in enumerate(outputs):
        np.testing.assert_allclose(output.data, saved[f"output_{i}"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"output {i}")
