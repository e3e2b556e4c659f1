"""Draw the computational graph: DOT source without Graphviz, images through it."""
import os

from .atomic import write_bytes
from .variable import Variable
from .walk import functions_behind

_FORMATS = ("png", "svg", "pdf")
_INSTALL_GRAPHVIZ = ("install Graphviz: apt-get install graphviz (Debian/Ubuntu), "
                     "brew install graphviz (macOS) or conda install graphviz")


def get_dot_graph(output, verbose=True):
    """DOT source of the graph behind `output` (a Variable or a list of them).

    Variables are ellipses labelled with their name and, when `verbose`, shape and dtype;
    functions are boxes labelled with the op's class name. The walk is iterative, so deep
    graphs cannot hit the recursion limit.
    """
    outputs = _as_output_list(output)
    lines = ["digraph g {", '  node [fontname="Helvetica"];']
    drawn_vars = set()

    def add_var(v, role):
        if id(v) not in drawn_vars:
            drawn_vars.add(id(v))
            lines.append(_var_node(v, verbose, role))

    for y in outputs:
        add_var(y, "output")
    for func in functions_behind(outputs):
        lines.append(_func_node(func))
        for x in func.inputs:
            add_var(x, _role(x))
            lines.append(f"  {id(x)} -> {id(func)};")
        for ref in func.outputs:
            y = ref()
            if y is not None:  # an output nobody holds any more is already freed
                add_var(y, "inner")
                lines.append(f"  {id(func)} -> {id(y)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_graph(output, to_file="graph.png", verbose=True):
    """Render the graph behind `output` to `to_file` (.png, .svg or .pdf) with Graphviz.

    Returns a `GraphImage`, which Jupyter displays inline (PNG and SVG).
    """
    fmt = _format_of(to_file)
    image = _render(get_dot_graph(output, verbose), fmt)
    _write_atomic(to_file, image)
    return GraphImage(to_file, fmt, image)


class GraphImage:
    """A rendered graph: its `path`, `format` and bytes (`data`); displays inline in Jupyter."""

    def __init__(self, path, format, data):  # noqa: A002  (graphviz's name, and the attribute's)
        self.path, self.format, self.data = os.fspath(path), format, data

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_svg_(self):
        return self.data.decode("utf-8") if self.format == "svg" else None

    def _repr_pdf_(self):
        return self.data if self.format == "pdf" else None

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return f"GraphImage({self.path!r}, format={self.format!r})"


def _as_output_list(output):
    if isinstance(output, Variable):
        return [output]
    if not isinstance(output, (list, tuple)):
        raise TypeError(f"get_dot_graph: expected Variables, got {type(output).__name__}")
    outputs = list(output)
    for y in outputs:
        if not isinstance(y, Variable):
            raise TypeError(f"get_dot_graph: expected Variables, got {type(y).__name__}")
    return outputs


_STYLE = {
    "output": 'style=filled, fillcolor="#a6d8a8"',
    "leaf": 'style=filled, fillcolor="#ffd58a"',
    "constant": 'style=filled, fillcolor="#e6e6e6"',
    "inner": 'style=filled, fillcolor="#fff2cc"',
}


def _role(v):
    if v.creator is not None:
        return "inner"
    return "leaf" if v.requires_grad else "constant"


def _var_node(v, verbose, role):
    parts = [v.name] if v.name else []
    if role == "constant" and v.size == 1 and not v.name:
        parts.append(f"{v.data.item():g}")  # a scalar constant reads best as its value
    if verbose:
        parts.append(f"{tuple(v.shape)} {v.dtype}")
    label = "\\n".join(_escape(p) for p in parts)
    return f'  {id(v)} [label="{label}", shape=ellipse, {_STYLE[role]}];'


def _func_node(func):
    label = _escape(type(func).__name__)
    return f'  {id(func)} [label="{label}", shape=box, style=filled, fillcolor="#c9daf8"];'


def _escape(text):
    """Make arbitrary text safe inside a double-quoted DOT string."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("\r", "").replace("\n", "\\n")


def _format_of(to_file):
    suffix = os.path.splitext(os.fspath(to_file))[1].lower().lstrip(".")
    if suffix not in _FORMATS:
        raise ValueError(f"plot_graph: cannot render to a file with suffix {suffix or '(none)'!r} "
                         f"({os.fspath(to_file)}); use .png, .svg or .pdf")
    return suffix


def _render(dot_source, fmt):
    try:
        import graphviz
    except ImportError:
        raise ImportError("plot_graph needs the graphviz Python package: "
                          "pip install 'rungrad[viz]'") from None
    try:
        return graphviz.Source(dot_source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise RuntimeError("plot_graph: the Graphviz 'dot' executable was not found on PATH; "
                           f"{_INSTALL_GRAPHVIZ}") from None


def _write_atomic(path, data):
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"plot_graph: folder {folder!r} for {path!r} does not exist")
    write_bytes(path, data)


__all__ = ["get_dot_graph", "plot_graph", "GraphImage"]
