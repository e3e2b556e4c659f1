"""A user's own Keras optimizer (subclassing keras.optimizers.Optimizer, with build and
update_step, as Keras' guide writes it) trains, takes Keras' common arguments and saves its
state. Its rule here is Keras' SGD with momentum, so every trajectory must be the built-in
keras.optimizers.SGD(momentum=...)'s."""
import numpy as np
import pytest

import nn
import nn.keras as keras
import optim
from nn.keras import ops


class MySGD(keras.optimizers.Optimizer):
    """SGD with momentum, written as Keras' guide writes it."""

    def __init__(self, learning_rate=0.01, momentum=0.9, name="MySGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        for variable in variables:
            self.momentums.append(self.add_variable_from_reference(
                reference_variable=variable, name="momentum"))

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, ops.subtract(ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                                    ops.multiply(gradient, learning_rate)))
        self.assign_add(variable, m)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum})
        return config


class CountingSGD(MySGD):
    """MySGD with a variable made by shape: the updates it made."""

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.count = self.add_variable((), initializer="zeros", name="count")

    def update_step(self, gradient, variable, learning_rate):
        super().update_step(gradient, variable, learning_rate)
        self.assign_add(self.count, 1.0)


RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = (X @ RNG.normal(size=(4, 1)) + 0.1).astype("float32")
W0 = [RNG.normal(size=s).astype("float32") * 0.5 for s in [(4, 8), (8,), (8, 1), (1,)]]


def _model(optimizer):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1)])
    model.set_weights(W0)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _fit(model, epochs):
    return model.fit(X, Y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)


def _gap(a, b):
    return max(float(np.abs(u - v).max()) for u, v in zip(a.get_weights(), b.get_weights()))


def test_every_keras_optimizer_is_an_instance_of_the_base():
    assert isinstance(keras.optimizers.Adam(), keras.optimizers.Optimizer)
    assert issubclass(keras.optimizers.SGD, keras.optimizers.Optimizer)
    assert isinstance(MySGD(), keras.optimizers.Optimizer)
    assert not isinstance(optim.Adam(), keras.optimizers.Optimizer)
    assert not isinstance(MySGD(), CountingSGD)  # (a subclass's check is Python's own)


@pytest.mark.parametrize("options", [
    {}, {"weight_decay": 0.1}, {"clipnorm": 0.05}, {"clipvalue": 0.01},
    {"global_clipnorm": 0.05}, {"use_ema": True, "ema_momentum": 0.9,
                                "ema_overwrite_frequency": 3},
    {"gradient_accumulation_steps": 2}, {"loss_scale_factor": 8.0}])
def test_fit_follows_the_builtin_sgd_with_the_common_arguments(options):
    mine, builtin = _model(MySGD(0.05, momentum=0.9, **options)), _model(
        keras.optimizers.SGD(0.05, momentum=0.9, **options))
    history = _fit(mine, 3)
    _fit(builtin, 3)
    assert _gap(mine, builtin) < 1e-6
    assert mine.optimizer.iterations == builtin.optimizer.iterations
    if not options:  # (the rule trains: the fitted line's loss falls well below its start)
        assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def _hand_loop(optimizer, steps=8):
    model = _model(optimizer)
    loss_fn = keras.losses.MeanSquaredError()
    for step in range(steps):
        batch = slice(step * 8, (step + 1) * 8)
        model.zero_grad()
        loss_fn(Y[batch], model(X[batch])).backward()
        weights = model.trainable_weights
        grads = [w.value.grad for w in weights]
        if step % 2:
            optimizer.apply(grads, weights)
        else:
            optimizer.apply_gradients(zip(grads, weights))
    return model


def test_a_hand_written_loop_follows_the_builtin_sgd():
    mine = _hand_loop(MySGD(0.05, momentum=0.9, clipnorm=0.05))
    builtin = _hand_loop(keras.optimizers.SGD(0.05, momentum=0.9, clipnorm=0.05))
    assert _gap(mine, builtin) < 1e-6
    assert mine.optimizer.iterations == 8


def test_exclude_from_weight_decay_reaches_the_rule():
    mine, builtin = MySGD(0.05, weight_decay=0.5), keras.optimizers.SGD(
        0.05, momentum=0.9, weight_decay=0.5)
    for opt in (mine, builtin):
        opt.exclude_from_weight_decay(var_names=["bias"])
    a, b = _model(mine), _model(builtin)
    _fit(a, 2)
    _fit(b, 2)
    assert _gap(a, b) < 1e-6


