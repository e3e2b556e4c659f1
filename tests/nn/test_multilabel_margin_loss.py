"""F.multilabel_margin_loss and nn.MultiLabelMarginLoss against PyTorch: (N, C), (C,) and ()
inputs, label lists ended by -1 (or not), repeated labels, every reduction, float32 and
float64, values and input gradients (ties at the hinge included); numerical first and
second order; the pairs op against its loop reference; the errors."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import gradcheck, gradgradcheck
from nn.functional.multilabel_margin_loss import MultilabelPairs, _pairs_by_loops

from ._helpers import assert_close, assert_matches_torch

torch = pytest.importorskip("torch")

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]


def cases(rng):
    yield rng.standard_normal((3, 5)), np.array([[3, 0, -1, 1, 2], [1, 1, -1, 4, 4],
                                                  [0, 1, 2, 3, 4]])
    yield rng.standard_normal((4, 3)), np.array([[-1, 0, 1], [2, 2, 2], [0, -1, -1],
                                                  [1, 0, -1]])
    yield rng.standard_normal(6), np.array([5, 2, -1, 0, 0, 0])
    yield rng.standard_normal(4), np.array([-1, 3, 3, 1])  # nothing listed: loss 0
    yield np.array(0.7), np.array(0)
    yield np.array([[0.5, 0.0, -0.5]]), np.array([[0, -1, 0]])  # margins exactly at 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss_matches_torch(reduction, dtype):
    tol = 1e-6 if dtype == np.float32 else 1e-14
    for x, target in cases(np.random.default_rng(0)):
        x, labels = x.astype(dtype), torch.tensor(target)
        assert_matches_torch(
            lambda v, t=target: F.multilabel_margin_loss(v, t, reduction),
            lambda v, t=labels: torch.nn.functional.multilabel_margin_loss(
                v, t, reduction=reduction), [x], tol)
        module = nn.MultiLabelMarginLoss(reduction=reduction)(x, target)
        assert_close(module, F.multilabel_margin_loss(x, target, reduction), tol=0)


def test_multilabel_margin_loss_gradients_numerically_to_second_order():
    x = np.random.default_rng(2).standard_normal((3, 4)) * 3
    target = np.array([[1, 3, -1, 0], [0, 1, 2, 3], [2, -1, 1, 1]])
    gradcheck(lambda v: F.multilabel_margin_loss(v, target), x)
    gradgradcheck(lambda v: F.multilabel_margin_loss(v * v, target, "sum") ** 2, x)


def test_the_pairs_op_matches_its_loop_reference():
    rng = np.random.default_rng(3)
    for _ in range(20):
        target = rng.integers(-1, 5, size=(3, 5))
        np.testing.assert_array_equal(
            MultilabelPairs(np.float64)(target).data, _pairs_by_loops(target, np.float64))


def test_repr_is_torchs():
    assert repr(nn.MultiLabelMarginLoss()) == repr(torch.nn.MultiLabelMarginLoss())
    assert repr(nn.MultiLabelMarginLoss(reduction="sum")) == \
        "MultiLabelMarginLoss(reduction='sum')"  # (rungrad's losses show their reduction)


X = np.zeros((2, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.multilabel_margin_loss(X, np.array([[0, 1, 3], [0, -1, 0]])), IndexError,
     r"target 3 is out of range for 3 classes"),
    (lambda: F.multilabel_margin_loss(X, np.array([[0, 1, -2], [0, -1, 0]])), IndexError,
     r"target -2 is out of range"),
    (lambda: F.multilabel_margin_loss(X, np.zeros((2, 3))), TypeError,
     "integer class indices, got dtype float64"),
    (lambda: F.multilabel_margin_loss(X, np.zeros(3, int)), ValueError,
     r"target of shape \(3,\) must have the input's shape \(2, 3\)"),
    (lambda: F.multilabel_margin_loss(np.zeros((2, 3, 1)), np.zeros((2, 3, 1), int)),
     ValueError, r"\(C,\) or \(N, C\) input, got shape \(2, 3, 1\)"),
    (lambda: F.multilabel_margin_loss(np.zeros((2, 0)), np.zeros((2, 0), int)), ValueError,
     r"non-empty"),
    (lambda: F.multilabel_margin_loss(X.astype(int), np.zeros((2, 3), int)), TypeError,
     "multilabel_margin_loss.*int64"),
    (lambda: F.multilabel_margin_loss(X, np.zeros((2, 3), int), "avg"), ValueError, "avg"),
    (lambda: nn.MultiLabelMarginLoss(reduction="avg"), ValueError, "avg"),
])
def test_errors_name_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
