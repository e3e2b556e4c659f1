"""nn.keras.optimizers against Keras 3's own trajectories (tests/nn/keras/data: the same
gradients applied by Keras, float64, a learning-rate change half way), and their arguments."""
import json
import os

import numpy as np
import pytest

import nn
import nn.keras as keras
import optim
from autograd import Parameter

DATA = os.path.join(os.path.dirname(__file__), "data")
with open(os.path.join(DATA, "keras_optimizers.json")) as _f:
    CASES = json.load(_f)["cases"]
REFERENCE = np.load(os.path.join(DATA, "keras_optimizers.npz"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_step_matches_keras(case):
    name, kwargs = CASES[case]
    params = [Parameter(REFERENCE[f"start_{i}"].copy()) for i in range(2)]
    opt = getattr(keras.optimizers, name)(**kwargs).bind(params)
    for k in range(8):
        if k == 4:
            opt.learning_rate = kwargs["learning_rate"] / 2
        for i, p in enumerate(params):
            p.grad = REFERENCE[f"grad_{k}_{i}"].copy()
        opt.step()
        for i, p in enumerate(params):
            np.testing.assert_allclose(p.data, REFERENCE[f"{case}_{k}_{i}"], rtol=1e-12,
                                       atol=1e-14, err_msg=f"{case}, step {k}, variable {i}")
        if f"{case}_iterations_{k}" in REFERENCE:  # (the updates made, accumulating)
            assert opt.iterations == int(REFERENCE[f"{case}_iterations_{k}"])
    if kwargs.get("use_ema"):  # fit's end: the variables take their moving averages
        opt.finalize_variable_values(params)
        for i, p in enumerate(params):
            np.testing.assert_allclose(p.data, REFERENCE[f"{case}_final_{i}"], rtol=1e-12,
                                       atol=1e-14, err_msg=f"{case}, final, variable {i}")


def test_keras_defaults_and_names():
    adam = keras.optimizers.Adam()
    assert isinstance(adam, optim.Adam) and adam.learning_rate == 0.001
    assert adam.defaults["eps"] == 1e-7 and adam.defaults["betas"] == (0.9, 0.999)
    assert keras.optimizers.SGD().learning_rate == 0.01
    assert keras.optimizers.AdamW().defaults["weight_decay"] == 0.004
    assert keras.optimizers.get("rmsprop").defaults["alpha"] == 0.9
    assert keras.optimizers.Adam(name="mine").name == "mine"


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(momentum=0.5, nesterov=True, weight_decay=0.01)),
    ("RMSprop", dict(rho=0.8, momentum=0.1, epsilon=1e-6, centered=True)),
    ("Adam", dict(beta_1=0.8, beta_2=0.99, epsilon=1e-6, amsgrad=True)),
    ("AdamW", dict(beta_1=0.8, weight_decay=0.01)),
    ("Adagrad", dict(epsilon=1e-6, initial_accumulator_value=0.2)),
    ("Adadelta", dict(rho=0.9, epsilon=1e-6)),
    ("Nadam", dict(beta_1=0.8, beta_2=0.9, epsilon=1e-5)),
    ("Adamax", dict(beta_1=0.7, epsilon=1e-5))])
def test_keras_hyperparameters_are_attributes_that_reach_the_update(name, kwargs):
    opt = getattr(keras.optimizers, name)(**kwargs).bind([Parameter(np.ones(3))])
    assert {key: getattr(opt, key) for key in kwargs} == kwargs
    key, value = next(iter(kwargs.items()))
    setattr(opt, key, value / 2)
    assert getattr(opt, key) == value / 2
    twin = getattr(keras.optimizers, name)(**{**kwargs, key: value / 2})  # (the same group)
    assert all(opt.param_groups[0][k] == v for k, v in twin.defaults.items())
    with pytest.raises(ValueError, match=f"{name}: "):
        setattr(opt, key, -1.0)


def test_unsupported_and_bad_arguments_are_named():
    with pytest.raises(ValueError, match="Adam: loss_scale_factor must be a finite number > 0, "
                                         "got 0"):
        keras.optimizers.Adam(loss_scale_factor=0)
    with pytest.raises(ValueError, match=r"Adam: ema_momentum must be in \[0, 1\], got 1.5"):
        keras.optimizers.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="SGD: ema_overwrite_frequency must be an int >= 1"):
        keras.optimizers.SGD(use_ema=True, ema_overwrite_frequency=-2)
    keras.optimizers.SGD(use_ema=True, ema_overwrite_frequency=0)  # (never, as in Keras)
    keras.optimizers.SGD(ema_overwrite_frequency=2.5)  # (unchecked without use_ema)
    with pytest.raises(TypeError, match="SGD: unexpected argument 'lr'"):
        keras.optimizers.SGD(lr=0.1)
    with pytest.raises(ValueError, match="give only one of clipnorm, clipvalue"):
        keras.optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="RMSprop: clipnorm must be a number >= 0"):
        keras.optimizers.RMSprop(clipnorm=-1)
    with pytest.raises(ValueError, match="keras.optimizers.get: unknown optimizer 'adamax2'"):
        keras.optimizers.get("adamax2")


