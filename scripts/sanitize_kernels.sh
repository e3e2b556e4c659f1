#!/usr/bin/env bash
# The compiled CPU kernels (autograd/csrc/) built with AddressSanitizer and
# UndefinedBehaviorSanitizer, then the tests that run them: a read or write out of bounds,
# or undefined behaviour, stops the run with a report. GCC on Linux; a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
kernels=$(mktemp -d)
trap 'rm -rf "$kernels"' EXIT
# The sanitizers' runtime must be loaded first, and glibc's malloc left as it is (ASan
# replaces malloc: rungrad's mallopt tuning would be refused).
RUNGRAD_MALLOC_TUNING=0 RUNGRAD_KERNELS="$kernels" ASAN_OPTIONS=detect_leaks=0 \
    CC="gcc -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/autograd/test_cpu_kernels.py \
    tests/nn -k "lstm or LSTM or kernel or mask" "$@"
