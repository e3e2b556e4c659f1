"""The compiled CPU kernels (autograd/cpu_kernels.py): built once per machine where a C
compiler is found, checked before use, and the array code otherwise, with a warning only
where a build that should work fails. (That both give the LSTM's results:
tests/nn/test_recurrent_fused.py, which runs its LSTM tests on each.)"""
import functools
import os
import tempfile
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import cpu_kernels

built_here = pytest.mark.skipif(not cpu_kernels._vector_math_here(),
                                reason="the kernels are built on x86-64 glibc 2.35+ only")


@pytest.fixture
def kernel_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNGRAD_KERNELS", str(tmp_path))
    return tmp_path


def build(char="f"):
    """The library a fresh process would get (None if none), and why not (None if it has
    one, or was not to be built)."""
    return cpu_kernels._library.__wrapped__(char)


def unwritable(path, data):
    """atomic.write_bytes into a folder that refuses it."""
    raise PermissionError(13, "Permission denied", str(path))


def built_files(folder):
    return sorted(p for p in folder.iterdir() if p.suffix == ".so")


def test_kernels_build_where_a_compiler_is_found():
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    assert cpu_kernels.library("f") is not None and cpu_kernels.library("d") is not None
    assert cpu_kernels.kernels_for(np.zeros(3, np.float32)) is not None
    assert cpu_kernels.kernels_for(np.zeros(3)) is not None
    assert cpu_kernels.kernels_for(np.zeros(3, np.float16)) is None
    assert cpu_kernels.kernels_for(np.zeros(3, np.int64)) is None


@built_here
def test_built_once_then_loaded_with_no_file_left_half_written(kernel_home, monkeypatch):
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    umask = os.umask(0o022)
    try:
        assert build("f")[0] is not None
    finally:
        os.umask(umask)
    built = sorted(kernel_home.iterdir())
    assert len(built) == 1 and built[0].name.startswith("lstm_cell_float_")
    assert built[0].suffix == ".so"
    assert built[0].stat().st_mode & 0o777 == 0o644  # (a shared folder's users load it too)

    def refuse(*args):
        raise AssertionError("compiled again")

    monkeypatch.setattr(cpu_kernels, "_compile", refuse)
    assert build("f")[0] is not None
    assert sorted(kernel_home.iterdir()) == built


@built_here
def test_a_kept_library_cut_short_is_built_again_not_loaded(kernel_home):
    """A library whose bytes are not those it was written with (a crash mid-write, a full
    disk) would kill the process when loaded (SIGBUS): its name carries their hash, and a
    file that does not match it is passed over and built again."""
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    first, _ = cpu_kernels._built(cpu_kernels._compiler(), "float")  # (built, not loaded:
    first.write_bytes(first.read_bytes()[:5000])  # cutting a loaded library short is SIGBUS)
    lib, problem = build("f")
    assert lib is not None and problem is None
    hashed = cpu_kernels._content_hash
    rebuilt = [p for p in built_files(kernel_home)
               if p.name == f"{p.name.split('.')[0]}.{hashed(p.read_bytes())}.so"]
    assert len(rebuilt) == 1


@built_here
@pytest.mark.parametrize("where", ["no home", "current folder", "read-only"])
def test_kernels_are_built_wherever_the_kernel_folder_is(where, tmp_path, monkeypatch):
    """No home folder (HOME unset, no passwd entry), RUNGRAD_KERNELS=. and a folder that
    cannot be written: built all the same (the last two in a temporary folder, removed once
    the library is loaded)."""
    if not cpu_kernels.wanted():
        pytest.skip("no C compiler here (or RUNGRAD_CPU_KERNELS=0)")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    if where == "no home":
        monkeypatch.delenv("RUNGRAD_KERNELS", raising=False)  # (expanduser gives a path
        monkeypatch.setattr(cpu_kernels.os.path, "expanduser", lambda path: path)  # as it is)
    elif where == "current folder":
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("RUNGRAD_KERNELS", ".")
    else:
        monkeypatch.setenv("RUNGRAD_KERNELS", str(tmp_path / "kept"))
        monkeypatch.setattr(cpu_kernels.atomic, "write_bytes", unwritable)
    lib, problem = build("d")
    assert lib is not None and problem is None
    assert list(scratch.iterdir()) == []  # nothing left behind for this process
    assert len(built_files(tmp_path)) == (where == "current folder")


