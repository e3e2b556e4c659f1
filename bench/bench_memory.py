"""Resident memory over 2,000 training steps (issue 3's target: flat), and no float64
leaking into float32 training.  Run: python bench/bench_memory.py
"""
import resource

import _common  # noqa: F401  (sets one BLAS thread before NumPy loads)

import numpy as np

import nn
import nn.functional as F
import optim

STEPS = 2000
CHECKPOINTS = (100, 500, 1000, 1500, 2000)


def resident_mib():
    """Current resident set size in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 784)).astype(np.float32)
    t = rng.integers(0, 10, size=100)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    readings = {}
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), t)
        loss.backward()
        opt.step()
        if step in CHECKPOINTS:
            readings[step] = resident_mib()
    dtypes = {p.grad.dtype for p in model.parameters()} | {p.dtype for p in model.parameters()}
    print(f"MLP 784-256-10, Adam, batch 100, float32: resident memory over {STEPS} steps")
    for step, mib in readings.items():
        print(f"  step {step:5d}: {mib:8.1f} MiB")
    growth = readings[STEPS] - readings[CHECKPOINTS[1]]
    print(f"  growth from step {CHECKPOINTS[1]} to {STEPS}: {growth:+.1f} MiB  (target: flat)")
    print(f"  dtypes of parameters and gradients: {sorted(str(d) for d in dtypes)}"
          "  (target: float32 only)")


if __name__ == "__main__":
    main()
