"""Keras 3 `.keras` archives of models with dtype policies, fitted by real Keras (3.15.1,
tests/nn/keras/data/make_keras_mixed_files.py): made under the global policy
"mixed_float16" (Keras' compile wrapped their optimizer in a LossScaleOptimizer), with
per-layer "mixed_float16", "float16" and "float64" policies. rungrad reads each as Keras
does: every layer's policy, compute and variable dtypes as Keras', the optimizer wrapped
where Keras' was and its state restored, predictions and continued training within float16
rounding of Keras' own."""
import json
import os
import warnings

import numpy as np
import pytest

import nn.keras as keras

pytest.importorskip("h5py")

DATA = os.path.join(os.path.dirname(__file__), "data", "keras_files", "mixed")
EXPECTED = np.load(os.path.join(DATA, "expected.npz"))
with open(os.path.join(DATA, "expected.json")) as _file:
    DESCRIBED = json.load(_file)
CASES = sorted(DESCRIBED)
BATCH, FITTED = 8, 3  # (the generator's)
HALF = float(np.finfo(np.float16).eps)  # float16's rounding, relative: 2**-10
# Four float16 steps: another CPU's BLAS kernels may round a float16 result the other way
# (global_assorted's GRU and attention are 0.68 of a step from Keras' here); a policy read
# wrongly is 0.04 or more off
TOLERANCE = 4 * HALF


def _load(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (a state restored: nothing to warn of)
        return keras.models.load_model(os.path.join(DATA, f"{case}.keras"))


@pytest.fixture(autouse=True)
def _default_global_policy():
    """Each test loads under Keras' default global policy (the files say their own)."""
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("case", CASES)
def test_each_layer_has_keras_policy_and_dtypes(case):
    model = _load(case)
    found = {layer.name: layer for layer in model.layers}
    described = [entry for entry in DESCRIBED[case]["layers"]
                 if not entry["name"].startswith("input_layer")]  # (no policy of its own)
    for entry in described:
        layer = found[entry["name"]]
        assert (layer.dtype_policy.name, np.dtype(layer.dtype).name,
                np.dtype(layer.compute_dtype).name, np.dtype(layer.variable_dtype).name,
                [w.dtype.name for w in layer.get_weights()]) == (
            entry["policy"], entry["dtype"], entry["compute_dtype"], entry["variable_dtype"],
            entry["weights"]), entry["name"]


@pytest.mark.parametrize("case", CASES)
def test_the_optimizer_is_wrapped_where_keras_was(case):
    model = _load(case)
    opt = model.optimizer
    inner = getattr(opt, "inner_optimizer", None)
    assert model.dtype_policy.name == DESCRIBED[case]["model_policy"]
    assert [type(opt).__name__] + ([type(inner).__name__] if inner else []) == \
        DESCRIBED[case]["optimizer"]


@pytest.mark.parametrize("case", CASES)
def test_predictions_are_keras_within_float16_rounding(case):
    model = _load(case)
    predicted = model.predict(EXPECTED[f"{case}/x"], verbose=0)
    assert predicted.dtype == np.float32  # (the output layer's float32 policy)
    np.testing.assert_allclose(predicted, EXPECTED[f"{case}/predicted"], rtol=0,
                               atol=TOLERANCE)


@pytest.mark.parametrize("case", CASES)
def test_training_goes_on_as_keras_after_loading(case):
    """The optimizer's state (a LossScaleOptimizer's scale and count too) restored: the
    losses of more train_on_batch steps and the weights after them are Keras'."""
    model = _load(case)
    x, y = EXPECTED[f"{case}/x"], EXPECTED[f"{case}/y"]
    expected = EXPECTED[f"{case}/losses"]
    losses = []
    for step in range(len(expected)):
        start = (step % FITTED) * BATCH
        losses.append(float(model.train_on_batch(x[start:start + BATCH],
                                                  y[start:start + BATCH])))
    np.testing.assert_allclose(losses, expected, rtol=TOLERANCE, atol=0)
    weights = np.concatenate([np.asarray(w, np.float64).ravel() for w in model.get_weights()])
    np.testing.assert_allclose(weights, EXPECTED[f"{case}/weights"], rtol=0, atol=TOLERANCE)
    if f"{case}/loss_scale" in EXPECTED:
        scale, counter = EXPECTED[f"{case}/loss_scale"]
        assert (float(model.optimizer.dynamic_scale), model.optimizer.step_counter) == \
            (scale, counter)


def test_the_float32_output_layer_casts_the_float16_it_gets():
    """Keras' guide's float32 Activation after float16 layers: it computes the softmax in
    float32 (it was dropped as "float32", casting nothing, so the output came out float16)."""
    model = _load("global_dense_bn")
    hidden, output = model.layers[-2], model.layers[-1]
    x = EXPECTED["global_dense_bn/x"]
    assert hidden(model.layers[1](model.layers[0](x))).dtype == np.float16
    assert output.dtype_policy.name == "float32"
    assert model(x).dtype == np.float32


def test_a_functional_model_loaded_under_any_global_policy_restores_its_state():
    """A functional model's config records no policy: the file's LossScaleOptimizer state
    says Keras made it under mixed_float16 (Keras itself, loading under "float32", would
    wrap nothing and skip the state)."""
    model = _load("global_cnn")
    assert model.optimizer.iterations == model.optimizer.inner_optimizer.iterations == FITTED


def test_a_float32_model_under_the_global_mixed_policy_keeps_its_own():
    """The file's float32 model is not wrapped though rungrad's global policy is mixed."""
    keras.config.set_dtype_policy("mixed_float16")
    model = _load("float64")
    assert model.dtype_policy.name == "float32"
    assert type(model.optimizer).__name__ == "Adam"


def test_bfloat16_is_refused_naming_the_layer():
    with pytest.raises(ValueError, match=r"bfloat16.keras: the Dense layer 'dense_\d+': dtype "
                                         r"'mixed_bfloat16': NumPy has no bfloat16"):
        keras.models.load_model(os.path.join(DATA, "bfloat16.keras"))
