"""Keras' optimizer.exclude_from_weight_decay (nn/keras/optimizers/decay_exclusion.py): the
excluded weights get no decay, the others Keras' `w -= lr * wd * w` before the update."""
import numpy as np
import pytest

from nn import keras

L = keras.layers
X = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
Y = np.random.default_rng(1).standard_normal((16, 1)).astype("float32")


def _model(seed=0):
    np.random.seed(seed)
    return keras.Sequential([keras.Input((4,)), L.Dense(3), L.LayerNormalization(),
                             L.Dense(1)])


def _gradients(model):
    model.zero_grad()
    ((model(X) - Y) ** 2).mean().backward()
    return {id(w): w.grad.data.copy() for w in model.trainable_weights}


def test_sgd_step_decays_exactly_the_others():
    model = _model()
    lr, wd = 0.1, 0.5
    opt = keras.optimizers.SGD(learning_rate=lr, weight_decay=wd)
    opt.exclude_from_weight_decay(var_list=[model.layers[-1].weight], var_names=["bias",
                                                                                  "^gam"])
    opt.bind(model.parameters())
    before = {id(w): w.numpy().copy() for w in model.trainable_weights}
    grads = _gradients(model)
    opt.step()
    excluded = {"sequential/dense/bias", "sequential/layer_normalization/gamma",
                "sequential/dense_1/kernel", "sequential/dense_1/bias"}
    for w in model.trainable_weights:
        w0, g = before[id(w)], grads[id(w)]
        decayed = w0 if w.path in excluded else w0 - np.float32(lr * wd) * w0
        np.testing.assert_allclose(w.numpy(), decayed - np.float32(lr) * g, rtol=1e-6,
                                   atol=1e-7, err_msg=w.path)
    kept = [w.path for w in model.trainable_weights if w.path not in excluded]
    assert kept == ["sequential/dense/kernel", "sequential/layer_normalization/beta"]


def _one_fit_step(weight_decay, exclude=None):
    model = _model()
    opt = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=weight_decay)
    if exclude:
        opt.exclude_from_weight_decay(var_names=exclude)
    model.compile(opt, "mse")
    model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    return {w.path: w.numpy() for w in model.weights}, opt


def test_adamw_fit_matches_no_decay_for_excluded_weights():
    excluded, _ = _one_fit_step(0.3, exclude=["bias", "gamma", "beta"])
    decayed, _ = _one_fit_step(0.3)
    plain, _ = _one_fit_step(0.0)
    for path, value in excluded.items():
        expected = decayed[path] if path.endswith("kernel") else plain[path]
        np.testing.assert_allclose(value, expected, rtol=0, atol=1e-7, err_msg=path)
    gamma = "sequential/layer_normalization/gamma"  # (1 at first: decay shows; a bias is 0)
    assert not np.allclose(decayed[gamma], plain[gamma], rtol=0, atol=1e-4)


def test_refused_once_an_update_is_made():
    _, opt = _one_fit_step(0.3)
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["bias"])


def test_unused_costs_nothing_and_a_call_replaces_the_last():
    opt = keras.optimizers.AdamW(weight_decay=0.1)
    assert opt._decay_exclusion is None
    assert "exclude_from_weight_decay" not in opt.state_dict()
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.exclude_from_weight_decay(var_names=["kernel"])
    assert opt._decay_exclusion.names == ["kernel"]
    opt.exclude_from_weight_decay()
    assert opt._decay_exclusion is None


def test_state_dict_keeps_the_rule():
    model = _model()
    opt = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.3)
    opt.exclude_from_weight_decay(var_list=[model.layers[0].weight], var_names=["bias"])
    opt.bind(model.parameters())
    saved = opt.state_dict()
    assert saved["exclude_from_weight_decay"] == {"var_names": ["bias"], "params": [0]}
    twin = _model()
    fresh = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.3)
    fresh.bind(twin.parameters())
    fresh.load_state_dict(saved)
    for m, o in ((model, opt), (twin, fresh)):
        _gradients(m)
        o.step()
    for a, b in zip(model.weights, twin.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_model_save_and_load_keep_the_rule(tmp_path):
    model = _model()
    opt = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.3)
    opt.exclude_from_weight_decay(var_list=[model.layers[-1].weight], var_names=["gamma"])
    model.compile(opt, "mse")
    model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    rule = loaded.optimizer._decay_exclusion
    assert rule.names == ["gamma"]
    assert [w.path for w in rule.variables] == ["sequential/dense_1/kernel"]
    for m in (model, loaded):
        m.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-7)
