"""Compiled CPU kernels: an LSTM step's gate math in C, built on first use.

After its matrix product, an LSTM step's gate math is seven NumPy calls over (D, N, H)
numbers, each a pass over memory plus half a microsecond of dispatch and the views it reads,
and the backward turns what the forward kept into the gradient's factors in thirteen passes
more. In C (autograd/csrc/lstm_cell.c) the step is one pass that also leaves the factors
behind, as PyTorch's oneDNN kernel fuses it; the products stay BLAS calls from Python.

They are built on x86-64 Linux with glibc 2.35 or newer, whose C library has vector exp
and tanh (libmvec: without them the loops would run one number at a time, slower than
NumPy's). The source is compiled with the system's C compiler ($CC, else `cc`; GCC, for
the vector math) when the first LSTM runs, once per machine: the library is kept in
~/.rungrad/kernels (or $RUNGRAD_KERNELS), named by a hash of the source, the compiler, its
flags and the CPU (it is built for this CPU's instructions) and of its own bytes. It is
checked against NumPy on a small step (forward, backward and a padding row) before it is
used. Without a compiler, elsewhere, or with RUNGRAD_CPU_KERNELS=0, the NumPy code runs;
where a build or the check fails, a warning says why and the NumPy code runs: the same
math, to rounding.
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
from pathlib import Path

import numpy as np

from . import atomic
from .user_warnings import user_warning

_SOURCE = Path(__file__).with_name("csrc") / "lstm_cell.c"
_FLAGS = ("-O3", "-fno-math-errno", "-fopenmp-simd", "-fPIC", "-shared")
_NATIVE = ("-march=native",)  # (dropped where the compiler refuses it)
_REALS = {"f": "float", "d": "double"}
_STEP = (ctypes.POINTER(ctypes.c_int64), ctypes.c_int64)


def kernels_for(array):
    """The kernels (a ctypes library) that serve `array`, a NumPy float32 or float64 array
    in the machine's byte order, or None (other arrays, or no kernels built)."""
    dtype = array.dtype
    if array.__class__ is np.ndarray and dtype.char in _REALS and dtype.isnative:
        return library(dtype.char)
    return None


def wanted():
    """Whether the kernels are to be built here: x86-64 Linux with glibc 2.35 or newer (its
    vector exp and tanh, see _vector_math_here) and a C compiler, and RUNGRAD_CPU_KERNELS
    is not 0."""
    return (os.environ.get("RUNGRAD_CPU_KERNELS", "1") != "0" and _vector_math_here()
            and shutil.which(_compiler()[0]) is not None)


@functools.cache
def _vector_math_here():
    """Whether the C library has vector exp and tanh for the kernels' loops (glibc's libmvec,
    2.35 and newer, x86-64). Without them each number is one call, and the kernels would be
    slower than NumPy's own vector loops, so they are not built."""
    if os.name != "posix" or platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    name, version = platform.libc_ver()
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return name == "glibc" and numbers >= (2, 35)


def _compiler():
    """$CC as a command line (a program and its arguments), else cc."""
    given = os.environ.get("CC", "")
    try:
        return shlex.split(given) or ["cc"]
    except ValueError:  # (unbalanced quotes: no program of that name, so not wanted)
        return [given]


def library(char):
    """The kernels for dtype char 'f' or 'd' (a ctypes library), or None where they cannot
    be had (see the module's docstring). Why a build that should have worked did not is
    said once, in a warning (no compiler is no warning: many machines have none)."""
    lib, problem = _library(char)
    if problem is not None and char not in _WARNED:
        _WARNED.add(char)  # (before warning: under -W error the warning raises, once)
        user_warning(f"rungrad: the compiled LSTM kernels are not used ({problem}); LSTM "
                     "layers run on NumPy, slower. RUNGRAD_CPU_KERNELS=0 skips the build.",
                     RuntimeWarning)
    return lib


_WARNED = set()


