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


def test_the_stated_number_of_checked_functions_is_the_number_there_is():
    """The README and this page say how many Functions the plugin checks; the number went
    stale as ops were added (133 and 137 written, 174 there)."""
    from autograd.testing.discovery import functions_in
    count = len(functions_in("autograd.ops")) + len(functions_in("nn.functional"))
    for page in ("README.md", os.path.join("docs", "gradient_testing.md")):
        with open(os.path.join(ROOT, page), encoding="utf-8") as f:
            stated = re.findall(r"rungrad's own (\d+) Functions", f.read())
        assert stated == [str(count)], (page, stated, count)
