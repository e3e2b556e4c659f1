"""F.gumbel_softmax: the noise from NumPy's global generator (seeded: the exact sample), the
distribution (the hard sample's classes follow softmax(logits); log-ratios of the soft one
are logistic), tau, dim, float32, the straight-through gradient (exactly the soft sample's,
against torch's softmax), second order of the soft sample, and the errors."""
import warnings

import numpy as np
import pytest

import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.functional.dropout import _drawn_from_seed

from ._helpers import assert_close

torch = pytest.importorskip("torch")


def _gumbels(seed, shape):
    return -np.log(np.random.RandomState(seed).standard_exponential(shape))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, dim", [((5, 4), -1), ((3, 4, 2), 1), ((6,), 0),
                                        ((2, 3, 4), 0)])
@pytest.mark.parametrize("tau", [1, 0.5, 3.0])
def test_a_seeded_sample_is_softmax_of_logits_plus_gumbel_noise_over_tau(dtype, shape, dim,
                                                                        tau):
    logits = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    np.random.seed(3)
    y = F.gumbel_softmax(logits, tau=tau, dim=dim)
    noisy = torch.tensor((logits + _gumbels(3, shape).astype(dtype)) / dtype(tau))
    assert y.dtype == dtype
    assert_close(y, torch.softmax(noisy, dim), 1e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, dim", [((5, 4), -1), ((3, 4, 2), 1), ((2, 3, 4), 0)])
def test_hard_is_the_one_hot_with_the_soft_sample_s_gradient_exactly(dtype, shape, dim):
    """Straight through: forward the one-hot of the soft sample's argmax, backward exactly
    the soft sample's gradient (torch's softmax of the same noisy logits)."""
    logits = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    x = Variable(logits)
    np.random.seed(4)
    y = F.gumbel_softmax(x, tau=0.7, hard=True, dim=dim)
    xt = torch.tensor(logits, requires_grad=True)
    soft = torch.softmax((xt + torch.tensor(_gumbels(4, shape).astype(dtype))) / 0.7, dim)
    one_hot = torch.zeros_like(soft).scatter_(dim, soft.argmax(dim, keepdim=True), 1.0)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.data == 0, one_hot.numpy() == 0)
    np.testing.assert_allclose(y.data, one_hot.numpy(), rtol=0, atol=1e-6)
    gy = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    y.backward(gy)
    soft.backward(torch.tensor(gy))
    assert_close(x.grad, xt.grad, 1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_hard_sample_s_classes_follow_softmax_of_the_logits(seed):
    """40 000 draws: each class's share within 0.015 of its probability, 6 standard errors
    (at most 0.0025) and more: no seed comes near it."""
    logits = np.array([2.0, 0.5, -1.0, 0.0])
    np.random.seed(seed)
    shares = F.gumbel_softmax(np.tile(logits, (40_000, 1)), hard=True).data.mean(axis=0)
    probabilities = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(shares, probabilities, atol=0.015)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_soft_sample_s_log_ratios_are_logistic(seed):
    """log y_i - log y_j - (l_i - l_j) = g_i - g_j, a difference of two Gumbel(0, 1) draws:
    logistic, mean 0 and variance pi^2/3; over 40 000 draws within 0.06 and 0.25 (over 6
    standard errors)."""
    logits = np.array([1.0, -0.5, 0.3])
    np.random.seed(seed)
    y = F.gumbel_softmax(np.tile(logits, (40_000, 1))).data
    np.testing.assert_allclose(y.sum(axis=1), 1, rtol=1e-12)
    differences = np.log(y[:, 0]) - np.log(y[:, 1]) - (logits[0] - logits[1])
    assert abs(differences.mean()) < 0.06
    assert abs(differences.var() - np.pi ** 2 / 3) < 0.25


def test_soft_sample_backprops_to_second_order():
    logits = np.random.default_rng(5).standard_normal((3, 4))
    assert_gradients_match(lambda v: _drawn_from_seed(9, lambda: F.gumbel_softmax(v, tau=0.8)),
                           logits, order=2)


def test_an_empty_input_comes_back_empty():
    assert F.gumbel_softmax(np.zeros((0, 3)), hard=True).shape == (0, 3)


def test_eps_is_deprecated_as_in_torch():
    with pytest.warns(UserWarning, match=r"gumbel_softmax: `eps` parameter is deprecated"):
        F.gumbel_softmax(np.zeros((2, 3)), eps=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(np.zeros((2, 3)))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.gumbel_softmax(np.zeros(3), tau=0), ValueError,
     r"gumbel_softmax: tau must be a positive temperature, got 0.0"),
    (lambda: F.gumbel_softmax(np.zeros(3), tau=-1.5), ValueError,
     r"gumbel_softmax: tau must be a positive temperature, got -1.5"),
    (lambda: F.gumbel_softmax(np.zeros(3), tau="1"), TypeError,
     r"gumbel_softmax: tau must be a real number"),
    (lambda: F.gumbel_softmax(np.zeros(3, int)), TypeError,
     r"gumbel_softmax: expected a floating-point input, got dtype int64"),
    (lambda: F.gumbel_softmax(np.zeros((2, 3)), dim=2), ValueError,
     r"gumbel_softmax: axis 2 is out of bounds for array of dimension 2"),
])
def test_errors_name_the_function_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