@pytest.mark.parametrize("cls", [MySGD, CountingSGD])
def test_state_dict_resumes_the_trajectory_before_and_after_build(cls):
    full = _model(cls(0.05))
    _fit(full, 4)
    half = _model(cls(0.05))
    _fit(half, 2)
    saved = half.optimizer.state_dict()
    assert set(saved["state"][1]) == {"momentum"}
    for warm in (0, 1):  # a fresh optimizer (loaded, then built), a built one
        opt = cls(0.05)
        model = _model(opt)
        _fit(model, warm)
        model.set_weights(half.get_weights())
        opt.load_state_dict(saved)
        _fit(model, 2)
        assert _gap(model, full) < 1e-7
    if cls is CountingSGD:
        assert float(opt.count.data) == float(full.optimizer.count.data) == 64


@pytest.mark.parametrize("cls", [MySGD, CountingSGD])
def test_model_save_keeps_the_optimizer_its_config_and_state(cls, tmp_path):
    full = _model(cls(0.05, momentum=0.8, clipnorm=0.5))
    _fit(full, 4)
    half = _model(cls(0.05, momentum=0.8, clipnorm=0.5))
    _fit(half, 2)
    half.save(tmp_path / "m.rungrad")
    back = nn.load_model(tmp_path / "m.rungrad", custom_objects={cls.__name__: cls})
    assert type(back.optimizer) is cls
    assert back.optimizer.get_config() == half.optimizer.get_config()
    _fit(back, 2)
    assert _gap(back, full) == 0.0


def test_get_config_round_trips():
    opt = MySGD(0.02, momentum=0.5, clipvalue=1.0, weight_decay=0.01)
    config = opt.get_config()
    assert config["learning_rate"] == pytest.approx(0.02)
    assert (config["momentum"], config["clipvalue"], config["weight_decay"]) == (0.5, 1.0, 0.01)
    assert MySGD.from_config(config).get_config() == config


def test_variables_are_the_ones_build_made():
    opt = CountingSGD(0.05)
    model = _model(opt)
    _fit(model, 1)
    assert len(opt.variables) == len(model.trainable_weights) + 1
    assert opt.variables[0].shape == model.trainable_weights[0].shape


class _NoSuper(MySGD):
    def build(self, variables):
        self.momentums = []


class _NoRule(keras.optimizers.Optimizer):
    pass


def test_mistakes_are_named():
    with pytest.raises(TypeError, match="super\\(\\).build"):
        _fit(_model(_NoSuper(0.05)), 1)
    with pytest.raises(NotImplementedError, match="update_step"):
        _fit(_model(_NoRule(0.05)), 1)
    with pytest.raises(TypeError, match="unexpected argument 'momentm'"):
        keras.optimizers.Optimizer(0.1, momentm=0.9)


def test_a_variable_it_was_not_built_with_is_refused():
    opt = MySGD(0.05)
    _fit(_model(opt), 1)
    other = _model(MySGD(0.05))
    with pytest.raises(ValueError, match="can only update the variables it was built with"):
        opt.apply([np.ones_like(w.data) for w in other.trainable_weights],
                  other.trainable_weights)


def test_bad_variables_are_refused():
    opt = MySGD(0.05)
    weight = _model(opt).trainable_weights[0]
    opt.add_variable_from_reference(weight, "slot")
    with pytest.raises(ValueError, match="already has an optimizer variable named 'slot'"):
        opt.add_variable_from_reference(weight, "slot")
    with pytest.raises(ValueError, match="'average' is the optimizer's own"):
        opt.add_variable_from_reference(weight, "average")
    with pytest.raises(ValueError, match="shape must be a tuple"):
        opt.add_variable("three")


def test_a_loaded_state_of_another_shape_is_refused():
    opt = MySGD(0.05)
    model = _model(opt)
    _fit(model, 1)
    saved = opt.state_dict()
    saved["state"][0]["momentum"] = np.zeros((2, 2), "float32")
    with pytest.raises(ValueError, match="'momentum' has shape \\(2, 2\\)"):
        opt.load_state_dict(saved)
