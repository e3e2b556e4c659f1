"""PyTorch's in-place forms of out-of-place methods (exp_, addcmul_, lerp_, tril_,
index_add_, scatter_, ...), fill_diagonal_, and method aliases PyTorch code calls
(absolute, sgn, fix, logaddexp, fmax, inverse, new_tensor, new_empty, ...): PyTorch's values
(optional import), the existing in-place rule (a leaf that requires grad only under
no_grad), and the shape and dtype an in-place op must keep."""
import numpy as np
import pytest

from autograd import Variable, no_grad

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 2.0, (3, 4))
A, B = RNG.standard_normal((3, 4)), RNG.uniform(0.5, 2.0, (4,))
IDX = np.array([2, 0])

# (method, arguments, keywords): the arguments arrays (made tensors for PyTorch) or numbers
CASES = [
    ("abs_", (), {}), ("neg_", (), {}), ("exp_", (), {}), ("log_", (), {}), ("sqrt_", (), {}),
    ("rsqrt_", (), {}), ("sigmoid_", (), {}), ("tanh_", (), {}), ("floor_", (), {}),
    ("ceil_", (), {}), ("round_", (), {}), ("trunc_", (), {}), ("reciprocal_", (), {}),
    ("square_", (), {}), ("pow_", (2.5,), {}), ("lerp_", (A, 0.3), {}), ("lerp_", (B, A), {}),
    ("addcmul_", (A, B), {}), ("addcmul_", (A, B), {"value": -0.5}),
    ("addcdiv_", (A, B), {"value": 2}), ("addmm_", (A, np.eye(4) + 0.5), {"beta": 0.5, "alpha": 2}),
    ("addmm_", (A[:, :3], A[:3]), {}), ("addr_", (B[:3], B), {"alpha": 2}),
    ("nan_to_num_", (), {"nan": 1.0}), ("tril_", (), {}), ("triu_", (1,), {}),
    ("index_add_", (1, IDX, A[:, :2]), {"alpha": 2}), ("index_fill_", (1, IDX, -1.0), {}),
    ("index_copy_", (0, IDX, A[:2]), {}), ("scatter_", (1, np.array([[1], [3], [0]]), A), {}),
    ("scatter_add_", (0, np.array([[0, 2, 1, 1]]), A), {}),
    ("masked_scatter_", (X > 1, A), {}),
    ("fill_diagonal_", (-2.0,), {}), ("fill_diagonal_", (5.0,), {"wrap": True}),
]


def _torch(value):
    return torch.tensor(value) if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("i", range(len(CASES)))
def test_in_place_matches_torch_and_keeps_the_variable(i):
    name, args, named = CASES[i]
    start = X.copy() if name != "fill_diagonal_" or "wrap" not in named else np.ones((9, 3))
    if name == "nan_to_num_":
        start[0, 0] = np.nan
    if name == "scatter_add_":
        start = start[:3]
    x = Variable(start.copy(), requires_grad=False)
    t = torch.tensor(start.copy())
    assert getattr(x, name)(*args, **named) is x
    getattr(t, name)(*map(_torch, args), **{k: _torch(v) for k, v in named.items()})
    np.testing.assert_allclose(x.data, t.numpy(), rtol=1e-12, atol=1e-12)


def test_float32_stays_float32_and_the_array_is_the_same():
    x = Variable(np.ones(3, np.float32), requires_grad=False)
    data = x.data
    x.addcmul_(np.full(3, 2.0), np.full(3, 3.0), value=0.5).exp_()
    assert x.data is data and x.dtype == np.float32
    np.testing.assert_allclose(x.data, np.exp(np.full(3, 4.0, np.float32)), rtol=1e-6)


@pytest.mark.parametrize("call", [lambda w: w.addcmul_(np.ones(3), np.ones(3)),
                                  lambda w: w.exp_(), lambda w: w.lerp_(np.zeros(3), 0.5),
                                  lambda w: w.fill_diagonal_(1.0)])
