"""Wrapping one module again and again frees the earlier wrapper's shared bucket memory:
the live shared sums stay at one wrapper's; prints 'ok <count>' per rank."""
import numpy as np

import nn
import nn.distributed as dist
from nn.distributed import shared_memory

model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 2))
x = np.ones((4, 16), np.float32)
counts = []
for _ in range(5):
    ddp = dist.DistributedDataParallel(model)
    ddp(x).sum().backward()
    counts.append(len(shared_memory._live))
assert counts[-1] == counts[0], counts
print(f"ok {counts[-1]}", flush=True)
