"""Draw the computational graph: DOT source without Graphviz, images through it."""
import importlib.util
import numbers
import os
import re
import shutil
import signal
import subprocess

from .array_text import array_text, number_text
from .atomic import NotARegularFileError, target_of, write_bytes
from .backend import array_of
from .function import op_title
from .long_edges import far_read_leaves, longest_chain, readers_first
from .user_warnings import user_warning
from .variable import Variable, own_name
from .walk import functions_behind

IMAGE_FORMATS = ("png", "svg", "pdf")  # (what Graphviz renders to here)
_INSTALL_GRAPHVIZ = ("install Graphviz: apt-get install graphviz (Debian/Ubuntu), "
                     "brew install graphviz (macOS) or conda install graphviz")
NO_GRAD = "—"  # what a label shows for a gradient never computed (a 0 would be misread)


def get_dot_graph(output, verbose=True, values=False, grads=False, *, who="get_dot_graph"):
    """DOT source of the graph behind `output` (a Variable or a list of them).

    Variables are ellipses labelled with their name and, when `verbose`, shape and dtype;
    functions are boxes labelled with the op's class name. `values` adds each variable's
    value and `grads` its `.grad` (`grad: —` when none was computed): the numbers for
    arrays of up to 6 elements, a min/mean/max summary with nan/inf counts for larger ones.
    Graphs of gradients (`backward(create_graph=True)`) are drawn the same way. The walk
    is iterative, so deep graphs cannot hit the recursion limit. An unnamed scalar constant
    (the 2 of `x * 2`, which rungrad caches and shares between ops) is drawn once per use:
    one node wired to every op that multiplies by 2 would misdraw the graph and take
    Graphviz minutes to lay out. So is, dashed, a leaf that many ops read far apart (a
    weight shared by every step of an unrolled loop: more than 3 readers more than 8 ops
    below its first one, `long_edges`), and the graph's longest chain of ops (the loop's
    recurrence) is then kept in one straight line: drawn once, the weights of an RNN
    written with ops took dot 50 s to draw over 30 steps; 100 steps now lay out in under
    a second.
    """
    outputs = _as_output_list(output, who)
    if not outputs:
        raise ValueError(f"{who}: no Variables to draw (an empty list)")
    drawing = Drawing(verbose, values, grads, who)
    for y in outputs:
        _check_recorded_once(y, who)
        drawing.variable(y, "output")
    functions = list(functions_behind(outputs))
    drawing.repeat_far_leaves(functions)
    for func in functions:
        drawing.function(func)
    return drawing.source()


def plot_graph(output, to_file="graph.png", verbose=True, values=False, grads=False,
               max_nodes=None):
    """Render the graph behind `output` to `to_file` (.png, .svg or .pdf) with Graphviz.

    `values` and `grads` as for `get_dot_graph`. Returns a `GraphImage`, which Jupyter
    displays inline (PNG and SVG).

    A graph of more than `max_nodes` nodes (a Variable or an op each; default `MAX_NODES`,
    10,000) is refused at once, with its size, before Graphviz runs: layout time grows
    faster than the graph, and a 20,000-op graph used to wait out the 60 s limit
    (`RENDER_SECONDS`) before failing. Draw a part (the graph behind an intermediate
    result, a few steps of a loop) or pass a larger `max_nodes` (the time limit still
    holds). A leaf read by many ops far apart is drawn at each of them (`get_dot_graph`),
    which keeps an unrolled loop's shared weights from slowing the layout; other long
    edges (one variable read by a hundred ops far below it) can still take dot a while.
    Past `QUICK_LAYOUT_NODES` nodes (1,000) dot lays the graph out quickly, with straight
    edges, and a PNG is at most `PNG_INCHES` (100 in, 9,600 pixels) a side: the graph of
    tanh's 8th derivative (DeZero's step 35, 5,393 nodes) takes about 15 s, not minutes.
    """
    return draw_graph(output, to_file, verbose, values, grads, max_nodes, who="plot_graph")


