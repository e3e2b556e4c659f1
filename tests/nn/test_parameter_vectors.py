"""nn.utils.parameters_to_vector / vector_to_parameters and get_total_norm /
clip_grads_with_norm_ (which clip_grad_norm_ is made of) against PyTorch: values, gradients,
float32 and float64, norm types; second order against numerical; every error."""
import math

import numpy as np
import pytest

import nn
from autograd import Parameter, Variable
from autograd.testing import assert_gradients_match
from nn.utils import (
    clip_grad_norm_,
    clip_grads_with_norm_,
    get_total_norm,
    parameters_to_vector,
    vector_to_parameters,
)

from ._helpers import assert_close

torch = pytest.importorskip("torch")
U = torch.nn.utils

SHAPES = [(3, 2), (4,), (), (2, 1, 2)]


def _parameters(dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    return ([Parameter(a.copy()) for a in arrays],
            [torch.nn.Parameter(torch.tensor(a)) for a in arrays])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_parameters_to_vector_matches_torch_with_gradients(dtype):
    ours, theirs = _parameters(dtype)
    vec, vec_t = parameters_to_vector(ours), U.parameters_to_vector(theirs)
    assert vec.dtype == dtype
    assert_close(vec, vec_t, 0)
    gy = np.arange(vec.shape[0], dtype=dtype)
    (vec * gy).sum().backward()
    (vec_t * torch.tensor(gy)).sum().backward()
    for p, t in zip(ours, theirs):
        assert_close(p.grad, t.grad, 0)


def test_parameters_to_vector_takes_a_module_s_parameters_and_one_parameter():
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    np.testing.assert_array_equal(vec.data, np.concatenate([model.weight.data.ravel(),
                                                            model.bias.data]))
    assert parameters_to_vector(model.bias).shape == (2,)


def test_second_order_through_parameters_to_vector_matches_numerical():
    rng = np.random.default_rng(1)
    assert_gradients_match(lambda a, b: parameters_to_vector([a, b]) ** 3,
                           rng.standard_normal((2, 2)), rng.standard_normal(3), order=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("as_variable", [False, True])
def test_vector_to_parameters_matches_torch(dtype, as_variable):
    ours, theirs = _parameters(dtype)
    before = [p for p in ours]
    vec = np.linspace(-1, 1, sum(p.size for p in ours))
    vector_to_parameters(Variable(vec) if as_variable else vec, ours)
    U.vector_to_parameters(torch.tensor(vec, dtype=theirs[0].dtype), theirs)
    for p, t, same in zip(ours, theirs, before):
        assert p is same and p.dtype == dtype
        assert_close(p, t, 0)


def test_vector_to_parameters_invalidates_graphs_that_saved_the_old_values():
    p = Parameter(np.ones(3))
    y = (p * p).sum()
    vector_to_parameters(np.zeros(3), [p])
    with pytest.raises(RuntimeError):
        y.backward()


def test_vector_to_parameters_errors():
    params = [Parameter(np.ones((2, 2))), Parameter(np.ones(3))]
    with pytest.raises(ValueError, match=r"vec of shape \(6,\) does not match the "
                                         r"parameters' 7 elements"):
        vector_to_parameters(np.zeros(6), params)
    with pytest.raises(ValueError, match=r"vec of shape \(8,\)"):
        vector_to_parameters(np.zeros(8), params)
    with pytest.raises(ValueError, match=r"vec of shape \(7, 1\)"):
        vector_to_parameters(np.zeros((7, 1)), params)
    with pytest.raises(TypeError, match="expected a Variable or array vec, but got list"):
        vector_to_parameters([0.0] * 7, params)
    with pytest.raises(TypeError, match="expected Parameters.*got ndarray"):
        vector_to_parameters(np.zeros(3), [np.ones(3)])


def test_parameters_to_vector_errors():
    with pytest.raises(ValueError, match="non-empty iterable of parameters"):
        parameters_to_vector([])
    with pytest.raises(TypeError, match="parameters_to_vector: expected Parameters.*got list"):
        parameters_to_vector([[1.0]])


# ----- get_total_norm and clip_grads_with_norm_ -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf, 0])
def test_get_total_norm_matches_torch(dtype, norm_type):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    arrays[1][:] = 0  # (a zero tensor: counts for norm_type 0)
    want = U.get_total_norm([torch.tensor(a) for a in arrays], norm_type).item()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert get_total_norm(arrays, norm_type) == pytest.approx(want, rel=tol)
    assert get_total_norm([Variable(a) for a in arrays], norm_type) == pytest.approx(want,
                                                                                     rel=tol)
    assert get_total_norm(arrays[0], norm_type) == pytest.approx(
        U.get_total_norm(torch.tensor(arrays[0]), norm_type).item(), rel=tol)
    assert get_total_norm([], norm_type) == 0.0


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grads_with_norm_matches_torch(max_norm, dtype):
    ours, theirs = _parameters(dtype)
    rng = np.random.default_rng(3)
    for p, t in zip(ours, theirs):
        g = rng.standard_normal(p.shape).astype(dtype)
        p.grad, t.grad = Variable(g), torch.tensor(g)
    total = get_total_norm([p.grad for p in ours])
    clip_grads_with_norm_(ours, max_norm, total)
    U.clip_grads_with_norm_(theirs, max_norm, U.get_total_norm([t.grad for t in theirs]))
    for p, t in zip(ours, theirs):
        assert p.grad.dtype == dtype
        assert_close(p.grad, t.grad, 1e-6 if dtype == np.float32 else 1e-12)


def test_clip_grad_norm_is_get_total_norm_then_clip_grads_with_norm_():
    ours, _ = _parameters(np.float64)
    others, theirs = _parameters(np.float64)
    for group in (ours, others, theirs):
        for p in group:
            p.grad = (Variable if isinstance(p, Parameter) else torch.tensor)(
                np.full(p.shape, 0.75))
    total = clip_grad_norm_(ours, 1.0)
    clip_grads_with_norm_(others, 1.0, get_total_norm([p.grad for p in others]))
    assert total == pytest.approx(U.clip_grad_norm_(theirs, 1.0).item(), rel=1e-12)
    for p, q, t in zip(ours, others, theirs):
        np.testing.assert_array_equal(p.grad.data, q.grad.data)
        assert_close(p.grad, t.grad, 1e-12)


def test_total_norm_and_clipping_errors():
    params = [Parameter(np.ones(2))]
    params[0].grad = Variable(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError, match="get_total_norm: the total norm of order 2.0 of "
                                           "the gradients is inf"):
        get_total_norm([params[0].grad], error_if_nonfinite=True)
    with pytest.raises(ValueError, match="get_total_norm: norm_type must be a number or "
                                         "\\+-inf, got nan"):
        get_total_norm([np.ones(2)], float("nan"))
    assert get_total_norm([np.ones(2)], -1) == 0.5  # (PyTorch's: (1/1 + 1/1) ** -1)
    with pytest.raises(TypeError, match="get_total_norm: expected arrays or Variables, got "
                                        "NoneType"):
        get_total_norm([np.ones(2), None])
    with pytest.raises(TypeError, match="get_total_norm: norm_type must be a number"):
        get_total_norm([np.ones(2)], "two")
    with pytest.raises(ValueError, match="clip_grads_with_norm_: max_norm must be >= 0"):
        clip_grads_with_norm_(params, -1.0, 2.0)
    with pytest.raises(TypeError, match="clip_grads_with_norm_: total_norm must be a number"):
        clip_grads_with_norm_(params, 1.0, "big")
    with pytest.raises(ValueError, match="clip_grads_with_norm_: foreach must be None"):
        clip_grads_with_norm_(params, 1.0, 2.0, foreach="yes")
    with pytest.raises(ValueError, match="get_total_norm: foreach must be None"):
        get_total_norm([np.ones(2)], foreach=2)


def test_clip_grads_with_norm_with_a_nan_norm_makes_the_gradients_nan_as_torch():
    p = Parameter(np.ones(2))
    p.grad = Variable(np.ones(2))
    clip_grads_with_norm_(p, 1.0, float("nan"))
    assert np.isnan(p.grad.data).all()
