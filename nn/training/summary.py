"""Model.summary(): Keras' table of layers, output shapes and parameter counts.

Rows are the model's direct children, a list's or dict's layers in its place, in Keras'
order (a functional model's by depth: see nn.keras.layer_order; a nested block is one row
with all its parameters, its own layers' rows after it with expand_nested), under Keras'
names ('dense', 'dense_1', ...: see layer_names); a Sequential's Input is no row, as in
Keras. Output shapes come from the last call of the model (batch axis shown as None), or
from a trial call when the input shape is known (`input_shape=` on the first Dense); a
subclassed model's from its first call, batch size included (nn.training.first_call_shapes);
"?" where no call told them. A functional graph that is not a chain has Keras' "Connected
to" column (nn.training.summary_connections). As in Keras,
non-trainable counts include BatchNorm's running statistics, Normalization's statistics and
frozen parameters. positions and layer_range: see nn.training.summary_options.
"""
from ..containers import ModuleDict, ModuleList
from ..layers.input_layer import InputLayer
from ..layers.keras_name import layer_names, snake_case
from ..layers.lambda_layer import Lambda
from .model_layers import held_layer_items
from .summary_connections import connections, is_chain
from .summary_options import layer_bounds, positioned_widths

NOT_BUILT = ("This model has not yet been built. Build the model first by calling it on a "
             "batch of data (or fit() it), or give its first layer an `input_shape`, "
             "e.g. Dense(12, input_shape=(8,)).")
# Keras' column ends, and its line_length, for a graph that is not a chain (the "Connected
# to" column fourth); 12 more characters with the Trainable column, as for a chain
CONNECTED_POSITIONS = (0.3, 0.56, 0.74, 1.0)
CONNECTED_LINE_LENGTH = 108


def is_built(model):
    """Whether every layer has its parameters (lazy layers make them at the first call)."""
    return all(getattr(module, "built", True) for module in model.modules())


def print_summary(model, print_fn=print, line_length=None, show_trainable=False,
                  positions=None, expand_nested=False, layer_range=None):
    """Print the table (or, for a model none of whose layers is built, Keras' message)
    through `print_fn`; a layer not built yet (one a branch has not called) shows Keras'
    "0 (unbuilt)". line_length: 72 by default, 12 more with the Trainable column. Keras 3's
    positions (where the columns end), expand_nested (a nested model's layers under its row,
    marked "└ " and indented by depth) and layer_range (the rows from one layer name or
    pattern to another): see nn.training.summary_options. A functional graph that is not a
    chain gets Keras' "Connected to" column (nn.training.summary_connections), its line 108
    characters by default, its columns ending at 0.3, 0.56, 0.74 and 1.0 of it."""
    chain = is_chain(model)
    if line_length is None:
        line_length = (72 if chain else CONNECTED_LINE_LENGTH) + (12 if show_trainable else 0)
    columns = (3 if chain else 4) + (1 if show_trainable else 0)
    if not chain:
        positions = positions or CONNECTED_POSITIONS
    widths = _column_widths(line_length, show_trainable) if not positions else \
        positioned_widths(positions, line_length, columns, show_trainable)
    shapes = model.layer_output_shapes()  # may build lazy layers from a known input shape
    layers = _top_layers(model)  # (named once built: a lazy layer may change its class)
    if layer_range is not None:  # (checked, as Keras does, before anything is printed)
        first, last = layer_bounds([name for _, name, _ in layers], layer_range)
        layers = layers[first:last]
    print_fn(f'Model: "{getattr(model, "name", None) or snake_case(type(model).__name__)}"')
    if not is_built(model) and not any(p.size for p in model.parameters()):
        print_fn(NOT_BUILT)  # (some layers built: the table, the others "0 (unbuilt)")
        return
    print_fn("_" * line_length)
    header = ("Layer (type)", "Output Shape", "Param #") + (() if chain else ("Connected to",))
    print_fn(_row(header + (("Trainable",) if show_trainable else ()), widths))
    print_fn("=" * line_length)
    rows = list(_layer_rows(model, layers, shapes, show_trainable, expand_nested,
                            whole=layer_range is None))
    if not chain:
        rows = _with_connections(model, layers, rows)
    for i, row in enumerate(rows):
        print_fn(_row(row, widths))
        if i < len(rows) - 1:
            print_fn("")
    print_fn("=" * line_length)
    trainable, frozen = count_parameters(model)
    slots = optimizer_counts(getattr(model, "optimizer", None))
    total = [trainable[0] + frozen[0], trainable[1] + frozen[1]]
    if slots is not None:  # (Keras' total counts the optimizer's variables too)
        total = [total[0] + slots[0], total[1] + slots[1]]
    print_fn(f" Total params: {_count(*total)}")
    print_fn(f" Trainable params: {_count(*trainable)}")
    print_fn(f" Non-trainable params: {_count(*frozen)}")
    if slots is not None:
        print_fn(f" Optimizer params: {_count(*slots)}")
    print_fn("_" * line_length)


