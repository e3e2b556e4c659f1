"""Collectives in step: every rank must call nn.distributed's collectives in the same order.

MPI matches collectives by their order alone. Ranks out of step (one rank runs a batch more,
or one backward inside no_sync() where the others average) pair one rank's gradient
averaging with another's all_reduce of a loss: the shared-memory sum then returned a wrong
result silently, and MPI's own collectives one of garbage, a failed assertion inside MPICH
or a hang.

So each collective starts with a check-in: every rank sends every other one a tag of
`WIDTH` int64 (the collective's number on this rank, its kind, a detail such as the bucket,
op or root, its element count and dtype, and room for a few bytes of data) in one
Iallgather. Check-ins are all alike, so the
first collective where the ranks differ always pairs a check-in with a check-in, which
completes whatever follows it; when the tags differ, every rank raises OutOfStepError,
naming what each rank was doing, before any data is combined. A check-in is a barrier as
well: where a collective synchronizes anyway (the shared-memory gradient sum, a barrier) it
takes the barrier's place and costs nothing; elsewhere it is one small collective more
(a few microseconds within a machine), except for an all_reduce of a few numbers (a loss,
a flag, fit's sums), which travels in its check-in's spare room and is combined there. MPI
calls made directly through mpi4py are not checked.
"""
import functools

import numpy as np

FIELDS = 5  # number, kind, detail, count, dtype
WIDTH = 16  # the fields, then room for PAYLOAD_BYTES of data (128 bytes in all: one line)
PAYLOAD_BYTES = 8 * (WIDTH - FIELDS)

# what a tag's kind says; `detail` is the bucket's index, the op's, the root, or a number
KINDS = ("barrier", "all_reduce", "broadcast", "all_gather_rows", "gradient averaging",
         "gradient averaging in shared memory", "broadcast of several arrays",
         "setting up shared memory", "allocating shared memory", "freeing shared memory")
OPS = ("sum", "product", "min", "max", "avg")  # all_reduce's, in the order details count them

ADVICE = ("every rank must call the same collectives in the same order (the same number of "
          "batches per rank: use DistributedSampler; no_sync() on every rank or none)")


class OutOfStepError(RuntimeError):
    """The ranks called different collectives at the same point (raised on every rank)."""


def tag(world, kind, count=0, dtype=None, detail=0):
    """This rank's tag for its next collective, which it numbers."""
    world.collectives += 1
    return np.array((world.collectives, KINDS.index(kind), detail, count, _dtype_code(dtype))
                    + _SPARE, dtype=np.int64)


_SPARE = (0,) * (WIDTH - FIELDS)


def start(world, mine):
    """Post the check-in of tag `mine`; returns (its request, the tags it fills)."""
    tags = np.empty((world.size, WIDTH), dtype=np.int64)
    return world.comm.Iallgather(mine, tags), tags


def check(tags):
    """Raise OutOfStepError (alike on every rank: each sees every tag) unless the ranks'
    tags are equal (their fields: the data they carry may differ)."""
    fields = tags[:, :FIELDS].tolist()  # (Python's comparisons: cheaper for a few numbers)
    if fields.count(fields[0]) == len(fields):
        return
    for rank in range(1, len(tags)):
        if fields[rank] != fields[0]:
            raise OutOfStepError(f"collectives out of step: rank {rank} is in "
                                 f"{describe(tags[rank])} where rank 0 is in "
                                 f"{describe(tags[0])}: {ADVICE}")


def check_in(world, mine, what, payload=None):
    """Exchange tag `mine` with every rank (through the fault watch, as `what`) and check
    the tags: a barrier that raises on every rank where they differ. `payload`: a contiguous
    NumPy array of at most PAYLOAD_BYTES sent along; returns every rank's, in rank order
    (shape (ranks, payload.size)), or None."""
    room = slice(8 * FIELDS, 8 * FIELDS + (0 if payload is None else payload.nbytes))
    if payload is not None:
        mine.view(np.uint8)[room] = payload.reshape(-1).view(np.uint8)
    request, tags = start(world, mine)
    world.wait(request, what)
    check(tags)
    return None if payload is None else tags.view(np.uint8)[:, room].view(payload.dtype)


def describe(tag):
    """A tag in words: 'all_reduce (#57, 'sum' of 1 float64)'."""
    number, kind, detail, count, dtype = (int(v) for v in tag[:FIELDS])
    name = KINDS[kind] if 0 <= kind < len(KINDS) else f"an unknown collective ({kind})"
    elements = f"{count:,} {_dtype_name(dtype)}"
    if name == "all_reduce":
        op = OPS[detail] if 0 <= detail < len(OPS) else detail
        extra = f"{op!r} of {elements}"
    elif name == "broadcast":
        extra = f"from rank {detail}, {elements}"
    elif name == "gradient averaging in shared memory":
        name, extra = f"the gradient averaging of bucket {detail}", elements
    elif name == "gradient averaging":
        name, extra = f"the gradient averaging of {detail} bucket(s)", f"{count:,} elements"
    elif name == "broadcast of several arrays":
        name, extra = f"a broadcast of {detail} arrays", f"{count:,} elements"
    else:
        extra = ""
    return f"{name} (#{number}{', ' + extra if extra else ''})"


@functools.lru_cache(maxsize=None)
def _dtype_code(dtype):
    """A dtype as one int64: the bytes of its name ('<f4'), the same on every machine."""
    if dtype is None:
        return 0
    name = np.dtype(dtype).str.encode()[:8].ljust(8, b"\0")
    return int(np.frombuffer(name, dtype=np.int64)[0])


def _dtype_name(code):
    name = np.array([code], dtype=np.int64).tobytes().rstrip(b"\0").decode(errors="replace")
    try:
        return str(np.dtype(name)) if name else "elements"
    except TypeError:
        return repr(name)


__all__ = ["OutOfStepError", "check", "check_in", "describe", "start", "tag"]