def draw_graph(output, to_file, verbose=True, values=False, grads=False, max_nodes=None,
               who="plot_graph"):
    """plot_graph, its errors naming `who` (Module.plot draws through it)."""
    fmt = format_of(to_file, who)
    return render_dot(get_dot_graph(output, verbose, values, grads, who=who), to_file, fmt,
                      who, max_nodes)


def render_dot(dot_source, to_file, fmt=None, who="plot_graph", max_nodes=None):
    """Render DOT source to `to_file` (format from its suffix unless `fmt`), atomically;
    returns a `GraphImage`. `who` names the caller in error messages; `max_nodes` as for
    `plot_graph`."""
    fmt = fmt or format_of(to_file, who)
    check_folder(to_file, who)  # (before a layout that may take a while)
    image = render_bytes(dot_source, fmt, who, max_nodes)
    write_bytes(os.fspath(to_file), image)
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


class Drawing:
    """The DOT lines of a graph being drawn, each Variable and Function once.

    `mark(obj, *notes)` before drawing makes that node stand out in red (a Function filled,
    a Variable outlined) and adds `notes` as extra label lines: how detect_anomaly shows
    the failing op. `repeat_far_leaves(functions)` before drawing them draws each leaf that
    many of them read far apart once per use, dashed (long_edges).
    """

    def __init__(self, verbose=True, values=False, grads=False, who="get_dot_graph"):
        self.verbose, self.values, self.grads, self.who = verbose, values, grads, who
        self.lines = ["digraph g {", '  node [fontname="Helvetica"];']
        self._drawn = set()
        self._marks = {}
        self._repeated = frozenset()  # ids of the leaves drawn once per use, dashed
        self._chain = frozenset()  # ids of the nodes kept in a straight line (group=)

    def mark(self, obj, *notes):
        self._marks.setdefault(id(obj), []).extend(notes)

    def repeat_far_leaves(self, functions):
        order = readers_first(functions)  # (both rules read the graph in this order)
        self._repeated = frozenset(id(x) for x in far_read_leaves(order)
                                   if not _drawn_per_use(x))  # (those are, undashed)
        if self._repeated:  # (an unrolled loop: its recurrence drawn straight down)
            self._chain = frozenset(longest_chain(order))

    def _group(self, node):
        return ", group=chain" if node in self._chain else ""

    def variable(self, v, role=None, node=None, dashed=False):
        """Add `v`'s node (once); `role` picks the colour (default: from `v` itself); `node`:
        its DOT id (default id(v)); `dashed` outlines it so (a repeated leaf's copy)."""
        node = id(v) if node is None else node
        if node in self._drawn:
            return
        self._drawn.add(node)
        name = shown_name(v)
        parts = [name] if name is not None else []
        role = role or _role(v)
        if role == "constant" and v.size == 1 and name is None and not self.values:
            parts.append(_scalar_text(v.data.item()))  # (it reads best as its value)
        if self.verbose:
            parts.append(f"{tuple(v.shape)} {v.dtype}")
        if self.values:
            parts.append("value: " + array_text(v.data))
        if self.grads:
            parts.append("grad: " + (NO_GRAD if v.grad is None else array_text(array_of(v.grad))))
        style = f'style={_COPY if dashed else "filled"}, fillcolor="{_FILL[role]}"'
        if id(v) in self._marks:
            parts.extend(self._marks[id(v)])
            style += ', color="#d62728", penwidth=3, fontcolor="#b00000"'
        label = "\\n".join(escape(p) for p in parts)
        style += self._group(node)
        self.lines.append(f'  {node} [label="{label}", shape=ellipse, {style}];')

    def function(self, func, inputs=None, outputs=None):
        """Add `func`'s box, its input and output nodes and the edges between them.

        `inputs` and `outputs` default to the recorded ones (outputs nobody holds any more
        are already freed and left out); give them for an op not linked into the graph."""
        inputs = func.inputs if inputs is None else inputs
        if outputs is None:
            outputs = [y for y in (ref() for ref in func.outputs) if y is not None]
        # (an op not recorded yet, one anomaly mode caught in forward, read its inputs now)
        recorded_at = vars(func).get("recorded_at")
        for x in inputs:
            _check_recorded_once(x, self.who)
            if (self.values and recorded_at is not None and x._version > recorded_at
                    and _STALE not in self._marks.get(id(x), ())):
                self.mark(x, _STALE)  # (its value is not the one that made the outputs)
        parts = [op_title(func), *self._marks.get(id(func), ())]
        fill = "#f4a3a3" if id(func) in self._marks else "#c9daf8"
        label = "\\n".join(escape(p) for p in parts)
        self.lines.append(f'  {id(func)} [label="{label}", shape=box, style=filled, '
                          f'fillcolor="{fill}"{self._group(id(func))}];')
        for k, x in enumerate(inputs):
            repeated = id(x) in self._repeated
            node = f"c{id(x)}_{id(func)}_{k}" if repeated or _drawn_per_use(x) else id(x)
            self.variable(x, node=node, dashed=repeated)
            self.lines.append(f"  {node} -> {id(func)};")
        for y in outputs:
            self.variable(y, "inner")
            self.lines.append(f"  {id(func)} -> {id(y)};")

    def source(self):
        return "\n".join(self.lines + ["}"]) + "\n"


