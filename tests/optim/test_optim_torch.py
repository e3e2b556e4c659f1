"""Trajectories and lr sequences compared step by step with PyTorch (when installed)."""
import math

import numpy as np
import pytest

import optim
from autograd import Parameter, Variable
from optim import lr_scheduler as sch

from ._helpers import CASES, X0, case_ids, make_params, quad_grad, run

torch = pytest.importorskip("torch")

STEPS = 25


def _torch_run(name, hp, dtype, steps, groups=None):
    params = [torch.tensor(x.astype(dtype), requires_grad=True) for x in X0]
    spec = params if groups is None else [dict(g, params=[params[i]]) for i, g in enumerate(groups)]
    opt = getattr(torch.optim, name)(spec, **hp)
    out = []
    for _ in range(steps):
        for p in params:
            p.grad = torch.from_numpy(quad_grad(p.detach().numpy()).astype(dtype))
        opt.step()
        out.append(np.stack([p.detach().numpy().copy() for p in params]))
    return np.array(out)


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 2e-5)])
@pytest.mark.parametrize("name,hp", CASES, ids=case_ids(CASES))
def test_trajectory_matches_torch(name, hp, dtype, rtol):
    params = make_params(dtype)
    ours = run(getattr(optim, name)(params, **hp), params, STEPS)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, _torch_run(name, hp, dtype, STEPS), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name,hp", [("SGD", {"momentum": 0.5}), ("Adam", {"amsgrad": True}),
                                     ("RMSprop", {"momentum": 0.5})])
def test_param_groups_match_torch(name, hp):
    groups = [{"lr": 0.01}, {"lr": 0.05, "weight_decay": 0.1}]
    params = make_params()
    opt = getattr(optim, name)([dict(g, params=[p]) for g, p in zip(groups, params)], **hp)
    np.testing.assert_allclose(run(opt, params, STEPS),
                               _torch_run(name, hp, np.float64, STEPS, groups), rtol=1e-10)


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_clip_grad_norm_matches_torch(norm_type):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    params = []
    for g in grads:
        p = Parameter(np.zeros_like(g))
        p.grad = Variable(g.copy(), requires_grad=False)
        params.append(p)
    tparams = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for tp, g in zip(tparams, grads):
        tp.grad = torch.from_numpy(g.copy())
    total = optim.clip_grad_norm_(params, 0.5, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, 0.5, norm_type)
    assert total == pytest.approx(float(ttotal), rel=1e-12)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-12)


# ----- schedulers -----
def _pair(opt_name="SGD", lr=1.0, groups=1, **hp):
    ours = getattr(optim, opt_name)(
        [{"params": [Parameter(np.zeros(1))], "lr": lr * (i + 1)} for i in range(groups)], **hp)
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr * (i + 1)}
         for i in range(groups)], **hp)
    return ours, theirs


def _groups(opt, key):
    return [g[key] for g in opt.param_groups]


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=6, eta_min=0.05)),
    ("CosineAnnealingLR", dict(T_max=1)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=7)),
    ("LinearLR", {}),
    ("LambdaLR", dict(lr_lambda=lambda t: 0.95 ** t + 0.01 * t)),
    ("OneCycleLR", dict(max_lr=[0.5, 2.0], total_steps=25)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=25, anneal_strategy="linear", three_phase=True,
                        pct_start=0.4, div_factor=5.0, final_div_factor=50.0)),
    ("OneCycleLR", dict(max_lr=1.0, epochs=5, steps_per_epoch=5, base_momentum=[0.7, 0.8],
                        max_momentum=0.99)),
    ("ConstantLR", dict(factor=0.25, total_iters=4)),
    ("MultiplicativeLR", dict(lr_lambda=lambda t: 0.9 + 0.01 * (t % 3))),
    ("PolynomialLR", dict(total_iters=7, power=2.0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5, eta_min=0.01)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2)),
    ("CyclicLR", dict(base_lr=0.1, max_lr=1.0, step_size_up=4)),
    ("CyclicLR", dict(base_lr=[0.1, 0.2], max_lr=[1.0, 0.5], step_size_up=3, step_size_down=5,
                      mode="triangular2", base_momentum=[0.7, 0.8], max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.3, step_size_up=2, mode="exp_range", gamma=0.97)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.3, step_size_up=5, step_size_down=0,
                      scale_fn=lambda x: 1 / x, scale_mode="cycle", cycle_momentum=False)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.3, step_size_up=3,
                      scale_fn=lambda x: 0.9 ** x, scale_mode="iterations")),
]


@pytest.mark.parametrize("opt_name,opt_hp", [("SGD", dict(momentum=0.9)), ("Adam", {})])
@pytest.mark.parametrize("name,hp", SCHEDULERS, ids=case_ids(SCHEDULERS))
def test_scheduler_matches_torch(name, hp, opt_name, opt_hp):
    ours, theirs = _pair(opt_name, groups=2, **opt_hp)
    a, b = getattr(sch, name)(ours, **hp), getattr(torch.optim.lr_scheduler, name)(theirs, **hp)
    for _ in range(24):
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)
        for key in ("momentum", "betas"):
            if key in theirs.defaults:
                np.testing.assert_allclose(_groups(ours, key), _groups(theirs, key), rtol=1e-12)
        ours.step()
        theirs.step()
        a.step()
        b.step()


def _step_side_by_side(ours, theirs, build, steps):
    """build(module, optimizer)'s scheduler for both, stepped together: the same lrs."""
    a, b = build(sch, ours), build(torch.optim.lr_scheduler, theirs)
    for _ in range(steps):
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)
        ours.step()
        theirs.step()
        a.step()
        b.step()