@functools.cache
def _library(char):
    """(library or None, why not or None), built and checked once per process."""
    if not wanted():
        return None, None
    alone = None  # a temporary folder built into for this process alone
    try:
        path, alone = _built(_compiler(), _REALS[char])
        lib = _load(path)
        if not lib.lstm_vector_math():
            raise OSError(f"{' '.join(_compiler())} built them without glibc's vector math "
                          "(GCC does), so they would be slower than NumPy")
        _check(lib, np.dtype(char))
    except (OSError, subprocess.SubprocessError, ArithmeticError) as exc:
        return None, exc
    finally:  # (a loaded library stays mapped: its file may go)
        if alone is not None:
            shutil.rmtree(alone, ignore_errors=True)
    return lib, None


def kernel_home():
    """Where built kernels are kept: $RUNGRAD_KERNELS if set, else ~/.rungrad/kernels (an
    absolute path; None where it names a home folder and none can be found)."""
    folder = os.path.expanduser(os.environ.get("RUNGRAD_KERNELS") or "~/.rungrad/kernels")
    if folder.startswith("~"):  # (no $HOME and no entry for this user)
        return None
    return Path(folder).absolute()


def _built(compiler, real):
    """(path, None) of the library for `real` kept on this machine: one whose bytes are
    those it was written with (the name ends with their hash: a file cut short is never
    loaded), else compiled now and kept (written as every rungrad file is,
    autograd/atomic.py); where it cannot be kept, (path, folder) of the one compiled into a
    temporary folder, for this process, which removes the folder."""
    flags = list(_FLAGS) + [f"-DREAL={real}", f"-DREAL_IS_DOUBLE={int(real == 'double')}"]
    version = subprocess.run(compiler + ["--version"], capture_output=True, timeout=60).stdout
    digest = hashlib.sha256(b"\0".join([_SOURCE.read_bytes(), version, " ".join(
        compiler + flags).encode(), _cpu().encode()])).hexdigest()[:20]
    stem, home = f"lstm_cell_{real}_{digest}", kernel_home()
    for kept in _listed(home, stem + ".*.so"):
        if kept.name == f"{stem}.{_content_hash(kept.read_bytes())}.so":
            return kept, None
    scratch = Path(tempfile.mkdtemp(prefix="rungrad-kernels-"))
    built = scratch / f"{stem}.so"
    try:
        _compile(compiler, flags, built)
        path = _keep(home, stem, built.read_bytes())
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if path is None:
        return built, scratch
    shutil.rmtree(scratch, ignore_errors=True)
    return path, None


def _keep(home, stem, data):
    """The path where the library `data` is now kept in `home`, or None where it cannot be
    (no home folder, or one that cannot be written)."""
    if home is None:
        return None
    path = home / f"{stem}.{_content_hash(data)}.so"
    try:
        home.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, data)
    except OSError:
        return None
    return path


def _listed(folder, pattern):
    """The files in `folder` (None: none) matching `pattern`, those that cannot be read left
    out, in order."""
    try:
        found = sorted(folder.glob(pattern)) if folder is not None else []
    except OSError:
        return []
    return [path for path in found if path.is_file() and os.access(path, os.R_OK)]


def _content_hash(data):
    return hashlib.sha256(data).hexdigest()[:16]


def _compile(compiler, flags, path):
    """Compile the source into `path` (for this CPU, else, where the compiler refuses
    -march=native, without it)."""
    for extra in (_NATIVE, ()):
        done = subprocess.run(compiler + flags + list(extra) + [
            "-o", str(path), str(_SOURCE), "-lm"], capture_output=True, timeout=300)
        if done.returncode == 0:
            return
    message = done.stderr.decode(errors="replace").strip().splitlines()
    raise OSError(f"{' '.join(compiler)} failed on {_SOURCE.name}: "
                  f"{message[-1] if message else done.returncode}")


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
    lib.lstm_vector_math.argtypes, lib.lstm_vector_math.restype = (), ctypes.c_int
    return lib


def _descriptor(*values):
    """The numbers a kernel reads (addresses, sizes, strides) as a C int64 array."""
    return (ctypes.c_int64 * len(values))(*values)


def lstm_forward_step(lib, z, e, rows, dropped=None):
    """step(k): step k's gate math by `lib` (kernels_for(z)), after its product landed in
    z[k] (see lstm_cell.c); dropped: Keras' padding steps (L, D, N, 1) booleans, or None."""
    length, _, dirs, batch, hidden = z.shape
    desc = _descriptor(z.ctypes.data, e.ctypes.data, rows.ctypes.data, _address(dropped),
                       dirs, batch, hidden, rows.shape[-1], length)
    return functools.partial(lib.lstm_forward_step, desc)


