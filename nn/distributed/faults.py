"""How a job of several ranks ends when one rank fails: never with the others waiting forever.

- An exception nobody catches (KeyboardInterrupt too) prints its traceback, prefixed by the
  rank, and calls MPI_Abort, which ends every rank of the job; it first waits (up to 1 s)
  until the launcher has read the report, which an abort could otherwise cut short (one run
  in four lost it).
- A rank that leaves by `sys.exit(status)` (or by reaching its program's end) while another
  waits for it in a collective: SystemExit passes no excepthook, and Python tells an atexit
  hook neither that it happened nor the status. So leaving is announced: at exit every rank
  posts a goodbye note to the others (saying how many collectives it completed) and a
  non-blocking barrier on a communicator of its own. If every rank is exiting, the barrier
  completes and MPI is finalized as usual. A rank waiting in one of nn.distributed's
  collectives waits for a goodbye too; when one comes from a rank that did not take part in
  this collective (it completed fewer), it answers "stranded" to the rank that left, which
  then exits without MPI_Finalize (mpi4py's finalize at exit is off, this module does it):
  the launcher sees a rank end without finalizing, ends the others and reports that rank's
  exit status (MPICH's Hydra, from the distributed extra, does; so does Open MPI's mpirun).
  For Hydra to report it every time, both ranks first hand their output pipes over (see
  `_no_output_pipes`): output after that point is lost.
  No timeout: a rank that finishes normally waits at exit as long as the others run.

Before the group exists (the Keras way makes it inside fit), `import nn` under a launcher of
several processes already watches (`watch_before_the_group`): an uncaught exception, or an
exit, joins the group first and then ends the job as above, so a rank failing while it loads
its data does not leave the others waiting in fit.

A rank leaving with status 0 while others still need it is a bug of the program: the job then
ends the same way, with status 0 and both messages. Ranks waiting in MPI calls made directly
through mpi4py (not nn.distributed's) cannot notice a goodbye and keep waiting, as in a plain
MPI program (`mpiexec python -m mpi4py program.py` aborts on any SystemExit with a nonzero
status).
"""
import atexit
import os
import stat
import sys
import time
from traceback import format_exception

import numpy as np

_GOODBYE, _STRANDED = 1, 2  # message tags on the watch's own communicator
_watch = None


def watch_before_the_group():
    """Under a launcher of several processes, before the group is made: an uncaught exception
    or an exit makes the group (MPI_Init) and then ends as a member would (see the module
    doc). Costs nothing until then."""
    previous = sys.excepthook

    def join_then_report(kind, value, traceback):
        sys.excepthook = previous
        if not _joined():
            previous(kind, value, traceback)
            return
        sys.excepthook(kind, value, traceback)  # the group's own: prints, then aborts

    join_then_report.reports_through = previous  # what the group's own hook uses
    sys.excepthook = join_then_report
    atexit.register(_leave_as_a_member)


def _joined():
    """Whether this process is (now) a member of a group of several ranks."""
    from .group import group, init_process_group
    try:
        init_process_group()
    except Exception:  # no mpi4py: nothing to join, nothing to end
        return False
    return group().comm is not None


def _leave_as_a_member():
    """At exit: a process that never made the group says goodbye as a member does."""
    if _watch is None and _joined():
        _watch.at_exit()


def watch(comm, MPI, owns_finalize):
    """Start watching for early exits and uncaught exceptions (once per process); returns the
    watch, whose `wait(request, what)` the collectives wait through. owns_finalize: mpi4py
    was imported with `mpi4py.rc.finalize = False`, so MPI_Finalize is this watch's to call."""
    global _watch
    if _watch is None:
        _watch = ExitWatch(comm, MPI, owns_finalize)
        _abort_on_uncaught_exceptions(comm)
    return _watch


