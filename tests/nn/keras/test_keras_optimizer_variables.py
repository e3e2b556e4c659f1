"""Keras 3's `optimizer.variables` on the built-in optimizers: Keras' names, paths, order,
shapes, dtypes and values (Keras 3.15.1, torch backend, printed after 2 steps of fit on the
model and data below: literals), live on the optimizer's state (a list taken once stays
right through updates, load_state_dict and a reloaded model) and assignable where Keras'
are."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.keras as keras

KERNEL = np.array([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]], np.float32)
BIAS = np.array([0.1, -0.2], np.float32)
X = (np.arange(12, dtype=np.float32).reshape(4, 3) - 5) / 4
Y = np.array([[1, 0], [0, 1], [1, 1], [0.5, -1]], np.float32)
OPTIONS = {"SGD": {"momentum": 0.9, "learning_rate": 0.1},
           "RMSprop": {"momentum": 0.5, "centered": True}, "Adam": {"amsgrad": True}}

# (path, name, shape, dtype, value) of each variable, in Keras' order
KERAS = {
    "SGD": [
        ("sgd/iteration", "iteration", (), "int32", 2),
        ("sgd/learning_rate", "learning_rate", (), "float32", 0.1),
        ("sgd/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[-0.0261777, -0.136414],
          [0.013627, -0.124521],
          [0.0534316, -0.112629]]),
        ("sgd/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [0.159219, 0.0475703]),
    ],
    "Adam": [
        ("adam/iteration", "iteration", (), "int32", 2),
        ("adam/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adam/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.0345125, 0.139856],
          [-0.00305937, 0.128503],
          [-0.0406312, 0.11715]]),
        ("adam/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.000890421, 0.00108548],
          [0.0008314, 0.000943948],
          [0.000928316, 0.00094353]]),
        ("adam/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150287, -0.0454125]),
        ("adam/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.00124749, 0.00112892]),
        ("adam/s_d_kernel_velocity_hat", "s_d_kernel_velocity_hat", (3, 2), "float32",
         [[0.000890421, 0.00108548],
          [0.0008314, 0.000943948],
          [0.000928316, 0.00094353]]),
        ("adam/s_d_bias_velocity_hat", "s_d_bias_velocity_hat", (2,), "float32",
         [0.00124749, 0.00112892]),
    ],
    "AdamW": [
        ("adam_w/iteration", "iteration", (), "int32", 2),
        ("adam_w/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adam_w/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.0345125, 0.139856],
          [-0.00305935, 0.128503],
          [-0.0406312, 0.11715]]),
        ("adam_w/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.000890421, 0.00108548],
          [0.0008314, 0.000943945],
          [0.000928316, 0.000943526]]),
        ("adam_w/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150287, -0.0454127]),
        ("adam_w/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32",
         [0.00124749, 0.00112892]),
    ],
    "RMSprop": [
        ("rm_sprop/iteration", "iteration", (), "int32", 2),
        ("rm_sprop/learning_rate", "learning_rate", (), "float32", 0.001),
        ("rm_sprop/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.0822228, 0.102495],
          [0.0793361, 0.0911457],
          [0.0914497, 0.0926916]]),
        ("rm_sprop/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.120002, 0.103161]),
        ("rm_sprop/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.000189972, 0.00416611],
          [-0.000574261, 0.00468469],
          [-0.0011434, 0.00497356]]),
        ("rm_sprop/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32",
         [-0.0043689, -0.000346833]),
        ("rm_sprop/s_d_kernel_average_gradient", "s_d_kernel_average_gradient", (3, 2), "float32",
         [[0.0341771, 0.139521],
          [-0.00348959, 0.128073],
          [-0.0411563, 0.116625]]),
        ("rm_sprop/s_d_bias_average_gradient", "s_d_bias_average_gradient", (2,), "float32",
         [-0.150667, -0.0457917]),
    ],
    "Adagrad": [
        ("adagrad/iteration", "iteration", (), "int32", 2),
        ("adagrad/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adagrad/s_d_kernel_accumulator", "s_d_kernel_accumulator", (3, 2), "float32",
         [[0.99098, 1.18665],
          [0.931529, 1.04513],
          [1.02803, 1.04489]]),
        ("adagrad/s_d_bias_accumulator", "s_d_bias_accumulator", (2,), "float32",
         [1.34765, 1.23033]),
    ],
    "Adadelta": [
        ("adadelta/iteration", "iteration", (), "int32", 2),
        ("adadelta/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adadelta/s_d_kernel_accumulated_grad", "s_d_kernel_accumulated_grad", (3, 2), "float32",
         [[0.0427042, 0.0529999],
          [0.0403795, 0.0467223],
          [0.045668, 0.0472181]]),
        ("adadelta/s_d_kernel_accumulated_delta_var", "s_d_kernel_accumulated_delta_var",
         (3, 2), "float32",
         [[1.35451e-07, 1.94174e-07],
          [1.91738e-07, 2.42887e-07],
          [2.47443e-07, 2.81131e-07]]),
        ("adadelta/s_d_bias_accumulated_grad", "s_d_bias_accumulated_grad", (2,), "float32",
         [0.0609061, 0.0541858]),
        ("adadelta/s_d_bias_accumulated_delta_var", "s_d_bias_accumulated_delta_var",
         (2,), "float32",
         [2.10162e-07, 1.28334e-07]),
    ],
    "Adamax": [
        ("adamax/iteration", "iteration", (), "int32", 2),
        ("adamax/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adamax/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.0345125, 0.139856],
          [-0.00305937, 0.128503],
          [-0.0406312, 0.11715]]),
        ("adamax/s_d_kernel_norm", "s_d_kernel_norm", (3, 2), "float32",
         [[0.846028, 0.74925],
          [0.661837, 0.829406],
          [0.836625, 0.93525]]),
        ("adamax/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150287, -0.0454125]),
        ("adamax/s_d_bias_norm", "s_d_bias_norm", (2,), "float32", [0.839125, 0.974025]),
    ],
    "Nadam": [
        ("nadam/iteration", "iteration", (), "int32", 2),
        ("nadam/learning_rate", "learning_rate", (), "float32", 0.001),
        ("nadam/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.0345035, 0.139847],
          [-0.00307096, 0.128492],
          [-0.0406454, 0.117136]]),
        ("nadam/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.000890497, 0.00108535],
          [0.000831546, 0.000943756],
          [0.000928553, 0.000943266]]),
        ("nadam/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150298, -0.0454227]),
        ("nadam/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.00124766, 0.00112883]),
        ("variable", "variable", (), "float32", 0.227111),
    ],
    "Ftrl": [
        ("ftrl/iteration", "iteration", (), "int32", 2),
        ("ftrl/learning_rate", "learning_rate", (), "float32", 0.001),
        ("ftrl/s_d_kernel_accumulator", "s_d_kernel_accumulator", (3, 2), "float32",
         [[0.916032, 0.881677],
          [0.776114, 0.599759],
          [0.763807, 0.437946]]),
        ("ftrl/s_d_kernel_linear", "s_d_kernel_linear", (3, 2), "float32",
         [[-310.563, 173.585],
          [-99.9876, -290.174],
          [235.173, -14.3162]]),
        ("ftrl/s_d_bias_accumulator", "s_d_bias_accumulator", (2,), "float32", [1.12089, 1.06084]),
        ("ftrl/s_d_bias_linear", "s_d_bias_linear", (2,), "float32", [-65.8133, 141.563]),
    ],
    "Lion": [
        ("lion/iteration", "iteration", (), "int32", 2),
        ("lion/learning_rate", "learning_rate", (), "float32", 0.001),
        ("lion/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.00421344, 0.0146606],
          [0.000290313, 0.0133059],
          [-0.00363281, 0.0119513]]),
        ("lion/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.0156925, -0.00541875]),
    ],
    "Lamb": [
        ("lamb/iteration", "iteration", (), "int32", 2),
        ("lamb/learning_rate", "learning_rate", (), "float32", 0.001),
        ("lamb/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.0345669, 0.139911],
          [-0.00299203, 0.12857],
          [-0.0405509, 0.11723]]),
        ("lamb/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.000889968, 0.00108627],
          [0.000830557, 0.000945065],
          [0.000926973, 0.000945034]]),
        ("lamb/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150236, -0.0453605]),
        ("lamb/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.00124662, 0.00112936]),
    ],
    "Adafactor": [
        ("adafactor/iteration", "iteration", (), "int32", 2),
        ("adafactor/learning_rate", "learning_rate", (), "float32", 0.001),
        ("adafactor/kernel", "kernel", (3,), "float32", [0.472795, 0.458503, 0.515674]),
        ("adafactor/kernel", "kernel", (2,), "float32", [0.438539, 0.526109]),
        ("adafactor/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.429875, 0.515714],
          [0.416881, 0.500126],
          [0.468862, 0.562486]]),
        ("bias", "bias", (), "int32", 0),
        ("bias", "bias", (), "int32", 0),
        ("adafactor/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.63549, 0.507895]),
    ],
    "Muon": [
        ("muon/iteration", "iteration", (), "int32", 2),
        ("muon/learning_rate", "learning_rate", (), "float32", 0.0010000000474974513),
        ("muon/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32", [[0.389197,
         1.43812], [0.00480622, 1.31306], [-0.379584, 1.18801]]),
        ("muon/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [-0.150069, -0.045148]),
        ("muon/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32", [0.00124383, 0.00113117]),
    ],
    "ScheduleFreeAdamW": [
        ("schedule_free_adam_w/iteration", "iteration", (), "int32", 2),
        ("schedule_free_adam_w/learning_rate", "learning_rate", (), "float32",
         0.0024999999441206455),
        ("schedule_free_adam_w/s_d_kernel_momentum", "s_d_kernel_momentum", (3, 2), "float32",
         [[0.499069, -0.304951], [0.199936, 0.794485], [-0.599428, 0.0940976]]),
        ("schedule_free_adam_w/s_d_kernel_velocity", "s_d_kernel_velocity", (3, 2), "float32",
         [[0.000892213, 0.00108235], [0.000834865, 0.000939356], [0.000933963, 0.000937216]]),
        ("schedule_free_adam_w/s_d_bias_momentum", "s_d_bias_momentum", (2,), "float32", [0.105159,
         -0.198902]),
        ("schedule_free_adam_w/s_d_bias_velocity", "s_d_bias_velocity", (2,), "float32",
         [0.00125157, 0.00112685]),
    ],
}


def _fitted(opt, steps=2):
    """The model, compiled with `opt`, after `steps` batches of 2 (Keras' run above)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="s")
    model.set_weights([KERNEL, BIAS])
    model.compile(optimizer=opt, loss="mse")
    if steps:
        model.fit(X[:2 * steps], Y[:2 * steps], batch_size=2, epochs=1, verbose=0,
                  shuffle=False)
    return model


def _described(variables):
    return [(v.path, v.name, tuple(v.shape), str(v.dtype)) for v in variables]


def _assert_values(variables, expected):
    for variable, (path, *_, value) in zip(variables, expected):
        np.testing.assert_allclose(variable.numpy(), value, rtol=2e-5, atol=1e-7,
                                   err_msg=path)


@pytest.mark.parametrize("name", list(KERAS))
def test_the_variables_are_keras_own(name):
    opt = getattr(keras.optimizers, name)(**OPTIONS.get(name, {}))
    _fitted(opt)
    assert _described(opt.variables) == [tuple(entry[:4]) for entry in KERAS[name]]
    _assert_values(opt.variables, KERAS[name])


def test_use_ema_and_accumulation_come_first_as_in_keras():
    """Keras 3.15.1: Adam(0.01, use_ema=True, gradient_accumulation_steps=2) after 3 calls."""
    opt = keras.optimizers.Adam(0.01, use_ema=True, gradient_accumulation_steps=2)
    model = _fitted(opt, steps=0)
    x = (np.arange(18, dtype=np.float32).reshape(6, 3) - 5) / 4
    y = np.tile(np.array([[1, 0], [0, 1], [1, 1]], np.float32), (2, 1))
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    kinds = ["average", "gradient_accumulator", "momentum", "velocity"]
    weights = [f"adam/s_d_{w}_{kind}" for kind in kinds[:2] for w in ("kernel", "bias")]
    own = [f"adam/s_d_{w}_{kind}" for w in ("kernel", "bias") for kind in kinds[2:]]
    assert [v.path for v in opt.variables] == ["adam/iteration", "adam/learning_rate",
                                                *weights, *own]
    got = {v.path: v.numpy() for v in opt.variables}
    assert got["adam/iteration"] == 3
    np.testing.assert_allclose(got["adam/s_d_kernel_average"],
                               [[0.49, -0.31], [0.21, 0.79], [-0.59, 0.09]], atol=1e-6)
    np.testing.assert_allclose(got["adam/s_d_bias_gradient_accumulator"],
                               [-0.39875, 0.263751], atol=2e-6)


def test_an_unbuilt_optimizer_lists_its_count_and_rate_and_a_schedule_no_rate():
    opt = keras.optimizers.Adagrad()
    assert _described(opt.variables) == [("adagrad/iteration", "iteration", (), "int32"),
                                         ("adagrad/learning_rate", "learning_rate", (),
                                          "float32")]
    assert [v.numpy().item() for v in opt.variables] == [0, np.float32(0.001)]
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)
    sgd = keras.optimizers.SGD(schedule)
    _fitted(sgd, steps=1)
    assert [v.path for v in sgd.variables] == ["sgd/iteration"]  # (no momentum: no slots)


