"""nn.ModuleList: a list of Modules registered as children "0", "1", ...."""
import numpy as np
import pytest

import nn


def test_module_list_indexing_and_mutation():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    layers = nn.ModuleList([a, b])
    layers.append(c)
    assert len(layers) == 3 and layers[-1] is c and list(layers) == [a, b, c]
    layers.insert(0, nn.Linear(1, 1))
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3"]
    assert layers[1] is a
    del layers[0]
    assert list(layers) == [a, b, c]
    layers[1] = nn.ELU()
    assert isinstance(layers[1], nn.ELU)
    assert list(layers[1:]) == [layers[1], c]
    with pytest.raises(IndexError, match="out of range"):
        layers[3]
    with pytest.raises(TypeError, match="expected a Module"):
        layers.append(np.ones(1))


def test_module_list_parameter_names_follow_positions():
    layers = nn.ModuleList([nn.Linear(1, 2), nn.Linear(2, 3)])
    layers.insert(0, nn.Linear(3, 1))
    assert [n for n, _ in layers.named_parameters()] == [
        "0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]
