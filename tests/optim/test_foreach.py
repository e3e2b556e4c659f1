"""A small group updated as one flat array (optim/foreach.py) gives the per-parameter loop's
results bit for bit, and its state stays the parameters' own: readable, writable, saved and
loaded as without it."""
import copy
import pickle

import numpy as np
import pytest

import optim
from autograd import Parameter, Variable

SHAPES = [(3, 2), (3,), (), (2, 3), (1,)]
RULES = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, maximize=True)),
    (optim.Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    (optim.AdamW, dict(lr=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (optim.Adadelta, dict(weight_decay=0.1)),
    (optim.NAdam, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    (optim.RAdam, dict(lr=0.01, weight_decay=0.1, maximize=True)),
    (optim.Adamax, dict(lr=0.01, weight_decay=0.1)),
    (optim.Lion, dict(lr=0.01, weight_decay=0.1, maximize=True)),
]
IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(RULES)]


def params(dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return [Parameter(rng.normal(size=s).astype(dtype)) for s in SHAPES]


def give_grads(ps, rng, skip=()):
    for i, p in enumerate(ps):
        p.grad = None if i in skip else Variable(rng.normal(size=p.shape).astype(p.dtype),
                                                 requires_grad=False)


def train(cls, hyper, foreach, steps=6, skipped=None, between=None):
    """Weights and state_dict after `steps`; `skipped`: {step: indices without a gradient};
    `between(step, opt, ps)`: called before each step."""
    ps, rng = params(), np.random.default_rng(1)
    opt = cls(ps, foreach=foreach, **hyper)
    for t in range(steps):
        give_grads(ps, rng, (skipped or {}).get(t, ()))
        if between is not None:
            between(t, opt, ps)
        opt.step()
    return [p.data.copy() for p in ps], opt


def assert_same(a, b):
    (weights_a, opt_a), (weights_b, opt_b) = a, b
    for wa, wb in zip(weights_a, weights_b):
        np.testing.assert_array_equal(wa, wb)
    state_a, state_b = opt_a.state_dict()["state"], opt_b.state_dict()["state"]
    assert state_a.keys() == state_b.keys()
    for i in state_a:
        assert state_a[i].keys() == state_b[i].keys()
        for key in state_a[i]:
            np.testing.assert_array_equal(state_a[i][key], state_b[i][key])


@pytest.mark.parametrize("cls, hyper", RULES, ids=IDS)
@pytest.mark.parametrize("foreach", [None, True])
def test_the_flat_update_is_the_per_parameter_one_bit_for_bit(cls, hyper, foreach):
    assert_same(train(cls, hyper, foreach), train(cls, hyper, False))
    # a parameter without a gradient at one step: that step (and, for rules that count
    # steps, the later ones) goes parameter by parameter, as it must
    skipped = {2: (1,)}
    assert_same(train(cls, hyper, foreach, skipped=skipped),
                train(cls, hyper, False, skipped=skipped))


def test_small_groups_are_flattened_by_default_and_large_ones_not():
    small = optim.Adam(params(), lr=0.01)
    give_grads(small.param_groups[0]["params"], np.random.default_rng(0))
    small.step()
    assert small._foreach_layouts
    big = [Parameter(np.zeros((300, 300), np.float32)), Parameter(np.zeros(3, np.float32))]
    large = optim.Adam(big, lr=0.01)
    give_grads(big, np.random.default_rng(0))
    large.step()
    assert not large._foreach_layouts
    forced = optim.Adam(big, lr=0.01, foreach=True)
    forced.step()
    assert forced._foreach_layouts


@pytest.mark.parametrize("cls, hyper", RULES[2:4], ids=IDS[2:4])
def test_state_edited_or_replaced_by_hand_is_used(cls, hyper):
    def edit(t, opt, ps):
        if t == 3:
            state = opt.state[ps[0]]
            state["exp_avg"][...] = 0.5            # through the view
            opt.state[ps[3]]["exp_avg_sq"] = np.ones_like(ps[3].data)  # a new array
    assert_same(train(cls, hyper, True, between=edit), train(cls, hyper, False, between=edit))


@pytest.mark.parametrize("cls, hyper", RULES, ids=IDS)
def test_a_state_dict_loaded_mid_run_continues_alike(cls, hyper):
    saved = train(cls, hyper, True, steps=3)[1].state_dict()

    def resume(t, opt, ps):
        if t == 0:
            opt.load_state_dict(saved)
            for p, w in zip(ps, train(cls, hyper, True, steps=3)[0]):
                p.data[...] = w
    assert_same(train(cls, hyper, True, steps=3, between=resume),
                train(cls, hyper, False, steps=3, between=resume))


def test_a_parameter_given_a_new_array_and_a_copied_optimizer():
    def replace(t, opt, ps):
        if t == 2:
            ps[0].data = ps[0].data * 2  # a new array of the same shape
    assert_same(train(optim.Adam, dict(lr=0.01), True, between=replace),
                train(optim.Adam, dict(lr=0.01), False, between=replace))
    _, opt = train(optim.Adam, dict(lr=0.01), True, steps=3)
    twin = copy.deepcopy(opt)
    for o in (opt, twin):
        give_grads(o.param_groups[0]["params"], np.random.default_rng(5))
        o.step()
    for p, q in zip(opt.param_groups[0]["params"], twin.param_groups[0]["params"]):
        np.testing.assert_array_equal(p.data, q.data)


def test_foreach_is_checked():
    with pytest.raises(ValueError, match="foreach must be None"):
        optim.Adam(params(), foreach="yes")


def twins(make, steps):
    """`steps(opt, ps)` run on make(foreach) for foreach None and False: both results."""
    results = []
    for foreach in (None, False):
        opt, ps = make(foreach)
        steps(opt, ps)
        results.append([p.data.copy() for p in ps])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def pair(cls=optim.Adam, dtype=np.float32, **hyper):
    def make(foreach):
        ps = [Parameter(np.ones(3, dtype)), Parameter(np.ones(3, dtype))]
        return cls(ps, foreach=foreach, **hyper), ps
    return make


def grads(ps, *values):
    for p, v in zip(ps, values):
        p.grad = None if v is None else Variable(np.full(p.shape, v, p.dtype),
                                                 requires_grad=False)


def test_a_momentum_buffer_missing_for_one_parameter():
    def steps(opt, ps):
        grads(ps, None, 0.5)  # the first has no momentum buffer after this step
        opt.step()
        for _ in range(3):
            grads(ps, 0.25, 0.5)
            opt.step()
    twins(pair(optim.SGD, lr=0.1, momentum=0.9, weight_decay=1e-4), steps)


def test_tied_parameters_are_updated_once_per_parameter():
    def make(foreach):
        enc, dec = Parameter(np.ones(4, np.float32)), Parameter(np.zeros(4, np.float32))
        dec.data = enc.data  # one memory, two parameters
        return optim.Adam([enc, dec], lr=0.1, foreach=foreach), [enc, dec]

    def steps(opt, ps):
        for _ in range(3):
            grads(ps, 1.0, 1.0)
            opt.step()
    twins(make, steps)


def test_state_of_another_dtype_and_held_references():
    def steps(opt, ps):
        grads(ps, 0.1, 0.3)
        opt.step()
        held = opt.state[ps[1]]["exp_avg"]
        opt.state[ps[0]]["exp_avg"] = np.zeros(3)  # float64 for a float32 parameter
        for _ in range(3):
            grads(ps, 0.1, 0.3)
            opt.step()
        assert held is opt.state[ps[1]]["exp_avg"]  # the other's array is still its state
        assert opt.state[ps[1]]["exp_avg"].dtype == np.float32
    twins(pair(), steps)


def test_a_replaced_state_array_of_the_same_kind_is_copied_in():
    def steps(opt, ps):
        grads(ps, 0.1, 0.3)
        opt.step()
        held = opt.state[ps[1]]["exp_avg"]
        opt.state[ps[0]]["exp_avg"] = np.full(3, 0.5, np.float32)
        grads(ps, 0.1, 0.3)
        opt.step()
        assert held is opt.state[ps[1]]["exp_avg"]
    twins(pair(), steps)


def test_a_missing_state_entry_is_explained_and_the_state_stays_consistent():
    def steps(opt, ps):
        grads(ps, 1.0, 1.0)
        opt.step()
        opt.param_groups[0]["amsgrad"] = True
        with pytest.raises(KeyError, match="the update needs 'max_exp_avg_sq'"):
            opt.step()
        opt.param_groups[0]["amsgrad"] = False
        opt.state[ps[0]]["step"] = opt.state[ps[1]]["step"] = 1
        opt.step()
    twins(pair(), steps)


def test_copies_leave_the_flat_layouts_behind():
    opt, ps = pair()(None)
    grads(ps, 1.0, 1.0)
    opt.step()
    assert opt._foreach_layouts
    for copied in (copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))):
        assert not copied._foreach_layouts


def test_read_only_weights_fail_as_in_the_loop():
    for foreach in (None, False):
        opt, ps = pair()(foreach)
        ps[1].data.flags.writeable = False
        grads(ps, 1.0, 1.0)
        with pytest.raises(ValueError, match="read-only"):
            opt.step()


@pytest.mark.parametrize("name", ["Adam", "NAdam", "RAdam", "Adamax", "Adagrad", "Adadelta",
                                  "Rprop", "ASGD", "Lion"])
def test_states_emptied_by_hand_start_afresh_in_the_grouped_update_too(name):
    """(With foreach=None, a small group updated as one: emptying every parameter's state,
    PyTorch's reset idiom, left every later step raising KeyError 'step'.)"""
    runs = []
    for foreach in (None, False):
        a, b = Parameter(np.ones(3)), Parameter(np.ones(2))
        opt = getattr(optim, name)([a, b], lr=0.1, foreach=foreach)
        for step in range(3):
            for p in (a, b):
                p.grad = np.full(p.shape, step + 1.0)
            opt.step()
            if step == 0:
                for state in opt.state.values():
                    state.clear()
        runs.append(np.concatenate([a.data, b.data]))
    np.testing.assert_array_equal(*runs)
