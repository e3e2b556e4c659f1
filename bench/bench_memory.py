"""Resident memory and minor page faults over 2,000 training steps of an MLP, a CNN and an
LSTM (targets: flat memory, <= 5 faults per step), and no float64 leaking into float32
training. RUNGRAD_MALLOC_TUNING=0 shows glibc's defaults.  Run: python bench/bench_memory.py
"""
import resource

from _common import minor_faults, start_bench

import numpy as np

import nn
import nn.functional as F
import optim

STEPS = 2000
CHECKPOINTS = (100, 500, 1000, 1500, 2000)
WARM = CHECKPOINTS[1]  # growth and faults are counted from here on


def resident_mib():
    """Current resident set size in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LastStep(nn.Module):
    """An LSTM's last output through a Linear head: many-to-one classification."""

    def __init__(self, inputs, hidden, classes):
        super().__init__()
        self.lstm, self.head = nn.LSTM(inputs, hidden), nn.Linear(hidden, classes)

    def forward(self, x):
        return self.head(self.lstm(x)[0][-1])


def cases(rng):
    """(title, model, input batch) for each model; every one has 10 classes."""
    return [
        ("MLP 784-256-10, batch 100", nn.Sequential(nn.Linear(784, 256), nn.ReLU(),
                                                    nn.Linear(256, 10)),
         rng.standard_normal((100, 784))),
        ("CNN conv 16 3x3 - relu - maxpool 2 - linear, batch 32 of 1x28x28",
         nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                       nn.Flatten(), nn.Linear(16 * 14 * 14, 10)),
         rng.standard_normal((32, 1, 28, 28))),
        ("LSTM 32->64, 20 steps, batch 16, last output -> linear", LastStep(32, 64, 10),
         rng.standard_normal((20, 16, 32))),
    ]


def train(title, model, x, rng):
    """Train with Adam for STEPS steps; print resident memory, growth and faults per step."""
    x = x.astype(np.float32)
    t = rng.integers(0, 10, size=len(x) if x.ndim != 3 else x.shape[1])
    opt = optim.Adam(model.parameters(), lr=1e-3)
    readings = {}
    for step in range(1, STEPS + 1):
        if step == WARM:
            faults = minor_faults()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), t)
        loss.backward()
        opt.step()
        if step in CHECKPOINTS:
            readings[step] = resident_mib()
    per_step = (minor_faults() - faults) / (STEPS - WARM)
    dtypes = {p.grad.dtype for p in model.parameters()} | {p.dtype for p in model.parameters()}
    print(f"{title}, Adam, float32: resident memory over {STEPS} steps")
    print("  " + "  ".join(f"step {step}: {mib:.1f} MiB" for step, mib in readings.items()))
    print(f"  growth from step {WARM} to {STEPS}: {readings[STEPS] - readings[WARM]:+.1f} MiB"
          f" (target: flat); minor page faults per step: {per_step:.1f} (target <= 5)")
    print(f"  dtypes of parameters and gradients: {sorted(str(d) for d in dtypes)}"
          "  (target: float32 only)")


def main():
    start_bench(__doc__)
    rng = np.random.default_rng(0)
    for title, model, x in cases(rng):
        train(title, model, x, rng)


if __name__ == "__main__":
    main()
