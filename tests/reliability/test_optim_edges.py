"""Optimizers on scalar (0-d) Parameters, such as a learnable temperature."""
import numpy as np
import pytest

import optim
from autograd import Parameter, Variable

STEPS = 12
A, B = 1.7, 0.4  # the problem: minimize 0.5 * A * t^2 - B * t, gradient A * t - B

CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adadelta", dict(weight_decay=0.1)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("AdamW", dict(lr=0.05, weight_decay=0.5)),
    ("AdamW", dict(lr=0.05, amsgrad=True)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1)),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


def trajectory(name, hp, shape, dtype=np.float64):
    p = Parameter(np.full(shape, 1.5, dtype=dtype))
    data = p.data
    opt = getattr(optim, name)([p], **hp)
    out = []
    for _ in range(STEPS):
        p.grad = Variable(np.asarray(A * p.data - B, dtype=dtype), requires_grad=False)
        opt.step()
        out.append(float(p.data.reshape(())))
    assert p.data is data and p.data.shape == shape and p.data.dtype == dtype  # in place
    return np.array(out), opt


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,hp", CASES, ids=IDS)
def test_a_scalar_parameter_moves_as_a_one_element_one(name, hp, dtype):
    scalar, opt = trajectory(name, hp, (), dtype)
    vector, _ = trajectory(name, hp, (1,), dtype)
    np.testing.assert_array_equal(scalar, vector)
    assert not np.allclose(scalar, 1.5)  # it did move
    for key, value in opt.state_dict()["state"][0].items():
        assert np.shape(value) == (), key  # state keeps the parameter's shape, as PyTorch's


@pytest.mark.parametrize("name,hp", CASES, ids=IDS)
def test_a_scalar_parameter_resumes_from_its_state_dict(name, hp):
    whole, _ = trajectory(name, hp, ())
    p = Parameter(np.array(1.5))
    first = getattr(optim, name)([p], **hp)
    for _ in range(STEPS // 2):
        p.grad = Variable(A * p.data - B, requires_grad=False)
        first.step()
    second = getattr(optim, name)([p], **hp)
    second.load_state_dict(first.state_dict())
    rest = []
    for _ in range(STEPS - STEPS // 2):
        p.grad = Variable(A * p.data - B, requires_grad=False)
        second.step()
        rest.append(float(p.data))
    np.testing.assert_array_equal(rest, whole[STEPS // 2:])


def test_a_learnable_temperature_trains_through_backward():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    y = 3.0 * x
    t = Parameter(np.array(1.0))
    opt = optim.Adam([t], lr=0.1)
    for _ in range(200):
        loss = ((Variable(x) * t - Variable(y)) ** 2).sum() / len(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(t.data) == pytest.approx(3.0, abs=1e-3)


@pytest.mark.parametrize("name,hp", CASES, ids=IDS)
def test_a_scalar_parameter_follows_torch(name, hp):
    torch = pytest.importorskip("torch")
    ours, _ = trajectory(name, hp, ())
    t = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    # float64 scalar state: PyTorch's NAdam keeps mu_product in the default dtype, ours a
    # Python float (float32's rounding alone moves the weights by 1e-9 relative)
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        opt = getattr(torch.optim, name)([t], **hp)
        theirs = []
        for _ in range(STEPS):
            t.grad = (A * t.detach() - B).clone()
            opt.step()
            theirs.append(float(t.detach()))
    finally:
        torch.set_default_dtype(before)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_a_group_key_the_optimizer_has_no_option_for_is_ignored_as_pytorch_does():
    """Rprop has no weight_decay: a group carrying one (copied from another optimizer's
    groups) trains as without it, as in PyTorch (it was applied as L2 decay)."""
    results = []
    for group in ({}, {"weight_decay": 10.0}):
        p = Parameter(np.array([1.0, -2.0]))
        opt = optim.Rprop([{"params": [p], **group}], lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            (p * 0.01).sum().backward()
            opt.step()
        results.append(p.data.copy())
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_allclose(results[0], [0.636, -2.364])  # PyTorch 2.13's
