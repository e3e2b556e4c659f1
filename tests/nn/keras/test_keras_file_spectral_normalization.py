"""SpectralNormalization in Keras 3's own files (nn.keras.keras_files reads them,
nn.keras.keras_file_writing writes them): Keras 3.15.1 stores the wrapper's own variables
(the wrapped layer's kernel, the same variable, stored again, then vector_u) beside the
wrapped layer's group `layer` (kernel, bias). The literals below are what real Keras 3.15.1
(torch backend) gave for the same weights and data."""
import json
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.keras as keras

h5py = pytest.importorskip("h5py")
L = keras.layers
SN = "layers/spectral_normalization"

KERNEL = np.array([[0.5, -0.25], [0.75, 0.5], [-0.5, 1.0]], "float32")
VECTOR_U = np.array([[0.6, -0.8]], "float32")
BIAS = np.array([0.1, -0.2], "float32")
X = np.array([[1.0, 2.0, -1.0], [0.5, -1.5, 2.0]], "float32")
Y = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
# Keras' predictions (inference: the kernel as it is), then after train_on_batch(X, Y) with
# SGD(0.1) and "mse": its loss, the layer's weights (the kernel normalized in place, then
# updated) and predictions
KERAS_PREDICTIONS = [[2.6, -0.45], [-1.775, 0.925]]
KERAS_LOSS = 0.9247897863388062
KERAS_AFTER = [[[0.391144007, -0.179516599], [0.394493014, 0.433596909],
                [-0.209952906, 0.833113492]],
               [[0.572315216, -0.820033729]], [0.114174515, -0.166155681]]
KERAS_PREDICTIONS_AFTER = [[1.50425744, -0.311591983], [-0.701898813, 0.759917617]]
# Keras' config of the wrapper: its keys, and its layer's
KERAS_CONFIG_KEYS = ["dtype", "layer", "name", "power_iterations", "trainable"]
KERAS_DENSE_KEYS = ["activation", "bias_constraint", "bias_initializer", "bias_regularizer",
                    "dtype", "kernel_constraint", "kernel_initializer", "kernel_regularizer",
                    "name", "quantization_config", "trainable", "units", "use_bias"]


def _model(power_iterations=1):
    return keras.Sequential([keras.Input((3,)), L.SpectralNormalization(
        L.Dense(2), power_iterations=power_iterations)])


def _keras_file(path, own_kernel):
    """A .weights.h5 in Keras' layout; `own_kernel` the wrapper's copy of the kernel."""
    with h5py.File(path, "w") as f:
        f.create_group("vars").attrs["name"] = "sequential"
        own = f.create_group(f"{SN}/vars")
        own.attrs["name"] = "spectral_normalization"
        own["0"], own["1"] = own_kernel, VECTOR_U
        held = f.create_group(f"{SN}/layer/vars")
        held.attrs["name"] = "dense"
        held["0"], held["1"] = KERNEL, BIAS
    return path


