"""nn.ParameterList and nn.ParameterDict (PyTorch's): Parameters registered under "0", "1",
... or their keys, so parameters(), state_dict(), nn.save / nn.load, load_state_dict (of
PyTorch's state dicts too) and optimizers see them; list and dict behaviour, reprs, errors."""
from collections import OrderedDict

import numpy as np
import pytest

import nn
import optim
from autograd import Parameter, Variable

torch = pytest.importorskip("torch")


def _param(*shape, value=1.0, dtype=np.float32):
    return Parameter(np.full(shape, value, dtype))


class Holder(nn.Module):
    """A model with a ParameterList and a ParameterDict, and a layer between them."""

    def __init__(self):
        super().__init__()
        self.scales = nn.ParameterList([_param(3), _param(2, 3)])
        self.linear = nn.Linear(3, 2)
        self.extra = nn.ParameterDict({"shift": _param(2), "gain": _param(1)})

    def forward(self, x):
        h = x * self.scales[0]
        return self.linear(h) * self.extra["gain"] + self.extra["shift"]


class TorchHolder(torch.nn.Module):
    """Holder's PyTorch twin."""

    def __init__(self):
        super().__init__()
        ones = lambda *shape: torch.nn.Parameter(torch.ones(*shape))  # noqa: E731
        self.scales = torch.nn.ParameterList([ones(3), ones(2, 3)])
        self.linear = torch.nn.Linear(3, 2)
        self.extra = torch.nn.ParameterDict({"shift": ones(2), "gain": ones(1)})


def test_names_and_state_dict_keys_are_torch_s():
    ours, theirs = Holder(), TorchHolder()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict())[:2] == ["scales.0", "scales.1"]
    assert "extra.shift" in ours.state_dict()


def test_a_plain_dict_enters_in_sorted_key_order_as_torch():
    ours = nn.ParameterDict({"b": _param(1), "a": _param(1), "c": _param(1)})
    theirs = torch.nn.ParameterDict({k: torch.nn.Parameter(torch.ones(1)) for k in "bac"})
    assert ours.keys() == list(theirs.keys()) == ["a", "b", "c"]
    ours.update([("z", _param(1)), ("y", _param(1))])  # (pairs: in their order)
    assert ours.keys()[3:] == ["z", "y"]


def test_loads_torch_s_state_dict():
    ours, theirs = Holder(), TorchHolder()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(-1, 1)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_array_equal(p.data, q.detach().numpy(), err_msg=name)


def test_optimizers_update_them():
    model = Holder()
    opt = optim.SGD(model.parameters(), lr=0.5)
    before = {k: v.copy() for k, v in model.state_dict().items()}
    model(np.ones((4, 3), np.float32)).sum().backward()
    opt.step()
    for key in ("scales.0", "extra.shift", "extra.gain"):
        assert not np.array_equal(model.state_dict()[key], before[key]), key
    np.testing.assert_array_equal(model.state_dict()["scales.1"], before["scales.1"])  # unused


def test_nn_save_and_load_round_trip(tmp_path):
    model = Holder()
    model.scales[1].data[...] = 7.0
    model.extra["shift"].data[...] = -2.0
    nn.save({"model": model.state_dict()}, tmp_path / "ckpt")
    fresh = Holder()
    fresh.load_state_dict(nn.load(tmp_path / "ckpt")["model"])
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(fresh.state_dict()[key], value)


# ----- ParameterList -----

def test_parameter_list_behaves_as_a_list():
    a, b, c = _param(1), _param(2), _param(3)
    params = nn.ParameterList([a, b])
    assert len(params) == 2 and params[0] is a and params[-1] is b
    assert params.append(c) is params and list(params) == [a, b, c]
    sliced = params[1:]
    assert isinstance(sliced, nn.ParameterList) and list(sliced) == [b, c]
    params[0] = c
    assert params[0] is c and list(params.parameters()) == [c, b]  # (c once: one Parameter)
    params.extend([a])
    assert len(params) == 4 and params[3] is a
    assert nn.ParameterList().extend(iter([a, b]))[1] is b
    assert len(nn.ParameterList()) == 0 and len(nn.ParameterList(None)) == 0
    params += [b, c]  # (extend, as PyTorch's +=)
    assert len(params) == 6 and params[5] is c


def test_arrays_and_variables_become_parameters_as_torch_makes_tensors_ones():
    params = nn.ParameterList([np.zeros(2), Variable(np.ones(3, np.float32))])
    assert all(type(p) is Parameter for p in params)
    assert params[0].dtype == np.float64 and params[1].dtype == np.float32
    table = nn.ParameterDict({"w": np.ones((2, 2), np.float32)})
    assert type(table["w"]) is Parameter and table["w"].requires_grad


