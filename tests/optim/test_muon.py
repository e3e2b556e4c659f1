"""optim.Muon: PyTorch's trajectories (when installed; literal values of PyTorch 2.13's
otherwise too), its checks, its state dict, and what it trains."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import optim
from autograd import Parameter, Variable
from nn import functional as F
from optim.muon import orthogonalize, round_to_bfloat16

W0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
TARGET = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 1.0]])

# torch.optim.Muon's weights after 3 steps on the gradient w - target (PyTorch 2.13)
TORCH_DEFAULTS_LR_01 = [[0.513900505859375, -0.8705124375000001, 1.7043281953124998],
                        [1.3262820351562499, 0.40967400781249996, -0.5985753046874998]]
TORCH_TALL_PLAIN_RMS = [[0.5103855390219462, 1.4555485398213768],
                        [-0.9650883509099399, 0.30629165124598845],
                        [1.916239105477724, -0.7050072739440115]]


def _steps(opt, p, target, steps=3):
    for _ in range(steps):
        p.grad = p.data - target
        opt.step()
    return p.data


@pytest.mark.parametrize("transpose,hp,expected", [
    (False, {}, TORCH_DEFAULTS_LR_01),
    (True, dict(nesterov=False, weight_decay=0.0, adjust_lr_fn="match_rms_adamw"),
     TORCH_TALL_PLAIN_RMS)])
def test_steps_give_pytorch_s_weights(transpose, hp, expected):
    w0, target = (W0.T.copy(), TARGET.T.copy()) if transpose else (W0, TARGET)
    p = Parameter(w0.copy())
    np.testing.assert_allclose(_steps(optim.Muon([p], lr=0.1, **hp), p, target), expected,
                               rtol=1e-13, atol=1e-15)


def _tanh_grad(w, target):
    """The gradient of 0.5 ||tanh(w) - target||^2: a nonlinear problem, so errors grow."""
    return (np.tanh(w) - target) * (1 - np.tanh(w) ** 2)


TORCH_CASES = [((3, 5), {}), ((6, 4), dict(nesterov=False, weight_decay=0.3)),
               ((8, 8), dict(adjust_lr_fn="match_rms_adamw", momentum=0.3)),
               ((32, 16), dict(lr=0.02, ns_steps=3, eps=1e-3)),
               ((5, 7), dict(ns_coefficients=(2.0, -1.5, 0.5), adjust_lr_fn="original"))]


@pytest.mark.parametrize("dtype,atol", [(np.float64, 1e-14), (np.float32, 1e-6)])
@pytest.mark.parametrize("shape,hp", TORCH_CASES, ids=[str(c[0]) for c in TORCH_CASES])
def test_trajectory_matches_torch(shape, hp, dtype, atol):
    """Over 8 steps; PyTorch's iteration runs in bfloat16, so without its rounding the
    float32 weights would differ by ~1e-3 (float32's own rounding gives 1 ulp)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal(shape).astype(dtype)
    target = rng.uniform(-0.9, 0.9, shape).astype(dtype)
    hp = {"lr": 0.05, **hp}
    p, tp = Parameter(w0.copy()), torch.tensor(w0.copy(), requires_grad=True)
    ours, theirs = optim.Muon([p], **hp), torch.optim.Muon([tp], **hp)
    for _ in range(8):
        p.grad = _tanh_grad(p.data, target)
        tp.grad = torch.from_numpy(_tanh_grad(tp.detach().numpy(), target))
        ours.step()
        theirs.step()
        assert p.data.dtype == dtype
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=0, atol=atol)
    np.testing.assert_allclose(ours.state[p]["momentum_buffer"],
                               theirs.state[tp]["momentum_buffer"].numpy(), atol=atol)


def test_a_pytorch_state_dict_resumes_here():
    torch = pytest.importorskip("torch")
    tp = torch.tensor(W0.copy(), requires_grad=True)
    theirs = torch.optim.Muon([tp], lr=0.1, momentum=0.8)
    for _ in range(2):
        tp.grad = tp.detach() - torch.from_numpy(TARGET)
        theirs.step()
    p = Parameter(tp.detach().numpy().copy())
    ours = optim.Muon([p])
    ours.load_state_dict(theirs.state_dict())
    assert ours.param_groups[0]["momentum"] == 0.8
    for _ in range(2):
        tp.grad = tp.detach() - torch.from_numpy(TARGET)
        theirs.step()
    np.testing.assert_allclose(_steps(ours, p, TARGET, 2), tp.detach().numpy(), atol=1e-14)


# ----- the iteration itself -----
@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2 ** 31 - 1))
def test_orthogonalize_brings_every_singular_value_near_one(m, n, seed):
    """Keller Jordan's coefficients leave singular values in about [0.5, 1.5] (5 steps; a
    singular value below ~1e-3 of the largest has no time to grow, so it is kept away)."""
    rng = np.random.default_rng(seed)
    k = min(m, n)
    u, _ = np.linalg.qr(rng.standard_normal((m, k)))
    v, _ = np.linalg.qr(rng.standard_normal((n, k)))
    g = (u * rng.uniform(0.05, 1.0, k)) @ v.T
    singular = np.linalg.svd(orthogonalize(np, g), compute_uv=False)
    assert singular.min() > 0.5 and singular.max() < 1.5
    np.testing.assert_allclose(orthogonalize(np, g.T), orthogonalize(np, g).T, atol=1e-12)


