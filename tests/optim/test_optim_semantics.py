"""PyTorch's optimizer semantics at the edges a parity sweep found: zero_grad(set_to_none),
momentum switched on mid-run, a NaN gradient norm, a parameter listed twice."""
import math

import numpy as np
import pytest

import nn
import optim
from autograd import Parameter, Variable


def test_zero_grad_keeps_the_memory_with_set_to_none_false():
    p = Parameter(np.ones(3))
    p.grad = Variable(np.arange(3.0))
    memory = p.grad.data
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad.data is memory and (memory == 0).all()
    optim.SGD([p], lr=0.1).zero_grad()
    assert p.grad is None


def test_a_graph_that_read_a_grad_zeroed_in_place_refuses_to_backward():
    """As PyTorch's version check: the zeroed .grad backpropagated zeros, silently (a
    gradient penalty of 0); a create_graph .grad is zeroed as a leaf, cut from its graph."""
    import autograd as ag
    p = Parameter(np.array([1.0, 2.0]))
    (p ** 3).sum().backward(create_graph=True)
    penalty = (p.grad ** 2).sum()
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad.creator is None and not p.grad.requires_grad
    with pytest.raises(RuntimeError, match="zeroed by zero_grad\\(set_to_none=False\\)"):
        penalty.backward()
    w, q = ag.Variable(np.ones(2)), Parameter(np.array([1.0, 2.0]))
    (q ** 2).sum().backward()
    weighted = (w * q.grad).sum()
    nn.Linear(1, 1).zero_grad(set_to_none=False)  # (another's: nothing to refuse)
    weighted.backward()
    assert w.grad.data.tolist() == [2.0, 4.0]
    weighted = (w * q.grad).sum()
    optim.SGD([q], lr=0.1).zero_grad(set_to_none=False)
    with pytest.raises(RuntimeError, match="input of shape \\(2,\\) of mul was modified"):
        weighted.backward()


def test_module_zero_grad_takes_set_to_none_too():
    layer = nn.Linear(2, 2)
    for param in layer.parameters():
        param.grad = Variable(np.ones(param.shape))
    layer.zero_grad(set_to_none=False)
    assert all((param.grad.data == 0).all() for param in layer.parameters())
    layer.zero_grad()
    assert all(param.grad is None for param in layer.parameters())


def test_zero_grad_replaces_a_read_only_gradient_with_zeros():
    p = Parameter(np.ones(3))
    grad = np.ones(3)
    grad.flags.writeable = False
    p.grad = Variable(grad)
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert (p.grad.data == 0).all() and (grad == 1).all()


def test_sgd_momentum_switched_on_mid_run_starts_its_buffer():
    p = Parameter(np.ones(3))
    opt = optim.SGD([p], lr=0.1)
    expected = np.ones(3)
    buffer = None
    for k in range(4):
        if k == 2:
            opt.param_groups[0]["momentum"] = 0.9
        g = np.arange(3.0) + k
        p.grad = Variable(g)
        opt.step()
        if k >= 2:  # PyTorch: the buffer starts at the gradient, undamped
            buffer = g.copy() if buffer is None else 0.9 * buffer + g
            expected -= 0.1 * buffer
        else:
            expected -= 0.1 * g
    np.testing.assert_allclose(p.data, expected, rtol=1e-15)


def test_a_nan_gradient_norm_makes_every_gradient_nan_as_pytorch():
    # unclipped finite gradients beside a NaN one would be a silent full-size step
    ps = [Parameter(np.ones(3)), Parameter(np.ones(2))]
    ps[0].grad, ps[1].grad = Variable(np.array([1.0, np.nan, 2.0])), Variable(np.array([30., 40.]))
    assert math.isnan(optim.clip_grad_norm_(ps, 1.0))
    assert all(np.isnan(p.grad.data).all() for p in ps)


def test_a_parameter_listed_twice_in_a_group_is_refused():
    p = Parameter(np.ones(2))
    with pytest.raises(ValueError, match="SGD: a parameter group lists the same parameter twice"):
        optim.SGD([p, p], lr=0.1)
