"""model.save("m.keras") writes Keras' operations (keras.ops called on a functional model's
tensors: `x + y`, `x * 0.5`, `ops.mean(x, axis=1)`, `x[:, -1]`, nn.keras.layers.Operation)
as Keras 3.15.1 writes them (nn.keras.keras_operation_entries): among the model's layers in
Keras' order, by Keras' module and class name, their own arguments in the config, their
constants among the call's tensors, no weights of their own. The expected entries are
literals from the files real Keras wrote for the same models; rungrad reads its files back
as they were, and the Keras-written fixtures come back as Keras wrote them. An operation
whose Keras module is not known here keeps rungrad's own format, with a warning naming
it."""
import json
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.keras as keras
from nn.keras import ops
from nn.keras.keras_operation_entries import KERAS_OPERATION_MODULES

from ._keras_files import keras_file

h5py = pytest.importorskip("h5py")
L = keras.layers


def _two(shape=(3, 4)):
    return keras.Input(shape, name="x"), keras.Input(shape, name="y")


def _add():
    x, y = _two()
    return keras.Model([x, y], L.Dense(2)(x + y))


def _sub():
    x, y = _two()
    return keras.Model([x, y], x - y)


def _mul_scalar():
    x = keras.Input((3, 4))
    return keras.Model(x, L.Dense(3)(x) * 0.5)


def _div():
    x, y = _two()
    return keras.Model([x, y], x / (y * y + 1.0))


def _pow():
    x = keras.Input((3, 4))
    return keras.Model(x, x ** 2 + 2.0 ** x)


def _rsub():
    x = keras.Input((3, 4))
    return keras.Model(x, 2.0 - x)


def _matmul():
    x, y = _two()
    return keras.Model([x, y], x @ ops.transpose(y, (0, 2, 1)))


def _neg():
    x = keras.Input((4,))
    return keras.Model(x, L.Dense(3)(-x))


def _compare():
    x, y = _two()
    return keras.Model([x, y], [
        ops.cast(x > 0.5, "float32"), ops.cast(x < y, "float32"),
        ops.cast(x >= 0.0, "float32"), ops.cast(x <= y, "float32"),
        ops.where(ops.not_equal(x, y), x, 0.0), ops.cast(ops.equal(x, x), "float32")])


def _mean():
    x = keras.Input((3, 4))
    return keras.Model(x, ops.mean(L.Dense(4)(x), axis=1, keepdims=True))


def _sum():
    x = keras.Input((3, 4))
    return keras.Model(x, [ops.sum(x, axis=-1), ops.sum(x, axis=(1, 2))])


def _max():
    x = keras.Input((3, 4))
    return keras.Model(x, [ops.max(x, axis=1, keepdims=True), ops.min(x, axis=2)])


def _concat():
    x, y = _two()
    return keras.Model([x, y], ops.concatenate([L.Dense(2)(x), L.Dense(3)(y)], axis=-1))


def _stack():
    x, y = _two()
    return keras.Model([x, y], ops.stack([x, y], axis=1))


def _reshape():
    x = keras.Input((3, 4))
    return keras.Model(x, L.Dense(2)(ops.reshape(x, (-1, 4, 3))))


def _transpose():
    x = keras.Input((3, 4))
    return keras.Model(x, L.Dense(2)(ops.transpose(x, (0, 2, 1))))


def _expand():
    x = keras.Input((3, 4))
    return keras.Model(x, ops.expand_dims(x, 1))


def _last():
    x = keras.Input((3, 4))
    return keras.Model(x, L.Dense(2)(x[:, -1]))


def _ellipsis():
    x = keras.Input((3, 4))
    return keras.Model(x, x[..., :2])


def _slices():
    x = keras.Input((3, 4))
    return keras.Model(x, [x[:, 1:3], x[:, None, 1:], x[:, ::2, 1]])


def _residual():
    x = keras.Input((6,))
    h = L.Dense(6, activation="relu")(x)
    h = L.Dense(6)(h)
    return keras.Model(x, L.LayerNormalization()(ops.relu(x + h)))


