"""Keras 2's HDF5 weights files (`layer_names` / `weight_names`, as Keras 3.15.1's
legacy_h5_format.save_weights_to_hdf5_group and the ImageNet releases write them), read by
model.load_weights: by the order of the layers holding weights, or by name. The files are
written here with h5py in that layout; the weights are those of the models real Keras saved
(tests/nn/keras/data/keras_files), whose predictions rungrad must then give."""
import os

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

from ._keras_files import DATA, keras_file, reference_inputs

h5py = pytest.importorskip("h5py")

REFERENCE = np.load(os.path.join(DATA, "predictions.npz"))
# Keras' variable names, in the legacy order (trainable, then non-trainable)
KERAS_NAMES = {
    "Dense": ["kernel", "bias"], "Conv2D": ["kernel", "bias"], "Embedding": ["embeddings"],
    "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"],
    "LSTM": ["lstm_cell/kernel", "lstm_cell/recurrent_kernel", "lstm_cell/bias"],
    "GRU": ["gru_cell/kernel", "gru_cell/recurrent_kernel", "gru_cell/bias"],
}


def write_legacy(path, saved, keras2=False, whole_model=False, chunks=1):
    """A legacy weights file: `saved` is [(layer name, [(weight name, array)])] in the
    model's layer order. As Keras 3 writes it (names as a list of bytes), or keras2=True as
    tf.keras did (fixed-length bytes, names ending ':0'); whole_model: below
    `model_weights`, as model.save('m.h5') puts them; chunks > 1: layer_names split over
    layer_names0, layer_names1, ... as Keras splits a long attribute."""
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = b"tensorflow" if keras2 else b"torch"
        root = f.create_group("model_weights") if whole_model else f
        names = [name.encode() for name, _ in saved]
        if chunks == 1:
            root.attrs["layer_names"] = np.array(names, dtype="S") if keras2 else names
        for i, chunk in enumerate(np.array_split(np.array(names, dtype="S"), chunks)
                                  if chunks > 1 else []):
            root.attrs[f"layer_names{i}"] = chunk
        root.attrs["keras_version"] = b"2.13.1" if keras2 else b"3.15.1"
        for name, weights in sorted(saved, key=lambda item: item[0]):  # (Keras sorts them)
            group = root.create_group(name)
            weight_names = [(w + ":0" if keras2 else w).encode() for w, _ in weights]
            group.attrs["weight_names"] = (
                (np.array(weight_names, dtype="S") if keras2 else weight_names) if weight_names
                else np.zeros(0))  # (Keras' empty list: an empty float array)
            for weight_name, (_, array) in zip(weight_names, weights):
                group.create_dataset(weight_name.decode(), data=array)
        if not keras2:
            root.create_group("top_level_model_weights").attrs["weight_names"] = np.zeros(0)
    return path


def saved_layers(model, prefix="sequential"):
    """[(layer name, [(Keras' weight path, array)])] of each layer of a model whose
    get_weights order is Keras' legacy order (no nested BatchNormalization)."""
    return [(layer.name, [(f"{prefix}/{layer.name}/{w}", a) for w, a in
                          zip(KERAS_NAMES.get(type(layer).__name__, _numbered(layer)),
                              layer.get_weights())])
            for layer in model.layers]


def _numbered(layer):
    return [f"{layer.name}/vars_{i}" for i in range(len(layer.get_weights()))]


def keras_weights_of(name):
    """The layers' weights of the model real Keras saved as `name`.keras."""
    return saved_layers(keras.models.load_model(keras_file(name)))


def fresh(name):
    with open(keras_file(name, ".json")) as f:
        return keras.models.model_from_json(f.read())


def assert_predicts_as_keras(model, name):
    np.testing.assert_allclose(model.predict(reference_inputs(REFERENCE, name), verbose=0),
                               REFERENCE[f"{name}/y"], rtol=1e-5, atol=1e-6)


# ----- what loads -----
@pytest.mark.parametrize("name", ["dense_bn", "cnn", "recurrent", "branched", "nested"])
def test_a_legacy_file_loads_by_layer_order_and_predicts_as_keras(name, tmp_path):
    path = write_legacy(tmp_path / f"{name}.h5", keras_weights_of(name))
    model = fresh(name)
    model.load_weights(path)
    assert_predicts_as_keras(model, name)


@pytest.mark.parametrize("options", [{"keras2": True}, {"whole_model": True},
                                     {"chunks": 3}, {"keras2": True, "whole_model": True}])
def test_tf_keras_files_whole_model_files_and_split_names_load_too(options, tmp_path):
    path = write_legacy(tmp_path / "dense_bn.h5", keras_weights_of("dense_bn"), **options)
    model = fresh("dense_bn")
    model.load_weights(path)
    assert_predicts_as_keras(model, "dense_bn")


def test_the_format_is_told_by_content_not_by_suffix(tmp_path):
    path = write_legacy(tmp_path / "weights_without_suffix", keras_weights_of("cnn"))
    model = fresh("cnn")
    keras.saving.load_weights(model, path)
    assert_predicts_as_keras(model, "cnn")


