"""DDP over the ranks (six in the test) of a module with a float16 and a float64 parameter,
in two buckets: the float64 gradient must be exactly the mean over the ranks, though 1/6 is
not exact in float16 (the bucket that carries the ranks' weights). Prints 'exact' per rank.
"""
import numpy as np

import nn
import nn.distributed as dist
from autograd import Variable
from autograd.variable import Parameter


class TwoDtypes(nn.Module):
    def __init__(self):
        super().__init__()
        self.w64 = Parameter(np.zeros(4))
        self.w16 = Parameter(np.zeros(4, dtype=np.float16))  # bucket 0: backward meets it first

    def forward(self, x):
        return (self.w64 * x).sum() + (self.w16 * Variable(x.astype(np.float16))).sum()


rank, world = dist.get_rank(), dist.get_world_size()
xs = [np.array([1.0, 2.0, 3.0, 4.0]) * (r + 1) for r in range(world)]
ddp = dist.DistributedDataParallel(TwoDtypes())
assert [b.buffer.dtype for b in ddp.reducer.buckets] == [np.float16, np.float64]
ddp(xs[rank]).backward()
np.testing.assert_array_equal(ddp.module.w64.grad.data, np.mean(xs, axis=0))
print(f"rank {rank}: exact", flush=True)
