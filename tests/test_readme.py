"""The README's Python examples run as written, in order, as one reader would paste them
(so the front page never lies)."""
import os
import re
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        # (dedented: a block inside a list item is indented with it)
        return [textwrap.dedent(block) for block in
                re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)]


def test_readme_examples_run_in_order(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    blocks = python_blocks()
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for index, block in enumerate(blocks):
        exec(compile(block, f"README.md example {index}", "exec"), namespace)
    assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert tests, "the README's property-test example defines a test"
    for test in tests:  # the README's hypothesis example, run for real
        test()
