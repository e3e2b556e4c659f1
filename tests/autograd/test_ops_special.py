"""erf, erfc, erfinv, lgamma, digamma and polygamma against PyTorch: values, gradients and
second derivatives in float64 over shapes, tails and poles; float32 kept; integers in
float64; polygamma's order checked. (torch's trigamma is itself off by up to 5e-10
relative, ours by 5e-16 against mpmath: its comparisons allow 2e-9.)"""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

from .._helpers import assert_float32_kept
from ._elementwise_math import SHAPES, check_unary, values_in
from ._torch_parity import assert_matches_torch

DOMAINS = {"erf": (-4, 4), "erfc": (-4, 8), "erfinv": (-0.999, 0.999), "lgamma": (-6, 8),
           "digamma": (-6, 8)}
TRIGAMMA_RTOL = 2e-9  # (PyTorch's trigamma: see the module's docstring)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", DOMAINS)
def test_matches_torch(name, shape):
    """lgamma and digamma over negative non-integers too (the reflection)."""
    check_unary(name, values_in(*DOMAINS[name], shape), rtol=TRIGAMMA_RTOL)


@pytest.mark.parametrize("name, edges", [
    ("erf", [0.0, -0.0, 1e-300, 0.5, 6.0, -30.0, np.inf, -np.inf, np.nan]),
    ("erfc", [0.0, -0.5, 0.5, 10.0, 26.5, 27.5, 40.0, -np.inf, np.inf, np.nan]),
    ("erfinv", [0.0, -0.0, 1e-300, 0.5, -0.5, 1 - 2.0 ** -53, -(1 - 2.0 ** -53), 1.0, -1.0,
                1.5, np.nan]),
    ("lgamma", [0.0, -0.0, 1.0, 2.0, -1.0, -2.5, 1e-300, 1e300, np.inf, -np.inf, np.nan]),
    ("digamma", [0.0, -0.0, 1e-300, 1.4616321449683623, -2.5, 1e300, np.inf, np.nan]),
])
def test_edges_match_torch(name, edges):
    """Tails, signed zeros, poles (lgamma inf, digamma -inf at 0 and inf at -0), erfinv's
    +-inf at +-1 with gradient inf, NaN through."""
    check_unary(name, np.array(edges), order=1, rtol=TRIGAMMA_RTOL)


def test_digamma_is_nan_at_the_negative_integers_as_torch():
    """(Their gradient is a pole: inf here, a large finite number in PyTorch's.)"""
    check_unary("digamma", np.array([-1.0, -2.0, -7.0, -np.inf]), order=0)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("shape", SHAPES)
def test_polygamma_matches_torch(n, shape):
    torch = pytest.importorskip("torch")
    x = values_in(-4.5, 6, shape, seed=n)
    assert_matches_torch(lambda v: ag.polygamma(n, v), lambda t: torch.polygamma(n, t), x,
                         rtol=TRIGAMMA_RTOL)
    assert_matches_torch(lambda v: v.polygamma(n), lambda t: t.polygamma(n), x,
                         rtol=TRIGAMMA_RTOL)


@pytest.mark.parametrize("name", DOMAINS)
def test_float32_kept(name):
    assert_float32_kept(getattr(ag, name), values_in(0.1, 0.9, (4,)))


def test_polygamma_float32_kept():
    assert_float32_kept(lambda v: ag.polygamma(2, v), values_in(0.5, 3, (4,)))


@pytest.mark.parametrize("name", DOMAINS)
def test_integers_compute_in_float64(name):
    assert getattr(ag, name)(np.array([0, 1])).dtype == np.float64


@pytest.mark.parametrize("n, error, message", [
    (-1, ValueError, "polygamma: n must be a non-negative integer, got -1"),
    (1.5, TypeError, "polygamma: n must be an integer, got 1.5"),
])
def test_polygamma_order_is_checked(n, error, message):
    with pytest.raises(error, match=message):
        ag.polygamma(n, np.array([1.0]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lgamma_is_exactly_zero_at_one_and_two(dtype):
    """3.6e-15 there made log(lgamma(x)) -33 and 1 / lgamma(x) 2.8e14, where PyTorch and
    math.lgamma give -inf and inf."""
    x = Variable(np.array([1.0, 2.0], dtype))
    assert (ag.lgamma(x).data == 0).all()
    with np.errstate(divide="ignore"):
        assert np.isneginf(ag.log(ag.lgamma(x)).data).all()
