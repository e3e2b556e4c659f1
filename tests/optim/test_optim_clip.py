"""clip_grad_norm_ and clip_grad_value_."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd import Parameter, Variable
from optim import clip_grad_norm_, clip_grad_value_


def _params(*grads, dtype=np.float64):
    params = []
    for g in grads:
        p = Parameter(np.zeros(np.shape(g), dtype=dtype))
        p.grad = Variable(np.asarray(g, dtype=dtype), requires_grad=False)
        params.append(p)
    return params


def test_norm_is_over_all_gradients_and_clips():
    params = _params([3.0, 0.0], [[4.0]])
    total = clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, float) and total == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.data, [3 * coef, 0.0])
    np.testing.assert_allclose(params[1].grad.data, [[4 * coef]])


def test_no_clip_below_max_norm():
    params = _params([0.3, 0.4])
    assert clip_grad_norm_(params, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad.data, [0.3, 0.4])


@pytest.mark.parametrize("norm_type,expected", [(1, 9.0), (2, math.sqrt(29)), (3, 99 ** (1 / 3)),
                                                (math.inf, 4.0), ("inf", 4.0)])
def test_norm_types(norm_type, expected):
    params = _params([2.0, -3.0], [-4.0])
    assert clip_grad_norm_(params, 100.0, norm_type=norm_type) == pytest.approx(expected)


@given(g=arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3)),
       max_norm=st.floats(1e-3, 10.0), norm_type=st.sampled_from([1.0, 2.0, 2.5, math.inf]))
def test_clipped_norm_never_exceeds_max_norm(g, max_norm, norm_type):
    params = _params(g[: len(g) // 2], g[len(g) // 2:])
    total = clip_grad_norm_(params, max_norm, norm_type)
    if norm_type == math.inf:
        ref = float(np.max(np.abs(g)))
    else:
        ref = float(np.sum(np.abs(g) ** norm_type) ** (1 / norm_type))
    assert total == pytest.approx(ref, rel=1e-9, abs=1e-12)
    after = np.concatenate([p.grad.data for p in params])
    if norm_type == math.inf:
        new = np.max(np.abs(after))
    else:
        new = np.sum(np.abs(after) ** norm_type) ** (1 / norm_type)
    assert new <= max_norm * (1 + 1e-9)
    if max_norm / (total + 1e-6) >= 1:  # PyTorch's rule: scale only when this is < 1
        np.testing.assert_array_equal(after, g)


def test_shared_gradient_is_clipped_once_and_not_mutated():
    p1, p2 = _params([3.0, 4.0], [0.0, 0.0])
    shared = p1.grad
    p2.grad = shared  # the engine may hand one gradient Variable to two leaves
    original = shared.data.copy()
    total = clip_grad_norm_([p1, p2], 1.0)
    assert total == pytest.approx(math.sqrt(50))
    coef = 1.0 / (math.sqrt(50) + 1e-6)
    np.testing.assert_allclose(p1.grad.data, original * coef)
    np.testing.assert_allclose(p2.grad.data, original * coef)
    np.testing.assert_array_equal(shared.data, original)


def test_accepts_single_parameter_generator_and_skips_missing_grads():
    (p,) = _params([6.0, 8.0])
    assert clip_grad_norm_(p, 5.0) == pytest.approx(10.0)
    q = Parameter(np.ones(2))
    assert clip_grad_norm_((x for x in [q]), 1.0) == 0.0
    assert q.grad is None


def test_float32_stays_float32():
    params = _params([30.0, 40.0], dtype=np.float32)
    clip_grad_norm_(params, 1.0)
    clip_grad_value_(params, 0.1)
    assert params[0].grad.data.dtype == np.float32


def test_nonfinite_norm():
    params = _params([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    with np.errstate(invalid="ignore"):  # inf * 0 -> nan, as in PyTorch
        assert clip_grad_norm_(params, 1.0) == math.inf


def test_clip_value():
    params = _params([-3.0, 0.5, 2.0], [[0.1, -0.2]])
    clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.data, [-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(params[1].grad.data, [[0.1, -0.2]])


@pytest.mark.parametrize("call,match", [
    (lambda ps: clip_grad_norm_(ps, -1.0), "max_norm"),
    (lambda ps: clip_grad_norm_(ps, 1.0, norm_type=math.nan), "norm_type"),
    (lambda ps: clip_grad_value_(ps, -1.0), "clip_value"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(_params([1.0]))


@pytest.mark.parametrize("kwargs", [dict(norm_type="fro"), dict(max_norm="a")])
def test_arguments_that_are_no_numbers_are_named(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(TypeError, match=f"clip_grad_norm_: {name} must be a number"):
        clip_grad_norm_(_params([1.0]), **dict(dict(max_norm=1.0), **kwargs))
    assert clip_grad_norm_(_params([3.0]), 1.0, norm_type="inf") == 3.0  # (float('inf'))


def test_norm_type_0_and_foreach_as_pytorch():
    torch = pytest.importorskip("torch")
    grads = [np.array([0.0, 1.0, -2.0, 0.0]), np.array([3.0, 0.0]), np.zeros(3)]
    ours = [Parameter(np.ones(g.shape)) for g in grads]
    theirs = [torch.nn.Parameter(torch.ones(g.shape, dtype=torch.float64)) for g in grads]
    for p, t, g in zip(ours, theirs, grads):
        p.grad, t.grad = Variable(g.copy()), torch.tensor(g)
    total = clip_grad_norm_(ours, 1.5, norm_type=0, foreach=True)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type=0, foreach=True)
    assert total == float(expected) == 2.0  # two gradients have a non-zero entry
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="foreach must be None, True or False"):
        clip_grad_norm_(ours, 1.0, foreach="yes")


@pytest.mark.parametrize("norm_type", [-math.inf, -2.0, -1.0, -0.5])
@pytest.mark.parametrize("grads", [([3.0, -0.5], [2.0]), ([3.0, -0.5], [2.0, 0.0]),
                                   ([0.25], [[-4.0, 1.5]])])
@pytest.mark.parametrize("max_norm", [0.1, 1.0])
def test_negative_norm_types_as_pytorch(norm_type, grads, max_norm):
    torch = pytest.importorskip("torch")
    ours = _params(*grads)
    theirs = [torch.nn.Parameter(torch.zeros(np.shape(g), dtype=torch.float64)) for g in grads]
    for t, g in zip(theirs, grads):
        t.grad = torch.tensor(g, dtype=torch.float64)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = float(torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type))
    assert total == pytest.approx(expected, rel=1e-12)  # (0 where an entry is 0)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)


def test_a_negative_norm_of_an_empty_gradient_is_refused_as_pytorch_refuses_it():
    with pytest.raises(ValueError, match=r"clip_grad_norm_: the -inf-norm of an empty"):
        clip_grad_norm_(_params([1.0], np.zeros(0)), 1.0, norm_type=-math.inf)
