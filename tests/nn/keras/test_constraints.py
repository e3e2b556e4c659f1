"""Keras' weight constraints (nn.keras.constraints): their numbers, against Keras 3.15's own
(JAX backend, float32), and their application after each of fit's steps."""
import re

import numpy as np
import pytest

import nn.keras as keras
import optim
from nn.keras import constraints as C
from nn.keras import layers

# a Keras-layout (in, out) kernel with a zero column (the epsilon keeps it finite)
W = np.array([[0.25146043, 0.0, 1.2808453], [0.20980023, 0.0, 0.7231901],
              [2.608, 0.0, -1.4074705], [-2.530843, 0.0, 0.08265196]], np.float32)

# keras.constraints.<...>(W), printed by Keras 3.15
KERAS = [
    (C.MaxNorm(2.0), [[0.13783011, 0, 1.2572765], [0.11499538, 0, 0.70988274],
                      [1.429493, 0, -1.3815717], [-1.3872018, 0, 0.08113108]]),
    (C.MaxNorm(1.5, axis=1), [[0.2514604, 0, 1.2808452], [0.20980018, 0, 0.72319],
                              [1.3200378, 0, -0.7123904], [-1.4992007, 0, 0.04896071]]),
    (C.NonNeg(), [[0.25146043, 0, 1.2808453], [0.20980023, 0, 0.7231901], [2.608, 0, 0],
                  [0, 0, 0.08265196]]),
    (C.UnitNorm(), [[0.068915054, 0, 0.62863827], [0.05749769, 0, 0.35494137],
                    [0.7147465, 0, -0.6907858], [-0.6936009, 0, 0.04056554]]),
    (C.UnitNorm(axis=1), [[0.19264632, 0, 0.9812682], [0.2786164, 0, 0.9604023],
                          [0.8800252, 0, -0.47492695], [-0.99946713, 0, 0.032640476]]),
    (C.MinMaxNorm(0.5, 1.0, 0.7), [[0.12367866, 0, 0.8243004], [0.10318845, 0, 0.465416],
                                   [1.2827225, 0, -0.9057913], [-1.2447735, 0, 0.053191468]]),
    (C.MinMaxNorm(3.0, 4.0, 1.0, axis=1), [[0.577939, 0, 2.9438045], [0.8358492, 0, 2.881207],
                                           [2.6400757, 0, -1.4247808],
                                           [-2.9984014, 0, 0.09792142]]),
]


@pytest.mark.parametrize("constraint, expected", KERAS, ids=lambda c: repr(c)[:30])
def test_constraints_give_keras_numbers(constraint, expected):
    out = constraint(W.copy())
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.array(expected, np.float32), rtol=1e-6, atol=1e-7)


def test_get_takes_keras_names_objects_and_configs():
    assert isinstance(C.get("max_norm"), C.MaxNorm) and isinstance(C.get("NonNeg"), C.NonNeg)
    assert C.get(None) is None
    given = C.MinMaxNorm(0.1, 2.0, 0.5, axis=[0, 1])
    assert C.get(given) is given
    again = C.get(C.serialize(given))
    assert type(again) is C.MinMaxNorm and again.get_config() == given.get_config()
    assert C.UnitNorm.from_config({"axis": 1}).axis == 1
    assert C.get(np.abs) is np.abs  # a function of one's own


@pytest.mark.parametrize("bad", ["maxnorm", {"class_name": "Clip", "config": {}}, 3])
def test_get_names_an_unknown_identifier(bad):
    with pytest.raises(ValueError, match=re.escape(f"unknown constraint {bad!r}")):
        C.get(bad)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="axis"):
        C.MaxNorm(2, axis="rows")
    with pytest.raises(ValueError, match="min_value"):
        C.MinMaxNorm(2.0, 1.0)
    with pytest.raises(ValueError, match=r"axis=2 is out of range for a weight of shape"):
        C.UnitNorm(axis=2)(W)
    with pytest.raises(TypeError, match="unexpected keyword argument 'kernel_constrain'"):
        layers.Dense(2, kernel_constrain="non_neg")


# Dense(3, tanh, MaxNorm(0.8) / NonNeg) -> Dense(1, UnitNorm), mse, SGD(0.5), batch 4,
# 3 epochs, shuffle=False: the data, start and end weights of Keras 3.15's fit
X = np.array([[0.34558418, 0.82161814, 0.33043706, -1.3031572],
              [0.9053559, 0.44637457, -0.5369532, 0.5811181],
              [0.3645724, 0.2941325, 0.028422242, 0.546713],
              [-0.73645407, -0.16290995, -0.48211932, 0.5988462],
              [0.039722107, -0.29245675, -0.78190845, -0.25719225],
              [0.008142181, -0.2756029, 1.2940638, 1.0067244],
              [-2.7111626, -1.8890133, -0.1747721, -0.4221904],
              [0.213643, 0.21732193, 2.1178389, -1.1120207]], np.float32)
