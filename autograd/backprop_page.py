"""plot_backward: a self-contained HTML page that steps through one backward pass.

The page holds the graph as inline SVG (drawn by Graphviz, with the forward values on it),
one frame per Function in the engine's real order, and a little script: Previous/Next
buttons, a slider and the arrow keys move between frames, the current Function is
highlighted, and a panel shows what it received, what it sent to each input and every
variable's gradient accumulated so far. No network, no external scripts or fonts.
"""
import html
import json
import os
import re
from importlib import resources

from .array_text import array_text
from .atomic import write_bytes
from .backward_trace import record_backward
from .function import op_title
from .graph import NO_GRAD, check_folder, file_suffix, get_dot_graph, render_bytes, shown_name
from .variable import Variable


def plot_backward(output, to_file="backprop.html", values=True):
    """Run `output.backward()` while recording it and write the step-through page to
    `to_file`; returns a `BackpropPage` (Jupyter shows it inline). The graph's `.grad`s are
    left as they were: drawing a backward pass does not add a second one to them. It is a
    real backward, so gradient hooks run; the page's running totals are what the ops sent,
    before a variable's own hooks (a hooked variable is marked so)."""
    if not isinstance(output, Variable):
        raise TypeError(f"plot_backward: expected one output Variable, got "
                        f"{type(output).__name__} (draw several outputs' graph with "
                        "plot_graph; step through the backward of their sum)")
    if file_suffix(to_file, "plot_backward") not in ("html", "htm"):
        raise ValueError(f"plot_backward: the page is HTML; got {os.fsdecode(to_file)!r} "
                         f"(use a name ending in .html)")
    check_folder(to_file, "plot_backward")  # (before drawing, and before the backward runs)
    svg = render_bytes(get_dot_graph(output, values=values, who="plot_backward"), "svg",
                       "plot_backward")
    before = [(v, v.grad) for v in _graph_variables(output)]
    try:
        with record_backward() as trace:
            output.backward()
    finally:
        for v, grad in before:
            v.grad = grad
    svg = svg.decode("utf-8")
    page = _page(svg[svg.find("<svg"):], frames(output, trace))  # no XML prolog inside HTML
    write_bytes(os.fspath(to_file), page.encode("utf-8"))
    return BackpropPage(os.fspath(to_file), page)


def _graph_variables(output):
    """Every Variable the graph of `output` holds: the output, the inputs of each Function."""
    seen, stack, found = set(), [output], []
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            found.append(v)
            if v.creator is not None:
                stack.extend(v.creator.inputs)
    return found


def frames(output, trace):
    """The page's frames: the forward pass done, then one per step of the first backward
    pass recorded in `trace` (a pass run inside one of its steps, as a checkpointed block's,
    is not drawn: its Functions are not in the graph, and its gradients to the graph's
    leaves are part of what that step sends)."""
    names = _Names()
    seed = ("gradient 1 (dL/dL = 1)" if output.size == 1 else
            f"gradient ones of shape {tuple(output.shape)} (backward's seed for an output "
            "that is not a scalar: it differentiates the sum of its elements)")
    first = {"highlight": str(id(output)), "targets": [],
             "caption": f"Forward pass done: each variable shows its value. Backward starts "
                        f"at the output {names(output)} with {seed}.",
             "received": [], "sent": [], "totals": []}
    result, totals = [first], {}
    steps = [step for step in trace if step.pass_index == 0]  # (not the passes run inside)
    for number, step in enumerate(steps, 1):
        func = step.function
        sent, sent_to = [], []
        for x, g in zip(func.inputs, step.grad_inputs):
            if g is None:
                continue
            totals[id(x)] = (x, totals[id(x)][1] + g if id(x) in totals else g)
            sent.append({"to": names(x), "grad": array_text(g)})
            sent_to.append(x)
        # one entry per output, in order: an output that got no gradient (a module hook's
        # tap passes None on) is a dash, not left out, which shifted the others' places
        received = [NO_GRAD if g is None else array_text(g) for g in step.grad_outputs]
        result.append({
            "highlight": str(id(func)),
            "targets": [str(id(x)) for x, g in zip(func.inputs, step.grad_inputs)
                        if g is not None],
            "caption": _caption(step.function, number, len(steps), received, sent),
            "received": received, "sent": sent,
            # only the totals this step changed: the page adds them up to the frame shown
            # (every total in every frame made the page grow with the square of the steps)
            "totals": [{"id": str(id(x)), "var": names(x) + _before_hooks(x),
                        "grad": array_text(totals[id(x)][1])} for x in _unique(sent_to)],
        })
    return result


