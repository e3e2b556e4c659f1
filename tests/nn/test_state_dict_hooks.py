"""State-dict hooks (nn/state_dict_hooks.py), against PyTorch's on the same model: the
order they run in, the prefixes they get, keys renamed on the way out and back in, and a
load post-hook forgiving an unexpected key."""
import numpy as np
import pytest

import nn
from nn.module import StateDictKeyError


def _hooked_round_trip(lib, zeros):
    """(what the hooks saw, state_dict's keys, load_state_dict's result) of a nested model
    whose hooks rename a child's weight in the state dict and back."""
    seen = []
    model = lib.Sequential(lib.Linear(2, 3), lib.Sequential(lib.Linear(3, 1)))
    for module in (model, model[1]):
        module.register_state_dict_pre_hook(
            lambda m, prefix, keep_vars: seen.append(("pre", prefix)))

    def rename(module, state, prefix, metadata):
        seen.append(("post", prefix))
        state[prefix + "renamed"] = state.pop(prefix + "0.weight")

    def rename_back(module, state, prefix, metadata, strict, missing, unexpected, errors):
        seen.append(("load pre", prefix))
        state[prefix + "0.weight"] = state.pop(prefix + "renamed")

    def forgive(module, incompatible):
        seen.append(("load post", list(incompatible.unexpected_keys)))
        incompatible.unexpected_keys.clear()

    model[1].register_state_dict_post_hook(rename)
    model.register_state_dict_post_hook(lambda m, state, prefix, meta: seen.append(
        ("post", prefix)))
    model[1].register_load_state_dict_pre_hook(rename_back)
    model.register_load_state_dict_post_hook(forgive)
    state = model.state_dict()
    keys = list(state)
    result = model.load_state_dict({**state, "extra": zeros(3)})
    return seen, keys, (list(result.missing_keys), list(result.unexpected_keys))


def test_state_dict_hooks_run_as_torchs():
    torch = pytest.importorskip("torch")
    assert _hooked_round_trip(nn, np.zeros) == _hooked_round_trip(torch.nn, torch.zeros)


def _hooks_on_every_module(lib, keep_vars):
    """The calls of hooks on each module of a nested model, in order: a state_dict post-hook
    with the keys written so far (as PyTorch builds the dict), a load post-hook by prefix."""
    seen = []
    model = lib.Sequential(lib.Linear(2, 3), lib.Sequential(lib.Linear(3, 1)))
    for prefix, module in model.named_modules():
        module.register_state_dict_pre_hook(
            lambda m, pre, keep, p=prefix: seen.append(("pre", p, keep)))
        module.register_state_dict_post_hook(
            lambda m, state, pre, meta, p=prefix: seen.append(("post", p, sorted(state))))
        module.register_load_state_dict_post_hook(
            lambda m, incompatible, p=prefix: seen.append(("load post", p)))
    model.load_state_dict(model.state_dict(keep_vars=keep_vars))
    return seen


@pytest.mark.parametrize("keep_vars", [False, True])
def test_hooks_on_every_module_run_in_torchs_order_and_see_torchs_keys(keep_vars):
    """state_dict's post-hooks ran after the whole dict was read (each saw every key), and
    the load post-hooks parents first; PyTorch runs both module by module, children first."""
    torch = pytest.importorskip("torch")
    assert _hooks_on_every_module(nn, keep_vars) == _hooks_on_every_module(torch.nn, keep_vars)


def test_load_hooks_decide_a_strict_load_and_can_fail_it():
    model = nn.Linear(2, 1)
    state = {**model.state_dict(), "extra": np.zeros(1)}
    handle = model.register_load_state_dict_post_hook(lambda m, keys: None)
    with pytest.raises(StateDictKeyError, match="extra"):  # (the hook left it)
        model.load_state_dict(state)
    handle.remove()
    model.register_load_state_dict_pre_hook(
        lambda m, s, prefix, meta, strict, missing, unexpected, errors: errors.append("bad"))
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Linear:\n\tbad"):
        model.load_state_dict(model.state_dict())
    other = nn.Linear(2, 1)
    other.register_state_dict_post_hook(lambda m, s, prefix, meta: s)
    with pytest.raises(RuntimeError, match="post-hook must return None"):
        other.state_dict()


def test_pytorch_s_private_state_methods_are_refused_not_ignored():
    """An override of _load_from_state_dict (renaming an old checkpoint's keys) or of
    _save_to_state_dict was never called: its work was lost without a word."""
    class Renaming(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(1, 1)

        def _load_from_state_dict(self, state_dict, prefix, *rest):
            state_dict[prefix + "layer.weight"] = state_dict.pop(prefix + "old.weight")

    class Adding(nn.Linear):
        def _save_to_state_dict(self, destination, prefix, keep_vars):
            destination[prefix + "version"] = np.array(2)

    with pytest.raises(NotImplementedError, match="load_state_dict: Renaming defines "
                                                  "PyTorch's private _load_from_state_dict"):
        nn.Sequential(Renaming()).load_state_dict({"0.old.weight": np.ones((1, 1))})
    assert set(Renaming().state_dict()) == {"layer.weight", "layer.bias"}
    with pytest.raises(NotImplementedError, match="register_state_dict_post_hook"):
        Adding(1, 1).state_dict()


def test_a_hook_anywhere_keeps_the_children_s_own_state_dict_overrides():
    """(A state-dict hook on one module made state_dict() skip every child's override: the
    entries it added vanished.)"""
    class Child(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def state_dict(self, *, destination=None, prefix="", keep_vars=False):
            state = super().state_dict(destination=destination, prefix=prefix,
                                       keep_vars=keep_vars)
            state[prefix + "version"] = np.array(2)
            return state

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.c, self.b = Child(), nn.Linear(2, 1)
    outer, seen = Outer(), []
    expected = ["c.fc.weight", "c.fc.bias", "c.version", "b.weight", "b.bias"]
    assert list(outer.state_dict()) == expected
    outer.b.register_state_dict_pre_hook(lambda module, prefix, keep_vars: seen.append(prefix))
    outer.c.fc.register_state_dict_pre_hook(lambda m, prefix, keep_vars: seen.append(prefix))
    assert list(outer.state_dict()) == expected and seen == ["c.fc.", "b."]
    assert list(outer.state_dict(prefix="m.")) == ["m." + key for key in expected]
