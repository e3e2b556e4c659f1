"""The bench scripts' command line: `--help` describes a bench instead of starting one (each
takes minutes), and an unknown option is refused."""
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("bench_*.py"))


def _run(script, *args):
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_describes_the_bench_without_running_it(script):
    done = _run(script, "--help")
    assert done.returncode == 0, done.stderr
    first_line = (BENCH / script).read_text().split('"""')[1].splitlines()[0]
    assert first_line.split(":")[0] in done.stdout
    assert done.stdout.startswith("usage:")  # nothing measured, or printed, before


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_unknown_option_is_refused(script):
    done = _run(script, "--no-such-option")
    assert done.returncode == 2 and "unrecognized arguments" in done.stderr
