"""Cases a differential fuzz against torch.optim found, with PyTorch's values as literals."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from autograd import Parameter, Variable
from optim.lerp import lerp_


def _steps(opt_class, grads, **hyper):
    """The parameter (ones) and its state after one step per gradient."""
    p = Parameter(np.ones(2))
    opt = opt_class([p], **hyper)
    for g in grads:
        p.grad = Variable(np.array(g), requires_grad=False)
        opt.step()
    return p.data, opt.state[p]


# A huge gradient, then a small one: a running average updated with weight 1 (beta1 = 0,
# alpha = 0, beta2_decay = 0) must hold the small one exactly, as PyTorch's lerp_ gives;
# start + 1 * (end - start) cancelled it to 0.
HUGE_THEN_SMALL = [[1e30, 1e30], [-1.0, 2.0]]


def test_adam_first_moment_with_beta1_zero_is_the_gradient():
    w, state = _steps(optim.Adam, HUGE_THEN_SMALL, lr=0.1, betas=(0.0, 0.999))
    np.testing.assert_array_equal(state["exp_avg"], [-1.0, 2.0])  # torch: [-1., 2.]
    np.testing.assert_allclose(w, [0.9, 0.9], rtol=1e-12)


def test_adamax_first_moment_with_beta1_zero_is_the_gradient():
    _, state = _steps(optim.Adamax, HUGE_THEN_SMALL, lr=0.1, betas=(0.0, 0.999))
    np.testing.assert_array_equal(state["exp_avg"], [-1.0, 2.0])  # torch: [-1., 2.]


def test_centered_rmsprop_grad_avg_with_alpha_zero_is_the_gradient():
    _, state = _steps(optim.RMSprop, HUGE_THEN_SMALL, lr=0.1, alpha=0.0, centered=True)
    np.testing.assert_array_equal(state["grad_avg"], [-1.0, 2.0])  # torch: [-1., 2.]


def test_adafactor_variance_with_beta2_decay_zero_is_the_squared_gradient():
    w, state = _steps(optim.Adafactor, [[1e20, 1e20], [-1.0, 2.0]], lr=0.1, beta2_decay=0.0)
    np.testing.assert_array_equal(state["variance"], [1.0, 4.0])  # torch: [1., 4.]
    np.testing.assert_allclose(w, [0.99, 0.81], rtol=1e-12)       # torch: [0.99, 0.81]


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(0.0, 1.0))
def test_lerp_is_exact_at_both_ends_and_between_them(start, end, weight):
    a = np.array([start])
    lerp_(np, a, np.array([end]), weight)
    if weight == 0.0:
        assert a[0] == start
    elif weight == 1.0:
        assert a[0] == end
    else:
        assert min(start, end) - 1e-9 * abs(end - start) <= a[0]
        assert a[0] <= max(start, end) + 1e-9 * abs(end - start)
        assert a[0] == pytest.approx(start + weight * (end - start), rel=1e-9, abs=1e-6)


def _clipped(grads, **kwargs):
    """(total norm, clipped gradients) of clip_grad_norm_ on parameters with these grads."""
    params = []
    for g in grads:
        p = Parameter(np.zeros(np.shape(g)))
        p.grad = Variable(np.array(g, dtype=np.float64), requires_grad=False)
        params.append(p)
    total = optim.clip_grad_norm_(params, **kwargs)
    return float(total), [p.grad.data for p in params]


@pytest.mark.parametrize("g,max_norm,norm_type,clipped", [
    (1e200, 1.0, 2.0, 1.0),      # torch: norm 1e200, grad 1.0 (|g|^2 overflowed: all zeroed)
    (-1e200, 2.0, 3.0, -2.0),    # torch: norm 1e200, grad -2.0
    (1e-200, 1.0, 2.0, 1e-200),  # torch: norm 1e-200 (|g|^2 underflowed to a norm of 0)
])
def test_clip_grad_norm_of_one_entry_is_its_absolute_value(g, max_norm, norm_type, clipped):
    total, (grad,) = _clipped([g], max_norm=max_norm, norm_type=norm_type)
    assert total == abs(g)
    np.testing.assert_allclose(grad, clipped, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's overflow warnings)
def test_clip_grad_norm_whose_total_overflows_is_inf_not_an_error():
    total, grads = _clipped([1e200, [1.0, 2.0]], max_norm=1.0)  # torch: inf, grads zeroed
    assert total == np.inf
    np.testing.assert_array_equal(grads[1], [0.0, 0.0])
    total, grads = _clipped([1e200, [1.0, 2.0]], max_norm=1.0, norm_type=np.inf)
    assert total == 1e200                                       # torch: 1e200, [1e-200, 2e-200]
    np.testing.assert_allclose(grads[1], [1e-200, 2e-200], rtol=1e-12)


def _trajectory(opt_class, dtype, grads, **hyper):
    """As _steps, in `dtype`."""
    p = Parameter(np.array([0.5, 0.5], dtype=dtype))
    opt = opt_class([p], **hyper)
    for g in grads:
        p.grad = Variable(np.array(g, dtype=dtype), requires_grad=False)
        opt.step()
    return p.data, opt.state[p]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's overflow warnings)
def test_adam_second_moment_of_a_huge_gradient_stays_finite():
    # (1 - beta2) * g * g fits float32 where g * g does not: PyTorch's addcmul order
    w, state = _trajectory(optim.Adam, np.float32, [[1e20, 1.0]], lr=0.1)
    np.testing.assert_allclose(state["exp_avg_sq"], [1e37, 1e-3], rtol=1e-6)  # torch
    np.testing.assert_allclose(w, [0.4, 0.4], rtol=1e-6)  # torch (was frozen at 0.5)
    w, _ = _trajectory(optim.Adam, np.float64, [[1e155, 1.0], [1.0, 1.0], [-1.0, 1.0],
                                                [1.0, 1.0]], lr=0.1)
    np.testing.assert_allclose(w, [0.23877059382185967, 0.10000000400000121], rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's overflow warnings)
def test_rmsprop_square_avg_of_a_huge_gradient_stays_finite():
    w, state = _trajectory(optim.RMSprop, np.float32, [[1e20, 1.0], [1.0, 1.0]], lr=0.1)
    np.testing.assert_allclose(state["square_avg"], [9.899999e37, 1.99e-2], rtol=1e-6)
    np.testing.assert_allclose(w, [-0.5, -1.2088811], rtol=1e-6)  # torch


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's overflow warnings)
@pytest.mark.parametrize("dtype,huge", [(np.float32, -7.661909e29), (np.float64, -1e200)])
def test_centered_rmsprop_with_an_overflowed_square_avg_takes_no_step(dtype, huge):
    # square_avg is inf: PyTorch's v - a*a (fused) is inf, so no step; inf - inf gave NaN
    w, state = _trajectory(optim.RMSprop, dtype, [[-2.0, 1.0], [huge, 1.0]], lr=0.1,
                           centered=True, alpha=0.5)
    assert state["square_avg"][0] == np.inf
    np.testing.assert_allclose(w, [0.7, 0.0690599016574828], rtol=1e-6)  # torch


# torch.optim.Muon(lr=0.1, weight_decay=0, ns_steps=2), one step from zeros (PyTorch 2.13)
TORCH_MUON_SMALL = [[2.7008056640624999e-04, 2.5367736816406251e-05, 1.4419555664062502e-04],
                    [8.3923339843750000e-05, 6.2179565429687503e-05, 3.7193298339843750e-05]]


def _muon_step(g, **hyper):
    p = Parameter(np.zeros(np.shape(g)))
    opt = optim.Muon([p], lr=0.1, weight_decay=0.0, **hyper)
    p.grad = Variable(np.array(g), requires_grad=False)
    opt.step()
    return p.data


def test_muon_floors_a_small_norm_at_eps_rounded_to_bfloat16():
    # ||g|| < eps: PyTorch divides by clamp(min=eps) of a bfloat16 norm, a bfloat16 eps
    w = _muon_step(np.array([[-2.33, -0.22, -1.25], [-0.73, -0.54, -0.32]]) * 1e-10, ns_steps=2)
    np.testing.assert_allclose(w, TORCH_MUON_SMALL, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's overflow warnings)
def test_muon_orthogonalizes_a_huge_one_entry_gradient():
    np.testing.assert_allclose(_muon_step([[3e25]]), [[-0.06875]], rtol=1e-12)  # torch
