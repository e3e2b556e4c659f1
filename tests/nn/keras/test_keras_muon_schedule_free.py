"""keras.optimizers.Muon and ScheduleFreeAdamW: tiny models trained as Keras 3.15.1 (torch
backend) trains them, from the same weights on the same data, and their configs."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

optimizers = keras.optimizers


def _dense_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.standard_normal((16, 3)).astype(np.float32)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5
               for s in [(4, 5), (5,), (5, 3), (3,)]]
    return x, y, weights


def _dense_model():
    """Keras' weights: hidden/kernel (2-D), hidden/bias, output_dense/kernel (2-D), bias."""
    x, y, weights = _dense_data()
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="tanh", name="hidden"),
                              layers.Dense(3, name="output_dense")])
    model.set_weights(weights)
    return x, y, model


def _embedding_model():
    """An Embedding (2-D, excluded from Muon by default) under a Dense."""
    rng = np.random.default_rng(5)
    x = rng.integers(0, 6, size=(16, 2)).astype(np.int32)
    y = rng.standard_normal((16, 2)).astype(np.float32)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5 for s in [(6, 3), (6, 2), (2,)]]
    model = keras.Sequential([keras.Input((2,), dtype="int32"), layers.Embedding(6, 3),
                              layers.Flatten(), layers.Dense(2)])
    model.set_weights(weights)
    return x, y, model


def _trained(make_model, optimizer, epochs=5):
    """The weights (Keras' layout) after `epochs` full-batch updates of the MSE."""
    x, y, model = make_model()
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights()


