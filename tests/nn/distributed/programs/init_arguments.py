"""init_process_group with torch.distributed's arguments on 2 ranks: world_size and rank
checked against MPI's on every rank; prints 'ok <case>' per rank."""
import datetime

import nn.distributed as dist

dist.init_process_group("gloo", init_method="env://", world_size=2,
                        timeout=datetime.timedelta(minutes=1))
rank = dist.get_rank()
dist.init_process_group(backend="nccl", world_size=2, rank=rank)  # MPI's: taken
print("ok taken", flush=True)
for name, given in (("world_size", {"world_size": 3}), ("rank", {"rank": 1 - rank})):
    try:
        dist.init_process_group(**given)
    except ValueError as error:
        assert f"{name}={given[name]}, but" in str(error), error
        print(f"ok {name}: {error}", flush=True)
dist.barrier()
