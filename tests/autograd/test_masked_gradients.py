"""Piecewise-linear ops (relu, clip, max, min) block the gradient of a closed branch with a
mask, not a product with 0: an infinite or NaN upstream gradient (sqrt or log right after
the kink) gives 0 there, as PyTorch's, not NaN, to first and second order."""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F
from autograd import Variable

torch = pytest.importorskip("torch")
T = torch.nn.functional
ZERO = torch.zeros((), dtype=torch.float64)

CASES = [  # (ours, PyTorch's): each puts a sqrt or log right after the op's kink
    (lambda a: ag.sqrt(F.relu(a)), lambda a: torch.sqrt(T.relu(a))),
    (lambda a: ag.sqrt(ag.maximum(a, 0.0)), lambda a: torch.sqrt(torch.maximum(a, ZERO))),
    (lambda a: ag.sqrt(ag.maximum(0.0, a)), lambda a: torch.sqrt(torch.maximum(ZERO, a))),
    (lambda a: ag.sqrt(-ag.minimum(a, 0.0)), lambda a: torch.sqrt(-torch.minimum(a, ZERO))),
    (lambda a: ag.log(ag.clip(a, 0.0, 1.0)), lambda a: torch.log(torch.clamp(a, 0.0, 1.0))),
    (lambda a: ag.log(ag.clip(a, 0.0, None)), lambda a: torch.log(torch.clamp(a, min=0.0))),
    (lambda a: ag.sqrt(1 - ag.clip(a, None, 1.0)),
     lambda a: torch.sqrt(1 - torch.clamp(a, max=1.0))),
]


def _grads(fn, x, *, ours):
    if ours:
        v = Variable(x.copy())
        fn(v).sum().backward()
        return v.grad.data
    t = torch.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ours, theirs", CASES)
@given(st.lists(st.sampled_from([-2.0, -1.0, 0.0, 0.25, 1.0, 1.5, 3.0]), min_size=1,
                max_size=6))
def test_an_infinite_gradient_into_a_closed_branch_gives_torchs_0(ours, theirs, dtype, values):
    x = np.array(values, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (sqrt(0)'s slope: both warn)
        have, want = _grads(ours, x, ours=True), _grads(theirs, x, ours=False)
    assert have.dtype == dtype
    np.testing.assert_allclose(have, want, rtol=1e-6)


def test_a_nan_gradient_into_a_closed_branch_gives_0_and_an_open_one_nan():
    x = Variable(np.array([-1.0, 2.0]))
    (F.relu(x) * np.array(np.nan)).sum().backward()
    theirs = torch.tensor([-1.0, 2.0], requires_grad=True)
    (T.relu(theirs) * float("nan")).sum().backward()
    np.testing.assert_array_equal(x.grad.data, theirs.grad.numpy())  # [0, nan]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (0 ** -0.5 and sqrt(0)'s slope: both warn)
def test_the_second_derivative_through_relu_stays_finite_as_torchs():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    v = Variable(x.copy())
    g, = ag.grad((F.relu(v) ** 1.5).sum(), v, create_graph=True)
    gg, = ag.grad(ag.sqrt(g).sum(), v)  # sqrt(0)'s infinite slope meets relu's closed side
    t = torch.tensor(x, requires_grad=True)
    gt, = torch.autograd.grad((T.relu(t) ** 1.5).sum(), t, create_graph=True)
    ggt, = torch.autograd.grad(torch.sqrt(gt).sum(), t)
    np.testing.assert_allclose(g.data, gt.detach().numpy())
    np.testing.assert_allclose(gg.data, ggt.numpy())


def test_ties_still_split_a_finite_gradient_evenly():
    x, y = Variable(np.array([1.0, 2.0])), Variable(np.array([1.0, 3.0]))
    ag.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.5, 0.0])
    np.testing.assert_array_equal(y.grad.data, [0.5, 1.0])