def _unique(variables):
    """`variables` in order, each once (an op may send to the same input twice: x * x)."""
    return list({id(v): v for v in variables}.values())


def _before_hooks(x):
    watch = x._watch
    return " (before its hooks)" if watch is not None and (watch.hooks or watch.last) else ""


def _caption(func, number, n_steps, received, sent):
    rule = _rule(func.__doc__)  # (a PyTorch-style Function's call holds its class' own)
    what = f"{op_title(func)} ({rule})" if rule else op_title(func)
    parts = ", ".join(f"{s['grad']} to {s['to']}" for s in sent) or "nothing that needs a grad"
    return (f"Step {number} of {n_steps}: {what} receives gy = "
            f"{', '.join(received) or '—'} and sends {parts}.")


_RULE_CHARACTERS = 160


def _rule(doc):
    """The rule a Function's docstring opens with (`y = tanh x; dy/dx = 1 - y^2`): its
    first paragraph up to a `.` or `:` outside brackets, at most _RULE_CHARACTERS long. Its
    first line was cut mid-clause ('ReLU (y = max(x, 0);  dy/dx = [y != 0]: 1 where x > 0,
    0 at and below the kink, and 1 at a)')."""
    text = " ".join((doc or "").strip().split("\n\n")[0].split())
    depth = 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c in ".:" and depth == 0 and text[i + 1:i + 2] in ("", " "):
            text = text[:i]
            break
    return text if len(text) <= _RULE_CHARACTERS else text[:_RULE_CHARACTERS - 1] + "…"


class _Names:
    """A readable name per variable, unique on the page: its own, else what made it ('Mul
    output') or what it is ('leaf (2, 3)'), as the graph's labels let a reader find it; a
    second variable of the same name gets a number ('x 2', 'Mul output 2')."""

    def __init__(self):
        self.names, self.used = {}, set()

    def __call__(self, v):
        if id(v) not in self.names:
            base = self._base(v)
            name, n = base, 1
            while name in self.used:  # (two variables both named 'x' are two rows)
                n += 1
                name = f"{base} {n}"
            self.used.add(name)
            self.names[id(v)] = name
        return self.names[id(v)]

    @staticmethod
    def _base(v):
        name = shown_name(v)
        if name is not None:
            return name
        return (f"{type(v.creator).__name__} output" if v.creator is not None
                else f"leaf {tuple(v.shape)}")


def _page(svg, frames):
    """The page: the template's markers filled in one pass, so that a marker inside what
    is filled in (a variable named '{{FRAMES}}') stays text."""
    template = resources.files("autograd").joinpath("page/backprop.html").read_text("utf-8")
    steps = len(frames) - 1
    parts = {"SVG": svg, "FRAMES": _script_json(frames),
             "TITLE": html.escape(f"Backprop, {steps} step{'' if steps == 1 else 's'}")}
    return re.sub(r"\{\{(SVG|FRAMES|TITLE)\}\}", lambda m: parts[m.group(1)], template)


class BackpropPage:
    """The written page: `path` and its `html`; Jupyter displays it inline."""

    def __init__(self, path, page):
        self.path, self.html = path, page

    def _repr_html_(self):
        # An iframe keeps the page's script and styles apart from the notebook's.
        return (f'<iframe srcdoc="{html.escape(self.html)}" style="width:100%;height:640px;'
                f'border:1px solid #ccc"></iframe>')

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return f"BackpropPage({self.path!r})"


def _script_json(value):
    """`value` as JSON that cannot end or comment out the <script> it sits in: <, > and &
    as \\u escapes (valid JSON, the same strings), as HTML's rules for scripts require."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

