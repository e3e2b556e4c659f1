"""Exact GELU without SciPy (on autograd.ops.erf_array) and with it: values to float64 precision,
the far left tail (where 1 + erf cancels), gradients to second order, dtypes."""
import contextlib
import math
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.ops.erf_array as numpy_erf
import nn.functional as F
from autograd import Variable, grad
from autograd.testing import arrays, assert_gradients_match, shapes
from nn.functional import activation


@contextlib.contextmanager
def scipy_hidden():
    """As if SciPy were not installed: importing scipy.special fails."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "scipy.special", None)
        activation._erfc_function.cache_clear()
        try:
            yield
        finally:
            activation._erfc_function.cache_clear()  # the next call looks again


@pytest.fixture
def without_scipy():
    with scipy_hidden():
        yield


def reference_gelu(x):
    """x Phi(x) from math.erfc, its argument rounded as the op rounds it (in the far tail a
    one-ulp change of the argument moves erfc by thousands of ulps)."""
    z = np.ravel(x) * (-1 / math.sqrt(2.0))
    phi = np.array([math.erfc(v) / 2 for v in z]).reshape(np.shape(x))
    return x * phi


def test_without_scipy_the_numpy_erfc_serves(without_scipy):
    assert activation._erfc_function("numpy") is numpy_erf.erfc


@given(data=st.data())
def test_values_and_gradients_without_scipy(data):
    x = data.draw(arrays(shapes(max_dims=3, max_side=4), elements="bounded"))
    with scipy_hidden():
        np.testing.assert_allclose(F.gelu(x).data, reference_gelu(x), rtol=2e-15, atol=1e-300)
        assert_gradients_match(F.gelu, x, order=2)


@pytest.mark.parametrize("backend", ["numpy", "scipy"])
def test_far_left_tail_keeps_its_digits(backend, request):
    if backend == "numpy":
        request.getfixturevalue("without_scipy")
    else:
        pytest.importorskip("scipy.special")
    x = -np.geomspace(1, 37, 200)  # GELU(-37) = -1e-298
    rtol = 2e-15 if backend == "numpy" else 1e-13  # SciPy's erfc loses digits out there
    np.testing.assert_allclose(F.gelu(x).data, reference_gelu(x), rtol=rtol, atol=0)
    assert np.all(F.gelu(x).data < 0)


def test_numpy_and_scipy_agree():
    special = pytest.importorskip("scipy.special")
    x = np.linspace(-8, 8, 4001)
    expected = x * special.erfc(x * (-1 / math.sqrt(2.0))) / 2
    with scipy_hidden():
        np.testing.assert_allclose(F.gelu(x).data, expected, rtol=3e-15, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_through_second_order_without_scipy(without_scipy, dtype):
    x = Variable(np.linspace(-4, 4, 9).astype(dtype))
    y = F.gelu(x)
    (gx,) = grad(y.sum(), [x], create_graph=True)
    gx.sum().backward()
    assert y.dtype == gx.dtype == x.grad.dtype == dtype


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_keeps_float16(approximate):
    """(SciPy's erfc answers float16 in float64: the exact GELU's output was float64.)"""
    x = Variable(np.array([1.0, -2.0], np.float16))
    y = F.gelu(x, approximate=approximate)
    y.sum().backward()
    assert y.dtype == np.float16 and x.grad.dtype == np.float16
