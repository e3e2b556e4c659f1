"""LBFGS: PyTorch's trajectories and state, resuming, refusals, and a fit to the optimum."""
import numpy as np
import pytest

import autograd
import nn
import optim
from autograd import Parameter
from optim.strong_wolfe import cubic_minimum

from ._helpers import X0, A, B

torch = pytest.importorskip("torch")


def _quadratic(params, xp):
    """0.5 x^T A x - b^T x summed over the rows of both parameters (x0 (4,) and x1 (2, 2)
    read as a row of 4): several parameters of different shapes, one flat vector."""
    if xp is torch:
        a, b = torch.tensor(A, dtype=params[0].dtype), torch.tensor(B, dtype=params[0].dtype)
    else:
        a, b = A.astype(params[0].dtype), B.astype(params[0].dtype)
    total = 0
    for p in params:
        row = p.reshape(4) if xp is torch else autograd.reshape(p, (4,))
        total = total + 0.5 * (row @ a @ row) - b @ row
    return total


def _rosenbrock(params, xp):
    x = params[0]
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] * x[0]) ** 2


STARTS = {_quadratic: [X0[0], X0[1].reshape(2, 2)], _rosenbrock: [np.array([-1.5, 2.0])]}


def _ours(problem, steps, dtype=np.float64, **options):
    params = [Parameter(x.astype(dtype)) for x in STARTS[problem]]
    opt = optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = problem(params, autograd)
        loss.backward()
        return loss
    losses = [float(opt.step(closure).data) for _ in range(steps)]
    return params, opt, losses


def _theirs(problem, steps, dtype=np.float64, **options):
    params = [torch.tensor(x.astype(dtype), requires_grad=True) for x in STARTS[problem]]
    opt = torch.optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = problem(params, torch)
        loss.backward()
        return loss
    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    return params, opt, losses


CASES = [
    (_quadratic, dict(lr=0.1)),
    (_quadratic, dict(lr=0.05, history_size=2, max_iter=6)),
    (_quadratic, dict(line_search_fn="strong_wolfe")),
    (_rosenbrock, dict(lr=0.001, max_iter=30)),
    (_rosenbrock, dict(line_search_fn="strong_wolfe")),
    (_rosenbrock, dict(line_search_fn="strong_wolfe", history_size=3, max_eval=9)),
]


@pytest.mark.parametrize("problem, options", CASES,
                         ids=[f"{p.__name__[1:]}-{o}" for p, o in CASES])
def test_trajectory_and_state_match_pytorch(problem, options):
    ours, opt, losses = _ours(problem, 4, **options)
    theirs, topt, tlosses = _theirs(problem, 4, **options)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-7)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-7, atol=1e-10)
    state, tstate = opt.state[ours[0]], topt.state[theirs[0]]
    assert set(state) <= set(tstate) and {"d", "t", "old_dirs", "H_diag"} <= set(state)
    for key in ("func_evals", "n_iter"):
        assert state[key] == tstate[key]
    assert len(state["old_dirs"]) == len(tstate["old_dirs"])
    np.testing.assert_allclose(state["d"], tstate["d"].numpy(), rtol=1e-6, atol=1e-12)
    assert opt.param_groups[0].keys() == topt.param_groups[0].keys()


def test_float32_stays_float32_and_follows_pytorch():
    options = dict(line_search_fn="strong_wolfe")
    params, opt, losses = _ours(_quadratic, 3, np.float32, **options)
    _, _, tlosses = _theirs(_quadratic, 3, np.float32, **options)
    assert all(p.data.dtype == np.float32 for p in params)
    assert opt.state[params[0]]["d"].dtype == np.float32
    np.testing.assert_allclose(losses, tlosses, rtol=1e-5)


