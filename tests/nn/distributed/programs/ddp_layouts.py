"""DDP refuses ranks whose models differ in a parameter's shape or dtype, on every rank and
naming it, even where the sizes agree (a (6, 4) weight against a (4, 6) one); prints
'ok <case>' per rank for each refusal."""
import numpy as np

import nn
import nn.distributed as dist

rank = dist.get_rank()
cases = {
    "transposed": lambda: nn.Linear(4, 6, bias=False) if rank == 0 else nn.Linear(6, 4,
                                                                                 bias=False),
    "dtype": lambda: nn.Linear(3, 2) if rank == 0 else nn.Linear(3, 2).double(),
}
for name, make in cases.items():
    try:
        dist.DistributedDataParallel(make())
    except ValueError as error:
        message = str(error)
        assert "rank 1 has weight" in message and "where rank 0 has weight" in message, message
        print(f"ok {name}: {message}", flush=True)
same = dist.DistributedDataParallel(nn.Linear(3, 2))  # alike: wrapped as before
assert np.isfinite(same.module.weight.data).all()
print("ok alike", flush=True)
