"""PyTorch's state-dict hooks: calls around `state_dict()` and `load_state_dict()`, each
given the module it was registered on and that module's key prefix ("encoder.0."), so a
layer can rename, add or drop its own keys (an old checkpoint's names, a derived buffer).

- state_dict pre-hook: `hook(module, prefix, keep_vars)` before the state is read;
- state_dict post-hook: `hook(module, state_dict, prefix, local_metadata)` after, changing
  state_dict in place (PyTorch's public hooks return None);
- load_state_dict pre-hook: `hook(module, state_dict, prefix, local_metadata, strict,
  missing_keys, unexpected_keys, error_msgs)` before any key is matched, on a copy of the
  given dict that it may change; an error message it appends fails the load;
- load_state_dict post-hook: `hook(module, incompatible_keys)` after the load; it may clear
  keys from `incompatible_keys.missing_keys` / `unexpected_keys`, which strict=True then
  does not count.

They run as PyTorch's: state_dict() builds the dict module by module, each module's
pre-hooks, its own keys, its children's (each the same way), then its post-hooks, which see
the keys written so far; the load pre-hooks run parents before children, the load
post-hooks children before parents. Unlike PyTorch's, a load pre-hook is given the load's
own `strict` (PyTorch's always get True), and every load post-hook sees the whole load's
missing and unexpected keys (PyTorch's, those of the modules loaded so far).
"""
from collections import OrderedDict

from autograd.hooks import add_hook, registry_of

_KINDS = ("state_dict_pre", "state_dict_post", "load_pre", "load_post")


def register(module, kind, hook, who):
    """Add `hook` of `kind` to `module`; returns the handle (handle.remove())."""
    hooks = registry_of(module, "_state_dict_hooks", lambda: {name: {} for name in _KINDS})
    return add_hook(hooks[kind], hook, who)


def any_hooks(root, *kinds):
    """Whether a module under `root` (itself included) has a hook of one of `kinds`."""
    return any(_hooks(module, kind) for module in root.modules() for kind in kinds)


def hooked_state(root, entry, keep_vars, root_prefix=""):
    """root's state dict built as PyTorch builds it around its hooks (see the top), its
    names after `root_prefix` (state_dict's prefix=, which the hooks see): each (dotted
    name, array) of the module's own state stored as entry(name without it, array)."""
    from .module import Module, has_extra_state, own_state_arrays  # (module.py imports this)
    state = OrderedDict()

    def visit(module, prefix):
        for hook in _hooks(module, "state_dict_pre"):
            hook(module, prefix, keep_vars)
        for name, array in own_state_arrays(module, prefix[len(root_prefix):].rstrip(".")):
            state[root_prefix + name] = entry(name, array)
        if has_extra_state(module):
            state[prefix + "_extra_state"] = module.get_extra_state()
        for name, child in module._modules.items():
            if child is None:
                continue
            if type(child).state_dict is not Module.state_dict:
                # a child's own state_dict (an override adding entries) writes its part,
                # as PyTorch calls it; its hooks run inside it
                child.state_dict(destination=state, prefix=f"{prefix}{name}.",
                                 keep_vars=keep_vars)
            else:
                visit(child, f"{prefix}{name}.")
        for hook in _hooks(module, "state_dict_post"):
            if hook(module, state, prefix, {}) is not None:
                raise RuntimeError(f"{type(module).__name__}: a state_dict post-hook must "
                                   "return None (it changes the state dict in place)")
    visit(root, root_prefix)
    return state


def before_load(root, state, strict, missing, unexpected):
    """The load pre-hooks on `state` (a dict they may change); the missing and unexpected
    keys they report are added to `missing` and `unexpected`; an error message fails."""
    errors = []
    for prefix, module in _parents_first(root, ""):
        for hook in _hooks(module, "load_pre"):
            hook(module, state, prefix, {}, strict, missing, unexpected, errors)
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(root).__name__}:\n\t"
                           + "\n\t".join(errors))


def after_load(root, incompatible):
    for _, module in _children_first(root, ""):
        for hook in _hooks(module, "load_post"):
            if hook(module, incompatible) is not None:
                raise RuntimeError(f"{type(module).__name__}: a load_state_dict post-hook "
                                   "must return None (it changes incompatible_keys in place)")


def _hooks(module, kind):
    hooks = module.__dict__.get("_state_dict_hooks")
    return () if hooks is None else list(hooks[kind].values())


def _parents_first(module, prefix):
    yield prefix, module
    for name, child in module._modules.items():
        if child is not None:
            yield from _parents_first(child, f"{prefix}{name}.")


def _children_first(module, prefix):
    for name, child in module._modules.items():
        if child is not None:
            yield from _children_first(child, f"{prefix}{name}.")
    yield prefix, module