def _unary():
    x = keras.Input((3, 4))
    return keras.Model(x, [ops.sqrt(ops.square(x) + 1.0), ops.abs(x), ops.exp(-ops.abs(x)),
                           ops.clip(x, -0.5, 0.5), ops.tanh(x), ops.softmax(x, axis=-1)])


def _math():
    x = keras.Input((3, 4))
    return keras.Model(x, [ops.logsumexp(x, axis=-1), ops.erf(x),
                           ops.rsqrt(ops.square(x) + 1.0),
                           ops.squeeze(ops.mean(x, axis=1, keepdims=True), axis=1)])


def _numpy_constant():
    x = keras.Input((4,))
    return keras.Model(x, x * np.array([1.0, 2.0, 3.0, 4.0], "float32") + 1)


def _masked():
    x = keras.Input((5,), dtype="int32")
    e = L.Embedding(10, 4, mask_zero=True)(x)
    return keras.Model(x, L.GlobalAveragePooling1D()(L.Add()([e, L.Dense(4)(e)])))


def _nested():
    i = keras.Input((4,))
    inner = keras.Model(i, L.Dense(4)(i) * 2.0 + 1.0, name="inner")
    x = keras.Input((4,))
    return keras.Model(x, L.Dense(2)(inner(x) - x), name="outer")


def _nested_sequential():
    seq = keras.Sequential([keras.Input((4,)), L.Dense(5), L.Dense(4)], name="seq")
    x = keras.Input((4,))
    return keras.Model(x, ops.mean(ops.stack([seq(x), x], axis=1), axis=1))


