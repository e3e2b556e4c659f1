"""Run a program on several ranks under mpiexec, bounded in time (never hangs the suite)."""
import importlib.util
import os
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
TIMEOUT = 240  # seconds for a whole job; the programs take a few


def mpiexec_or_skip():
    """The mpiexec to use; skips the test without mpi4py or mpiexec (the distributed extra)."""
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("mpi4py is not installed (the distributed extra)")
    from nn.distributed.launch import find_mpiexec
    try:
        return find_mpiexec()
    except ImportError:
        pytest.skip("mpiexec is not installed (the distributed extra)")


def environment(extra=None):
    env = dict(os.environ, **(extra or {}))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    for name in ("PMI_SIZE", "PMI_RANK", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE",
                 "MPI_LOCALNRANKS", "SLURM_NTASKS"):
        env.pop(name, None)  # a test run itself under a launcher must not confuse the child
    return env


def run(command, timeout=TIMEOUT, cwd=None, env=None):
    """Run `command` in its own process group (`env`: variables to set); on timeout kill the
    group and fail."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment(env), cwd=cwd, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"{' '.join(command)} did not end within {timeout} s (a hang)\n"
                    f"stdout:\n{out}\nstderr:\n{err}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def run_program(name, *args, ranks=2, timeout=TIMEOUT, env=None):
    """programs/<name> on `ranks` processes (plainly, without mpiexec, for ranks=1)."""
    script = [sys.executable, os.path.join(PROGRAMS, name), *map(str, args)]
    command = script if ranks == 1 else [mpiexec_or_skip(), "-n", str(ranks), *script]
    return run(command, timeout, env=env)


def check(result):
    assert result.returncode == 0, (f"exit status {result.returncode}\nstdout:\n"
                                    f"{result.stdout}\nstderr:\n{result.stderr}")
    return result