def test_bfloat16_rounding_is_to_nearest_even_overflows_to_inf_and_keeps_nan():
    x = np.array([1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -3.4e38,
                  np.inf, np.nan], dtype=np.float32)
    rounded = round_to_bfloat16(np, x)
    np.testing.assert_array_equal(rounded[:4], [1.0, 1.0, 1 + 2 ** -6, 1 + 2 ** -7])
    assert rounded[4] == -np.inf and rounded[5] == np.inf and np.isnan(rounded[6])


def test_a_zero_gradient_moves_only_by_weight_decay():
    p = Parameter(W0.copy())
    opt = optim.Muon([p], lr=0.1, weight_decay=0.5)
    p.grad = np.zeros_like(W0)
    opt.step()
    np.testing.assert_allclose(p.data, W0 * (1 - 0.1 * 0.5))


# ----- what is refused -----
@pytest.mark.parametrize("shape", [(3,), (), (2, 3, 4)])
def test_parameters_that_are_not_matrices_are_refused_by_shape(shape):
    bad = Parameter(np.zeros(shape))
    with pytest.raises(ValueError, match=re.escape(
            f"Muon only supports 2D parameters, got parameter of shape {shape}")):
        optim.Muon([Parameter(np.zeros((2, 2))), bad])
    opt = optim.Muon([Parameter(np.zeros((2, 2)))])
    with pytest.raises(ValueError, match="only supports 2D parameters"):
        opt.add_param_group({"params": [bad]})
    assert len(opt.param_groups) == 1  # (the refused group is not kept)
    with pytest.raises(ValueError, match="only supports 2D parameters"):
        optim.Muon(lr=0.1).bind([bad])


@pytest.mark.parametrize("hp,words", [
    (dict(lr=-1.0), "lr must be a number >= 0"),
    (dict(momentum=-0.5), "momentum must be a number >= 0"),
    (dict(weight_decay=-0.1), "weight_decay must be a number >= 0"),
    (dict(adjust_lr_fn="spectral"), "adjust_lr_fn must be one of"),
    (dict(ns_steps=100), r"ns_steps must be an integer in \[0, 100\)"),
    (dict(ns_steps=2.5), "ns_steps must be an integer"),
    (dict(ns_coefficients=(1.0, 2.0)), "the Newton-Schulz coefficients must be three"),
])
def test_bad_settings_are_refused_by_name(hp, words):
    with pytest.raises(ValueError, match=f"Muon: {words}"):
        optim.Muon([Parameter(np.zeros((2, 2)))], **hp)


# ----- saving and resuming -----
def test_state_dict_round_trip_resumes_the_same_trajectory():
    straight, first = Parameter(W0.copy()), Parameter(W0.copy())
    expected = _steps(optim.Muon([straight], lr=0.1, momentum=0.9), straight, TARGET, 6)
    opt = optim.Muon([first], lr=0.1, momentum=0.9)
    _steps(opt, first, TARGET, 3)
    saved = opt.state_dict()
    assert list(saved["state"][0]) == ["momentum_buffer"]
    second = Parameter(first.data.copy())
    resumed = optim.Muon([second])
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["momentum"] == 0.9
    np.testing.assert_array_equal(_steps(resumed, second, TARGET, 3), expected)


def test_an_adam_state_dict_is_refused():
    adam = optim.Adam([Parameter(W0.copy())])
    adam.param_groups[0]["params"][0].grad = np.ones_like(W0)
    adam.step()
    with pytest.raises(ValueError, match="saved by another optimizer"):
        optim.Muon([Parameter(W0.copy())]).load_state_dict(adam.state_dict())


# ----- training -----
def _fitted_loss_ratio(seed, steps=150):
    """A bias-free tanh MLP fitted to a random teacher by full-batch Muon steps (cosine
    learning rate); the final MSE over the first."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((128, 8)).astype(np.float32)
    teacher = rng.standard_normal((8, 16)).astype(np.float32) / np.sqrt(8)
    y = np.tanh(x @ teacher) @ (rng.standard_normal((16, 2)).astype(np.float32) / 4)
    np.random.seed(seed)
    model = nn.Sequential(nn.Linear(8, 32, bias=False), nn.Lambda(F.tanh),
                          nn.Linear(32, 2, bias=False))
    opt = optim.Muon(model.parameters(), lr=0.02, weight_decay=0.0)
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    x, y = Variable(x), Variable(y)
    first = float(F.mse_loss(model(x), y).data)
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        opt.step()
        schedule.step()
    assert model[0].weight.data.dtype == np.float32
    return float(F.mse_loss(model(x), y).data) / first


@pytest.mark.parametrize("seed", range(4))
def test_it_fits_a_teacher_network(seed):
    # seeds 0-19 end at 0.4-0.9% of the first loss (SGD with the same lr and Nesterov
    # momentum, seeds 0-7: 2-7%)
    assert _fitted_loss_ratio(seed) < 0.03
