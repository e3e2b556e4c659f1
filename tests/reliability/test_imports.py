"""Every module of the packages imports on its own, first in a fresh interpreter: no import
cycle that only the usual order (`import nn`) hides (nn.keras.losses and
nn.distributed.fit, imported first, once failed half-initialized)."""
import pathlib
import subprocess
import sys

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


def test_every_module_imports_first():
    modules = _modules()
    assert len(modules) > 300
    done = subprocess.run([sys.executable, "-c", _SWEEP, *modules], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""
