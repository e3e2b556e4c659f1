"""Keras 3's get_config / from_config of every built-in optimizer, and keras.optimizers'
serialize / deserialize / get of a config (the dicts are Keras 3.15's, as it prints them)."""
import pytest

import nn.keras as keras

optimizers = keras.optimizers
COMMON = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
          "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
          "loss_scale_factor": None, "gradient_accumulation_steps": None}
LR = 0.0010000000474974513  # (1e-3 in Keras' float32)
MOMENTS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}
KERAS_DEFAULTS = {
    "SGD": ("sgd", 0.009999999776482582, {"momentum": 0.0, "nesterov": False}),
    "Adam": ("adam", LR, {**MOMENTS, "amsgrad": False}),
    "AdamW": ("adam_w", LR, {**MOMENTS, "amsgrad": False}),
    "RMSprop": ("rm_sprop", LR, {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                                 "centered": False}),
    "Adagrad": ("adagrad", LR, {"initial_accumulator_value": 0.1, "epsilon": 1e-07}),
    "Adadelta": ("adadelta", LR, {"rho": 0.95, "epsilon": 1e-07}),
    "Adamax": ("adamax", LR, MOMENTS),
    "Nadam": ("nadam", LR, MOMENTS),
    "Lion": ("lion", LR, {"beta_1": 0.9, "beta_2": 0.99}),
    "Adafactor": ("adafactor", LR, {"beta_2_decay": -0.8, "epsilon_1": 1e-30,
                                    "epsilon_2": 0.001, "clip_threshold": 1.0,
                                    "relative_step": True}),
    "Ftrl": ("ftrl", LR, {"learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
                          "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
                          "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0}),
    "Lamb": ("lamb", LR, MOMENTS),
}


def keras_config(name, rate, own, **common):
    return {"name": name, "learning_rate": rate, **COMMON, **common, **own}


@pytest.mark.parametrize("cls", sorted(KERAS_DEFAULTS))
def test_default_config_is_keras(cls):
    name, rate, own = KERAS_DEFAULTS[cls]
    extra = {"weight_decay": 0.004} if cls == "AdamW" else {}
    config = getattr(optimizers, cls)().get_config()
    assert config == keras_config(name, rate, own, **extra)
    assert list(config) == list(keras_config(name, rate, own))  # (Keras' order too)


@pytest.mark.parametrize("cls", sorted(KERAS_DEFAULTS))
def test_round_trip(cls):
    opt = getattr(optimizers, cls)(learning_rate=0.25, clipnorm=1.0, weight_decay=0.01, name="mine")
    made = type(opt).from_config(opt.get_config())
    assert type(made) is type(opt) and made.get_config() == opt.get_config()
    assert float(made.learning_rate) == 0.25 and made.weight_decay == 0.01


def test_schedule_is_serialized_as_keras():
    schedule = optimizers.schedules.ExponentialDecay(0.01, 100, 0.9)
    opt = optimizers.Adam(learning_rate=schedule, clipnorm=1.0, weight_decay=0.01, use_ema=True)
    config = opt.get_config()
    assert config["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.01, "decay_steps": 100, "decay_rate": 0.9,
                   "staircase": False, "name": "ExponentialDecay"}, "registered_name": None}
    made = optimizers.Adam.from_config(config)
    assert isinstance(made._schedule, optimizers.schedules.ExponentialDecay)
    assert made.get_config() == config


def test_serialize_deserialize_and_get():
    sgd = optimizers.SGD(0.1, momentum=0.9)
    spec = optimizers.serialize(sgd)
    assert spec == {"module": "keras.optimizers", "class_name": "SGD",
                    "config": sgd.get_config(), "registered_name": None}
    assert optimizers.deserialize(spec).get_config() == sgd.get_config()
    # Keras' built-in names in any case, and a config written by Keras' torch backend
    assert isinstance(optimizers.deserialize({"class_name": "adam", "config": {}}), optimizers.Adam)
    made = optimizers.get({"module": "keras.src.backend.torch.optimizers.torch_sgd",
                  "class_name": "SGD", "registered_name": "SGD",
                  "config": {"name": "sgd_1", "learning_rate": 0.5, "momentum": 0.9}})
    assert isinstance(made, optimizers.SGD) and made.momentum == 0.9 and made.name == "sgd_1"


def test_custom_optimizer_config_adds_its_own():
    class MySGD(optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def get_config(self):
            return {**super().get_config(), "momentum": self.momentum}

    config = MySGD(momentum=0.5).get_config()
    assert config == {"name": "my_sgd", "learning_rate": 0.009999999776482582, **COMMON,
                      "momentum": 0.5}
    assert MySGD.from_config(config).get_config() == config
