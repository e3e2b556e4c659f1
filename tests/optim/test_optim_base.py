"""The Optimizer machinery: groups, binding, skipping, state_dict, dtypes, errors."""
import copy
import pickle

import numpy as np
import pytest

import optim
from autograd import Parameter, Variable

from ._helpers import make_params, quad_grad, run, set_grad

ALL = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adadelta, dict(weight_decay=0.1)),
    (optim.Adam, dict(lr=0.05, amsgrad=True)),
    (optim.AdamW, dict(lr=0.05)),
    (optim.NAdam, dict(lr=0.05, weight_decay=0.1)),
    (optim.RAdam, dict(lr=0.05, decoupled_weight_decay=True, weight_decay=0.1)),
    (optim.Adamax, dict(lr=0.05)),
]
IDS = [cls.__name__ for cls, _ in ALL]


def test_defaults_are_pytorchs():
    p = make_params()
    assert optim.SGD(p).defaults == dict(lr=1e-3, momentum=0.0, dampening=0.0,
                                         weight_decay=0.0, nesterov=False, maximize=False,
                                         foreach=None, differentiable=False, fused=None)
    assert optim.Adam(p).defaults["lr"] == 1e-3
    assert optim.Adam(p).defaults["betas"] == (0.9, 0.999)
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2
    assert not optim.Adam(p).defaults["decoupled_weight_decay"]  # AdamW's is True
    assert optim.AdamW(p).defaults["decoupled_weight_decay"]
    assert optim.Adagrad(p).defaults["eps"] == 1e-10
    assert optim.RMSprop(p).defaults["alpha"] == 0.99
    assert optim.Adadelta(p).defaults["lr"] == 1.0


def test_accepts_a_generator_and_keeps_order():
    params = make_params()
    opt = optim.SGD((p for p in params), lr=0.1)
    assert opt.param_groups[0]["params"] == params
    assert isinstance(opt.param_groups[0]["params"], list)


