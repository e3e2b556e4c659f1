"""The process group: which rank this process is among how many, over MPI (mpi4py).

A program started by `mpiexec -n N` joins MPI's world of N processes; a program started
plainly is a world of one, and then nothing here imports mpi4py. Names after
torch.distributed: `init_process_group`, `is_initialized`, `get_rank`, `get_world_size`,
`barrier`, `destroy_process_group`. `get_rank` and `get_world_size` initialize on first use
(torch.distributed would raise instead), so library code can ask without a set-up step.

Faults: once a group of several ranks is made, no rank's failure leaves the others waiting
forever in a collective: an uncaught exception aborts the job, and a rank that exits early
(sys.exit) ends it with its exit status (nn.distributed.faults).
"""
import os
import sys

from . import faults

# Variables an MPI launcher sets in each process it starts: MPICH's Hydra (PMI_*), Open MPI
# (OMPI_*), PMIx-based launchers, Slurm's srun. Read before importing mpi4py.
_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS",
                   "SLURM_NTASKS")
EXTRA_HINT = ("install the distributed extra: pip install 'rungrad[distributed]' (mpi4py and "
              "the mpich wheel, which provides mpiexec)")


class _Group:
    """The world: `comm` is mpi4py's COMM_WORLD, or None for a world of one; `watch` ends
    the job when a rank leaves early (nn.distributed.faults)."""

    def __init__(self, comm, watch=None):
        self.comm, self.watch = comm, watch
        self.rank = 0 if comm is None else comm.Get_rank()
        self.size = 1 if comm is None else comm.Get_size()
        self.on_one_node = None  # whether all ranks share one machine: asked when needed
        # what this rank's gradients count in the next reduction, relative to the others'
        # (fit sets it to its loss's denominator for a backward): SyncBatchNorm weighs its
        # statistics' gradients by it before summing them over the ranks
        self.gradient_weight = 1.0
        self.collectives = 0  # this rank's collectives so far (nn.distributed.lockstep)

    def wait(self, request, what):
        """Wait for a non-blocking collective; the job ends if a rank leaves meanwhile."""
        self.watch.wait(request, what)


_group = None


