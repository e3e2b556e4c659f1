"""Keras' Adafactor, Ftrl and Lamb: single steps against NumPy transcriptions of Keras 3's
update_step, and Keras' common options on them."""
import numpy as np
import pytest

import nn.keras as keras
import optim
from autograd import Parameter

RNG = np.random.default_rng(3)
W = {"matrix": RNG.normal(size=(3, 4)), "vector": RNG.normal(size=5)}
GRADS = [{k: RNG.normal(size=w.shape) for k, w in W.items()} for _ in range(3)]


def _run(opt, steps=3):
    params = {k: Parameter(w.copy()) for k, w in W.items()}
    opt.bind(list(params.values()))
    for grads in GRADS[:steps]:
        for k, p in params.items():
            p.grad = grads[k].copy()
        opt.step()
    return {k: p.data for k, p in params.items()}


def _reference(update, steps=3, **state):
    """Keras' update_step transcribed: update(w, g, t, state) per weight."""
    out = {}
    for k, w in W.items():
        w, s = w.copy(), {}
        for t in range(1, steps + 1):
            w = update(w, GRADS[t - 1][k], t, s)
        out[k] = w
    return out


def _rms(x):
    return np.sqrt(np.mean(x * x))


def _adafactor(lr, decay=-0.8, e1=1e-30, e2=1e-3, clip=1.0, wd=0.0):
    def update(w, g, t, s):
        w = w - w * wd * lr
        alpha = max(e2, _rms(w)) * min(lr, 1 / np.sqrt(t))
        sq, beta = g * g + e1, 1 - t ** decay
        if w.ndim >= 2:
            s["r"] = beta * s.get("r", 0) + (1 - beta) * sq.mean(-1)
            s["c"] = beta * s.get("c", 0) + (1 - beta) * sq.mean(-2)
            v = (s["r"] / s["r"].mean(-1, keepdims=True))[..., None] * s["c"][..., None, :]
        else:
            v = s["v"] = beta * s.get("v", 0) + (1 - beta) * sq
        u = g / np.sqrt(v)
        return w - alpha * u / max(1.0, _rms(u) / clip)
    return update


def _ftrl(lr, p=-0.5, init=0.1, l1=0.0, l2=0.0, shrink=0.0, beta=0.0):
    def update(w, g, t, s):
        n, z = s.get("n", np.full_like(w, init)), s.get("z", np.zeros_like(w))
        new = n + g * g
        z = z + g + 2 * shrink * w - (new ** -p - n ** -p) / lr * w
        s["n"], s["z"] = new, z
        return (np.clip(z, -l1, l1) - z) / (new ** -p / lr + 2 * (l2 + beta / (2 * lr)))
    return update


def _lamb(lr, b1=0.9, b2=0.999, eps=1e-7, wd=0.0):
    def update(w, g, t, s):
        w = w - w * wd * lr
        m = s["m"] = s.get("m", 0) + (g - s.get("m", 0)) * (1 - b1)
        v = s["v"] = s.get("v", 0) + (g * g - s.get("v", 0)) * (1 - b2)
        u = (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        return w - np.linalg.norm(w) / np.linalg.norm(u) * lr * u
    return update


CASES = [
    (lambda: keras.optimizers.Adafactor(learning_rate=0.1), _adafactor(0.1)),
    (lambda: keras.optimizers.Adafactor(learning_rate=0.05, weight_decay=0.1, epsilon_2=1e-2,
                                        clip_threshold=0.5, beta_2_decay=-0.6),
     _adafactor(0.05, decay=-0.6, e2=1e-2, clip=0.5, wd=0.1)),
    (lambda: keras.optimizers.Ftrl(learning_rate=0.1), _ftrl(0.1)),
    (lambda: keras.optimizers.Ftrl(learning_rate=0.2, learning_rate_power=-0.7,
                                   initial_accumulator_value=0.2, l1_regularization_strength=0.1,
                                   l2_regularization_strength=0.02,
                                   l2_shrinkage_regularization_strength=0.03, beta=0.1),
     _ftrl(0.2, p=-0.7, init=0.2, l1=0.1, l2=0.02, shrink=0.03, beta=0.1)),
    (lambda: keras.optimizers.Lamb(learning_rate=0.05), _lamb(0.05)),
    (lambda: keras.optimizers.Lamb(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-5,
                                   weight_decay=0.1), _lamb(0.05, 0.8, 0.99, 1e-5, 0.1)),
]


@pytest.mark.parametrize("make, update", CASES)
@pytest.mark.parametrize("steps", [1, 3])
def test_steps_match_keras_rule(make, update, steps):
    got, want = _run(make(), steps), _reference(update, steps)
    for k in W:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-14)


