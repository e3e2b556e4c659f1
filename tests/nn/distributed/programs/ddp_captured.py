"""DDP inside an autograd.capture on 2 ranks; prints one 'ok <name>' line per check that held.

- no_sync: a captured step called inside `with ddp.no_sync():` accumulates locally, and the
  next (replayed) step averages the sum, as the eager steps do; entering no_sync inside a
  captured step is refused (a replay would average anyway).
- buffers: a model with BatchNorm, captured, ends with the eager model's weights and running
  statistics (rank 0's buffers are broadcast at each replayed forward).
- syncbn: SyncBatchNorm on shards of other sizes on each rank, captured, ends as eagerly
  (the global count and statistics are ops, the running statistics a replayable call).
- unused: find_unused_parameters=True is refused inside a captured step.
"""
import numpy as np

import nn
import nn.distributed as dist
import optim
from autograd import CaptureError, capture

rank = dist.get_rank()
batches = [np.random.default_rng(10 * rank + k).normal(size=(4, 3)) for k in range(6)]


def model_and_step(captured, make):
    np.random.seed(0)
    model = make()
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    ddp = dist.DistributedDataParallel(model)
    opt = optim.SGD(ddp.parameters(), lr=0.1)

    def backward(x):
        (ddp(x) ** 2).sum().backward()

    def step(x):
        opt.zero_grad()
        backward(x)
        opt.step()
    return model, ddp, opt, (capture(backward) if captured else backward), (
        capture(step) if captured else step)


# no_sync around a captured backward: two local backward passes, then a synced one
results = []
for captured in (False, True):
    model, ddp, opt, backward, _ = model_and_step(captured, lambda: nn.Linear(3, 2))
    for k in range(4):  # twice: (local, local, synced) after recording
        opt.zero_grad()
        with ddp.no_sync():
            backward(batches[0])
            backward(batches[1])
        backward(batches[2 + k % 2])
        opt.step()
    results.append([p.data.copy() for p in model.parameters()])
    if captured:
        assert backward.captured == 1
for got, want in zip(*results[::-1]):
    np.testing.assert_array_equal(got, want)


def entering_no_sync(x):
    with ddp.no_sync():
        (ddp(x) ** 2).sum().backward()


try:
    capture(entering_no_sync)(batches[0])
    raise AssertionError("no_sync inside a capture was not refused")
except CaptureError as error:
    assert "no_sync" in str(error)
print("ok no_sync")

# BatchNorm's buffers: broadcast from rank 0 at every forward, replays included
results = []
for captured in (False, True):
    model, ddp, opt, _, step = model_and_step(
        captured, lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh()))
    for x in batches:
        step(x)
    results.append([a.copy() for a in
                    [p.data for p in model.parameters()] + [b for _, b in model.named_buffers()]])
    if captured:
        assert step.captured == 1
for got, want in zip(*results[::-1]):
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
print("ok buffers")

# SyncBatchNorm: statistics over both ranks' batches (of 4 and 5 samples)
results = []
for captured in (False, True):
    model, ddp, opt, _, step = model_and_step(
        captured, lambda: nn.Sequential(nn.Linear(3, 4), dist.SyncBatchNorm(4)))
    for k in range(5):
        step(np.random.default_rng(20 * rank + k).normal(size=(4 + rank, 3)))
    results.append([a.copy() for a in
                    [p.data for p in model.parameters()] + [b for _, b in model.named_buffers()]])
    if captured:
        assert step.captured == 1
for got, want in zip(*results[::-1]):
    np.testing.assert_array_equal(got, want)
print("ok syncbn")

# find_unused_parameters walks each forward's graph: refused
ddp = dist.DistributedDataParallel(nn.Linear(3, 2), find_unused_parameters=True)
try:
    capture(lambda x: ddp(x).sum().backward())(batches[0].astype(np.float32))
    raise AssertionError("find_unused_parameters inside a capture was not refused")
except CaptureError as error:
    assert "find_unused_parameters" in str(error)
print("ok unused")
