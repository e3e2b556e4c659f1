"""Keras' plot_model and model_to_dot: a layer-level diagram, one box per layer with its
name, type and parameter count, and what Keras' options add (output shape and dtype, the
activation, whether it trains); the op-level graph is `Module.plot` / `autograd.plot_graph`.

The boxes are the rows of `Model.summary()`: the model's direct children (a nested model is
one box, or with expand_nested a frame around its own boxes), output shapes and dtypes from
the last call or a trial call, "?" where unknown. A Sequential's layers are joined by arrows,
and a functional Model's by the arrows of its graph (branches, merges); a custom model's
forward may wire its layers in any way, so its boxes are stacked in definition order
without arrows.
"""
import functools
import numbers
import os

from autograd.atomic import write_bytes
from autograd.graph import IMAGE_FORMATS, escape, format_of, render_bytes, render_dot

from ..layers.activation import activation_config
from ..layers.keras_name import layer_names
from ..module import Module
from .summary import NOT_BUILT, _layer_type, _shape, is_built, parameter_count, shown_children

_RANKDIRS = ("TB", "LR", "BT", "RL")


class DotSource(str):
    """model_to_dot's result: the DOT text itself (a str), with the methods of pydot's Dot
    that notebooks call: `create(prog="dot", format="svg")` gives the image's bytes
    (IPython's `SVG(model_to_dot(model).create(prog="dot", format="svg"))`), `write(path,
    format="png")` writes it (format "raw": the DOT text), atomically."""

    def to_string(self):
        return str(self)

    def create(self, prog="dot", format="png", encoding=None):  # noqa: A002 (pydot's)
        _check_prog(prog)
        if format not in IMAGE_FORMATS:
            raise ValueError(f"model_to_dot(...).create: format must be one of "
                             f"{', '.join(IMAGE_FORMATS)}, got {format!r}")
        return render_bytes(str(self), format, "model_to_dot")

    def write(self, path, prog="dot", format="raw", encoding=None):  # noqa: A002 (pydot's)
        data = str(self).encode(encoding or "utf-8") if format == "raw" else \
            self.create(prog, format)
        write_bytes(os.fspath(path), data)
        return True

    create_png = functools.partialmethod(create, format="png")
    create_svg = functools.partialmethod(create, format="svg")
    create_pdf = functools.partialmethod(create, format="pdf")
    write_raw = functools.partialmethod(write, format="raw")
    write_png = functools.partialmethod(write, format="png")
    write_svg = functools.partialmethod(write, format="svg")
    write_pdf = functools.partialmethod(write, format="pdf")


def _check_prog(prog):
    if prog not in (None, "dot"):
        raise ValueError(f"model_to_dot: Graphviz's 'dot' lays the diagram out, got "
                         f"prog={prog!r}")


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, **kwargs):
    """The layer diagram of `model` as DOT source (a DotSource: a str, with pydot's create
    and write); Keras' arguments and defaults. No Graphviz is needed for the text."""
    if not isinstance(model, Module):
        raise TypeError(f"model_to_dot: expected an nn.Module, got {type(model).__name__}")
    _refuse_unknown(kwargs, "model_to_dot")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"model_to_dot: rankdir must be one of {', '.join(_RANKDIRS)}, got "
                         f"{rankdir!r}")
    _check_dpi(dpi)
    shown = {"shapes": show_shapes, "dtype": show_dtype, "names": show_layer_names,
             "activations": show_layer_activations, "trainable": show_trainable}
    drawing = _Drawing(shown, expand_nested)
    first, _ = drawing.model(model, "")
    if first is None:
        raise ValueError(f"model_to_dot: {NOT_BUILT}")
    head = "subgraph cluster_model {" if subgraph else "digraph model {"
    lines = [head, f"  rankdir={rankdir};", f"  dpi={int(dpi)};", "  nodesep=0.3;",
             "  ranksep=0.35;",
             f'  label="{escape(type(model).__name__)}"; labelloc=t; fontname="Helvetica";',
             '  node [shape=box, style="rounded,filled", fillcolor="#dfe9f7", '
             'fontname="Helvetica"];']
    return DotSource("\n".join(lines + drawing.lines + ["}"]) + "\n")


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Render the layer diagram of `model` to `to_file` (.png, .svg or .pdf) with Graphviz,
    atomically; Keras' arguments and defaults. Returns a GraphImage, which Jupyter displays
    inline."""
    _refuse_unknown(kwargs, "plot_model")
    fmt = format_of(to_file, "plot_model")
    dot = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir,
                       expand_nested, dpi, show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    return render_dot(dot, to_file, fmt, who="plot_model")


def _check_dpi(dpi):
    """Refuse a dpi that is not a positive number, by name (int() said only 'invalid
    literal')."""
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real):
        raise TypeError(f"model_to_dot: dpi is dots per inch, a number, got {dpi!r}")
    if not dpi > 0:  # (NaN too)
        raise ValueError(f"model_to_dot: dpi is dots per inch, more than 0, got {dpi!r}")