# Keras 3.15.1's weights (torch backend) after 5 updates, to float32's 7 digits; for
# ScheduleFreeAdamW, with its read of z_old made a copy (see schedule_free.py)
MUON_DEFAULT = [
    [[-0.01130337, 0.07113739, 0.3056467, -0.3256877, 0.6430803], [0.3058471, 0.4592426, 0.5885365, 0.4151071, 0.3779979], [0.06437772, -0.6766672, -0.04860054, -0.4715457, -0.7423501], [0.08928273, -0.3453563, -0.5151688, -0.5621649, 0.1224928]],  # noqa: E501
    [-0.06634708, 0.9049697, 0.2365778, 0.2780739, 0.9385924],
    [[0.6120275, -1.175434, 0.5364375], [0.165418, 0.2696237, 0.2048178], [0.1365067, 0.1757245, -0.1679991], [-0.9140556, -0.004681756, -0.3788123], [0.4963104, -0.1108216, 0.006100885]],  # noqa: E501
    [-0.1821281, -0.01128307, -0.2502874],
]
MUON_EXCLUDING_OUTPUT = [
    [[0.02757202, 0.07015494, 0.2611879, -0.2482351, 0.5101667], [0.2275061, 0.4519428, 0.5984118, 0.4214443, 0.2737764], [0.09819696, -0.5808886, -0.01586708, -0.5661108, -0.7868573], [0.04773894, -0.2646904, -0.5234778, -0.5557194, 0.1210684]],  # noqa: E501
    [0.05590853, 0.7827845, 0.1121583, 0.3987629, 0.8208386],
    [[0.6922682, -1.057024, 0.4902019], [0.2941404, 0.334286, 0.08852365], [0.07940115, 0.1363833, -0.05478839], [-0.8276457, 0.06694534, -0.4615386], [0.4621297, -0.02018942, -0.07229795]],  # noqa: E501
    [-0.3007255, -0.131291, -0.128334],
]
MUON_EMBEDDING_EXCLUDED = [
    [[-0.356507, -0.3643909, 0.5958347], [-0.6527804, 0.133071, -0.3014406], [-0.4076594, -0.6594003, 0.9610173], [0.03871345, 0.9702334, 0.5684074], [0.4923683, 0.2347282, -0.05631879], [-0.2409723, 0.432806, 0.05087304]],  # noqa: E501
    [[0.1191043, -0.09720364], [0.2683686, -0.2148647], [-0.07595634, 0.1300686], [0.05843322, -0.4078894], [0.3746759, -0.6645721], [-0.5943536, -0.5481323]],  # noqa: E501
    [0.2375865, -0.04991975],
]
MUON_EMBEDDING_INCLUDED = [
    [[-0.140113, -0.1928275, 0.4427395], [-0.5107639, 0.3287811, -0.5126922], [-0.1827422, -0.4714392, 0.6961405], [0.2329491, 1.164145, 0.3071845], [0.4036163, 0.4386909, -0.2603836], [-0.05905287, 0.6706072, -0.1156578]],  # noqa: E501
    [[0.1151042, -0.09526822], [0.2629683, -0.2068825], [-0.06921717, 0.130554], [0.05194981, -0.4118256], [0.3713097, -0.6524461], [-0.5931861, -0.5506148]],  # noqa: E501
    [0.2347336, 0.02171716],
]
SCHEDULE_FREE_DEFAULT = [
    [[0.1045644, -0.060073, 0.2075421, -0.2519433, 0.5476979], [0.2223535, 0.578345,
     0.7092403, 0.5515013, 0.3834897], [0.1174491, -0.5593119, 0.1075087, -0.4892537,
     -0.5539678], [-0.0308954, -0.1426104, -0.3719854, -0.4847662, 0.2902966]],
    [0.0418799, 0.8143895, 0.122816, 0.4029329, 0.8559895],
    [[0.6828066, -1.0679499, 0.4890782], [0.3410149, 0.3617174, 0.0744385], [0.1246364,
     0.2494154, -0.1685512], [-0.8188111, 0.0790881, -0.3946863], [0.4996474, 0.0007189,
     -0.104605]],
    [-0.2936313, -0.1173323, -0.1438016],
]
SCHEDULE_FREE_WARMUP_DECAY = [
    [[0.0753794, -0.0248983, 0.2306165, -0.2744073, 0.5800041], [0.2500172, 0.5414788,
     0.6822503, 0.5107456, 0.3638602], [0.1145993, -0.5831748, 0.0700528, -0.4702438,
     -0.5858153], [0.0026555, -0.1612158, -0.3944333, -0.5102911, 0.2508986]],
    [0.0690359, 0.7752917, 0.1005588, 0.4196545, 0.8122367],
    [[0.6611723, -1.0759954, 0.5073507], [0.3058088, 0.3255461, 0.0901545], [0.1214654,
     0.2691221, -0.1380849], [-0.8372313, 0.0507758, -0.4285157], [0.4975434, -0.0302921,
     -0.0716688]],
    [-0.3159649, -0.143905, -0.1143247],
]

SCHEDULE_FREE_BETA_HALF = [
    [[0.1315413, -0.0969395, 0.1711239, -0.2301737, 0.5074335], [0.1997379, 0.6015916,
     0.7336451, 0.5862627, 0.4063426], [0.1092436, -0.5377816, 0.1547063, -0.4966365,
     -0.5105039], [-0.0632819, -0.1465703, -0.3355627, -0.4469773, 0.3392218]],
    [0.020978, 0.8413193, 0.1490931, 0.3890288, 0.8912836],
    [[0.6851115, -1.0618645, 0.4762259], [0.3752985, 0.3906615, 0.0654099], [0.1329254,
     0.2982788, -0.2291487], [-0.8003647, 0.1007498, -0.3520865], [0.4697367, 0.0254265,
     -0.1361679]],
    [-0.2756951, -0.0961973, -0.1658705],
]

