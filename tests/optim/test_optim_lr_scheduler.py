"""Learning-rate schedulers against hand-computed sequences."""
import math

import numpy as np
import pytest

import optim
from autograd import Parameter
from optim import lr_scheduler as sch


def _opt(lr=1.0, cls=optim.SGD, **kw):
    return cls([Parameter(np.zeros(2))], lr=lr, **kw)


def _lrs(opt, scheduler, n):
    """The lr in effect for epochs 0 .. n-1 (optimizer.step() then scheduler.step())."""
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return out


def test_lr_scheduler_reachable_from_optim():
    assert optim.lr_scheduler is sch
    import optim.lr_scheduler as direct
    assert direct.StepLR is optim.lr_scheduler.StepLR


HAND = {
    "StepLR": (lambda o: sch.StepLR(o, step_size=3, gamma=0.5),
               [0.5 ** (t // 3) for t in range(10)]),
    "MultiStepLR": (lambda o: sch.MultiStepLR(o, milestones=[5, 2, 5], gamma=0.1),
                    [1, 1, 0.1, 0.1, 0.1, 1e-3, 1e-3, 1e-3]),
    "ExponentialLR": (lambda o: sch.ExponentialLR(o, gamma=0.9), [0.9 ** t for t in range(8)]),
    "CosineAnnealingLR": (lambda o: sch.CosineAnnealingLR(o, T_max=4, eta_min=0.1),
                          [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(13)]),
    "LambdaLR": (lambda o: sch.LambdaLR(o, lambda t: 1 / (t + 1)), [1 / (t + 1) for t in range(6)]),
    "LinearLR": (lambda o: sch.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4),
                 [0.25 + 0.75 * min(t, 4) / 4 for t in range(8)]),
    "LinearLR-decay": (lambda o: sch.LinearLR(o, start_factor=1.0, end_factor=0.5, total_iters=2),
                       [1.0, 0.75, 0.5, 0.5]),
    "SequentialLR": (lambda o: sch.SequentialLR(
        o, [sch.LinearLR(o, start_factor=0.1, total_iters=2), sch.ExponentialLR(o, gamma=0.5)],
        milestones=[3]), [0.1, 0.55, 1.0, 1.0, 0.5, 0.25, 0.125]),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_sequence_matches_hand_computed(name):
    make, expected = HAND[name]
    opt = _opt()
    scheduler = make(opt)
    np.testing.assert_allclose(_lrs(opt, scheduler, len(expected)), expected, rtol=1e-12)
    assert scheduler.get_last_lr() == [opt.param_groups[0]["lr"]]


def test_scheduler_per_group_and_chained():
    p1, p2 = Parameter(np.zeros(1)), Parameter(np.zeros(1))
    opt = optim.SGD([{"params": [p1]}, {"params": [p2], "lr": 2.0}], lr=1.0)
    a = sch.ExponentialLR(opt, gamma=0.9)
    b = sch.StepLR(opt, step_size=2, gamma=0.1)  # chainable: the two multiply
    for t in range(1, 6):
        opt.step()
        a.step()
        b.step()
        expected = [base * 0.9 ** t * 0.1 ** (t // 2) for base in (1.0, 2.0)]
        np.testing.assert_allclose(b.get_last_lr(), expected, rtol=1e-12)
    assert a.base_lrs == [1.0, 2.0]


def _one_cycle_reference(t, total, pct, lo, hi, floor, anneal, three_phase):
    """(lr, momentum) of the 1cycle policy at step t, from its definition."""
    up = pct * total - 1
    if three_phase:
        phases = [(0, up, lo, hi, 0.95, 0.85), (up, 2 * pct * total - 2, hi, lo, 0.85, 0.95),
                  (2 * pct * total - 2, total - 1, lo, floor, 0.95, 0.95)]
    else:
        phases = [(0, up, lo, hi, 0.95, 0.85), (up, total - 1, hi, floor, 0.85, 0.95)]
    for i, (a, b, l0, l1, m0, m1) in enumerate(phases):
        if t <= b or i == len(phases) - 1:
            x = (t - a) / (b - a)
            w = (1 - math.cos(math.pi * x)) / 2 if anneal == "cos" else x
            return l0 + (l1 - l0) * w, m0 + (m1 - m0) * w


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam])
def test_one_cycle(anneal, three_phase, cls):
    total = 20
    opt = _opt(cls=cls, **({"momentum": 0.9} if cls is optim.SGD else {}))
    scheduler = sch.OneCycleLR(opt, max_lr=2.0, total_steps=total, anneal_strategy=anneal,
                               three_phase=three_phase, pct_start=0.25)
    for t in range(total):
        group = opt.param_groups[0]
        momentum = group["betas"][0] if cls is optim.Adam else group["momentum"]
        lr_ref, m_ref = _one_cycle_reference(t, total, 0.25, 2.0 / 25, 2.0, 2.0 / 25 / 1e4,
                                             anneal, three_phase)
        assert group["lr"] == pytest.approx(lr_ref, rel=1e-12)
        assert momentum == pytest.approx(m_ref, rel=1e-12)
        opt.step()
        if t < total - 1:
            scheduler.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(2.0 / 25 / 1e4)
    scheduler.step()  # step `total`: the last one allowed
    with pytest.raises(ValueError, match="total steps"):
        scheduler.step()


def test_one_cycle_epochs_and_options():
    opt = _opt()
    s = sch.OneCycleLR(opt, max_lr=[1.0], epochs=2, steps_per_epoch=5, cycle_momentum=False,
                       div_factor=10.0, final_div_factor=100.0)
    assert s.total_steps == 10 and opt.param_groups[0]["lr"] == pytest.approx(0.1)
    assert opt.param_groups[0]["momentum"] == 0.0  # not cycled
    assert opt.param_groups[0]["min_lr"] == pytest.approx(1e-3)


def test_reduce_on_plateau_patience_cooldown_abs_threshold():
    opt = _opt()
    s = sch.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, threshold_mode="abs",
                              threshold=0.1)
    lrs = []
    for metric in [10, 9.95, 9.9, 9.0, 9.0, 9.0, 9.0, 8.0]:
        s.step(metric)
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert s.get_last_lr() == [0.25] and s.best == 8.0


def test_reduce_on_plateau_bad_epochs_in_cooldown_do_not_count():
    opt = _opt()
    s = sch.ReduceLROnPlateau(opt, factor=0.5, patience=0, cooldown=2)
    lrs = []
    for _ in range(8):
        s.step(1.0)
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]


def test_reduce_on_plateau_max_mode_rel_threshold():
    opt = _opt()
    s = sch.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.1)
    lrs = []
    for metric in [1.0, 1.05, 1.2, 1.25]:  # better only when above best * 1.1
        s.step(np.float64(metric))
        lrs.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(lrs, [1.0, 0.1, 0.1, 0.01])


