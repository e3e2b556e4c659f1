#!/usr/bin/env bash
# The GPU checks, for a machine with CuPy and a CUDA GPU (CI has none): the CuPy tests, then
# bench/bench_gpu.py against PyTorch CUDA. Uses the Python given in $PYTHON (default
# python3) with its own packages: rungrad needs only NumPy beside CuPy, the tests pytest,
# hypothesis and pytest-xdist. Logs go to $LOGS (default .gpu-logs).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
LOGS=${LOGS:-.gpu-logs}
mkdir -p "$LOGS"
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MPLBACKEND=Agg
"$PYTHON" -c "import cupy, numpy; print('CuPy', cupy.__version__, 'NumPy', numpy.__version__,
'GPU', cupy.cuda.runtime.getDeviceProperties(0)['name'].decode())" || exit 1
timeout "${TEST_SECONDS:-300}" "$PYTHON" -m pytest -q -p no:cacheprovider -n "${WORKERS:-8}" \
    tests/gpu tests/autograd/test_cuda.py 2>&1 | tee "$LOGS/tests.log"
tests=${PIPESTATUS[0]}
timeout "${BENCH_SECONDS:-240}" "$PYTHON" bench/bench_gpu.py 2>&1 | tee "$LOGS/bench.log"
bench=${PIPESTATUS[0]}
echo "tests rc $tests, bench rc $bench"
[ "$tests" = 0 ] && [ "$bench" = 0 ]