class ExitWatch:
    """Goodbye notes on a duplicate of `comm` (never mixed with the program's messages)."""

    def __init__(self, comm, MPI, owns_finalize):
        self.MPI, self.world, self.owns_finalize = MPI, comm, owns_finalize
        self.comm = comm.Dup()
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        self.name = f"rank {self.rank} of {self.size}"
        self.left = None  # a rank whose goodbye came while this one still runs
        self.left_after = 0  # how many collectives that rank had completed
        self.completed = 0  # this rank's collectives waited for (the same order on every rank)
        self.at_clean_exit = []  # collective clean-ups, run once every rank is exiting
        self._exited = False
        self._inbox, self._outbox = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
        self._goodbye = self.comm.Irecv(self._inbox, self.MPI.ANY_SOURCE, _GOODBYE)
        atexit.register(self.at_exit)

    def wait(self, request, what):
        """Wait for `request`, one of this rank's collectives; when a rank leaves the job
        meanwhile, before it took part in this collective, tell it this rank is stranded,
        then wait to be ended by the launcher."""
        if self.left is None:
            status = self.MPI.Status()
            if self.MPI.Request.Waitany([request, self._goodbye], status) == 0:
                self.completed += 1
                return
            self.left, self.left_after = status.Get_source(), int(self._inbox[0])
        if self.left_after > self.completed:  # it completed this one before leaving: it
            request.Wait()                     # will complete here too
            self.completed += 1
            return
        _say(f"{self.name}: rank {self.left} exited while this rank waited for it in {what}; "
             f"the job ends with rank {self.left}'s exit status")
        _one_output_pipe()  # the launcher ends this rank soon after the other one hears from it
        # never waited for: the rank that left may be gone already (another rank told it)
        self._told = self.comm.Isend(self._outbox, dest=self.left, tag=_STRANDED)
        request.Wait()

    def at_exit(self):
        """Say goodbye; finalize MPI once every rank is exiting, or leave without finalizing
        as soon as a rank answers that it is stranded."""
        MPI = self.MPI
        if MPI.Is_finalized() or self._exited:
            return
        self._exited = True
        self._outbox[0] = self.completed  # the others' collectives up to here will complete
        notes = [self.comm.Isend(self._outbox, dest, _GOODBYE)
                 for dest in range(self.size) if dest != self.rank]
        everyone = self.comm.Ibarrier()
        stranded = self.comm.Irecv(np.zeros(1, dtype=np.int64), MPI.ANY_SOURCE, _STRANDED)
        status = MPI.Status()
        if MPI.Request.Waitany([everyone, stranded], status) == 1:
            self._leave_early(status.Get_source())
            return
        self._collect_goodbyes()  # before waiting for our own notes, which others receive
        MPI.Request.Waitall(notes)
        stranded.Cancel()
        stranded.Wait()
        for clean_up in self.at_clean_exit:
            clean_up()
        self.comm.Free()
        if self.owns_finalize:
            MPI.Finalize()

    def _collect_goodbyes(self):
        """Receive the other ranks' goodbyes (one may have come already), so that no message
        is left unreceived at MPI_Finalize."""
        if self.size == 1:
            self._goodbye.Cancel()
        self._goodbye.Wait()
        for _ in range(self.size - 2):
            self.comm.Recv(np.zeros(1, dtype=np.int64), self.MPI.ANY_SOURCE, _GOODBYE)

    def _leave_early(self, waiting):
        _say(f"{self.name}: exiting while rank {waiting} waits for it in a collective; "
             "ending the job (the launcher reports this rank's exit status)")
        if self.owns_finalize:
            _no_output_pipes()
        else:  # mpi4py was imported first: its MPI_Finalize would hang
            _say(f"{self.name}: mpi4py.MPI was imported before nn.distributed, so the exit "
                 "status is unknown here: aborting with 1")
            self.world.Abort(1)


