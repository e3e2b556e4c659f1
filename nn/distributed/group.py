"""The process group: which rank this process is among how many, over MPI (mpi4py).

A program started by `mpiexec -n N` joins MPI's world of N processes; a program started
plainly is a world of one, and then nothing here imports mpi4py. Names after
torch.distributed: `init_process_group`, `is_initialized`, `get_rank`, `get_world_size`,
`barrier`, `destroy_process_group`. `get_rank` and `get_world_size` initialize on first use
(torch.distributed would raise instead), so library code can ask without a set-up step.

Faults: once a group of several ranks is made, an exception that nobody catches on any rank
prints its traceback (prefixed by the rank) and calls MPI_Abort, which ends every rank of the
job: the others, waiting in a collective for the failed one, would otherwise wait forever.
"""
import os
import sys

# Variables an MPI launcher sets in each process it starts: MPICH's Hydra (PMI_*), Open MPI
# (OMPI_*), PMIx-based launchers, Slurm's srun. Read before importing mpi4py.
_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS",
                   "SLURM_NTASKS")
EXTRA_HINT = ("install the distributed extra: pip install 'rungrad[distributed]' (mpi4py and "
              "the mpich wheel, which provides mpiexec)")


class _Group:
    """The world: `comm` is mpi4py's COMM_WORLD, or None for a world of one."""

    def __init__(self, comm):
        self.comm = comm
        self.rank = 0 if comm is None else comm.Get_rank()
        self.size = 1 if comm is None else comm.Get_size()


_group = None


def launched_world_size():
    """How many processes the launcher started (1 when not started by one); no MPI call."""
    for name in _SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def import_mpi(needed_for):
    """mpi4py's MPI module, or an ImportError naming the extra to install."""
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise ImportError(f"{needed_for} needs mpi4py ({exc}); {EXTRA_HINT}") from None
    return MPI


def init_process_group(backend="mpi"):
    """Join the job's process group (idempotent); returns nothing, as PyTorch's.

    backend: 'mpi' (the only one). Launched by mpiexec with N > 1 processes, this imports
    mpi4py (an ImportError naming the `distributed` extra when it is missing); otherwise the
    group is this process alone and mpi4py is not needed.
    """
    global _group
    if backend not in ("mpi", None):
        raise ValueError(f"init_process_group: backend must be 'mpi' (over mpi4py), got "
                         f"{backend!r}")
    if _group is not None:
        return
    size = launched_world_size()
    if size == 1:
        _group = _Group(None)
        return
    MPI = import_mpi(f"init_process_group (launched as one of {size} processes)")
    _group = _Group(MPI.COMM_WORLD)
    if _group.size > 1:
        _abort_on_uncaught_exceptions(_group)


def is_initialized():
    return _group is not None


def destroy_process_group():
    """Forget the group (MPI itself stays initialized until the process exits)."""
    global _group
    _group = None


def group():
    """The current group, initialized on first use."""
    if _group is None:
        init_process_group()
    return _group


def get_rank():
    """This process's rank, 0 .. world size - 1 (0 in a world of one)."""
    return group().rank


def get_world_size():
    """The number of processes in the group (1 when not launched by mpiexec)."""
    return group().size


def barrier():
    """Wait until every rank has reached this call."""
    comm = group().comm
    if comm is not None:
        comm.Barrier()


def abort(status=1):
    """End every rank of the job now (MPI_Abort); a plain exit in a world of one."""
    comm = group().comm
    sys.stdout.flush()
    sys.stderr.flush()
    if comm is None:
        raise SystemExit(status)
    comm.Abort(status)


def _abort_on_uncaught_exceptions(world):
    """Print an uncaught exception with this rank's number, then abort the whole job."""
    previous = sys.excepthook

    def excepthook(kind, value, traceback):
        sys.stderr.write(f"rank {world.rank} of {world.size}: uncaught exception, aborting "
                         "the job\n")
        previous(kind, value, traceback)
        sys.stderr.flush()
        world.comm.Abort(1)

    sys.excepthook = excepthook


__all__ = ["init_process_group", "is_initialized", "destroy_process_group", "get_rank",
           "get_world_size", "barrier", "abort", "launched_world_size"]
