"""F.rrelu / nn.RReLU and F.softsign / nn.Softsign: PyTorch's values and gradients in
evaluation (float32 and float64), training slopes drawn from U(lower, upper) checked
statistically (margins that hold for any seed), gradients equal to the drawn slopes,
numerical first and second order, reprs, and the argument errors."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close, assert_matches_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float32, np.float64]
BOUNDS = [(1 / 8, 1 / 3), (0.0, 0.5), (0.2, 0.2), (-0.3, 0.6)]


def compare(ours, theirs, x):
    """Values and input gradients of two elementwise functions, with dtype kept."""
    assert_matches_torch(ours, theirs, [x], 1e-6 if x.dtype == np.float32 else 1e-14)


def inputs(dtype):
    rng = np.random.default_rng(0)
    yield np.concatenate([rng.standard_normal(20) * 3, [0.0, -0.0, 1e-30, -1e30]]).astype(dtype)
    yield rng.standard_normal((2, 3, 4)).astype(dtype)
    yield np.array(-1.5, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower, upper", BOUNDS)
def test_rrelu_in_evaluation_matches_torch(lower, upper, dtype):
    for x in inputs(dtype):
        compare(lambda v: F.rrelu(v, lower, upper), lambda t: TF.rrelu(t, lower, upper), x)
        module = nn.RReLU(lower, upper).eval()
        compare(module, torch.nn.RReLU(lower, upper).eval(), x)


def test_rrelu_defaults_are_torchs():
    x = np.linspace(-3, 3, 13)
    compare(F.rrelu, TF.rrelu, x)
    assert_close(nn.RReLU().eval()(x), torch.nn.RReLU().eval()(torch.tensor(x)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower, upper", [(1 / 8, 1 / 3), (0.0, 0.5), (-0.3, 0.6)])
def test_rrelu_training_slopes_are_uniform_on_lower_upper(lower, upper, dtype):
    n = 20000
    x = np.concatenate([-np.ones(n), np.full(50, 2.0), [0.0]]).astype(dtype)
    xv = Variable(x)
    y = F.rrelu(xv, lower, upper, training=True)
    y.backward(np.ones_like(x))
    slopes = -y.data[:n]
    assert y.dtype == xv.grad.dtype == dtype
    np.testing.assert_array_equal(y.data[n:n + 50], 2.0)  # positive values pass unchanged
    np.testing.assert_array_equal(xv.grad.data[n:n + 50], 1.0)
    np.testing.assert_array_equal(xv.grad.data[:n], slopes)  # the gradient is the slope
    assert lower <= xv.grad.data[-1] <= upper  # at 0 a drawn slope too (PyTorch's x <= 0)
    width = upper - lower
    assert slopes.min() >= np.asarray(lower, dtype) and slopes.max() <= np.asarray(upper, dtype)
    # 20000 draws: each margin below is over 10 standard deviations (or e^-200) wide
    assert abs(slopes.mean() - (lower + upper) / 2) < 10 * width / np.sqrt(12 * n)
    assert abs(slopes.var() - width ** 2 / 12) < 0.1 * width ** 2 / 12
    assert abs(np.mean(slopes < lower + width / 4) - 0.25) < 10 * np.sqrt(0.25 * 0.75 / n)
    assert slopes.min() < lower + 0.01 * width and slopes.max() > upper - 0.01 * width


def test_rrelu_draws_from_numpys_global_generator_each_call():
    x = -np.ones(50)
    np.random.seed(7)
    first = F.rrelu(x, training=True).data
    second = F.rrelu(x, training=True).data
    np.random.seed(7)
    again = F.rrelu(x, training=True).data
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


def test_rrelu_module_follows_train_and_eval():
    module, x = nn.RReLU(0.1, 0.3), -np.ones(1000)
    drawn = module(x).data
    assert len(np.unique(drawn)) > 900 and drawn.min() >= -0.3 and drawn.max() <= -0.1
    np.testing.assert_array_equal(module.eval()(x).data, -0.2)


def test_rrelu_gradients_numerically_to_second_order():
    x = np.random.default_rng(2).standard_normal((3, 4))
    x[np.abs(x) < 0.1] = 0.5  # off the kink

    def drawn(v):
        np.random.seed(0)  # the same slopes at every call of the check
        return F.rrelu(v * v - 0.5, 0.1, 0.4, training=True) ** 2
    gradcheck(drawn, x)
    gradgradcheck(drawn, x)
    gradgradcheck(lambda v: F.rrelu(v * v - 0.5, 0.1, 0.4) ** 2, x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softsign_matches_torch(dtype):
    for x in inputs(dtype):
        compare(F.softsign, TF.softsign, x)
        compare(nn.Softsign(), torch.nn.Softsign(), x)


def test_softsign_gradients_numerically_to_second_order():
    x = np.random.default_rng(3).standard_normal((2, 5)) * 2
    x[np.abs(x) < 0.1] = 0.7  # |x| has a kink at 0
    gradcheck(F.softsign, x)
    gradgradcheck(F.softsign, x)


def test_reprs_are_torchs():
    for ours, theirs in [(nn.RReLU(), torch.nn.RReLU()),
                         (nn.RReLU(0.1, 0.3, True), torch.nn.RReLU(0.1, 0.3, True)),
                         (nn.Softsign(), torch.nn.Softsign())]:
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.rrelu(np.ones(3), 0.5, 0.1), ValueError, r"rrelu: lower \(0.5\).*upper \(0.1\)"),
    (lambda: F.rrelu(np.ones(3), "a"), TypeError, "rrelu: lower"),
    (lambda: F.rrelu(np.ones(3), 0.1, None), TypeError, "rrelu: upper"),
    (lambda: F.rrelu(np.ones(3, int)), TypeError, "rrelu.*int64"),
    (lambda: nn.RReLU(0.5, 0.1), ValueError, r"RReLU: lower \(0.5\)"),
    (lambda: nn.RReLU("a"), TypeError, "RReLU: lower"),
    (lambda: F.softsign(np.ones(3, int)), TypeError, "softsign.*int64"),
])
def test_errors_name_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
