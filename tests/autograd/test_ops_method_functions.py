"""autograd's free forms of PyTorch's functions that are Variable methods (addcmul,
addcdiv, addmm, addmv, addr, baddbmm, float_power, heaviside, inner, vdot, matrix_power,
tensor_split): torch's values and gradients, arrays and numbers as input, one
implementation with the method, and lazily loaded by `import autograd`."""
import subprocess
import sys

import numpy as np
import pytest

import autograd
from autograd import Variable

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)


def _a(*shape):
    return RNG.uniform(0.5, 1.5, shape) * RNG.choice([-1, 1], shape)


A33 = _a(3, 3) + 3 * np.eye(3)
CASES = [
    ("addcmul", [_a(2, 3), _a(2, 1), _a(3)], (), {"value": 0.5}),
    ("addcdiv", [_a(2, 3), _a(2, 3), _a(2, 3)], (), {"value": -2}),
    ("addmm", [_a(4), _a(2, 3), _a(3, 4)], (), {"beta": 0.5, "alpha": 2.0}),
    ("addmv", [_a(2), _a(2, 3), _a(3)], (), {}),
    ("addr", [_a(3, 4), _a(3), _a(4)], (), {"alpha": 3.0}),
    ("baddbmm", [_a(3, 4), _a(2, 3, 5), _a(2, 5, 4)], (), {"beta": 0.0}),
    ("float_power", [np.abs(_a(2, 3)), _a(3)], (), {}),
    ("inner", [_a(2, 3), _a(4, 3)], (), {}),
    ("vdot", [_a(4), _a(4)], (), {}),
    ("matrix_power", [A33], (3,), {}),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_values_and_gradients_match_torch(i):
    name, arrays, args, keywords = CASES[i]
    ours = [Variable(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = getattr(autograd, name)(*ours, *args, **keywords)
    t = getattr(torch, name)(*theirs, *args, **keywords)
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(i).standard_normal(tuple(t.shape))
    y.backward(Variable(upstream))
    t.backward(torch.tensor(upstream))
    for v, tv in zip(ours, theirs):  # (beta=0: no gradient reaches input, PyTorch's zeros)
        grad = np.zeros(v.shape) if v.grad is None and keywords.get("beta") == 0 else v.grad.data
        np.testing.assert_allclose(grad, tv.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_arrays_and_numbers_as_input():
    np.testing.assert_allclose(autograd.addcmul(np.ones(2), np.ones(2), np.full(2, 3.0)).data,
                               [4.0, 4.0])
    exponent = Variable(np.array([1.0, 2.0], np.float32))
    y = autograd.float_power(2, exponent)
    assert y.dtype == np.float64
    y.sum().backward()
    np.testing.assert_allclose(exponent.grad.data, torch.float_power(
        2, torch.tensor([1.0, 2.0])).numpy() * np.log(2), rtol=1e-6)
    pieces = autograd.tensor_split(np.arange(7), [1, 5])
    assert [p.data.tolist() for p in pieces] == [[0], [1, 2, 3, 4], [5, 6]]
    np.testing.assert_array_equal(autograd.heaviside(np.array([-1.0, 0.0, 2.0]),
                                                     np.array(0.5)).data, [0, 0.5, 1])


def test_function_is_the_method():
    x, m = Variable(A33), Variable(_a(3, 3))
    np.testing.assert_array_equal(autograd.matrix_power(x, -2).data, x.matrix_power(-2).data)
    np.testing.assert_array_equal(autograd.addmm(x, m, m, beta=2).data,
                                  x.addmm(m, m, beta=2).data)
    assert "addmm" in autograd.__all__ and "tensor_split" in dir(autograd)
    with pytest.raises(ValueError, match=r"addmm: shapes \(3, 3\) and \(2, 3\)"):
        autograd.addmm(x, m, Variable(_a(2, 3)))
    with pytest.raises(ValueError, match="baddbmm"):
        autograd.baddbmm(x, np.ones((2, 3, 4)), np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="vdot"):
        autograd.vdot(np.ones(3), np.ones(2))


def test_import_autograd_does_not_load_them():
    code = ("import sys, autograd; print('autograd.ops.method_functions' in sys.modules); "
            "autograd.inner; print('autograd.ops.method_functions' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]
