"""Shrunk repros from differential fuzzing of nn.functional against PyTorch 2.13 (CPU), each
held with PyTorch's values as literals: F.normalize over every axis (dim None or (), or a
scalar's dim 0), and the invalid arguments PyTorch refuses (cosine_similarity's negative eps,
batch_norm's eps <= 0 while training)."""
import numpy as np
import pytest

import nn.functional as F
from autograd import Variable

X = [[1.0, -2.0, 2.0], [0.5, 3.0, -1.0]]
UPSTREAM = [[0.5, 1.0, -1.0], [2.0, 0.0, 1.5]]

# torch.nn.functional.normalize(x, p, dim) and the gradient of sum(UPSTREAM * it), float64
NORMALIZED_ALL = {
    (None, 2.0): ([[0.2279211529192759, -0.4558423058385518, 0.4558423058385518],
                   [0.11396057645963795, 0.6837634587578276, -0.2279211529192759]],
                  [[0.16132081602727968, 0.13320067378399242, -0.13320067378399242],
                   [0.4795224256223727, 0.1420807187029252, 0.2945214898112721]]),
    ((), 1.0): ([[0.10526315789473684, -0.21052631578947367, 0.21052631578947367],
                 [0.05263157894736842, 0.3157894736842105, -0.10526315789473684]],
                [[0.09695290858725761, 0.06094182825484764, -0.06094182825484764],
                 [0.2548476454293629, 0.0443213296398892, 0.11357340720221606]]),
}


@pytest.mark.parametrize(("dim", "p"), list(NORMALIZED_ALL))
def test_normalize_over_every_axis_matches_torch(dim, p):
    """dim None or (): the vector norm of all the elements (it was NumPy's matrix 2-norm
    for None, and each element alone for ())."""
    x = Variable(np.array(X))
    y = F.normalize(x, p=p, dim=dim)
    y.backward(Variable(np.array(UPSTREAM)))
    value, grad = NORMALIZED_ALL[dim, p]
    np.testing.assert_allclose(y.data, value, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, grad, rtol=1e-12)


def test_normalize_over_every_axis_of_a_volume_and_a_scalar():
    x = np.array([[[1.0, 2.0]], [[-2.0, 4.0]]])
    np.testing.assert_allclose(F.normalize(Variable(x), p=1.0, dim=()).data,
                               x / 9.0, rtol=1e-15)
    assert F.normalize(Variable(np.array(3.0)), dim=None).data == 1.0


@pytest.mark.parametrize("dim", [0, -1])
def test_normalize_of_a_scalar_along_its_axis_0(dim):
    """PyTorch names a 0-d tensor's value by dim 0 or -1 (it was norm's error about axes)."""
    x = Variable(np.array(-2.0))
    y = F.normalize(x, dim=dim)
    y.backward()
    assert y.data == -1.0
    assert x.grad.data == 0.0


@pytest.mark.parametrize("eps", [-0.5, -1])
def test_cosine_similarity_refuses_a_negative_eps(eps):
    x = Variable(np.ones((2, 3)))
    with pytest.raises(ValueError, match="cosine_similarity: eps must be non-negative"):
        F.cosine_similarity(x, x, eps=eps)


def test_cosine_similarity_takes_a_zero_eps():
    x = Variable(np.array([[3.0, 4.0]]))
    np.testing.assert_allclose(F.cosine_similarity(x, x, eps=0).data, [1.0])


@pytest.mark.parametrize("eps", [0, -0.5])
def test_batch_norm_refuses_eps_not_positive_when_training(eps):
    x = Variable(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="batch_norm: eps must be positive when training"):
        F.batch_norm(x, np.zeros(3), np.ones(3), training=True, eps=eps)


def test_batch_norm_in_inference_takes_a_zero_eps():
    """(PyTorch refuses eps <= 0 only while training)"""
    x = Variable(np.arange(6.0).reshape(2, 3))
    y = F.batch_norm(x, np.full(3, 1.0), np.full(3, 4.0), training=False, eps=0)
    np.testing.assert_allclose(y.data, (np.arange(6.0).reshape(2, 3) - 1.0) / 2.0)
