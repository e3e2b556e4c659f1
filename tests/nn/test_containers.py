"""nn.ModuleList: a list of Modules registered as children "0", "1", ...."""
from collections import OrderedDict

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


def test_a_failed_insert_leaves_the_list_as_it_was():
    modules = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
    with pytest.raises(TypeError):
        modules.insert(0, "not a module")
    assert len(modules) == 2


def test_a_slice_of_a_sequential_keeps_the_layer_names():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert list(model[2:].state_dict()) == ["2.weight", "2.bias"]
    named = nn.Sequential(OrderedDict(fc=nn.Linear(3, 4), act=nn.ReLU()))
    assert list(named[:1].state_dict()) == ["fc.weight", "fc.bias"]


def test_module_dict_registers_its_modules_by_name():
    layers = nn.ModuleDict({"encoder": nn.Linear(2, 3), "act": nn.ReLU()})
    layers["decoder"] = nn.Linear(3, 2)
    assert list(layers) == layers.keys() == ["encoder", "act", "decoder"]
    assert "act" in layers and len(layers) == 3
    assert list(layers.state_dict()) == ["encoder.weight", "encoder.bias", "decoder.weight",
                                         "decoder.bias"]
    assert len(list(layers.parameters())) == 4
    assert layers.pop("act").__class__ is nn.ReLU and "act" not in layers
    with pytest.raises(KeyError, match="no module named 'act'"):
        layers["act"]
    with pytest.raises(TypeError, match="expected a Module"):
        layers["x"] = 3
    with pytest.raises(TypeError, match="keys are strings"):
        layers[1] = nn.ReLU()
    layers.clear()
    assert len(layers) == 0 and list(layers.parameters()) == []


def test_nn_parameter_and_nn_utils_are_pytorchs_names():
    import autograd
    import optim
    assert nn.Parameter is autograd.Parameter
    assert nn.utils.clip_grad_norm_ is optim.clip_grad_norm_


def test_module_list_adds_as_torchs():
    torch = pytest.importorskip("torch")
    first, second = nn.ModuleList([nn.Linear(2, 2)]), nn.ModuleList([nn.ReLU(), nn.Tanh()])
    both = first + second
    assert [type(m).__name__ for m in both] == ["Linear", "ReLU", "Tanh"]
    assert both[0] is first[0] and len(first) == 1
    first += second
    assert list(first.state_dict()) == ["0.weight", "0.bias"] and len(first) == 3
    theirs = torch.nn.ModuleList([torch.nn.Linear(2, 2)]) + torch.nn.ModuleList([torch.nn.ReLU()])
    assert [name for name, _ in theirs.named_children()] == ["0", "1"]
    # (second's modules are first's already: five entries, each child named once, as torch)
    assert len(first + second) == 5
    assert [name for name, _ in (first + second).named_children()] == ["0", "1", "2"]
    # any iterable of modules, as torch's (whose __add__ chains self and other)
    listed = first + [nn.ReLU()]
    assert [type(m).__name__ for m in listed] == ["Linear", "ReLU", "Tanh", "ReLU"]
    assert len(torch.nn.ModuleList([torch.nn.ReLU()]) + [torch.nn.Tanh()]) == 2
    with pytest.raises(TypeError, match="ModuleList.append: expected a Module, got int"):
        first + [3]
    with pytest.raises(TypeError, match="unsupported operand"):
        first + 3


def test_sequential_appends_and_extends_as_torchs():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 3))
    assert ours.append(nn.ReLU()) is ours
    assert ours.extend([nn.Linear(3, 1), nn.Sigmoid()]) is ours
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3))
    theirs.append(torch.nn.ReLU()).extend([torch.nn.Linear(3, 1), torch.nn.Sigmoid()])
    assert list(ours.state_dict()) == list(theirs.state_dict()) and len(ours) == len(theirs)
    assert ours(np.ones((4, 2), np.float32)).shape == (4, 1)


EDITS = {  # name: the edit, made on a Sequential of either library
    "del": lambda s, lib: s.__delitem__(1),
    "del slice": lambda s, lib: s.__delitem__(slice(1, 3)),
    "del negative": lambda s, lib: s.__delitem__(-2),
    "insert": lambda s, lib: s.insert(1, lib.Sigmoid()),
    "insert negative": lambda s, lib: s.insert(-1, lib.Sigmoid()),
    "insert at the end": lambda s, lib: s.insert(4, lib.Sigmoid()),
    "pop": lambda s, lib: s.pop(1),
    "setitem": lambda s, lib: s.__setitem__(2, lib.Linear(3, 5)),
}


@pytest.mark.parametrize("edit", EDITS)
def test_sequential_edits_number_the_layers_as_torchs(edit):
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (nn, torch.nn):
        model = lib.Sequential(lib.Linear(2, 3), lib.ReLU(), lib.Linear(3, 4), lib.Tanh())
        returned = EDITS[edit](model, lib)
        seen.append(([name for name, _ in model.named_children()],
                     [type(m).__name__ for m in model], list(model.state_dict()),
                     type(returned).__name__))
    assert seen[0] == seen[1]


def test_sequential_edits_keep_named_layers_and_refuse_bad_indices():
    model = nn.Sequential(nn.Dense(3, name="hidden"), nn.ReLU(), nn.Dense(2, name="out"))
    model.insert(0, nn.Identity())
    del model[2]
    assert [name for name, _ in model.named_children()] == ["0", "hidden", "out"]
    with pytest.raises(IndexError, match="index 5 is out of range for 3 layers"):
        model.insert(5, nn.ReLU())
    with pytest.raises(IndexError, match="out of range"):
        del model[3]
    assert nn.Sequential(nn.Linear(2, 3), nn.ReLU()).pop().__class__ is nn.ReLU  # (Keras')


def test_sequential_edits_take_numpy_indices_and_build_what_they_insert():
    model = nn.Sequential(nn.Dense(3, input_shape=(2,)), nn.ReLU())
    model.insert(np.int64(1), nn.Dense(4))
    assert [type(m).__name__ for m in model] == ["Dense", "Dense", "ReLU"]
    assert "1.weight" in model.state_dict()  # (built at once, its input size known)
    model[2] = nn.Dense(5)
    assert model.state_dict()["2.weight"].shape == (5, 4)
    with pytest.raises(TypeError, match="a slice cannot be set to a layer"):
        model[0:2] = nn.ReLU()
    with pytest.raises(TypeError, match="index must be an integer, got str"):
        model.insert("1", nn.ReLU())


def test_sequential_edits_keep_a_keras_name_made_of_digits():
    model = nn.Sequential(nn.ReLU(), nn.Dense(2, name="5"), nn.Tanh())
    del model[0]
    assert [name for name, _ in model.named_children()] == ["5", "1"]
