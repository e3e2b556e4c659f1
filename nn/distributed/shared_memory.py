"""Summing one buffer per rank when every rank runs on one machine: MPI-3 shared memory.

MPICH's Allreduce between processes of one machine pushes the data through its shared-memory
queues in pieces: 2-3.5 ms for 7 MiB of gradients on two ranks here, about a tenth of a big
MLP's step. Ranks that can read each other's buffers do better: MPI allocates one block all
ranks of the node map (MPI_Win_allocate_shared); each rank writes its buffer into its row,
then sums one share of the columns of every row and writes it back into every row (1.5 ms
with the copy out). Memory is ordered as the MPI standard's unified model
asks: MPI_Win_sync, a barrier, MPI_Win_sync.

The transport stays MPI (allocation, ordering, barriers); used only when every rank of the
world shares one node, otherwise the reducer keeps MPI's Iallreduce. Set
RUNGRAD_SHARED_MEMORY_ALLREDUCE=0 to always use MPI's.
"""
import os

import numpy as np

from autograd.blocks import BLOCK, in_blocks

from . import lockstep
from .collectives import all_reduce

_live = []  # SharedSums not freed yet, in allocation order (the same on every rank)


def usable(world, MPI, nbytes):
    """Whether buffers of `nbytes` per rank can be summed in shared memory: every rank of
    `world` runs on this node, the machine's shared memory has room for the ranks' rows (a
    container's /dev/shm is often 64 MiB; MPI's memory there would fail with a
    bus error when first touched), and the shared-memory sum is not switched off.
    Collective: every rank must call it together, and all get the same answer."""
    if os.environ.get("RUNGRAD_SHARED_MEMORY_ALLREDUCE", "1") == "0":
        return False
    if world.on_one_node is None:
        _all_here(world, "setting up shared memory")
        node = world.comm.Split_type(MPI.COMM_TYPE_SHARED)
        world.on_one_node = node.Get_size() == world.size
        node.Free()
    if not world.on_one_node:
        return False
    room = free_space()
    fits = room is None or room >= 1.25 * world.size * nbytes
    return bool(all_reduce(np.array([fits], dtype=np.int32), "min")[0])


def free_space():
    """Free bytes where MPI keeps shared memory on Linux (/dev/shm); None if unknown."""
    try:
        stats = os.statvfs("/dev/shm")
    except (OSError, AttributeError):
        return None
    return stats.f_bavail * stats.f_frsize


