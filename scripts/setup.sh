#!/usr/bin/env bash
# Prepare a fresh machine: a virtualenv in .venv with rungrad and its extras, and Graphviz's
# `dot` binary. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv"
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.rungrad-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "[setup] installing rungrad with extras dev, viz, datasets, notebooks, distributed"
    # pip and the build backend are chatty: keep their output in a log, show it on failure.
    if ! { .venv/bin/python -m pip install --upgrade pip \
           && .venv/bin/python -m pip install -e ".[dev,viz,datasets,notebooks,distributed]"; } \
           > .venv/pip.log 2>&1; then
        tail -n 30 .venv/pip.log >&2
        echo "[setup] pip install failed (full log: .venv/pip.log)" >&2
        exit 1
    fi
    touch "$stamp"
fi

# The test suite compares layers and optimizers with PyTorch when it is importable. Only the
# CPU build is asked for ("+cpu" is never on the public index), so no multi-GB CUDA download
# can start; without it those comparisons skip.
if [ "${1:-}" = "--with-torch" ] && ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
    .venv/bin/python -m pip install --quiet "torch==2.13.0+cpu" >/dev/null 2>&1 \
        || echo "[setup] PyTorch CPU build not available: the PyTorch parity tests will skip"
fi

# System packages through the platform's package manager, when a command is missing.
system_install() {  # system_install COMMAND DEBIAN_PACKAGE BREW_PACKAGE WHY
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "[setup] installing $2 ($4)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if command -v apt-get >/dev/null 2>&1; then
        $sudo apt-get install -y -q "$2" >/dev/null 2>&1 \
            || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "$2" >/dev/null; }
    elif command -v brew >/dev/null 2>&1; then
        brew install "$3"
    else
        echo "[setup] please install $2 yourself ($4)" >&2
    fi
}

system_install dot graphviz graphviz "the 'dot' binary, for graph images"
# The step-through backprop page is tested in a real browser (headless).
if ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
    system_install chromium chromium chromium "a headless browser for the page tests"
fi