def test_reduce_on_plateau_min_lr_and_eps():
    opt = _opt()
    s = sch.ReduceLROnPlateau(opt, factor=0.1, patience=0, min_lr=0.05)
    for _ in range(4):
        s.step(1.0)
    assert opt.param_groups[0]["lr"] == 0.05
    tiny = _opt(lr=1e-9)
    s = sch.ReduceLROnPlateau(tiny, factor=0.5, patience=0, eps=1e-8)
    s.step(1.0)
    s.step(1.0)
    assert tiny.param_groups[0]["lr"] == 1e-9  # a cut smaller than eps is skipped


def test_reduce_on_plateau_min_lr_per_group():
    p1, p2 = Parameter(np.zeros(1)), Parameter(np.zeros(1))
    opt = optim.SGD([{"params": [p1]}, {"params": [p2]}], lr=1.0)
    s = sch.ReduceLROnPlateau(opt, factor=0.1, patience=0, min_lr=[0.5, 0.0])
    s.step(1.0)
    s.step(1.0)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    with pytest.raises(ValueError, match="min_lr"):
        sch.ReduceLROnPlateau(opt, min_lr=[0.1])


class _Halve:
    """A callable object: LambdaLR saves and restores its attributes."""

    def __init__(self):
        self.scale = 1.0

    def __call__(self, t):
        return self.scale * 0.5 ** t