_STALE = "changed in place after use: the value shown is not the one the op read"


def _as_output_list(output, who):
    if isinstance(output, Variable):
        return [output]
    if not isinstance(output, (list, tuple)):
        raise TypeError(f"{who}: expected Variables, got {type(output).__name__}")
    outputs = list(output)
    for y in outputs:
        if not isinstance(y, Variable):
            raise TypeError(f"{who}: expected Variables, got {type(y).__name__}")
    return outputs


_FILL = {"output": "#a6d8a8", "leaf": "#ffd58a", "constant": "#e6e6e6", "inner": "#fff2cc"}
_COPY = '"filled,dashed"'  # a repeated leaf's copies: one of several drawings of one Variable


def _scalar_text(value):
    """A scalar constant as its label shows it: a float to 6 significant digits, a boolean
    (where's condition) or an integer in full (`:g` drew True as 1)."""
    return f"{value:g}" if isinstance(value, float) else number_text(value)


def _drawn_per_use(x):
    """An unnamed scalar constant: a node of its own at each op that reads it."""
    return x.creator is None and not x.requires_grad and x.size == 1 and shown_name(x) is None


def shown_name(v):
    """`v`'s name as a picture shows it, or None for an unnamed one (None or ""; a name such
    as 0 is a name: `if v.name` left it out)."""
    name = own_name(v)  # (not the Keras name a layer gives a Parameter: pictures stay)
    return None if name is None or name == "" else str(name)


def _check_recorded_once(x, who):
    """Refuse to draw `x` when its Function was called again since (its record then shows
    the later call): the picture would be silently wrong, as backward refuses too."""
    func = x.creator
    if func is not None and not any(ref() is x for ref in func.outputs):
        from .engine import _called_twice
        raise _called_twice(func, who)


def _role(v):
    if v.creator is not None:
        return "inner"
    return "leaf" if v.requires_grad else "constant"


_LONGEST = 200  # characters of a label line: Graphviz refuses strings over 16,384


def escape(text):
    """Make arbitrary text safe inside a double-quoted DOT string: quotes and backslashes
    escaped, `&` kept literal (Graphviz reads entities), control characters and unpaired
    surrogates shown as escapes (they break DOT, or the SVG's XML), long text cut."""
    text = str(text)
    if len(text) > _LONGEST:
        text = text[:_LONGEST - 1] + "…"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in text)
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return text.replace("\n", "\\n")


def format_of(to_file, who="plot_graph"):
    """'png', 'svg' or 'pdf' from the suffix of `to_file`; ValueError for anything else."""
    suffix = file_suffix(to_file, who)
    if suffix not in IMAGE_FORMATS:
        given = f"the suffix {suffix!r}" if suffix else "no suffix"
        raise ValueError(f"{who}: cannot draw to {os.fsdecode(to_file)}, which has {given}; "
                         f"use .png, .svg or .pdf" + (
                             f" (the DOT text itself: {_DOT_TEXT.get(who, 'get_dot_graph')})"
                             if suffix == "dot" else ""))
    return suffix