def test_a_keras_file_loads_the_layers_copy_of_the_kernel(tmp_path):
    """Keras loads the wrapped layer's copy last: a differing own copy is not kept."""
    model = _model()
    model.load_weights(_keras_file(tmp_path / "k.weights.h5", np.full_like(KERNEL, 9.0)))
    for got, expected in zip(model.layers[0].get_weights(), [KERNEL, VECTOR_U, BIAS],
                             strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(model.predict(X, verbose=0), KERAS_PREDICTIONS, atol=1e-6)


def test_one_sgd_step_updates_the_weights_as_keras(tmp_path):
    model = _model()
    model.load_weights(_keras_file(tmp_path / "k.weights.h5", KERNEL))
    model.compile(keras.optimizers.SGD(0.1), "mse")
    loss = model.train_on_batch(X, Y)
    np.testing.assert_allclose(np.ravel(loss)[0], KERAS_LOSS, rtol=1e-6)
    for got, expected in zip(model.layers[0].get_weights(), KERAS_AFTER, strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-6)
    np.testing.assert_allclose(model.predict(X, verbose=0), KERAS_PREDICTIONS_AFTER,
                               atol=1e-6)


def test_it_is_written_as_keras_writes_it(tmp_path):
    model = _model(power_iterations=2)
    model.layers[0].set_weights([KERNEL, VECTOR_U, BIAS])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert "model.json" not in archive.namelist()  # (no fallback)
        entry = json.loads(archive.read("config.json"))["config"]["layers"][1]
        archive.extract("model.weights.h5", tmp_path)
    assert entry["class_name"] == "SpectralNormalization"
    assert sorted(entry["config"]) == KERAS_CONFIG_KEYS
    assert (entry["config"]["power_iterations"], entry["config"]["trainable"]) == (2, True)
    held = entry["config"]["layer"]
    assert (held["class_name"], sorted(held["config"]), held["build_config"]) == \
        ("Dense", KERAS_DENSE_KEYS, {"input_shape": [None, 3]})
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        stored = {name: f[name][()] for name in (f"{SN}/vars/0", f"{SN}/vars/1",
                                                  f"{SN}/layer/vars/0", f"{SN}/layer/vars/1")}
        names = (f[f"{SN}/vars"].attrs["name"], f[f"{SN}/layer/vars"].attrs["name"])
    assert names == ("spectral_normalization", "dense")
    for name, expected in zip(stored, [KERNEL, VECTOR_U, KERNEL, BIAS], strict=True):
        np.testing.assert_array_equal(stored[name], expected)


def _embedded():
    return keras.Sequential([keras.Input((4,)), L.SpectralNormalization(L.Embedding(7, 3)),
                             L.Flatten(), L.Dense(2)])


def _convolved():
    x = keras.Input((5, 5, 2))
    h = L.SpectralNormalization(L.Conv2D(3, 2, activation="relu"), power_iterations=3)(x)
    return keras.Model(x, [L.Dense(2)(L.Flatten()(h)), h])


@settings(max_examples=6, deadline=None)
@given(make=st.sampled_from([_model, _embedded, _convolved]), seed=st.integers(0, 2**16))
def test_the_files_read_back_identically(make, seed, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sn")
    model = make()
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-1, 1, np.shape(w)).astype(w.dtype)
                       for w in model.get_weights()])
    x = rng.integers(0, 7, (3, 4)).astype("float32") if make is _embedded else \
        rng.uniform(-1, 1, (3,) + tuple(model.inputs[0].shape[1:])).astype("float32")
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    back, other = nn.load_model(tmp_path / "m.keras"), make()
    other.load_weights(tmp_path / "m.weights.h5")
    for copy in (back, other):
        for a, b in zip(model.layers, copy.layers, strict=True):
            for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
                np.testing.assert_array_equal(wa, wb)
    for a, b in zip(_outputs(model, x), _outputs(back, x), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [layer.power_iterations for layer in back.layers
            if isinstance(layer, L.SpectralNormalization)] == \
        [3 if make is _convolved else 1]


def _outputs(model, x):
    out = model.predict(x, verbose=0)
    return out if isinstance(out, list) else [out]


def test_the_flag_trainable_is_the_wrapped_layers(tmp_path):
    """vector_u, never trained, leaves the wrapper trainable (Keras' config: true); a frozen
    wrapper is written and read back frozen, its vector_u non-trainable either way."""
    model = _model()
    layer = model.layers[0]
    assert layer.trainable and not layer.vector_u.requires_grad
    layer.trainable = False
    layer.trainable = True
    assert layer.trainable and not layer.vector_u.requires_grad
    assert [w.shape for w in layer.trainable_weights] == [(2, 3), (2,)]
    layer.trainable = False
    model.save(tmp_path / "m.keras")
    entry = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    assert entry["config"]["layers"][1]["config"]["trainable"] is False
    back = nn.load_model(tmp_path / "m.keras").layers[0]
    assert not back.trainable and not back.layer.trainable


def test_a_model_lists_its_weights_in_keras_order_nested_too(tmp_path):
    """A model's get_weights kept the wrapper's vector_u before its layer's kernel ([u, kernel,
    bias]; Keras: [kernel, u, bias]), so a model inside a model could not load its Keras
    file (a shape mismatch) and set_weights took Keras' lists in the wrong places."""
    inner = _model()
    outer = keras.Sequential([keras.Input((3,)), inner, L.Dense(1)])
    expected = [(3, 2), (1, 2), (2,)]
    assert [w.shape for w in inner.layers[0].get_weights()] == expected
    assert [w.shape for w in inner.get_weights()] == expected
    assert [w.shape for w in outer.get_weights()] == expected + [(2, 1), (1,)]
    rng = np.random.default_rng(3)
    outer.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                       for w in outer.get_weights()])
    outer.save(tmp_path / "m.keras")
    back = nn.load_model(tmp_path / "m.keras")
    for a, b in zip(outer.get_weights(), back.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.predict(X, verbose=0), outer.predict(X, verbose=0))
