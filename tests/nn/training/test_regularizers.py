"""Keras' kernel_regularizer / bias_regularizer on Dense: the penalties are in model.losses,
and fit and evaluate minimize and report the loss plus them, as Keras does."""
import numpy as np
import pytest

import nn
import optim
from nn import regularizers


def _data(features=5, n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    return x, (2 * x[:, :1]).astype(np.float32)


def _model(**regularized):
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(1, input_shape=(5,), **regularized)])
    model.compile(optimizer=optim.SGD(lr=0.05), loss="mse")
    return model


@pytest.mark.parametrize("kernel, bias, l1, l2, bias_l1", [
    (regularizers.l2(0.1), None, 0.0, 0.1, 0.0),
    (regularizers.L1(0.05), "l1", 0.05, 0.0, 0.01),
    (regularizers.l1_l2(l1=0.02, l2=0.03), None, 0.02, 0.03, 0.0),
    ("l2", regularizers.L1L2(l1=0.5), 0.0, 0.01, 0.5)])
def test_evaluate_and_one_step_are_the_loss_plus_the_penalties(kernel, bias, l1, l2, bias_l1):
    x, y = _data()
    model = _model(kernel_regularizer=kernel, bias_regularizer=bias)
    layer = model.layers[0]
    w, b = layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)
    error = x @ w.T + b - y
    penalty = l1 * np.abs(w).sum() + l2 * (w ** 2).sum() + bias_l1 * np.abs(b).sum()
    assert model.evaluate(x, y, batch_size=64) == pytest.approx(np.mean(error ** 2) + penalty,
                                                                 rel=1e-5)
    assert len(model.losses) == 1 + (bias is not None)
    model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    grad_w = 2 * error.T @ x / len(x) + l1 * np.sign(w) + 2 * l2 * w
    grad_b = 2 * error.mean(axis=0) + bias_l1 * np.sign(b)
    np.testing.assert_allclose(layer.weight.data, w - 0.05 * grad_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.data, b - 0.05 * grad_b, rtol=1e-5, atol=1e-6)


def test_l1_drives_the_weights_of_unused_inputs_to_zero():
    """y = 2 x0 + noise: without a penalty the four unused inputs get weights of the noise's
    correlation with them (together 0.086 or more over seeds 0-39; the largest alone fell
    to 0.028); L1 holds them within SGD's step lr * l1 = 0.01 of zero (at most 0.014), and
    shrinks the used one by what its subgradient predicts: at the minimum 2 mean(x0^2) dw =
    l1, so dw = 0.25 / mean(x0^2) (within 0.012 over seeds 0-19, the other inputs' small
    correlations making the rest). The weight itself (1.64-1.92) moves with the noise drawn,
    too much for fixed bounds."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 5)).astype(np.float32)
    y = (2 * x[:, :1] + rng.normal(size=(256, 1))).astype(np.float32)
    weights = []
    for regularizer in (None, regularizers.l1(0.5)):
        model = _model(kernel_regularizer=regularizer)
        model.compile(optimizer=optim.SGD(lr=0.02), loss="mse")
        model.fit(x, y, epochs=400, batch_size=256, verbose=0)
        weights.append(model.layers[0].weight.data[0])
    plain, sparse = weights
    assert np.abs(sparse[1:]).max() < 0.02 and np.abs(plain[1:]).sum() > 0.05
    assert abs((plain[0] - sparse[0]) - 0.25 / np.mean(x[:, 0] ** 2)) < 0.04


def test_a_captured_step_adds_the_same_penalties():
    x, y = _data()
    eager, captured = _model(kernel_regularizer="l2"), _model(kernel_regularizer="l2")
    captured.compile(optimizer=optim.SGD(lr=0.05), loss="mse", jit_compile=True)
    for model in (eager, captured):
        model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(captured.layers[0].weight.data, eager.layers[0].weight.data,
                               rtol=1e-6)


def test_regularizers_are_saved_with_the_model(tmp_path):
    x, y = _data()
    model = _model(kernel_regularizer=regularizers.l1_l2(0.01, 0.02), bias_regularizer="l2")
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert loaded.layers[0].kernel_regularizer.get_config() == {"l1": 0.01, "l2": 0.02}
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))


def test_bad_regularizers_are_named():
    with pytest.raises(TypeError, match="Dense: a regularizer is nn.regularizers.L1"):
        nn.Dense(3, kernel_regularizer="l3")
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        regularizers.l2(-0.1)
    assert _model().losses == []


def _keras_orthogonal(w, factor, mode):
    """Keras 3's OrthogonalRegularizer, written out with NumPy."""
    v = w if mode == "rows" else w.T
    unit = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-7)
    size = len(v)
    off = np.abs(unit @ unit.T) * (1 - np.eye(size))
    return factor * 0.5 * off.sum() / (size * (size - 1) / 2)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_is_keras_formula_and_its_gradient(mode):
    from autograd import Variable
    from autograd.numerical import numerical_grad
    w = np.random.default_rng(1).normal(size=(4, 3))
    penalty = regularizers.OrthogonalRegularizer(0.3, mode)
    assert float(penalty(Variable(w)).data) == pytest.approx(_keras_orthogonal(w, 0.3, mode))
    # a plain array too, as Keras' (it failed: 'memoryview' object has no attribute 'dtype')
    assert float(penalty(w).data) == pytest.approx(_keras_orthogonal(w, 0.3, mode))
    weight = Variable(w.copy())
    penalty(weight).backward()
    np.testing.assert_allclose(weight.grad.data, numerical_grad(penalty, w)[0], rtol=1e-5,
                               atol=1e-8)
    assert regularizers.get("orthogonal_regularizer").get_config() == {"factor": 0.01,
                                                                       "mode": "rows"}