# Where each drawing function's DOT text comes from (a model's diagram is not get_dot_graph's)
_DOT_TEXT = {"plot_model": "model_to_dot(model), whose .write(path) saves it"}


def file_suffix(to_file, who):
    """The suffix of the file name `to_file`, lower case and without its dot ('' for none);
    TypeError, naming `who`, for anything but a str, bytes or path."""
    if not isinstance(to_file, (str, bytes, os.PathLike)):
        raise TypeError(f"{who}: to_file must be a file name (str or path), got "
                        f"{type(to_file).__name__}")
    return os.path.splitext(os.fsdecode(to_file))[1].lower().lstrip(".")


def checked_target(to_file, who):
    """The format of `to_file` (format_of), its folder checked to exist: for a picture
    drawn later (after training), whose path should fail now rather than then."""
    fmt = format_of(to_file, who)
    check_folder(to_file, who)
    return fmt


def render_bytes(dot_source, fmt, who="plot_graph", max_nodes=None):
    """DOT source rendered by Graphviz's `dot` to `fmt` (png, svg, pdf), as bytes: run here
    rather than through the graphviz package, for a time limit (RENDER_SECONDS). More than
    `max_nodes` nodes (default MAX_NODES) are refused before `dot` runs."""
    nodes = _check_size(dot_source, who, MAX_NODES if max_nodes is None else max_nodes)
    _require_viz_extra(who)
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(f"{who}: the Graphviz 'dot' executable was not found on PATH; "
                           f"{_INSTALL_GRAPHVIZ}")
    try:
        done = subprocess.run([dot, f"-T{fmt}", *_layout_options(nodes, fmt)],
                              input=dot_source.encode("utf-8"),
                              capture_output=True, timeout=RENDER_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{who}: Graphviz took more than {RENDER_SECONDS} s to lay out this "
                           f"{_too_big(dot_source, ' and gave up')}") from None
    if done.returncode < 0:  # (dot died of SIGSEGV, saying nothing, on a 100,000-op chain)
        raise RuntimeError(f"{who}: Graphviz's dot crashed ({_signal_name(-done.returncode)}) "
                           f"laying out this {_too_big(dot_source)}")
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{who}: Graphviz could not render the graph"
                           f"{': ' + said[0] if said else ''}")
    scaled = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
              if "too large" in line]
    if scaled:  # (the bitmap scaled down until unreadable, said only on stderr)
        user_warning(f"{who}: Graphviz: {scaled[0].strip()}; an .svg or .pdf file stays "
                     "readable at any size")
    return done.stdout


def _too_big(dot_source, outcome=""):
    return f"graph of about {_node_count(dot_source)} nodes{outcome}; {_DRAW_LESS}"


_DRAW_LESS = "draw a part of it (a few steps of a loop), or keep get_dot_graph's source"


def _check_size(dot_source, who, max_nodes):
    """Refuse a graph too big to lay out in reasonable time, before dot is started."""
    check_max_nodes(max_nodes, who)
    nodes = _node_count(dot_source)
    if nodes > max_nodes:
        raise RuntimeError(
            f"{who}: the graph has {nodes:,} nodes, over the limit of {max_nodes:,} (Graphviz's "
            f"layout time grows faster than the graph); {_DRAW_LESS}; to try anyway, raise "
            f"the limit (max_nodes= of plot_graph and Module.plot, or "
            f"autograd.graph.MAX_NODES): dot is still stopped after {RENDER_SECONDS} s")
    return nodes