# Keras 3.15.1's entries of the operations of the same models, in its order: [keras.src.ops'
# submodule, class_name (registered_name too), config beside its name, name, the call's
# args (a tensor by the layer that made it)]; the outer input of a nested model is Keras'
# "input_layer_1" (numbered in its session; rungrad numbers per model: "input_layer")
BRIEF = {
    _add: [["numpy", "Add", {}, "add", ["x", "y"]]],
    _sub: [["numpy", "Subtract", {}, "subtract", ["x", "y"]]],
    _mul_scalar: [["numpy", "Multiply", {}, "multiply", ["dense", 0.5]]],
    _div: [["numpy", "Multiply", {}, "multiply", ["y", "y"]],
           ["numpy", "Add", {}, "add", ["multiply", 1.0]],
           ["numpy", "TrueDivide", {}, "true_divide", ["x", "add"]]],
    _pow: [["numpy", "Power", {}, "power", ["input_layer", 2]],
           ["numpy", "Power", {}, "power_1", [2.0, "input_layer"]],
           ["numpy", "Add", {}, "add", ["power", "power_1"]]],
    _rsub: [["numpy", "Subtract", {}, "subtract", [2.0, "input_layer"]]],
    _matmul: [["numpy", "Transpose", {"axes": [0, 2, 1]}, "transpose", ["y"]],
              ["numpy", "Matmul", {}, "matmul", ["x", "transpose"]]],
    _neg: [["numpy", "Negative", {}, "negative", ["input_layer"]]],
    _compare: [
        ["numpy", "Greater", {}, "greater", ["x", 0.5]],
        ["numpy", "Less", {}, "less", ["x", "y"]],
        ["numpy", "GreaterEqual", {}, "greater_equal", ["x", 0.0]],
        ["numpy", "LessEqual", {}, "less_equal", ["x", "y"]],
        ["numpy", "NotEqual", {}, "not_equal", ["x", "y"]],
        ["numpy", "Equal", {}, "equal", ["x", "x"]],
        ["core", "Cast", {"dtype": "float32"}, "cast", ["greater"]],
        ["core", "Cast", {"dtype": "float32"}, "cast_1", ["less"]],
        ["core", "Cast", {"dtype": "float32"}, "cast_2", ["greater_equal"]],
        ["core", "Cast", {"dtype": "float32"}, "cast_3", ["less_equal"]],
        ["numpy", "Where", {}, "where", ["not_equal", "x", 0.0]],
        ["core", "Cast", {"dtype": "float32"}, "cast_4", ["equal"]]],
    _mean: [["numpy", "Mean", {"axis": 1, "keepdims": True}, "mean", ["dense"]]],
    _sum: [["numpy", "Sum", {"axis": -1, "keepdims": False}, "sum", ["input_layer"]],
           ["numpy", "Sum", {"axis": [1, 2], "keepdims": False}, "sum_1", ["input_layer"]]],
    _max: [["numpy", "Max", {"axis": 1, "keepdims": True, "initial": None}, "max",
            ["input_layer"]],
           ["numpy", "Min", {"axis": 2, "keepdims": False, "initial": None}, "min",
            ["input_layer"]]],
    _concat: [["numpy", "Concatenate", {"axis": -1}, "concatenate", [["dense", "dense_1"]]]],
    _stack: [["numpy", "Stack", {"axis": 1}, "stack", [["x", "y"]]]],
    _reshape: [["numpy", "Reshape", {"newshape": [-1, 4, 3]}, "reshape", ["input_layer"]]],
    _transpose: [["numpy", "Transpose", {"axes": [0, 2, 1]}, "transpose", ["input_layer"]]],
    _expand: [["numpy", "ExpandDims", {"axis": 1}, "expand_dims", ["input_layer"]]],
    _last: [["numpy", "GetItem", {}, "get_item", ["input_layer", [
        {"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}},
        -1]]]],
    _ellipsis: [["numpy", "GetItem", {}, "get_item", ["input_layer", [
        {"class_name": "__ellipsis__", "config": {}},
        {"class_name": "__slice__", "config": {"start": None, "stop": 2, "step": None}}]]]],
    _residual: [["numpy", "Add", {}, "add", ["input_layer", "dense_1"]],
                ["nn", "Relu", {}, "relu", ["add"]]],
    _unary: [
        ["numpy", "Square", {}, "square", ["input_layer"]],
        ["numpy", "Absolute", {}, "absolute_1", ["input_layer"]],
        ["numpy", "Add", {}, "add", ["square", 1.0]],
        ["numpy", "Negative", {}, "negative", ["absolute_1"]],
        ["numpy", "Sqrt", {}, "sqrt", ["add"]],
        ["numpy", "Absolute", {}, "absolute", ["input_layer"]],
        ["numpy", "Exp", {}, "exp", ["negative"]],
        ["numpy", "Clip", {"x_min": -0.5, "x_max": 0.5}, "clip", ["input_layer"]],
        ["numpy", "Tanh", {}, "tanh", ["input_layer"]],
        ["nn", "Softmax", {"axis": -1}, "softmax", ["input_layer"]]],
    _math: [
        ["numpy", "Square", {}, "square", ["input_layer"]],
        ["numpy", "Add", {}, "add", ["square", 1.0]],
        ["numpy", "Mean", {"axis": 1, "keepdims": True}, "mean", ["input_layer"]],
        ["math", "Logsumexp", {"axis": -1, "keepdims": False}, "logsumexp", ["input_layer"]],
        ["math", "Erf", {}, "erf", ["input_layer"]],
        ["math", "Rsqrt", {}, "rsqrt", ["add"]],
        ["numpy", "Squeeze", {"axis": 1}, "squeeze", ["mean"]]],
    _nested: [["numpy", "Subtract", {}, "subtract", ["inner", "input_layer"]]],
    _nested_sequential: [
        ["numpy", "Stack", {"axis": 1}, "stack", [["seq", "input_layer"]]],
        ["numpy", "Mean", {"axis": 1, "keepdims": False}, "mean", ["stack"]]],
}


def _tensor(shape, history):
    return {"class_name": "__keras_tensor__", "config": {
        "shape": shape, "dtype": "float32", "keras_history": history}}


def _slice(start, stop, step):
    return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}


