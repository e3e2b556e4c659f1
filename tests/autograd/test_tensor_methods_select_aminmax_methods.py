"""PyTorch's Tensor methods that ported code calls and rungrad lacked: select(dim, index),
aminmax(dim=, keepdim=), is_floating_point(), masked_fill_(mask, value); values and gradients
against PyTorch's (optional import)."""
import numpy as np
import pytest

from autograd import Variable, no_grad

torch = pytest.importorskip("torch")


def _pair(shape, seed):
    data = np.random.default_rng(seed).standard_normal(shape)
    return Variable(data.copy()), torch.tensor(data, requires_grad=True)


@pytest.mark.parametrize("dim,index", [(0, 1), (1, -1), (-1, 0), (-2, -3)])
def test_select_matches_torch_values_and_gradient(dim, index):
    x, t = _pair((3, 4), seed=abs(dim) + 7 * abs(index))
    y, ty = x.select(dim, index), t.select(dim, index)
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    w = np.arange(1.0, ty.numel() + 1).reshape(ty.shape)
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("dim,index", [(0, 3), (1, -5), (2, 0)])
def test_select_out_of_range_is_refused_as_torch_does(dim, index):
    x, t = _pair((3, 4), seed=0)
    with pytest.raises(IndexError):
        t.select(dim, index)
    with pytest.raises(IndexError, match="select"):
        x.select(dim, index)


@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (1, True), (-1, False)])
def test_aminmax_matches_torch(dim, keepdim):
    x, t = _pair((3, 4), seed=1)
    kwargs = {} if dim is None else {"dim": dim}
    got, want = x.aminmax(keepdim=keepdim, **kwargs), t.aminmax(keepdim=keepdim, **kwargs)
    np.testing.assert_allclose(got.min.data, want.min.detach().numpy())
    np.testing.assert_allclose(got.max.data, want.max.detach().numpy())
    (got.min.sum() - 2 * got.max.sum()).backward()
    (want.min.sum() - 2 * want.max.sum()).backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int32,
                                   np.bool_])
def test_is_floating_point_as_torch(dtype):
    data = np.zeros(2, dtype)
    assert Variable(data, requires_grad=False).is_floating_point() is \
        torch.from_numpy(data).is_floating_point()


def test_masked_fill_in_place_matches_torch_and_bumps_version():
    data = np.random.default_rng(2).standard_normal((3, 4))
    mask = np.array([True, False, True, False])  # broadcast over the rows
    x, t = Variable(data.copy(), requires_grad=False), torch.tensor(data)
    saved = (Variable(np.ones((3, 4))) * x).sum()  # mul keeps x for its backward
    with no_grad():
        assert x.masked_fill_(mask, -1.5) is x
    t.masked_fill_(torch.tensor(mask), -1.5)
    np.testing.assert_array_equal(x.data, t.numpy())
    with pytest.raises(RuntimeError, match="modified in place"):
        saved.backward()


def test_masked_fill_in_place_refuses_a_graph_variable_and_a_non_bool_mask():
    x = Variable(np.zeros(3))
    with pytest.raises(RuntimeError, match="masked_fill_"):
        x.masked_fill_(np.array([True, False, True]), 1.0)
    with no_grad(), pytest.raises(TypeError, match="masked_fill_"):
        x.masked_fill_(np.array([1.0, 0.0, 1.0]), 1.0)


def test_masked_fill_in_place_takes_the_value_in_the_variables_dtype_as_torch():
    mask = np.array([True, False, True])
    x = Variable(np.array([1, 2, 3]), requires_grad=False)
    want = torch.tensor([1, 2, 3]).masked_fill_(torch.tensor(mask), 2.7)
    np.testing.assert_array_equal(x.masked_fill_(mask, 2.7).data, want.numpy())
    assert x.dtype == np.int64
    with no_grad(), pytest.raises(ValueError, match="0-d"):
        x.masked_fill_(mask, Variable(np.ones(3), requires_grad=False))
