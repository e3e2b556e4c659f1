"""The README's and docs/*.md's Python examples run as written, in order, as one reader would
paste them (so the documentation never lies).

Every ```python block of a file runs in one namespace, in order, in a fresh folder. A block
right after the line `<!-- run: mpiexec -n N -->` is a whole program instead: it runs on its
own as one process and, with the distributed extra (mpi4py, mpiexec), on N ranks. Code that
is not meant to run (a fragment naming the reader's own objects) is written as an indented
block, not a ```python one. docs/coming_from_dezero.md's `>>>` examples are checked, with
their outputs, by tests/examples/test_coming_from_dezero.py."""
import linecache
import os
import re
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = sorted(name for name in os.listdir(os.path.join(ROOT, "docs")) if name.endswith(".md"))
PROGRAM = re.compile(r"<!-- run: mpiexec -n (\d+) -->\n```python\n")


def python_blocks(path="README.md"):
    """(ranks or None, source) of each ```python block of the file, dedented (a block inside a
    list item is indented with it); ranks for a block marked as a program."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    blocks = []
    for match in re.finditer(r"```python\n(.*?)```", text, flags=re.S):
        marker = PROGRAM.search(text, 0, match.end(0))
        ranks = int(marker.group(1)) if marker and marker.end() == match.start(1) else None
        blocks.append((ranks, textwrap.dedent(match.group(1))))
    return blocks


def run_in_order(blocks, name, namespace):
    for index, block in enumerate(blocks):
        filename = f"{name} example {index}"
        # the source lines, as IPython keeps them, for tracebacks and gradcheck's blame
        linecache.cache[filename] = (len(block), None, block.splitlines(True), filename)
        exec(compile(block, filename, "exec"), namespace)


def test_readme_examples_run_in_order(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    blocks = [block for _, block in python_blocks()]
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    run_in_order(blocks, "README.md", namespace)
    assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert tests, "the README's property-test example defines a test"
    for test in tests:  # the README's hypothesis example, run for real
        test()


@pytest.mark.parametrize("name", DOCS)
def test_docs_examples_run_in_order(name, tmp_path, monkeypatch):
    blocks = [block for ranks, block in python_blocks(f"docs/{name}") if ranks is None]
    monkeypatch.chdir(tmp_path)
    run_in_order(blocks, f"docs/{name}", {"__name__": "docs"})


PROGRAMS = [(name, index, ranks, block) for name in DOCS
            for index, (ranks, block) in enumerate(python_blocks(f"docs/{name}")) if ranks]
assert PROGRAMS, "docs/distributed.md's training program is marked as one"


@pytest.mark.parametrize("processes", ["one", "mpiexec"])
@pytest.mark.parametrize("name, index, ranks, block", PROGRAMS,
                         ids=[f"{name}-{index}" for name, index, _, _ in PROGRAMS])
def test_docs_programs_run(name, index, ranks, block, processes, tmp_path):
    from tests.nn.distributed._mpi import check, mpiexec_or_skip, run
    (tmp_path / "program.py").write_text(block, encoding="utf-8")
    command = [sys.executable, "program.py"]
    if processes == "mpiexec":
        command = [mpiexec_or_skip(), "-n", str(ranks), *command]
    check(run(command, cwd=str(tmp_path)))
    assert sorted(os.listdir(tmp_path)) == sorted(["program.py", *re.findall(
        r'"([\w.]+\.(?:npz|safetensors|rungrad|csv|png))"', block)])  # the files it writes

