"""Keras 3's `positions` and `layer_range` arguments of Model.summary(), read as Keras reads
them: column widths from the columns' end positions, and the slice of the model's rows that a
pair of layer-name patterns selects (nn.training.summary prints them)."""
import re

NARROW = "Insufficient console width to print summary."


def positioned_widths(positions, line_length, columns, show_trainable=False):
    """The widths of the first `columns` columns ending at `positions`: fractions of the line
    (the last at most 1: Keras 3's reading, squeezed to 0.9 of the line before the Trainable
    column), or else the characters they end at (Keras 2's, the Trainable column then up to
    line_length). Keras' ValueError where a column would be under 4 characters."""
    positions = list(positions)
    relative = positions[-1] <= 1
    if show_trainable:
        positions = ([p * 0.90 for p in positions] + [1.0] if relative
                     else positions + [line_length])
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length if relative else position) - current
        if width < 4:  # (Keras checks every position, those past the columns too)
            raise ValueError(NARROW)
        widths.append(width)
        current += width
    if len(widths) < columns:  # (Keras fails on an IndexError)
        raise ValueError(f"positions: the summary has {columns} columns, got "
                         f"{len(widths)} positions: {positions}")
    return tuple(widths[:columns])


def layer_bounds(names, layer_range=None):
    """[first, last + 1] of the rows `layer_range` (two names, or regular expressions matched
    at the start of a name as Keras' re.match) selects among layers called `names`: from the
    first layer the first matches to the last one the second matches (Keras swaps a pair in
    reverse order); all of them for None. Keras' errors (and texts) otherwise."""
    if layer_range is None:
        return [0, len(names)]
    if len(layer_range) != 2:
        raise ValueError("layer_range must be a list or tuple of length 2. Received: "
                         f"layer_range = {layer_range} of length {len(layer_range)}")
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, name in enumerate(names) if re.match(layer_range[0], name)]
    upper = [i for i, name in enumerate(names) if re.match(layer_range[1], name)]
    if not lower or not upper:
        raise ValueError("Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    if min(lower) > max(upper):
        return [min(upper), max(lower) + 1]
    return [min(lower), max(upper) + 1]


__all__ = ["positioned_widths", "layer_bounds", "NARROW"]
