"""A Keras 3 `.keras` archive of a model Keras fitted holds its optimizer's state
(tests/nn/keras/data/make_keras_optimizer_files.py): load_model restores it, so that
training goes on as Keras' own goes on after loading the same file."""
import os
import warnings

import numpy as np
import pytest

import nn.keras as keras

pytest.importorskip("h5py")

DATA = os.path.join(os.path.dirname(__file__), "data", "keras_files", "optimizers")
CONTINUED = np.load(os.path.join(DATA, "continued.npz"))
CASES = sorted({key.split("/")[0] for key in CONTINUED.files if "/" in key})
BATCH, FITTED = 8, 3  # (the generator's)


def _continued(model, case, steps):
    """The losses of `steps` more train_on_batch calls on the generator's batches."""
    x, y = CONTINUED[f"{case}/x"], CONTINUED[f"{case}/y"]
    losses = []
    for step in range(steps):
        start = (step % FITTED) * BATCH
        losses.append(float(model.train_on_batch(x[start:start + BATCH],
                                                 y[start:start + BATCH])))
    return np.asarray(losses)


@pytest.mark.parametrize("case", CASES)
def test_training_goes_on_as_keras_after_loading(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (a state restored: nothing to warn of)
        model = keras.models.load_model(os.path.join(DATA, f"{case}.keras"))
    expected = CONTINUED[f"{case}/losses"]
    losses = _continued(model, case, len(expected))
    np.testing.assert_allclose(losses, expected, rtol=1e-5, atol=1e-6)
    weights = np.concatenate([w.ravel() for w in model.get_weights()])
    np.testing.assert_allclose(weights, CONTINUED[f"{case}/weights"], rtol=1e-5, atol=1e-6)
    if f"{case}/loss_scale" in CONTINUED:  # (a scale and its count of finite updates)
        scale, counter = CONTINUED[f"{case}/loss_scale"]
        assert (float(model.optimizer.dynamic_scale), model.optimizer.step_counter) == \
            (scale, counter)


def _edited(tmp_path, case, edit):
    """A copy of `case`.keras whose model.weights.h5 `edit` (given the open HDF5 file)
    changed."""
    import io
    import zipfile

    import h5py
    path = tmp_path / f"{case}_edited.keras"
    with zipfile.ZipFile(os.path.join(DATA, f"{case}.keras")) as old:
        weights = io.BytesIO(old.read("model.weights.h5"))
        with h5py.File(weights, "r+") as f:
            edit(f)
        with zipfile.ZipFile(path, "w") as new:
            for name in old.namelist():
                new.writestr(name, weights.getvalue() if name == "model.weights.h5"
                             else old.read(name))
    return path


def _reshaped(name, shape):
    def edit(f):
        del f[name]
        f[name] = np.zeros(shape, np.float32)
    return edit


def test_variables_of_other_shapes_are_not_restored_and_said(tmp_path):
    """(4, 5) is Keras' first kernel; its momentum given the layout of rungrad's (5, 4)."""
    path = _edited(tmp_path, "adam", _reshaped("optimizer/vars/2", (5, 4)))
    with pytest.warns(UserWarning, match=r"made 3 updates, which rungrad does not restore "
                                         r"\(the file's optimizer variable 2 has shape \(5, 4\), "
                                         r"where Keras' Adam of this model has \(4, 5\)\)"):
        model = keras.models.load_model(path)
    assert model.optimizer.iterations == 0 and not model.optimizer.state


def test_a_malformed_group_of_variables_is_not_restored_and_said(tmp_path):
    path = _edited(tmp_path, "rmsprop", lambda f: f["optimizer/vars"].move("3", "x"))
    with pytest.warns(UserWarning, match=r"made 3 updates, which rungrad does not restore "
                                         r"\(its '/optimizer/vars' is not Keras' group"):
        model = keras.models.load_model(path)
    assert model.compiled and model.optimizer.iterations == 0


def test_the_state_is_keras_own_layout_in_rungrads():
    """Adam's moments of the first Dense: Keras' (in, out) kernels, rungrad's (out, in)
    weights; each parameter's step is Keras' iterations."""
    import io
    import zipfile

    import h5py
    model = keras.models.load_model(os.path.join(DATA, "adam.keras"))
    with zipfile.ZipFile(os.path.join(DATA, "adam.keras")) as archive, \
            h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
        momentum, velocity = f["optimizer/vars/2"][()], f["optimizer/vars/3"][()]
    kernel = model.trainable_weights[0]
    state = model.optimizer.state[kernel]
    np.testing.assert_array_equal(state["exp_avg"], momentum.T)
    np.testing.assert_array_equal(state["exp_avg_sq"], velocity.T)
    assert state["step"] == model.optimizer.iterations == FITTED


def test_a_loss_scale_optimizer_not_restored_counts_its_inner_ones_updates(tmp_path):
    """Keras' LossScaleOptimizer's own iterations stay 0: the updates are its inner
    optimizer's (a state not restored went unsaid)."""
    path = _edited(tmp_path, "loss_scale", _reshaped("optimizer/vars/6", (5, 4)))
    with pytest.warns(UserWarning, match=r"made 3 updates, which rungrad does not restore "
                                         r"\(the file's optimizer variable 6 has shape \(5, 4\)"):
        model = keras.models.load_model(path)
    assert model.optimizer.step_counter == 0 and not model.optimizer.state


def test_the_learning_rate_is_the_files_variable(tmp_path):
    """Keras assigns its learning-rate variable from the file (a callback may have changed
    it since compile)."""
    def edit(f):
        f["optimizer/vars/1"][()] = np.float32(0.02)
    model = keras.models.load_model(_edited(tmp_path, "adam", edit))
    assert model.optimizer.learning_rate == np.float32(0.02)


def test_an_optimizer_that_made_no_update_has_nothing_to_restore():
    """A model saved compiled, not trained: Keras' optimizer holds its iterations and
    learning rate only (not built yet); nothing is said."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = keras.models.load_model(os.path.join(DATA, "..", "dense_bn.keras"))
    assert model.optimizer.iterations == 0 and not model.optimizer.state