CASES = {
    "muon": (_dense_model, lambda: optimizers.Muon(learning_rate=0.05), MUON_DEFAULT),
    "muon excluding output": (_dense_model, lambda: optimizers.Muon(
        learning_rate=0.05, exclude_layers=["output"], adam_lr_ratio=0.5, weight_decay=0.1,
        adam_weight_decay=0.02, nesterov=False, momentum=0.9, rms_rate=None, ns_steps=3),
        MUON_EXCLUDING_OUTPUT),
    "muon embedding excluded": (_embedding_model, lambda: optimizers.Muon(learning_rate=0.05),
                                MUON_EMBEDDING_EXCLUDED),
    "muon embedding included": (_embedding_model, lambda: optimizers.Muon(
        learning_rate=0.05, exclude_embeddings=False), MUON_EMBEDDING_INCLUDED),
    "schedule-free": (_dense_model, lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.05),
                      SCHEDULE_FREE_DEFAULT),
    "schedule-free warmup decay": (_dense_model, lambda: optimizers.ScheduleFreeAdamW(
        learning_rate=0.05, warmup_steps=3, weight_decay=0.1, beta_1=0.8),
        SCHEDULE_FREE_WARMUP_DECAY),
    "schedule-free beta_1 0.5": (_dense_model, lambda: optimizers.ScheduleFreeAdamW(
        learning_rate=0.05, beta_1=0.5), SCHEDULE_FREE_BETA_HALF),
}


@pytest.mark.parametrize("case", CASES)
def test_training_gives_keras_weights(case):
    """(The weights move 0.08 to 0.26 from where they start; they agree to 2e-6.)"""
    make_model, make_optimizer, expected = CASES[case]
    for ours, keras_weights in zip(_trained(make_model, make_optimizer()), expected):
        np.testing.assert_allclose(ours, keras_weights, rtol=0, atol=1e-5)


def test_muon_routes_each_weight_as_keras_does():
    _, _, model = _dense_model()
    opt = optimizers.Muon(exclude_layers=["output"])
    routes = {w.path: opt.uses_adam(w) for w in model.trainable_variables}
    assert routes == {"sequential/hidden/kernel": False, "sequential/hidden/bias": True,
                      "sequential/output_dense/kernel": True,
                      "sequential/output_dense/bias": True}
    model.compile(optimizer=opt, loss="mse")
    x, y, _ = _dense_data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    kernel = model.layers[0].weight
    assert set(opt.state[kernel]) == {"momentum"}  # (Muon's: no velocity)
    assert set(opt.state[model.layers[0].bias]) == {"momentum", "velocity"}


def test_schedule_free_starts_its_momentum_at_the_weights():
    """At lr 0 nothing moves (but for rounding): z starts at w, and so does the average."""
    _, _, model = _dense_model()
    before = model.get_weights()
    opt = optimizers.ScheduleFreeAdamW(learning_rate=0.0)
    after = _trained(lambda: _dense_model(), opt, epochs=2)
    for a, b in zip(after, before):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_a_schedule_free_beta_1_weighs_z_against_the_average():
    """beta_1 0 makes the weight z itself (Adam's steps, unaveraged): no NaN from the
    division by beta_1."""
    averaged = _trained(_dense_model, optimizers.ScheduleFreeAdamW(learning_rate=0.05))
    plain = _trained(_dense_model, optimizers.ScheduleFreeAdamW(learning_rate=0.05,
                                                                beta_1=0.0))
    assert all(np.isfinite(w).all() for w in plain)
    assert max(np.abs(a - b).max() for a, b in zip(averaged, plain)) > 0.01


# ----- configs -----
MUON_CONFIG = {
    "name": "muon", "learning_rate": 0.0010000000474974513, "weight_decay": 0.004,
    "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
    "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
    "gradient_accumulation_steps": None, "adam_beta_1": 0.9, "adam_beta_2": 0.999,
    "epsilon": 1e-07, "exclude_layers": [], "muon_a": 3.4445, "muon_b": -4.775,
    "muon_c": 2.0315, "adam_lr_ratio": 1, "momentum": 0.95, "ns_steps": 5, "nesterov": True,
    "exclude_embeddings": True, "adam_weight_decay": 0.004, "rms_rate": 0.2}
SCHEDULE_FREE_CONFIG = {
    "name": "schedule_free_adam_w", "learning_rate": 0.0024999999441206455,
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None, "beta_1": 0.9,
    "beta_2": 0.999, "epsilon": 1e-08, "warmup_steps": 0}


@pytest.mark.parametrize("cls,config", [(optimizers.Muon, MUON_CONFIG),
                                        (optimizers.ScheduleFreeAdamW, SCHEDULE_FREE_CONFIG)])
