"""First-order backprop runs on arrays (`Function.backward_data`); higher orders, anomaly
checks and the recorder run `backward` on Variables. Both must give the same gradients."""
import contextlib

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd import Function, Variable
from autograd.ops.elementwise import Tanh


def _program(x, w, b):
    """Many op kinds at once: broadcasting, reductions, a split, a reused input."""
    h = F.relu(F.linear(x, w, b))
    parts = ag.split(h * x[:, :3].sum(axis=1, keepdims=True), 3, axis=1)
    y = ag.sin(parts[0]) / (1.5 + ag.cos(parts[2])) - ag.exp(-h.T).mean()
    logits = h @ w  # (4, 5)
    labels = np.array([0, 4, 2, 1])
    classes = F.cross_entropy(logits, labels, reduction="none", label_smoothing=0.1,
                              weight=np.linspace(0.5, 2.0, 5)).sum()
    return ((ag.tanh(y) ** 2).sum() + F.mse_loss(parts[0], parts[2]) + classes
            + F.cross_entropy(logits * 0.5, labels) + x.reshape(-1)[::2].sum())


def _leaves(seed):
    rng = np.random.default_rng(seed)
    return [Variable(rng.normal(size=shape)) for shape in ((4, 5), (6, 5), (6,))]


def _grads(mode):
    leaves = _leaves(0)
    with mode():
        _program(*leaves).backward()
    return [x.grad.data for x in leaves]


@pytest.mark.parametrize("variable_path", [ag.detect_anomaly, ag.record_backward])
def test_the_array_path_equals_the_variable_path(variable_path):
    on_arrays = _grads(lambda: ag.using_config("train", True))
    on_variables = _grads(variable_path)
    for a, v in zip(on_arrays, on_variables):
        np.testing.assert_allclose(a, v, rtol=1e-12, atol=1e-14)


def test_the_array_path_equals_create_graph():
    leaves, again = _leaves(1), _leaves(1)
    _program(*leaves).backward()
    _program(*again).backward(create_graph=True)
    for x, y in zip(leaves, again):
        assert type(x.grad) is Variable and x.grad.creator is None  # no graph, first order
        np.testing.assert_allclose(x.grad.data, y.grad.data, rtol=1e-12)


def test_a_subclass_that_rewrites_backward_is_used_on_arrays_too():
    class DoubledTanh(Tanh):  # inherits Tanh's array math, which must not be used
        def backward(self, gy):
            return 2 * super().backward(gy)

    x = Variable(np.array([0.3, -1.2]))
    DoubledTanh()(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * (1 - np.tanh(x.data) ** 2))


def test_a_mixin_that_gives_backward_is_used_on_arrays_too():
    class Doubling:  # not a Function: its backward comes before Tanh's in the MRO
        def backward(self, gy):
            return 2 * super().backward(gy)

    class DoubledTanh(Doubling, Tanh):
        pass

    x = Variable(np.array([0.3, -1.2]))
    DoubledTanh()(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * (1 - np.tanh(x.data) ** 2))


def test_a_user_function_with_only_backward_works_first_order():
    class Square(Function):
        def forward(self, x):
            return x * x

        def backward(self, gy):
            return 2 * self.inputs[0] * gy

    x = Variable(np.array([1.0, 3.0]))
    (Square()(x) * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [6.0, 18.0])


def test_hooks_on_the_array_path_see_and_replace_variables():
    x = Variable(np.array([1.0, 2.0]))
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(type(g)) or g * 10)
    x.register_hook(lambda g: seen.append(type(g)))
    (y * y).sum().backward()
    assert seen == [Variable, Variable]
    np.testing.assert_allclose(x.grad.data, 10 * 2 * y.data * 3)


def test_a_leaf_hook_returning_a_variable_gives_the_grad_its_values():
    x = Variable(np.array([1.0, 2.0]))
    replacement = Variable(np.array([5.0, 5.0]), name="replacement")
    x.register_hook(lambda g: replacement)
    (x * x).sum().backward()
    # its values in memory of the leaf's own, as PyTorch's (torch 2: x.grad is not r, and
    # x.grad.zero_() leaves r alone), and as on the Variable path
    assert x.grad is not replacement and not np.shares_memory(x.grad.data, replacement.data)
    np.testing.assert_array_equal(x.grad.data, [5.0, 5.0])


def test_float32_stays_float32_and_broadcast_grads_are_summed_on_arrays():
    x = Variable(np.ones((3, 1), np.float32))
    b = Variable(np.ones(4, np.float32))
    (x * b + 0.5).sum().backward()
    assert x.grad.dtype == np.float32 and b.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, np.full((3, 1), 4.0, np.float32))
    np.testing.assert_array_equal(b.grad.data, np.full(4, 3.0, np.float32))


def test_scalars_stay_0d_arrays_and_match_the_variable_path():
    """NumPy hands back 0-d results as scalars (np.float64); outputs and gradients must
    still be 0-d arrays, with the values the Variable path gives."""
    def chain(x, y):
        z = x
        for _ in range(3):
            z = ag.sin(z * y + 0.5) / (1 + x * x)
        return z + x ** 2 * y

    grads = {}
    for label, mode in (("arrays", contextlib.nullcontext), ("variables", ag.detect_anomaly)):
        x, y = Variable(np.array(0.7)), Variable(np.array(-1.3))
        with mode():
            z = chain(x, y)
            assert z.data.__class__ is np.ndarray and z.shape == ()
            z.backward()
        for v in (x, y):
            assert v.grad.data.__class__ is np.ndarray and v.grad.shape == ()
        grads[label] = (float(x.grad.data), float(y.grad.data))
    np.testing.assert_allclose(grads["arrays"], grads["variables"], rtol=1e-13)
