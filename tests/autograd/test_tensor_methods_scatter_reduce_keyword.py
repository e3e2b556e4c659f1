"""PyTorch's scatter(dim, index, src or value, reduce='add' | 'multiply'): values of PyTorch's
(optional import), repeated indices reduced together; gradients against torch's scatter_add
(torch has no derivative for scatter with reduce; 'add' is the same function)."""
import numpy as np
import pytest

from autograd import Variable

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")

INDEX = np.array([[0, 0], [1, 3], [2, 2]])  # row 0 and row 2 hit one position twice


def _x():
    return np.random.default_rng(3).standard_normal((3, 4))


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce_src_matches_torch(reduce):
    src = np.arange(1.0, 7.0).reshape(3, 2)
    got = Variable(_x()).scatter(1, INDEX, Variable(src), reduce=reduce)
    want = torch.tensor(_x()).scatter(1, torch.tensor(INDEX), torch.tensor(src), reduce=reduce)
    np.testing.assert_allclose(got.data, want.numpy())


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce_value_matches_torch(reduce):
    got = Variable(_x()).scatter(1, INDEX, value=2.5, reduce=reduce)
    want = torch.tensor(_x()).scatter(1, torch.tensor(INDEX), value=2.5, reduce=reduce)
    np.testing.assert_allclose(got.data, want.numpy())


def test_scatter_add_keyword_gradients_match_torch_scatter_add():
    src = np.random.default_rng(4).standard_normal((3, 2))
    x, s = Variable(_x()), Variable(src.copy())
    tx, ts = (torch.tensor(a, requires_grad=True) for a in (_x(), src))
    w = np.arange(12.0).reshape(3, 4)
    (x.scatter(1, INDEX, s, reduce="add") * w).sum().backward()
    (tx.scatter_add(1, torch.tensor(INDEX), ts) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(s.grad.data, ts.grad.numpy())


def test_scatter_unknown_reduce_is_refused_by_name():
    with pytest.raises(ValueError, match="reduce"):
        Variable(_x()).scatter(1, INDEX, value=1.0, reduce="mean")
