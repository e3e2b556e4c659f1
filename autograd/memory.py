"""glibc malloc tuning, applied once when autograd is imported (Linux with glibc only).

Why: glibc serves every block above M_MMAP_THRESHOLD (128 KiB at start-up) with a fresh
`mmap` and unmaps it on free, and gives the free top of the heap back to the OS once it
exceeds M_TRIM_THRESHOLD. A training step's large temporaries (im2col columns, gate
buffers, activations, gradients) are such blocks, so every step maps new pages and pays a
minor page fault plus zero-filling for each 4 KiB of them: hundreds to thousands per step,
which made conv2d and LSTM steps 1.4-4x slower. glibc's adaptive threshold does not settle
when a step's temporaries outgrow twice the largest block freed so far, which is the usual
case. Raising both thresholds keeps the freed pages in the heap for the next step: the heap
then stays at the step's peak (it never grows beyond it: the memory is reused, not leaked),
like PyTorch's and CuPy's caching allocators. The setting is process-wide (it helps any
NumPy code in the process) and touches nothing but these two glibc parameters.

Opt out with the environment variable RUNGRAD_MALLOC_TUNING=0 (before importing autograd),
or call `restore_malloc_defaults()` at any time. Other platforms and other C libraries
(macOS, Windows, musl) are left alone.
"""
import ctypes
import os
import sys

ENVIRONMENT_VARIABLE = "RUNGRAD_MALLOC_TUNING"
_OFF = {"0", "false", "no", "off"}

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameter numbers (<malloc.h>)
# blocks up to this size come from the heap: the ceiling of glibc's own adaptive threshold,
# 4 MiB * sizeof(long) (32 MiB on 64-bit; older glibc refuses more). Bigger blocks are
# rare and so costly to compute with that their fresh pages hardly count.
MMAP_THRESHOLD = 4 * 2**20 * ctypes.sizeof(ctypes.c_long)
# free memory the heap may keep at its top: a step's temporaries up to this size are reused
# instead of re-faulted (the benches' steps need a few MiB; bigger CNNs tens to hundreds). The
# cost: after a one-off peak (say, predicting on a huge batch) up to this much stays resident.
TRIM_THRESHOLD = 256 * 2**20
_GLIBC_DEFAULT = 128 * 2**10  # both thresholds at start-up (DEFAULT_MMAP_THRESHOLD_MIN)

_applied = None  # the settings rungrad put in force, or None


def is_glibc():
    """True on Linux with the GNU C library (the only place `mallopt` means this)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):  # the name is unknown outside glibc (musl)
        return False


def tune_malloc(mmap_threshold=MMAP_THRESHOLD, trim_threshold=TRIM_THRESHOLD):
    """Set glibc's mmap and trim thresholds (bytes). Returns the settings now in force, or
    None where the C library is not glibc or offers no mallopt (nothing is changed)."""
    global _applied
    if not is_glibc():
        return None
    try:
        _mallopt(_M_MMAP_THRESHOLD, mmap_threshold)
    except (OSError, AttributeError):  # no C library to load, or no mallopt in it
        return None
    _mallopt(_M_TRIM_THRESHOLD, trim_threshold)
    _applied = {"mmap_threshold": mmap_threshold, "trim_threshold": trim_threshold}
    return dict(_applied)


def malloc_tuning():
    """The thresholds rungrad has set ({'mmap_threshold': bytes, 'trim_threshold': bytes}),
    or None if it set none (not glibc, opted out, or restored)."""
    return None if _applied is None else dict(_applied)


def restore_malloc_defaults():
    """Put glibc's start-up thresholds (128 KiB each) back. glibc has no way to switch its
    adaptive mmap threshold back on once `mallopt` has set one, so a process that needs
    exactly the default behaviour should opt out with RUNGRAD_MALLOC_TUNING=0 instead."""
    global _applied
    if _applied is not None:
        _mallopt(_M_MMAP_THRESHOLD, _GLIBC_DEFAULT)
        _mallopt(_M_TRIM_THRESHOLD, _GLIBC_DEFAULT)
        _applied = None


def enabled_by_environment():
    """False when RUNGRAD_MALLOC_TUNING is 0, false, no or off (any case)."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "1").strip().lower() not in _OFF


def _mallopt(parameter, value):
    # mallopt returns 0 for a value it refuses (older glibc: an mmap threshold above 32 MiB)
    if not ctypes.CDLL(None).mallopt(parameter, int(value)):
        raise ValueError(f"mallopt: glibc refused parameter {parameter} = {value}")


if enabled_by_environment():
    tune_malloc()

__all__ = ["tune_malloc", "malloc_tuning", "restore_malloc_defaults", "is_glibc",
           "enabled_by_environment", "ENVIRONMENT_VARIABLE"]