class SharedSum:
    """`mine`: this rank's row of a block that all ranks of the node share; `sum()` leaves the
    elementwise sum of the rows in every row. Creating one is collective.

    With spare=True each rank has two rows and sums in the one it chose last (`use`): the
    other keeps what it held (DDP hands out a row's sums as gradients, which must stay as
    they were while somebody holds them; see nn.distributed.reducer).

    Which memory a rank touches when: each rank writes its row before the sum's first
    barrier; between the barriers each rank reads its share of the columns of every row and
    writes their sum into that share of every row; after the second, each reads its own row
    only, and writes it again only after that. So no rank reads memory another may be
    writing, without a third barrier."""

    def __init__(self, world, size, dtype, MPI, spare=False):
        self.world = world
        itemsize = np.dtype(dtype).itemsize
        count = world.size * ((1 + spare) * size + 1)  # rows, and each rank's choice
        nbytes = count * itemsize if world.rank == 0 else 0  # rank 0 allocates
        _all_here(world, "allocating shared memory")
        self.window = MPI.Win.Allocate_shared(nbytes, itemsize, comm=world.comm)
        if free_all not in world.watch.at_clean_exit:
            world.watch.at_clean_exit.append(free_all)
        _live.append(self)
        memory, _ = self.window.Shared_query(0)
        self.block = np.frombuffer(memory, dtype=dtype, count=count).reshape(world.size, -1)
        self.rows = self.block[:, :-1].reshape(world.size, 1 + spare, size)
        self.chosen = self.block[:, -1]  # which of its rows each rank sums in
        self.use(0)
        self.share = slice(world.rank * size // world.size,
                           (world.rank + 1) * size // world.size)
        self.window.Lock_all()  # a passive epoch for the window's lifetime: Sync orders memory
        self.on_free = []  # callables run before the memory goes (to drop references to it)

    def mine_at(self, j):
        """This rank's row j (0, or 1 with a spare)."""
        return self.rows[self.world.rank, j]

    def use(self, j):
        """Sum in this rank's row j from now on (`mine`); the others learn it in sum()."""
        self.mine = self.mine_at(j)
        self.chosen[self.world.rank] = j

    def holds(self, array):
        """Whether `array` lives in this memory (by bounds: cheap)."""
        return (self.window is not None and isinstance(array, np.ndarray)
                and np.may_share_memory(array, self.block))

    def sum(self, what, tag, scale=1.0, scaled=0):
        """Sum the rows into every row (collective). In the first `scaled` elements each row
        is multiplied by `scale` as it is added: the arithmetic of scaling every row before
        the sum (so the sum overflows only where the scaled one would), done by each rank
        on its share only, block by block while the block is in cache. `tag`: this sum's
        (nn.distributed.lockstep), checked against the other ranks' in the barrier before
        the sum, which raises on every rank where they differ."""
        self._everyone_here(what, tag)  # every row written
        start, stop = self.share.start, self.share.stop
        split = min(max(scaled, start), stop)
        for part, factor in ((slice(start, split), scale), (slice(split, stop), 1.0)):
            rows = [self.mine[part]] + [row[part] for k, row in enumerate(self._chosen_rows())
                                        if k != self.world.rank]
            scratch = np.empty(min(BLOCK, rows[0].size), rows[0].dtype) if factor != 1 else None
            for total, *others in in_blocks(*rows):
                _add_rows(total, others, factor, scratch)
                for other in others:
                    other[...] = total
        self._everyone_here(what)  # every share summed into every row

    def _chosen_rows(self):
        return [rows[int(j)] for rows, j in zip(self.rows, self.chosen)]

    def free(self, watched=True):
        """Release the memory (collective); no view of it may be used after. watched=False
        only where every rank is known to be here (a clean exit)."""
        for forget in self.on_free:
            forget()
        if watched:
            _all_here(self.world, "freeing shared memory")
        else:
            self.world.comm.Barrier()
        self.window.Unlock_all()
        self.window.Free()
        self.window = self.block = self.rows = self.chosen = self.mine = None
        _live.remove(self)

    def _everyone_here(self, what, tag=None):
        """A barrier that orders the window's memory; with a `tag`, a check-in."""
        self.window.Sync()
        if tag is None:
            self.world.wait(self.world.comm.Ibarrier(), what)
            self.window.Sync()
            return
        request, tags = lockstep.start(self.world, tag)
        self.world.wait(request, what)
        self.window.Sync()
        lockstep.check(tags)


def _add_rows(total, others, factor, scratch):
    """total <- (total + sum of others) * factor, each term scaled before it is added."""
    if factor == 1:
        for other in others:
            total += other
        return
    total *= factor
    scratch = scratch[:total.size]
    for other in others:
        total += np.multiply(other, factor, out=scratch)


def free_all(watched=False):
    """Free every SharedSum not freed yet (collective: at a clean exit, where every rank is
    exiting, and in destroy_process_group)."""
    while _live:
        _live[0].free(watched)


def _all_here(world, what):
    """A check-in (a barrier) through the fault watch: MPI's blocking collectives (Win_free,
    ...) cannot notice a rank that has left, and would wait for it forever; `what` is one of
    nn.distributed.lockstep's KINDS."""
    lockstep.check_in(world, lockstep.tag(world, what), what)


__all__ = ["SharedSum", "free_all", "free_space", "usable"]