def test_param_groups_override_defaults():
    p1, p2 = make_params()
    opt = optim.SGD([{"params": [p1]}, {"params": p2, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9
    set_grad(p1, np.ones(4))
    set_grad(p2, np.ones(4))
    before = [p1.data.copy(), p2.data.copy()]
    opt.step()
    np.testing.assert_allclose(before[0] - p1.data, 0.1)
    np.testing.assert_allclose(before[1] - p2.data, 0.5)


def test_add_param_group_and_duplicates():
    p1, p2 = make_params()
    opt = optim.Adam([p1], lr=0.01)
    opt.add_param_group({"params": [p2], "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p1]})
    with pytest.raises(ValueError, match="beta"):
        opt.add_param_group({"params": [Parameter(np.ones(2))], "betas": (1.5, 0.9)})


def test_zero_grad_sets_none():
    params = make_params()
    opt = optim.SGD(params)
    for p in params:
        set_grad(p, np.ones(4))
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_skips_params_without_grad_or_requires_grad_false():
    live, no_grad = make_params()
    frozen = Parameter(np.ones(3), requires_grad=False)
    frozen.grad = Variable(np.ones(3), requires_grad=False)  # set by hand: still ignored
    opt = optim.Adam([live, no_grad, frozen], lr=0.1)
    before = [no_grad.data.copy(), frozen.data.copy(), live.data.copy()]
    set_grad(live, np.ones(4))
    opt.step()
    np.testing.assert_array_equal(no_grad.data, before[0])
    np.testing.assert_array_equal(frozen.data, before[1])
    assert not np.array_equal(live.data, before[2])
    assert live in opt.state and no_grad not in opt.state and frozen not in opt.state


@pytest.mark.parametrize("cls,hp", ALL, ids=IDS)
def test_made_without_params_then_bound(cls, hp):
    """Keras' habit: optimizer first, parameters later (what Model.compile does)."""
    late = cls(**hp)
    assert len(late.param_groups) == 1 and late.param_groups[0]["params"] == []
    with pytest.raises(RuntimeError, match="step\\(\\) with no parameters.*bind"):
        late.step()  # a silent no-op would hide a forgotten bind (DeZero's setup)
    params = make_params()
    assert late.bind(params) is late
    late.bind(iter(params))  # binding again adds nothing
    assert late.param_groups[0]["params"] == params
    ref_params = make_params()
    np.testing.assert_array_equal(run(late, params, 4), run(cls(ref_params, **hp), ref_params, 4))


def test_bind_adds_new_params_to_the_first_group():
    p1, p2 = make_params()
    opt = optim.SGD([p1], lr=0.1)
    opt.bind([p1, p2])
    assert opt.param_groups[0]["params"] == [p1, p2]


@pytest.mark.parametrize("cls,hp", ALL, ids=IDS)
def test_state_dict_resume_is_exact(cls, hp):
    params = make_params()
    opt = cls(params, **hp)
    run(opt, params, 5)
    saved = opt.state_dict()
    saved_data = [p.data.copy() for p in params]
    expected = run(opt, params, 6)

    resumed = [Parameter(d) for d in saved_data]
    opt2 = cls(resumed, lr=123.0)  # hyperparameters come from the state_dict
    opt2.load_state_dict(saved)
    np.testing.assert_array_equal(run(opt2, resumed, 6), expected)


@pytest.mark.parametrize("cls,hp", ALL, ids=IDS)
def test_state_dict_holds_indices_arrays_and_numbers_only(cls, hp):
    params = make_params()
    opt = cls(params, **hp)
    run(opt, params, 2)
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sorted(sd["state"]) == [0, 1]

    def plain(v):
        if isinstance(v, (tuple, list)):
            return all(plain(x) for x in v)
        return v is None or isinstance(v, (np.ndarray, int, float, bool, str))
    assert all(plain(v) for s in sd["state"].values() for v in s.values())
    assert all(plain(v) for g in sd["param_groups"] for v in g.values())
    # a snapshot: stepping on does not change it
    before = {k: v.copy() for k, v in sd["state"][0].items() if isinstance(v, np.ndarray)}
    run(opt, params, 1)
    for k, v in before.items():
        np.testing.assert_array_equal(sd["state"][0][k], v)


def test_state_dict_indexes_across_groups():
    p1, p2 = make_params()
    opt = optim.Adam([{"params": [p1]}, {"params": [p2], "lr": 0.5}])
    run(opt, [p1, p2], 1)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.5


def test_load_state_dict_rejects_mismatches():
    params = make_params()
    opt = optim.Adam(params)
    run(opt, params, 1)
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="groups"):
        optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="group 0"):
        optim.Adam(params[:1]).load_state_dict(sd)
    wrong = Parameter(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        optim.Adam([params[0], wrong]).load_state_dict(sd)


@pytest.mark.parametrize("saved,what", [
    ({"weight": np.zeros(3)}, r"a dict with keys \['weight'\]"),  # a model's state dict
    ({"state": {}}, r"a dict with keys \['state'\]"),
    ([{"params": [0]}], "got list"),
])
def test_load_state_dict_refuses_what_is_no_optimizer_state_dict(saved, what):
    with pytest.raises(ValueError, match=r"^Adam: load_state_dict expects an optimizer's "
                                         rf"state_dict\(\) .*{what}$"):
        optim.Adam(make_params()).load_state_dict(saved)


def test_load_state_dict_casts_state_to_the_param_dtype():
    params = make_params(np.float64)
    opt = optim.Adam(params)
    run(opt, params, 2)
    p32 = make_params(np.float32)
    opt32 = optim.Adam(p32)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[p32[0]]["exp_avg"].dtype == np.float32
    assert opt32.state[p32[0]]["step"] == 2


@pytest.mark.parametrize("cls,hp", ALL, ids=IDS)
def test_float32_params_and_state_stay_float32(cls, hp):
    params = make_params(np.float32)
    opt = cls(params, **hp)
    # np.float64 hyperparameters would promote float32 arrays under NumPy 2 rules
    opt.param_groups[0]["lr"] = np.float64(opt.param_groups[0]["lr"])
    traj = run(opt, params, 3)
    assert traj.dtype == np.float32 and np.isfinite(traj).all()
    for p in params:
        assert p.data.dtype == np.float32
        for v in opt.state[p].values():
            assert not isinstance(v, np.ndarray) or v.dtype == np.float32


@pytest.mark.parametrize("cls,hp", ALL, ids=IDS)
def test_update_is_in_place_and_gradient_untouched(cls, hp):
    params = make_params()
    buffers = [p.data for p in params]
    grads = [quad_grad(p.data) for p in params]
    shared = Variable(grads[0], requires_grad=False)
    params[0].grad = shared
    params[1].grad = shared  # the engine may hand one gradient to two leaves
    cls(params, **hp).step()
    assert all(p.data is b for p, b in zip(params, buffers))
    np.testing.assert_array_equal(shared.data, grads[0])


def test_float64_gradient_on_float32_param_keeps_float32():
    p = Parameter(np.ones(3, dtype=np.float32))
    p.grad = Variable(np.ones(3, dtype=np.float64), requires_grad=False)
    optim.Adam([p]).step()
    assert p.data.dtype == np.float32


def test_step_returns_closure_loss():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)

    def closure():
        for p in params:
            set_grad(p, quad_grad(p.data))
        return 42.0
    before = params[0].data.copy()
    assert opt.step(closure) == 42.0
    assert not np.array_equal(params[0].data, before)


def test_repr_lists_groups():
    text = repr(optim.SGD(make_params(), lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.1" in text


@pytest.mark.parametrize("make,match", [
    (lambda p: optim.SGD(p, lr=-0.1), "^SGD: lr must be a number >= 0, got -0.1$"),
    (lambda p: optim.SGD(p, momentum=-0.5), "momentum"),
    (lambda p: optim.SGD(p, weight_decay=-1), "weight_decay"),
    (lambda p: optim.SGD(p, nesterov=True), "Nesterov"),
    (lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "beta1"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "beta2"),
    (lambda p: optim.Adam(p, betas=(0.9,)), "pair"),
    # not a sequence at all: refused by name, not by tuple() deep inside the constructor
    (lambda p: optim.Adam(p, betas=0.9), "^Adam: betas must be a pair .*got 0.9$"),
    (lambda p: optim.RAdam(p, betas=None), "^RAdam: betas must be a pair .*got None$"),
    (lambda p: optim.NAdam([{"params": p, "betas": 0.9}]), "^NAdam: betas must be a pair"),
    (lambda p: optim.Adamax(p, betas=0.99), "^Adamax: betas must be a pair"),
    (lambda p: optim.AdamW(p, eps=-1e-8), "eps"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "alpha"),
    (lambda p: optim.Adadelta(p, rho=1.5), "rho"),
    (lambda p: optim.Adam(lr=float("nan")), "^Adam: lr must be a number >= 0, got nan$"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
])
def test_invalid_hyperparameters_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make(make_params())


def test_an_empty_parameter_list_names_the_usual_causes():
    """A used-up generator (model.parameters() read twice) and layers kept in a plain list
    give no parameters: each is named, not only the lazy model's bind()."""
    params = (p for p in make_params())
    optim.SGD(params, lr=0.1)
    with pytest.raises(ValueError, match=r"^Adam: .*generator given was already used up "
                                         r"\(model.parameters\(\) can be read once"):
        optim.Adam(params)
    with pytest.raises(ValueError, match=r"plain Python list .* nn.ModuleList"):
        optim.SGD((p for p in []), lr=0.1)  # a fresh generator with nothing in it


def test_invalid_params_raise_type_errors():
    p = make_params()[0]
    with pytest.raises(TypeError, match="single Parameter"):
        optim.SGD(p)
    with pytest.raises(TypeError, match="a dict"):
        optim.SGD({"params": [p]})
    with pytest.raises(TypeError, match="set"):
        optim.SGD([{"params": {p}}])
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([np.ones(3)])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2.0])
    with pytest.raises(TypeError, match=r"Parameter: only floating-point data can require "
                                        r"gradients, got dtype int64"):
        Parameter(np.arange(3))  # an optimizer would never update it (PyTorch refuses it)
    frozen = Parameter(np.arange(3), requires_grad=False)  # a constant: taken, and skipped
    optim.SGD([frozen], lr=0.1).step()
    np.testing.assert_array_equal(frozen.data, [0, 1, 2])


def test_optim_does_not_import_nn():
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(optim.__file__)))
    code = "import sys, optim; sys.exit(3 if 'nn' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_state_is_made_at_the_first_step_for_the_group_s_settings():
    p = make_params()[0]
    opt = optim.Adam([p], lr=0.1)
    set_grad(p, quad_grad(p.data))
    opt.step()
    assert sorted(opt.state[p]) == ["exp_avg", "exp_avg_sq", "step"]
    opt.param_groups[0]["amsgrad"] = True  # more state than the first step made
    with pytest.raises(KeyError, match="Adam: the update needs 'max_exp_avg_sq'.*switched on"):
        opt.step()


def test_the_state_is_read_as_pytorchs_dict_is():
    """`for s in opt.state.values()` (PyTorch's idiom: moving or inspecting the state)."""
    params = make_params()[:2]
    opt = optim.Adam(params, lr=0.1)
    for p in params:
        set_grad(p, quad_grad(p.data))
    opt.step()
    assert [id(p) for p in opt.state.keys()] == [id(p) for p in params]
    assert [sorted(s) for s in opt.state.values()] == [["exp_avg", "exp_avg_sq", "step"]] * 2
    assert all(s is opt.state[p] for p, s in zip(params, opt.state.values()))


def test_a_loaded_state_lacking_an_entry_is_named_as_such():
    p = make_params()[0]
    opt = optim.Adam([p], lr=0.1)
    set_grad(p, quad_grad(p.data))
    opt.step()
    saved = opt.state_dict()
    del saved["state"][0]["exp_avg"]
    fresh = optim.Adam([p], lr=0.1)
    fresh.load_state_dict(saved)
    with pytest.raises(KeyError, match="'exp_avg'.*a loaded state_dict did not hold it"):
        fresh.step()


@pytest.mark.parametrize("saver,loader", [("Adam", "SGD"), ("NAdam", "Adam"), ("Adam", "Lion"),
                                          ("RMSprop", "SGD"), ("Rprop", "ASGD")])
def test_another_optimizer_s_state_dict_is_refused(saver, loader):
    # SGD took Adam's state (and its lr) and trained on, the moments ignored; NAdam's
    # mu_product was dropped by Adam. PyTorch fails at the next step, deep inside.
    p = make_params()[0]
    saving = getattr(optim, saver)([p], lr=0.5)
    set_grad(p, quad_grad(p.data))
    saving.step()
    loading = getattr(optim, loader)([p], lr=0.01, **({"momentum": 0.9} if loader == "SGD" else {}))
    saved = saving.state_dict()
    for group in saved["param_groups"]:  # (settings the loader takes: the state must tell)
        for key in [k for k in group if k != "params" and k not in loading.defaults]:
            del group[key]
    with pytest.raises(ValueError, match=rf"{loader}: the loaded state of parameter 0 holds "
                                         rf"\[.*\], which {loader} never keeps: the state "
                                         "dict was saved by another optimizer"):
        loading.load_state_dict(saved)


@pytest.mark.parametrize("saver, loader", [("Adam", "SGD"), ("SGD", "Adam"),
                                           ("NAdam", "Adam"), ("RMSprop", "Adagrad")])
def test_another_optimizer_s_groups_are_refused_before_any_step(saver, loader):
    # saved before its first step, an Adam has no state to tell it by: SGD took its groups
    # and trained at Adam's lr, with momentum 0 filled in and the betas ignored
    p = make_params()[0]
    saving = getattr(optim, saver)([p], lr=0.5)
    loading = getattr(optim, loader)([p], lr=0.01)
    with pytest.raises(ValueError, match=rf"{loader}: the loaded parameter group 0 holds the "
                                         rf"settings \[.*\], which {loader} does not take"):
        loading.load_state_dict(saving.state_dict())
    assert loading.param_groups[0]["lr"] == 0.01


@pytest.mark.parametrize("saver, loader", [("Adam", "AdamW"), ("AdamW", "Adam"),
                                           ("SGD", "SGD")])
def test_groups_of_optimizers_that_take_the_same_settings_load(saver, loader):
    p = make_params()[0]
    saving = getattr(optim, saver)([p], lr=0.5)
    saving.param_groups[0]["initial_lr"] = 0.5  # (a scheduler's: no optimizer's setting)
    loading = getattr(optim, loader)([p], lr=0.01)
    loading.load_state_dict(saving.state_dict())
    assert loading.param_groups[0]["lr"] == 0.5


def test_a_subclass_s_own_state_entries_still_load():
    class Averaging(optim.SGD):
        def _update(self, xp, w, g, state, h):
            super()._update(xp, w, g, state, h)
            state["average"] = w.copy()
    p = make_params()[0]
    opt = Averaging([p], lr=0.1, momentum=0.9)
    set_grad(p, quad_grad(p.data))
    opt.step()
    fresh = Averaging([p], lr=0.1, momentum=0.9)
    fresh.load_state_dict(opt.state_dict())
    np.testing.assert_array_equal(fresh.state[p]["average"], p.data)


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    p = make_params()[0]
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    g = quad_grad(p.data)
    set_grad(p, g)
    opt.step()
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], g)  # undamped, as PyTorch
    assert optim.SGD([p], lr=0.1)._init_state(np, p.data, {"momentum": 0.0}) == {}


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o))],
                         ids=["deepcopy", "pickle"])