def test_a_leaf_that_requires_grad_is_written_only_under_no_grad(call):
    w = Variable(np.ones((3, 3)))
    with pytest.raises(RuntimeError, match="_: the Variable is a leaf that requires grad"):
        call(w)
    np.testing.assert_array_equal(w.data, np.ones((3, 3)))
    with no_grad():
        call(w)
    assert w.requires_grad


def test_an_operand_in_a_graph_is_refused_and_older_graphs_see_the_change():
    w = Variable(np.ones(3))
    acc = Variable(np.zeros(3), requires_grad=False)
    with pytest.raises(RuntimeError, match="addcmul_: its operand"):
        acc.addcmul_(w * 2, np.ones(3))
    y = (w * w).sum()
    with no_grad():
        w.addcdiv_(np.ones(3), np.full(3, 2.0))
    np.testing.assert_array_equal(w.data, np.full(3, 1.5))
    with pytest.raises(RuntimeError):
        y.backward()


def test_the_shape_and_the_dtype_are_kept_as_torch():
    x = Variable(np.zeros(3), requires_grad=False)
    with pytest.raises(ValueError, match=r"addcmul_: the result's shape \(2, 3\) differs"):
        x.addcmul_(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="exp_: the result's dtype float64 cannot be written "
                                         "into the Variable's int64"):
        Variable(np.zeros(3, np.int64), requires_grad=False).exp_()


def test_fill_diagonal_refuses_unequal_dims_as_torch():
    with pytest.raises(ValueError, match=r"fill_diagonal_.*\(2, 3, 3\)"):
        Variable(np.zeros((2, 3, 3)), requires_grad=False).fill_diagonal_(1)
    x = Variable(np.zeros((3, 3, 3), np.int64), requires_grad=False)
    x.fill_diagonal_(2.7)
    t = torch.zeros(3, 3, 3, dtype=torch.int64).fill_diagonal_(2.7)
    np.testing.assert_array_equal(x.data, t.numpy())


@pytest.mark.parametrize("name,args", [
    ("absolute", ()), ("negative", ()), ("sgn", ()), ("fix", ()), ("sinc", ()),
    ("logaddexp", (A,)), ("logaddexp2", (A,)), ("fmax", (A,)), ("fmin", (A,)),
])
def test_aliases_match_torch_with_gradients(name, args):
    x, t = Variable(X - 1), torch.tensor(X - 1, requires_grad=True)
    y, ty = getattr(x, name)(*args), getattr(t, name)(*map(_torch, args))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    if ty.requires_grad:
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(force=True), rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("name", ["inverse", "matrix_exp", "logdet"])
def test_matrix_methods_match_torch(name):
    m = np.eye(3) * 2 + 0.1 * A[:, :3]
    np.testing.assert_allclose(getattr(Variable(m), name)().data,
                               getattr(torch.tensor(m), name)().numpy(), rtol=1e-10)


def test_slogdet_is_a_sign_and_a_log():
    sign, log = Variable(-np.eye(3) * 2).slogdet()
    t_sign, t_log = torch.tensor(-np.eye(3) * 2).slogdet()
    assert float(sign.data) == float(t_sign) and np.isclose(float(log.data), float(t_log))


def test_new_tensor_and_new_empty_as_torch():
    x = Variable(np.ones(2, np.float32))
    made = x.new_tensor([1, 2, 3])
    assert made.dtype == np.float32 and not made.requires_grad
    np.testing.assert_array_equal(made.data, [1, 2, 3])
    assert x.new_tensor([1, 2], dtype=np.int64).dtype == np.int64
    empty = x.new_empty(2, 3)
    assert empty.shape == (2, 3) and empty.dtype == np.float32
    assert x.new_empty((4,), dtype=np.float64, requires_grad=True).requires_grad
    source = np.zeros(2)
    x.new_tensor(source).data[0] = 5  # a copy
    assert source[0] == 0
