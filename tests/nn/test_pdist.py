"""F.pdist against PyTorch: the distances between every two rows for several p (0, 1/2, 1,
2, 3, inf), shapes (one row, no rows, no columns, equal rows), float32 and float64, values
and gradients; numerical first and second order; the errors."""
import math

import numpy as np
import pytest

import nn.functional as F
from autograd import gradcheck, gradgradcheck

from ._helpers import assert_close, assert_matches_torch

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]
PS = [0, 0.5, 1, 2, 3.5, math.inf]


def cases(dtype):
    rng = np.random.default_rng(0)
    yield rng.standard_normal((5, 3)).astype(dtype)
    yield rng.standard_normal((2, 7)).astype(dtype)
    yield rng.standard_normal((1, 4)).astype(dtype)
    yield np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 2.5], [3.0, -1.0]], dtype)  # equal rows


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", PS)
def test_pdist_matches_torch(p, dtype):
    tol = 2e-5 if dtype == np.float32 else 1e-12
    for x in cases(dtype):
        assert_matches_torch(lambda v: F.pdist(v, p), lambda t: torch.nn.functional.pdist(t, p),
                             [x], tol)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (1, 2)])
def test_pdist_of_no_pairs_or_no_columns_matches_torch(shape):
    """(torch's backward crashes on empty inputs: values only)"""
    x = np.zeros(shape, np.float32)
    y = F.pdist(x)
    assert_close(y, torch.nn.functional.pdist(torch.tensor(x)), tol=0)
    assert y.dtype == np.float32


def test_pdist_default_is_the_euclidean_distance():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    np.testing.assert_allclose(F.pdist(x).data, [5.0, 10.0, 5.0])


@pytest.mark.parametrize("p", [1, 2, 3.5])
def test_pdist_gradients_numerically_to_second_order(p):
    x = np.random.default_rng(2).standard_normal((4, 3))
    gradcheck(lambda v: F.pdist(v, p), x)
    gradgradcheck(lambda v: F.pdist(v, p), x)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.pdist(np.zeros((2, 3, 4))), ValueError, r"pdist: expected a 2-D.*\(2, 3, 4\)"),
    (lambda: F.pdist(np.zeros(3)), ValueError, r"2-D.*\(3,\)"),
    (lambda: F.pdist(np.zeros((3, 2), int)), TypeError, "pdist.*int64"),
    (lambda: F.pdist(np.zeros((3, 2)), -1), ValueError, "pdist: p must be non-negative, got -1"),
    (lambda: F.pdist(np.zeros((3, 2)), "2"), TypeError, "pdist: p"),
])
def test_errors_name_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
