"""notebooks/sources/*.py are the notebooks' text: each .ipynb holds exactly the cells its
source builds (an edit made in Jupyter alone would be undone by the next rebuild)."""
import json
import os
import re
import sys

import pytest

from ._helpers import ROOT

NOTEBOOKS = os.path.join(ROOT, "notebooks")
nbformat = pytest.importorskip("nbformat")  # (the build script writes with it)
sys.path.insert(0, NOTEBOOKS)
import build_notebooks  # noqa: E402 - a script beside the notebooks, not a package

SOURCES = build_notebooks.selected_sources([])


def _cells(notebook):
    return [(cell["cell_type"], "".join(cell["source"])) for cell in notebook["cells"]]


def test_every_notebook_has_a_source():
    built = {source.stem for source in SOURCES}
    shipped = {name[:-len(".ipynb")] for name in os.listdir(NOTEBOOKS)
               if name.endswith(".ipynb")}
    assert len(built) >= 12 and built == shipped


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.stem[:2])
def test_notebook_cells_are_their_source(source):
    built = build_notebooks.build_notebook(source, build_notebooks.load_snippets())
    with open(os.path.join(NOTEBOOKS, source.stem + ".ipynb"), encoding="utf-8") as f:
        shipped = json.load(f)
    differing = [i for i, (a, b) in enumerate(zip(_cells(built), _cells(shipped))) if a != b]
    assert len(built.cells) == len(shipped["cells"]) and not differing, (
        f"{source.stem}.ipynb differs from sources/{source.name} in cells {differing}: edit "
        f"the source, then run python notebooks/build_notebooks.py {source.stem[:2]} --execute")


def test_a_malformed_source_is_named(tmp_path):
    bad = tmp_path / "99_bad.py"
    bad.write_text("# %% [markdown]\nnot a comment\n", encoding="utf-8")
    with pytest.raises(build_notebooks.SourceError, match="99_bad.py: markdown line"):
        build_notebooks.build_notebook(bad, {})


# An absolute path (/a/b/c) that is not part of a URL or a relative path.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~/:])/(?:[\w.-]+/)+[\w.-]+")


def _output_texts(notebook):
    """The text of every output: streams, text/* and JSON data, tracebacks."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            yield "".join(output.get("text", ""))
            yield "\n".join(output.get("traceback", []))
            for kind, data in output.get("data", {}).items():
                if kind.startswith("text/") or kind.endswith("json"):
                    yield data if isinstance(data, str) else json.dumps(data)


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.stem[:2])
def test_outputs_name_no_path_of_the_machine_that_ran_them(source):
    """The shipped outputs read the same whoever runs the notebook: no absolute path of the
    machine that executed it (its checkout, its temporary folders)."""
    with open(os.path.join(NOTEBOOKS, source.stem + ".ipynb"), encoding="utf-8") as f:
        shipped = json.load(f)
    paths = sorted({p for text in _output_texts(shipped) for p in _ABSOLUTE_PATH.findall(text)})
    assert not paths, (f"{source.stem}.ipynb's outputs name paths of the machine that ran it: "
                       f"{paths}; print them relative to the notebook's folder")