def test_a_list_taken_once_follows_updates_loads_and_a_reloaded_model(tmp_path):
    opt = keras.optimizers.Adam(amsgrad=True)
    model = _fitted(opt, steps=0)
    held = opt.variables  # (compile bound the weights: their slots read Keras' zeros)
    assert len(held) == 8 and all(not v.numpy().any() for v in held[2:])
    model.fit(X, Y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    _assert_values(held, KERAS["Adam"])
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert [v.path for v in loaded.optimizer.variables] == [v.path for v in held]
    _assert_values(loaded.optimizer.variables, KERAS["Adam"])
    twin = keras.optimizers.Adam(amsgrad=True)
    other = _fitted(twin, steps=0)
    kept = twin.variables
    other.set_weights(model.get_weights())
    twin.load_state_dict(opt.state_dict())  # (new arrays in its state: still read)
    _assert_values(kept, KERAS["Adam"])
    for fitted in (model, other):
        fitted.fit(X, Y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(kept, held):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, err_msg=a.path)
    assert held[0].numpy() == 4


def test_assignments_go_into_the_optimizer():
    opt = keras.optimizers.SGD(0.1, momentum=0.9)
    model = _fitted(opt)
    count, rate, kernel_momentum, _ = opt.variables
    rate.assign(0.05)
    count.assign(7)
    assert opt.learning_rate == pytest.approx(0.05) and opt.iterations == 7
    kernel_momentum.assign(np.ones((3, 2)))  # (Keras' layout: Dense's weight is its .T)
    weight = model.trainable_weights[0]
    np.testing.assert_array_equal(opt.state[weight]["momentum_buffer"], np.ones((2, 3)))
    before = weight.data.copy()
    weight.grad = nn.Parameter(np.zeros((2, 3), np.float32))
    model.trainable_weights[1].grad = None
    opt.step()  # m <- 0.9 m - lr 0; w <- w + m
    np.testing.assert_allclose(weight.data, before + 0.9, rtol=1e-6)
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*sgd/s_d_kernel_momentum.*\(3, 2\)"):
        kernel_momentum.assign(np.zeros((2, 3)))


def test_what_keras_computes_is_not_assignable():
    opt = keras.optimizers.Adafactor()
    _fitted(opt)
    velocity = opt.variables[4]
    assert velocity.path == "adafactor/s_d_kernel_velocity"
    with pytest.raises(TypeError, match="computed from the optimizer's other state"):
        velocity.assign(np.zeros((3, 2)))


def test_a_subclass_may_declare_its_own_variables():
    class Momentary(keras.optimizers.Adam):
        keras_variable_kinds = [("exp_avg",)]
        keras_variable_names = {"exp_avg": "first"}

    opt = Momentary(name="m")
    _fitted(opt)
    assert [v.path for v in opt.variables] == ["m/iteration", "m/learning_rate",
                                                "m/s_d_kernel_first", "m/s_d_bias_first"]
    _assert_values(opt.variables[2:3], KERAS["Adam"][2:3])


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-10, 10, width=32), min_size=6, max_size=6),
       st.floats(0.0, 0.99))
