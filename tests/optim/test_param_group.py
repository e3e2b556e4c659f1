"""A group's converted hyperparameters are kept between steps only while nothing can change
them unseen: every way of editing the group is seen by the next step."""
import numpy as np
import pytest

import optim
from autograd import Parameter
from optim.param_group import ParamGroup


def _stepped(opt, p, grad=1.0):
    before = p.data.copy()
    p.grad = None
    p.grad = Parameter(np.full_like(p.data, grad)) * 1
    opt.step()
    return before - p.data


@pytest.mark.parametrize("edit", [
    lambda g: g.__setitem__("lr", 0.5),
    lambda g: g.update(lr=0.5),
    lambda g: g.__ior__({"lr": 0.5}),
    lambda g: (g.pop("lr"), g.setdefault("lr", 0.5)),
])
def test_an_edit_of_the_group_reaches_the_next_step(edit):
    p = Parameter(np.zeros(3))
    opt = optim.SGD([p], lr=0.1)
    assert _stepped(opt, p) == pytest.approx([0.1] * 3)
    edit(opt.param_groups[0])
    assert _stepped(opt, p) == pytest.approx([0.5] * 3)


def test_a_scheduler_changes_the_rate_each_step():
    p = Parameter(np.zeros(1))
    opt = optim.SGD([p], lr=1.0)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    steps = []
    for _ in range(3):
        steps.append(float(_stepped(opt, p)[0]))
        scheduler.step()
    assert steps == pytest.approx([1.0, 0.5, 0.25])


def test_values_that_change_in_place_are_read_again_every_step():
    p = Parameter(np.zeros(1))
    betas = [0.0, 0.0]
    adam = optim.Adam([{"params": [p], "betas": betas}], lr=0.1)  # (a list: kept as it is)
    first = _stepped(adam, p)[0]
    betas[1] = 0.999  # a list edited in place: the bias correction changes
    assert _stepped(adam, p)[0] != pytest.approx(first)


def test_groups_stay_dicts_and_plain_dicts_still_work():
    p, q = Parameter(np.zeros(1)), Parameter(np.zeros(1))
    opt = optim.SGD([p], lr=0.1)
    assert isinstance(opt.param_groups[0], dict)
    assert isinstance(opt.param_groups[0], ParamGroup)
    opt.param_groups[0] = {"params": [p], **{k: v for k, v in opt.param_groups[0].items()
                                             if k != "params"}, "lr": 0.2}
    assert _stepped(opt, p)[0] == pytest.approx(0.2)
    opt.add_param_group({"params": [q], "lr": 0.4})
    assert _stepped(opt, q)[0] == pytest.approx(0.4)


def test_a_loaded_state_dict_brings_its_hyperparameters():
    p = Parameter(np.zeros(1))
    saved = optim.SGD([p], lr=0.7).state_dict()
    opt = optim.SGD([p], lr=0.1)
    _stepped(opt, p)
    opt.load_state_dict(saved)
    assert isinstance(opt.param_groups[0], ParamGroup)
    assert _stepped(opt, p)[0] == pytest.approx(0.7)


@pytest.mark.parametrize("make, extra", [
    (lambda groups: optim.Rprop(groups, lr=0.01), {"weight_decay": 0.0}),
    (lambda groups: optim.Adam(groups, lr=0.01), {"momentum": 0.9}),
    (lambda groups: optim.SGD(groups, lr=0.01), {"betas": (0.9, 0.99)}),
    (lambda groups: optim.LBFGS(groups, lr=0.01), {"weight_decay": 0.0})])
def test_an_optimizer_loads_its_own_state_dict_with_a_setting_another_one_takes(make, extra):
    """A group keeps any setting (PyTorch's rule), so a generic decay/no-decay helper gives
    Rprop a weight_decay; its own state dict was then refused as another optimizer's."""
    from autograd import Variable
    p = Parameter(np.ones(3))
    opt = make([{"params": [p], **extra}])
    if not isinstance(opt, optim.LBFGS):
        p.grad = Variable(np.ones(3))
        opt.step()
    resumed = make([{"params": [p], **extra}])
    resumed.load_state_dict(opt.state_dict())
    assert resumed.param_groups[0][next(iter(extra))] == extra[next(iter(extra))]
    with pytest.raises(ValueError, match="saved by another optimizer"):
        optim.SGD([p], lr=0.1).load_state_dict(optim.Adam([p]).state_dict())


def test_pytorch_s_older_scheduler_name_is_there():
    assert optim.lr_scheduler._LRScheduler is optim.lr_scheduler.LRScheduler