# whole entries of Keras 3.15.1's files, as they are
KERAS_ENTRIES = {
    _slices: [
        {"module": "keras.src.ops.numpy", "class_name": "GetItem",
         "config": {"name": "get_item"}, "registered_name": "GetItem", "name": "get_item",
         "inbound_nodes": [{"args": [_tensor([None, 3, 4], ["input_layer", 0, 0]),
                                     [_slice(None, None, None), _slice(1, 3, None)]],
                            "kwargs": {}}]},
        {"module": "keras.src.ops.numpy", "class_name": "GetItem",
         "config": {"name": "get_item_1"}, "registered_name": "GetItem", "name": "get_item_1",
         "inbound_nodes": [{"args": [_tensor([None, 3, 4], ["input_layer", 0, 0]),
                                     [_slice(None, None, None), None, _slice(1, None, None)]],
                            "kwargs": {}}]},
        {"module": "keras.src.ops.numpy", "class_name": "GetItem",
         "config": {"name": "get_item_2"}, "registered_name": "GetItem", "name": "get_item_2",
         "inbound_nodes": [{"args": [_tensor([None, 3, 4], ["input_layer", 0, 0]),
                                     [_slice(None, None, None), _slice(None, None, 2), 1]],
                            "kwargs": {}}]}],
    _numpy_constant: [
        {"module": "keras.src.ops.numpy", "class_name": "Multiply",
         "config": {"name": "multiply"}, "registered_name": "Multiply", "name": "multiply",
         "inbound_nodes": [{"args": [
             _tensor([None, 4], ["input_layer", 0, 0]),
             {"class_name": "__numpy__", "config": {"value": [1.0, 2.0, 3.0, 4.0],
                                                    "dtype": "float32"}}], "kwargs": {}}]},
        {"module": "keras.src.ops.numpy", "class_name": "Add", "config": {"name": "add"},
         "registered_name": "Add", "name": "add",
         "inbound_nodes": [{"args": [_tensor([None, 4], ["multiply", 0, 0]), 1],
                            "kwargs": {}}]}],
    _mean: [
        {"module": "keras.src.ops.numpy", "class_name": "Mean",
         "config": {"name": "mean", "axis": 1, "keepdims": True}, "registered_name": "Mean",
         "name": "mean",
         "inbound_nodes": [{"args": [_tensor([None, 3, 4], ["dense", 0, 0])], "kwargs": {}}]}],
}
# Keras' order of the layers of one model of many operations (its file's names)
ORDER = ["x", "y", "add", "multiply", "negative", "get_item", "transpose_1", "mean", "dense",
         "get_item_1", "get_item_2", "concatenate", "stack", "reshape", "transpose",
         "expand_dims", "subtract", "power", "matmul", "greater", "get_item_3"]
# Keras' HDF5 of the residual and nested models: no group of an operation
KERAS_DATASETS = {
    _residual: ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0",
                "layers/dense_1/vars/1", "layers/input_layer/vars",
                "layers/layer_normalization/vars/0", "layers/layer_normalization/vars/1",
                "vars"],
    _nested: ["layers/dense/vars/0", "layers/dense/vars/1",
              "layers/functional/layers/dense/vars/0",
              "layers/functional/layers/dense/vars/1",
              "layers/functional/layers/input_layer/vars", "layers/functional/vars",
              "layers/input_layer/vars", "vars"],
}
# what the Keras-written fixtures' operations come back as where rungrad's reader made
# them explicit: Squeeze's axis None as the unit axes of its input, arguments Keras' call
# gave by keyword at their positions (Keras reads both alike)
REREAD = {("keras_ops", "squeeze_1"): "config", ("numpy_ops", "average"): "kwargs",
          ("numpy_ops", "pad_4"): "kwargs", ("numpy_ops", "rms_norm"): "kwargs"}
FIXTURES = ["keras_ops", "masked_attention", "masked_merges", "more_ops", "numpy_ops",
            "slicing"]
MODELS = list(BRIEF) + [_slices, _numpy_constant, _masked]


