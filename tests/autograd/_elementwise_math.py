"""Shared pieces of the elementwise math tests (trigonometric, logarithmic, rounding,
special): values drawn in an op's domain, and the unary and binary comparisons with PyTorch
as functions and as Variable methods."""
import numpy as np
import pytest

import autograd as ag

from ._torch_parity import assert_matches_torch

SHAPES = [(), (0,), (4,), (2, 3)]


def values_in(low, high, shape, seed=0):
    """float64 values uniform in [low, high)."""
    return np.random.default_rng(seed).uniform(low, high, shape)


def check_unary(name, x, order=2, rtol=1e-9, **kwargs):
    """autograd.<name>(x, **kwargs) and x.<name>(**kwargs) against torch.<name>, to `order`."""
    torch = pytest.importorskip("torch")
    theirs = getattr(torch, name)
    assert_matches_torch(lambda v: getattr(ag, name)(v, **kwargs),
                         lambda t: theirs(t, **kwargs), x, order=order, rtol=rtol)
    assert_matches_torch(lambda v: getattr(v, name)(**kwargs),
                         lambda t: theirs(t, **kwargs), x, order=order, rtol=rtol)


def check_binary(name, x0, x1, order=2, **kwargs):
    """autograd.<name>(x0, x1) and x0.<name>(x1) against torch.<name>, to `order`."""
    torch = pytest.importorskip("torch")
    theirs = getattr(torch, name)
    assert_matches_torch(lambda a, b: getattr(ag, name)(a, b, **kwargs),
                         lambda a, b: theirs(a, b, **kwargs), x0, x1, order=order)
    assert_matches_torch(lambda a, b: getattr(a, name)(b, **kwargs),
                         lambda a, b: theirs(a, b, **kwargs), x0, x1, order=order)
