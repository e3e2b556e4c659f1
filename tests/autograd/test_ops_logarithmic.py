"""log2, log10, exp2, xlogy and logit against PyTorch: values, gradients and second
derivatives in float64 over shapes and edge points; float32 kept; bad arguments named."""
import numpy as np
import pytest

import autograd as ag

from .._helpers import assert_float32_kept
from ._elementwise_math import SHAPES, check_binary, check_unary, values_in

DOMAINS = {"log2": (0.1, 5), "log10": (0.1, 5), "exp2": (-5, 5), "logit": (0.01, 0.99)}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", DOMAINS)
def test_unary_matches_torch(name, shape):
    check_unary(name, values_in(*DOMAINS[name], shape))


@pytest.mark.parametrize("name, edges", [
    ("log2", [0.0, -1.0, np.inf, np.nan, 1e-310]),
    ("log10", [0.0, -1.0, np.inf, np.nan]),
    ("exp2", [-np.inf, np.inf, 2000.0, np.nan]),
    ("logit", [0.0, 1.0, 1.5, -0.5, np.nan]),
])
def test_unary_edges_match_torch(name, edges):
    check_unary(name, np.array(edges), order=1)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.25])
def test_logit_eps_matches_torch(eps):
    """Clamped to [eps, 1 - eps]: gradient 0 outside, to second order off 0 and 1 (there
    PyTorch's second derivative is NaN, ours 0: the clamped function is constant there)."""
    x = np.array([0.0, 0.05, 0.1, 0.3, 0.5, 0.85, 0.95, 1.0])
    check_unary("logit", x, eps=eps, order=1)
    check_unary("logit", x[1:-1], eps=eps)


@pytest.mark.parametrize("shapes", [((), ()), ((4,), (4,)), ((2, 3), (3,)), ((3, 1), (1, 2)),
                                    ((0,), ())])
def test_xlogy_matches_torch(shapes):
    x0 = values_in(-2, 2, shapes[0], seed=3)
    x1 = values_in(0.1, 3, shapes[1], seed=4)
    check_binary("xlogy", x0, x1)


def test_xlogy_edges_match_torch():
    """0 log 0 = 0, 0 log NaN = NaN, 1 log 0 = -inf; the gradient in x is 0 where x = 0."""
    x0 = np.array([0.0, 0.0, 1.0, 0.0, 2.0, -1.0])
    x1 = np.array([0.0, np.nan, 0.0, 2.0, np.inf, -1.0])
    check_binary("xlogy", x0, x1, order=1)


def test_xlogy_takes_numbers():
    torch = pytest.importorskip("torch")
    y = np.array([0.5, 2.0])
    np.testing.assert_allclose(ag.xlogy(3, y).data, torch.xlogy(3, torch.tensor(y)).numpy())
    np.testing.assert_allclose(ag.xlogy(y, 3).data, torch.xlogy(torch.tensor(y), 3).numpy())
    assert ag.xlogy(ag.Variable(np.float32([1.0])), 2).dtype == np.float32


@pytest.mark.parametrize("name", list(DOMAINS))
def test_float32_kept(name):
    assert_float32_kept(getattr(ag, name), values_in(*DOMAINS[name], (3,)))


def test_xlogy_float32_kept():
    assert_float32_kept(ag.xlogy, [0.0, 1.5], [2.0, 0.5])


def test_integers_compute_in_float64():
    for name in DOMAINS:
        assert getattr(ag, name)(np.array([1, 2]) if name != "logit" else np.array([0, 1])
                                 ).dtype == np.float64


def test_logit_eps_must_be_a_number():
    with pytest.raises(TypeError, match="logit: eps must be a real number, got 'a'"):
        ag.logit(np.array([0.5]), eps="a")