def test_ftrl_l1_makes_exact_zeros():
    got = _run(keras.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=100.0))
    assert not np.any(got["matrix"]) and not np.any(got["vector"])


@pytest.mark.parametrize("make", [c[0] for c in CASES[::2]])
def test_state_dict_resumes_the_trajectory(make):
    whole = _run(make(), 3)
    first = make()
    params = {k: Parameter(w.copy()) for k, w in W.items()}
    first.bind(list(params.values()))
    for k, p in params.items():
        p.grad = GRADS[0][k].copy()
    first.step()
    second = make().bind(list(params.values()))
    second.load_state_dict(first.state_dict())
    for grads in GRADS[1:]:
        for k, p in params.items():
            p.grad = grads[k].copy()
        second.step()
    for k in W:
        np.testing.assert_array_equal(params[k].data, whole[k])


def test_keras_options_and_attributes():
    opt = keras.optimizers.Adafactor(clip_threshold=2.0, relative_step=False)
    assert (opt.clip_threshold, opt.epsilon_1, opt.epsilon_2, opt.relative_step) == \
        (2.0, 1e-30, 1e-3, False)
    ftrl = keras.optimizers.Ftrl(l1_regularization_strength=0.5)
    assert ftrl.l1_regularization_strength == 0.5 and ftrl.learning_rate_power == -0.5
    lamb = keras.optimizers.Lamb(beta_1=0.8, gradient_accumulation_steps=2)
    assert lamb.beta_1 == 0.8 and lamb.epsilon == 1e-7 and lamb.gradient_accumulation_steps == 2


def test_clipnorm_applies_before_the_rule():
    clipped = _run(keras.optimizers.Lamb(learning_rate=0.05, clipnorm=1e-3), 1)
    # LAMB's step is scale-free in the gradient up to eps: only eps tells them apart
    plain = _run(keras.optimizers.Lamb(learning_rate=0.05), 1)
    assert not np.allclose(clipped["vector"], plain["vector"], rtol=1e-9, atol=0)


def test_optimizer_is_the_base_of_every_keras_optimizer():
    for cls in (keras.optimizers.Adam, keras.optimizers.Adafactor, keras.optimizers.Ftrl,
                keras.optimizers.Lamb, keras.optimizers.SGD):
        assert isinstance(cls(), keras.optimizers.Optimizer)
    assert not isinstance(optim.Adam(), keras.optimizers.Optimizer)


@pytest.mark.parametrize("make, message", [
    (lambda: keras.optimizers.Ftrl(learning_rate_power=0.5), "lr_power"),
    (lambda: keras.optimizers.Ftrl(l1_regularization_strength=-1), "l1"),
    (lambda: keras.optimizers.Ftrl(initial_accumulator_value=-1), "initial_accumulator"),
    (lambda: keras.optimizers.Adafactor(clip_threshold=0), "clip_threshold"),
    (lambda: keras.optimizers.Adafactor(epsilon_1=None), "epsilon_1"),
    (lambda: keras.optimizers.Lamb(beta_1=1.5), "beta1"),
    (lambda: keras.optimizers.Lamb(nonsense=1), "nonsense"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_trains_a_model_with_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    for opt in (keras.optimizers.Adafactor(learning_rate=0.1), keras.optimizers.Ftrl(0.5),
                keras.optimizers.Lamb(0.05)):
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
        model.compile(optimizer=opt, loss="mse")
        # (80 epochs: over 12 seeds of the data and the initial weights the last loss is at
        # most 0.02 of the first; 30 epochs reached 0.26 for Lamb under some)
        history = model.fit(x, y, epochs=80, batch_size=16, verbose=0)
        assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
