"""Keras' StackedRNNCells: cells run one after the other within each time step."""
import numpy as np

from autograd.variable import wrap

from ...containers import ModuleList
from ...layers.config import deserialize_layer, serialize_layer
from ...layers.keras_name import KerasNamed
from ...module import Module, takes_training


class StackedRNNCells(Module, KerasNamed):
    """`StackedRNNCells([cell_1, cell_2, ...])` is a cell: at each step cell_1 takes the
    input, each next cell the output of the one before; its states are the cells' own, a
    list per cell ([[h1, c1], [h2]] ...); a cell may be a stack itself (its states then a
    list of its cells' lists). RNN([cells]) makes one."""

    def __init__(self, cells, *, name=None):
        super().__init__()
        cells = list(cells) if isinstance(cells, (list, tuple)) else None
        if not cells:
            raise ValueError("StackedRNNCells: cells must be a non-empty list of cells")
        for cell in cells:
            check_cell(cell, "StackedRNNCells")
        self.cells = ModuleList(cells)
        self._set_name(name)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or state_sizes(last)[0]

    @property
    def built(self):
        return all(getattr(cell, "built", True) for cell in self.cells)

    def get_initial_state(self, batch_size=None):
        return [initial_states(cell, batch_size) for cell in self.cells]

    def forward(self, inputs, states, training=None):
        """One step: inputs (N, F) and a list of each cell's states -> (the last cell's
        output, the list of each cell's new states)."""
        if not isinstance(states, (list, tuple)) or len(states) != len(self.cells):
            raise ValueError(f"StackedRNNCells: states must be a list of {len(self.cells)} "
                             "cells' states")
        new_states = []
        for cell, state in zip(self.cells, states):
            state = list(state) if isinstance(state, (list, tuple)) else [state]
            inputs, state = call_cell(cell, inputs, state, training)
            new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
        return inputs, new_states

    def get_config(self):
        """Keras': the cells serialized ({"class_name", "config"} each), the name."""
        return {"cells": [serialize_layer(cell, "StackedRNNCells.get_config")
                          for cell in self.cells], "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "cells": rebuilt_layers(config["cells"],
                                                        "StackedRNNCells.from_config")})


def rebuilt_layers(value, who):
    """The layer a serialized config ({"class_name", "config"}) saves, or a list of them; a
    layer (or a list of layers) as it is."""
    if isinstance(value, (list, tuple)):
        return [rebuilt_layers(item, who) for item in value]
    return deserialize_layer(value, who=who) if isinstance(value, dict) else value


def leaves(cell):
    """The cells a cell runs, in order: a stack's own cells, those of a stack within it in
    its place (a nested stack steps as the flat one: each cell feeds the next)."""
    if not isinstance(cell, StackedRNNCells):
        return [cell]
    return [leaf for inner in cell.cells for leaf in leaves(inner)]


def nested_states(cell, flat):
    """The flat states (in leaves' order) shaped as `cell` takes them: a list of its states,
    a stack's a list per cell (a stack within it, a list of those)."""
    flat = iter(flat)

    def shape(inner):
        if isinstance(inner, StackedRNNCells):
            return [shape(c) for c in inner.cells]
        return [next(flat) for _ in state_sizes(inner)]

    return shape(cell)


def flat_states(states):
    """States as cells give and take them (one, a list, lists of lists) as one flat list."""
    if isinstance(states, (list, tuple)):
        return [s for inner in states for s in flat_states(inner)]
    return [states]


def check_cell(cell, who):
    """A ValueError naming `who` unless `cell` is a layer with Keras' state_size."""
    if not isinstance(cell, Module) or not hasattr(cell, "state_size"):
        raise ValueError(f"{who}: a cell must be a layer with a state_size and a call(inputs, "
                         f"states) (Keras' cell API), got {type(cell).__name__}")
    if not isinstance(cell, StackedRNNCells):  # (whose cells were checked so)
        state_sizes(cell, who)


def state_sizes(cell, who="RNN"):
    """The cell's state_size as a list of ints (an int is one state's size)."""
    size = cell.state_size
    sizes = list(size) if isinstance(size, (list, tuple)) else [size]
    if not sizes or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                            for n in sizes):
        raise ValueError(f"{who}: {type(cell).__name__}.state_size must be a positive int or "
                         f"a list of them, got {size!r}")
    return sizes


def initial_states(cell, batch_size):
    """The cell's get_initial_state(batch_size) as a list; zeros (float32) of its
    state_size without one (Keras')."""
    make = getattr(cell, "get_initial_state", None)
    if make is None:
        return [wrap(np.zeros((batch_size, n), np.float32), False) for n in state_sizes(cell)]
    states = make(batch_size=batch_size)
    return list(states) if isinstance(states, (list, tuple)) else [states]


def call_cell(cell, inputs, states, training):
    """cell(inputs, states), with training where its call takes it (as Keras passes it)."""
    call = getattr(type(cell), "call", None)
    takes = takes_training(type(cell).forward) or (call is not None and takes_training(call))
    return cell(inputs, states, training=training) if takes else cell(inputs, states)


__all__ = ["StackedRNNCells"]
