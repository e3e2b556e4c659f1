"""The compiled CPU kernels (autograd/cpu_kernels.py): built once per machine where a C
compiler is found, checked before use, and the array code otherwise, with a warning only
where a build that should work fails. (That both give the LSTM's results:
tests/nn/test_recurrent_fused.py, which runs its LSTM tests on each.)"""
import os
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import cpu_kernels

posix_only = pytest.mark.skipif(os.name != "posix", reason="the kernels are built on POSIX")


@pytest.fixture
def kernel_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNGRAD_KERNELS", str(tmp_path))
    return tmp_path


def build(char="f"):
    """library() without its cache: what a fresh process would get."""
    return cpu_kernels.library.__wrapped__(char)


def test_kernels_build_where_a_compiler_is_found():
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    assert cpu_kernels.library("f") is not None and cpu_kernels.library("d") is not None
    assert cpu_kernels.serves(np.zeros(3, np.float32))
    assert cpu_kernels.serves(np.zeros(3))
    assert not cpu_kernels.serves(np.zeros(3, np.float16))
    assert not cpu_kernels.serves(np.zeros(3, np.int64))


@posix_only
def test_built_once_then_loaded_with_no_file_left_half_written(kernel_home, monkeypatch):
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    assert build("f") is not None
    built = sorted(kernel_home.iterdir())
    assert len(built) == 1 and built[0].name.startswith("lstm_cell_float_")
    assert built[0].suffix == ".so"

    def refuse(*args):
        raise AssertionError("compiled again")

    monkeypatch.setattr(cpu_kernels, "_compile", refuse)
    assert build("f") is not None
    assert sorted(kernel_home.iterdir()) == built


@pytest.mark.parametrize("setting", [{"RUNGRAD_CPU_KERNELS": "0"},
                                     {"CC": "/nonexistent/rungrad-cc"}])
def test_switched_off_or_no_compiler_is_the_array_code_without_a_warning(setting, monkeypatch,
                                                                         kernel_home):
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cpu_kernels.wanted()
        assert build("f") is None
    assert list(kernel_home.iterdir()) == []


@posix_only
def test_a_failing_build_warns_and_the_array_code_runs(monkeypatch, kernel_home):
    """A compiler that fails (here `false`) gives one warning naming what failed, leaves no
    file behind, and an LSTM that still trains on its array code."""
    monkeypatch.setenv("CC", "false")
    with pytest.warns(RuntimeWarning, match="compiled LSTM kernels are not used.*false failed"):
        assert build("f") is None
    assert list(kernel_home.iterdir()) == []
    monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    lstm = nn.LSTM(3, 4)
    y, _ = lstm(ag.Variable(np.ones((2, 1, 3), np.float32)))
    y.sum().backward()
    assert lstm.weight_hh_l0.grad is not None


def test_a_kernel_that_computes_wrongly_is_refused():
    """The check run before use: a library whose step writes nothing fails it."""
    class Silent:
        @staticmethod
        def lstm_forward_step(desc, k):
            pass

    for dtype in (np.float32, np.float64):
        with pytest.raises(ArithmeticError, match="differs from NumPy"):
            cpu_kernels._check(Silent, np.dtype(dtype))


def test_the_compiled_lstm_trains_as_the_array_one(monkeypatch):
    """The same LSTM, data and Adam steps with the kernels and without: the losses agree to
    float32 rounding all along (seeds 0-2 differed by at most 5e-7, the loss fell 50-120
    times over the 30 steps)."""
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    import optim

    def losses():
        np.random.seed(0)
        lstm, head = nn.LSTM(5, 8, num_layers=2, bidirectional=True), nn.Linear(16, 1)
        params = list(lstm.parameters()) + list(head.parameters())
        opt = optim.Adam(params, lr=0.02)
        rng = np.random.default_rng(1)
        x = ag.Variable(rng.standard_normal((7, 4, 5)).astype(np.float32))
        target = rng.standard_normal((4, 1)).astype(np.float32)
        history = []
        for _ in range(30):
            opt.zero_grad()
            loss = ((head(lstm(x)[0][-1]) - target) ** 2).mean()
            loss.backward()
            opt.step()
            history.append(loss.item())
        return np.array(history)

    compiled = losses()
    monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    arrays = losses()
    np.testing.assert_allclose(compiled, arrays, rtol=1e-4)
    assert compiled[-1] < 0.5 * compiled[0]