def test_a_copied_optimizer_keeps_its_state_with_the_copied_parameters(duplicate):
    def trained():
        p = Parameter(np.array([1.0, -2.0]))
        opt = optim.SGD([p], lr=0.1, momentum=0.9)
        for _ in range(3):
            p.grad = Variable(np.array([0.5, 0.25]), requires_grad=False)
            opt.step()
        return opt
    original, copied = trained(), duplicate(trained())
    for opt in (original, copied):
        p = opt.param_groups[0]["params"][0]
        assert p in opt.state
        p.grad = Variable(np.array([0.5, 0.25]), requires_grad=False)
        opt.step()
    np.testing.assert_array_equal(copied.param_groups[0]["params"][0].data,
                                  original.param_groups[0]["params"][0].data)


def test_numpy_scalars_in_the_state_become_python_numbers():
    p = Parameter(np.ones(3, np.float32))
    opt = optim.Adam([p], lr=0.1)
    p.grad = Variable(np.ones(3, np.float32), requires_grad=False)
    opt.step()
    saved = opt.state_dict()
    for step in (np.int64(1), np.array(1)):  # a step from NumPy, or PyTorch's 0-d tensor
        saved["state"][0]["step"] = step
        loaded = optim.Adam([p], lr=0.1)
        loaded.load_state_dict(saved)
        assert type(loaded.state[p]["step"]) is int
    opt.state[p]["step"] = np.int64(5)
    opt.step()
    assert opt.state[p]["step"] == 6 and p.dtype == np.float32


