"""docs/gradient_testing.md: its Python examples run as written, in order (documentation
that runs)."""
import linecache
import os
import re

from .._helpers import ROOT


def test_the_examples_run_in_order():
    with open(os.path.join(ROOT, "docs", "gradient_testing.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)
    assert len(blocks) == 4
    namespace = {"__name__": "gradient_testing_doc"}
    for index, block in enumerate(blocks):
        name = f"docs/gradient_testing.md example {index}"
        # the source lines, as IPython keeps them, for the blame's "created at" line
        linecache.cache[name] = (len(block), None, block.splitlines(True), name)
        exec(compile(block, name, "exec"), namespace)
