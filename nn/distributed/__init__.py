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
or exits early ends the whole job (nn.distributed.faults); ranks that call collectives out of
step raise OutOfStepError (nn.distributed.lockstep); docs/distributed.md is the guide.
The names load on first use: `import nn` reads only nn.distributed.group's launch check.
"""
from autograd.lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(__name__, names={
    "ReduceOp": "collectives", "all_gather_rows": "collectives", "all_reduce": "collectives",
    "broadcast": "collectives", "DistributedDataParallel": "ddp",
    "consume_prefix_in_state_dict_if_present": "ddp", "abort": "group", "barrier": "group",
    "destroy_process_group": "group", "get_rank": "group", "get_world_size": "group",
    "init_process_group": "group", "is_initialized": "group", "GradientReducer": "reducer",
    "DistributedSampler": "sampler", "SyncBatchNorm": "sync_batchnorm",
    "OutOfStepError": "lockstep", "all_gather": "collectives", "reduce": "collectives",
    "new_group": "group", "get_backend": "group", "is_available": "group",
})

__all__ = ["init_process_group", "is_initialized", "destroy_process_group", "get_rank",
           "get_world_size", "barrier", "abort", "all_reduce", "broadcast", "all_gather_rows",
           "ReduceOp", "DistributedDataParallel", "consume_prefix_in_state_dict_if_present",
           "GradientReducer", "DistributedSampler", "SyncBatchNorm", "OutOfStepError",
           "all_gather", "reduce", "new_group", "get_backend", "is_available"]