def test_a_group_edited_under_nesterov_still_saves_and_loads():
    p = Parameter(np.array([1.0]))
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([p], lr=0.1, nesterov=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    opt.param_groups[0]["dampening"] = 0.1  # trains (PyTorch checks at construction only)
    p.grad = Variable(np.array([1.0]), requires_grad=False)
    opt.step()
    again = optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    again.load_state_dict(opt.state_dict())
    assert again.param_groups[0]["dampening"] == 0.1


def test_bind_takes_a_parameter_listed_twice_once():
    a, b = Parameter(np.ones(3)), Parameter(np.ones(3))
    opt = optim.Adam(lr=0.1).bind([a, b, a])
    assert [p is a for p in opt.param_groups[0]["params"]] == [True, False]


def test_a_zero_d_parameter_takes_pytorchs_step_tensor_as_a_number():
    p = Parameter(np.array(1.0))
    opt = optim.Adam([p], lr=0.1)
    p.grad = Variable(np.array(1.0), requires_grad=False)
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["step"] = np.array(1)
    again = optim.Adam([p], lr=0.1)
    again.load_state_dict(saved)
    assert type(again.state[p]["step"]) is int
    again.step()
    assert again.state[p]["step"] == 2


@pytest.mark.parametrize("cls", [optim.Adam, optim.RMSprop, optim.Adagrad, optim.Adadelta])
@pytest.mark.parametrize("foreach", [None, False])
def test_a_state_emptied_or_read_early_starts_afresh_as_pytorch(cls, foreach):
    def stepped(params, opt, times):
        for _ in range(times):
            for p in params:
                p.grad = Variable(np.full(p.shape, 0.5))
            opt.step()
    params = [Parameter(np.ones(3)), Parameter(np.ones(2)), Parameter(np.ones(()))]
    opt = cls(params, lr=0.1, foreach=foreach)
    assert opt.state[params[0]] == {}  # before the first step: an empty state, kept
    stepped(params, opt, 2)
    opt.state[params[0]].clear()
    del opt.state[params[1]]
    opt.state[params[2]].clear()  # (a 0-d parameter's state raised a KeyError here)
    stepped(params, opt, 1)
    reference = [Parameter(np.ones(3)), Parameter(np.ones(2)), Parameter(np.ones(()))]
    ref_opt = cls(reference, lr=0.1, foreach=foreach)
    stepped(reference, ref_opt, 2)
    ref_opt.state.clear()  # the same weights, each parameter's next step a first step again
    stepped(reference, ref_opt, 1)
    for p, r in zip(params, reference):
        np.testing.assert_array_equal(p.data, r.data)


def test_pytorch_s_step_count_for_a_scalar_parameter_is_a_number():
    torch = pytest.importorskip("torch")
    weight = torch.nn.Parameter(torch.tensor(1.0))
    theirs = torch.optim.Adam([weight], lr=0.1)
    weight.grad = torch.tensor(0.5)
    theirs.step()
    ours = Parameter(np.array(weight.item(), dtype=np.float32))
    mine = optim.Adam([ours], lr=0.1)
    mine.load_state_dict(theirs.state_dict())  # tensors as they are, step a 0-d float tensor
    assert isinstance(mine.state[ours]["step"], float)
    weight.grad, ours.grad = torch.tensor(0.3), Variable(np.array(0.3, np.float32))
    theirs.step()
    mine.step()
    np.testing.assert_allclose(ours.data, weight.item(), rtol=1e-6)


def test_a_gradient_of_another_shape_is_refused_and_closures_get_gradients():
    from autograd import no_grad
    q = Parameter(np.ones(3))
    opt = optim.SGD([q], lr=0.1)
    q.grad = Variable(np.ones(1))
    with pytest.raises(ValueError, match=r"parameter of shape \(3,\) has shape \(1,\)"):
        opt.step()  # it would be broadcast silently

    def closure():
        opt.zero_grad()
        loss = (q * q).sum()
        loss.backward()
        return loss
    with no_grad():  # PyTorch runs the closure with gradients enabled
        assert float(opt.step(closure).data) == 3.0
    q.grad = np.ones(3)  # an array set by hand
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(q.grad, np.zeros(3))


# ----- Keras' name for the learning rate -----

def _optimizer_classes():
    return [getattr(optim, name) for name in optim.__all__
            if isinstance(getattr(optim, name), type)
            and issubclass(getattr(optim, name), optim.Optimizer)
            and getattr(optim, name) is not optim.Optimizer]


@pytest.mark.parametrize("cls", _optimizer_classes(), ids=lambda cls: cls.__name__)
def test_every_optimizer_takes_keras_learning_rate_for_lr(cls):
    p = Parameter(np.zeros((3, 2)))  # (2-D: Muon takes matrices only)
    keras_style = cls([p], learning_rate=0.125)
    assert keras_style.param_groups[0]["lr"] == 0.125 == keras_style.learning_rate
    assert cls(learning_rate=0.25).defaults["lr"] == 0.25  # unbound, as Keras makes them
    with pytest.raises(TypeError, match=f"{cls.__name__}: give lr or learning_rate"):
        cls([p], lr=0.1, learning_rate=0.2)
    with pytest.raises(TypeError, match=f"{cls.__name__}: give lr or learning_rate"):
        cls([p], 0.1, learning_rate=0.2)


def test_setting_learning_rate_sets_every_group_and_the_next_step_uses_it():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(2))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert opt.learning_rate == 0.1
    opt.learning_rate = 0.25
    assert [g["lr"] for g in opt.param_groups] == [0.25, 0.25]
    a.grad, b.grad = np.ones(2), np.ones(2)
    opt.step()
    np.testing.assert_allclose(a.data, 0.75)
    np.testing.assert_allclose(b.data, 0.75)
    with pytest.raises(ValueError, match="SGD: learning_rate must be a number >= 0"):
        opt.learning_rate = -1


