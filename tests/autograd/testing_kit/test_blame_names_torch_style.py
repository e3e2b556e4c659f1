"""Blame names a PyTorch-style Function by its own class, not the TorchStyleCall that runs
it, and its re-check's report names it as f."""
import numpy as np
import pytest

import autograd as ag
from autograd import Function, GradcheckError


class DoubledLeaky(Function):
    """y = x if x > 0 else 0.1 x; its backward doubles the 0.1 (wrong)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ag.where(x > 0, x, x * 0.1)

    @staticmethod
    def backward(ctx, gy):
        x, = ctx.saved_tensors
        return gy * ag.where(x > 0, 1.0, 0.2)


def network(x, w):
    return ag.sum(ag.tanh(DoubledLeaky.apply(x @ w)))


def test_a_torch_style_function_is_blamed_by_its_own_name():
    rng = np.random.default_rng(0)
    with pytest.raises(GradcheckError) as info:
        ag.gradcheck(network, rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), localize=True)
    text = str(info.value)
    assert f"is DoubledLeaky (class {__name__}.DoubledLeaky)" in text
    assert "f: DoubledLeaky, input 0" in text
    assert "TorchStyleCall" not in text
