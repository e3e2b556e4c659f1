"""Optimizer hooks (optim/hooks.py) side by side with PyTorch's: the order they run in, what
they are given, what they change; a custom step, a captured step and Keras' fit too."""
import copy
import importlib
import warnings

import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import Parameter, capture
from optim import optimizer as optimizer_module

from ._helpers import X0, make_params, quad_grad, set_grad

torch = pytest.importorskip("torch")


# ----- the two sides -----

class Side:
    """One library's half of a side-by-side run: its optim, parameters with the quadratic's
    gradients, and their values."""

    def __init__(self, lib):
        self.lib = lib
        self.params = (make_params() if lib == "rungrad" else
                       [torch.tensor(x, requires_grad=True) for x in X0])
        self.set_grads()

    @property
    def optim(self):
        return optim if self.lib == "rungrad" else torch.optim

    @property
    def globals(self):
        return optimizer_module if self.lib == "rungrad" else importlib.import_module(
            "torch.optim.optimizer")  # (torch.optim hides the name)

    def make(self, name="SGD", **hp):
        return getattr(self.optim, name)(self.params, **hp)

    def set_grads(self):
        for p in self.params:
            if self.lib == "rungrad":
                set_grad(p, quad_grad(p.data))
            else:
                p.grad = torch.from_numpy(quad_grad(p.detach().numpy()))

    def values(self):
        return [np.array(p.data if self.lib == "rungrad" else p.detach().numpy())
                for p in self.params]


def side_by_side(scenario):
    """scenario(side) on both libraries: its results (and the parameters after it)."""
    return [(scenario(side), side.values()) for side in (Side("rungrad"), Side("torch"))]


def assert_same(results):
    (ours, our_values), (theirs, their_values) = results
    assert ours == theirs
    for a, b in zip(our_values, their_values):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def logger(log, name):
    """A step hook noting its name and what it was given (args: the optimizer first)."""
    def hook(opt, args, kwargs):
        log.append((name, args[0] is opt, len(args), sorted(kwargs)))
    return hook


@pytest.fixture
def global_hooks():
    """Registers global step hooks (both libraries'), removing them after the test, failed
    or not, so that no other optimizer sees them."""
    handles = []

    def register(side, kind, hook):
        handles.append(getattr(side.globals, f"register_optimizer_step_{kind}_hook")(hook))
        return handles[-1]
    yield register
    for handle in handles:
        handle.remove()


# ----- step hooks -----

def test_global_and_own_step_hooks_run_in_pytorchs_order(global_hooks):
    def scenario(side):
        log = []
        opt = side.make(lr=0.1, momentum=0.9)
        global_hooks(side, "pre", logger(log, "global pre"))
        global_hooks(side, "post", logger(log, "global post"))
        opt.register_step_post_hook(logger(log, "post"))
        opt.register_step_pre_hook(logger(log, "pre"))
        opt.register_step_pre_hook(logger(log, "second pre"))
        for _ in range(2):
            side.set_grads()
            opt.step()
        return log
    results = side_by_side(scenario)
    assert results[0][0][:5] == [("global pre", True, 1, []), ("pre", True, 1, []),
                                 ("second pre", True, 1, []), ("post", True, 1, []),
                                 ("global post", True, 1, [])]
    assert_same(results)


def test_a_pre_hook_gives_the_step_new_arguments_which_the_post_hooks_see():
    def scenario(side):
        log = []
        opt = side.make(lr=0.1)
        opt.register_step_pre_hook(
            lambda o, args, kwargs: (args, {"closure": lambda: log.append("closure") or 7.0}))
        opt.register_step_post_hook(logger(log, "post"))
        return opt.step(), log
    results = side_by_side(scenario)
    assert results[0][0] == (7.0, ["closure", ("post", True, 1, ["closure"])])
    assert_same(results)


