"""Build the tutorial notebooks from their sources, and optionally run them in place.

Each notebook is written as a plain Python file in `sources/`, in the "percent" format
that Jupytext, VS Code and Spyder understand:

    # %% [markdown]
    # # A title
    # Some *markdown*: every line starts with "# ".

    # %%
    x = 1 + 1          # a code cell

    # %% [shared] setup
    (the shared cell named "setup", taken from sources/shared_cells.py)

`sources/shared_cells.py` holds the cells several notebooks share (the setup cell, plotting
helpers), each under a `# %% [snippet] NAME` header; the token __NOTEBOOK__ in a shared cell
becomes the notebook's name. Cell ids are numbered, so rebuilding changes nothing that the
sources did not change.

    python notebooks/build_notebooks.py                    # write every .ipynb (no outputs)
    python notebooks/build_notebooks.py --execute          # ... and run them, saving outputs
    python notebooks/build_notebooks.py 04 07 --execute    # only the notebooks named 04*, 07*
"""
import argparse
import re
import sys
import time
from pathlib import Path

import nbformat

from autograd.atomic import replacing

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
SHARED = SOURCES / "shared_cells.py"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
CELL_TIMEOUT_S = 300
_HEADER = re.compile(r"^# %%(?:\s*\[(\w+)\])?\s*(.*)$")


class SourceError(ValueError):
    """A notebook source file is malformed (message names the file and line)."""


def parse_cells(path):
    """[(kind, argument, lines)] for each `# %%` block of a percent-format file.

    kind: 'code', 'markdown', 'shared' (argument: the snippet's name) or 'snippet'.
    Text before the first header (a module docstring, say) is ignored.
    """
    cells = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _HEADER.match(line)
        if match:
            kind = match.group(1) or "code"
            if kind not in ("code", "markdown", "shared", "snippet"):
                raise SourceError(f"{path.name}:{number}: unknown cell kind [{kind}]")
            cells.append((kind, match.group(2).strip(), []))
        elif cells:
            cells[-1][2].append(line)
    return cells


def markdown_text(lines, where):
    """Strip the "# " that keeps markdown lines comments in the source file."""
    text = []
    for line in lines:
        if line and not line.startswith("#"):
            raise SourceError(f"{where}: markdown line does not start with '#': {line!r}")
        text.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(text).strip("\n")


def code_text(lines):
    return "\n".join(lines).strip("\n")


def load_snippets():
    """{name: code} of the shared cells."""
    snippets = {}
    for kind, name, lines in parse_cells(SHARED):
        if kind != "snippet" or not name:
            raise SourceError(f"{SHARED.name}: every cell must be '# %% [snippet] NAME'")
        snippets[name] = code_text(lines)
    return snippets


def build_notebook(source, snippets):
    """The notebook (without outputs) that `source` describes."""
    stem = source.stem
    cells = []
    for kind, argument, lines in parse_cells(source):
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(markdown_text(lines, source.name)))
        elif kind == "shared":
            if argument not in snippets:
                raise SourceError(f"{source.name}: no shared cell named {argument!r} in "
                                  f"{SHARED.name} (have {sorted(snippets)})")
            code = snippets[argument].replace("__NOTEBOOK__", stem)
            cells.append(nbformat.v4.new_code_cell(code))
        elif kind == "code":
            cells.append(nbformat.v4.new_code_cell(code_text(lines)))
        else:
            raise SourceError(f"{source.name}: [snippet] cells belong in {SHARED.name}")
    for index, cell in enumerate(cells):
        cell["id"] = f"{stem[:2]}-{index:03d}"
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = dict(KERNEL)
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def execute(notebook, timeout=CELL_TIMEOUT_S):
    """Run `notebook` top to bottom in a fresh kernel whose working directory is HERE.

    Returns None, or the error of the first failing cell (the outputs up to and including
    that cell stay in `notebook`).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL["name"],
                            resources={"metadata": {"path": str(HERE)}}, record_timing=False)
    try:
        client.execute()
    except CellExecutionError as error:
        return error
    return None


def write_atomic(notebook, path):
    """Write `notebook` to `path` through rungrad's one atomic writer (temp file + rename)."""
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(notebook, f)


def selected_sources(prefixes):
    sources = sorted(p for p in SOURCES.glob("[0-9][0-9]_*.py"))
    if prefixes:
        sources = [s for s in sources if any(s.stem.startswith(p) for p in prefixes)]
        if not sources:
            raise SystemExit(f"no notebook source in {SOURCES.name}/ starts with {prefixes}")
    return sources


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="build only notebooks whose names start so")
    parser.add_argument("--execute", action="store_true",
                        help="run each notebook and save it with its outputs")
    args = parser.parse_args(argv)
    snippets = load_snippets()
    failed = []
    for source in selected_sources(args.names):
        notebook = build_notebook(source, snippets)
        target = HERE / f"{source.stem}.ipynb"
        report = ""
        if args.execute:
            start = time.perf_counter()
            error = execute(notebook)
            report = f"  ran in {time.perf_counter() - start:5.1f} s"
            if error is not None:
                failed.append(target.name)
                report += f"  FAILED: {error.ename}: {error.evalue}"
        write_atomic(notebook, target)  # a failed run is saved too: its traceback is inside
        size_kb = target.stat().st_size / 1024
        print(f"{target.name:45s}{report}  {size_kb:7.0f} kB", flush=True)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