def test_a_keras_model_trains_with_them_eagerly_and_captured():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    for jit in (False, True):
        np.random.seed(0)
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05, clipnorm=1.0),
                      loss="mse", jit_compile=jit)
        history = model.fit(x, y, batch_size=16, epochs=60, verbose=0)
        assert history.history["loss"][-1] < 1e-3 * history.history["loss"][0]


def test_state_dict_round_trip_continues_identically():
    def run(opt, params, steps):
        for k in range(steps):
            for i, p in enumerate(params):
                p.grad = REFERENCE[f"grad_{k}_{i}"].copy()
            opt.step()

    first = [Parameter(REFERENCE[f"start_{i}"].copy()) for i in range(2)]
    opt = keras.optimizers.RMSprop(momentum=0.5, centered=True).bind(first)
    run(opt, first, 3)
    second = [Parameter(p.data.copy()) for p in first]
    copy = keras.optimizers.RMSprop(momentum=0.5, centered=True).bind(second)
    copy.load_state_dict(opt.state_dict())
    run(opt, first, 3)
    run(copy, second, 3)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.data, b.data)


def test_the_face_reexports_nns_training_objects():
    assert keras.Sequential is nn.Sequential and keras.Model is nn.Model
    assert keras.callbacks.EarlyStopping is nn.callbacks.EarlyStopping
    assert keras.utils.to_categorical is nn.utils.to_categorical


def test_keras_import_lines_for_callbacks_regularizers_initializers():
    # Keras tutorials' import lines: ModuleNotFoundError before (attributes, not modules)
    from nn.keras.callbacks import EarlyStopping, ModelCheckpoint
    from nn.keras.initializers import HeNormal
    from nn.keras.regularizers import l2

    assert EarlyStopping is nn.callbacks.EarlyStopping
    assert ModelCheckpoint is nn.callbacks.ModelCheckpoint
    assert HeNormal is nn.initializers.HeNormal and l2 is nn.regularizers.l2
    assert keras.regularizers.L2 is nn.regularizers.L2
    assert keras.initializers.get is nn.initializers.get


def _sum_regression():
    """32 samples of 3 features, the target their sum, and a Dense(1) model for it."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    np.random.seed(1)
    return x, x.sum(axis=1, keepdims=True), keras.Sequential([keras.Input(shape=(3,)),
                                                               keras.layers.Dense(1)])


@pytest.mark.parametrize("jit", [False, True])
def test_fit_with_ema_ends_on_the_moving_averages(jit):
    """use_ema: during fit the weights follow the updates; after its last epoch they are the
    moving averages (Keras' finalize_variable_values), the same eager and captured."""
    x, y, model = _sum_regression()
    _, _, twin = _sum_regression()  # (the same weights)
    model.compile(optimizer=keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.5),
                  loss="mse", jit_compile=jit)
    twin.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", jit_compile=jit)
    seen = []
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[
        keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
            model.get_weights()))])
    twin.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for mine, theirs in zip(seen[-1], twin.get_weights()):  # the updates as without EMA
        np.testing.assert_allclose(mine, theirs, rtol=1e-6)
    for p in model.parameters():
        np.testing.assert_array_equal(p.data, model.optimizer.state[p]["average"])
    for final, last in zip(model.get_weights(), seen[-1]):
        assert not np.allclose(final, last)  # (the average lags the last update)


