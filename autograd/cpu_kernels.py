"""Compiled CPU kernels: an LSTM step's gate math in C, built on first use.

After its matrix product, an LSTM step's gate math is seven NumPy calls over (D, N, H)
numbers, each a pass over memory plus half a microsecond of dispatch and the views it reads,
and the backward turns what the forward kept into the gradient's factors in thirteen passes
more. In C (autograd/csrc/lstm_cell.c) the step is one pass that also leaves the factors
behind, as PyTorch's oneDNN kernel fuses it; the products stay BLAS calls from Python.

The source is compiled with the system's C compiler ($CC, else `cc`) when the first LSTM
runs, once per machine: the library is kept in ~/.rungrad/kernels (or $RUNGRAD_KERNELS),
named by a hash of the source, the compiler, its flags and the CPU (it is built for this
CPU's instructions). It is checked against NumPy on a small step before it is used. Without
a compiler, with RUNGRAD_CPU_KERNELS=0, or where the build or the check fails (a warning
says why), the NumPy code runs: the same math, to rounding.
"""
import ctypes
import functools
import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np

_SOURCE = Path(__file__).with_name("csrc") / "lstm_cell.c"
_FLAGS = ("-O3", "-fno-math-errno", "-fopenmp-simd", "-fPIC", "-shared")
_NATIVE = ("-march=native",)  # (dropped where the compiler refuses it)
_REALS = {"f": "float", "d": "double"}
_STEP = (ctypes.POINTER(ctypes.c_int64), ctypes.c_int64)


def serves(array):
    """Whether the kernels serve `array`: a NumPy float32 or float64 array, kernels built."""
    return (array.__class__ is np.ndarray and array.dtype.char in _REALS
            and library(array.dtype.char) is not None)


def wanted():
    """Whether the kernels are to be built here: a POSIX system with a C compiler, and
    RUNGRAD_CPU_KERNELS is not 0."""
    return (os.environ.get("RUNGRAD_CPU_KERNELS", "1") != "0" and os.name == "posix"
            and shutil.which(_compiler()[0]) is not None)


def _compiler():
    return shlex.split(os.environ.get("CC", "")) or ["cc"]


@functools.cache
def library(char):
    """The kernels for dtype char 'f' or 'd' (a ctypes library), or None where they cannot
    be had (see the module's docstring; no compiler is no warning: many machines have
    none)."""
    if not wanted():
        return None
    compiler = _compiler()
    try:
        lib = _load(_built(compiler, _REALS[char]))
        _check(lib, np.dtype(char))
    except (OSError, subprocess.SubprocessError, ArithmeticError) as exc:
        warnings.warn(f"rungrad: the compiled LSTM kernels are not used ({exc}); LSTM layers "
                      "run on NumPy, slower. RUNGRAD_CPU_KERNELS=0 skips the build.",
                      RuntimeWarning, stacklevel=2)
        return None
    return lib


def kernel_home():
    """Where built kernels are kept: $RUNGRAD_KERNELS if set, else ~/.rungrad/kernels."""
    return Path(os.path.expanduser(os.environ.get("RUNGRAD_KERNELS")
                                   or Path.home() / ".rungrad" / "kernels"))


def _built(compiler, real):
    """The path of the library for `real`, compiled unless this machine already has it."""
    flags = list(_FLAGS) + [f"-DREAL={real}", f"-DREAL_IS_DOUBLE={int(real == 'double')}"]
    version = subprocess.run(compiler + ["--version"], capture_output=True, timeout=60).stdout
    digest = hashlib.sha256(b"\0".join([_SOURCE.read_bytes(), version, " ".join(
        compiler + flags).encode(), _cpu().encode()])).hexdigest()[:20]
    path = kernel_home() / f"lstm_cell_{real}_{digest}.so"
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise PermissionError(path.parent)
    except OSError:  # a read-only home: built for this process alone
        path = Path(tempfile.mkdtemp(prefix="rungrad-kernels-")) / path.name
    return _compile(compiler, flags, path)


