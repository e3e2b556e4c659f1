"""Model.summary(): Keras' table of layers, output shapes and parameter counts.

Rows are the model's direct children (a nested block is one row with all its
parameters). Output shapes come from the last call of the model (batch axis shown as
None), or from a trial call when the input shape is known (`input_shape=` on the first
Dense); "?" where no call told them. As in Keras, non-trainable counts include
BatchNorm's running statistics (float buffers) and frozen parameters.
"""
from ..layers.lambda_layer import Lambda

NOT_BUILT = ("This model has not yet been built. Build the model first by calling it on a "
             "batch of data (or fit() it), or give its first layer an `input_shape`, "
             "e.g. Dense(12, input_shape=(8,)).")


def is_built(model):
    """Whether every layer has its parameters (lazy layers make them at the first call)."""
    return all(getattr(module, "built", True) for module in model.modules())


def print_summary(model, print_fn=print, line_length=72):
    """Print the table (or, for a model not built yet, Keras' message) through `print_fn`."""
    print_fn(f'Model: "{getattr(model, "name", None) or type(model).__name__}"')
    shapes = model.layer_output_shapes()  # may build lazy layers from a known input shape
    if not is_built(model):
        print_fn(NOT_BUILT)
        return
    widths = _column_widths(line_length)
    print_fn("_" * line_length)
    print_fn(_row(("Layer (type)", "Output Shape", "Param #"), widths))
    print_fn("=" * line_length)
    rows = list(_layer_rows(model, shapes))
    for i, row in enumerate(rows):
        print_fn(_row(row, widths))
        if i < len(rows) - 1:
            print_fn("")
    print_fn("=" * line_length)
    trainable, frozen = count_parameters(model)
    print_fn(f"Total params: {_count(trainable[0] + frozen[0], trainable[1] + frozen[1])}")
    print_fn(f"Trainable params: {_count(*trainable)}")
    print_fn(f"Non-trainable params: {_count(*frozen)}")
    print_fn("_" * line_length)


def count_parameters(module):
    """((trainable count, bytes), (non-trainable count, bytes)) of `module`, recursively."""
    trainable, frozen = [0, 0], [0, 0]
    for param in module.parameters():
        target = trainable if param.requires_grad else frozen
        target[0] += int(param.size)
        target[1] += int(param.data.nbytes)
    for buffer in module.buffers():
        if buffer is not None and buffer.dtype.kind == "f":
            frozen[0] += int(buffer.size)
            frozen[1] += int(buffer.nbytes)
    return tuple(trainable), tuple(frozen)


def _layer_type(layer):
    """A layer's type as a row shows it; a wrapped function also by name (`Lambda: relu`)."""
    if isinstance(layer, Lambda):
        return f"Lambda: {layer.label}"
    return type(layer).__name__


def _layer_rows(model, shapes):
    children = list(model.named_children())
    for name, child in children:
        trainable, frozen = count_parameters(child)
        yield (f"{name} ({_layer_type(child)})", _shape(shapes.get(name)),
               f"{trainable[0] + frozen[0]:,}")
    own = sum(int(p.size) for p in model.parameters(recurse=False))
    if own or not children:
        yield ("(own parameters)", _shape(shapes.get("")), f"{own:,}")


def _shape(shape):
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _count(count, nbytes):
    return f"{count:,} ({_size(nbytes)})"


def _size(nbytes):
    if nbytes < 1024:
        return f"{nbytes} B"
    if nbytes < 1024 ** 2:
        return f"{nbytes / 1024:.2f} KB"
    return f"{nbytes / 1024 ** 2:.2f} MB"


def _column_widths(line_length):
    first = int(line_length * 0.45)
    second = int(line_length * 0.33)
    return first, second, line_length - first - second


def _row(cells, widths):
    text = ""
    for cell, width in zip(cells, widths):
        cell = str(cell)
        if len(cell) >= width:
            cell = cell[:width - 3] + ".."
        text += " " + cell.ljust(width - 1)
    return text.rstrip()


__all__ = ["print_summary", "count_parameters", "is_built", "NOT_BUILT"]
