"""float(v) and int(v) of a one-element Variable, as PyTorch's float(t) / int(t) (they raised
TypeError: `float(model.losses[0])`); bool(v) as it was."""
import numpy as np
import pytest
import torch

import autograd as ag
import nn
from autograd import Variable


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")  # (PyTorch's)
@pytest.mark.parametrize("value", [2.5, -2.7, [[3.0]], [7]])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_float_and_int_of_one_element_as_pytorch(value, requires_grad):
    array = np.array(value, dtype=np.float32)
    v = Variable(array, requires_grad=requires_grad)
    t = torch.tensor(array, requires_grad=requires_grad)
    assert float(v) == float(t) and type(float(v)) is float
    assert int(v) == int(t) and type(int(v)) is int


def test_float_of_a_regularization_penalty():
    layer = nn.Dense(2, input_shape=(3,), kernel_regularizer="l2")
    model = nn.Sequential([layer])
    assert float(model.losses[0]) == pytest.approx(0.01 * float((layer.weight.data ** 2).sum()))


def test_more_than_one_element_is_refused_by_name():
    v = Variable(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match=r"float\(\) takes a Variable of one element, got one "
                                        r"of shape \(2, 3\) \(6 elements\)"):
        float(v)
    with pytest.raises(TypeError, match=r"int\(\) takes a Variable of one element"):
        int(Variable(np.zeros(0, np.float32)))


def test_bool_is_as_before():
    assert bool(Variable(np.array([1.0]))) is True
    assert bool(Variable(np.array(0.0))) is False
    with pytest.raises(ValueError, match="truth value of a Variable with 2 elements"):
        bool(Variable(np.ones(2)))


def test_a_0d_variable_cannot_be_iterated_or_summed_by_python():
    """Python's fallback indexed it until an error: list(x) was [] and sum(x) 0, silently."""
    x = ag.Variable(np.array(3.0))
    for iterate in (list, sum, tuple):
        with pytest.raises(TypeError, match="iteration over a 0-d Variable"):
            iterate(x)
    rows = list(ag.Variable(np.arange(6.0).reshape(3, 2)))
    assert [r.shape for r in rows] == [(2,)] * 3 and sum(ag.Variable(np.arange(3.0))).data == 3


def test_grad_of_an_array_and_a_cast_to_text_are_refused_by_name():
    with pytest.raises(TypeError, match="grad: outputs must be Variables, got ndarray"):
        ag.grad(np.ones(2), [ag.Variable(np.ones(2))])
    with pytest.raises(TypeError, match="astype: a Variable holds numbers"):
        ag.Variable(np.ones(2)).astype("U3")


def test_pytorchs_dtype_methods_and_cat():
    x = Variable(np.arange(6.0).reshape(2, 3))
    casts = {"float": np.float32, "double": np.float64, "half": np.float16,
             "long": np.int64, "int": np.int32, "bool": np.bool_}
    for name, dtype in casts.items():
        assert getattr(x, name)().dtype == dtype
    x.float().sum().backward()  # a float cast passes the gradient back in x's dtype
    assert x.grad.dtype == np.float64 and (x.grad.data == 1).all()
    y = ag.cat([x, x * 2], dim=1)
    want = torch.cat([torch.arange(6.0).reshape(2, 3)] * 2, dim=1)
    want[:, 3:] *= 2
    np.testing.assert_array_equal(y.data, want.numpy())
    assert ag.cat([x, x], axis=0).shape == (4, 3)
    with pytest.raises(TypeError, match="cat: got dim=1 and axis=0"):
        ag.cat([x, x], dim=1, axis=0)


def test_a_computed_variable_set_to_want_no_gradient_is_refused_where_it_is_used():
    """It cut the gradient of everything before it without a word ((y * y + x) gave x the
    gradient 1, not 2y * 2 + 1); PyTorch refuses the assignment itself."""
    x = Variable(np.array([1.0, 2.0]))
    y = x * 2
    y.requires_grad = False
    for use in (lambda: y * y, lambda: y + x, lambda: ag.sin(y), lambda: ag.concatenate([y, x, x])):
        with pytest.raises(RuntimeError, match=r"computed Variable .* requires_grad set to False"
                                                r".*x.detach\(\)"):
            use()
    with ag.no_grad():
        assert (y * y).data.tolist() == [4.0, 16.0]  # (no graph is built there)
    assert (y.detach() * x).creator is not None


