"""An optimizer saved and reloaded mid-run (its state_dict through nn.save and nn.load),
with two param groups of different lr, a group added later, gradients holding exact zeros
and steps where a parameter has no gradient: its trajectory must be PyTorch's
uninterrupted one."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from autograd import Parameter, Variable

from ._helpers import through_checkpoint

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (4, 2), (5, 3), (2, 3)]  # 2-D, so Muon and Adafactor's factoring apply
STEPS, SAVE_AT, ADD_AT = 8, 3, 5
CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.7, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.95), amsgrad=True, weight_decay=0.1, maximize=True)),
    ("AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.2)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), weight_decay=0.1)),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
    ("Muon", dict(lr=0.02, momentum=0.8, nesterov=False, weight_decay=0.0)),
]


def _gradients(seed):
    """Per step, per parameter: a gradient with ~40% exact zeros, or None (no gradient)."""
    rng = np.random.default_rng(seed)
    steps = []
    for s in range(STEPS):
        grads = []
        for i, shape in enumerate(SHAPES):
            g = rng.normal(size=shape)
            g[rng.random(shape) < 0.4] = 0.0
            grads.append(None if (i == 1 and s % 3 == 2) else g)
        steps.append(grads)
    return steps


def _groups(params, hyper):
    """Two groups: the first two parameters at the default lr, the third at half of it."""
    return [{"params": params[:2]}, {"params": [params[2]], "lr": hyper["lr"] * 0.5}]


def _ours(name, hyper, x0, grads):
    params = [Parameter(x.copy()) for x in x0]
    opt = getattr(optim, name)(_groups(params, hyper), **hyper)
    out = []
    for s, step_grads in enumerate(grads):
        if s == SAVE_AT:  # resume in a fresh optimizer, as after a restart
            saved = through_checkpoint(opt.state_dict())
            opt = getattr(optim, name)(_groups(params, hyper), **hyper)
            opt.load_state_dict(saved)
        if s == ADD_AT:
            opt.add_param_group({"params": [params[3]], "lr": 0.02})
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else Variable(g, requires_grad=False)
        opt.step()
        out.append([p.data.copy() for p in params])
    return out


def _torch(name, hyper, x0, grads):
    params = [torch.tensor(x.copy(), requires_grad=True) for x in x0]
    opt = getattr(torch.optim, name)(_groups(params, hyper), **hyper)
    out = []
    for s, step_grads in enumerate(grads):
        if s == ADD_AT:
            opt.add_param_group({"params": [params[3]], "lr": 0.02})
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else torch.tensor(g)
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**16))
@pytest.mark.parametrize("name,hyper", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_resumed_run_follows_torch_uninterrupted(name, hyper, seed):
    x0 = [np.random.default_rng(seed + 1).normal(size=shape) for shape in SHAPES]
    grads = _gradients(seed)
    ours, theirs = _ours(name, hyper, x0, grads), _torch(name, hyper, x0, grads)
    # Muon runs its iteration in bfloat16 on both sides: allow for a rounding flip
    tol = 1e-3 if name == "Muon" else 1e-9
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for i, (x, y) in enumerate(zip(a, b)):
            np.testing.assert_allclose(x, y, rtol=tol, atol=tol, err_msg=f"step {step}, param {i}")