def test_resuming_from_a_saved_state_dict_is_the_uninterrupted_run(tmp_path):
    options = dict(lr=0.05, history_size=3, max_iter=5)
    whole, _, _ = _ours(_quadratic, 4, **options)
    params, opt, _ = _ours(_quadratic, 2, **options)
    nn.save(opt.state_dict(), tmp_path / "lbfgs.ckpt")
    resumed = optim.LBFGS(params, **options)
    resumed.load_state_dict(nn.load(tmp_path / "lbfgs.ckpt"))

    def closure():
        resumed.zero_grad()
        loss = _quadratic(params, autograd)
        loss.backward()
        return loss
    for _ in range(2):
        resumed.step(closure)
    for p, q in zip(params, whole):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_pytorch_state_dict_loads_and_continues_as_pytorch_does():
    options = dict(line_search_fn="strong_wolfe", history_size=4)
    theirs, topt, _ = _theirs(_rosenbrock, 2, **options)
    params = [Parameter(q.detach().numpy().copy()) for q in theirs]
    opt = optim.LBFGS(params, **options)
    opt.load_state_dict(topt.state_dict())

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(params, autograd)
        loss.backward()
        return loss

    def tclosure():
        topt.zero_grad()
        loss = _rosenbrock(theirs, torch)
        loss.backward()
        return loss
    opt.step(closure)
    topt.step(tclosure)
    np.testing.assert_allclose(params[0].data, theirs[0].detach().numpy(), rtol=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_least_squares_reaches_the_normal_equations_solution(seed):
    """A full-batch fit, as LBFGS is used: nn.Linear on noisy linear data converges to the
    exact least-squares weights in a few steps."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 5))
    y = x @ rng.normal(size=(5, 1)) + 0.3 + 0.1 * rng.normal(size=(200, 1))
    model = nn.Linear(5, 1, dtype=np.float64)
    opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe", tolerance_grad=1e-12,
                      tolerance_change=1e-15)

    def closure():
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss
    for _ in range(3):
        opt.step(closure)
    design = np.hstack([x, np.ones((200, 1))])
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.weight.data.ravel(), best[:5, 0], atol=1e-8)
    np.testing.assert_allclose(model.bias.data, best[5], atol=1e-8)


def test_a_parameter_without_gradient_counts_as_zero_and_stays():
    used, unused = Parameter(np.array([3.0])), Parameter(np.array([5.0]))
    opt = optim.LBFGS([used, unused], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (used * used).sum()
        loss.backward()
        return loss
    opt.step(closure)
    assert abs(used.data[0]) < 1e-6 and unused.data[0] == 5.0


def test_refusals_name_what_is_wrong():
    p = Parameter(np.zeros(2))
    with pytest.raises(TypeError, match="LBFGS: step\\(\\) needs a closure"):
        optim.LBFGS([p]).step()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [p]}, {"params": [Parameter(np.zeros(1))]}])
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe'"):
        optim.LBFGS([p], line_search_fn="backtracking")
    for name in ("max_iter", "history_size", "max_eval"):
        with pytest.raises(ValueError, match=f"LBFGS: {name} must be a positive integer"):
            optim.LBFGS([p], **{name: 0})
    with pytest.raises(ValueError, match="tolerance_grad must be a number >= 0"):
        optim.LBFGS([p], tolerance_grad=-1.0)
    with pytest.raises(RuntimeError, match="no parameters"):
        optim.LBFGS(lr=1).step(lambda: 0.0)


def test_a_captured_step_is_refused():
    p = Parameter(np.ones(2))
    opt = optim.LBFGS([p])

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    @autograd.capture
    def train_step():
        opt.step(closure)
    with pytest.raises(RuntimeError, match="LBFGS: autograd.capture cannot replay"):
        train_step()


def test_cubic_minimum_is_the_minimizer_of_the_interpolating_cubic():
    # f(x) = (x - 1)^3 - 3 (x - 1): f(0) = 2, f'(0) = 0 ... a cubic through (0, f, f'),
    # (3, f, f') whose local minimum is x = 2
    f = lambda x: (x - 1) ** 3 - 3 * (x - 1)  # noqa: E731
    df = lambda x: 3 * (x - 1) ** 2 - 3  # noqa: E731
    assert cubic_minimum(0.5, f(0.5), df(0.5), 3.0, f(3.0), df(3.0)) == pytest.approx(2.0)
    assert cubic_minimum(0.5, f(0.5), df(0.5), 3.0, f(3.0), df(3.0), (0.0, 1.5)) == 1.5


def test_a_gradient_of_the_wrong_shape_is_refused_not_shifted_onto_the_next_parameter():
    p, q = Parameter(np.zeros(2)), Parameter(np.zeros(1))
    opt = optim.LBFGS([q, p])

    def closure():
        q.grad = np.array([1.0, 5.0])  # (set by hand, wrongly)
        p.grad = np.zeros(2)
        return 0.0
    with pytest.raises(ValueError, match="LBFGS: the gradient of parameter of shape \\(1,\\) "
                                         "has shape \\(2,\\)"):
        opt.step(closure)


def test_parameters_bound_after_a_step_are_refused_by_name():
    p = Parameter(np.ones(2))
    opt = optim.LBFGS([p])

    def closure():
        opt.zero_grad()
        loss = sum((q * q).sum() for q in opt.param_groups[0]["params"])
        loss.backward()
        return loss
    opt.step(closure)
    opt.bind([Parameter(np.ones(3))])
    with pytest.raises(RuntimeError, match="LBFGS: the parameters hold 5 numbers, 2 at the "
                                           "last step"):
        opt.step(closure)


def test_a_state_resumed_from_pytorch_is_saved_again(tmp_path):
    theirs, topt, _ = _theirs(_rosenbrock, 2, line_search_fn="strong_wolfe")
    params = [Parameter(q.detach().numpy().copy()) for q in theirs]
    opt = optim.LBFGS(params, line_search_fn="strong_wolfe")
    opt.load_state_dict(topt.state_dict())  # (its scratch list "al" holds tensors)
    nn.save(opt.state_dict(), tmp_path / "resumed.ckpt")
    assert "al" not in nn.load(tmp_path / "resumed.ckpt")["state"][0]


def test_a_tensor_learning_rate_is_taken_as_pytorch_takes_it():
    torch = pytest.importorskip("torch")
    results = []
    for lr in (torch.tensor(0.5), np.array(0.5), 0.5):
        p = Parameter(np.array([1.0, -2.0]))
        opt = optim.LBFGS([p], lr=lr)

        def closure(opt=opt, p=p):
            opt.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        assert isinstance(opt.state[p]["t"], float)
        results.append(p.data.copy())
    np.testing.assert_array_equal(results[0], results[2])
    np.testing.assert_array_equal(results[1], results[2])