RESUMABLE = {
    "StepLR": lambda o: sch.StepLR(o, step_size=2, gamma=0.5),
    "MultiStepLR": lambda o: sch.MultiStepLR(o, [1, 4, 6]),
    "ExponentialLR": lambda o: sch.ExponentialLR(o, 0.8),
    "CosineAnnealingLR": lambda o: sch.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    "LambdaLR": lambda o: sch.LambdaLR(o, _Halve()),
    "LinearLR": lambda o: sch.LinearLR(o, total_iters=6),
    "SequentialLR": lambda o: sch.SequentialLR(
        o, [sch.LinearLR(o, total_iters=3), sch.CosineAnnealingLR(o, T_max=5)], [3]),
    "OneCycleLR": lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=12, three_phase=True),
    "ConstantLR": lambda o: sch.ConstantLR(o, factor=0.5, total_iters=5),
    "PolynomialLR": lambda o: sch.PolynomialLR(o, total_iters=8, power=0.5),
    "CosineAnnealingWarmRestarts": lambda o: sch.CosineAnnealingWarmRestarts(o, 3, 2),
    "CyclicLR": lambda o: sch.CyclicLR(o, 0.1, 1.0, step_size_up=3, mode="triangular2"),
    "ChainedScheduler": lambda o: sch.ChainedScheduler(
        [sch.ConstantLR(o, factor=0.5, total_iters=3), sch.ExponentialLR(o, 0.9)]),
}


@pytest.mark.parametrize("name", sorted(RESUMABLE))
def test_state_dict_resume_gives_identical_sequence(name):
    make = RESUMABLE[name]
    opt = _opt(cls=optim.Adam)
    scheduler = make(opt)
    if name == "LambdaLR":
        scheduler.lr_lambdas[0].scale = 3.0
    _lrs(opt, scheduler, 4)
    saved_opt, saved_sched = opt.state_dict(), scheduler.state_dict()
    expected = _lrs(opt, scheduler, 6)
    expected_betas = opt.param_groups[0]["betas"]

    opt2 = _opt(cls=optim.Adam)
    scheduler2 = make(opt2)
    opt2.load_state_dict(saved_opt)
    scheduler2.load_state_dict(saved_sched)
    assert _lrs(opt2, scheduler2, 6) == expected
    assert opt2.param_groups[0]["betas"] == expected_betas


def test_reduce_on_plateau_resume():
    opt = _opt()
    s = sch.ReduceLROnPlateau(opt, patience=1, cooldown=2)
    metrics = [5, 4, 4, 4, 4, 4, 3, 3, 3, 3]
    for m in metrics[:5]:
        s.step(m)
    saved_o, saved_s = opt.state_dict(), s.state_dict()
    for m in metrics[5:]:
        s.step(m)
    opt2 = _opt()
    s2 = sch.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(saved_o)
    s2.load_state_dict(saved_s)
    for m in metrics[5:]:
        s2.step(m)
    assert s2.state_dict() == s.state_dict()


def test_resume_with_last_epoch_needs_initial_lr():
    opt = _opt()
    with pytest.raises(KeyError, match="initial_lr"):
        sch.StepLR(opt, step_size=2, last_epoch=3)
    opt.param_groups[0]["initial_lr"] = 1.0
    s = sch.StepLR(opt, step_size=2, gamma=0.5, last_epoch=4)
    assert s.last_epoch == 5
    opt.step()
    s.step()  # epoch 6: a multiple of step_size, so the present lr is halved
    assert opt.param_groups[0]["lr"] == 0.5


