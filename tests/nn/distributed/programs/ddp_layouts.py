"""DDP refuses ranks whose models or options differ, on every rank and naming what differs:
a parameter's shape or dtype, even where the sizes agree (a (6, 4) weight against a (4, 6)
one); a parameter frozen on one rank only; an option that changes the buckets or the
collectives (either had the ranks average one parameter's gradient with another's). Prints
'ok <case>' per rank for each refusal."""
import numpy as np

import nn
import nn.distributed as dist

rank = dist.get_rank()


def frozen_on_rank_1():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    model[0].bias.requires_grad_(rank == 0)
    return model


cases = {  # name: (the module, the options, what the message names)
    "transposed": (lambda: nn.Linear(4, 6, bias=False) if rank == 0 else
                   nn.Linear(6, 4, bias=False), {}, "rank 1 has weight"),
    "dtype": (lambda: nn.Linear(3, 2) if rank == 0 else nn.Linear(3, 2).double(), {},
              "rank 1 has weight"),
    "frozen": (frozen_on_rank_1, {}, "rank 1 has 0.bias (4,) float32 frozen"),
    "find_unused": (lambda: nn.Linear(3, 2), {"find_unused_parameters": rank == 1},
                    "rank 1 has find_unused_parameters=True where rank 0 has "
                    "find_unused_parameters=False"),
    "bucket_cap": (lambda: nn.Linear(3, 2), {"bucket_cap_mb": 25.0 + rank},
                   "rank 1 has bucket_cap_mb=26.0"),
    "broadcast_buffers": (lambda: nn.Linear(3, 2), {"broadcast_buffers": rank == 0},
                          "rank 1 has broadcast_buffers=False"),
}
for name, (make, options, named) in cases.items():
    try:
        dist.DistributedDataParallel(make(), **options)
    except ValueError as error:
        message = str(error)
        assert named in message and "where rank 0 has" in message, message
        print(f"ok {name}: {message}", flush=True)
same = dist.DistributedDataParallel(nn.Linear(3, 2))  # alike: wrapped as before
assert np.isfinite(same.module.weight.data).all()
print("ok alike", flush=True)
