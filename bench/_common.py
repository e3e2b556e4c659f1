"""Shared bench helpers: one BLAS thread, the two harness styles, round-robin timing with
minor page faults per call, optional competitors, and the report with ratios."""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import namedtuple  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import autograd.memory  # noqa: E402,F401  (as `import autograd` does: tunes malloc unless opted out)

# How a harness ends a forward pass: with a fixed upstream gradient, or as users write it
# (the gradient of the sum is all ones). Both must run fast: the second one also exercises
# sum's backward and whatever the ops do with a broadcast gradient.
GIVEN_GRAD, SUM = "backward(gy)", "sum().backward()"
STYLES = (GIVEN_GRAD, SUM)

Result = namedtuple("Result", "name seconds best cpu faults per_round")
Result.__doc__ = ("Median and best wall-clock seconds per call, median CPU seconds per call "
                  "(what a busy machine disturbs least), minor page faults per call, and the "
                  "CPU seconds per call of each round (for ratios round by round).")


def run_backward(y, style, gy):
    """Backpropagate from y in `style`; y is a rungrad Variable or a torch tensor, and gy
    (used by GIVEN_GRAD only) an array or tensor of y's shape."""
    if style == SUM:
        y.sum().backward()
    else:
        y.backward(gy)


def upstream(style, gy):
    """The upstream gradient a hand-written baseline uses in `style`: gy, or ones for SUM."""
    return gy if style == GIVEN_GRAD else np.ones_like(gy)


def minor_faults():
    """Minor page faults of this process so far: each is a fresh page the OS had to map
    (and zero), which is what freeing large blocks back to the OS costs on the next step."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(named_fns, rounds=30, number=1, warmup=3):
    """[Result] for each function: called `number` times per round, the functions in turn
    each round (a load spike slows them alike), after `warmup` untimed rounds (which also
    let the heap reach the peak that all of them together need)."""
    for _ in range(warmup):
        for fn in named_fns.values():
            fn()
    times = {name: [] for name in named_fns}
    cpu = {name: [] for name in named_fns}
    faults = dict.fromkeys(named_fns, 0)
    for _ in range(rounds):
        for name, fn in named_fns.items():
            before, start, cpu_start = minor_faults(), time.perf_counter(), time.process_time()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
            cpu[name].append((time.process_time() - cpu_start) / number)
            faults[name] += minor_faults() - before
    return [Result(name, statistics.median(times[name]), min(times[name]),
                   statistics.median(cpu[name]), faults[name] / (rounds * number), cpu[name])
            for name in named_fns]


def ratio(result, baseline):
    """result's CPU time over baseline's: the median of the ratios of the two measured in the
    same round (seconds apart), which a load that comes and goes over the run disturbs less
    than the ratio of the two medians, taken over different rounds."""
    pairs = zip(result.per_round, baseline.per_round)
    return statistics.median(mine / theirs for mine, theirs in pairs)


_SAID_MISSING = set()


def optional(module_name):
    """Import a competitor if installed and importable, else None (benchmarks skip it).

    Not only ImportError: DeZero's last release fails to import under NumPy 2 (np.int)."""
    try:
        module = __import__(module_name)
    except Exception as exc:  # noqa: BLE001  (any failure means: skip this competitor)
        if not isinstance(exc, ModuleNotFoundError):
            print(f"  (skipping {module_name}: {type(exc).__name__}: {exc})".splitlines()[0])
        elif module_name == "torch" and module_name not in _SAID_MISSING:
            _SAID_MISSING.add(module_name)
            print("  (PyTorch is not installed: its column and ratios are left out; "
                  "bash scripts/setup.sh --with-torch adds it)")
        return None
    if module_name == "torch":
        module.set_num_threads(1)
    return module


def report(title, results, unit="ms", scale=1e3, baselines=("numpy", "pytorch")):
    """Print each result's median and best wall-clock time, median CPU time, page faults
    per call, and its ratio to each baseline present: of CPU times (all single-threaded; on
    a machine shared with other work they vary least), paired round by round (`ratio`).
    Returns {name: Result}."""
    by_name = {r.name: r for r in results}
    present = [b for b in baselines if b in by_name]
    width = max([10] + [len(r.name) for r in results])
    print(title)
    print(f"  {'':{width}s} {'median ' + unit:>11s} {'best ' + unit:>10s} {'cpu ' + unit:>10s} "
          f"{'faults/call':>12s}" + "".join(f" {'/ ' + b:>10s}" for b in present))
    for r in results:
        ratios = "".join(f" {ratio(r, by_name[b]):9.2f}x" for b in present)
        print(f"  {r.name:{width}s} {r.seconds * scale:11.3f} {r.best * scale:10.3f} "
              f"{r.cpu * scale:10.3f} {r.faults:12.1f}{ratios}")
    return by_name


def start_bench(doc):
    """Read the command line (only --help, which prints `doc`: a bench takes minutes, and
    `--help` must not start one), then print the malloc note."""
    import argparse
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    print(malloc_note())


def malloc_note():
    """One line saying whether rungrad's malloc tuning is in force in this process."""
    tuning = autograd.memory.malloc_tuning()
    if tuning is None:
        return "malloc tuning: off (glibc defaults or not glibc)"
    return ("malloc tuning: on (mmap threshold {mmap_threshold} B, trim threshold "
            "{trim_threshold} B)".format(**tuning))