def test_a_model_compiled_with_one_is_saved_and_loaded_with_its_state(tmp_path):
    x, y, model = _sum_regression()
    model.compile(optimizer=keras.optimizers.RMSprop(momentum=0.5, clipvalue=0.1,
                                                     name="slow", use_ema=True,
                                                     ema_overwrite_frequency=5), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is keras.optimizers.RMSprop
    assert loaded.optimizer.keras_options == {
        "clipnorm": None, "clipvalue": 0.1, "global_clipnorm": None, "name": "slow",
        "use_ema": True, "ema_momentum": 0.99, "ema_overwrite_frequency": 5,
        "gradient_accumulation_steps": None, "loss_scale_factor": None}
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


S = keras.optimizers.schedules
# each schedule's rates at updates 0..11, as Keras 3.15.1 computes them
SCHEDULES = [
    (S.ExponentialDecay(0.1, 3, 0.5, staircase=True), [0.1] * 3 + [0.05] * 3 + [0.025] * 3
     + [0.0125] * 3),
    (S.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1]), [1.0] * 3 + [0.5] * 3 + [0.1] * 6),
    (S.PolynomialDecay(0.1, 4, 0.01, power=2.0),
     [0.1, 0.0606250, 0.0325, 0.015625, 0.01] + [0.01] * 7),
    (S.InverseTimeDecay(0.1, 2, 0.5), [0.1 / (1 + 0.25 * t) for t in range(12)]),
    (S.CosineDecay(0.01, 6, alpha=0.1, warmup_target=0.1, warmup_steps=3),
     [0.01, 0.04, 0.07, 0.1, 0.0939711, 0.0775, 0.055, 0.0325, 0.0160289, 0.01, 0.01, 0.01]),
    (S.CosineDecayRestarts(0.1, 3, t_mul=2.0, m_mul=0.5, alpha=0.05),
     [0.1, 0.07625, 0.02875, 0.0525, 0.0493181, 0.040625, 0.02875, 0.016875, 0.0081819,
      0.02875, 0.0283454, 0.0271591]),
]


@pytest.mark.parametrize("schedule, rates", SCHEDULES)
def test_schedules_give_keras_rates(schedule, rates):
    np.testing.assert_allclose([schedule(t) for t in range(12)], rates, rtol=1e-5)


@pytest.mark.parametrize("t_mul, first, restart", [(3.0, 1000, 121000), (3.0, 10, 295240),
                                                    (10.0, 10, 1110), (10.0, 10, 1111110)])
def test_a_restart_starts_at_the_peak_whatever_the_logarithms_round_to(t_mul, first, restart):
    """log(243) / log(3) is 4.999... in float64: step 121000, the fifth restart, gave the
    end of a period (0) instead of its start (0.1)."""
    schedule = S.CosineDecayRestarts(0.1, first, t_mul=t_mul)
    assert schedule(restart) == pytest.approx(0.1, rel=1e-9)
    assert schedule(restart - 1) < 1e-6 < schedule(restart + 1)


@pytest.mark.parametrize("jit", [False, True])
def test_a_schedule_sets_each_updates_rate_and_resumes_after_loading(jit, tmp_path):
    """Keras 3.15.1's fit with SGD(ExponentialDecay(0.1, 2, 0.5), momentum=0.9): losses
    [1.817644, 1.769437], 8 iterations, learning_rate 0.00625 after them."""
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
    y = 2 * x.sum(axis=1, keepdims=True)

    def model():
        made = keras.Sequential([keras.Input((3,)),
                                 keras.layers.Dense(1, kernel_initializer="ones")])
        made.compile(optimizer=keras.optimizers.SGD(S.ExponentialDecay(0.1, 2, 0.5),
                                                    momentum=0.9), loss="mse", jit_compile=jit)
        return made
    whole = model()
    history = whole.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [1.817644, 1.769437], rtol=1e-5)
    assert whole.optimizer.iterations == 8
    assert whole.optimizer.learning_rate == pytest.approx(0.00625)
    halves = model()
    halves.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    halves.save(tmp_path / "half.keras")
    resumed = nn.load_model(tmp_path / "half.keras")
    assert resumed.optimizer.iterations == 4
    resumed.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(resumed.get_weights()[0], whole.get_weights()[0], rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        whole.optimizer.learning_rate = 0.1


@pytest.mark.parametrize("kwargs, losses, kernel", [
    ({}, [3.003992, 2.764558, 2.536845], [1.12, 1.12, 1.10]),
    ({"weight_decay": 0.1, "beta_1": 0.8}, [3.014403, 2.834535, 2.625986],
     [1.107408, 1.107408, 1.067767]),
    ({"clipnorm": 0.5}, [3.003992, 2.800465, 2.56953], [1.12, 1.12, 1.08]),
])
def test_lion_trains_as_keras(kwargs, losses, kernel):
    """Keras 3.15.1's Lion(learning_rate=0.01, ...) over 3 epochs of 4 batches."""
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
    y = 2 * x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.Lion(learning_rate=0.01, **kwargs), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0].ravel(), kernel, rtol=1e-5)
    model.compile(optimizer="lion", loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.Lion)
    assert model.optimizer.beta_2 == 0.99