def _refuse_unknown(kwargs, who):
    if kwargs:
        raise TypeError(f"{who}: unexpected keyword argument(s) {', '.join(sorted(kwargs))} "
                        f"(layer_range, Keras' old argument, is not supported either)")


class _Drawing:
    """The boxes and arrows of a model's diagram, added to `lines`; nested models drawn as
    frames of their own boxes where `expand` says."""

    def __init__(self, shown, expand):
        self.shown, self.expand, self.lines, self.count = shown, expand, [], 0

    def model(self, model, indent):
        """Draw `model`'s boxes; (first node, last node) of the drawing (arrows into and out
        of it), (None, None) when it is not built."""
        shapes_of = getattr(model, "layer_output_shapes", None)
        shapes = shapes_of() if shapes_of is not None else {}  # may build lazy layers
        if not is_built(model):
            return None, None
        dtypes_of = getattr(model, "layer_output_dtypes", None)
        dtypes = dtypes_of() if dtypes_of is not None else {}
        chained, wiring = _is_sequential(model), _wiring(model)
        ends, previous = [], None
        input_shape = _input_shape(model)
        if self.shown["shapes"] and chained and input_shape is not None and not indent:
            previous = self._box(indent, "input", [input_shape], fill="#eeeeee", node="input")
        names = layer_names(model._modules)
        for key, child in shown_children(model):
            first, last = self._child(child, names[key], shapes.get(key), dtypes.get(key),
                                      indent)
            if previous is not None and chained:
                self.lines.append(f"{indent}  {previous} -> {first};")
            elif previous is not None and wiring is None:
                self.lines.append(f"{indent}  {previous} -> {first} [style=invis];")
            ends.append((first, last))
            previous = last
        own = sum(int(p.size) for p in model.parameters(recurse=False))
        if own or not ends:
            ends.append((self._box(indent, "(own parameters)", [f"params: {own:,}"]),) * 2)
        for a, b in wiring or ():
            self.lines.append(f"{indent}  {ends[a][1]} -> {ends[b][0]};")
        return ends[0][0], ends[-1][1]

    def _child(self, child, name, shape, dtype, indent):
        if self.expand and _is_model(child) and is_built(child) and shown_children(child):
            cluster = f"cluster_{self.count}"
            self.count += 1
            self.lines += [f"{indent}  subgraph {cluster} {{",
                           f'{indent}    label="{escape(self._title(child, name))}"; '
                           'style="rounded,dashed";']
            ends = self.model(child, indent + "  ")
            self.lines.append(f"{indent}  }}")
            if ends[0] is not None:
                return ends
        box = self._box(indent, self._title(child, name), self._facts(child, shape, dtype))
        return box, box

    def _title(self, child, name):
        kind = _layer_type(child)
        return f"{name} ({kind})" if self.shown["names"] else kind

    def _facts(self, child, shape, dtype):
        """The lines under a box's title, in Keras' order, then the parameter count."""
        facts = []
        activation = getattr(child, "activation", None)
        if self.shown["activations"] and activation is not None:
            facts.append(f"activation: {_activation_name(activation)}")
        if self.shown["trainable"]:
            facts.append(f"trainable: {getattr(child, 'trainable', True)}")
        if self.shown["shapes"]:
            facts.append(f"output: {_shape(shape)}")
        if self.shown["dtype"]:
            facts.append(f"dtype: {'?' if dtype is None else dtype}")
        return facts + [f"params: {parameter_count(child)}"]

    def _box(self, indent, title, facts, fill=None, node=None):
        if node is None:
            node = f"layer{self.count}"
            self.count += 1
        label = "\\n".join(escape(part) for part in [title, *facts])
        color = "" if fill is None else f', fillcolor="{fill}"'
        self.lines.append(f'{indent}  {node} [label="{label}"{color}];')
        return node


def _activation_name(activation):
    name = activation if isinstance(activation, str) else activation_config(activation)
    return name if isinstance(name, str) else getattr(name, "__name__", repr(name))


def _wiring(model):
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


def _is_model(module):
    from .model import Model
    return isinstance(module, Model)


def _input_shape(model):
    """'(None, 10, 3)': the batch the model takes, where known (an Input, the first layer's
    input_shape=, a first call); None otherwise."""
    try:
        shape = model.input_shape
    except AttributeError:  # (not known yet, or a model without Keras' input_shape)
        return None
    return "(" + ", ".join(str(n) for n in shape) + ")"


__all__ = ["model_to_dot", "plot_model", "DotSource"]
