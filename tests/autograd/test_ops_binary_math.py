"""fmod, remainder, copysign and lerp against PyTorch: values and gradients (-trunc and
-floor of the quotient for the divisor, copysign's 0 at x = 0, lerp's three gradients) in
float64 over broadcast shapes and edge points; dtypes; integer division by zero."""
import numpy as np
import pytest

import autograd as ag

from .._helpers import assert_float32_kept
from ._elementwise_math import check_binary, values_in
from ._torch_parity import assert_matches_torch

BROADCAST = [((), ()), ((5,), (5,)), ((2, 3), (3,)), ((3, 1), (1, 2)), ((0, 2), (2,))]


def _divisors(shape, seed):
    """Values of either sign, at least 0.3 from 0."""
    x = values_in(0.3, 3, shape, seed=seed)
    return np.where(values_in(0, 1, shape, seed=seed + 1) < 0.5, -x, x)


@pytest.mark.parametrize("name", ["fmod", "remainder", "copysign"])
@pytest.mark.parametrize("shapes", BROADCAST)
def test_matches_torch(name, shapes):
    check_binary(name, values_in(-6, 6, shapes[0], seed=5), _divisors(shapes[1], seed=6))


@pytest.mark.parametrize("name", ["fmod", "remainder", "copysign"])
def test_edges_match_torch(name):
    """Zero divisors (NaN values, infinite or NaN quotients), zeros of either sign, NaN,
    infinities."""
    x0 = np.array([1.0, 0.0, -0.0, 5.0, -5.0, np.inf, 2.0, np.nan, 3.0, 0.0, -7.5])
    x1 = np.array([0.0, 0.0, 2.0, -0.0, 3.0, 2.0, np.inf, 1.0, np.nan, -1.0, 2.5])
    check_binary(name, x0, x1, order=1)


@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_integers_match_torch(name):
    torch = pytest.importorskip("torch")
    x0, x1 = np.array([5, -5, 7, -7, 0]), np.array([3, 3, -2, -2, 4])
    y = getattr(ag, name)(x0, x1)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y.data, getattr(torch, name)(torch.tensor(x0),
                                                               torch.tensor(x1)).numpy())
    with pytest.raises(ZeroDivisionError, match=f"{name}: integer division by zero"):
        getattr(ag, name)(x0, np.array([1, 1, 0, 1, 1]))


@pytest.mark.parametrize("name", ["fmod", "remainder", "copysign"])
def test_float32_kept(name):
    assert_float32_kept(getattr(ag, name), [2.5, -1.0, 0.5], [0.75, 0.75, -2.0])
    x = ag.Variable(np.float32([2.5, -1.0]))
    assert getattr(ag, name)(x, 0.75).dtype == np.float32
    assert getattr(x, name)(np.array([2, 3])).dtype == np.float32  # the integer promoted


def test_copysign_of_integers_is_float64():
    y = ag.copysign(np.array([1, 2]), np.array([-1, 1]))
    assert y.dtype == np.float64 and y.data.tolist() == [-1.0, 2.0]


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.5, 0.8, 1.0, -0.7, 1.6])
@pytest.mark.parametrize("shapes", BROADCAST)
def test_lerp_number_weight_matches_torch(shapes, weight):
    torch = pytest.importorskip("torch")
    start, end = values_in(-3, 3, shapes[0], seed=7), values_in(-3, 3, shapes[1], seed=8)
    assert_matches_torch(lambda a, b: ag.lerp(a, b, weight),
                         lambda a, b: torch.lerp(a, b, weight), start, end)
    assert_matches_torch(lambda a, b: a.lerp(b, weight),
                         lambda a, b: torch.lerp(a, b, weight), start, end)


@pytest.mark.parametrize("shapes", [((), (), ()), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1)),
                                    ((3,), (3,), ()), ((0, 3), (3,), (1,))])
def test_lerp_variable_weight_matches_torch(shapes):
    """The weight gets a gradient too (end - start); weights on both sides of 1/2."""
    torch = pytest.importorskip("torch")
    start, end = values_in(-3, 3, shapes[0], seed=9), values_in(-3, 3, shapes[1], seed=10)
    weight = values_in(-0.5, 1.5, shapes[2], seed=11)
    assert_matches_torch(ag.lerp, torch.lerp, start, end, weight)
    assert_matches_torch(lambda a, b, w: a.lerp(b, w), lambda a, b, w: a.lerp(b, w),
                         start, end, weight)


def test_lerp_float32_kept():
    assert_float32_kept(lambda a, b: ag.lerp(a, b, 0.25), [1.0, 2.0], [3.0, -1.0])
    assert_float32_kept(lambda a, b: ag.lerp(a, b, np.float64(0.25)), [1.0, 2.0], [3.0, -1.0])
    assert_float32_kept(ag.lerp, [1.0, 2.0], [3.0, -1.0], [0.25, 0.75])


def test_lerp_refuses_integers_and_bad_weights():
    with pytest.raises(TypeError, match="lerp: expected floating-point operands, got input "
                                        "of dtype int64"):
        ag.lerp(np.array([1, 2]), np.array([3.0, 4.0]), 0.5)
    with pytest.raises(TypeError, match="lerp: expected a number, array or Variable, got str"):
        ag.lerp(np.array([1.0]), np.array([3.0]), "half")
    with pytest.raises(TypeError, match="lerp: weight must be a real number, got 1j"):
        ag.lerp(np.array([1.0]), np.array([3.0]), 1j)
    with pytest.raises(TypeError, match="lerp: expected floating-point operands, got weight "
                                        "of dtype int64"):
        ag.lerp(np.array([1.0]), np.array([3.0]), np.array([1]))
    with pytest.raises(ValueError, match="lerp: invalid inputs"):
        ag.lerp(np.ones(3), np.ones(2), 0.5)