@pytest.mark.parametrize("setting", [{"RUNGRAD_CPU_KERNELS": "0"},
                                     {"CC": "/nonexistent/rungrad-cc"}])
def test_switched_off_or_no_compiler_is_the_array_code_without_a_warning(setting, monkeypatch,
                                                                         kernel_home):
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cpu_kernels.wanted()
        assert build("f") == (None, None)
    assert list(kernel_home.iterdir()) == []


@built_here
def test_a_failing_build_warns_and_the_array_code_runs(monkeypatch, kernel_home):
    """A compiler that fails (here `false`) gives one warning naming what failed, leaves no
    file behind, and an LSTM that still trains on its array code."""
    monkeypatch.setenv("CC", "false")
    monkeypatch.delenv("RUNGRAD_CPU_KERNELS", raising=False)  # (a build is tried)
    monkeypatch.setattr(cpu_kernels, "_library", functools.cache(
        cpu_kernels._library.__wrapped__))  # (a cache of its own: built in this test)
    monkeypatch.setattr(cpu_kernels, "_WARNED", set())
    with pytest.warns(RuntimeWarning, match="compiled LSTM kernels are not used.*false failed"):
        assert cpu_kernels.library("f") is None
    with warnings.catch_warnings():  # said once (and under -W error raised once, not
        warnings.simplefilter("error")  # built again at each call)
        assert cpu_kernels.library("f") is None
    assert list(kernel_home.iterdir()) == []
    monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    lstm = nn.LSTM(3, 4)
    y, _ = lstm(ag.Variable(np.ones((2, 1, 3), np.float32)))
    y.sum().backward()
    assert lstm.weight_hh_l0.grad is not None


def silent(desc, k):
    """A kernel step that writes nothing."""


def library_of(forward=silent, backward=silent):
    """A stand-in for a built library with these two steps."""
    return type("Library", (), {"lstm_forward_step": staticmethod(forward),
                                "lstm_backward_step": staticmethod(backward)})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_kernel_that_computes_wrongly_is_refused(dtype):
    """The check run before use: a library whose steps write nothing fails it, and where a
    library is built, one with its forward but a backward that writes nothing, and one
    whose forward ignores the mask."""
    dtype = np.dtype(dtype)
    with pytest.raises(ArithmeticError, match="differs from NumPy"):
        cpu_kernels._check(library_of(), dtype)
    built = cpu_kernels.library(dtype.char)
    if built is None:
        return
    cpu_kernels._check(built, dtype)  # (the built one passes)
    with pytest.raises(ArithmeticError, match="differs from NumPy"):
        cpu_kernels._check(library_of(built.lstm_forward_step, silent), dtype)

    def ignoring_the_mask(desc, k):
        built.lstm_forward_step(cpu_kernels._descriptor(*desc[:3], 0, *desc[4:9]), k)

    with pytest.raises(ArithmeticError, match="padding step is wrong"):
        cpu_kernels._check(library_of(ignoring_the_mask, built.lstm_backward_step), dtype)


def test_parameters_in_the_other_byte_order_run_on_the_array_code():
    """A big-endian float64 array (from a file written on such a machine) is not the
    kernels' to read: the layer gives what it gives in native order."""
    outputs = []
    for order in ("<", ">"):
        np.random.seed(0)
        lstm = nn.LSTM(2, 3).double()
        for p in lstm.parameters():
            p.data = p.data.astype(order + "f8")
        x = ag.Variable(np.random.default_rng(1).standard_normal((4, 2, 2)))
        y, _ = lstm(x)
        y.sum().backward()
        outputs.append((y.data, x.grad.data, lstm.weight_hh_l0.grad.data))
    for native, swapped in zip(*outputs):
        np.testing.assert_allclose(swapped, native, rtol=1e-12)


def test_a_sequence_without_steps_is_refused_by_name():
    from nn.functional.lstm_layer import lstm_layer
    rng = np.random.default_rng(0)
    v = lambda *shape: ag.Variable(rng.standard_normal(shape))  # noqa: E731
    with pytest.raises(ValueError, match="has no time steps"):
        lstm_layer(ag.Variable(np.zeros((0, 2, 3))), [v(8, 3)], [v(8, 2)], [None], [None],
                   (v(1, 2, 2), v(1, 2, 2)), (False,))


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