def test_reprs_are_torch_s_without_its_name():
    ours = nn.ParameterList([_param(2), _param(3, 2)])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)),
                                     torch.nn.Parameter(torch.ones(3, 2))])
    assert repr(ours) == repr(theirs).replace("torch.", "")
    table = nn.ParameterDict({"a": _param(2), "b": _param(3, 2, dtype=np.float64)})
    assert repr(table) == ("ParameterDict(\n"
                           "    (a): Parameter containing: [float32 of size 2]\n"
                           "    (b): Parameter containing: [float64 of size 3x2]\n)")
    assert repr(nn.ParameterList()) == "ParameterList()"
    assert repr(nn.ParameterDict()) == "ParameterDict()"
    assert "(scales): ParameterList(\n      (0): Parameter" in repr(Holder())


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.ParameterList([1, 2]), TypeError,
     "ParameterList.append: expected a Parameter .* got int"),
    (lambda: nn.ParameterList([np.arange(3)]), TypeError, "got ndarray of dtype int"),
    (lambda: nn.ParameterList([_param(1)])[1], IndexError,
     "ParameterList: index 1 is out of range for 1 parameters"),
    (lambda: nn.ParameterList([_param(1)])["0"], IndexError, "ParameterList: index '0'"),
    (lambda: nn.ParameterList().__setitem__(0, _param(1)), IndexError, "out of range for 0"),
    (lambda: nn.ParameterList([_param(1)]).__setitem__(0, "w"), TypeError,
     "ParameterList: expected a Parameter"),
    (lambda: nn.ParameterList([_param(1)])(1.0), TypeError,
     "ParameterList is a container, not a layer"),
])
def test_parameter_list_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----- ParameterDict -----

def test_parameter_dict_behaves_as_a_dict():
    a, b, c, d = _param(1), _param(2), _param(3), _param(4)
    table = nn.ParameterDict(OrderedDict([("b", b), ("a", a)]))
    assert table.keys() == ["b", "a"] and list(table) == ["b", "a"]  # insertion order
    assert table.values() == [b, a] and table.items() == [("b", b), ("a", a)]
    table.update([("c", c), ("a", d)])
    assert table["a"] is d and len(table) == 3 and "c" in table and "z" not in table
    assert table.get("z") is None and table.get("b") is b
    assert table.pop("b") is b and "b" not in table and [k for k, _ in
                                                          table.named_parameters()] == ["a", "c"]
    del table["c"]
    assert table.keys() == ["a"]
    table.clear()
    assert len(table) == 0 and list(table.parameters()) == []


def test_parameter_dict_has_the_rest_of_torch_s_dict_methods():
    a, b, c = _param(1), _param(2), _param(3)
    ours = nn.ParameterDict(OrderedDict([("b", b), ("a", a)]))
    theirs = torch.nn.ParameterDict(OrderedDict(
        [("b", torch.ones(1)), ("a", torch.ones(1))]))
    copy = ours.copy()
    assert type(copy) is nn.ParameterDict and copy.items() == ours.items()  # shared
    assert list(reversed(ours)) == list(reversed(theirs)) == ["a", "b"]
    for merged, theirs_merged in [(ours | {"z": c, "c": c}, theirs | {"z": 1, "c": 1}),
                                  ({"z": c} | ours, {"z": 1} | theirs)]:
        assert type(merged) is nn.ParameterDict
        assert merged.keys() == list(theirs_merged.keys())
    assert ours.keys() == ["b", "a"]  # (| made new dicts)
    ours |= {"d": c}
    assert ours.keys() == ["b", "a", "d"]
    assert ours.setdefault("a", c) is a and ours.setdefault("e", c) is c
    assert ours.popitem() == ("e", c) and ours.keys() == ["b", "a", "d"]
    filled = nn.ParameterDict.fromkeys(["u", "v"], np.ones(2, np.float32))
    assert filled.keys() == ["u", "v"] and filled["v"].shape == (2,)


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.ParameterDict().popitem(), KeyError, "ParameterDict.popitem: the dict is empty"),
    (lambda: nn.ParameterDict().setdefault("a"), TypeError,
     "ParameterDict: expected a Parameter .* got NoneType"),
    (lambda: nn.ParameterDict({1: _param(1)}), TypeError,
     "ParameterDict: keys are strings .* got 1"),
    (lambda: nn.ParameterDict({"a.b": _param(1)}), KeyError, "invalid attribute name 'a.b'"),
    (lambda: nn.ParameterDict({"keys": _param(1)}), KeyError, "attribute 'keys' already exists"),
    (lambda: nn.ParameterDict({"a": "w"}), TypeError, "ParameterDict: expected a Parameter"),
    (lambda: nn.ParameterDict({"a": _param(1)})["b"], KeyError,
     r"ParameterDict: no parameter named 'b'; it has \['a'\]"),
    (lambda: nn.ParameterDict().pop("b"), KeyError, "no parameter named 'b'"),
    (lambda: nn.ParameterDict()(1.0), TypeError, "ParameterDict is a container, not a layer"),
])
def test_parameter_dict_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_module_dict_keeps_its_behaviour_on_the_shared_base():
    layers = nn.ModuleDict({"act": nn.ReLU()})
    assert layers.keys() == ["act"] and isinstance(layers["act"], nn.ReLU)
    with pytest.raises(KeyError, match="ModuleDict: no module named 'x'"):
        layers["x"]
    with pytest.raises(TypeError, match="ModuleDict: keys are strings"):
        layers[3] = nn.ReLU()
    with pytest.raises(TypeError, match="ModuleDict is a container, not a layer"):
        layers(1.0)
