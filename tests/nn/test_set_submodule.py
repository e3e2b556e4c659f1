"""Module.set_submodule puts a module only where a submodule is or may be (PyTorch's)."""
import numpy as np
import pytest

import nn


def test_set_submodule_refuses_to_replace_a_method_or_a_setting():
    """`set_submodule("0.forward", m)` made the Linear compute m's forward instead of its
    own, and "0.in_features" replaced a setting: both silently."""
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    x = np.ones((1, 2), np.float32)
    before = model(x).data.copy()
    with pytest.raises(AttributeError, match="'forward' of Linear at '0' is not a submodule but"):
        model.set_submodule("0.forward", nn.Tanh())
    with pytest.raises(AttributeError, match="'in_features' of .* of type int"):
        model.set_submodule("0.in_features", nn.Tanh())
    np.testing.assert_array_equal(model(x).data, before)
    assert model[0].in_features == 2 and list(model[0]._modules) == []


def test_set_submodule_strict_replaces_an_existing_submodule_only():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    with pytest.raises(AttributeError, match="has no submodule 'extra'"):
        model.set_submodule("1.extra", nn.Tanh(), strict=True)
    model.set_submodule("1.0", nn.Tanh(), strict=True)
    model.set_submodule("1.extra", nn.Tanh())  # (a new name: not strict)
    assert [type(m).__name__ for m in model[1]] == ["Tanh", "Tanh"]
