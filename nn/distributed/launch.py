"""Start a command on N processes under mpiexec (`rungrad train --workers N`)."""
import importlib.util
import os
import shutil
import subprocess
import sys

from .group import EXTRA_HINT


def find_mpiexec():
    """The mpiexec beside this Python (the mpich wheel puts it in the environment's bin),
    else the first on PATH; an error naming the `distributed` extra when there is none."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("mpiexec")
    if found is None:
        raise ImportError(f"running on several workers needs mpiexec, which was found "
                           f"neither beside {sys.executable} nor on PATH; {EXTRA_HINT}")
    return found


def mpi_command(workers, args):
    """[mpiexec, -n, workers, *args], after checking that mpi4py can be imported."""
    if importlib.util.find_spec("mpi4py") is None:
        raise ImportError(f"running on several workers needs mpi4py; {EXTRA_HINT}")
    return [find_mpiexec(), "-n", str(int(workers)), *args]


def relaunch_module(module, argv, workers):
    """Run `python -m module *argv` on `workers` processes; returns mpiexec's exit status.
    The project's root goes on PYTHONPATH, so the ranks import this same code."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    command = mpi_command(workers, [sys.executable, "-m", module, *argv])
    return wait_through_interrupts(subprocess.Popen(command, env=env))


def wait_through_interrupts(process):
    """The exit status of `process` (mpiexec), however many Ctrl-C come meanwhile: a Ctrl-C
    at the terminal reaches mpiexec too, which passes it on to the ranks (rank 0 of `rungrad
    train` then saves the last epoch's weights) and aborts the job at a second one. Killing
    mpiexec here, as subprocess.call does a quarter of a second after a Ctrl-C, ended the
    ranks in the middle of that save."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


__all__ = ["find_mpiexec", "mpi_command", "relaunch_module", "wait_through_interrupts"]