needs_compiler = pytest.mark.skipif(not cpu_kernels.wanted(),
                                    reason="no C compiler here (or RUNGRAD_CPU_KERNELS=0)")


@built_here
@needs_compiler
def test_a_kernel_folder_is_never_removed_whatever_its_name(tmp_path, monkeypatch):
    """Only the temporary folder made for one process is removed after loading: a kernel
    folder named like one is the user's, and stays with what it holds."""
    folder = tmp_path / "rungrad-kernels-mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept")
    monkeypatch.setenv("RUNGRAD_KERNELS", str(folder))
    for _ in range(2):  # built, then loaded as kept
        assert build("f")[0] is not None
    assert (folder / "notes.txt").read_text() == "kept" and len(built_files(folder)) == 1


@built_here
@needs_compiler
def test_the_temporary_folder_goes_even_when_loading_fails(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("RUNGRAD_KERNELS", str(tmp_path / "kept"))
    monkeypatch.setattr(cpu_kernels.atomic, "write_bytes", unwritable)

    def refuse(path):
        raise OSError(f"{path}: failed to map segment from shared object")

    monkeypatch.setattr(cpu_kernels, "_load", refuse)
    lib, problem = build("f")
    assert lib is None and "failed to map" in str(problem)
    assert list(scratch.iterdir()) == []


@built_here
@needs_compiler
def test_unreadable_entries_and_stale_builds_in_the_folder(kernel_home):
    """A folder (or anything unreadable) named like a kept library is passed over, and an
    unfinished write of the library (a killed process's temp, autograd/atomic.py's naming)
    is removed; one another process is writing (its temp locked) stays."""
    import fcntl
    path, _ = cpu_kernels._built(cpu_kernels._compiler(), "float")  # (for the names)
    path.unlink()
    stem = path.name.split(".")[0]
    (kernel_home / f"{stem}.{'f' * 16}.so").mkdir()
    old, recent = (kernel_home / f".{path.name}.{c * 32}.tmp" for c in "ab")
    old.write_bytes(b"half")
    recent.write_bytes(b"half")
    with open(recent, "rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lib, problem = build("f")
    assert lib is not None and problem is None
    assert not old.exists() and recent.exists()


def test_a_cc_that_cannot_be_read_means_no_kernels_without_an_error(monkeypatch):
    monkeypatch.setenv("CC", 'gcc "-O2')
    assert not cpu_kernels.wanted()
    assert build("f") == (None, None)


@needs_compiler
def test_switching_the_kernels_off_between_forward_and_backward(monkeypatch):
    """The backward runs with the kernels its forward ran with (kept with the graph)."""
    lstm = nn.LSTM(3, 4)
    x = ag.Variable(np.random.default_rng(0).standard_normal((5, 2, 3)))
    y, _ = lstm(x)
    monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    y.sum().backward()
    got = x.grad.data.copy()
    x.grad = None
    lstm(x)[0].sum().backward()  # (the array code, now)
    np.testing.assert_allclose(got, x.grad.data, rtol=1e-5, atol=1e-7)


def test_no_kernels_where_the_c_library_has_no_vector_math(monkeypatch):
    """Elsewhere than x86-64 glibc 2.35+ (macOS, musl, ARM) the loops would call exp and tanh
    one number at a time, slower than NumPy: nothing is built, and nothing is said."""
    monkeypatch.setattr(cpu_kernels, "_vector_math_here", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cpu_kernels.wanted() and build("f") == (None, None)


@built_here
@needs_compiler
def test_a_build_without_vector_math_is_refused_with_a_warning(monkeypatch, kernel_home):
    """A compiler that gives no vector math (clang ignores GCC's simd declarations) builds
    kernels slower than NumPy: refused, and said why."""
    load = cpu_kernels._load

    def scalar(path):
        lib = load(path)
        return type("Scalar", (), {"lstm_vector_math": staticmethod(lambda: 0),
                                   "lstm_forward_step": lib.lstm_forward_step,
                                   "lstm_backward_step": lib.lstm_backward_step})

    monkeypatch.setattr(cpu_kernels, "_load", scalar)
    lib, problem = build("f")
    assert lib is None and "without glibc's vector math" in str(problem)
