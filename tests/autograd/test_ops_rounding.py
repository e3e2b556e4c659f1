"""floor, ceil, round (decimals), trunc, frac, sign and nan_to_num against PyTorch: values
(halves to even, signed zeros, NaN and infinities), gradients (0 for the steps, 1 for frac,
the finite mask for nan_to_num) in float64; dtypes as PyTorch's; bad arguments named."""
import numpy as np
import pytest

import autograd as ag

from .._helpers import assert_float32_kept
from ._elementwise_math import SHAPES, check_unary, values_in

STEPS = ["floor", "ceil", "round", "trunc", "sign"]
EDGES = np.array([-2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 1e300,
                  np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", STEPS + ["frac"])
def test_matches_torch(name, shape):
    check_unary(name, values_in(-5, 5, shape))


@pytest.mark.parametrize("name", STEPS + ["frac", "nan_to_num"])
def test_edges_match_torch(name):
    check_unary(name, EDGES)


@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round_decimals_matches_torch(decimals):
    x = np.concatenate([EDGES, [1.25, 2.675, -0.125, 1250.0, 1350.0, -150.0, 0.05, 12345.678],
                        values_in(-2000, 2000, (20,))])
    check_unary("round", x, decimals=decimals)


@pytest.mark.parametrize("decimals", [0, 2, -1])
def test_round_float32_matches_torch(decimals):
    torch = pytest.importorskip("torch")
    x = values_in(-100, 100, (50,)).astype(np.float32)
    y = ag.round(x, decimals=decimals)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, torch.round(torch.tensor(x), decimals=decimals))


@pytest.mark.parametrize("name", STEPS + ["frac", "nan_to_num"])
def test_float32_kept(name):
    assert_float32_kept(getattr(ag, name), values_in(-5, 5, (4,)))


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign", "nan_to_num"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_integers_keep_their_dtype_as_torch(name, dtype):
    torch = pytest.importorskip("torch")
    x = np.array([0, 3, 7], dtype)
    y = getattr(ag, name)(x)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.data, getattr(torch, name)(torch.tensor(x)).numpy())


def test_sign_of_booleans_is_boolean():
    y = ag.sign(np.array([True, False]))
    assert y.dtype == bool and y.data.tolist() == [True, False]


@pytest.mark.parametrize("fills", [{}, {"nan": 1.0, "posinf": 2.0, "neginf": -3.0},
                                   {"posinf": 7}, {"neginf": -1e10}])
def test_nan_to_num_matches_torch(fills):
    check_unary("nan_to_num", np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, 1e308]), **fills)


def test_nan_to_num_float32_uses_its_own_limits():
    torch = pytest.importorskip("torch")
    x = np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)
    y = ag.Variable(x).nan_to_num()
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, torch.nan_to_num(torch.tensor(x)).numpy())


def test_methods_take_torch_keywords():
    x = ag.Variable(np.array([1.25, -2.5]))
    np.testing.assert_array_equal(x.round(decimals=1).data, [1.2, -2.5])
    np.testing.assert_array_equal(x.nan_to_num(nan=1.0, posinf=2.0).data, [1.25, -2.5])


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="round: decimals=1 needs a floating-point input, "
                                        "got dtype int64"):
        ag.round(np.array([15, 25]), decimals=1)
    with pytest.raises(TypeError, match="round: decimals must be an integer, got 0.5"):
        ag.round(np.array([1.5]), decimals=0.5)
    with pytest.raises(TypeError, match="frac: expected a floating-point input, got dtype int64"):
        ag.frac(np.array([1, 2]))
    with pytest.raises(TypeError, match="nan_to_num: posinf must be a real number"):
        ag.nan_to_num(np.array([1.0]), posinf="big")
