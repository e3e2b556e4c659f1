"""PyTorch's fused arithmetic methods addcmul, addcdiv, addmm, addmv, addr, baddbmm, addbmm
(with beta=, alpha=, value=), mv and dot: values and gradients of PyTorch's (optional
import), broadcasting included, and second order through their composition."""
import numpy as np
import pytest

from autograd import Variable, gradgradcheck

torch = pytest.importorskip("torch")

# (method, shapes of self and the operands, keywords)
CASES = [
    ("addcmul", [(2, 3), (2, 3), (2, 3)], {}),
    ("addcmul", [(3,), (2, 1), (2, 3)], {"value": 0.5}),
    ("addcmul", [(2, 1, 3), (4, 1), (3,)], {"value": -2}),
    ("addcdiv", [(2, 3), (2, 3), (2, 3)], {}),
    ("addcdiv", [(1, 3), (2, 1), (3,)], {"value": 0.25}),
    ("addmm", [(2, 4), (2, 3), (3, 4)], {}),
    ("addmm", [(4,), (2, 3), (3, 4)], {"beta": 0.5, "alpha": 2.0}),
    ("addmv", [(2,), (2, 3), (3,)], {"beta": 2.0, "alpha": -1.0}),
    ("addr", [(1, 4), (3,), (4,)], {"alpha": 3.0}),
    ("baddbmm", [(2, 3, 4), (2, 3, 5), (2, 5, 4)], {"beta": 0.5}),
    ("baddbmm", [(3, 4), (2, 3, 5), (2, 5, 4)], {"alpha": 0.1}),
    ("addbmm", [(3, 4), (2, 3, 5), (2, 5, 4)], {"beta": -1.0, "alpha": 2.0}),
    ("mv", [(2, 3), (3,)], {}),
    ("dot", [(4,), (4,)], {}),
]


def _arrays(shapes, seed):
    rng = np.random.default_rng(seed)
    # away from 0: addcdiv divides by its last operand
    return [rng.uniform(0.5, 1.5, s) * rng.choice([-1, 1], s) for s in shapes]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_values_and_gradients_match_torch(i):
    name, shapes, keywords = CASES[i]
    arrays = _arrays(shapes, i)
    ours = [Variable(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = getattr(ours[0], name)(*ours[1:], **keywords)
    t = getattr(theirs[0], name)(*theirs[1:], **keywords)
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(100 + i).standard_normal(t.shape)
    y.backward(Variable(upstream))
    t.backward(torch.tensor(upstream))
    for v, tv in zip(ours, theirs):
        np.testing.assert_allclose(v.grad.data, tv.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_operands_may_be_arrays_and_keep_float32():
    x = Variable(np.ones((2, 3), np.float32))
    y = x.addcmul(np.full(3, 2, np.float32), np.full((2, 1), 3, np.float32), value=0.5)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.full((2, 3), 4, np.float32))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv", "addmm"])
def test_second_order_through_the_composition(name):
    shapes = {"addcmul": [(2, 3), (3,), (2, 1)], "addcdiv": [(2, 3), (3,), (2, 1)],
              "addmm": [(2, 2), (2, 3), (3, 2)]}[name]
    keywords = {"value": 0.7} if name != "addmm" else {"beta": 0.5, "alpha": 1.5}
    arrays = [Variable(a) for a in _arrays(shapes, 7)]
    gradgradcheck(lambda x, a, b: getattr(x, name)(a, b, **keywords) ** 2, *arrays)


def test_beta_zero_ignores_nan_in_the_input_as_torch():
    a, b = _arrays([(2, 3), (3, 2)], 3)
    y = Variable(np.full((2, 2), np.nan)).addmm(a, b, beta=0)
    nan = torch.full((2, 2), float("nan"), dtype=torch.float64)
    t = nan.addmm(torch.tensor(a), torch.tensor(b), beta=0)
    np.testing.assert_allclose(y.data, t.numpy())


@pytest.mark.parametrize("call", [
    lambda x: x.addmm(np.ones((2, 3)), np.ones((4, 2))),  # inner sizes differ
    lambda x: x.addmm(np.ones(3), np.ones((3, 2))),  # not a matrix
    lambda x: x.addmm(np.ones((5, 3)), np.ones((3, 2))),  # input does not broadcast
    lambda x: x.baddbmm(np.ones((2, 2, 3)), np.ones((3, 3, 2))),  # batch sizes differ
    lambda x: x.mv(np.ones((2, 2))),
    lambda x: x[0].dot(np.ones(3)),
])
def test_bad_shapes_are_refused_by_name(call):
    x = Variable(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"(addmm|baddbmm|mv|dot|matmul).*\(|shape"):
        call(x)