def _compile(compiler, flags, path):
    """Compile into a temporary file beside `path`, then rename it there (processes that
    build at once each write their own file; a reader never sees half of one)."""
    handle, temporary = tempfile.mkstemp(suffix=".so", dir=path.parent)
    os.close(handle)
    try:
        for extra in (_NATIVE, ()):
            done = subprocess.run(compiler + flags + list(extra) + [
                "-o", temporary, str(_SOURCE), "-lm"], capture_output=True, timeout=300)
            if done.returncode == 0:
                os.replace(temporary, path)
                return path
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(f"{' '.join(compiler)} failed on {_SOURCE.name}: "
                      f"{message[-1] if message else done.returncode}")
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _cpu():
    """What the library's instructions depend on: the CPU's flags (Linux) or its name."""
    try:
        with open("/proc/cpuinfo") as info:
            return next((line for line in info if line.startswith("flags")), "")
    except OSError:
        return platform.machine() + platform.processor()


def _load(path):
    lib = ctypes.CDLL(str(path))
    for name in ("lstm_forward_step", "lstm_backward_step"):
        getattr(lib, name).argtypes, getattr(lib, name).restype = _STEP, None
    return lib


def _descriptor(*values):
    """The numbers a kernel reads (addresses, sizes, strides) as a C int64 array."""
    return (ctypes.c_int64 * len(values))(*values)


def lstm_forward_step(z, e, rows, dropped=None):
    """step(k): step k's gate math, after its product landed in z[k] (see lstm_cell.c);
    dropped: Keras' padding steps (L, D, N, 1) booleans, or None."""
    length, _, dirs, batch, hidden = z.shape
    lib = library(z.dtype.char)
    desc = _descriptor(z.ctypes.data, e.ctypes.data, rows.ctypes.data, _address(dropped),
                       dirs, batch, hidden, rows.shape[-1], length)
    return functools.partial(lib.lstm_forward_step, desc)


def lstm_backward_step(z, e, d, g_h, g_c, carry, dropped, g_out):
    """step(k): step k's gradient into d[:, k] and g_c, from g_h (step k+1's product) and
    g_out (L, D, N, H), the outputs' gradient (any strides, the units' contiguous); carry
    (D, N, H) receives the gradient of step k's h (see lstm_cell.c)."""
    length, _, dirs, batch, hidden = z.shape
    lib = library(z.dtype.char)
    size = g_out.itemsize
    desc = _descriptor(z.ctypes.data, e.ctypes.data, d.ctypes.data, g_h.ctypes.data,
                       g_c.ctypes.data, carry.ctypes.data, _address(dropped),
                       g_out.ctypes.data, *(s // size for s in g_out.strides[:3]),
                       dirs, batch, hidden, length)
    return functools.partial(lib.lstm_backward_step, desc)


def _address(array):
    """A contiguous array's address for a kernel; 0 (C's NULL) for None."""
    if array is None:
        return 0
    assert array.flags.c_contiguous
    return array.ctypes.data


def _check(lib, dtype):
    """Raise ArithmeticError unless a small forward step of `lib` matches NumPy's math."""
    rng = np.random.default_rng(0)
    dirs, batch, hidden, width = 2, 3, 5, 7
    z = rng.standard_normal((1, 4, dirs, batch, hidden)).astype(dtype) * 3
    e = rng.standard_normal((2, 3, dirs, batch, hidden)).astype(dtype)
    rows = np.zeros((dirs, 2, batch, width), dtype)
    held, cell = z[0].copy(), e[0, 1].copy()  # (-a_i, -a_f, -a_o, a_g)
    i, f, o = 1 / (1 + np.exp(held[:3]))
    cell_new = np.tanh(held[3]) * i + cell * f
    desc = _descriptor(z.ctypes.data, e.ctypes.data, rows.ctypes.data, 0, dirs, batch,
                       hidden, width, 1)
    lib.lstm_forward_step(desc, 0)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    for got, want in ((e[1, 1], cell_new), (rows[:, 1, :, :hidden], np.tanh(cell_new) * o),
                      (e[0, 0], f)):
        if not np.allclose(got, want, rtol=tolerance, atol=tolerance):
            raise ArithmeticError(f"the built kernel's {dtype} step differs from NumPy's")