def test_a_subclass_of_its_own_takes_learning_rate_when_it_has_an_lr():
    class Halving(optim.SGD):
        def __init__(self, params, lr=0.1, factor=0.5):
            super().__init__(params, lr=lr * factor)

    class Fixed(optim.SGD):
        def __init__(self, params):
            super().__init__(params, lr=0.3)

    p = Parameter(np.zeros(1))
    assert Halving([p], learning_rate=0.5).learning_rate == 0.25
    assert Fixed([p]).learning_rate == 0.3
    with pytest.raises(TypeError):
        Fixed([p], learning_rate=0.5)  # it has no lr to give it to


@pytest.mark.parametrize("state, words", [
    ({"step": 1, "exp_avg": "abc", "exp_avg_sq": np.zeros((3, 2))}, "'exp_avg' holds str"),
    ({"step": -2, "exp_avg": np.zeros((3, 2)), "exp_avg_sq": np.zeros((3, 2))},
     "'step' is -2, a count"),
    ({"step": 1, "exp_avg": np.array([["a"] * 2] * 3), "exp_avg_sq": np.zeros((3, 2))},
     "not a number or an array of numbers"),
])
def test_loaded_state_that_no_update_can_read_is_refused_by_name(state, words):
    """(Before, the next step() failed deep in NumPy, or math.sqrt of a negative count.)"""
    weight = Parameter(np.zeros((3, 2)))
    opt = optim.Adam([weight])
    groups = opt.state_dict()["param_groups"]
    with pytest.raises(ValueError, match=f"Adam: state .*{words}"):
        opt.load_state_dict({"state": {0: state}, "param_groups": groups})


