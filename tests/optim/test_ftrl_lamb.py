"""optim.Ftrl and optim.Lamb: what they minimize, and their checks."""
import numpy as np
import pytest

import optim
from autograd import Parameter


@pytest.mark.parametrize("make", [lambda ps: optim.Ftrl(ps, lr=0.5),
                                  lambda ps: optim.Lamb(ps, lr=0.005)])
def test_minimizes_a_quadratic(make):
    p = Parameter(np.array([2.0, -1.0, 0.5]))
    opt = make([p])
    for _ in range(600):
        opt.zero_grad()
        ((p - 1.5) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(p.data, 1.5, atol=0.05)


def test_lamb_counts_steps_and_keeps_float32():
    p = Parameter(np.ones((2, 3), dtype=np.float32))
    opt = optim.Lamb([p])
    p.grad = np.full((2, 3), 0.1, dtype=np.float32)
    opt.step()
    assert opt.state[p]["step"] == 1 and p.data.dtype == np.float32


@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.Ftrl(ps, lr=0), "lr"),
    (lambda ps: optim.Ftrl(ps, lr_power=0.1), "lr_power"),
    (lambda ps: optim.Ftrl(ps, l2=-1), "l2"),
    (lambda ps: optim.Lamb(ps, betas=(1.0, 0.9)), "beta1"),
])
def test_bad_settings_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make([Parameter(np.zeros(2))])