def _saved(model, path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no fallback to rungrad's format)
        model.save(path)
    return json.loads(zipfile.ZipFile(path).read("config.json"))


def _operations(config):
    """The operation entries of a model's config, a nested model's too, in its order."""
    found = []
    for entry in config["config"]["layers"]:
        if entry["module"].startswith("keras.src.ops."):
            found.append(entry)
        if entry["class_name"] == "Functional":
            found += _operations(entry)
    return found


def _history(arg):
    if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
        return arg["config"]["keras_history"][0]
    if isinstance(arg, list) and arg and all(_history(item) != item for item in arg):
        return [_history(item) for item in arg]
    return arg


def _brief(entry):
    assert entry["registered_name"] == entry["class_name"]
    assert entry["config"]["name"] == entry["name"]
    assert len(entry["inbound_nodes"]) == 1 and entry["inbound_nodes"][0]["kwargs"] == {}
    return [entry["module"].removeprefix("keras.src.ops."), entry["class_name"],
            {k: v for k, v in entry["config"].items() if k != "name"}, entry["name"],
            [_history(arg) for arg in entry["inbound_nodes"][0]["args"]]]


def _outer(config):
    return [e for e in config["config"]["layers"] if e["module"].startswith("keras.src.ops.")]


def _inputs(model, seed=0):
    rng = np.random.default_rng(seed)
    xs = [rng.integers(0, 10, (2,) + tuple(t.shape[1:])).astype(np.int32)
          if np.dtype(t.dtype).kind == "i" else
          rng.normal(size=(2,) + tuple(t.shape[1:])).astype(np.float32)
          for t in model.inputs]
    return xs if len(xs) > 1 else xs[0]


def _predictions(model, x):
    out = model.predict(x, verbose=0)
    return out if isinstance(out, list) else [out]


@pytest.mark.parametrize("make", list(BRIEF), ids=lambda f: f.__name__.strip("_"))
def test_operations_are_written_as_keras_writes_them(make, tmp_path):
    config = _saved(make(), tmp_path / "m.keras")
    assert [_brief(entry) for entry in _outer(config)] == BRIEF[make]


@pytest.mark.parametrize("make", list(KERAS_ENTRIES), ids=lambda f: f.__name__.strip("_"))
def test_whole_entries_are_keras_own(make, tmp_path):
    assert _operations(_saved(make(), tmp_path / "m.keras")) == KERAS_ENTRIES[make]


def test_operations_come_among_the_layers_in_keras_order(tmp_path):
    x, y = _two()
    m = ops.mean(-((x + y) * 0.5), axis=1, keepdims=True)
    d = L.Dense(4)(x[:, -1])
    outputs = [m, d, x[..., :2], x[:, 1:3], ops.concatenate([x, y], axis=-1),
               ops.stack([x, y], axis=1), ops.reshape(x, (4, 3)), ops.transpose(x, (0, 2, 1)),
               ops.expand_dims(x, 1), 2.0 - x, x ** 2, x @ ops.transpose(y, (0, 2, 1)),
               x > 0.5, x[0]]
    config = _saved(keras.Model([x, y], outputs), tmp_path / "m.keras")
    assert [entry["name"] for entry in config["config"]["layers"]] == ORDER
    assert "build_config" not in config["config"]["layers"][ORDER.index("mean")]


@pytest.mark.parametrize("make", list(KERAS_DATASETS), ids=lambda f: f.__name__.strip("_"))
def test_operations_hold_no_weights(make, tmp_path):
    _saved(make(), tmp_path / "m.keras")
    found = []
    with zipfile.ZipFile(tmp_path / "m.keras") as archive, \
            h5py.File(archive.open("model.weights.h5"), "r") as store:
        store.visititems(lambda name, item: found.append(name) if isinstance(
            item, h5py.Dataset) or (name.endswith("vars") and not len(item)) else None)
    assert found == KERAS_DATASETS[make]


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__.strip("_"))
def test_the_files_read_back_as_they_were(make, tmp_path):
    model = make()
    x = _inputs(model)
    config = _saved(model, tmp_path / "m.keras")
    back = nn.load_model(tmp_path / "m.keras")
    for a, b in zip(_predictions(model, x), _predictions(back, x), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.get_weights(), back.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert _saved(back, tmp_path / "again.keras") == config


@settings(max_examples=15, deadline=None)
@given(axis=st.sampled_from([1, 2, -1, [1, 2], [-1]]), keepdims=st.booleans(),
       factor=st.floats(-4, 4, allow_nan=False, width=32),
       stop=st.integers(-3, 3), step=st.sampled_from([None, 1, 2]))
def test_arguments_and_constants_are_written_by_value(axis, keepdims, factor, stop, step):
    import tempfile
    x = keras.Input((3, 4))
    out = ops.mean(x[:, :stop:step] * factor, axis=axis, keepdims=keepdims)
    model = keras.Model(x, out)
    with tempfile.TemporaryDirectory() as folder:
        config = _saved(model, f"{folder}/m.keras")
        back = nn.load_model(f"{folder}/m.keras")
        x_ = _inputs(model, seed=stop + 5)
        np.testing.assert_array_equal(model.predict(x_, verbose=0), back.predict(x_, verbose=0))
    get_item, multiply, mean = _operations(config)
    assert get_item["inbound_nodes"][0]["args"][1] == [_slice(None, None, None),
                                                       _slice(None, stop, step)]
    assert multiply["inbound_nodes"][0]["args"][1] == factor
    assert mean["config"] == {"name": "mean", "axis": axis, "keepdims": keepdims}


@pytest.mark.parametrize("name", FIXTURES)
def test_keras_written_operations_come_back_as_keras_wrote_them(name, tmp_path):
    """Keras' own files (masks' NotEqual, LogicalOr, Any... among them) read and written
    again: each operation's entry as Keras wrote it, the layers in its order."""
    with zipfile.ZipFile(keras_file(name)) as archive:
        original = json.loads(archive.read("config.json"))
    config = _saved(nn.load_model(keras_file(name)), tmp_path / "m.keras")
    assert [e["name"] for e in config["config"]["layers"]] == \
        [e["name"] for e in original["config"]["layers"]]
    written = {entry["name"]: entry for entry in _operations(config)}
    assert written.keys() == {entry["name"] for entry in _operations(original)}
    for entry in _operations(original):
        again = written[entry["name"]]
        part = REREAD.get((name, entry["name"]))
        if part is None:
            assert again == entry
        elif part == "config":
            assert entry["config"]["axis"] is None and again["config"]["axis"] == [1, 2]
        else:  # (the keyword's value at its position; the tensors as they were)
            node, kept = entry["inbound_nodes"][0], again["inbound_nodes"][0]
            assert kept["kwargs"] == {} and node["kwargs"]
            assert kept["args"][:len(node["args"])] == node["args"]
            assert kept["args"][-1] == list(node["kwargs"].values())[-1]


def test_an_operation_without_a_known_keras_module_keeps_rungrads_format(monkeypatch,
                                                                         tmp_path):
    monkeypatch.delitem(KERAS_OPERATION_MODULES, "Mean")
    model = _mean()
    x = _inputs(model)
    with pytest.warns(UserWarning, match=r"rungrad's own format.*keras.ops' Mean "
                      r"\(operation 'mean' \(Mean\)\), whose Keras module is not known"):
        model.save(tmp_path / "m.keras")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()
    back = nn.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.predict(x, verbose=0), back.predict(x, verbose=0))