def _abort_on_uncaught_exceptions(comm):
    """Print an uncaught exception with this rank's number, then abort the whole job."""
    # Past the hook of watch_before_the_group (its work is done once the group exists): with
    # it taken for someone's own, Python's hook wrote the report piece by piece, and the
    # launcher interleaved two ranks' pieces ('OutOfStepError' + the other's line + ': ...').
    previous = getattr(sys.excepthook, "reports_through", sys.excepthook)
    name = f"rank {comm.Get_rank()} of {comm.Get_size()}"

    def excepthook(kind, value, traceback):
        header = f"{name}: uncaught exception, aborting the job\n"
        if previous is sys.__excepthook__:  # the whole report in one write (see _say)
            _say(header + "".join(format_exception(kind, value, traceback)).rstrip("\n"))
        else:  # someone's own hook (IPython's...) prints it their way
            sys.stderr.write(header)
            previous(kind, value, traceback)
            sys.stderr.flush()
        _until_read(2)
        abort_job(comm, 1)

    sys.excepthook = excepthook


def abort_job(comm, status):
    """MPI_Abort, then leave at once: MPICH's MPI_Abort returns (its launcher ends the job a
    moment later), and meanwhile nothing more of the program may run (the code after the
    call, atexit hooks: a goodbye that misreports the failure as an early exit, a file
    written half)."""
    comm.Abort(status)
    os._exit(status)


# Why the two below: when a rank exits without finalizing, MPICH's Hydra kills the others
# (SIGKILL) and reports them with status 0, so that the job's status is the leaver's; but a
# rank it reaps while an output pipe of the job is still open is reported with its signal, 9
# (one run in a hundred on a busy machine). A pipe closes when its last descriptor does, one at
# a time as a process dies, and libraries keep copies of stdout and stderr (UCX does). So the
# leaver closes its pipes before it exits, and a rank that waits to be killed keeps one pipe:
# its death then closes the job's last pipe at once and Hydra reaps it after, with status 0.
# (Closing that one too would leave Hydra, which kills only while a pipe is open, waiting.)

def _no_output_pipes():
    """Once the launcher has read them, point this rank's stdout and stderr at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    _redirect_output_pipes((1, 2), devnull)
    os.close(devnull)


def _one_output_pipe():
    """Once the launcher has read them, send this rank's stdout to its stderr pipe."""
    _redirect_output_pipes((1,), 2)


def _redirect_output_pipes(fds, target):
    """Point every descriptor of the pipes `fds` write to at `target`, after the launcher has
    read what waits in them (later output goes where `target` goes)."""
    sys.stdout.flush()
    sys.stderr.flush()
    for fd in (1, 2):
        _until_read(fd)
    pipes = {_pipe_identity(fd) for fd in fds} - {None, _pipe_identity(target)}
    if not pipes:
        return
    try:
        for fd in _open_descriptors():
            if _pipe_identity(fd) in pipes:
                os.dup2(target, fd)
    except OSError:  # the job ends all the same, only maybe with the status of a kill
        pass


def _pipe_identity(fd):
    """(device, inode) of the pipe `fd` writes to; None when it is not a pipe or not open."""
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISFIFO(info.st_mode) else None


def _open_descriptors():
    try:
        return [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc (not Linux): the usual range
        return range(256)


def _until_read(fd, limit=1.0):
    """Wait until the reader of pipe `fd` (the launcher, which forwards this rank's output) has
    taken everything written to it, at most `limit` seconds: MPI_Abort may end the launcher's
    helper before it reads a report still waiting in the pipe. Nothing to wait for when `fd`
    is a terminal or a file (or on a system without FIONREAD)."""
    try:
        import fcntl
        import termios
        deadline = time.monotonic() + limit
        while fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0") != b"\0\0\0\0":
            if time.monotonic() > deadline:
                return
            time.sleep(0.002)
    except (ImportError, OSError):
        return


def _say(message):
    """Write `message` to stderr in one piece: the launcher forwards a rank's output while the
    job runs, and one that is ending may miss a report written line by line."""
    sys.stdout.flush()
    sys.stderr.flush()
    data = (message + "\n").encode(errors="replace")
    try:
        while data:
            data = data[os.write(2, data):]
    except OSError:  # no stderr (closed): the job must still end
        pass


__all__ = ["watch", "ExitWatch", "abort_job"]