def test_default_config_is_keras_in_keras_order(cls, config):
    made = cls().get_config()
    assert made == config and list(made) == list(config)


@pytest.mark.parametrize("make", [
    lambda: optimizers.Muon(learning_rate=0.02, exclude_layers=["head", "out.*"],
                            exclude_embeddings=False, muon_a=3.0, muon_b=-4.0, muon_c=1.5,
                            adam_lr_ratio=0.1, momentum=0.9, ns_steps=4, nesterov=False,
                            rms_rate=None, adam_weight_decay=None, name="mine"),
    lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.01, beta_1=0.8, beta_2=0.99,
                                         epsilon=1e-6, warmup_steps=10, weight_decay=0.01,
                                         clipnorm=1.0)])
def test_config_round_trip_and_deserialize_by_keras_name(make):
    opt = make()
    made = type(opt).from_config(opt.get_config())
    assert type(made) is type(opt) and made.get_config() == opt.get_config()
    spec = optimizers.serialize(opt)
    again = optimizers.deserialize(dict(spec, class_name=spec["class_name"].lower()))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


def test_hyperparameters_are_attributes_that_reach_the_groups():
    opt = optimizers.Muon(muon_b=-4.0, adam_beta_2=0.99)
    assert (opt.muon_a, opt.muon_b, opt.adam_beta_2, opt.rms_rate) == (3.4445, -4.0, 0.99, 0.2)
    opt.muon_c = 1.0
    opt.ns_steps = 2
    assert opt.param_groups[0]["ns_coefficients"] == (3.4445, -4.0, 1.0)
    assert opt.param_groups[0]["ns_steps"] == 2
    sf = optimizers.ScheduleFreeAdamW()
    sf.warmup_steps = 5
    assert sf.param_groups[0]["warmup_steps"] == 5 == sf.get_config()["warmup_steps"]


@pytest.mark.parametrize("make,words", [
    (lambda: optimizers.Muon(ns_steps=100), r"ns_steps must be an integer in \[0, 100\)"),
    (lambda: optimizers.Muon(adam_beta_1=1.5), "beta1"),
    (lambda: optimizers.Muon(momentum=-1), "momentum must be a number >= 0"),
    (lambda: optimizers.Muon(rms_rate=-0.2), "rms_rate must be a number >= 0"),
    (lambda: optimizers.Muon(exclude_layers="dense"), "exclude_layers is a list"),
    (lambda: optimizers.ScheduleFreeAdamW(warmup_steps=-1), "warmup_steps must be a number"),
    (lambda: optimizers.ScheduleFreeAdamW(beta_2=1.0), "beta2"),
])
def test_bad_arguments_are_refused_by_name(make, words):
    with pytest.raises((ValueError, TypeError), match=words):
        make()


# ----- saving and resuming -----
@pytest.mark.parametrize("make", [
    lambda: optimizers.Muon(learning_rate=0.05, exclude_layers=["output"]),
    lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=4)])
def test_a_saved_model_resumes_as_if_never_stopped(tmp_path, make):
    x, y, straight = _dense_model()
    straight.compile(optimizer=make(), loss="mse")
    straight.fit(x, y, batch_size=16, epochs=6, shuffle=False, verbose=0)
    _, _, model = _dense_model()
    model.compile(optimizer=make(), loss="mse")
    model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    # (an unnamed optimizer comes back named by its class, as every Keras one here does)
    saved = dict(model.optimizer.get_config(), name=model.optimizer.name)
    assert loaded.optimizer.get_config() == saved
    loaded.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,cls", [("muon", optimizers.Muon),
                                      ("schedulefreeadamw", optimizers.ScheduleFreeAdamW)])
def test_compile_and_get_take_keras_names(name, cls):
    """(Keras 3.15's get takes 'muon' and 'schedulefreeadamw', and not 'lamb')."""
    assert isinstance(optimizers.get(name), cls)
    x, y, model = _dense_model()
    model.compile(optimizer=name, loss="mse")
    assert isinstance(model.optimizer, cls)
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
