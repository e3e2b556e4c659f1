"""F.poisson_nll_loss and nn.PoissonNLLLoss: PyTorch's values and gradients (input and
target) for every combination of log_input, full, eps and reduction, backprop against
numerical differentiation to second order, and argument errors."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match, shapes

REDUCTIONS = ["mean", "sum", "none"]
COMBINATIONS = list(itertools.product([True, False], [False, True], [1e-8, 0.5], REDUCTIONS))
LOG_INPUT_FULL = list(itertools.product([True, False], [False, True]))


def _problem(log_input, dtype=np.float64, shape=(3, 4)):
    """(input, target): rates or their logs, and counts from 0 to 5 (t <= 1 and t > 1, where
    the Stirling term applies)."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=shape) if log_input else rng.uniform(0.05, 3.0, size=shape)
    t = rng.integers(0, 6, size=shape).astype(float)
    t.flat[:3] = [1.0, 0.5, 2.5]  # exactly 1 (left out) and fractional counts
    return x.astype(dtype), t.astype(dtype)


def _ours(x, t, module, **options):
    xv, tv = Variable(x), Variable(t)
    if module:
        loss = nn.PoissonNLLLoss(**options)(xv, tv)
    else:
        loss = F.poisson_nll_loss(xv, tv, **options)
    loss.backward(np.ones(loss.shape, loss.dtype))
    return loss.data, xv.grad.data, tv.grad.data


def _torch(torch, x, t, **options):
    xt = torch.tensor(x, requires_grad=True)
    tt = torch.tensor(t, requires_grad=True)
    loss = torch.nn.functional.poisson_nll_loss(xt, tt, **options)
    loss.backward(torch.ones_like(loss))
    return loss.detach().numpy(), xt.grad.numpy(), tt.grad.numpy()


@pytest.mark.parametrize("log_input, full, eps, reduction", COMBINATIONS)
@pytest.mark.parametrize("module", [False, True], ids=["F", "module"])
def test_values_and_gradients_match_torch(log_input, full, eps, reduction, module):
    torch = pytest.importorskip("torch")
    x, t = _problem(log_input)
    options = dict(log_input=log_input, full=full, eps=eps, reduction=reduction)
    for ours, theirs, what in zip(_ours(x, t, module, **options), _torch(torch, x, t, **options),
                                  ("loss", "input grad", "target grad")):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("log_input, full", LOG_INPUT_FULL)
def test_float32_matches_torch_and_stays_float32(log_input, full):
    torch = pytest.importorskip("torch")
    x, t = _problem(log_input, np.float32)
    ours = _ours(x, t, False, log_input=log_input, full=full)
    theirs = _torch(torch, x, t, log_input=log_input, full=full)
    for got, expected in zip(ours, theirs):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


def test_defaults_are_torch_s():
    torch = pytest.importorskip("torch")
    x, t = _problem(True)
    assert F.poisson_nll_loss(x, t).item() == pytest.approx(
        torch.nn.functional.poisson_nll_loss(torch.tensor(x), torch.tensor(t)).item(), rel=1e-14)
    assert repr(nn.PoissonNLLLoss()) == "PoissonNLLLoss()"
    assert "PoissonNLLLoss" in nn.__all__ and "poisson_nll_loss" in F.__all__


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input, full", LOG_INPUT_FULL)
@given(data=st.data())
def test_gradients_to_second_order(reduction, log_input, full, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    x = data.draw(arrays(shape, elements="bounded" if log_input else "positive"))
    # counts off t = 1, where the Stirling term jumps in
    t = data.draw(arrays(shape, elements=(0.0, 4.0)))
    t = np.where(np.abs(t - 1) < 0.05, t + 0.1, t)
    assert_gradients_match(lambda a, b: F.poisson_nll_loss(
        a, b, log_input=log_input, full=full, reduction=reduction), x, t, order=2)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.poisson_nll_loss(np.ones((4, 1)), np.ones(4)), ValueError,
     r"poisson_nll_loss: input of shape \(4, 1\) and target of shape \(4,\) differ"),
    (lambda: F.poisson_nll_loss(np.ones(2), np.ones(2), reduction="batchmean"), ValueError,
     "poisson_nll_loss: reduction must be one of"),
    (lambda: F.poisson_nll_loss(np.ones(2), np.ones(2), eps="small"), TypeError,
     "poisson_nll_loss: eps must be a real number"),
    (lambda: nn.PoissonNLLLoss(reduction="avg"), ValueError, "PoissonNLLLoss: reduction"),
])
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