def test_adam_s_decoupled_weight_decay_is_adamw_and_survives_loading_into_adam():
    first, second = make_params(), make_params()
    decoupled = optim.Adam(first, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    adamw = optim.AdamW(second, lr=0.1, weight_decay=0.5)
    for _ in range(3):
        for p, q in zip(first, second):
            p.grad = q.grad = np.ones_like(p.data)
        decoupled.step()
        adamw.step()
    for p, q in zip(first, second):
        np.testing.assert_array_equal(p.data, q.data)
    plain = optim.Adam(make_params(), lr=0.1, weight_decay=0.5)
    plain.load_state_dict(adamw.state_dict())  # (PyTorch's Adam takes AdamW's state so)
    assert plain.param_groups[0]["decoupled_weight_decay"]
    saved = adamw.state_dict()
    del saved["param_groups"][0]["decoupled_weight_decay"]  # saved before Adam had the key
    resumed = [optim.AdamW(make_params(), lr=0.1, weight_decay=0.5) for _ in range(2)]
    resumed[0].load_state_dict(saved)
    resumed[1].load_state_dict(adamw.state_dict())
    for opt in resumed:  # (the same start: the parameters' values are make_params()')
        for p in opt.param_groups[0]["params"]:
            p.grad = np.ones_like(p.data)
        opt.step()
    for p, q in zip(*(opt.param_groups[0]["params"] for opt in resumed)):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_param_group_without_params_is_named():
    opt = optim.SGD(make_params(), lr=0.1)
    with pytest.raises(ValueError, match=r"SGD: a param group needs a 'params' entry.*\['lr'\]"):
        opt.add_param_group({"lr": 0.5})


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam])
def test_a_gradient_set_by_hand_as_a_list_is_named(cls):
    p = Parameter(np.ones(3), name="w")
    opt = cls([p], lr=0.1)
    p.grad = [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"the gradient of parameter 'w' of shape \(3,\) is a "
                                        r"list; a gradient is an array"):
        opt.step()


