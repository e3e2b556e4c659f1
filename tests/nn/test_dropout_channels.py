"""Channel-wise dropout (dropout1d/2d/3d, Dropout1d/2d/3d) and alpha dropout (alpha_dropout,
AlphaDropout): whole channels dropped, NumPy's global generator as dropout's, PyTorch's rank
rules, warnings and errors, train/eval as Dropout, gradients, reprs; alpha dropout's
constants against PyTorch and its mean and variance kept."""
import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.functional.dropout import _drawn_from_seed

torch = pytest.importorskip("torch")

CHANNEL = [(F.dropout1d, (4, 5, 6), 2), (F.dropout1d, (5, 6), 1),
           (F.dropout2d, (4, 5, 3, 2), 2), (F.dropout2d, (4, 5), 2),
           (F.dropout3d, (2, 5, 2, 3, 2), 2), (F.dropout3d, (5, 2, 3, 2), 1)]
IDS = [f"{f.__name__}-{len(s)}d" for f, s, _ in CHANNEL]


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("f, shape, axes", CHANNEL, ids=IDS)
def test_whole_channels_drop_with_numpy_s_generator(f, shape, axes, dtype):
    x = np.random.default_rng(0).normal(size=shape).astype(dtype) + 5  # (no zero in x)
    np.random.seed(7)
    y = _quiet(lambda: f(Variable(x), 0.4, True))
    assert y.dtype == dtype
    mask_shape = shape[:axes] + (1,) * (len(shape) - axes)
    keep = np.random.RandomState(7).random_sample(mask_shape) >= 0.4
    np.testing.assert_allclose(y.data, x * keep / dtype(0.6), rtol=1e-6)
    assert 0 < keep.sum() < keep.size  # (both kinds met: the check above means something)


@pytest.mark.parametrize("f, shape, axes", CHANNEL, ids=IDS)
def test_gradient_is_the_same_mask_to_second_order(f, shape, axes):
    x = np.random.default_rng(1).normal(size=shape)
    assert_gradients_match(lambda a: _drawn_from_seed(3, lambda: _quiet(lambda: f(a, 0.5,
                                                                                 True))),
                           x, order=2)
    xv = Variable(x)
    np.random.seed(3)
    y = _quiet(lambda: f(xv, 0.5, True))
    y.backward(np.ones(shape))
    np.testing.assert_array_equal(xv.grad.data, (y.data != 0) * 2.0)


