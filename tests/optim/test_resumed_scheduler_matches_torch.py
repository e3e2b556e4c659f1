"""Learning-rate schedulers (chains included) resumed mid-run the documented way (build
optimizer and scheduler, then load both state_dicts): every later lr and momentum must be
PyTorch's uninterrupted one, for two param groups with different lr."""
import numpy as np
import pytest

import optim
from autograd import Parameter, Variable

from ._helpers import through_checkpoint

torch = pytest.importorskip("torch")

STEPS = 30
METRICS = [5, 4, 4.5, 4.2, 4.1, 4.0, 4.0, 3.99, 3.5, 3.6, 3.7, 3.8, 3.9, 5, 6] + [3.0] * 15
SCHEDULERS = {
    "Sequential": lambda S, o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3),
                                                  S.StepLR(o, 2, 0.5), S.CosineAnnealingLR(o, 5)],
                                              milestones=[3, 8]),
    "Chained": lambda S, o: S.ChainedScheduler([S.StepLR(o, 4, 0.5), S.CosineAnnealingLR(o, 6),
                                                S.LinearLR(o, 0.5, total_iters=3)], optimizer=o),
    "MultiStep": lambda S, o: S.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3),
    "OneCycle": lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS, pct_start=0.25),
    "OneCycle3": lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=STEPS, three_phase=True,
                                           anneal_strategy="linear"),
    "Cyclic": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=3,
                                      step_size_down=5, mode="triangular2"),
    "CyclicExp": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="exp_range", gamma=0.9),
    "WarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=1e-3),
    "Plateau": lambda S, o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=0.01,
                                                cooldown=1, min_lr=[0.01, 0.02]),
}


def _optimizer(lib, params, adam):
    groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}]
    if adam:  # cyclic momentum then drives beta1
        return lib.Adam(groups, lr=0.1, betas=(0.9, 0.99))
    return lib.SGD(groups, lr=0.1, momentum=0.9)


def _record(lib, name, adam, resume_at=None):
    """Per step: (lr, momentum or beta1) of each group."""
    def fresh(values):
        params = ([torch.tensor(v, requires_grad=True) for v in values] if lib is torch.optim
                  else [Parameter(v.copy()) for v in values])
        opt = _optimizer(lib, params, adam)
        return params, opt, SCHEDULERS[name](lib.lr_scheduler, opt)

    params, opt, sched = fresh([np.zeros(3), np.zeros(2)])
    out = []
    for s in range(STEPS):
        if s == resume_at:
            saved = through_checkpoint((opt.state_dict(), sched.state_dict()))
            params, opt, sched = fresh([p.data.copy() for p in params])
            opt.load_state_dict(saved[0])
            sched.load_state_dict(saved[1])
        for p in params:
            p.grad = (torch.ones_like(p) if lib is torch.optim
                      else Variable(np.ones(p.shape), requires_grad=False))
        opt.step()
        sched.step(METRICS[s]) if name == "Plateau" else sched.step()
        out.append([(g["lr"], g["betas"][0] if adam else g["momentum"])
                    for g in opt.param_groups])
    return np.array(out)


@pytest.mark.parametrize("resume_at", [4, 11])
@pytest.mark.parametrize("adam", [False, True], ids=["sgd", "adam"])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_resumed_schedule_follows_torch_uninterrupted(name, adam, resume_at):
    ours = _record(optim, name, adam, resume_at)
    np.testing.assert_allclose(ours, _record(torch.optim, name, adam), rtol=1e-12, atol=1e-15)
