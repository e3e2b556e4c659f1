"""A training step on the GPU reads (almost) nothing back to the host: each read of a device
value waits for every kernel queued before it, so the CPU can no longer run ahead. Counted
with fake_cupy's arrays (RUNGRAD_FAKE_CUPY=1), which note each read; real CuPy does not."""
import sys

import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import cuda

from . import fake_cupy

pytestmark = pytest.mark.skipif(sys.modules.get("cupy") is None or not isinstance(
    sys.modules["cupy"], fake_cupy._DeviceModule), reason="counts reads of fake_cupy's arrays")

RNG = np.random.default_rng(0)


class _LastOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm, self.head = nn.LSTM(3, 6, 2), nn.Linear(6, 2)

    def forward(self, x):
        return self.head(self.lstm(x)[0][-1])


CASES = {  # name: (model, optimizer, loss, input shape, target, reads allowed per step)
    "MLP, cross-entropy": (lambda: nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Dropout(0.2),
                                                 nn.Linear(30, 3)),
                           lambda p: optim.Adam(p), F.cross_entropy, (16, 20),
                           RNG.integers(0, 3, 16), 1),
    "CNN, batch norm": (lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4),
                                              nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                              nn.Linear(64, 3)),
                        lambda p: optim.SGD(p, lr=0.1, momentum=0.9), F.cross_entropy,
                        (4, 1, 8, 8), RNG.integers(0, 3, 4), 1),
    "LSTM, mean squared error": (_LastOutput, lambda p: optim.AdamW(p), F.mse_loss, (5, 4, 3),
                                 RNG.standard_normal((4, 2)), 0),
}


@pytest.mark.parametrize("name", CASES)
def test_a_training_step_reads_the_device_at_most_for_the_labels_check(name):
    make, make_optimizer, loss_fn, shape, target, allowed = CASES[name]
    model = make().to_gpu()
    opt = make_optimizer(model.parameters())
    x = cuda.to_gpu(RNG.standard_normal(shape).astype(np.float32))
    t = cuda.to_gpu(target.astype(np.float32) if target.dtype.kind == "f" else target)

    def step():
        opt.zero_grad()
        loss_fn(model(x), t).backward()
        opt.step()
    step()  # (the first step makes the optimizer's state)
    fake_cupy.host_reads = []
    try:
        step()
        reads = fake_cupy.host_reads
    finally:
        fake_cupy.host_reads = None
    where = [f"{what} at " + " <- ".join(f"{f.filename}:{f.lineno}" for f in reversed(frames))
             for what, frames in reads]
    assert len(reads) <= allowed, "\n".join(where)