def test_scheduler_on_an_optimizer_bound_later():
    opt = optim.SGD(lr=1.0)
    s = sch.StepLR(opt, step_size=1, gamma=0.5)
    with pytest.warns(UserWarning, match=r"StepLR: step\(\) was called before the optimizer's"):
        s.step()  # (as PyTorch: the schedule's first lr was never used)
    p = Parameter(np.ones(2))
    opt.bind([p])
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"] == [p]


@pytest.mark.parametrize("make,err,match", [
    (lambda o: sch.StepLR(o, step_size=0), ValueError, "step_size"),
    (lambda o: sch.CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
    (lambda o: sch.LinearLR(o, start_factor=0.0), ValueError, "start_factor"),
    (lambda o: sch.LinearLR(o, end_factor=1.5), ValueError, "end_factor"),
    (lambda o: sch.LinearLR(o, total_iters=0), ValueError, "total_iters"),
    (lambda o: sch.LambdaLR(o, [lambda t: 1, lambda t: 1]), ValueError, "lr_lambda"),
    (lambda o: sch.LambdaLR(o, 3), TypeError, "callable"),
    (lambda o: sch.OneCycleLR(o, max_lr=1.0), ValueError, "total_steps"),
    (lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=-2), ValueError, "total_steps"),
    (lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=5, pct_start=1.5), ValueError,
     "pct_start"),
    (lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="exp"),
     ValueError, "anneal_strategy"),
    (lambda o: sch.CyclicLR(o, 0.1, 1.0, step_size_up=0), ValueError, "step_size_up"),
    (lambda o: sch.CyclicLR(o, 0.1, 1.0, step_size_down=-1), ValueError, "step_size_down"),
    (lambda o: sch.CyclicLR(o, 0.1, 1.0, mode="sine"), ValueError, "mode"),
    (lambda o: sch.CyclicLR(o, 0.1, 1.0, scale_fn=2.0), TypeError, "scale_fn"),
    (lambda o: sch.CyclicLR(o, 0.1, 1.0, scale_fn=abs, scale_mode="epoch"), ValueError,
     "scale_mode"),
    (lambda o: sch.CyclicLR(o, [0.1, 0.2], 1.0), ValueError, "base_lr"),
    (lambda o: sch.ReduceLROnPlateau(o, factor=1.0), ValueError, "factor"),
    (lambda o: sch.ReduceLROnPlateau(o, mode="best"), ValueError, "mode"),
    (lambda o: sch.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold_mode"),
    (lambda o: sch.SequentialLR(o, [sch.StepLR(o, 2)], milestones=[3]), ValueError, "milestone"),
    (lambda o: sch.SequentialLR(o, [sch.StepLR(_opt(), 2)], milestones=[]), ValueError,
     "another optimizer"),
    (lambda o: sch.SequentialLR(o, [sch.ReduceLROnPlateau(o)], milestones=[]), ValueError,
     "ReduceLROnPlateau"),
    (lambda o: sch.StepLR("not an optimizer", 2), TypeError, "not an Optimizer"),
    (lambda o: sch.MultiStepLR(o, milestones=5), TypeError, "MultiStepLR: milestones must"),
    (lambda o: sch.ExponentialLR(o, gamma="a"), TypeError, "ExponentialLR: gamma must"),
    (lambda o: sch.StepLR(o, 2, gamma=None), TypeError, "StepLR: gamma must"),
    (lambda o: sch.ReduceLROnPlateau(o).step(np.array([1.0, 2.0])), ValueError,
     r"one metric value .* shape \(2,\)"),
    (lambda o: sch.ReduceLROnPlateau(o).step("low"), TypeError, "one metric value"),
    (lambda o: sch.OneCycleLR(o, 0.5, total_steps=50, pct_start=0.02), ValueError,
     "warm-up end at step 0"),  # (PyTorch: ZeroDivisionError)
])
def test_errors(make, err, match):
    with pytest.raises(err, match=match):
        make(_opt())


@pytest.mark.parametrize("make", [lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=5),
                                  lambda o: sch.CyclicLR(o, 0.1, 1.0)])
def test_momentum_cycling_needs_momentum(make):
    with pytest.raises(ValueError, match="momentum"):
        make(_opt(cls=optim.Adagrad))