@pytest.mark.parametrize("name", ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"])
@pytest.mark.parametrize("kwargs", [{}, dict(p=0.3), dict(p=0.2, inplace=True)])
def test_modules_print_as_torch_and_follow_train_and_eval(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert type(ours)(**ours.get_config()).get_config() == ours.get_config()
    shape = {"Dropout1d": (4, 6, 3), "Dropout2d": (4, 6, 3, 2)}.get(name, (4, 6, 3, 3, 2))
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32) + 3
    assert not np.array_equal(ours(x).data, x)
    ours.eval()
    np.testing.assert_array_equal(ours(x).data, x)
    ours.train()
    with autograd.test_mode():
        np.testing.assert_array_equal(ours(x).data, x)


@pytest.mark.parametrize("f", [F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout])
def test_p_zero_keeps_and_p_one_zeroes_as_torch(f):
    x = np.random.default_rng(3).normal(size=(2, 3, 4, 5)).astype(np.float32)
    x = x[0] if f is F.dropout1d else x
    np.testing.assert_array_equal(f(x, 0.0, True).data, x)
    zeros = f(x, 1.0, True)
    assert zeros.dtype == np.float32 and not zeros.data.any()
    np.testing.assert_array_equal(zeros.data, getattr(torch.nn.functional, f.__name__)(
        torch.tensor(x), 1.0, True).numpy())


def test_training_defaults_follow_the_functional_they_sit_beside():
    x = np.ones((2, 3, 4, 5))
    assert not np.array_equal(F.dropout2d(x, 0.5).data, x)  # (as dropout: the thread's mode)
    with autograd.test_mode():
        np.testing.assert_array_equal(F.dropout2d(x, 0.5).data, x)
    np.testing.assert_array_equal(F.alpha_dropout(x, 0.5).data, x)  # PyTorch's False
    assert not np.array_equal(F.alpha_dropout(x, 0.5, training=None).data, x)


# ----- PyTorch's rank rules: errors where it raises, its warnings where it warns -----

@pytest.mark.parametrize("shape", [(3,), (1, 2, 3, 4), (1, 2, 3, 4, 5)])
def test_dropout1d_refuses_other_ranks_even_in_eval(shape):
    with pytest.raises(ValueError, match=r"dropout1d: expected a 2-D or 3-D input, \(C, L\) "
                                         r"or \(N, C, L\), got shape"):
        F.dropout1d(np.ones(shape), 0.5, True)
    with pytest.raises(ValueError, match="dropout1d"):
        nn.Dropout1d().eval()(np.ones(shape))


@pytest.mark.parametrize("f, ndim, match", [
    (F.dropout2d, 2, "Received a 2-D input to dropout2d, which is deprecated"),
    (F.dropout2d, 5, "Received a 5-D input to dropout2d"),
    (F.dropout2d, 3, "Received a 3D input to dropout2d and assuming that channel-wise 1D"),
    (F.dropout3d, 3, "Received a 3-D input to dropout3d, which is deprecated"),
    (F.dropout3d, 6, "Received a 6-D input to dropout3d"),
])
def test_deprecated_ranks_warn_as_torch(f, ndim, match):
    with pytest.warns(UserWarning, match=match):
        y = f(np.ones((2,) * ndim), 0.5, True)
    with pytest.warns(UserWarning, match=match):
        getattr(torch.nn.functional, f.__name__)(torch.ones((2,) * ndim), 0.5, True)
    assert y.shape == (2,) * ndim


@pytest.mark.parametrize("f", [F.dropout2d, F.dropout3d])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_feature_dropout_refuses_too_few_axes_when_dropping_as_torch(f, shape):
    torch_call = getattr(torch.nn.functional, f.__name__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch_call(torch.ones(shape), 0.5, True)
            refused = False
        except RuntimeError:
            refused = True
        if refused:
            with pytest.raises(ValueError, match=f"{f.__name__}: feature dropout requires at "
                                                 f"least 2 dimensions"):
                f(np.ones(shape), 0.5, True)
        else:
            assert f(np.ones(shape), 0.5, True).shape == shape
        np.testing.assert_array_equal(f(np.ones(shape), 0.5, False).data, np.ones(shape))
    assert (f, shape) != (F.dropout2d, (3,)) or refused  # (both kinds met)


def test_dropout3d_of_a_deprecated_rank_drops_along_its_first_axis_as_torch():
    np.random.seed(0)
    y = _quiet(lambda: F.dropout3d(np.ones((8, 3, 2)), 0.5, True))
    per_row = y.data.reshape(8, -1)
    assert all(len(set(row)) == 1 for row in per_row) and 0 < per_row[:, 0].sum() < 16


@pytest.mark.parametrize("call", [lambda: F.dropout1d(np.ones((2, 3)), 1.5),
                                  lambda: F.dropout2d(np.ones((2, 3, 4, 4)), -0.1),
                                  lambda: F.dropout3d(np.ones((2, 3, 4, 4, 4)), "half"),
                                  lambda: F.alpha_dropout(np.ones(3), 2, True),
                                  lambda: nn.Dropout2d(1.5), lambda: nn.AlphaDropout(-1),
                                  lambda: nn.Dropout3d(None)])
def test_a_probability_outside_0_1_is_refused(call):
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        call()


# ----- alpha dropout -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_alpha_dropout_takes_torch_s_two_values(p, dtype):
    """On x = 0 and x = 1 the output has two values each, kept and dropped: PyTorch's."""
    for value in (0.0, 1.0):
        x = np.full(4000, value, dtype)
        ours = np.unique(F.alpha_dropout(x, p, True).data)
        theirs = np.unique(torch.nn.functional.alpha_dropout(torch.tensor(x), p, True).numpy())
        assert ours.dtype == dtype and len(ours) == len(theirs) == 2
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_alpha_dropout_keeps_mean_0_and_variance_1(p, seed):
    """Over 400 000 values from N(0, 1) the output's mean and variance stay within 0.02 and
    0.03 of 0 and 1: some 10 standard errors, a margin no seed comes near."""
    x = np.random.default_rng(seed).standard_normal(400_000)
    np.random.seed(seed)
    y = F.alpha_dropout(x, p, True).data
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1) < 0.03
    alpha = 1.7580993408473766
    dropped = alpha * (p - 1) / np.sqrt((alpha ** 2 * p + 1) * (1 - p))
    assert abs(np.isclose(y, dropped, rtol=1e-12).mean() - p) < 0.01  # (a share p of them)


def test_alpha_dropout_gradient_is_its_scale_where_kept():
    p = 0.3
    x = Variable(np.random.default_rng(4).normal(size=(50, 4)))
    np.random.seed(5)
    y = F.alpha_dropout(x, p, True)
    y.backward(np.ones(x.shape))
    keep = np.random.RandomState(5).random_sample(x.shape) >= p
    scale = 1 / np.sqrt((1.7580993408473766 ** 2 * p + 1) * (1 - p))
    np.testing.assert_allclose(x.grad.data, keep * scale, rtol=1e-12)
    assert_gradients_match(lambda a: _drawn_from_seed(6, lambda: F.alpha_dropout(a, p, True)),
                           x.data[:3], order=2)
