"""keras.random's beta, binomial, categorical, gamma (moments within bounds that hold for
any seed: many standard errors wide), dropout (exact scaling) and shuffle."""
import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable

R = keras.random
N = 200_000


def _close(sample, mean, var, n=N):
    """The sample's mean within 8 standard errors of `mean`, its variance within 5%."""
    sample = np.asarray(sample.data, dtype=np.float64).ravel()
    assert abs(sample.mean() - mean) < 8 * np.sqrt(var / n)
    assert abs(sample.var() - var) < 0.05 * var


@pytest.mark.parametrize("seed", [0, 7, None])
def test_gamma_beta_binomial_moments(seed):
    _close(R.gamma((N,), 2.5, seed=seed), 2.5, 2.5)
    a, b = 2.0, 3.0
    _close(R.beta((N,), a, b, seed=seed), a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1)))
    _close(R.binomial((N,), 10, 0.3, seed=seed), 3.0, 2.1)


def test_broadcast_parameters_and_dtypes():
    draws = R.beta((N // 10, 2), np.array([1.0, 5.0]), 1.0, seed=1)
    assert draws.shape == (N // 10, 2) and draws.dtype == np.float32
    means = np.asarray(draws.data).mean(axis=0)
    assert means[0] < 0.55 < 0.8 < means[1]  # (1/2 and 5/6)
    assert R.binomial((3,), 4, 0.5, dtype="float64", seed=0).dtype == np.float64


def test_categorical_frequencies():
    p = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    draws = np.asarray(R.categorical(np.log(p + 1e-300), N, seed=3).data)
    assert draws.shape == (2, N) and draws.dtype == np.int32
    for k in range(3):
        freq = (draws[0] == k).mean()
        assert abs(freq - p[0, k]) < 8 * np.sqrt(p[0, k] * (1 - p[0, k]) / N)
    assert (draws[1] == 0).all()


def test_int_seed_repeats_seed_generator_moves_on():
    assert np.array_equal(R.gamma((5,), 1.0, seed=4).data, R.gamma((5,), 1.0, seed=4).data)
    gen = R.SeedGenerator(4)
    assert not np.array_equal(R.gamma((5,), 1.0, seed=gen).data,
                              R.gamma((5,), 1.0, seed=gen).data)


def test_dropout_scales_exactly_and_drops_at_rate():
    x = np.random.default_rng(0).normal(size=(400, 500)).astype("float32")
    y = np.asarray(R.dropout(x, 0.3, seed=2).data)
    kept = y != 0
    np.testing.assert_array_equal(y[kept], x[kept] / np.float32(0.7))
    assert abs(kept.mean() - 0.7) < 8 * np.sqrt(0.21 / x.size)


def test_dropout_noise_shape_gradient_and_edges():
    x = np.ones((50, 4), dtype="float32")
    y = np.asarray(R.dropout(x, 0.5, noise_shape=(None, 1), seed=1).data)
    assert all(len(set(row)) == 1 for row in y)
    v = Variable(np.arange(1, 9, dtype="float32"))
    out = R.dropout(v, 0.5, seed=5)
    out.sum().backward()
    np.testing.assert_array_equal(v.grad.data, (out.data != 0) * np.float32(2.0))
    assert R.dropout(x, 0.0) is not None and not np.any(R.dropout(x, 1.0).data)
    with pytest.raises(ValueError, match="rate"):
        R.dropout(x, 1.5)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_shuffle_permutes_along_axis(axis):
    x = np.arange(60, dtype="float32").reshape(3, 4, 5)
    y = np.asarray(R.shuffle(x, axis=axis, seed=3).data)
    np.testing.assert_array_equal(np.sort(y, axis=axis), x)  # (x is sorted on every axis)
    other = tuple(a for a in range(3) if a != axis % 3)
    assert np.array_equal(np.sort(y, axis=other[0]).sum(), x.sum())


def test_shuffle_gradient_follows_the_permutation():
    v = Variable(np.arange(6, dtype="float32"))
    y = R.shuffle(v, seed=1)
    (y * np.arange(6)).sum().backward()
    np.testing.assert_array_equal(v.grad.data[y.data.astype(int)], np.arange(6))


@pytest.mark.parametrize("call, message", [
    (lambda: R.gamma((2,), -1.0), "alpha"),
    (lambda: R.beta((2,), 1.0, 0.0), "beta"),
    (lambda: R.binomial((2,), 3, 1.5), "probabilities"),
    (lambda: R.categorical(np.zeros(3), 2), "2-D"),
    (lambda: R.shuffle(np.zeros(3), axis=2), "axis"),
    (lambda: R.gamma((2,), 1.0, seed="x"), "seed"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