class _Decay:
    """A callable object as CyclicLR's scale_fn: its attributes are saved and restored."""

    def __init__(self):
        self.rate = 1.0

    def __call__(self, cycle):
        return self.rate ** cycle


def test_cyclic_lr_saves_a_callable_scale_fn_s_attributes_not_a_function():
    opt = _opt(cls=optim.Adam)
    s = sch.CyclicLR(opt, 0.1, 1.0, step_size_up=2, scale_fn=_Decay())
    s._scale_fn_custom.rate = 0.5
    _lrs(opt, s, 5)
    state, saved_opt = s.state_dict(), opt.state_dict()
    assert state["_scale_fn_custom"] == {"rate": 0.5}
    expected = _lrs(opt, s, 6)
    opt2 = _opt(cls=optim.Adam)
    s2 = sch.CyclicLR(opt2, 0.1, 1.0, step_size_up=2, scale_fn=_Decay())
    opt2.load_state_dict(saved_opt)
    s2.load_state_dict(state)
    assert s2._scale_fn_custom.rate == 0.5 and _lrs(opt2, s2, 6) == expected
    f = lambda c: 1.0  # noqa: E731 - a plain function: saved as None, kept on loading
    s3 = sch.CyclicLR(_opt(), 0.1, 1.0, scale_fn=f)
    assert s3.state_dict()["_scale_fn_custom"] is None
    s3.load_state_dict(s3.state_dict())
    assert s3._scale_fn_custom is f


@pytest.mark.parametrize("make,message", [
    (lambda o: sch.StepLR(o, step_size=0), "StepLR: step_size must be a positive integer, got 0"),
    (lambda o: sch.CosineAnnealingLR(o, T_max=2.5),
     "CosineAnnealingLR: T_max must be a positive integer, got 2.5"),
    (lambda o: sch.OneCycleLR(o, max_lr=1.0, epochs=2, steps_per_epoch=True),
     "OneCycleLR: steps_per_epoch must be a positive integer, got True"),
    (lambda o: sch.LambdaLR(o, [lambda t: 1, lambda t: 1]),
     "LambdaLR: expected 1 values for lr_lambda (one per param group), got 2"),
    (lambda o: sch.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]),
     "ReduceLROnPlateau: expected 1 values for min_lr (one per param group), got 2"),
])
def test_errors_name_the_scheduler(make, message):
    with pytest.raises(ValueError) as info:
        make(_opt())
    assert str(info.value) == message


@pytest.mark.parametrize("make", [
    lambda o: sch.StepLR(o, 2), lambda o: sch.LambdaLR(o, lambda t: 1),
    lambda o: sch.CyclicLR(o, 0.1, 1.0), lambda o: sch.ReduceLROnPlateau(o),
    lambda o: sch.ChainedScheduler([sch.ExponentialLR(o, 0.9)]),
    lambda o: sch.SequentialLR(o, [sch.ExponentialLR(o, 0.9), sch.StepLR(o, 2)], [3]),
])
def test_load_state_dict_refuses_an_optimizer_s_state_dict(make):
    # it held no lrs of a scheduler: its keys became attributes, the schedule went on unchanged
    opt = _opt()
    scheduler = make(opt)
    name = type(scheduler).__name__
    with pytest.raises(ValueError, match=rf"^{name}: load_state_dict expects a scheduler's "
                                         r"state_dict\(\), got a dict with keys \['param_groups',"):
        scheduler.load_state_dict(opt.state_dict())
    scheduler.load_state_dict(scheduler.state_dict())  # (its own still loads)


@pytest.mark.parametrize("make", [
    lambda o: sch.StepLR(o, 2), lambda o: sch.LambdaLR(o, lambda t: 1),
    lambda o: sch.OneCycleLR(o, max_lr=1.0, total_steps=5), lambda o: sch.ReduceLROnPlateau(o),
    lambda o: sch.SequentialLR(o, [], []),
])
def test_every_scheduler_checks_its_optimizer_in_the_base_constructor(make):
    with pytest.raises(TypeError, match=r"^\w+: str is not an Optimizer$"):
        make("not an optimizer")


