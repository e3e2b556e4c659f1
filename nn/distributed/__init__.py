"""nn.distributed: data-parallel training over MPI (mpi4py), with torch.distributed's names.

Start N processes with `mpiexec -n N python train.py` (or `rungrad train --workers N`); each
process runs the same program on its own shard of the data:

    import nn.distributed as dist
    dist.init_process_group()                       # MPI's world; a world of one otherwise
    model = dist.DistributedDataParallel(Net())     # rank 0's weights, averaged gradients
    sampler = dist.DistributedSampler(train_set)    # this rank's shard
    loader = nn.data.DataLoader(train_set, batch_size=32, sampler=sampler)

Keras' way needs nothing more: `Model.fit` shards its data, averages gradients, losses and
metrics, and only rank 0 prints and writes files when the group has several ranks.
Without mpiexec (or without mpi4py) everything works as a world of one.
"""
from .collectives import ReduceOp, all_gather_rows, all_reduce, broadcast
from .ddp import DistributedDataParallel, consume_prefix_in_state_dict_if_present
from .group import (
    abort,
    barrier,
    destroy_process_group,
    get_rank,
    get_world_size,
    init_process_group,
    is_initialized,
)
from .reducer import GradientReducer
from .sampler import DistributedSampler
from .sync_batchnorm import SyncBatchNorm

__all__ = ["init_process_group", "is_initialized", "destroy_process_group", "get_rank",
           "get_world_size", "barrier", "abort", "all_reduce", "broadcast", "all_gather_rows",
           "ReduceOp", "DistributedDataParallel", "consume_prefix_in_state_dict_if_present",
           "GradientReducer", "DistributedSampler", "SyncBatchNorm"]
