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
