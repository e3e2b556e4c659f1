"""nn.functional's Keras losses (keras_losses.py): values against Keras 3's formulas written
in NumPy (clipping regions included), every reduction, backprop against numerical
differentiation to second order away from the kinks, the 0/1 hinge labels, stability and
argument errors."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn.functional as F
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match, shapes

from ._keras_reference import KERAS

REDUCTIONS = ["mean", "sum", "none"]
LOSSES = {"msle": F.msle_loss, "mape": F.mape_loss, "hinge": F.hinge_loss,
          "squared_hinge": F.squared_hinge_loss, "categorical_hinge": F.categorical_hinge_loss,
          "poisson": F.poisson_loss, "kl_divergence": F.kl_divergence_loss,
          "log_cosh": F.log_cosh_loss, "cosine_similarity": F.cosine_similarity_loss}


def reduce(per_sample, reduction):
    return {"none": per_sample, "sum": per_sample.sum(), "mean": per_sample.mean()}[reduction]


def _inputs(name, shape, rng):
    """(prediction, target) for `name`, reaching into each clipping region Keras has."""
    p = rng.normal(size=shape)
    if name == "msle":  # negative values count as eps
        return p, np.abs(rng.normal(size=shape)) * rng.choice([1, -1], size=shape, p=[.8, .2])
    if name == "mape":  # a target of 0 divides by eps
        t = rng.normal(size=shape)
        t.flat[0] = 0.0
        return p, t
    if name in ("hinge", "squared_hinge"):
        return p, rng.integers(0, 2, size=shape).astype(float)
    if name == "categorical_hinge":
        return p, np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    if name == "poisson":
        return np.abs(p) + 0.1, rng.poisson(2.0, size=shape).astype(float)
    if name == "kl_divergence":  # both clipped to [eps, 1]
        return rng.uniform(-0.2, 1.2, size=shape), rng.uniform(-0.2, 1.2, size=shape)
    if name == "cosine_similarity":  # a zero row gives 0
        t = rng.normal(size=shape)
        t.reshape(-1, shape[-1])[0] = 0.0
        return p, t
    return p * 3, rng.normal(size=shape) * 3


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 1), (4, 3), (2, 3, 4), (6,)])
def test_values_are_keras_formulas(name, reduction, shape):
    p, t = _inputs(name, shape, np.random.default_rng(len(shape) + shape[-1]))
    got = LOSSES[name](p, t, reduction=reduction)
    expected = reduce(KERAS[name](t, p), reduction)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(LOSSES))
def test_float32_stays_float32(name):
    p, t = _inputs(name, (4, 3), np.random.default_rng(0))
    x = Variable(p.astype(np.float32))
    loss = LOSSES[name](x, t)
    loss.backward()
    assert loss.dtype == x.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), KERAS[name](t, p).mean(), rtol=2e-5, atol=1e-6)


def test_hinge_reads_0_1_labels_as_minus_and_plus_one_as_keras():
    x = np.array([[0.3, -2.0], [1.5, 0.2]])
    binary = np.array([[0.0, 1.0], [1.0, 1.0]])
    signed = 2 * binary - 1
    for f in (F.hinge_loss, F.squared_hinge_loss):
        assert f(x, binary).item() == f(x, signed).item()
    # one value that is neither 0 nor 1: the targets are taken as they are (Keras' test)
    mixed = np.array([[0.0, 1.0], [1.0, 0.5]])
    np.testing.assert_allclose(F.hinge_loss(x, mixed, reduction="none").data,
                               np.maximum(1 - mixed * x, 0).mean(axis=-1))
    labels = Variable(binary)  # d(2 t - 1)/dt = 2, over the mean of 2 values
    F.hinge_loss(x, labels, reduction="sum").backward()
    np.testing.assert_allclose(labels.grad.data, -2 * x * (1 - signed * x > 0) / 2)


def test_log_cosh_is_finite_for_large_errors():
    x = Variable(np.array([[1000.0, -1000.0, 0.0]]))
    loss = F.log_cosh_loss(x, np.zeros((1, 3)))
    loss.backward()
    assert loss.item() == pytest.approx(2 * (1000 - math.log(2)) / 3, rel=1e-12)
    np.testing.assert_allclose(x.grad.data, [[1 / 3, -1 / 3, 0.0]], atol=1e-15)


def test_cosine_similarity_of_a_zero_vector_is_0_with_a_finite_gradient():
    x = Variable(np.zeros((1, 3)))
    loss = F.cosine_similarity_loss(x, np.array([[1.0, 2.0, 2.0]]))
    loss.backward()
    assert loss.item() == 0.0
    np.testing.assert_allclose(x.grad.data, -np.array([[1.0, 2.0, 2.0]]) / 3 / 1e-7)


# ----- gradients against numerical differentiation -----

def pairs(elements="bounded", t_elements=None):
    return shapes(min_dims=1, max_dims=3, max_side=4).flatmap(lambda s: st.tuples(
        arrays(s, elements=elements), arrays(s, elements=t_elements or elements)))


def _check(f, reduction, x, t, order=2):
    assert_gradients_match(lambda a, b: f(a, b, reduction=reduction), x, t, order=order)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs("positive"))
def test_msle_and_poisson_gradients(reduction, xt):
    _check(F.msle_loss, reduction, *xt)  # (above eps: the clip is off)
    _check(F.poisson_loss, reduction, *xt)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs("bounded", "away_from_zero"))
def test_mape_gradients(reduction, xt):
    x, t = xt
    x = np.where(np.abs(x - t) < 0.05, x + 0.2, x)  # |t - x| has a kink at 0
    _check(F.mape_loss, reduction, x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("f", [F.hinge_loss, F.squared_hinge_loss])
@given(data=st.data())
def test_hinge_gradients(reduction, f, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    x = data.draw(arrays(shape))
    t = data.draw(arrays(shape, elements="away_from_zero"))
    assume(not np.all(t == 1))  # not 0/1 labels (converted): taken as they are
    assume(np.all(np.abs(1 - t * x) > 0.05))  # off the hinge
    _check(f, reduction, x, t)
    labels = data.draw(arrays(shape, elements=(0, 1))).round()  # 0/1 labels, as constants
    assume(np.all(np.abs(1 - (2 * labels - 1) * x) > 0.05))
    assert_gradients_match(lambda a: f(a, labels, reduction=reduction), x, order=2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs())
def test_categorical_hinge_gradients(reduction, xt):
    x, t = xt
    wrong = np.sort((1 - t) * x, axis=-1)
    assume(np.all(np.diff(wrong, axis=-1) > 0.05))  # one largest wrong score: no tie
    margin = wrong[..., -1] - np.sum(t * x, axis=-1) + 1
    assume(np.all(np.abs(margin) > 0.05))  # off the hinge
    _check(F.categorical_hinge_loss, reduction, x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs("unit"))
def test_kl_divergence_gradients(reduction, xt):
    _check(F.kl_divergence_loss, reduction, *xt)  # (inside [eps, 1]: the clips are off)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs())
def test_log_cosh_gradients(reduction, xt):
    _check(F.log_cosh_loss, reduction, *xt)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs("away_from_zero"))
def test_cosine_similarity_gradients(reduction, xt):
    x, t = xt
    # not every row parallel (a last axis of 1 always is): there the loss is stationary, its
    # gradient 0 comes out as rounding residue (1e-17) at some upstream gradients, and the
    # second-order check's atol floor (2.2e-14) sees a kink in it (1e-11 numerically)
    cos = np.sum(x * t, axis=-1) / np.linalg.norm(x, axis=-1) / np.linalg.norm(t, axis=-1)
    assume(np.any(np.abs(cos) < 0.99))
    _check(F.cosine_similarity_loss, reduction, x, t)  # (no zero vector: norms >= 0.5)


# ----- argument errors -----

@pytest.mark.parametrize("call, error, message", [
    (lambda: F.msle_loss(np.ones((4, 1)), np.ones(4)), ValueError,
     r"msle_loss: input of shape \(4, 1\) and target of shape \(4,\) differ"),
    (lambda: F.hinge_loss(np.float64(1.0), np.float64(1.0)), ValueError,
     r"hinge_loss: input of shape \(\) has no last axis"),
    (lambda: F.kl_divergence_loss(np.ones(2), np.ones(2), reduction="batchmean"), ValueError,
     "kl_divergence_loss: reduction must be one of"),
    (lambda: F.poisson_loss(np.ones(2, np.int64), np.ones(2)), TypeError,
     "poisson_loss: input must be floating point"),
])
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