def _values(shape, k):
    """Deterministic weights (the same formula gave Keras its)."""
    return (np.sin(np.arange(int(np.prod(shape))) * 0.7 + k) * 0.5).astype(
        np.float32).reshape(shape)


# Keras 3.15.1's predictions for _conv_model() with those weights, on _values((2, 5, 5, 2), 9)
KERAS_CONV_PREDICTIONS = [[0.570073, 0.670581], [0.658614, 0.740741]]


def test_a_functional_conv_model_from_a_tf_keras_file_predicts_as_keras(tmp_path):
    """As an ImageNet release: Keras 2 names ('c1/kernel:0'), a BatchNormalization whose
    moving statistics count, layers without weights in layer_names too."""
    x = keras.Input((5, 5, 2))
    h = layers.BatchNormalization(name="bn")(layers.Conv2D(3, 3, name="c1")(x))
    model = keras.Model(x, layers.Dense(2, name="head")(
        layers.GlobalAveragePooling2D(name="gap")(h)))
    w = [_values((3, 3, 2, 3), 1), _values((3,), 2), 1 + _values((3,), 3), _values((3,), 4),
         _values((3,), 5), 1.5 + _values((3,), 6), _values((3, 2), 7), _values((2,), 8)]
    saved = [("input_1", []), ("c1", [("c1/kernel", w[0]), ("c1/bias", w[1])]),
             ("bn", [(f"bn/{name}", a) for name, a in zip(KERAS_NAMES["BatchNormalization"],
                                                          w[2:6])]),
             ("gap", []), ("head", [("head/kernel", w[6]), ("head/bias", w[7])])]
    model.load_weights(write_legacy(tmp_path / "conv.h5", saved, keras2=True))
    np.testing.assert_allclose(model.predict(_values((2, 5, 5, 2), 9), verbose=0),
                               KERAS_CONV_PREDICTIONS, atol=2e-6)


def _nested_model():
    """A functional model holding a Sequential Dense-BatchNormalization-Dense ('inner'),
    its layers named so that their alphabetical order is not the model's."""
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(6, name="z_dense"),
                              layers.BatchNormalization(name="m_norm"),
                              layers.Dense(3, name="a_dense")], name="inner")
    x = keras.Input((4,))
    return keras.Model(x, layers.Dense(2, name="b_head")(inner(x)))


def test_a_nested_model_takes_keras_legacy_order(tmp_path):
    """Keras writes a nested model's weights as its trainable ones (the Dense layers' and
    BatchNormalization's gamma and beta), then its non-trainable ones (the moving
    statistics): not get_weights' order."""
    rng = np.random.default_rng(1)
    model = _nested_model()
    shapes = {"z/k": (4, 6), "z/b": (6,), "m/g": (6,), "m/be": (6,), "a/k": (6, 3),
              "a/b": (3,), "m/mean": (6,), "m/var": (6,)}  # (Keras' legacy order)
    values = {key: rng.normal(size=shape).astype(np.float32) for key, shape in shapes.items()}
    head = [rng.normal(size=(3, 2)).astype(np.float32), np.float32([0.5, -0.5])]
    saved = [("input_layer", []), ("inner", list(values.items())),
             ("b_head", [("b_head/kernel", head[0]), ("b_head/bias", head[1])])]
    model.load_weights(write_legacy(tmp_path / "nested.h5", saved))
    expected = [values[key] for key in ("z/k", "z/b", "m/g", "m/be", "m/mean", "m/var",
                                        "a/k", "a/b")] + head
    for got, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_by_name_loads_the_layers_of_the_files_names(tmp_path):
    rng = np.random.default_rng(2)
    model = _nested_model()
    before = model.get_weights()
    head = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)]
    saved = [("other_layer", [("other/kernel", np.ones((5, 5), np.float32))]),
             ("b_head", [("b_head/kernel", head[0]), ("b_head/bias", head[1])])]
    path = write_legacy(tmp_path / "head.h5", saved)
    model.load_weights(path, by_name=True)
    after = model.get_weights()
    for got, want in zip(after[:-2], before[:-2]):  # ('inner', not in the file: as it was)
        np.testing.assert_array_equal(got, want)
    for got, want in zip(after[-2:], head):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="'inner' in the model, 'other_layer' in the file"):
        _nested_model().load_weights(path)  # (by order: the file's first to 'inner')


# ----- mismatches -----
def _with_other_head(name, classes):
    """The file's layers of model `name`, its last layer made for `classes` classes."""
    saved = keras_weights_of(name)
    last, weights = saved[-1]
    rng = np.random.default_rng(3)
    saved[-1] = (last, [(w, rng.normal(size=a.shape[:-1] + (classes,)).astype(a.dtype))
                        for w, a in weights])
    return saved


def test_a_shape_mismatch_names_the_layer_and_leaves_the_model_as_it_was(tmp_path):
    path = write_legacy(tmp_path / "m.h5", _with_other_head("dense_bn", 7))
    model = fresh("dense_bn")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"layer #2 \(named 'dense_1' in the model.*"
                                         r"shape \(8, 7\) in the file, \(8, 3\) in the layer"):
        model.load_weights(path)
    for got, want in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("by_name", [False, True])
