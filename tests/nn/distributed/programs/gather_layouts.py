"""all_gather_rows refuses ranks whose arrays differ in dtype or beyond axis 0, on every rank
and naming each rank's (it wrote past its buffer before); prints 'ok <case>: <message>' per
rank for each refusal, then 'ok alike' for arrays of different lengths joined."""
import numpy as np

import nn.distributed as dist

rank = dist.get_rank()
cases = {
    "transposed": lambda: np.ones((2, 3)) if rank == 0 else np.ones((3, 2)),
    "dtype": lambda: np.ones((2, 3)) if rank == 0 else np.ones((2, 3), np.float32),
    "axes": lambda: np.ones((2, 3)) if rank == 0 else np.ones((2, 3, 1)),
}
for name, make in cases.items():
    try:
        dist.all_gather_rows(make())
    except ValueError as error:
        print(f"ok {name}: {error}", flush=True)
joined = dist.all_gather_rows(np.full((rank + 1, 2), rank, np.int32))
assert joined.tolist() == [[0, 0], [1, 1], [1, 1]], joined
print("ok alike", flush=True)