Y = np.array([[-0.37760502], [2.0427716], [0.646703], [0.66306335], [-0.5140064],
              [-1.6480752], [0.16746475], [0.10901409]], np.float32)
START = [np.array([[-0.7364112, -0.409936, -0.04322621],
                   [-0.56685096, -0.05896198, 0.057289816],
                   [0.021351742, -0.30377498, 0.35624886],
                   [0.53470016, 0.19250898, -0.49093813]], np.float32),
         np.array([0.1, -0.2, 0.3], np.float32),
         np.array([[0.58532184], [-0.401152], [0.7033285]], np.float32),
         np.array([-0.05], np.float32)]
KERAS_END = [[[-0.50926065, -0.5817988, 0.22833127], [-0.19848602, -0.4504216, 0.34765595],
              [-0.55866, 0.30915815, -0.6453654], [0.17075053, -0.05524144, -0.22472993]],
             [0.0, 0.57859915, 0.4703502], [[0.5102721], [-0.8232676], [0.24870183]],
             [-0.40968996]]


def constrained_model():
    model = keras.Sequential([
        keras.Input((4,)),
        layers.Dense(3, activation="tanh", kernel_constraint=C.MaxNorm(0.8),
                     bias_constraint="non_neg"),
        layers.Dense(1, kernel_constraint=C.UnitNorm())])
    model.set_weights(START)
    return model


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_matches_keras(jit_compile):
    model = constrained_model()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", jit_compile=jit_compile)
    model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    for got, expected in zip(model.get_weights(), KERAS_END):
        np.testing.assert_allclose(got, np.array(expected, np.float32), atol=2e-6)
    if jit_compile:
        assert model._captured_update.captured == 1  # replayed, constraints and all


def test_a_constraint_set_after_a_captured_fit_is_applied():
    model = constrained_model()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", jit_compile=True)
    model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    model.layers[0].kernel_constraint = C.MaxNorm(0.1)
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert np.linalg.norm(model.get_weights()[0], axis=0).max() <= 0.1 + 1e-6


def test_apply_constraints_in_a_pytorch_style_loop():
    model = constrained_model()
    opt = optim.SGD(model.parameters(), lr=0.5)
    opt.zero_grad()
    ((model(X) - Y) ** 2).mean().backward()
    opt.step()
    model.apply_constraints()
    kernel, bias = model.get_weights()[:2]
    assert np.linalg.norm(kernel, axis=0).max() <= 0.8 + 1e-6 and bias.min() >= 0
    np.testing.assert_allclose(np.linalg.norm(model.get_weights()[2]), 1.0, rtol=1e-5)


def test_frozen_weights_are_left_alone():
    model = constrained_model()
    model.layers[1].trainable = False
    model.apply_constraints()
    np.testing.assert_array_equal(model.get_weights()[2], START[2])
    assert model.get_weights()[1].min() == 0.0  # the trainable layer's bias is projected


def test_conv_recurrent_embedding_and_normalization_layers():
    model = keras.Sequential([
        keras.Input((6, 6, 2)),
        layers.Conv2D(3, 3, kernel_constraint=C.MaxNorm(0.2, axis=[0, 1, 2])),
        layers.BatchNormalization(gamma_constraint=C.MaxNorm(0.5, axis=0)),
        layers.Reshape((16, 3)),
        layers.GRU(2, recurrent_constraint="unit_norm", bias_constraint=C.NonNeg())])
    words = keras.Sequential([keras.Input((5,)),
                              layers.Embedding(7, 3, embeddings_constraint=C.UnitNorm(axis=1)),
                              layers.LayerNormalization(beta_constraint="non_neg")])
    for m in (model, words):
        m.layers[-1].bias.data[...] = -1.0
        m.apply_constraints()
    conv, bn, gru, table = model.layers[0], model.layers[1], model.layers[3], words.layers[0]
    assert np.sqrt((conv.kernel.data ** 2).sum(axis=(0, 1, 2))).max() <= 0.2 + 1e-6
    np.testing.assert_allclose(np.linalg.norm(bn.gamma.data), 0.5, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(gru.recurrent_kernel.data, axis=0), 1.0,
                               rtol=1e-5)
    assert gru.bias.data.shape == (2, 6) and gru.bias.data.max() == 0.0
    np.testing.assert_allclose(np.linalg.norm(table.embeddings.data, axis=1), 1.0, rtol=1e-5)
    assert words.layers[1].bias.data.max() == 0.0


