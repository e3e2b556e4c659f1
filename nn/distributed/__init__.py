"""nn.distributed: data-parallel training over MPI (mpi4py), with torch.distributed's names.

Start N processes with `mpiexec -n N python train.py` (or `rungrad train --workers N`); each
process runs the same program on its own shard of the data. PyTorch's way:

    import nn.distributed as dist
    dist.init_process_group()                       # MPI's world; a world of one otherwise
    model = dist.DistributedDataParallel(Net())     # rank 0's weights, averaged gradients
    sampler = dist.DistributedSampler(train_set)    # this rank's shard
    loader = nn.data.DataLoader(train_set, batch_size=32, sampler=sampler)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)                    # a new shuffle, the same on every rank
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(Variable(x)), y).backward()   # .grad: the mean over the ranks
            optimizer.step()
    if dist.get_rank() == 0:
        model.module.save_weights("weights.npz")    # the bare module's keys

Keras' way needs nothing more: `model.fit(x, y, batch_size=64)` on N ranks cuts each global
batch of 64 into N pieces, averages gradients, losses and metrics (every rank logs what one
process would), and only rank 0 prints progress and runs ModelCheckpoint and CSVLogger.
Without mpiexec (or without mpi4py) everything works as a world of one. A rank that raises
or exits early ends the whole job (nn.distributed.faults); docs/distributed.md is the guide.
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