def test_skip_mismatch_skips_that_layer_with_a_warning(by_name, tmp_path):
    path = write_legacy(tmp_path / "m.h5", _with_other_head("dense_bn", 7))
    model = fresh("dense_bn")
    head_before = model.layers[-1].get_weights()
    with pytest.warns(UserWarning, match="skipped layer #.*'dense_1'.*skip_mismatch"):
        model.load_weights(path, by_name=by_name, skip_mismatch=True)
    for got, want in zip(model.layers[-1].get_weights(), head_before):
        np.testing.assert_array_equal(got, want)
    reference = keras.models.load_model(keras_file("dense_bn"))
    for layer, theirs in zip(model.layers[:-1], reference.layers[:-1]):
        for got, want in zip(layer.get_weights(), theirs.get_weights()):
            np.testing.assert_array_equal(got, want)


def test_a_layer_count_mismatch_is_refused_naming_both_sides(tmp_path):
    saved = keras_weights_of("dense_bn")
    path = write_legacy(tmp_path / "m.h5", [item for item in saved if item[0] != "dense_1"])
    with pytest.raises(ValueError, match=r"model has 3 layers with weights \(dense, "
                                         r"batch_normalization, dense_1\), the file 2"):
        fresh("dense_bn").load_weights(path, skip_mismatch=True)  # (not skippable: Keras')


def test_a_weight_count_mismatch_names_the_layer(tmp_path):
    saved = keras_weights_of("dense_bn")
    saved[1] = (saved[1][0], saved[1][1][:2])  # (BatchNormalization without its statistics)
    path = write_legacy(tmp_path / "m.h5", saved)
    with pytest.raises(ValueError, match="'batch_normalization'.*weight count mismatch: the "
                                         "layer has 4 weights, the file 2"):
        fresh("dense_bn").load_weights(path)
    with pytest.raises(ValueError, match="'batch_normalization'.*weight count"):
        fresh("dense_bn").load_weights(path, by_name=True)


def test_top_level_weights_the_model_lacks_are_refused(tmp_path):
    path = write_legacy(tmp_path / "m.h5", keras_weights_of("dense_bn"))
    with h5py.File(path, "r+") as f:
        group = f["top_level_model_weights"]
        group.attrs["weight_names"] = [b"scale"]
        group.create_dataset("scale", data=np.float32(2.0))
    with pytest.raises(ValueError, match="top-level weights.*holds 1"):
        fresh("dense_bn").load_weights(path)


# ----- what is refused -----
def test_links_are_refused_and_never_followed(tmp_path):
    """A weight that is a link into another file: its data would come from elsewhere."""
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("kernel", data=np.ones((6, 8), np.float32))
    path = write_legacy(tmp_path / "m.h5", keras_weights_of("dense_bn"))
    with h5py.File(path, "r+") as f:
        name = "dense/sequential/dense/kernel"
        del f[name]
        f[name] = h5py.ExternalLink(str(other), "kernel")
    with pytest.raises(ValueError, match="ExternalLink, which is refused"):
        fresh("dense_bn").load_weights(path)


def test_weights_that_are_not_numbers_are_refused(tmp_path):
    path = write_legacy(tmp_path / "m.h5", keras_weights_of("dense_bn"))
    with h5py.File(path, "r+") as f:
        name = "dense_1/sequential/dense_1/bias"
        del f[name]
        f.create_dataset(name, data=np.array([b"a", b"b", b"c"]))
    with pytest.raises(ValueError, match="holds \\|S1 values, not numbers"):
        fresh("dense_bn").load_weights(path)


def test_by_name_is_for_legacy_files_only(tmp_path):
    model = fresh("dense_bn")
    with pytest.raises(ValueError, match="by_name"):
        model.load_weights(keras_file("dense_bn", ".weights.h5"), by_name=True)
    model.save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match="by_name"):
        model.load_weights(tmp_path / "w.npz", by_name=True)


def test_keras3_weights_files_still_load():
    model = fresh("dense_bn")
    model.load_weights(keras_file("dense_bn", ".weights.h5"))
    assert_predicts_as_keras(model, "dense_bn")


@pytest.mark.parametrize("damage", ["heap", "truncated"])
def test_a_damaged_file_is_refused_naming_it(damage, tmp_path):
    path = write_legacy(tmp_path / "m.h5", keras_weights_of("dense_bn"))
    data = open(path, "rb").read()
    # (h5py raises RuntimeError for a bad heap signature, OSError for a short file)
    damaged = data.replace(b"HEAP", b"XXXX") if damage == "heap" else data[:len(data) // 2]
    open(path, "wb").write(damaged)
    model = fresh("dense_bn")
    before = model.get_weights()
    with pytest.raises(ValueError, match="m.h5 is not a readable Keras file"):
        model.load_weights(path)
    for old, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, now)