def test_constraints_survive_save_and_load(tmp_path):
    model = constrained_model()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.load_model(path)
    first = loaded.layers[0]
    assert first.get_config()["kernel_constraint"] == {
        "class_name": "MaxNorm", "config": {"max_value": 0.8, "axis": 0}}
    assert type(first.bias_constraint) is C.NonNeg
    assert type(loaded.layers[1].kernel_constraint) is C.UnitNorm
    loaded.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    for got, expected in zip(loaded.get_weights(), KERAS_END):
        np.testing.assert_allclose(got, np.array(expected, np.float32), atol=2e-6)


def test_a_function_constraint_trains_but_is_not_saved(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, kernel_constraint=np.abs)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, verbose=0)
    assert model.get_weights()[0].min() >= 0
    with pytest.raises(TypeError, match="kernel_constraint: the constraint .* is a function"):
        model.save(str(tmp_path / "m.keras"))


class Counted(C.Constraint):
    """MinMaxNorm(0.5, 1, rate=0.5), which a second application would move further (not
    idempotent), counting its calls."""

    def __init__(self):
        self.calls, self.inner = 0, C.MinMaxNorm(0.5, 1.0, rate=0.5)

    def __call__(self, w):
        self.calls += 1
        return self.inner(w)


class ApplyStep(keras.Model):
    def train_step(self, data):
        x, y = data
        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
        self.zero_grad()
        loss.backward()
        variables = self.trainable_variables
        self.optimizer.apply([v.grad for v in variables], variables)
        return {"loss": loss}


class ApplyGradientsStep(ApplyStep):
    def train_step(self, data):
        x, y = data
        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
        self.zero_grad()
        loss.backward()
        self.optimizer.apply_gradients((v.grad, v) for v in self.trainable_variables)
        return {"loss": loss}


class SuperStep(keras.Model):
    def train_step(self, data):
        return super().train_step(data)


def counted_model(cls=keras.Model):
    constraint = Counted()
    inputs = keras.Input((4,))
    outputs = layers.Dense(3, kernel_constraint=constraint)(inputs)
    model = cls(inputs, outputs)
    model.set_weights(START[:2])
    return model, constraint


def by_hand():
    """One SGD step on (X, Y[:, [0, 0, 0]]) and the constraint applied once, PyTorch-style."""
    model, _ = counted_model()
    opt = optim.SGD(model.parameters(), lr=0.5)
    opt.zero_grad()
    ((model(X) - np.repeat(Y, 3, 1)) ** 2).mean().backward()
    opt.step()
    model.apply_constraints()
    return model.get_weights()


@pytest.mark.parametrize("cls, how", [
    (keras.Model, "fit"), (keras.Model, "jit"), (keras.Model, "train_on_batch"),
    (ApplyStep, "fit"), (ApplyStep, "train_on_batch"), (ApplyGradientsStep, "fit"),
    (SuperStep, "fit"), (SuperStep, "train_on_batch")])
def test_each_update_applies_the_constraint_once(cls, how):
    expected = by_hand()
    model, constraint = counted_model(cls)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", jit_compile=how == "jit")
    if how == "train_on_batch":
        model.train_on_batch(X, np.repeat(Y, 3, 1))
        steps = 1
    else:  # two batches: a captured step is recorded at the first, replayed at the second
        model.fit(X, np.repeat(Y, 3, 1), batch_size=4, shuffle=False, verbose=0)
        steps = 2
    assert constraint.calls == steps
    if how == "train_on_batch":
        for got, want in zip(model.get_weights(), expected):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_optimizer_apply_uses_the_parameters_constraint_in_keras_layout():
    model, constraint = counted_model()
    kernel = model.layers[-1].kernel
    grads = [np.full(v.shape, -10.0, np.float32) for v in model.trainable_variables]
    keras.optimizers.SGD(1.0).apply(grads, model.trainable_variables)
    assert constraint.calls == 1  # the kernel's; the bias has none
    once = constraint.inner(START[0] + np.float32(10.0))  # Keras' (in, out) columns
    np.testing.assert_allclose(kernel.data, once, rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], START[1] + 10, rtol=1e-6)


def test_a_weight_made_after_the_constraint_was_set_carries_it():
    dense = layers.Dense(2, kernel_constraint="non_neg", bias_constraint="non_neg")
    dense.build((None, 3))  # (made lazily, after the constraint)
    assert dense.bias.constraint is not None
    dense.bias_constraint = None
    assert dense.bias.constraint is None
    dense.bias.data[...] = -1.0
    dense.apply_constraints()
    assert dense.bias.data.min() == -1.0