def _keras_adam(grads, lr=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras 3's Adam on one weight, written out (keras/src/optimizers/adam.py): the step of
    its bias corrections is iterations + 1, the optimizer's count, also where the weight
    had no gradient (None) at some update."""
    w, m, v = np.ones(2), np.zeros(2), np.zeros(2)
    for iterations, g in enumerate(grads):
        if g is None:
            continue
        t = iterations + 1
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        w -= alpha * m / (np.sqrt(v) + epsilon)
    return w


def _keras_nadam(grads, lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras 3's Nadam on one weight (keras/src/optimizers/nadam.py): its momentum product
    _u_product advances at every update, whether or not this weight has a gradient."""
    w, m, v, u_product = np.ones(2), np.zeros(2), np.zeros(2), 1.0
    for iterations, g in enumerate(grads):
        t = iterations + 1
        u_t, u_next = (beta_1 * (1 - 0.5 * 0.96 ** k) for k in (t, t + 1))
        u_product *= u_t
        if g is None:
            continue
        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        m_hat = u_next * m / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        w -= m_hat * lr / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
    return w


@pytest.mark.parametrize("name, reference", [("Adam", _keras_adam), ("Nadam", _keras_nadam)])
def test_a_weight_without_a_gradient_at_some_updates_moves_on_with_the_count(name, reference):
    """Each weight kept its own step count: after a skipped update its bias correction was
    a step behind Keras' (the first update 35% larger)."""
    rng = np.random.default_rng(0)
    grads = [None if k in (1, 4, 5) else rng.normal(size=2) for k in range(10)]
    lr = 0.1 if name == "Adam" else 0.01
    always, sometimes = Parameter(np.ones(2)), Parameter(np.ones(2))
    opt = getattr(keras.optimizers, name)(learning_rate=lr).bind([always, sometimes])
    for g in grads:
        always.grad, sometimes.grad = rng.normal(size=2), g
        opt.step()
    np.testing.assert_allclose(sometimes.data, reference(grads, lr=lr), rtol=1e-12)


def test_a_learning_rate_of_no_arguments_is_asked_as_keras_asks_it():
    rate = {"now": 0.01}
    opt = keras.optimizers.SGD(learning_rate=lambda: rate["now"])
    p = Parameter(np.ones(2))
    opt.bind([p])
    p.grad = np.ones(2)
    opt.step()
    rate["now"] = 0.5
    assert opt.learning_rate == 0.5
    p.grad = np.ones(2)
    opt.step()
    np.testing.assert_allclose(p.data, 1 - 0.01 - 0.5)


@pytest.mark.parametrize("option", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_clipping_to_zero_is_no_clipping_as_in_keras(option):
    """Clipped to 0, every gradient was 0: training stopped without a word."""
    p = Parameter(np.array([1.0, 2.0]))
    opt = keras.optimizers.SGD(learning_rate=0.1, **{option: 0.0}).bind([p])
    p.grad = np.array([1.0, -1.0])
    opt.step()
    np.testing.assert_allclose(p.data, [0.9, 2.1])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_global_norm_that_is_not_finite_makes_every_gradient_nan_as_in_keras(bad):
    """Only the gradients past the limit were scaled: with a NaN norm, the others went on
    unclipped; with an infinite one, finite entries became 0."""
    a, b = Parameter(np.array([1.0, 1.0])), Parameter(np.array([1.0]))
    opt = keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0).bind([a, b])
    a.grad, b.grad = np.array([bad, 1.0]), np.array([3.0])
    opt.step()
    assert np.isnan(a.data).all() and np.isnan(b.data).all()


def test_apply_of_no_gradient_at_all_is_refused_as_in_keras():
    """It updated nothing and counted an update: a loss cut from its weights went unseen."""
    p = Parameter(np.ones(2))
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="no gradients provided for any variable"):
        opt.apply([None], [p])
    assert opt.iterations == 0
    opt.apply([None, np.ones(2)], [p, Parameter(np.ones(2))])  # (one of them: fine)
    assert opt.iterations == 1


def test_learning_rate_assign_sets_the_optimizers_rate_as_keras_variable_does():
    """Keras' `model.optimizer.learning_rate.assign(1e-4)` (a variable there)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    rate = model.optimizer.learning_rate
    assert rate == 0.01 and rate.numpy() == np.float32(0.01) and json.dumps(rate) == "0.01"
    assert rate.assign(1e-4) == 1e-4
    assert model.optimizer.learning_rate == model.optimizer.param_groups[0]["lr"] == 1e-4
    plain = optim.SGD([Parameter(np.ones(2))], lr=0.1)  # (PyTorch's optimizers alike)
    plain.learning_rate.assign(0.5)
    assert plain.param_groups[0]["lr"] == 0.5
    scheduled = keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    assert scheduled.learning_rate == 0.1
    with pytest.raises(TypeError, match="learning rate is not settable"):
        scheduled.learning_rate.assign(0.2)