def test_removed_hooks_run_no_more_and_steps_go_back_to_the_one_check(global_hooks):
    def scenario(side):
        log = []
        opt = side.make(lr=0.1)
        handles = [opt.register_step_pre_hook(logger(log, "pre")),
                   opt.register_step_post_hook(logger(log, "post")),
                   global_hooks(side, "post", logger(log, "global post"))]
        opt.step()
        handles[0].remove()
        opt.step()
        for handle in handles:
            handle.remove()
            handle.remove()  # (twice: harmless)
        opt.step()
        return log
    results = side_by_side(scenario)
    assert [name for name, *_ in results[0][0]] == ["pre", "post", "global post", "post",
                                                    "global post"]
    assert_same(results)
    opt = optim.SGD(make_params(), lr=0.1)
    handle = opt.register_step_post_hook(lambda *a: None)
    handle.remove()
    opt.step()  # (finds no hook, and forgets them)
    assert opt._step_hooked is False and optim.Optimizer._step_hooked is False


def _sign_descent(side):
    """A custom optimizer whose own step() updates by hand (sign descent), for `side`."""
    def update(p, lr):
        if side.lib == "rungrad":
            p.data[...] = p.data - lr * np.sign(p.grad.data)
        else:
            p.data.add_(p.grad.sign(), alpha=-lr)

    class SignDescent(side.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    update(p, group["lr"])
    return SignDescent


def test_a_custom_optimizers_own_step_gets_the_hooks(global_hooks):
    def scenario(side):
        log = []
        opt = _sign_descent(side)(side.params, lr=0.25)
        global_hooks(side, "pre", logger(log, "global pre"))
        opt.register_step_pre_hook(logger(log, "pre"))
        opt.register_step_post_hook(
            lambda o, args, kwargs: log.append(("post", np.round(side.values()[0], 6).tolist())))
        opt.step()
        return log
    results = side_by_side(scenario)
    assert len(results[0][0]) == 3
    assert_same(results)


def test_a_step_calling_super_step_runs_the_hooks_once():
    """(PyTorch, patching class by class, runs them twice here once an SGD has been made.)"""
    class Counted(optim.SGD):
        def step(self, closure=None):
            self.calls = getattr(self, "calls", 0) + 1
            return super().step(closure)
    log = []
    opt = Counted(make_params(), lr=0.1)
    opt.register_step_pre_hook(logger(log, "pre"))
    opt.register_step_post_hook(logger(log, "post"))
    opt.step()
    assert opt.calls == 1 and [name for name, *_ in log] == ["pre", "post"]


def test_a_pre_hook_returning_something_else_is_refused_naming_the_optimizer():
    for returned, message in ((5, "must return None or a tuple"),
                              (((), {}), "do not start with the optimizer")):
        opt = optim.Adam(make_params())
        opt.register_step_pre_hook(lambda o, a, k, r=returned: r)
        with pytest.raises(RuntimeError, match=f"Adam: the step pre-hook .*{message}"):
            opt.step()
    theirs = torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    theirs.register_step_pre_hook(lambda o, a, k: 5)
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        theirs.step()
    with pytest.raises(TypeError, match="SGD.register_step_post_hook: hook must be callable"):
        optim.SGD(make_params()).register_step_post_hook("ema")


def test_a_pre_hook_stepping_the_scheduler_finds_the_optimizer_stepping():
    """PyTorch's scheduler marks its optimizer before the hooks run: no warning either."""
    def scenario(side):
        opt = side.make(lr=1.0)
        scheduler = side.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        opt.register_step_pre_hook(lambda o, a, k: scheduler.step())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
        return scheduler.get_last_lr()
    assert_same(side_by_side(scenario))


def test_copies_leave_the_hooks_behind():
    def scenario(side):
        log = []
        opt = side.make(lr=0.1)
        opt.register_step_post_hook(logger(log, "post"))
        opt.register_state_dict_pre_hook(lambda o: log.append("state_dict"))
        twin = copy.deepcopy(opt)
        twin.step()
        twin.state_dict()
        return log
    assert_same(side_by_side(scenario))


# ----- state-dict hooks -----

def test_state_dict_hooks_run_in_order_prepend_first():
    def scenario(side):
        log = []
        opt = side.make(lr=0.1, momentum=0.9)
        opt.step()
        note = lambda name: lambda *args: log.append((name, len(args)))  # noqa: E731
        opt.register_state_dict_pre_hook(note("pre"))
        opt.register_state_dict_pre_hook(note("first pre"), prepend=True)
        opt.register_state_dict_post_hook(note("post"))
        opt.register_state_dict_post_hook(note("first post"), prepend=True)
        opt.register_load_state_dict_pre_hook(note("load pre"))
        opt.register_load_state_dict_pre_hook(note("first load pre"), prepend=True)
        opt.register_load_state_dict_post_hook(note("load post"))
        opt.register_load_state_dict_post_hook(note("first load post"), prepend=True)
        opt.load_state_dict(opt.state_dict())
        return log
    results = side_by_side(scenario)
    assert results[0][0] == [("first pre", 1), ("pre", 1), ("first post", 2), ("post", 2),
                             ("first load pre", 2), ("load pre", 2), ("first load post", 1),
                             ("load post", 1)]
    assert_same(results)


def _renaming(saved):
    """A state dict with each parameter's momentum buffer under another name."""
    return {**saved, "state": {i: {"velocity": s["momentum_buffer"]}
                               for i, s in saved["state"].items()}}


def test_hooks_rename_the_state_on_the_way_out_and_back_in():
    def scenario(side):
        opt = side.make(lr=0.1, momentum=0.9)
        opt.step()
        opt.register_state_dict_post_hook(lambda o, saved: _renaming(saved))
        saved = opt.state_dict()
        resumed = side.make(lr=0.1, momentum=0.9)
        resumed.register_load_state_dict_pre_hook(lambda o, d: {**d, "state": {
            i: {"momentum_buffer": s["velocity"]} for i, s in d["state"].items()}})
        loaded = []
        resumed.register_load_state_dict_post_hook(
            lambda o: loaded.append(sorted(o.state[side.params[0]])))
        resumed.load_state_dict(saved)
        side.set_grads()
        resumed.step()  # (the loaded momentum in use)
        return sorted(saved["state"][0]), loaded
    results = side_by_side(scenario)
    assert results[0][0] == (["velocity"], [["momentum_buffer"]])
    assert_same(results)


def test_a_state_dict_post_hook_may_change_it_in_place():
    def scenario(side):
        opt = side.make(lr=0.1)
        opt.register_state_dict_post_hook(lambda o, d: d["param_groups"][0].update(lr=0.5))
        return opt.state_dict()["param_groups"][0]["lr"], opt.param_groups[0]["lr"]
    assert_same(side_by_side(scenario))


def test_a_load_pre_hook_changes_a_copy_not_the_callers_dict():
    def scenario(side):
        opt = side.make(lr=0.1)
        saved = opt.state_dict()
        opt.register_load_state_dict_pre_hook(lambda o, d: d.update(state={}, note=1))
        opt.load_state_dict(saved)
        return sorted(saved)
    assert_same(side_by_side(scenario))


def test_a_state_dict_hook_returning_no_dict_is_refused_naming_the_optimizer():
    opt = optim.SGD(make_params())
    opt.register_state_dict_post_hook(lambda o, d: list(d))
    with pytest.raises(TypeError, match="SGD: the state_dict post-hook .* must return None "
                                        "or a state dict"):
        opt.state_dict()
    opt = optim.RMSprop(make_params())
    opt.register_load_state_dict_pre_hook(lambda o, d: "checkpoint.pt")
    with pytest.raises(TypeError, match="RMSprop: the load_state_dict pre-hook"):
        opt.load_state_dict(opt.state_dict())


# ----- captured steps and Keras -----

def _regression(seed=0):
    np.random.seed(seed)
    model = nn.Linear(3, 2)
    return model, optim.SGD(model.parameters(), lr=0.1, momentum=0.5)


def _ema_hook(model, counts):
    """A post-hook keeping an exponential moving average of the weights (NumPy, in place)."""
    averages = [p.data.copy() for p in model.parameters()]

    def hook(opt, args, kwargs):
        counts.append(1)
        for a, p in zip(averages, model.parameters()):
            a *= 0.5
            a += 0.5 * p.data
    return hook, averages


def _train_with_hooks(batches, captured):
    """Train on `batches` with a counting pre-hook and an EMA post-hook, eagerly or in a
    captured step: (pre-hook calls, post-hook calls, averages, weights)."""
    model, opt = _regression()
    pre, post = [], []
    opt.register_step_pre_hook(lambda o, a, k: pre.append(1))
    hook, averages = _ema_hook(model, post)
    opt.register_step_post_hook(hook)

    def step(x, t):
        opt.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.backward()
        opt.step()
        return loss
    run = capture(step) if captured else step
    for x, t in batches:
        run(x, t)
    if captured:
        assert run.captured == 1  # (the calls after the two recording ones were replays)
    return len(pre), len(post), averages + [p.data for p in model.parameters()]


def test_a_captured_step_runs_its_hooks_at_every_replay_as_eager_steps_do():
    rng = np.random.default_rng(1)
    batches = [(rng.standard_normal((4, 3)), rng.standard_normal((4, 2))) for _ in range(6)]
    eager_pre, eager_post, eager_arrays = _train_with_hooks(batches, captured=False)
    pre, post, arrays = _train_with_hooks(batches, captured=True)
    assert eager_pre == eager_post == pre == post == len(batches)
    for a, b in zip(eager_arrays, arrays):
        np.testing.assert_allclose(b, a, rtol=1e-6)


def test_a_hook_registered_between_replays_runs_from_the_next_call():
    model, opt = _regression()
    x, t = np.ones((4, 3)), np.zeros((4, 2))

    @capture
    def step(x, t):
        opt.zero_grad()
        F.mse_loss(model(x), t).backward()
        opt.step()
    for _ in range(3):
        step(x, t)
    counts = []
    handle = opt.register_step_post_hook(lambda o, a, k: counts.append(1))
    for _ in range(4):
        step(x, t)
    handle.remove()
    step(x, t)
    assert len(counts) == 4


@pytest.mark.parametrize("jit", [False, True])
def test_a_keras_fit_runs_its_optimizers_post_hook_once_per_update(jit):
    import nn.keras as keras
    assert issubclass(keras.optimizers.Adam, optim.Optimizer)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    np.random.seed(1)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05, clipnorm=1.0), loss="mse",
                  jit_compile=jit)
    seen = []
    model.optimizer.register_step_post_hook(
        lambda opt, args, kwargs: seen.append(opt.iterations))
    model.fit(x, x.sum(axis=1, keepdims=True), batch_size=8, epochs=3, verbose=0)
    assert seen == list(range(1, 13))  # (after the whole Keras update: iterations counted)


def test_keras_state_dict_hooks_see_the_iterations():
    import nn.keras as keras
    params = [Parameter(np.ones(2))]
    opt = keras.optimizers.SGD(0.1).bind(params)
    params[0].grad = np.ones(2)
    opt.step()
    opt.register_state_dict_post_hook(lambda o, d: {**d, "iterations": d["iterations"] + 10})
    twin = keras.optimizers.SGD(0.1).bind([Parameter(np.ones(2))])
    twin.register_load_state_dict_pre_hook(lambda o, d: {**d, "iterations": 5})
    twin.load_state_dict(opt.state_dict())
    assert opt.state_dict()["iterations"] == 11 and twin.iterations == 5
