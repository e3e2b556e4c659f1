"""PyTorch's global module hooks (torch.nn.modules.module.register_module_forward_hook and
the others): hooks that every Module's calls run, before the module's own. Registered, the
shared registry becomes every Module's default `_call_hooks`; with the last one removed,
calls go straight to forward again."""
from autograd.call_hooks import CallHooks
from autograd.hooks import Handles

from .module import Module


def register_module_forward_pre_hook(hook):
    """`hook(module, args)` before every Module's forward; it may return replacement args."""
    return _add("pre", hook, "register_module_forward_pre_hook")


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """`hook(module, args, output)` after every Module's forward; it may return a new
    output. with_kwargs and always_call as Module.register_forward_hook's."""
    return _add("forward", hook, "register_module_forward_hook", with_kwargs=with_kwargs,
                always_call=always_call)


def register_module_full_backward_pre_hook(hook):
    """`hook(module, grad_output)` before the gradients of every Module call's inputs are
    computed; it may return a new grad_output."""
    return _add("backward_pre", hook, "register_module_full_backward_pre_hook")


def register_module_full_backward_hook(hook):
    """`hook(module, grad_input, grad_output)` once the gradients of every Module call's
    inputs are computed; it may return a new grad_input."""
    return _add("backward", hook, "register_module_full_backward_hook")


def _add(kind, hook, who, **flags):
    if CallHooks.shared is None:
        CallHooks.shared = CallHooks()
    handle = CallHooks.shared.add(kind, hook, who, **flags)
    Module._call_hooks = CallHooks.shared
    return Handles([handle], then=_emptied)


def _emptied():
    if not CallHooks.shared.any():  # (the last one gone: calls go straight to forward)
        Module._call_hooks = None


__all__ = ["register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_full_backward_pre_hook", "register_module_full_backward_hook"]
