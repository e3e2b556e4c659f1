"""NumPy's and PyTorch's calling forms of the index, scan and join ops that ported code
writes: argsort(dim=, descending=), cumsum(dtype=) and of a 0-d input, where(condition)
alone, concatenate(axis=None); and a 0-d input to the ops that cut along a dim, refused by
name."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable


def test_argsort_takes_pytorch_s_dim_and_descending():
    torch = pytest.importorskip("torch")
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    t = torch.from_numpy(x)
    assert ag.argsort(x, dim=1).data.tolist() == torch.argsort(t, dim=1).tolist()
    assert Variable(x).argsort(1, descending=True).data.tolist() == \
        torch.argsort(t, 1, descending=True).tolist()
    assert Variable(x).argsort().data.tolist() == np.argsort(x).tolist()
    assert ag.argsort(x, axis=None).data.tolist() == np.argsort(x, axis=None).tolist()
    with pytest.raises(TypeError, match="argsort: give axis .* or dim="):
        ag.argsort(x, 0, dim=1)


def test_cumsum_of_a_0d_input_and_in_a_dtype():
    """ag.cumsum(x0d, 0) failed with NumPy's AxisError (the method took it); dtype= was
    refused."""
    zero_d = Variable(np.array(2.0))
    assert ag.cumsum(zero_d, 0).shape == () and float(ag.cumprod(zero_d, dim=-1).data) == 2.0
    counts = np.array([1, 2, 3], np.int32)
    summed = ag.cumsum(counts, dtype=np.float64)
    assert summed.dtype == np.float64 and summed.data.tolist() == [1.0, 3.0, 6.0]
    x = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert x.cumsum(1, dtype=np.float32).dtype == np.float32
    assert x.cumprod(dim=0).data.tolist() == [[1.0, 2.0], [3.0, 8.0]]


def test_where_of_the_condition_alone_is_its_nonzero_indices():
    condition = np.array([[True, False], [False, True]])
    rows, cols = ag.where(condition)
    assert rows.data.tolist() == [0, 1] and cols.data.tolist() == [0, 1]
    with pytest.raises(TypeError, match="where: give both x and y"):
        ag.where(condition, 1.0)


def test_concatenate_with_no_axis_joins_the_flattened_inputs():
    joined = ag.concatenate([np.ones((2, 2)), np.zeros(3)], axis=None)
    np.testing.assert_array_equal(joined.data, np.concatenate([np.ones((2, 2)), np.zeros(3)],
                                                              axis=None))


@pytest.mark.parametrize("cut", [lambda v: ag.chunk(v, 2), lambda v: ag.narrow(v, 0, 0, 1),
                                 lambda v: ag.unbind(v), lambda v: v.split(1)],
                         ids=["chunk", "narrow", "unbind", "split"])
def test_a_0d_input_has_no_dim_to_cut_along(cut):
    """They failed with `IndexError: tuple index out of range`."""
    with pytest.raises(IndexError, match="a 0-d Variable has no dim 0 to cut along"):
        cut(Variable(np.array(3.0)))


def test_bfloat16_is_named_wherever_it_comes_in():
    torch = pytest.importorskip("torch")
    import nn
    with pytest.raises(TypeError, match="a Tensor of dtype bfloat16, which NumPy has no"):
        Variable(torch.ones(2, dtype=torch.bfloat16))
    with pytest.raises(TypeError, match="NumPy has no bfloat16"):
        Variable(np.ones(2)).to(torch.bfloat16)
    with pytest.raises(TypeError, match=r"Linear.bfloat16\(\): NumPy has no bfloat16"):
        nn.Linear(2, 2).bfloat16()


def test_pytorch_s_once_differentiable_and_mark_dirty():
    """ctx.mark_dirty was an AttributeError and once_differentiable an ImportError."""
    from autograd.function import once_differentiable

    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, x):
            y = Variable(np.exp(x.data))
            ctx.save_for_backward(y)
            return y

        @staticmethod
        @once_differentiable
        def backward(ctx, gy):
            y, = ctx.saved_tensors
            return gy * y

    x = Variable(np.array([1.0, 2.0]))
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([1.0, 2.0]))
    g, = ag.grad(Exp.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.data, np.exp([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Exp.backward is @once_differentiable"):
        g.sum().backward()

    class AddOne(ag.Function):
        @staticmethod
        def forward(ctx, x):
            x.data += 1
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, gy):
            return gy

    constant = Variable(np.array([1.0]), requires_grad=False)
    assert AddOne.apply(constant).data.tolist() == [2.0] and constant._version > 0
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad was changed"):
        AddOne.apply(Variable(np.array([1.0])))
    a = Variable(np.array([1.0]))
    b = a * 2
    kept = b * b  # (saved b before the change)
    AddOne.apply(b)
    with pytest.raises(RuntimeError, match="modified in place"):
        kept.backward()


def test_div_takes_pytorch_s_rounding_mode_and_logit_s_eps_past_a_half():
    torch = pytest.importorskip("torch")
    a, b = np.array([-7.0, 7.0, 5.5]), np.array([2.0, -2.0, 2.0])
    for mode in ("floor", "trunc"):
        np.testing.assert_array_equal(
            ag.div(a, b, rounding_mode=mode).data,
            torch.div(torch.from_numpy(a), torch.from_numpy(b), rounding_mode=mode).numpy())
    assert ag.div(np.array([-7, 7]), np.array([2, -2]), rounding_mode="trunc").data.tolist() \
        == [-3, -3]
    # eps above one half: below eps is eps first (clip made every value 1 - eps)
    np.testing.assert_allclose(
        ag.logit(Variable(np.array([0.3, 0.7])), eps=0.6).data,
        torch.logit(torch.tensor([0.3, 0.7], dtype=torch.float64), eps=0.6).numpy())
