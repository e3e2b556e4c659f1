"""Ranks calling collectives out of step raise on every rank, naming what each was doing
(rank 1's all_reduce of a loss met rank 0's gradient averaging: a wrong sum in shared memory,
garbage or a crash inside MPI). Prints 'ok <case>: <message>' per rank for each refusal,
then 'ok alike' once a matched all_reduce sums right. With the argument 'uncaught': the
first case only, not caught: the job must end with the error (it exited 0 with a wrong sum).

- batches: rank 0 runs a batch more than rank 1, then each all_reduces a loss;
- no_sync: rank 0 runs its first backward inside no_sync(), rank 1 does not;
- kinds: an all_reduce against a broadcast; counts: against an all_reduce of another size
  and dtype; gather: all_gather_rows against a barrier.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
from autograd import Variable

rank = dist.get_rank()
x = Variable(np.ones((4, 40), dtype=np.float32))


def steps(batches, local_first=False):
    """DDP backward passes (the first inside no_sync if asked), then a loss all_reduced."""
    model = dist.DistributedDataParallel(nn.Linear(40, 100))
    for k in range(batches):
        if local_first and k == 0:
            with model.no_sync():
                (model(x) ** 2).sum().backward()
        else:
            (model(x) ** 2).sum().backward()
    total = np.array([2.0 + 3 * rank])
    dist.all_reduce(total)
    print(f"rank {rank}: all_reduce gave {total[0]}, not 7", flush=True)


cases = {
    "batches": lambda: steps(3 if rank == 0 else 2),
    "no_sync": lambda: steps(2, local_first=rank == 0),
    "kinds": lambda: dist.all_reduce(np.ones(2)) if rank == 0 else dist.broadcast(np.ones(2)),
    "counts": lambda: dist.all_reduce(np.ones(3) if rank == 0 else np.ones(1, np.float32)),
    "gather": lambda: dist.all_gather_rows(np.ones(2)) if rank == 0 else dist.barrier(),
}
if sys.argv[1:] == ["uncaught"]:
    cases["batches"]()
    print("finished", flush=True)
    sys.exit()
for name, case in cases.items():
    try:
        case()
    except RuntimeError as error:
        if "collectives out of step" in str(error):
            print(f"ok {name}: {error}", flush=True)
total = dist.all_reduce(np.array([2.0 + 3 * rank]))
assert total[0] == 7, total
print("ok alike", flush=True)
