"""Every Function of autograd.ops and nn.functional on CuPy arrays: forward outputs and
first-order input gradients agree with NumPy's on examples drawn from the Function's own
specs, and stay on the GPU (an op drawing random numbers: the same shapes, and the same
values when its seeded draw runs again). Runs only where CuPy sees a GPU."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Variable, cuda
from autograd.arguments import as_list
from autograd.engine import grad
from autograd.testing.discovery import functions_in
from autograd.testing.drawing import examples
from autograd.testing.function_check import _applier, spec_status

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")

FUNCTIONS = [cls for package in ("autograd.ops", "nn.functional")
             for cls in functions_in(package) if spec_status(cls) == "spec"]

# GPU math libraries round differently (a few ulps, sums in another order); a wrong kernel
# is off by far more
TOLERANCE = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 2e-3,
             np.dtype(np.float16): 2e-2}


def _on(move, value):
    return move(value) if isinstance(value, np.ndarray) else value


def _run(cls, example, move):
    """(outputs, gradients) of cls on the example's arrays put where `move` puts them."""
    apply = _applier(cls)
    args = {k: _on(move, v) for k, v in example.args.items()}
    xs = [Variable(move(a.copy()), requires_grad=a.dtype.kind == "f") for a in example.arrays]
    specs = cls.input_specs
    for x, spec in zip(xs, specs):
        x.requires_grad = x.requires_grad and spec.grad
    outputs = [y for y in as_list(apply(*xs, **args)) if isinstance(y, Variable)]
    recorded = [y for y in outputs if y.creator is not None]
    wanted = [x for x in xs if x.requires_grad]
    grads = []
    if recorded and wanted:
        upstream = [Variable(move(np.cos(np.arange(y.size)).reshape(y.shape).astype(
            y.dtype))) for y in recorded]
        grads = grad(recorded, wanted, grad_outputs=upstream, allow_unused=True)
    return [y.data for y in outputs], [None if g is None else g.data for g in grads]


def _agree(gpu, cpu, what):
    if cpu is None or gpu is None:
        assert cpu is None and gpu is None, f"{what}: a gradient on one device only"
        return
    assert cuda.get_array_module(gpu) is not np, f"{what} came back as a NumPy array"
    got, cpu = cuda.to_cpu(gpu), cuda.to_cpu(cpu)
    assert got.shape == cpu.shape and got.dtype == cpu.dtype, (
        f"{what}: {got.dtype}{got.shape} on the GPU, {cpu.dtype}{cpu.shape} on the CPU")
    if cpu.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, cpu, err_msg=what)
        return
    tol = TOLERANCE.get(cpu.dtype, 1e-7)
    finite = np.isfinite(cpu)
    scale = max(1.0, float(np.abs(cpu[finite]).max())) if finite.any() else 1.0
    np.testing.assert_allclose(got, cpu, rtol=tol, atol=tol * scale, equal_nan=True,
                               err_msg=what)


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_function_on_the_gpu_matches_numpy(cls):
    @settings(max_examples=6, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(example=examples(cls))
    def check(example):
        cpu_outputs, cpu_grads = _run(cls, example, lambda a: a)
        gpu_outputs, gpu_grads = _run(cls, example, cuda.to_gpu)
        if cls.draws_random:  # CuPy's generator draws other numbers: the same ones again
            assert [(y.shape, y.dtype) for y in gpu_outputs] == [
                (y.shape, y.dtype) for y in cpu_outputs]
            cpu_outputs, cpu_grads = _run(cls, example, cuda.to_gpu)
        for k, (g, c) in enumerate(zip(gpu_outputs, cpu_outputs)):
            _agree(g, c, f"output {k} on {example!r}")
        for k, (g, c) in enumerate(zip(gpu_grads, cpu_grads)):
            _agree(g, c, f"gradient {k} on {example!r}")
    check()
