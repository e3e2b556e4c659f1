"""Keras' plot_model: a layer-level diagram, one box per layer with its name, type, output
shape and parameter count (the op-level graph is `Module.plot` / `autograd.plot_graph`).

The rows are those of `Model.summary()`: the model's direct children (a nested block is one
box), output shapes from the last call or a trial call, "?" where unknown. A Sequential's
layers are joined by arrows, and a functional Model's by the arrows of its graph (branches,
merges); a custom model's forward may wire its layers in any way, so its boxes are stacked
in definition order without arrows.
"""
from autograd.graph import escape, format_of, render_dot

from ..module import Module
from .summary import NOT_BUILT, _layer_rows, is_built, shown_children


def model_to_dot(model, show_shapes=True):
    """DOT source of the layer diagram of `model` (no Graphviz needed)."""
    if not isinstance(model, Module):
        raise TypeError(f"model_to_dot: expected an nn.Module, got {type(model).__name__}")
    shapes_of = getattr(model, "layer_output_shapes", None)
    shapes = shapes_of() if shapes_of is not None else {}  # may build lazy layers
    if not is_built(model):
        raise ValueError(f"model_to_dot: {NOT_BUILT}")
    chained = _is_sequential(model)
    lines = ["digraph model {", "  rankdir=TB;", "  nodesep=0.3;", "  ranksep=0.35;",
             f'  label="{escape(type(model).__name__)}"; labelloc=t; fontname="Helvetica";',
             '  node [shape=box, style="rounded,filled", fillcolor="#dfe9f7", '
             'fontname="Helvetica"];']
    previous = None
    input_shape = _input_shape(model)
    if show_shapes and chained and input_shape is not None:
        lines.append(f'  input [label="input\\n{escape(input_shape)}", fillcolor="#eeeeee"];')
        previous = "input"
    wiring = _graph_edges(model)  # a functional Model's arrows (None: another model)
    for i, (title, shape, params) in enumerate(_layer_rows(model, shapes)):
        parts = [title] + ([f"output: {shape}"] if show_shapes else []) + [f"params: {params}"]
        label = "\\n".join(escape(part) for part in parts)
        lines.append(f'  layer{i} [label="{label}"];')
        if previous is not None and wiring is None:
            lines.append(f"  {previous} -> layer{i}{'' if chained else ' [style=invis]'};")
        previous = f"layer{i}"
    lines += [f"  layer{a} -> layer{b};" for a, b in wiring or ()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file="model.png", show_shapes=True):
    """Render the layer diagram of `model` to `to_file` (.png, .svg or .pdf) with Graphviz;
    returns a GraphImage, which Jupyter displays inline."""
    fmt = format_of(to_file, "plot_model")
    return render_dot(model_to_dot(model, show_shapes), to_file, fmt, who="plot_model")


def _graph_edges(model):
    """(from, to) box numbers of a functional Model's graph: each layer call's inputs come
    from the layers that made them; None for a model without one."""
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return None
    boxes = {id(child): i for i, (_, child) in enumerate(shown_children(model))}
    edges = []
    for node in nodes:
        for tensor in node.inputs:
            edge = (boxes.get(id(tensor.node.layer)), boxes.get(id(node.layer)))
            if None not in edge and edge not in edges:
                edges.append(edge)
    return edges


def _is_sequential(model):
    from .sequential import Sequential
    return isinstance(model, Sequential)


def _input_shape(model):
    """'(None, 10, 3)': the batch the model takes, where known (an Input, the first layer's
    input_shape=, a first call); None otherwise."""
    try:
        shape = model.input_shape
    except AttributeError:  # (not known yet, or a model without Keras' input_shape)
        return None
    return "(" + ", ".join(str(n) for n in shape) + ")"


__all__ = ["model_to_dot", "plot_model"]
