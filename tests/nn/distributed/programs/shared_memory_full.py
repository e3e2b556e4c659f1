"""When the machine's shared memory has no room for the buckets (a container's small
/dev/shm), DDP sums through MPI's Allreduce instead, and every rank agrees on it even when
only one rank sees the shortage. Prints 'ok fallback' per rank."""
import numpy as np

import nn
import nn.distributed as dist
from autograd import Variable
from nn.distributed import shared_memory

rank = dist.get_rank()
shared_memory.free_space = lambda: 0 if rank == 1 else None  # rank 0 cannot tell
ddp = dist.DistributedDataParallel(nn.Linear(3, 2))
assert all(bucket.shared is None for bucket in ddp.reducer.buckets)
x = np.full((2, 3), rank + 1.0, dtype=np.float32)
ddp(Variable(x)).sum().backward()
np.testing.assert_allclose(ddp.module.weight.grad.data, np.full((2, 3), 3.0), rtol=1e-6)
print(f"rank {rank}: ok fallback", flush=True)
