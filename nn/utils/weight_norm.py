"""PyTorch's weight_norm (Salimans and Kingma's weight normalization, the hook API):
weight = g * v / ||v||, the norm taken over every axis but `dim`; g and v are trained."""
from autograd.ops import abs as absolute
from autograd.ops import vector_norm
from autograd.variable import Parameter

from .weight_hooks import WeightHook, detached_hook, parameter_to_reparametrize


def norm_except_dim(v, dim):
    """The 2-norm of v over every axis but `dim` (kept, size 1 elsewhere); over all of v,
    a scalar, for dim=-1 (PyTorch's norm_except_dim). (vector_norm sums float16 in float32,
    as PyTorch's CPU: float16 squares overflow past 65504 in all and underflow below 6e-5.)"""
    if dim == -1:
        return vector_norm(v)
    if v.ndim == 1:  # no other axis: each element its own norm (PyTorch's; vector_norm's
        return absolute(v)  # dim=() would take the norm of all of v instead)
    axis = dim % v.ndim
    return vector_norm(v, dim=tuple(a for a in range(v.ndim) if a != axis), keepdim=True)


def weight_normalized(g, v, dim):
    """g * v / ||v||, the norm as norm_except_dim(v, dim) (PyTorch's _weight_norm)."""
    return v * (g / norm_except_dim(v, dim))


class WeightNorm(WeightHook):
    """The forward pre-hook of weight_norm: `name` = name_g * name_v / ||name_v||."""

    # Ops alone: a captured step replays them (the attribute the hook set holds the recorded
    # result, whose array each replay updates), so autograd.capture lets it run
    replayable = True

    def __init__(self, name, dim):
        super().__init__(name)
        self.dim = dim

    def compute_weight(self, module):
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return weight_normalized(g, v, self.dim)


def weight_norm(module, name="weight", dim=0):
    """Reparametrize `module`'s parameter `name` as name_g (its norms over every axis but
    `dim`; dim=None: one norm for all) and name_v (its direction), both Parameters, the
    weight recomputed from them before each forward. Returns the module."""
    who = "weight_norm"
    weight = parameter_to_reparametrize(module, name, WeightNorm, who)
    dim = -1 if dim is None else dim
    if not isinstance(dim, int) or not -weight.ndim <= dim < max(weight.ndim, 1):
        raise ValueError(f"{who}: dim={dim!r} is out of range for the parameter {name!r} of "
                         f"shape {tuple(weight.shape)} (None: the norm of it all)")
    fn = WeightNorm(name, dim)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, dim).data))
    module.register_parameter(name + "_v", Parameter(weight.data))
    setattr(module, name, fn.compute_weight(module))
    fn.attach(module)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo weight_norm: `name` is a plain Parameter again, of the current g * v / ||v||."""
    fn = detached_hook(module, WeightNorm, name, "weight_norm")
    weight = fn.compute_weight(module)
    for attribute in (name, name + "_g", name + "_v"):
        delattr(module, attribute)
    setattr(module, name, Parameter(weight.data))
    return module


__all__ = ["weight_norm", "remove_weight_norm"]