def test_whole_numbers_of_any_type_are_accepted_as_counts():
    a, b = _opt(), _opt()
    assert _lrs(a, sch.StepLR(a, step_size=2.0, gamma=0.5), 5) == \
        _lrs(b, sch.StepLR(b, step_size=np.int64(2), gamma=0.5), 5)


def test_step_with_an_epoch_jumps_there_as_pytorch_with_a_warning():
    """PyTorch's deprecated step(epoch): the closed form's lr at that epoch, then on."""
    opt = _opt()
    scheduler = sch.StepLR(opt, 2, gamma=0.1)
    opt.step()
    with pytest.warns(UserWarning, match="epoch argument is deprecated"):
        scheduler.step(5)
    assert scheduler.last_epoch == 5 and scheduler.get_last_lr() == pytest.approx([1e-2])
    scheduler.step()  # epoch 6
    assert scheduler.get_last_lr() == pytest.approx([1e-3])
    plateau = sch.ReduceLROnPlateau(_opt())
    with pytest.warns(UserWarning, match="deprecated"):
        plateau.step(1.0, 7)
    assert plateau.last_epoch == 7


def test_a_plateau_scheduler_is_refused_where_it_cannot_be_stepped_in_turn():
    opt = _opt()
    plateau = sch.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match=r"ChainedScheduler: ReduceLROnPlateau \(index 1\) is "
                                         r"not supported: its step\(\) needs a metric"):
        sch.ChainedScheduler([sch.ConstantLR(opt, 0.5, 2), plateau])
    with pytest.raises(ValueError, match=r"SequentialLR: ReduceLROnPlateau \(index 0\)"):
        sch.SequentialLR(opt, [plateau, sch.ConstantLR(opt, 0.5, 2)], milestones=[2])


def test_a_composite_scheduler_after_the_first_milestone_is_refused():
    # it has no schedule to restart at its milestone (PyTorch fails there, not here)
    opt = _opt()
    for inner in (sch.ChainedScheduler([sch.ExponentialLR(opt, 0.9)]),
                  sch.SequentialLR(opt, [sch.ExponentialLR(opt, 0.9)], milestones=[])):
        with pytest.raises(ValueError, match=rf"SequentialLR: {type(inner).__name__} \(index "
                                             r"1\) cannot be restarted at its milestone"):
            sch.SequentialLR(opt, [sch.ConstantLR(opt, 0.5, 2), inner], milestones=[3])


def test_the_stepped_first_warning_spares_a_step_written_elsewhere():
    import warnings

    class Plain(optim.SGD):  # a step of its own, which need not call rungrad's
        def step(self, closure=None):
            for p in self.param_groups[0]["params"]:
                p.data -= self.param_groups[0]["lr"] * p.grad

    p = Parameter(np.ones(2))
    opt = Plain([p], lr=0.1)
    scheduler = sch.StepLR(opt, 2)
    p.grad = np.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        scheduler.step()


def test_a_checkpoint_whose_lr_a_schedule_rounded_below_0_loads_as_pytorchs():
    # LinearLR down to end_factor=0 leaves -8.9e-20 (PyTorch's arithmetic, and value)
    opt = optim.SGD([Parameter(np.zeros(2))], lr=0.02)
    schedule = sch.LinearLR(opt, start_factor=0.1, end_factor=0.0, total_iters=5)
    for _ in range(6):
        opt.step()
        schedule.step()
    lr = opt.param_groups[0]["lr"]
    assert -1e-18 < lr < 0
    fresh = optim.SGD([Parameter(np.zeros(2))], lr=0.02)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.param_groups[0]["lr"] == lr
    saved = opt.state_dict()
    saved["param_groups"][0]["lr"] = "fast"
    with pytest.raises(ValueError, match="SGD: lr must be a number"):
        fresh.load_state_dict(saved)
