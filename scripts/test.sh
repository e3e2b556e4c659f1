#!/usr/bin/env bash
# The whole test suite: unit and property tests (hypothesis `ci` profile: deterministic)
# and every tutorial notebook, executed top to bottom.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-torch
export HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci} MPLBACKEND=Agg
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
targets=(tests)
compgen -G "notebooks/*.ipynb" >/dev/null && targets+=(notebooks)
exec .venv/bin/python -m pytest -q -n 2 --nbmake "${targets[@]}" "$@"
