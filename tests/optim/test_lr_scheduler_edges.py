"""Schedulers where they meet the rest of the library, and their degenerate settings: a
Keras optimizer driven by a schedule, a custom scale function's owner, a user's optimizer
subclass, phases of no steps, errors that name the scheduler and the argument."""
import threading
import warnings

import numpy as np
import pytest

import optim
from autograd import Parameter
from nn import keras
from optim import lr_scheduler as sch


def _sgd(lr=0.1, **kwargs):
    return optim.SGD([Parameter(np.ones(2))], lr=lr, **kwargs)


@pytest.mark.parametrize("make", [lambda opt: sch.StepLR(opt, 1, gamma=10.0),
                                  lambda opt: sch.ReduceLROnPlateau(opt)])
def test_a_scheduler_on_an_optimizer_driven_by_a_schedule_is_refused(make):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    opt = keras.optimizers.SGD(schedule)
    opt.bind([Parameter(np.ones(2))])
    with pytest.raises(TypeError, match="learning-rate schedule ExponentialDecay"):
        make(opt)


class _Trainer:
    """A scale function's owner holding what deepcopy cannot copy."""

    def __init__(self):
        self.lock, self.height = threading.Lock(), 0.5

    def scale(self, x):
        return self.height ** x


def test_cyclic_state_dict_keeps_a_bound_scale_function_without_copying_its_owner():
    owner = _Trainer()
    opt = _sgd(momentum=0.9)
    scheduler = sch.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=owner.scale)
    for _ in range(3):
        opt.step()
        scheduler.step()
    state = scheduler.state_dict()  # (it deep-copied the owner, lock and all: TypeError)
    assert state["_scale_fn_custom"] == {}  # a method's own attributes, as PyTorch saves
    lrs = scheduler.get_last_lr()
    resumed = sch.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=owner.scale)
    resumed.load_state_dict(state)
    assert resumed.get_last_lr() == lrs and resumed._scale_fn_custom == owner.scale


def test_a_subclass_step_still_tells_a_scheduler_it_ran():
    class MySGD(optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    class OwnRule(optim.SGD):  # a step that never calls Optimizer.step
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.data -= group["lr"]

    for cls in (MySGD, OwnRule):
        opt = cls([Parameter(np.ones(2))], lr=0.1)
        scheduler = sch.StepLR(opt, 1)
        with pytest.warns(UserWarning, match="before the optimizer's step"):
            scheduler.step()
        opt = cls([Parameter(np.ones(2))], lr=0.1)
        scheduler = sch.StepLR(opt, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            scheduler.step()


@pytest.mark.parametrize("settings", [dict(pct_start=1.0),
                                      dict(pct_start=0.55, three_phase=True)])
def test_one_cycle_refuses_a_phase_of_no_steps(settings):
    with pytest.raises(ValueError, match="leaves phase .* no steps"):
        sch.OneCycleLR(_sgd(momentum=0.9), max_lr=0.1, total_steps=10, **settings)


def test_constant_lr_with_factor_0_comes_back_to_the_base_rate():
    opt = _sgd()
    scheduler = sch.ConstantLR(opt, factor=0.0, total_iters=2)
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(3):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    assert lrs == [0.0, 0.0, 0.1, 0.1]


def test_errors_name_the_scheduler_and_the_argument():
    opt = _sgd(momentum=0.9)
    scheduler = sch.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    opt.add_param_group({"params": [Parameter(np.ones(1))]})
    opt.step()
    with pytest.raises(RuntimeError, match="OneCycleLR: param group 1 was added after"):
        scheduler.step()
    with pytest.raises(TypeError, match="CosineAnnealingWarmRestarts: eta_min must be a real"):
        sch.CosineAnnealingWarmRestarts(_sgd(), 2, eta_min=None)
    with pytest.raises(TypeError, match="CosineAnnealingLR: eta_min must be a real"):
        sch.CosineAnnealingLR(_sgd(), 2, eta_min="0.01")


def test_a_step_taken_before_the_scheduler_was_made_does_not_count():
    """The optimizer's steps were counted from its making: a scheduler made after one step
    and stepped before the next did not warn (PyTorch's does: it watches from then on)."""
    p = Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = np.ones(2)
    opt.step()
    scheduler = optim.lr_scheduler.StepLR(opt, 1, 0.5)
    with pytest.warns(UserWarning, match="before the optimizer's step"):
        scheduler.step()
    opt.step()
    later = optim.lr_scheduler.ExponentialLR(opt, 0.9)  # (watched already: it has stepped)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        later.step()
