"""Mismatches with PyTorch 2.13 found by a differential fuzz of nn.Module trees and nn.init;
each test's expected value is what PyTorch gave for the same input."""
import numpy as np
import pytest

import nn


def test_a_shared_batchnorm_may_lack_num_batches_tracked_at_its_second_path():
    """BatchNorm held at two paths: a plain-dict checkpoint without one path's
    num_batches_tracked is not missing it, at either path (PyTorch keeps the old count)."""
    norm = nn.BatchNorm1d(4)
    model = nn.ModuleDict({"first": norm, "second": norm})
    state = dict(model.state_dict())
    state["first.num_batches_tracked"] = np.array(7)
    del state["second.num_batches_tracked"]
    result = model.load_state_dict(state)  # strict: PyTorch loads it without complaint
    assert (list(result.missing_keys), list(result.unexpected_keys)) == ([], [])
    assert int(norm.num_batches_tracked) == 7


def test_module_list_prints_a_run_of_equal_items_once():
    items = [nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU(), nn.Linear(2, 2)]
    assert repr(nn.ModuleList(items)) == (
        "ModuleList(\n"
        "  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
        "  (3-4): 2 x ReLU()\n"
        "  (5): Linear(in_features=2, out_features=2, bias=True)\n"
        ")")


def test_a_nested_run_in_a_module_list_is_indented_and_an_empty_one_is_bare():
    block = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    model = nn.Sequential(nn.ModuleList([block, block]), nn.ModuleList())
    assert repr(model) == (
        "Sequential(\n"
        "  (0): ModuleList(\n"
        "    (0-1): 2 x Sequential(\n"
        "      (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "      (1): ReLU()\n"
        "    )\n"
        "  )\n"
        "  (1): ModuleList()\n"
        ")")


def test_a_0d_buffer_loads_from_a_1_element_array_of_an_old_checkpoint():
    """PyTorch loads shape (1,) into a 0-d entry (checkpoints from before 0.4 saved
    num_batches_tracked so): [3] gives 3, shape ()."""
    norm = nn.BatchNorm1d(3)
    state = dict(norm.state_dict())
    state["num_batches_tracked"] = np.array([3])
    norm.load_state_dict(state)
    assert norm.num_batches_tracked.shape == () and int(norm.num_batches_tracked) == 3


@pytest.mark.parametrize("method", ["get_submodule", "get_parameter", "get_buffer"])
def test_a_path_that_is_not_a_string_is_refused_not_taken_for_the_model(method):
    """get_submodule(0): 0 is falsy like '', which named the model itself (PyTorch: an
    error)."""
    model = nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(TypeError, match=f"{method}: target must be a dotted path string"):
        getattr(model, method)(0)


def test_set_submodule_refuses_a_path_that_is_not_a_string():
    model = nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(TypeError, match="set_submodule: target must be"):
        model.set_submodule(0, nn.ReLU())


def test_a_child_set_to_none_is_printed_as_none():
    model = nn.Sequential(nn.ReLU())
    model.add_module("nothing", None)
    assert repr(model) == "Sequential(\n  (0): ReLU()\n  (nothing): None\n)"
    empty = nn.Module()
    empty.register_module("a", None)
    assert repr(empty) == "Module(\n  (a): None\n)"


def test_every_entry_of_a_wrong_shape_is_named_in_the_error():
    """PyTorch's error lists each size mismatch (here 0.weight and 1.bias), not the first."""
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    state = dict(model.state_dict())
    state["0.weight"] = np.zeros((4, 2), np.float32)
    state["1.bias"] = np.zeros(5, np.float32)
    before = model[0].weight.data.copy()
    with pytest.raises(RuntimeError, match=r"2 entries do not fit") as caught:
        model.load_state_dict(state, strict=False)
    assert "'0.weight': the model has (3, 2), the state_dict (4, 2)" in str(caught.value)
    assert "'1.bias': the model has (3,), the state_dict (5,)" in str(caught.value)
    np.testing.assert_array_equal(model[0].weight.data, before)


def test_kaiming_takes_its_mode_in_any_case():
    """PyTorch lower-cases mode: for shape (300, 20, 5), 'FAN_OUT' is 1500 and 'Fan_In' 100;
    the bound of kaiming_uniform_ with 'FAN_OUT' is sqrt(2) * sqrt(3 / 1500)."""
    weight = np.zeros((300, 20, 5), np.float32)
    assert nn.init._calculate_correct_fan(weight, "FAN_OUT") == 1500
    assert nn.init._calculate_correct_fan(weight, "Fan_In") == 100
    nn.init.kaiming_uniform_(weight, mode="FAN_OUT", nonlinearity="relu")
    bound = np.sqrt(2.0) * np.sqrt(3.0 / 1500)
    assert np.abs(weight).max() <= bound * (1 + 1e-6)
    assert np.abs(weight).max() > 0.99 * bound  # (30000 draws reach the edge)