def test_chained_scheduler_and_fractional_warm_restarts_match_torch():
    ours, theirs = _pair()

    def build(mod, opt):
        return mod.ChainedScheduler([mod.ConstantLR(opt, factor=0.1, total_iters=3),
                                     mod.ExponentialLR(opt, gamma=0.9)])
    _step_side_by_side(ours, theirs, build, 12)
    ours, theirs = _pair()
    a = sch.CosineAnnealingWarmRestarts(ours, T_0=4, T_mult=2, eta_min=0.001)
    b = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, T_0=4, T_mult=2,
                                                             eta_min=0.001)
    for epoch in np.arange(0, 20, 0.25):  # per batch: step(epoch + i / iterations)
        a.step(float(epoch))
        b.step(float(epoch))
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)


def test_sequential_and_chained_match_torch():
    ours, theirs = _pair()

    def build(mod, opt):
        warm = mod.LinearLR(opt, start_factor=0.1, total_iters=4)
        cos = mod.CosineAnnealingLR(opt, T_max=8, eta_min=0.01)
        step = mod.StepLR(opt, step_size=3, gamma=0.7)
        seq = mod.SequentialLR(opt, [warm, cos, mod.ExponentialLR(opt, 0.8)], milestones=[4, 12])
        return [seq, step]  # SequentialLR chained with a StepLR on top
    a, b = build(sch, ours), build(torch.optim.lr_scheduler, theirs)
    for _ in range(20):
        np.testing.assert_allclose(_groups(ours, "lr"), _groups(theirs, "lr"), rtol=1e-12)
        ours.step()
        theirs.step()
        for s in a + b:
            s.step()


def test_sequential_restarts_a_multiplicative_lr_as_torch():
    # at the milestone MultiplicativeLR is restarted at epoch 0, which is not its first step:
    # PyTorch multiplies by lr_lambda(0) there
    ours, theirs = _pair()

    def build(mod, opt):
        return mod.SequentialLR(opt, [mod.LambdaLR(opt, lambda t: 0.97 ** t),
                                      mod.MultiplicativeLR(opt, lambda t: 0.95)], milestones=[3])
    _step_side_by_side(ours, theirs, build, 8)


def test_a_sequential_lr_inside_another_matches_torch():
    # the outer one takes back its inner one's schedulers' first steps (PyTorch's
    # recursive_undo): the warm-up starts at start_factor, not chained one step ahead
    ours, theirs = _pair(groups=2)

    def build(mod, opt):
        inner = mod.SequentialLR(opt, [mod.LinearLR(opt, start_factor=0.1, total_iters=4),
                                       mod.ExponentialLR(opt, 0.9)], milestones=[5])
        return mod.SequentialLR(opt, [inner, mod.CosineAnnealingLR(opt, T_max=8)],
                                milestones=[12])
    _step_side_by_side(ours, theirs, build, 30)


@pytest.mark.parametrize("hp", [dict(patience=2, cooldown=1),
                                dict(mode="max", threshold_mode="abs", threshold=0.05,
                                     factor=0.5, patience=0, min_lr=0.02)])
def test_reduce_on_plateau_matches_torch(hp):
    ours, theirs = _pair(groups=2)
    a = sch.ReduceLROnPlateau(ours, **hp)
    b = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **hp)
    rng = np.random.default_rng(3)
    for metric in np.cumsum(rng.normal(size=40)):
        a.step(metric)
        b.step(metric)
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)
        assert a.num_bad_epochs == b.num_bad_epochs and a.cooldown_counter == b.cooldown_counter


@pytest.mark.parametrize("name,hp", [("StepLR", dict(step_size=3)),
                                     ("ExponentialLR", dict(gamma=0.8)),
                                     ("CosineAnnealingLR", dict(T_max=7)),
                                     ("LinearLR", dict(total_iters=8)),
                                     ("PolynomialLR", dict(total_iters=8, power=2.0)),
                                     ("MultiplicativeLR", dict(lr_lambda=lambda t: 0.9)),
                                     ("CosineAnnealingWarmRestarts", dict(T_0=2)),
                                     ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2))])
def test_resume_with_last_epoch_matches_torch(name, hp):
    ours, theirs = _pair()
    for opt in (ours, theirs):
        opt.param_groups[0]["initial_lr"] = 1.0
        opt.param_groups[0]["lr"] = 0.6
    a = getattr(sch, name)(ours, last_epoch=4, **hp)
    b = getattr(torch.optim.lr_scheduler, name)(theirs, last_epoch=4, **hp)
    for _ in range(10):
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)
        assert a.last_epoch == b.last_epoch
        ours.step()
        theirs.step()
        a.step()
        b.step()


@pytest.mark.parametrize("name", ["Adam", "AdamW", "NAdam", "RMSprop", "Adadelta"])
@pytest.mark.filterwarnings("ignore:overflow encountered")  # (NAdam's first v / bc2, torch's too)
def test_a_float16_parameter_keeps_training_after_a_gradient_of_300(name):
    """g * g in float16 passed 65504 from |g| = 256: the running average became inf and the
    parameter never moved again (PyTorch squares in float32 and rounds once)."""
    torch = pytest.importorskip("torch")
    lr = 1.0 if name == "Adadelta" else 1e-2
    ours = Parameter(np.array([1.0], np.float16))
    theirs = torch.tensor([1.0], dtype=torch.float16, requires_grad=True)
    opt, reference = getattr(optim, name)([ours], lr=lr), getattr(torch.optim, name)([theirs],
                                                                                     lr=lr)
    for i in range(100):
        g = 300.0 if i == 0 else 1.0
        ours.grad = Variable(np.array([g], np.float16), requires_grad=False)
        theirs.grad = torch.tensor([g], dtype=torch.float16)
        opt.step()
        reference.step()
    assert ours.data[0] != 1.0
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=2e-3)
