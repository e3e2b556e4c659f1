"""Shared bench helpers: one BLAS thread, best-of-N timing, optional competitors."""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def best_time(fn, repeat=7, number=1):
    """The best of `repeat` runs of `number` calls, in seconds per call (min resists noise)."""
    fn()  # warm up caches and lazy imports
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def best_times(named_fns, repeat=15):
    """Best time of each function, measured round-robin so load spikes hit all alike."""
    for fn in named_fns.values():
        fn()
    best = {name: float("inf") for name in named_fns}
    for _ in range(repeat):
        for name, fn in named_fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return list(best.items())


def optional(module_name):
    """Import a competitor if installed and importable, else None (benchmarks skip it).

    Not only ImportError: DeZero's last release fails to import under NumPy 2 (np.int)."""
    try:
        return __import__(module_name)
    except Exception as exc:  # noqa: BLE001  (any failure means: skip this competitor)
        if not isinstance(exc, ModuleNotFoundError):
            print(f"  (skipping {module_name}: {type(exc).__name__}: {exc})".splitlines()[0])
        return None


def report(title, rows, baseline="numpy"):
    """Print each row's time and its ratio to the baseline row."""
    base = dict(rows)[baseline]
    print(title)
    for name, seconds in rows:
        print(f"  {name:<22s} {seconds * 1e6:10.2f} us   {seconds / base:6.2f}x {baseline}")
