"""What weight_norm and spectral_norm share: a parameter recomputed from others by a
forward pre-hook (PyTorch's old hook API), found again by its hook to be removed."""
from autograd.variable import is_uninitialized


class WeightHook:
    """A forward pre-hook that sets `module.<name>` from its reparametrization before each
    forward; subclasses define compute_weight(module)."""

    def __init__(self, name):
        self.name, self.handle = name, None

    def __call__(self, module, inputs):
        # set as the forward's own work, not as a user's replacement of the attribute (which
        # makes captured steps record again: nn/module.py's _note_setting_changed)
        object.__setattr__(module, self.name, self.compute_weight(module))

    def attach(self, module):
        self.handle = module.register_forward_pre_hook(self)


def hook_of(module, kind, name):
    """The `kind` (a WeightHook subclass) hook of `module` on parameter `name`, or None."""
    return next((h for h in weight_hooks(module, kind) if h.name == name), None)


def weight_hooks(module, kind=WeightHook):
    """`module`'s own forward pre-hooks that are `kind` (WeightHook: all of them)."""
    own = module.__dict__.get("_call_hooks")
    hooks = own.pre.values() if own is not None else ()
    return [h for h in hooks if isinstance(h, kind)]


def parameter_to_reparametrize(module, name, kind, who):
    """module's parameter `name`, once it exists, is built and has no `kind` hook yet."""
    if hook_of(module, kind, name) is not None:
        raise RuntimeError(f"Cannot register two {who} hooks on the same parameter {name}")
    if name not in module._parameters:
        raise AttributeError(f"{who}: {type(module).__name__} has no parameter {name!r} "
                             f"(it has {sorted(module._parameters)})")
    weight = module._parameters[name]
    if weight is None:
        raise ValueError(f"{who}: parameter {name!r} of {type(module).__name__} is None")
    if is_uninitialized(weight):
        raise ValueError(f"{who}: the parameter {name!r} of {type(module).__name__} is not "
                         f"initialized yet; run a dummy forward before applying {who}")
    return weight


def detached_hook(module, kind, name, who):
    """Remove `module`'s `kind` hook on `name` and return it, or a ValueError as PyTorch's."""
    hook = hook_of(module, kind, name)
    if hook is None:
        raise ValueError(f"{who} of '{name}' not found in {module}")
    hook.handle.remove()
    return hook


__all__ = ["WeightHook", "hook_of", "weight_hooks", "parameter_to_reparametrize", "detached_hook"]
