#!/usr/bin/env bash
# The whole test suite: the linter (ruff, configured in pyproject.toml), unit and property
# tests (hypothesis `ci` profile: deterministic), the runnable `>>>` examples in the library's
# docstrings, and every tutorial notebook, executed top to bottom.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-torch
.venv/bin/ruff check .  # a finding fails the run before the long part starts
export HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci} MPLBACKEND=Agg
# setup.sh installed Chromium: the browser tests must run here, not skip.
export RUNGRAD_REQUIRE_BROWSER=${RUNGRAD_REQUIRE_BROWSER:-1}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# The packages are collected for their doctests only (--doctest-modules: they hold no test
# files). The notebooks go by name: notebooks/sources/ are fragments, not importable modules.
targets=(tests autograd nn optim)
compgen -G "notebooks/*.ipynb" >/dev/null && targets+=(notebooks/*.ipynb)
# The gradient-check plugin (autograd/testing/plugin.py) checks every Function of rungrad's
# op packages from its declared input specs, as it would a user's package.
gradcheck=(--rungrad-gradcheck=autograd.ops --rungrad-gradcheck=nn.functional
           --rungrad-gradcheck-strict)
.venv/bin/python -m pytest -q -n 2 --nbmake --doctest-modules "${gradcheck[@]}" \
    --ignore=tests/gpu "${targets[@]}" "$@"
# The GPU tests once more, on tests/gpu/fake_cupy.py's stand-in for CuPy: device arrays that
# NumPy refuses, so host code reached by GPU arrays fails here too (a GPU run checks CuPy's
# own kernels: scripts/gpu_check.sh).
RUNGRAD_FAKE_CUPY=1 exec .venv/bin/python -m pytest -q -n 2 -p no:cacheprovider tests/gpu