def test_pytorch_s_flags_are_group_settings_and_differentiable_is_refused():
    torch = pytest.importorskip("torch")
    for name in ("SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam",
                 "RAdam"):  # the same group keys as PyTorch's, so state dicts cross over
        ours = getattr(optim, name)(make_params()).state_dict()["param_groups"][0]
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))])
        assert set(ours) == set(theirs.state_dict()["param_groups"][0]), name
    fused = optim.AdamW(make_params(), lr=0.1, fused=True)  # nanoGPT's: the same update
    plain = optim.AdamW(make_params(), lr=0.1)
    assert fused.defaults["fused"] is True
    for opt in (fused, plain):
        for p in opt.param_groups[0]["params"]:
            p.grad = np.ones_like(p.data)
        opt.step()
    for p, q in zip(fused.param_groups[0]["params"], plain.param_groups[0]["params"]):
        np.testing.assert_array_equal(p.data, q.data)
    with pytest.raises(ValueError, match=r"Adam: differentiable=True \(backpropagating "
                                         r"through the update\) is not supported"):
        optim.Adam(make_params(), differentiable=True)
    with pytest.raises(ValueError, match="SGD: fused must be True, False or None, got 'yes'"):
        optim.SGD(make_params(), lr=0.1, fused="yes")


def test_lr_may_be_a_0_d_array_or_a_pytorch_tensor_as_pytorch_takes_one():
    """A tensor lr in the constructor was refused and one set on a group later failed deep
    in NumPy; both are a number to the update, as PyTorch's."""
    torch = pytest.importorskip("torch")
    p = Parameter(np.ones(3, np.float32))
    opt = optim.Adam([p], lr=torch.tensor(0.1))
    p.grad = Variable(np.ones(3, np.float32))
    opt.step()
    opt.param_groups[0]["lr"] = torch.tensor(0.5)
    opt.step()
    np.testing.assert_allclose(p.data, [0.4] * 3, rtol=1e-6)
    assert p.data.dtype == np.float32
    opt = optim.SGD([p], lr=np.array(0.1))
    opt.step()
    np.testing.assert_allclose(p.data, [0.3] * 3, rtol=1e-6)
    with pytest.raises(ValueError, match="SGD: lr must be a number >= 0, got tensor"):
        optim.SGD([p], lr=torch.tensor(-1.0))
