"""Layers' weight constraints (nn.constraints): the attributes that hold them and their
application after an optimizer's step.

A layer declares `kernel_constraint = WeightConstraint("weight")`: the attribute takes
anything nn.constraints.get takes and constrains the parameter named. A parameter that
Keras keeps transposed (a Dense's weight, `_keras_transposed`) is handed to the constraint
as Keras' array, so that `axis` means what it means in Keras.
"""
from autograd.capture import python_state_changed, replayed
from autograd.variable import is_uninitialized

from .. import constraints


class WeightConstraint:
    """A layer's constraint attribute for its parameter `parameter`; changing it tells a
    captured training step that it recorded the update without it."""

    def __init__(self, parameter):
        self.parameter = parameter

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        return layer.__dict__.get("_constraints", {}).get(self.parameter)

    def __set__(self, layer, value):
        held = layer.__dict__.setdefault("_constraints", {})
        if self.parameter in held:
            python_state_changed()
        held[self.parameter] = constraints.get(value, f"{type(layer).__name__}: {self.name}")


def constraint_configs(layer):
    """{attribute: saved constraint or None} of every constraint attribute of the layer's
    class, for its get_config."""
    return {name: constraints.serialize(getattr(layer, name), f"{type(layer).__name__}.{name}")
            for name in dir(type(layer))
            if isinstance(getattr(type(layer), name, None), WeightConstraint)}


@replayed  # a captured step repeats it (autograd.capture), as the optimizer's step
def apply_constraints(module):
    """Project each trainable parameter of `module` and its layers that has a constraint,
    in place (Keras' optimizers do it after each update)."""
    for layer in module.modules():
        transposed = layer._keras_transposed
        for name, constraint in layer.__dict__.get("_constraints", {}).items():
            param = getattr(layer, name, None)
            if constraint is None or param is None or not param.requires_grad or \
                    is_uninitialized(param):
                continue
            _project(layer, name, param, constraint, name in transposed)


def _project(layer, name, param, constraint, transposed):
    w = param.data.T if transposed else param.data
    projected = constraint(w)
    if getattr(projected, "shape", None) != w.shape:
        raise ValueError(f"{type(layer).__name__}: the constraint {constraint!r} of {name} "
                         f"returned {getattr(projected, 'shape', type(projected).__name__)}, "
                         f"expected an array of the weight's shape {w.shape}")
    w[...] = projected  # (in place: the optimizer's state and flat views keep the array)
    param.bump_version()
