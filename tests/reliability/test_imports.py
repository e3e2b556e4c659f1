"""Every module of the packages imports on its own, first in a fresh interpreter: no import
cycle that only the usual order (`import nn`) hides (nn.keras.losses and
nn.distributed.fit, imported first, once failed half-initialized)."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# one interpreter, the packages' modules forgotten before each import (NumPy stays loaded:
# a process per module would take minutes)
_SWEEP = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("nn", "autograd", "optim")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed.append(f"{name}: {error}")
print("\\n".join(failed))
"""


def _modules():
    names = []
    for package in ("autograd", "nn", "optim"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "__main__.py":
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


# The sweep in parts, each its own interpreter, which the test workers share (the whole
# sweep in one took over 3 minutes, near its time limit on a loaded 2-core machine)
_PARTS = 10


def test_the_sweep_covers_every_module():
    assert len(_modules()) > 300


@pytest.fixture(scope="session")
def bytecode_folder(tmp_path_factory):
    """Where the sweeps keep compiled modules: each import of a sweep compiles its package
    again when no bytecode may be written (PYTHONDONTWRITEBYTECODE, set on CI machines),
    which took the ten parts 410 s of a 2-core CI run."""
    return tmp_path_factory.mktemp("bytecode")


@pytest.mark.parametrize("part", range(_PARTS))
def test_every_module_imports_first(part, bytecode_folder):
    modules = _modules()[part::_PARTS]
    environment = {name: value for name, value in os.environ.items()
                   if name != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(bytecode_folder)  # (not beside the sources)
    done = subprocess.run([sys.executable, "-c", _SWEEP, *modules], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""