def lstm_backward_step(lib, z, e, d, g_h, g_c, carry, dropped, g_out):
    """step(k): step k's gradient by `lib` (the forward's) into d[:, k] and g_c, from g_h
    (step k+1's product) and g_out (L, D, N, H), the outputs' gradient (any strides, the
    units' contiguous); carry (D, N, H) receives the gradient of step k's h (see
    lstm_cell.c)."""
    length, _, dirs, batch, hidden = z.shape
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
    """Raise ArithmeticError unless a small step of `lib`, forward and backward, gives what
    NumPy computes from the formulas."""
    rng = np.random.default_rng(0)
    dirs, batch, hidden, width = 2, 3, 5, 7
    z = rng.standard_normal((1, 4, dirs, batch, hidden)).astype(dtype) * 3
    e = rng.standard_normal((2, 3, dirs, batch, hidden)).astype(dtype)
    rows = np.zeros((dirs, 2, batch, width), dtype)
    g_h, g_out, g_c = (rng.standard_normal((dirs, batch, hidden)).astype(dtype)
                       for _ in range(3))
    i, f, o = 1 / (1 + np.exp(z[0, :3]))  # (held: -a_i, -a_f, -a_o, a_g)
    g, c = np.tanh(z[0, 3]), e[0, 1].copy()
    cell = g * i + c * f
    t = np.tanh(cell)
    s = (g_h + g_out) * o * (1 - t * t) + g_c
    d_want = np.concatenate([s * g * i * (1 - i), s * c * f * (1 - f), s * i * (1 - g * g),
                             (g_h + g_out) * t * o * (1 - o)], axis=-1)
    lib.lstm_forward_step(_descriptor(z.ctypes.data, e.ctypes.data, rows.ctypes.data, 0, dirs,
                                      batch, hidden, width, 1), 0)
    d, carry = np.zeros((dirs, 1, batch, 4 * hidden), dtype), np.zeros_like(g_h)
    lib.lstm_backward_step(_descriptor(
        z.ctypes.data, e.ctypes.data, d.ctypes.data, g_h.ctypes.data, g_c.ctypes.data,
        carry.ctypes.data, 0, g_out.ctypes.data, 0, batch * hidden, hidden, dirs, batch,
        hidden, 1), 0)
    tolerance = 1e-4 if dtype == np.float32 else 1e-11
    for got, want in ((e[1, 1], cell), (rows[:, 1, :, :hidden], t * o), (d[:, 0], d_want),
                      (g_c, s * f), (carry, g_h + g_out)):
        if not np.allclose(got, want, rtol=tolerance, atol=tolerance):
            raise ArithmeticError(f"the built kernel's {dtype} step differs from NumPy's")
    _check_padding(lib, dtype)


def _check_padding(lib, dtype):
    """Raise ArithmeticError unless a padding row (Keras' masking) of a forward step keeps
    its h and c and leaves the factors 0, but f = 1."""
    dirs, batch, hidden, width = 2, 2, 3, 4
    z = np.ones((1, 4, dirs, batch, hidden), dtype)
    e = np.random.default_rng(1).standard_normal((2, 3, dirs, batch, hidden)).astype(dtype)
    rows = np.random.default_rng(2).standard_normal((dirs, 2, batch, width)).astype(dtype)
    dropped = np.zeros((1, dirs, batch, 1), bool)
    dropped[0, :, 0] = True  # the first sample, both directions
    lib.lstm_forward_step(_descriptor(z.ctypes.data, e.ctypes.data, rows.ctypes.data,
                                      dropped.ctypes.data, dirs, batch, hidden, width, 1), 0)
    pad = (slice(None), 0)
    kept = (np.array_equal(e[1, 1][pad], e[0, 1][pad])
            and np.array_equal(rows[:, 1, 0, :hidden], rows[:, 0, 0, :hidden])
            and not z[0][:, :, 0].any() and not e[0, 2][pad].any() and (e[0, 0][pad] == 1).all()
            and (z[0][:, :, 1] != 1).all())  # (the other sample computed)
    if not kept:
        raise ArithmeticError(f"the built kernel's {dtype} padding step is wrong")
