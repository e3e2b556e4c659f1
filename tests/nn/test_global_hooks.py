"""Global module hooks (PyTorch's torch.nn.modules.module.register_module_*_hook): the calls
and arguments every Module's hooks see, against PyTorch's on the same model."""
import numpy as np
import pytest

import nn
from autograd.call_hooks import CallHooks

torch = pytest.importorskip("torch")
from torch.nn.modules import module as torch_module  # noqa: E402


def _models():
    np.random.seed(0)
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                 torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(np.asarray(v, np.float64))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _events(lib, model, x):
    """What the global hooks and one module's own forward hook saw over a forward and a
    backward, by module class: (event, class, shapes)."""
    events = []

    def shapes(values):
        return tuple(None if v is None else tuple(v.shape) for v in values)
    register = nn if lib == "ours" else torch_module
    handles = [
        register.register_module_forward_pre_hook(
            lambda m, args: events.append(("pre", type(m).__name__, shapes(args)))),
        register.register_module_forward_hook(
            lambda m, args, out: events.append(("forward", type(m).__name__, shapes([out])))),
        register.register_module_full_backward_hook(
            lambda m, gin, gout: events.append(("backward", type(m).__name__,
                                                shapes(gin), shapes(gout)))),
        model[0].register_forward_hook(lambda m, args, out: events.append(("own", "Linear"))),
    ]
    out = model(x)
    (out * out).sum().backward()
    for handle in handles:
        handle.remove()
    model(x)  # (no hook left)
    return events


def test_every_module_s_calls_run_the_global_hooks_before_its_own_as_pytorch_s():
    ours, theirs = _models()
    x = np.random.default_rng(0).standard_normal((5, 3))
    seen = _events("ours", ours, nn.Parameter(x.astype(np.float32)))
    expected = _events("torch", theirs, torch.tensor(x, requires_grad=True))
    assert seen == expected
    assert nn.Module._call_hooks is None and CallHooks.shared.any() is False


def test_a_global_forward_hook_may_replace_outputs_and_a_pre_hook_the_arguments():
    ours, _ = _models()
    x = np.ones((2, 3), np.float32)
    plain, first_doubled = ours(x).data, ours[2](ours[1](ours[0](x * 2))).data
    doubled = nn.register_module_forward_pre_hook(
        lambda m, args: (args[0] * 2,) if m is ours[0] else None)
    try:
        np.testing.assert_allclose(ours(x).data, first_doubled, rtol=1e-6)
    finally:
        doubled.remove()
    zeroed = nn.register_module_forward_hook(
        lambda m, args, out: out * 0 if m is ours else None)
    try:
        assert not ours(x).data.any()
    finally:
        zeroed.remove()
    np.testing.assert_array_equal(ours(x).data, plain)


def test_a_model_s_sizing_trial_runs_no_global_hook():
    calls = []
    handle = nn.register_module_forward_hook(lambda m, args, out: calls.append(type(m).__name__))
    try:
        model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(2)])  # (sized by a trial)
        assert calls == []
        model(np.ones((2, 3), np.float32))
        lazy = nn.Sequential(nn.LazyLinear(4), nn.ReLU())
        lazy(np.ones((2, 3), np.float32))
    finally:
        handle.remove()
    assert calls == ["Dense", "Dense", "Sequential", "Linear", "ReLU", "Sequential"]


class _Block(nn.keras.layers.Layer):
    """A layer that makes a sublayer and registers a hook of its own in build()."""

    def __init__(self, record, **kwargs):
        super().__init__(**kwargs)
        self.record = record

    def build(self, input_shape):
        self.inner = nn.keras.layers.Dense(5)
        self.register_forward_hook(lambda m, args, out: self.record("own hook"))

    def call(self, x):
        return self.inner(x)


def test_a_trial_keeps_hooks_a_layer_registers_in_build_and_runs_no_global_one():
    """(A review: the first version dropped the build's hook, and ran the global hooks on
    the sublayers a build makes, during the trial.)"""
    log, seen = [], []
    handle = nn.register_module_forward_hook(lambda m, args, out: seen.append(type(m).__name__))
    try:
        model = nn.Sequential([_Block(log.append, input_shape=(3,)), nn.keras.layers.Dense(2)])
        assert seen == [] and log == []
        model(np.ones((2, 3), np.float32))
    finally:
        handle.remove()
    assert log == ["own hook"] and seen == ["Dense", "_Block", "Dense", "Sequential"]
    model(np.ones((2, 3), np.float32))
    assert log == ["own hook"] * 2


def test_hooks_added_or_removed_during_a_call_are_read_as_pytorch_reads_them():
    events = {}
    for lib in ("ours", "torch"):
        module = nn.Linear(3, 2) if lib == "ours" else torch.nn.Linear(3, 2)
        register = nn if lib == "ours" else torch_module
        log, late = [], []
        module.register_forward_hook(lambda m, args, out, log=log: log.append("own"))

        def pre(m, args, log=log, late=late, register=register):
            log.append("pre")
            late.append(register.register_module_forward_hook(
                lambda m, args, out: log.append("late")))
        handle = register.register_module_forward_pre_hook(pre)
        module(np.ones((1, 3), np.float32) if lib == "ours" else torch.ones(1, 3))
        handle.remove()
        for h in late:
            h.remove()
        events[lib] = log
    assert events["ours"] == events["torch"] == ["pre", "late", "own"]