def count_parameters(module):
    """((trainable count, bytes), (non-trainable count, bytes)) of `module`, recursively."""
    trainable, frozen = [0, 0], [0, 0]
    for param in module.parameters():
        target = trainable if param.requires_grad else frozen
        target[0] += int(param.size)
        target[1] += int(param.data.nbytes)
    params = {id(p.data) for p in module.parameters()}
    for _, array, _ in module._keras_weights():  # (Keras' non-trainable weights)
        if id(array) not in params:
            frozen[0] += int(array.size)
            frozen[1] += int(array.nbytes)
    return tuple(trainable), tuple(frozen)


def optimizer_counts(optimizer):
    """(count, bytes) of an optimizer's variables as Keras counts them once it has made
    them (at its first update, or a loaded state): its update count and learning rate, two
    4-byte scalars, and each array it keeps per parameter (Adam's two moments, SGD's
    momentum); None before, or without an optimizer."""
    if optimizer is None or not (getattr(optimizer, "stepped", False) or len(optimizer.state)):
        return None
    count, nbytes = 2, 8
    for group in optimizer.param_groups:
        for param in group["params"]:
            for value in optimizer.state.get(param, {}).values():
                if getattr(value, "shape", None) == param.shape:  # (not a step count)
                    count += int(value.size)
                    nbytes += int(value.nbytes)
    return count, nbytes


def _layer_type(layer):
    """A layer's type as a row shows it; a wrapped function also by name (`Lambda: relu`),
    one of Keras' operations by its own (`NotEqual`, as Keras' summary)."""
    if isinstance(layer, Lambda):
        return f"Lambda: {layer.label}"
    return getattr(layer, "keras_operation", None) or type(layer).__name__


def shown_children(model):
    """(key, child) of each layer a summary row stands for, in order: a list's or dict's
    layers in its place, as Keras lists a subclassed model's (dotted keys, 'blocks.0')."""
    shown = []
    for key, child in model._keras_children():
        if isinstance(child, (ModuleList, ModuleDict)):
            shown += held_layer_items(child._modules, prefix=f"{key}.")
        elif not isinstance(child, InputLayer) or model.summary_shows_inputs:
            shown.append((key, child))
    return shown


def parameter_count(layer):
    """A layer's parameter count as a row shows it: '2,080', or Keras' '0 (unbuilt)'."""
    trainable, frozen = count_parameters(layer)
    count = f"{trainable[0] + frozen[0]:,}"
    return count if is_built(layer) else f"{count} (unbuilt)"


def _top_layers(model):
    """(key, Keras name, layer) of each layer the model's summary has a row for, in order."""
    names = layer_names(dict(held_layer_items(model._modules)))
    return [(key, names.get(key) or child.name, child) for key, child in shown_children(model)]


def _with_connections(model, layers, rows):
    """`rows` with the "Connected to" cell after the parameter count: a top-level layer's
    inputs, '-' for a nested model's layers (Keras finds their calls outside the graph) and
    the model's own parameters."""
    names = {id(layer): name for _, name, layer in _top_layers(model)}  # (a range's too)
    cells = {name: connections(model, layer, names) for _, name, layer in layers}
    return [row[:3] + (cells.get(row[0].rsplit(" (", 1)[0], "-"),) + row[3:] for row in rows]