def launched_world_size():
    """How many processes the launcher started (1 when not started by one); no MPI call."""
    for name in _SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def import_mpi(needed_for, finalize_at_exit=True):
    """mpi4py's MPI module, or an ImportError naming the extra to install. Without
    finalize_at_exit, mpi4py (when imported now, not before) leaves MPI_Finalize to us."""
    try:
        import mpi4py
        if not finalize_at_exit:
            mpi4py.rc.finalize = False
        from mpi4py import MPI
    except ImportError as exc:
        raise ImportError(f"{needed_for} needs mpi4py ({exc}); {EXTRA_HINT}") from None
    return MPI


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Join the job's process group (idempotent); returns nothing, as PyTorch's.

    Takes torch.distributed's arguments, so ported code runs unchanged, but the launcher
    (mpiexec -n N) places the ranks: world_size and rank, where given, must be MPI's (a
    ValueError otherwise); init_method, store, timeout, group_name, pg_options and device_id
    are not used (no rendezvous to make; a failing rank ends the job instead of a timeout).
    backend: 'mpi', or torch's 'gloo' or 'nccl' (or 'cpu:gloo,cuda:nccl'), all of which run
    over MPI here: CuPy arrays go through host copies, NCCL is not used. Launched by mpiexec
    with N > 1 processes, this imports mpi4py (an ImportError naming the `distributed` extra
    when it is missing); otherwise the group is this process alone and mpi4py is not needed.
    """
    global _group
    _check_backend(backend)
    size = launched_world_size()
    _check_not_torchrun(size)
    _check_given("world_size", world_size, size, "mpiexec started")
    if _group is None:
        _group = _new_group(size)
    _check_given("rank", rank, _group.rank, "MPI made this process rank")


_BACKENDS = ("mpi", "gloo", "nccl")  # torch's names; every one runs over MPI here


def _check_backend(backend):
    """Refuse a backend not among `_BACKENDS` (in torch's 'device:backend,...' form too)."""
    names = [part.rpartition(":")[2].strip() for part in str(backend or "mpi").split(",")]
    if not all(name.lower() in _BACKENDS for name in names):
        raise ValueError(f"init_process_group: backend must be one of {', '.join(_BACKENDS)} "
                         f"(all run over MPI, through mpi4py), got {backend!r}")


def _check_not_torchrun(size):
    """torchrun sets WORLD_SIZE (and RANK) for the processes it starts; without an MPI
    launcher's variables, each would train alone as rank 0 of a world of 1, and all of them
    would write the same files."""
    given = os.environ.get("WORLD_SIZE", "")
    if size == 1 and given.isdigit() and int(given) > 1:
        raise RuntimeError(f"init_process_group: WORLD_SIZE={given} (a torchrun launch?), but "
                           f"this process was not started by mpiexec; rungrad's ranks run "
                           f"over MPI: start the job with `mpiexec -n {given} python ...` "
                           f"(or `rungrad train --workers {given}`)")


def _check_given(name, given, actual, said):
    """A world_size or rank passed as torch's code passes it must be what MPI decided."""
    if given is not None and given != -1 and given != actual:
        raise ValueError(f"init_process_group: {name}={given!r}, but {said} {actual}; the "
                         f"launcher (mpiexec -n N) decides the world size and the ranks, so "
                         f"leave {name} out or pass MPI's")


def _new_group(size):
    if size == 1:
        return _Group(None)
    finalize_here = "mpi4py.MPI" not in sys.modules  # else mpi4py finalizes at exit
    MPI = import_mpi(f"init_process_group (launched as one of {size} processes)",
                     finalize_at_exit=False)
    return _Group(MPI.COMM_WORLD, faults.watch(MPI.COMM_WORLD, MPI, finalize_here))


def is_initialized():
    return _group is not None


def destroy_process_group():
    """Free what the group holds (shared bucket memory: collective, every rank calls it) and
    forget the group (MPI itself stays initialized until the process exits)."""
    global _group
    if _group is not None and _group.comm is not None:
        from .shared_memory import free_all
        free_all(watched=True)
    _group = None


def group():
    """The current group, initialized on first use."""
    if _group is None:
        init_process_group()
    return _group


_world = group  # (the functions below take PyTorch's group= argument, which hides it)

# PyTorch's `dist.group.WORLD`: the world, the one group there is (None means it too)
WORLD = None


def world_only(given, who):
    """Refuse a group other than the world (PyTorch's group= argument), by name."""
    if given is not None and given is not _group:
        raise ValueError(f"{who}: group= must be the world (None or dist.group.WORLD): "
                         "nn.distributed has one group, every rank (the one new_group gives)")


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, **options):
    """PyTorch's new_group, for the one group there is: every rank (ranks None or all)."""
    size = group().size
    if ranks is not None and sorted(ranks) != list(range(size)):
        raise ValueError(f"new_group: nn.distributed has one group, every rank; got ranks "
                         f"{list(ranks)} of {size}")
    return WORLD


def get_backend(group=None):
    """'mpi' under a launcher of several processes, as PyTorch names it."""
    world_only(group, "get_backend")
    return "mpi"


def is_available():
    """True, as torch.distributed's: a world of one works without MPI."""
    return True


def get_rank(group=None):
    """This process's rank, 0 .. world size - 1 (0 in a world of one)."""
    world_only(group, "get_rank")
    return _world().rank


def get_world_size(group=None):
    """The number of processes in the group (1 when not launched by mpiexec)."""
    world_only(group, "get_world_size")
    return _world().size


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank has reached this call (PyTorch's arguments accepted)."""
    world_only(group, "barrier")
    world = _world()
    if world.comm is not None:  # a check-in is a barrier
        from . import lockstep
        lockstep.check_in(world, lockstep.tag(world, "barrier"), "barrier")


def abort(status=1):
    """End every rank of the job now (MPI_Abort); a plain exit in a world of one."""
    comm = group().comm
    sys.stdout.flush()
    sys.stderr.flush()
    if comm is None:
        raise SystemExit(status)
    faults.abort_job(comm, status)


__all__ = ["init_process_group", "is_initialized", "destroy_process_group", "get_rank",
           "get_world_size", "barrier", "abort", "launched_world_size", "WORLD", "new_group",
           "get_backend", "is_available"]