def test_orthogonal_regularizer_sees_a_dense_kernel_in_keras_layout_and_is_saved(tmp_path):
    model = _model(kernel_regularizer=regularizers.OrthogonalRegularizer(0.5, "columns"))
    assert float(model.losses[0].data) == 0.0  # Keras' (5, 1) kernel: one column, no pairs
    model = nn.Sequential([nn.Dense(3, input_shape=(5,), kernel_regularizer=regularizers.
                                    orthogonal_regularizer(0.5))])  # rows of (5, 3)
    kernel = model.layers[0].weight.data.T.astype(np.float64)
    assert float(model.losses[0].data) == pytest.approx(_keras_orthogonal(kernel, 0.5, "rows"),
                                                        rel=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz").layers[0].kernel_regularizer
    assert type(loaded) is regularizers.OrthogonalRegularizer and loaded.factor == 0.5
    with pytest.raises(ValueError, match="must have rank 2"):
        loaded(np.zeros(3))
    with pytest.raises(ValueError, match="Invalid value for argument `mode`"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


class Summed(nn.keras.regularizers.Regularizer):
    def __init__(self, factor=1.0):
        self.factor = factor

    def __call__(self, w):
        return self.factor * (w * w * w).sum()

    def get_config(self):
        return {"factor": self.factor}


def test_functions_subclasses_and_classes_are_regularizers(tmp_path):
    seen = []

    def function(w):
        seen.append(w.shape)
        return (w * 2).sum()

    model = _model(kernel_regularizer=function, bias_regularizer=regularizers.L2)
    w, b = (p.data.astype(np.float64) for p in (model.layers[0].weight, model.layers[0].bias))
    assert [float(p.data) for p in model.losses] == pytest.approx([2 * w.sum(),
                                                                   0.01 * (b ** 2).sum()])
    assert seen == [(5, 1)]  # Keras' (in, out) layout
    with pytest.raises(TypeError, match="is a function, which cannot be saved"):
        model.save(tmp_path / "function.npz")
    model = _model(kernel_regularizer=Summed(0.5))
    assert float(model.losses[0].data) == pytest.approx(
        0.5 * (model.layers[0].weight.data.astype(np.float64) ** 3).sum(), rel=1e-5)
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        nn.keras.regularizers.Regularizer().get_config()


def test_a_frozen_layer_adds_no_penalty_as_keras_counts_trainable_weights_only():
    """(A frozen layer's penalty was in model.losses and in the loss fit and evaluate
    reported: the usual fine-tuning of a frozen, regularized base reported too much.)"""
    from nn import keras
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    dense = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1))
    model = keras.Sequential([keras.Input(shape=(3,)), dense])
    dense.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    assert model.losses == []
    mse = float(((model.predict(x, verbose=0) - y) ** 2).mean())
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse, rel=1e-6)
    dense.trainable = True
    assert len(model.losses) == 1


def test_a_regularizer_giving_an_array_adds_its_sum_as_keras():
    from nn import keras
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(
        3, kernel_regularizer=lambda w: (w * w).sum(axis=0))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.normal(size=(4, 2)), rng.normal(size=(4, 3)), verbose=0)
    (penalty,) = model.losses
    assert penalty.shape == () and float(penalty.data) == pytest.approx(
        float((model.layers[0].kernel.data ** 2).sum()), rel=1e-6)


def test_keras_names_configs_and_arguments_of_the_factors():
    from nn.keras import initializers, regularizers
    assert regularizers.L1.from_config(regularizers.L1(0.3).get_config()).l1 == 0.3
    assert regularizers.L2.from_config(regularizers.L2(0.3).get_config()).l2 == 0.3
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}  # (Keras' L1L2())
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert (regularizers.L1(None).l1, regularizers.L1L2(l1=None, l2=0.1).l1) == (0.01, 0.0)
    with pytest.raises(ValueError, match="l2 must be a finite number"):
        regularizers.L2(float("inf"))
    for name, kind in (("one", "Ones"), ("zero", "Zeros"), (None, "GlorotUniform"),
                       ("orthogonal_initializer", "Orthogonal")):
        assert type(initializers.get(name)).__name__ == kind
    with pytest.raises(TypeError, match="HeNormal: draws floating-point values, not int32"):
        initializers.HeNormal()((3, 4), dtype="int32")
    assert initializers.Constant(3)((2,), dtype="int64").tolist() == [3, 3]