def test_numpy_s_reductions_take_a_variable_as_pytorch_s_tensors_let_them():
    """np.mean(pred == y), np.sum(x): NumPy calls the method with its own keywords
    (dtype=, out=None), which the methods take."""
    x = Variable(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    assert np.mean(x > 0).item() == pytest.approx(2 / 3)
    assert np.sum(x > 0).item() == 2 and np.count_nonzero(x.detach() > 0) == 2
    assert [np.max(x).item(), np.min(x, axis=0).item(), np.prod(x).item()] == [3, -2, -6]
    assert np.var(x, ddof=1).item() == pytest.approx(np.var(x.data, ddof=1))
    assert not np.all(x > 0).item() and np.any(x > 0, axis=0).item()
    assert np.all(x > 0, keepdims=True).shape == (1,) == (x > 0).any(keepdims=True).shape
    assert x.sum(dtype=np.float32).dtype == np.float32
    np.sum(x * x).backward()  # (a Variable's reduction: differentiable)
    np.testing.assert_array_equal(x.grad.data, 2 * x.data)
    with pytest.raises(TypeError, match="sum: out= is not supported"):
        np.sum(x, out=np.zeros(()))


def test_numpy_s_ufuncs_run_on_values_and_an_operator_with_an_array_is_an_op():
    x = Variable(np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]]), requires_grad=True)
    np.testing.assert_array_equal(np.logical_and(x > 0, x < 3), [[1, 0, 0], [1, 0, 0]])
    counts = np.zeros((2, 3))
    counts += x > 0
    np.testing.assert_array_equal(counts, [[1, 0, 1], [1, 1, 0]])
    per_class = np.zeros(3, int)
    np.add.at(per_class, x.argmax(1), 1)
    assert per_class.tolist() == [0, 1, 1]
    array = np.full((2, 3), 2.0)
    for y in (array * x, array - x, array < x, np.float64(2.0) * x, array @ x.T):
        assert isinstance(y, Variable)
    (array * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, array)
    with pytest.raises(TypeError, match=r"np.exp: a Variable that requires grad \(shape "
                                        r"\(2, 3\)\) has no NumPy values"):
        np.exp(x)
    with pytest.raises(TypeError, match="np.add: .*`a = a \\+ v`, not `a \\+= v`"):
        array += x
    mask = x.detach() > 0
    with pytest.raises(TypeError, match="np.logical_not: a Variable cannot be out="):
        np.logical_not(mask, out=mask)


def test_item_and_len_refuse_by_name():
    with pytest.raises(TypeError, match=r"item\(\) takes a Variable of one element, got one "
                                        r"of shape \(2,\)"):
        Variable(np.ones(2, np.float32)).item()
    assert Variable(np.array([[2.5]])).item() == 2.5
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d Variable"):
        len(Variable(np.array(1.0)))
    assert len(Variable(np.ones((3, 2)))) == 3


def test_keepdims_and_keepdim_together_are_refused():
    x = Variable(np.ones((2, 3)))
    with pytest.raises(TypeError, match="mean: give keepdims= .* or keepdim= .*not both"):
        x.mean(axis=1, keepdims=True, keepdim=False)
    assert x.mean(axis=1, keepdim=True).shape == (2, 1)
    assert x.sum(1, keepdims=True).shape == x.sum(dim=1, keepdim=True).shape == (2, 1)


def test_integer_data_asked_to_require_grad_is_refused_and_else_requires_none():
    """Variable(ints, requires_grad=True) silently required none (PyTorch refuses it)."""
    with pytest.raises(TypeError, match="Variable: only floating-point data can require "
                                        "gradients, got dtype int64"):
        Variable(np.array([1, 2]), requires_grad=True)
    assert not Variable(np.array([1, 2])).requires_grad  # (labels: constants, as before)
    assert Variable(np.array([1.0])).requires_grad
    assert not Variable(np.array([1.0]), requires_grad=False).requires_grad


def test_an_integer_variable_made_to_require_grad_gets_no_truncated_gradient():
    """Set by hand (requires_grad is a plain flag): grad() truncated 2.5 to 2 before."""
    v = Variable(np.array([1, 2]))
    v.requires_grad = True
    y = (v * 2.5).sum()
    for run in (lambda: ag.grad(y, [v]), y.backward):
        with pytest.raises(TypeError, match="dtype int64 .* requires grad; only floating"):
            run()


def test_a_grad_set_by_hand_in_another_dtype_is_refused_at_accumulation():
    x = Variable(np.array([1.0, 2.0], np.float32))
    x.grad = np.array([1.0, 2.0])  # float64
    with pytest.raises(TypeError, match="leaf of dtype float32 has dtype float64"):
        (x * 2).sum().backward()
    x.grad = np.array([1.0, 2.0], np.float32)
    (x * 2).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.data.tolist() == [3.0, 4.0]


def test_numbers_take_the_dtype_beside_them_in_lerp_nextafter_and_long_double():
    x = Variable(np.array([1.0, 2.0], np.float32))
    assert ag.lerp(x, 1.0, 0.3).dtype == np.float32
    np.testing.assert_allclose(ag.lerp(x, 1, 0.5).data, [1.0, 1.5])
    assert ag.nextafter(x, np.float64(3)).dtype == ag.nextafter(x, 3.0).dtype == np.float32
    assert (x + np.longdouble(1)).dtype == np.float32


def test_a_torch_tensor_beside_a_variable_is_read_as_numpy_reads_it():
    x = Variable(np.array([1.0, 2.0], np.float32))
    assert (x + torch.tensor([1.0, 2.0])).data.tolist() == [2.0, 4.0]
    assert ag.exp(torch.tensor([0.0])).data.tolist() == [1.0]


def test_a_number_that_does_not_fit_an_integer_array_is_named():
    with pytest.raises(OverflowError, match="number 300 does not fit the dtype int8"):
        Variable(np.array([1, 2], np.int8)) * 300


def test_a_parameters_new_data_must_be_an_array():
    """A list or a number was taken, and the next op failed naming none ('list' object has
    no attribute 'dtype')."""
    p = ag.Parameter(np.ones(2))
    for value, kind in (([1.0, 2.0], "list"), (3.0, "float"), (None, "NoneType")):
        with pytest.raises(TypeError, match=f"Parameter.data: expected an array, got {kind}"):
            p.data = value
    p.data = np.zeros(3)
    assert p.shape == (3,)
