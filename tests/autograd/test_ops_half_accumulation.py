"""float16 sums accumulated in float32, as PyTorch's CPU kernels do: var and std summed
their squares past float16's 65504 (inf, and a zero gradient), and cumsum's running total
stopped growing once its steps fell below float16's spacing."""
import numpy as np

import autograd as ag
from autograd import Variable


def test_var_and_std_of_many_float16_values_are_finite_and_right():
    values = (np.random.default_rng(0).standard_normal(70_000) * 2).astype(np.float16)
    exact = values.astype(np.float64)
    for op, reference in ((ag.var, np.var), (ag.std, np.std)):
        x = Variable(values, requires_grad=True)
        y = op(x)
        assert y.dtype == np.float16
        np.testing.assert_allclose(float(y.data), reference(exact), rtol=1e-3)
        y.backward()
        assert x.grad.dtype == np.float16 and np.abs(x.grad.data).max() > 0


def test_cumsum_of_float16_keeps_growing():
    y = ag.cumsum(Variable(np.full(3000, 0.1, np.float16)), 0)
    assert y.dtype == np.float16
    np.testing.assert_allclose(float(y.data[-1]), 300.0, rtol=1e-3)  # float16 steps: 256


# NumPy reduces a float16 array along a strided axis row after row, in float16: 0.1 summed
# over 5,000 rows stopped at 256 (PyTorch's CPU: 500). Every case below sums along such an
# axis; each was 10% to 60% off before.
ROWS = 5000


def _tenths(shape=(ROWS, 2)):
    return np.full(shape, 0.1, np.float16)


def _close_to(value, exact):
    np.testing.assert_allclose(np.asarray(value, np.float64), exact, rtol=2e-3)


def test_a_float16_sum_over_the_leading_axis():
    y = ag.sum(Variable(_tenths()), axis=0)
    assert y.dtype == np.float16
    _close_to(y.data, 0.1 * ROWS)


def test_the_gradient_of_a_broadcast_float16_operand_adds_up_in_float32():
    """A bias-like (1, 2) operand broadcast over 5,000 rows: its gradient is a sum_to."""
    b = Variable(np.ones((1, 2), np.float16))
    (Variable(_tenths(), requires_grad=False) * b).backward(_tenths())
    assert b.grad.dtype == np.float16
    _close_to(b.grad.data, 0.01 * ROWS)


def test_float16_einsum_sums_in_float32():
    x = Variable(_tenths())
    y = ag.einsum("ij->j", x)
    assert y.dtype == np.float16
    _close_to(y.data, 0.1 * ROWS)
    _close_to(ag.einsum("ij,ij->j", x, Variable(np.ones((ROWS, 2), np.float16))).data,
              0.1 * ROWS)


def test_float16_logsumexp_over_the_leading_axis():
    y = ag.logsumexp(Variable(np.zeros((ROWS, 2), np.float16)), axis=0)
    assert y.dtype == np.float16
    _close_to(y.data, np.log(ROWS))


def test_float16_prod_and_cumprod_accumulate_in_float32():
    values = np.random.default_rng(0).uniform(0.999, 1.001, (3000, 2)).astype(np.float16)
    exact = values.astype(np.float64)
    y = ag.prod(Variable(values), axis=0)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.data, exact.prod(0), rtol=1e-3)
    y = ag.cumprod(Variable(values), axis=0)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.data, exact.cumprod(0), rtol=1e-3)  # float16 steps: 4e-2


def test_float16_gathers_of_one_element_many_times_add_their_gradients_in_float32():
    idx = np.zeros((ROWS, 2), np.int64)
    for pick in (lambda v: v.gather(0, idx), lambda v: v.index_select(0, idx[:, 0]),
                 lambda v: v[idx[:, 0]], lambda v: ag.take_along_axis(v, idx, 0)):
        x = Variable(np.ones((3, 2), np.float16))
        pick(x).backward(_tenths())
        assert x.grad.dtype == np.float16
        _close_to(x.grad.data[0], 0.1 * ROWS)
    src = Variable(_tenths())
    _close_to(ag.scatter_add(np.zeros((3, 2), np.float16), 0, idx, src).data[0], 0.1 * ROWS)


def test_float16_amax_shares_its_gradient_among_thousands_of_ties():
    """The ties were counted in float16, which stops at 2048: each got 1/2048, not 1/5000."""
    x = Variable(np.zeros((ROWS, 2), np.float16))
    x.amax(0).backward(np.ones(2, np.float16))
    assert x.grad.dtype == np.float16
    _close_to(x.grad.data.astype(np.float64).sum(axis=0), 1.0)
