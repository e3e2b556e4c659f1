"""F.feature_alpha_dropout and nn.FeatureAlphaDropout: whole channels set to SELU's
negative limit and all moved by alpha dropout's affine map (PyTorch's two values), masks from
NumPy's global generator as dropout's, the gradient (its scale where kept) to second order,
PyTorch's p = 0 / p = 1 and training default, train and eval, repr, and the errors."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.functional.dropout import _drawn_from_seed

torch = pytest.importorskip("torch")

_ALPHA = 1.7580993408473766  # SELU's alpha * scale


def _expected(x, p, keep):
    a = 1 / np.sqrt((_ALPHA ** 2 * p + 1) * (1 - p))
    return a * (keep * x + _ALPHA * (keep - 1 + p))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4, 5, 6), (3, 4), (2, 5, 3, 2), (2, 3, 2, 2, 2)])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_whole_channels_drop_with_numpy_s_generator(dtype, shape, p):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    np.random.seed(7)
    y = F.feature_alpha_dropout(Variable(x), p, True)
    assert y.dtype == dtype
    keep = np.random.RandomState(7).random_sample(shape[:2] + (1,) * (len(shape) - 2)) >= p
    assert 0 < keep.sum() < keep.size  # (both kinds met: the check means something)
    np.testing.assert_allclose(y.data, _expected(x, p, keep), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_takes_torch_s_two_values_one_per_channel(dtype, p):
    """On x = 0 and x = 1 the output has two values, kept and dropped, the same over each
    channel: PyTorch's."""
    for value in (0.0, 1.0):
        x = np.full((200, 10, 3), value, dtype)
        ours = F.feature_alpha_dropout(x, p, True).data
        theirs = torch.nn.functional.feature_alpha_dropout(torch.tensor(x), p, True).numpy()
        assert (ours == ours[..., :1]).all()
        np.testing.assert_allclose(np.unique(ours), np.unique(theirs), rtol=1e-6)


def test_gradient_is_its_scale_where_kept_to_second_order():
    p = 0.3
    x = Variable(np.random.default_rng(4).normal(size=(40, 5, 3)))
    np.random.seed(5)
    F.feature_alpha_dropout(x, p, True).backward(np.ones(x.shape))
    keep = np.random.RandomState(5).random_sample((40, 5, 1)) >= p
    scale = 1 / np.sqrt((_ALPHA ** 2 * p + 1) * (1 - p))
    np.testing.assert_allclose(x.grad.data, np.broadcast_to(keep * scale, x.shape), rtol=1e-12)
    assert_gradients_match(
        lambda a: _drawn_from_seed(6, lambda: F.feature_alpha_dropout(a * a, p, True)),
        x.data[:3], order=2)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_p_zero_keeps_and_p_one_zeroes_as_torch(p):
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    ours = F.feature_alpha_dropout(x, p, True).data
    theirs = torch.nn.functional.feature_alpha_dropout(torch.tensor(x), p, True).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_training_is_false_by_default_as_torch_and_none_follows_the_mode():
    x = np.ones((4, 6, 2))
    np.testing.assert_array_equal(F.feature_alpha_dropout(x).data, x)
    assert not np.array_equal(F.feature_alpha_dropout(x, 0.5, None).data, x)


@pytest.mark.parametrize("kwargs", [{}, dict(p=0.3), dict(p=0.2, inplace=True)])
def test_module_prints_as_torch_and_follows_train_and_eval(kwargs):
    ours = nn.FeatureAlphaDropout(**kwargs)
    assert repr(ours) == repr(torch.nn.FeatureAlphaDropout(**kwargs))
    assert repr(nn.FeatureAlphaDropout(**ours.get_config())) == repr(ours)
    x = np.ones((20, 8, 2))
    assert not np.array_equal(ours(x).data, x)
    ours.eval()
    np.testing.assert_array_equal(ours(x).data, x)


@pytest.mark.parametrize("call, message", [
    (lambda: F.feature_alpha_dropout(np.ones(3), 0.5, True),
     r"feature_alpha_dropout: feature dropout requires at least 2 dimensions in the input"),
    (lambda: F.feature_alpha_dropout(np.ones((2, 3)), 1.5),
     r"feature_alpha_dropout: p must be a probability in \[0, 1\], got 1.5"),
    (lambda: nn.FeatureAlphaDropout(-0.1),
     r"FeatureAlphaDropout: p must be a probability in \[0, 1\], got -0.1"),
])
def test_errors_name_the_function_and_what_was_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_one_dimensional_input_passes_when_not_dropping_as_torch():
    np.testing.assert_array_equal(F.feature_alpha_dropout(np.ones(3), 0.5, False).data,
                                  np.ones(3))
