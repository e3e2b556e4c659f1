"""autograd.ops.erf_array: erf and erfc with NumPy alone, against math.erf / math.erfc over the
whole float range (tails, tiny and subnormal inputs, the seam between the two pieces, the
underflow of erfc), against SciPy where importable, special values, dtypes and shapes."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.ops.erf_array import erf, erfc

RTOL = 1.5e-15  # a few ulps: math.erf is within one, and so must we be, nearly
TINY = np.finfo(np.float64).tiny  # below it (subnormals) a value holds fewer digits


def by_math(f, x):
    return np.array([f(v) for v in np.ravel(x)]).reshape(np.shape(x))


def wide_range():
    """Dense over [-30, 30], logarithmic down to subnormals, and ulp-close to 1/2 (the seam)
    and to where erfc underflows."""
    tiny = np.logspace(-320, 0, 600)
    seam = np.nextafter(0.5, np.array([-np.inf] * 8 + [np.inf] * 8)) + np.arange(-4, 12) * 1e-16
    return np.concatenate([np.linspace(-30, 30, 24001), tiny, -tiny, seam, [0.5, -0.5],
                           np.linspace(26, 28, 401)])


def assert_relatively_close(got, want, rtol=RTOL):
    np.testing.assert_allclose(got, want, rtol=rtol, atol=TINY)


def test_erf_matches_math_over_the_whole_range():
    x = wide_range()
    assert_relatively_close(erf(x), by_math(math.erf, x))


def test_erfc_matches_math_to_its_underflow():
    x = wide_range()
    assert_relatively_close(erfc(x), by_math(math.erfc, x))  # 1e-300 values included


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_any_float_matches_math(values):
    x = np.array(values)
    assert_relatively_close(erf(x), by_math(math.erf, x))
    assert_relatively_close(erfc(x), by_math(math.erfc, x))


@given(st.lists(st.floats(-8, 8), min_size=1, max_size=20))
def test_erf_is_odd_and_erfc_its_complement(values):
    x = np.array(values)
    np.testing.assert_array_equal(erf(-x), -erf(x))
    np.testing.assert_allclose(erf(x) + erfc(x), 1.0, rtol=0, atol=4e-16)


def test_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(erf(x), [0.0, -0.0, 1.0, -1.0, np.nan])
    assert np.signbit(erf(x)[1])  # erf(-0) = -0, as math.erf
    np.testing.assert_array_equal(erfc(x), [1.0, 1.0, 0.0, 2.0, np.nan])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_narrow_floats_keep_their_dtype_and_round_correctly(dtype):
    x = np.linspace(-6, 6, 2001).astype(dtype)
    for ours, exact in ((erf, math.erf), (erfc, math.erfc)):
        y = ours(x)
        assert y.dtype == dtype
        np.testing.assert_array_equal(y, by_math(exact, x.astype(np.float64)).astype(dtype))


def test_integers_give_float64_and_shapes_are_kept():
    assert erf(np.array([0, 1, -2])).dtype == np.float64
    assert erf(np.float64(0.3)).shape == ()
    assert erf(np.zeros((3, 0))).shape == (3, 0)
    x = np.random.default_rng(0).normal(scale=3, size=(3, 20000))  # spans several chunks
    y = erf(x)
    assert y.shape == x.shape
    assert_relatively_close(y, by_math(math.erf, x))


def test_matches_scipy():
    special = pytest.importorskip("scipy.special")
    x = np.linspace(-10, 10, 20001)
    assert_relatively_close(erf(x), special.erf(x), rtol=1e-15)
    x = np.linspace(-6, 3, 9001)  # SciPy's erfc loses digits further out (1e-14 by x = 12)
    assert_relatively_close(erfc(x), special.erfc(x), rtol=2e-15)
