"""Keras 3's MultiOptimizer and OptimizerMap: each weight trained by the optimizer its path
maps to, as Keras 3.15.1 trains it (torch backend; its weights, variables and config after
3 steps of fit on the model and data below are the literals here)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.keras as keras

optimizers = keras.optimizers
K1 = [[0.12573022, -0.13210486, 0.64042264, 0.10490011],
      [-0.53566939, 0.36159506, 1.304, 0.94708097],
      [-0.70373523, -1.2654215, -0.62327445, 0.041325979]]
B1 = [-2.3250308, -0.21879166, -1.245911, -0.73226738]
K2 = [[-0.54425901, -0.31630015], [0.41163054, 1.0425134], [-0.12853466, 1.3664634],
      [-0.66519469, 0.35151008]]
B2 = [0.90347016, 0.094012298]
X = np.array([[-0.74349928, -0.92172539, -0.45772582], [0.22019513, -1.0096182, -0.20917557],
              [-0.15922502, 0.54084557, 0.21465912], [0.3553727, -0.65382862, -0.12961364],
              [0.78397548, 1.4934311, -1.2590655], [1.5139238, 1.3458754, 0.78131139]],
             np.float32)
Y = np.array([[0.26445562, -0.31392282], [1.4580207, 1.9602584], [1.8016349, 1.3151038],
              [0.35738042, -1.2083186], [-0.0044541331, 0.65647495], [-1.2883614, 0.39512205]],
             np.float32)

# Keras' weights after 3 steps: d1 by SGD(0.1, momentum=0.9), d2 by the default Adam(0.01)
KERAS_WEIGHTS = [
    [[0.1166762, -0.1699571, 0.5956025, 0.1411086],
     [-0.5334509, 0.005377963, 1.325387, 0.9451325],
     [-0.7134949, -1.323018, -0.5967117, 0.05172288]],
    [-2.31459, 0.3037473, -1.08093, -0.5671002],
    [[-0.515042, -0.3383304], [0.4059352, 1.014375], [-0.108173, 1.338886],
     [-0.6434899, 0.326169]],
    [0.8742576, 0.1160477]]
KERAS_VARIABLES = [  # (path, value)
    ("multi_optimizer/iteration", 3), ("multi_optimizer/learning_rate", 0.0),
    ("sgd/iteration", 3), ("sgd/learning_rate", 0.1),
    ("sgd/sequential_d1_kernel_momentum",
     [[0.0002225264, -0.06813028, -0.03464273, 0.04462714],
      [0.00387998, -0.1286691, 0.0004922673, 0.03154349],
      [-0.006389412, -0.01893704, 0.01473557, 0.01961801]]),
    ("sgd/sequential_d1_bias_momentum", [0.007227644, 0.1451627, 0.06206744, 0.08548176]),
    ("adam/iteration", 3), ("adam/learning_rate", 0.01),
    ("adam/sequential_d2_kernel_momentum",
     [[-0.3126739, 0.1145988], [-0.00468789, 0.1509249], [-0.02563095, 0.3740705],
      [-0.05650521, 0.2810757]]),
    ("adam/sequential_d2_kernel_velocity",
     [[0.004280673, 0.007304832], [3.72785e-06, 0.001104663], [0.003973558, 0.007073021],
      [0.002875771, 0.005198403]]),
    ("adam/sequential_d2_bias_momentum", [0.3261228, -0.1260252]),
    ("adam/sequential_d2_bias_velocity", [0.004631693, 0.008143458])]
COMMON = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
          "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
          "loss_scale_factor": None, "gradient_accumulation_steps": None}
KERAS_CONFIGS = {  # Keras' configs of the inner optimizers in MultiOptimizer.get_config()
    "SGD": {"name": "sgd", "learning_rate": 0.10000000149011612, **COMMON, "momentum": 0.9,
            "nesterov": False},
    "Adam": {"name": "adam", "learning_rate": 0.009999999776482582, **COMMON, "beta_1": 0.9,
             "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh",
                                                                    name="d1"),
                              keras.layers.Dense(2, name="d2")])
    model.set_weights([np.array(w, np.float32) for w in (K1, B1, K2, B2)])
    return model


def _keras_map():
    return optimizers.OptimizerMap(optimizers.Adam(0.01),
                                   {"sequential/d1/.*": optimizers.SGD(0.1, momentum=0.9)})


def _fitted(opt, model=None):
    model = model or _model()
    model.compile(optimizer=opt, loss="mse")
    model.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    return model


def _assert_weights(model, expected, atol=2e-6):
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=atol)


def test_each_layer_trains_with_its_optimizer_as_in_keras():
    opt = optimizers.MultiOptimizer(_keras_map())
    model = _fitted(opt)
    _assert_weights(model, KERAS_WEIGHTS)
    assert [type(o).__name__ for o in opt.optimizers] == ["SGD", "Adam"]  # (map, default)
    assert opt.iterations == 3 and [o.iterations for o in opt.optimizers] == [3, 3]
    assert [v.path for v in opt.variables] == [path for path, _ in KERAS_VARIABLES]
    for variable, (path, value) in zip(opt.variables, KERAS_VARIABLES):
        np.testing.assert_allclose(variable.numpy(), value, rtol=2e-5, atol=1e-7,
                                   err_msg=path)
    assert isinstance(opt, optimizers.Optimizer)


def test_a_function_of_the_variable_chooses_as_a_map_does():
    sgd, adam = optimizers.SGD(0.1, momentum=0.9), optimizers.Adam(0.01)
    opt = optimizers.MultiOptimizer(lambda v: sgd if v.path.startswith("sequential/d1/")
                                    else adam)
    _assert_weights(_fitted(opt), KERAS_WEIGHTS)
    assert opt.optimizers == [sgd, adam]  # (in the order the variables asked for them)


def test_get_config_and_from_config_are_keras():
    opt = optimizers.MultiOptimizer(_keras_map())
    config = opt.get_config()
    assert list(config) == ["optimizer_map", "loss_scale_factor", "name"]
    assert (config["loss_scale_factor"], config["name"]) == (None, "multi_optimizer")
    mapping = config["optimizer_map"]
    assert (mapping["module"], mapping["class_name"]) == ("keras.optimizers", "OptimizerMap")
    inner = mapping["config"]
    assert inner["default_optimizer"]["class_name"] == "Adam"
    assert inner["default_optimizer"]["config"] == KERAS_CONFIGS["Adam"]
    assert list(inner["optimizer_map"]) == ["sequential/d1/.*"]
    assert inner["optimizer_map"]["sequential/d1/.*"]["config"] == KERAS_CONFIGS["SGD"]
    again = optimizers.MultiOptimizer.from_config(config)
    assert again.get_config() == config
    _assert_weights(_fitted(again), KERAS_WEIGHTS)


def test_optimizer_map_lookup_is_keras():
    """Keras' docstring example: an exact key first, then the one regular expression that
    matches the whole path, else the default."""
    adam, sgd, rmsprop = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    mapping = optimizers.OptimizerMap(default_optimizer=rmsprop)
    mapping["encoder/layer_0/dense"] = adam
    mapping["encoder/.*"] = sgd
    mapping["decoder"] = adam
    assert mapping["decoder"] is adam and mapping["encoder/layer_0/dense"] is adam
    assert mapping["encoder/layer_0/attention/query"] is sgd
    assert mapping["decoder/layer_0/dense"] is rmsprop
    assert len(mapping) == 3 and list(mapping) == ["encoder/layer_0/dense", "encoder/.*",
                                                   "decoder"]
    mapping[".*/query"] = adam
    with pytest.raises(ValueError, match="matches more than one key"):
        _ = mapping["encoder/layer_0/attention/query"]
    del mapping[".*/query"]
    assert mapping["encoder/layer_0/attention/query"] is sgd


@pytest.mark.parametrize("make, error, message", [
    (lambda m: m.__setitem__("decoder", optimizers.SGD()), ValueError, "already has"),
    (lambda m: m.__setitem__(3, optimizers.SGD()), ValueError, "a string"),
    (lambda m: m.__setitem__("x", nn.Linear(2, 2)), ValueError, "must be a Keras optimizer"),
    (lambda m: m.__setitem__("x", optimizers.LossScaleOptimizer(optimizers.SGD())),
     ValueError, "LossScaleOptimizer"),
    (lambda m: m.__setitem__("x", optimizers.MultiOptimizer(m)), ValueError,
     "cannot be a MultiOptimizer"),
    (lambda m: optimizers.OptimizerMap("sgd"), TypeError, "default_optimizer must be"),
    (lambda m: optimizers.OptimizerMap(optimizers.SGD(), [1]), TypeError, "must be a dict"),
    (lambda m: optimizers.MultiOptimizer("adam"), TypeError, "OptimizerMap or a function"),
])
def test_bad_maps_are_refused_by_name(make, error, message):
    mapping = optimizers.OptimizerMap(optimizers.Adam(), {"decoder": optimizers.Adam()})
    with pytest.raises(error, match=message):
        make(mapping)


def test_it_has_no_learning_rate_of_its_own():
    opt = optimizers.MultiOptimizer(_keras_map())
    with pytest.raises(AttributeError, match="no learning rate of its own"):
        _ = opt.learning_rate
    with pytest.raises(AttributeError, match="no learning rate of its own"):
        opt.learning_rate = 0.1


def test_loss_scale_factor_reaches_every_inner_optimizer():
    opt = optimizers.MultiOptimizer(_keras_map(), loss_scale_factor=8.0)
    assert [o.loss_scale_factor for o in opt.optimizers] == [8.0, 8.0]
    _assert_weights(_fitted(opt), KERAS_WEIGHTS)  # (scaled, then each share unscaled)


def test_a_saved_model_goes_on_training_as_the_original(tmp_path):
    model = _fitted(optimizers.MultiOptimizer(_keras_map()))
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is optimizers.MultiOptimizer
    assert loaded.optimizer.iterations == 3
    assert [o.iterations for o in loaded.optimizer.optimizers] == [3, 3]
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        assert a.path == b.path
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for fitted in (model, loaded):
        fitted.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    _assert_weights(loaded, model.get_weights(), atol=0)


def test_under_a_loss_scale_optimizer_each_share_keeps_its_optimizer(tmp_path):
    """Keras' LossScaleOptimizer(MultiOptimizer) routes as the MultiOptimizer alone (its
    bind gave every weight to the first inner optimizer, SGD); save and load keep it."""
    multi = optimizers.MultiOptimizer(_keras_map())
    model = _fitted(keras.mixed_precision.LossScaleOptimizer(multi))
    _assert_weights(model, KERAS_WEIGHTS)  # (a power-of-2 scale: unscaled exactly)
    assert [o.iterations for o in multi.optimizers] == [3, 3]
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    for fitted in (model, loaded):
        fitted.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    _assert_weights(loaded, model.get_weights(), atol=0)


@settings(max_examples=10, deadline=None)
@given(st.floats(1e-3, 0.2), st.floats(0.0, 0.95), st.sampled_from(["d1", "d2"]))
def test_one_rule_for_both_shares_trains_as_one_optimizer(rate, momentum, layer):
    """Each share updated by an SGD of the same settings: the weights of one SGD."""
    mapping = optimizers.OptimizerMap(
        optimizers.SGD(rate, momentum=momentum),
        {f"sequential/{layer}/.*": optimizers.SGD(rate, momentum=momentum)})
    split = _fitted(optimizers.MultiOptimizer(mapping))
    whole = _fitted(optimizers.SGD(rate, momentum=momentum))
    _assert_weights(split, whole.get_weights(), atol=0)
