"""autograd.memory: glibc's malloc thresholds raised at `import autograd` (freed temporaries
keep their pages for the next step), the RUNGRAD_MALLOC_TUNING=0 opt-out, the restore, and
no change at all on other platforms and C libraries. Page faults, not times, are checked."""
import json
import os
import subprocess
import sys

import pytest

from autograd import memory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Import autograd, then run `extra`, then allocate and free 16 MiB in 1 MiB NumPy arrays per
# round: print the settings in force and the minor page faults per round in steady state.
# Under glibc's defaults every round maps fresh pages (about 4,096 faults: the adaptive
# mmap threshold settles at 1 MiB, and 16 MiB of freed heap top is then trimmed); with the
# tuning the heap keeps them (about 0).
PROBE = """
import json, resource, sys
import numpy as np
import autograd
imported = "autograd.memory" in sys.modules
import autograd.memory as memory
{extra}
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def one_round():
    blocks = [np.ones(2**18, np.float32) for _ in range(16)]
    del blocks
one_round(); one_round()
before = faults()
for _ in range(10):
    one_round()
print(json.dumps({{"imported": imported, "tuning": memory.malloc_tuning(),
                   "faults": (faults() - before) / 10}}))
"""

glibc_only = pytest.mark.skipif(not memory.is_glibc(), reason="malloc tuning is glibc-only")


def probe(extra="", **environment):
    env = {k: v for k, v in os.environ.items() if k != memory.ENVIRONMENT_VARIABLE}
    env.update(environment, OPENBLAS_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", PROBE.format(extra=extra)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@glibc_only
def test_import_autograd_keeps_freed_pages():
    got = probe()
    assert got["imported"], "import autograd must import autograd.memory (it applies the tuning)"
    assert got["tuning"] == {"mmap_threshold": memory.MMAP_THRESHOLD,
                             "trim_threshold": memory.TRIM_THRESHOLD}
    assert got["faults"] < 100  # 16 MiB reused per round, not 4,096 fresh pages


@glibc_only
@pytest.mark.parametrize("value", ["0", "off", "False", " no "])
def test_opt_out_leaves_glibc_defaults(value):
    got = probe(**{memory.ENVIRONMENT_VARIABLE: value})
    assert got["tuning"] is None
    assert got["faults"] > 2000  # glibc's own behaviour: fresh pages every round


@glibc_only
def test_restore_puts_small_thresholds_back():
    got = probe("memory.restore_malloc_defaults()")
    assert got["tuning"] is None
    assert got["faults"] > 2000


@glibc_only
def test_tune_malloc_reports_what_it_set():
    got = probe("memory.tune_malloc(2**22, 2**26)",
                **{memory.ENVIRONMENT_VARIABLE: "0"})
    assert got["tuning"] == {"mmap_threshold": 2**22, "trim_threshold": 2**26}
    assert got["faults"] < 100


@pytest.mark.parametrize("value,enabled", [(None, True), ("1", True), ("yes", True),
                                           ("0", False), ("OFF", False), ("false", False)])
def test_environment_switch(monkeypatch, value, enabled):
    if value is None:
        monkeypatch.delenv(memory.ENVIRONMENT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(memory.ENVIRONMENT_VARIABLE, value)
    assert memory.enabled_by_environment() is enabled


def _refuse_mallopt(parameter, value):
    raise AssertionError("mallopt must not be called outside glibc")


@pytest.mark.parametrize("platform", ["darwin", "win32", "freebsd14"])
def test_other_platforms_are_left_alone(monkeypatch, platform):
    monkeypatch.setattr(memory, "_mallopt", _refuse_mallopt)
    monkeypatch.setattr(memory.sys, "platform", platform)
    assert not memory.is_glibc()
    assert memory.tune_malloc() is None


@pytest.mark.parametrize("confstr", [ValueError, OSError, None])
def test_other_c_libraries_are_left_alone(monkeypatch, confstr):
    """musl and other libcs on Linux: os.confstr knows no glibc version there."""
    def fake_confstr(name):
        if confstr is None:
            return None
        raise confstr(name)

    monkeypatch.setattr(memory, "_mallopt", _refuse_mallopt)
    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory.os, "confstr", fake_confstr)
    assert not memory.is_glibc()
    assert memory.tune_malloc() is None



def test_a_c_library_without_mallopt_is_left_alone(monkeypatch):
    def no_library(name):
        raise OSError("no C library here")

    monkeypatch.setattr(memory, "_applied", None)
    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory.os, "confstr", lambda name: "glibc 2.36")
    monkeypatch.setattr(memory.ctypes, "CDLL", no_library)
    assert memory.tune_malloc() is None
    assert memory.malloc_tuning() is None
