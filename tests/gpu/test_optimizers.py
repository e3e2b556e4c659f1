"""Optimizers on CuPy arrays (runs only where CuPy sees a GPU)."""
import numpy as np
import pytest

import optim
from autograd import Parameter, Variable
from autograd.backend import is_available
from tests.optim._helpers import X0, quad_grad

cp = pytest.importorskip("cupy")
pytestmark = pytest.mark.skipif(not is_available(), reason="CuPy has no usable GPU")


def _steps(opt, params, n):
    xp = cp if isinstance(params[0].data, cp.ndarray) else np
    for _ in range(n):
        for p in params:
            g = quad_grad(cp.asnumpy(p.data) if xp is cp else p.data)
            p.grad = Variable(xp.asarray(g, dtype=p.data.dtype), requires_grad=False)
        opt.step()


@pytest.mark.parametrize("cls,hp", [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.SGD, dict(lr=0.1)), (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3)),
    (optim.Adam, dict(lr=0.05, amsgrad=True)), (optim.AdamW, dict(lr=0.05)),
    (optim.Adam, dict(lr=0.05)), (optim.Adam, dict(lr=0.05, betas=(0.2, 0.99))),
    (optim.RMSprop, dict(centered=True, momentum=0.5)), (optim.Adagrad, dict(lr=0.1)),
    (optim.Adadelta, dict()), (optim.Adamax, dict()), (optim.NAdam, dict()),
    (optim.RAdam, dict()), (optim.ASGD, dict(lr=0.05)), (optim.Rprop, dict()),
    (optim.Lion, dict(lr=0.01)), (optim.Adafactor, dict(lr=0.01))],
    ids=lambda v: v.__name__ if isinstance(v, type) else "")
def test_gpu_matches_cpu_and_state_follows_the_param(cls, hp):
    cpu = [Parameter(x.copy()) for x in X0]
    gpu = [Parameter(cp.asarray(x)) for x in X0]
    opt_cpu, opt_gpu = cls(cpu, **hp), cls(gpu, **hp)
    _steps(opt_cpu, cpu, 3)
    _steps(opt_gpu, gpu, 3)
    for a, b in zip(cpu, gpu):
        np.testing.assert_allclose(a.data, cp.asnumpy(b.data), rtol=1e-10, atol=1e-12)
        assert all(not hasattr(v, "shape") or isinstance(v, cp.ndarray)
                   for v in opt_gpu.state[b].values())
    for p in cpu:  # move the model to the GPU mid-training: the state follows
        p.data = cp.asarray(p.data)
    _steps(opt_cpu, cpu, 2)
    _steps(opt_gpu, gpu, 2)
    for a, b in zip(cpu, gpu):
        np.testing.assert_allclose(cp.asnumpy(a.data), cp.asnumpy(b.data), rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_s_kernel_keeps_the_edges_the_cpu_keeps(dtype):
    """beta1 = 0: m is the latest gradient exactly, however large the one before (a one-sided
    m + (g - m) cancelled it to 0); a gradient whose square overflows while (1 - beta2) g^2
    fits leaves a finite average (g g first made it inf and froze the parameter)."""
    big = 3e19 if dtype is np.float32 else 3e154
    grads = [np.array([1e15 if dtype is np.float32 else 1e100, big], dtype),
             np.array([1e-3, big], dtype)]
    for beta1 in (0.0, 0.9):
        cpu, gpu = Parameter(np.ones(2, dtype)), Parameter(cp.ones(2, dtype))
        opts = [optim.Adam([p], lr=0.1, betas=(beta1, 0.999)) for p in (cpu, gpu)]
        for g in grads:
            cpu.grad, gpu.grad = Variable(g.copy()), Variable(cp.asarray(g))
            for opt in opts:
                opt.step()
        state_cpu, state_gpu = opts[0].state[cpu], opts[1].state[gpu]
        for key in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_array_equal(cp.asnumpy(state_gpu[key]), state_cpu[key])
        np.testing.assert_array_equal(cp.asnumpy(gpu.data), cpu.data)
        assert np.isfinite(cpu.data).all() and np.isfinite(state_cpu["exp_avg_sq"]).all()
        if beta1 == 0.0:
            assert state_cpu["exp_avg"][0] == dtype(1e-3)


def test_clip_on_gpu():
    p = Parameter(cp.zeros(2))
    p.grad = Variable(cp.asarray([3.0, 4.0]), requires_grad=False)
    assert optim.clip_grad_norm_([p], 1.0) == pytest.approx(5.0)
    assert isinstance(p.grad.data, cp.ndarray)


def _lbfgs(move):
    p = Parameter(move(X0[0].copy()))
    opt = optim.LBFGS([p], lr=1, max_iter=5, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (p * p).sum() + (p * move(np.arange(4.0))).sum()
        loss.backward()
        return loss
    for _ in range(3):
        opt.step(closure)
    return cp.asnumpy(p.data) if move is cp.asarray else p.data


def test_lbfgs_on_gpu_matches_cpu():
    np.testing.assert_allclose(_lbfgs(cp.asarray), _lbfgs(lambda a: a), rtol=1e-10,
                               atol=1e-12)