def check_max_nodes(max_nodes, who):
    """TypeError or ValueError, naming `who`, unless `max_nodes` is a count (or None)."""
    if max_nodes is None:
        return
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Real):
        raise TypeError(f"{who}: max_nodes is a number of nodes, got {max_nodes!r}")
    if not max_nodes >= 0:  # (NaN compares False with every count: it would lift the limit)
        raise ValueError(f"{who}: max_nodes is a number of nodes, 0 or more, got {max_nodes!r}")


def _layout_options(nodes, fmt):
    """dot's command-line options for a graph of `nodes` nodes drawn as `fmt`: none up to
    QUICK_LAYOUT_NODES; past it a quicker layout (straight edges, fewer passes of crossing
    reduction and of the network simplexes that rank nodes and place them across;
    attributes the DOT source sets itself still win), and a PNG at most PNG_INCHES a
    side."""
    if nodes <= QUICK_LAYOUT_NODES:
        return []
    options = ["-Gsplines=line", "-Gmclimit=0.1", "-Gnslimit=0.05", "-Gnslimit1=0.05"]
    if fmt == "png":  # (else a bitmap up to 32767 pixels a side: gigabytes of memory)
        options.append(f"-Gsize={PNG_INCHES},{PNG_INCHES}")
    return options


_NODE = re.compile(r"^ *[^\s\[\]]+ \[label=", re.M)  # `id [label=...`: an edge has `->`


def _node_count(dot_source):
    """The number of nodes in DOT source written as rungrad writes it (one statement a
    line: an id, then its attributes)."""
    return len(_NODE.findall(dot_source))


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _require_viz_extra(who):
    """The graphviz package, the viz extra's, is what the docs promise plots need."""
    if importlib.util.find_spec("graphviz") is None:
        raise ImportError(f"{who} needs the graphviz Python package: "
                          "pip install 'rungrad[viz]'")


# Graphviz's layout time grows steeply with long edges: a 50-step recurrence drawn with one
# node per shared weight kept dot busy for minutes (long_edges now draws those per use)
RENDER_SECONDS = 60

# Nodes past which a graph is refused before dot runs (plot_graph's max_nodes). Layout time
# grows faster than the node count: chains of 8,000 and 16,000 nodes took 5 and 23 s, one of
# 40,000 (20,000 ops) ran past RENDER_SECONDS; a 6-layer Transformer encoder has 553 nodes.
MAX_NODES = 10_000

# Nodes past which dot lays a graph out quickly (_layout_options). The graph of tanh's 7th
# derivative (DeZero's step 35; 1,965 nodes) took dot 89 s with its defaults and 6 s so; the
# 8th's (5,393) ran past 150 s and takes 15 s (its PNG, 32,766 x 20,917 pixels drawn in
# 2.9 GB of memory, became 9,600 x 6,396 in 0.5 GB; dot 2.43, one core; without nslimit1,
# ranking's limit, placing its 154,109 virtual nodes took 42 s of the 52). Below it the
# defaults' curved edges cost little: 285 nodes took 1.1 s, 737 took 5.6 s.
QUICK_LAYOUT_NODES = 1_000
PNG_INCHES = 100  # (at dot's 96 dpi: 9,600 pixels)


def check_folder(path, who):
    """Refuse, naming `who`, a path whose folder is missing or is a file, or whose target
    could not be replaced (a folder, a write-protected file: atomic.target_of): before the
    work of drawing, not after it."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    if os.path.isfile(folder):
        raise NotADirectoryError(f"{who}: {folder!r}, where {os.fspath(path)!r} would go, is a "
                                 "file, not a folder")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{who}: folder {folder!r} for {os.fspath(path)!r} does not "
                                "exist")
    try:  # (a folder or a write-protected file in its place: refused now, not after dot)
        target_of(path)
    except (IsADirectoryError, NotARegularFileError, PermissionError) as exc:
        raise type(exc)(f"{who}: {exc}") from None


__all__ = ["get_dot_graph", "plot_graph", "draw_graph", "render_dot", "render_bytes",
           "format_of", "checked_target", "check_max_nodes", "check_folder", "file_suffix",
           "escape", "MAX_NODES", "Drawing", "GraphImage", "NO_GRAD"]
