"""Train a small float64 MLP with DistributedDataParallel on every rank's shard.

argv: optimizer ('sgd' momentum or 'adam'), output prefix (each rank writes
PREFIX_<rank>.npz with its final parameters), global batch size, and optionally 'view' for
gradient_as_bucket_view=True and/or 'captured' for the step as an autograd.capture (its
replays run the averaging in their backward).
Each rank starts from its own random weights (seed 100 + rank): DDP must replace them by
rank 0's. Rank r's batches come from DistributedSampler(shuffle=False), B = global / ranks.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from autograd import capture
from nn.data import DataLoader, TensorDataset

optimizer_name, prefix, global_batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
as_view, captured = "view" in sys.argv[4:], "captured" in sys.argv[4:]
dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()

data = np.random.default_rng(0)
x = data.normal(size=(48, 5))
y = data.integers(0, 3, size=48)

np.random.seed(100 + rank)
model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(),
                      nn.Linear(16, 3))
for p in model.parameters():
    p.data = np.random.normal(size=p.shape)  # float64, and different on every rank
ddp = dist.DistributedDataParallel(model, bucket_cap_mb=0.001,  # several buckets
                                   gradient_as_bucket_view=as_view)
opt = (optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9) if optimizer_name == "sgd"
       else optim.Adam(ddp.parameters(), lr=0.01))
loss_fn = nn.CrossEntropyLoss()
dataset = TensorDataset(x, y)
sampler = dist.DistributedSampler(dataset, shuffle=False)
loader = DataLoader(dataset, batch_size=global_batch // world, sampler=sampler)


def step(xb, yb):
    opt.zero_grad()
    loss_fn(ddp(xb), yb).backward()
    opt.step()


step = capture(step) if captured else step
for epoch in range(3):
    sampler.set_epoch(epoch)
    for xb, yb in loader:
        step(xb, yb)
if captured:
    assert step.captured >= 1, "the step was never replayed"
np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()])
transport = "shared_memory" if any(b.shared for b in ddp.reducer.buckets) else "mpi"
print(f"rank {rank} of {world}: buckets {len(ddp.reducer.buckets)}, reduced through "
      f"{transport}")