def _layer_rows(model, layers, shapes, show_trainable=False, expand_nested=False, whole=True):
    """The rows of `layers` ((key, name, layer) of the model's), and, for the whole model, one
    of its own parameters where it has some (or holds no layer): no layer a range selects."""
    for key, name, child in layers:
        yield from _rows_of(child, name, shapes.get(key), show_trainable, expand_nested)
    own = sum(int(p.size) for p in model.parameters(recurse=False))
    if whole and (own or not model._held_children()):
        row = ("(own parameters)", _shape(shapes.get("")), f"{own:,}")
        yield row + ((_trains(model, row_of_model=False),) if show_trainable else ())


def _rows_of(layer, name, shape, show_trainable, expand_nested, depth=0):
    """The layer's row; with expand_nested, a nested model's layers' rows after it, their
    names behind Keras' marker ("└ ", three spaces more per level of nesting)."""
    marker = "   " * depth + "└ " if depth else ""
    row = (f"{marker}{name} ({_layer_type(layer)})", _shape(shape), parameter_count(layer))
    yield row + ((_trains(layer),) if show_trainable else ())
    if expand_nested and _is_model(layer):
        shapes = layer.layer_output_shapes()
        for key, inner_name, inner in _top_layers(layer):
            if not getattr(inner, "keras_operation", False):  # (not in a nested `layers`)
                yield from _rows_of(inner, inner_name, shapes.get(key), show_trainable, True,
                                    depth + 1)


def _is_model(layer):
    """Whether Keras would expand the layer's row: a model (Sequential, functional or
    subclassed) has a list of layers; another layer has none."""
    from .model import Model  # (model imports this module)
    return isinstance(layer, Model)


def _trains(layer, row_of_model=True):
    """Keras' Trainable column: Y or N, - for a layer without weights. A model's row reads
    its own flag, as Keras': a frozen layer inside it (whose nested row shows N) leaves it Y
    while some of its weights train; the (own parameters) row reads `trainable`."""
    if not any(True for _ in layer.parameters()) and not list(layer._keras_weights()):
        return "-"
    if row_of_model and _is_model(layer):
        trains = not getattr(layer, "_keras_frozen", False) and any(
            p.requires_grad for p in layer.parameters())
    else:
        trains = getattr(layer, "trainable", True)
    return "Y" if trains else "N"


def _shape(shape):
    """A shape as Keras prints it, '(None, 4)'; a list of them for several outputs."""
    if isinstance(shape, list):
        return "[" + ", ".join(_shape(one) for one in shape) + "]"
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _count(count, nbytes):
    return f"{count:,} ({_size(nbytes)})"


def _size(nbytes):
    """Keras' readable size: '884.00 B', '1.50 KB', ..."""
    units = ("B", "KB", "MB", "GB")
    for unit in units[:-1]:
        if nbytes < 1024:
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.2f} {units[-1]}"


def _column_widths(line_length, show_trainable=False):
    """The columns' widths: Keras' positions (0.45, 0.78, 1.0), times 0.88 with the
    Trainable column last."""
    scale = 0.88 if show_trainable else 1.0
    first = int(line_length * 0.45 * scale)
    second = int(line_length * 0.33 * scale)
    third = int(line_length * scale) - first - second
    widths = (first, second, third)
    return widths + (line_length - sum(widths),) if show_trainable else widths


def _row(cells, widths):
    """The row's lines: a cell too long for its column goes on at the next line, broken at
    spaces as Keras breaks 'batch_normalization (BatchNormalization)' (a word longer than
    the column is cut)."""
    columns = [_wrapped(str(cell), width - 1) for cell, width in zip(cells, widths)]
    lines = []
    for i in range(max(len(column) for column in columns)):
        parts = [column[i] if i < len(column) else "" for column in columns]
        lines.append("".join(" " + part.ljust(width - 1)
                             for part, width in zip(parts, widths)).rstrip())
    return "\n".join(lines)


def _wrapped(text, width):
    lines = []
    for word in text.split(" "):
        word = word if len(word) < width else word[:width - 3] + ".."
        if lines and len(lines[-1]) + 1 + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


__all__ = ["print_summary", "count_parameters", "is_built", "NOT_BUILT"]
