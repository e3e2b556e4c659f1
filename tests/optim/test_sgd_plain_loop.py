"""Plain SGD's own loop (optim/sgd.py: `w -= lr * g` for each parameter that fits it) gives
the general loop's results and state bit for bit, whichever parameter does not fit it and
wherever it stands: the rest go on in the general loop."""
import numpy as np
import pytest

import optim
from autograd import Parameter, Variable
from autograd.blocks import BLOCK

# one parameter the plain loop must hand over, each kind; None: every one fits
ODD = [None, "float64 grad", "array grad", "0-d", "over a block", "no grad", "frozen",
       "int grad", "new"]


def make(odd, at, seed=0):
    """Three float32 parameters and their gradients, the odd one at index `at`."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 2), (4,), (2, 3)]
    if odd == "0-d":
        shapes[at] = ()
    if odd == "over a block":
        shapes[at] = (BLOCK + 3,)
    ps = [Parameter(rng.normal(size=s).astype(np.float32)) for s in shapes]
    if odd == "frozen":
        ps[at].requires_grad = False
    return ps


def give_grads(ps, odd, at, rng):
    for i, p in enumerate(ps):
        g = rng.normal(size=p.shape).astype(np.float32)
        if i == at and odd == "float64 grad":
            g = g.astype(np.float64)
        if i == at and odd == "int grad":
            g = (g * 4).astype(np.int64)
        p.grad = None if i == at and odd == "no grad" else (
            g if i == at and odd == "array grad" else Variable(g))


def run(odd, at, **options):
    ps = make(odd, at)
    opt = optim.SGD(ps[:-1] if odd == "new" else ps, lr=0.1, **options)
    rng = np.random.default_rng(1)
    for step in range(3):
        if odd == "new" and step == 1:  # a parameter added later: its state is made then
            opt.add_param_group({"params": [ps[-1]]})
        give_grads(ps, odd, at, rng)
        opt.step()
    return ps, opt


@pytest.mark.parametrize("at", [0, 1, 2])
@pytest.mark.parametrize("odd", ODD)
def test_plain_loop_matches_the_general_loop(odd, at):
    fast, fast_opt = run(odd, at)
    general, general_opt = run(odd, at, foreach=False)  # (foreach=False: the general loop)
    for a, b in zip(fast, general):
        assert a.data.dtype == b.data.dtype and a.data.shape == b.data.shape
        np.testing.assert_array_equal(a.data, b.data)
    assert len(fast_opt.state_dict()["state"]) == len(general_opt.state_dict()["state"])


def test_plain_loop_moves_the_weights():
    """(Guard: the comparison above would pass if neither loop moved anything.)"""
    ps, _ = run(None, 0)
    assert not np.array_equal(ps[0].data, make(None, 0)[0].data)


def test_a_gradient_of_another_shape_is_refused():
    p = Parameter(np.zeros((2, 3), np.float32))
    p.grad = Variable(np.ones((3, 2), np.float32))
    with pytest.raises(ValueError, match=r"shape \(3, 2\)"):
        optim.SGD([p], lr=0.1).step()


def test_a_learning_rate_set_between_steps_is_used():
    p = Parameter(np.zeros(3, np.float32))
    opt = optim.SGD([p], lr=0.1)
    for lr in (0.1, 1.0):
        opt.param_groups[0]["lr"] = lr
        p.grad = Variable(np.ones(3, np.float32))
        opt.step()
    np.testing.assert_allclose(p.data, -1.1, rtol=1e-6)
