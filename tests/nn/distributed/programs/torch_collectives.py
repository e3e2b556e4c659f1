"""PyTorch's collectives and names on two ranks: all_gather fills one array per rank, reduce
gives rank dst the sum and leaves the others', async_op returns a Work to wait on, group=
takes the world, and DDP takes PyTorch's device_ids/static_graph; prints 'ok' per rank."""
import numpy as np

import nn
import nn.distributed as dist

rank = dist.get_rank(group=dist.group.WORLD)
gathered = [np.zeros(2) for _ in range(dist.get_world_size())]
dist.all_gather(gathered, np.full(2, rank + 1.0), group=dist.group.WORLD)
assert [g.tolist() for g in gathered] == [[1.0, 1.0], [2.0, 2.0]], gathered
mine = np.full(3, 10.0 * (rank + 1))
dist.reduce(mine, dst=1)
assert mine.tolist() == ([10.0] * 3 if rank == 0 else [30.0] * 3), mine
total = np.array([rank + 1.0])
assert dist.all_reduce(total, dist.ReduceOp.SUM, async_op=True).wait() and total[0] == 3.0
model = dist.DistributedDataParallel(nn.Linear(2, 1), device_ids=[rank], static_graph=True)
dist.barrier(group=dist.group.WORLD)
print(f"ok {dist.get_backend()}", flush=True)