def test_an_assigned_slot_reads_back_and_is_the_state(values, momentum):
    opt = keras.optimizers.SGD(0.1, momentum=momentum or 0.5)
    model = _fitted(opt, steps=1)
    slot = opt.variables[2]
    value = np.array(values, np.float32).reshape(3, 2)
    slot.assign(value)
    np.testing.assert_array_equal(slot.numpy(), value)
    weight = model.trainable_weights[0]
    np.testing.assert_array_equal(opt.state[weight]["momentum_buffer"], value.T)


@pytest.mark.parametrize("name", list(KERAS))
def test_assigning_the_variables_resumes_training_as_the_original(name):
    """Keras' way to carry an optimizer over (its variables' values, one by one): a fresh
    optimizer, never updated, goes on exactly as the one it took them from."""
    original = getattr(keras.optimizers, name)(**OPTIONS.get(name, {}))
    fresh = getattr(keras.optimizers, name)(**OPTIONS.get(name, {}))
    trained, twin = _fitted(original), _fitted(fresh, steps=0)
    twin.set_weights(trained.get_weights())
    computed = 0
    for source, target in zip(original.variables, fresh.variables):
        try:
            target.assign(source.numpy())
        except TypeError:  # (Adafactor's: a velocity computed from r and c, placeholders)
            computed += 1
    assert computed == (3 if name == "Adafactor" else 0)
    for model in (trained, twin):
        model.fit(X, Y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(trained.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_loss_scale_optimizer_lists_its_own_then_the_inner_ones():
    """(Keras 3.15.1, torch backend, the same model and 2 steps: its iteration and learning
    rate stay 0, the inner optimizer counts.)"""
    inner = keras.optimizers.SGD(momentum=0.9, learning_rate=0.1)
    opt = keras.optimizers.LossScaleOptimizer(inner, initial_scale=8.0, dynamic_growth_steps=3)
    _fitted(opt)
    assert [(v.path, str(v.dtype)) for v in opt.variables][:4] == [
        ("loss_scale_optimizer/iteration", "int32"),
        ("loss_scale_optimizer/learning_rate", "float32"),
        ("loss_scale_optimizer/step_counter", "int32"),
        ("loss_scale_optimizer/dynamic_scale", "float32")]
    assert [v.numpy().item() for v in opt.variables[:4]] == [0, 0.0, 2, 8.0]
    assert _described(opt.variables[4:]) == _described(inner.variables)
    _assert_values(opt.variables[4:], KERAS["SGD"])
    opt.variables[3].assign(np.array(4.0, np.float32))
    opt.variables[2].assign(np.array(1, np.int32))
    assert float(opt.dynamic_scale) == 4.0 and opt.step_counter == 1
    with pytest.raises(TypeError, match="loss_scale_optimizer/iteration"):
        opt.variables[0].assign(np.array(3, np.int32))
