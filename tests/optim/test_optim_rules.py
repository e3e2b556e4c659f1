"""Each optimizer against its update rule, written out by hand in NumPy.

The references below are textbook forms written independently of the
implementation (e.g. Adam with explicit m-hat / v-hat), run for several steps
on a quadratic whose gradient depends on the current point.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim

from ._helpers import CASES, X0, case_ids, make_params, quad_grad, run, set_grad

STEPS = 12


def _grad(x, maximize, weight_decay):
    g = -quad_grad(x) if maximize else quad_grad(x)
    return g + weight_decay * x


def ref_sgd(steps, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
            nesterov=False, maximize=False):
    x, buf, out = X0.copy(), None, []
    for _ in range(steps):
        g = _grad(x, maximize, weight_decay)
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        x = x - lr * g
        out.append(x)
    return np.array(out)


def ref_adagrad(steps, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                initial_accumulator_value=0.0, eps=1e-10, maximize=False):
    x, out = X0.copy(), []
    s = np.full_like(x, initial_accumulator_value)
    for t in range(1, steps + 1):
        g = _grad(x, maximize, weight_decay)
        s = s + g ** 2
        x = x - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
        out.append(x)
    return np.array(out)


def ref_rmsprop(steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False, maximize=False):
    x, out = X0.copy(), []
    v, gbar, buf = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for _ in range(steps):
        g = _grad(x, maximize, weight_decay)
        v = alpha * v + (1 - alpha) * g ** 2
        if centered:
            gbar = alpha * gbar + (1 - alpha) * g
            denom = np.sqrt(v - gbar ** 2) + eps
        else:
            denom = np.sqrt(v) + eps
        if momentum > 0:
            buf = momentum * buf + g / denom
            x = x - lr * buf
        else:
            x = x - lr * g / denom
        out.append(x)
    return np.array(out)


def ref_adadelta(steps, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    x, out = X0.copy(), []
    v, u = np.zeros_like(x), np.zeros_like(x)
    for _ in range(steps):
        g = _grad(x, maximize, weight_decay)
        v = rho * v + (1 - rho) * g ** 2
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta ** 2
        x = x - lr * delta
        out.append(x)
    return np.array(out)


def ref_adam(steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             maximize=False, decoupled_weight_decay=False):
    b1, b2 = betas
    x, out = X0.copy(), []
    m, v, vmax = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for t in range(1, steps + 1):
        g = _grad(x, maximize, 0.0 if decoupled_weight_decay else weight_decay)
        if decoupled_weight_decay:
            x = x * (1 - lr * weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - b1 ** t)
        v_hat = (vmax if amsgrad else v) / (1 - b2 ** t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(x)
    return np.array(out)


def ref_adamw(steps, weight_decay=1e-2, **hp):
    return ref_adam(steps, weight_decay=weight_decay, decoupled_weight_decay=True, **hp)


def ref_lion(steps, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
    """Chen et al.'s Algorithm 2 (decoupled decay), as lion-pytorch writes it."""
    x, m, out = X0.copy(), np.zeros_like(X0), []
    for _ in range(steps):
        g = _grad(x, maximize, 0.0)
        x = x * (1 - lr * weight_decay)
        x = x - lr * np.sign(betas[0] * m + (1 - betas[0]) * g)
        m = betas[1] * m + (1 - betas[1]) * g
        out.append(x)
    return np.array(out)


REFERENCES = {"SGD": ref_sgd, "Adagrad": ref_adagrad, "RMSprop": ref_rmsprop,
              "Adadelta": ref_adadelta, "Adam": ref_adam, "AdamW": ref_adamw,
              "Lion": ref_lion}


def _check(name, hp, rtol=1e-10):
    params = make_params()
    got = run(getattr(optim, name)(params, **hp), params, STEPS)
    rule = {k: v for k, v in hp.items() if k != "foreach"}  # (how, not what, it computes)
    np.testing.assert_allclose(got, REFERENCES[name](STEPS, **rule), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("name,hp", CASES, ids=case_ids(CASES))
def test_matches_hand_written_rule(name, hp):
    _check(name, hp)


LION_CASES = [("Lion", {}), ("Lion", dict(lr=0.01, betas=(0.8, 0.95))),
              ("Lion", dict(lr=0.01, weight_decay=0.5, maximize=True)),
              ("Lion", dict(lr=0.01, foreach=True)), ("Lion", dict(lr=0.01, foreach=False))]


@pytest.mark.parametrize("name,hp", LION_CASES, ids=case_ids(LION_CASES))
def test_lion_matches_its_paper_s_rule(name, hp):
    """(Lion is not in torch.optim: no PyTorch twin; Keras' is checked in tests/nn/keras.)"""
    _check(name, hp)


def test_adamw_decay_is_decoupled():
    """AdamW and Adam with the same weight_decay must differ (L2 vs decoupled)."""
    hp = dict(lr=0.05, weight_decay=0.5)
    p1, p2 = make_params(), make_params()
    a = run(optim.Adam(p1, **hp), p1, 5)
    w = run(optim.AdamW(p2, **hp), p2, 5)
    assert not np.allclose(a, w)
    # with a zero gradient, AdamW only shrinks p by (1 - lr * wd) per step
    p = make_params()[0]
    opt = optim.AdamW([p], **hp)
    before = p.data.copy()
    set_grad(p, np.zeros_like(p.data))
    opt.step()
    np.testing.assert_allclose(p.data, before * (1 - 0.05 * 0.5), rtol=1e-12)


unit = st.floats(0.0, 0.95)
lr = st.floats(1e-3, 0.3)
wd = st.sampled_from([0.0, 0.0, 0.05, 0.3])
flag = st.booleans()
HYPER = {
    "SGD": st.fixed_dictionaries({"lr": lr, "momentum": unit, "dampening": unit,
                                  "weight_decay": wd, "maximize": flag}),
    "Adagrad": st.fixed_dictionaries({"lr": lr, "lr_decay": st.floats(0, 0.5), "weight_decay": wd,
                                      "initial_accumulator_value": st.floats(0, 1),
                                      "eps": st.sampled_from([1e-10, 1e-3])}),
    "RMSprop": st.fixed_dictionaries({"lr": lr, "alpha": st.floats(0.5, 0.999),
                                      "momentum": unit, "centered": flag, "weight_decay": wd}),
    "Adadelta": st.fixed_dictionaries({"lr": st.floats(0.1, 2.0), "rho": st.floats(0.0, 1.0),
                                       "eps": st.sampled_from([1e-6, 1e-3]), "weight_decay": wd}),
    "Adam": st.fixed_dictionaries({"lr": lr, "betas": st.tuples(unit, st.floats(0.5, 0.9999)),
                                   "weight_decay": wd, "amsgrad": flag, "maximize": flag}),
    "AdamW": st.fixed_dictionaries({"lr": lr, "betas": st.tuples(unit, st.floats(0.5, 0.9999)),
                                    "weight_decay": st.floats(0, 1), "amsgrad": flag}),
    "Lion": st.fixed_dictionaries({"lr": lr, "betas": st.tuples(unit, unit),
                                   "weight_decay": wd, "maximize": flag}),
}


@pytest.mark.parametrize("name", sorted(HYPER))
@given(data=st.data())
def test_matches_rule_for_random_hyperparameters(name, data):
    hp = data.draw(HYPER[name], label="hyperparameters")
    if name == "SGD" and data.draw(flag, label="nesterov") and hp["momentum"] > 0:
        hp.update(nesterov=True, dampening=0.0)
    _check(name, hp, rtol=1e-8)