def test_every_operation_rungrad_knows_has_its_keras_module():
    from nn.keras.operations import OPERATIONS
    assert set(KERAS_OPERATION_MODULES) == set(OPERATIONS)
    assert {KERAS_OPERATION_MODULES[name] for name in ("Add", "Erf", "Relu", "Cast", "Det",
                                                         "Resize", "Rearrange")} == {
        f"keras.src.ops.{part}" for part in ("numpy", "math", "nn", "core", "linalg",
                                             "image", "einops")}


def test_a_data_format_left_none_is_written_resolved_as_keras_ops_give_it(tmp_path):
    x = keras.Input((6, 6, 3))
    config = _saved(keras.Model(x, ops.adaptive_average_pool(x, (4, 3))), tmp_path / "m.keras")
    assert _operations(config)[0]["config"] == {  # (Keras 3.15.1's entry)
        "name": "adaptive_average_pool", "output_size": [4, 3], "data_format": "channels_last"}


def test_a_list_of_lists_among_the_constants_is_written_and_read_back(tmp_path):
    """Keras writes Take's nested indices as they are, and rungrad's reader of Keras' files
    takes them (it refused a list of lists, Keras' own file of such a model too)."""
    x = keras.Input((8,))
    model = keras.Model(x, ops.take(x, [[1, 4], [7, 0]], axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no fallback to rungrad's format)
        model.save(tmp_path / "m.keras")
    take = _operations(json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json")))[0]
    assert take["inbound_nodes"][0]["args"][1] == [[1, 4], [7, 0]]
    back = nn.load_model(tmp_path / "m.keras")
    data = _inputs(model)
    np.testing.assert_array_equal(model.predict(data, verbose=0), back.predict(data, verbose=0))
