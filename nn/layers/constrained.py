"""Layers' weight constraints (nn.constraints): the attributes that hold them and their
application after an optimizer's step.

A layer declares `kernel_constraint = WeightConstraint("weight")`: the attribute takes
anything nn.constraints.get takes and constrains the parameter named. As in Keras, the
parameter itself carries it (`param.constraint`, see `attach`), so that whatever updates it
knows it: fit's step, apply_constraints, and an optimizer's Keras `apply` in a train_step of
one's own. A parameter that Keras keeps transposed (a Dense's weight, `_keras_transposed`)
is handed to the constraint as Keras' array, so that `axis` means what it means in Keras.
"""
from autograd.capture import python_state_changed, replayed

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
        attach(layer, self.parameter, layer.__dict__.get("_parameters", {}).get(self.parameter))


class Projection:
    """A parameter's `constraint`: the layer's constraint called on Keras' layout of the
    parameter's array (the transpose, for a weight Keras keeps transposed)."""

    def __init__(self, constraint, transposed, who):
        self.constraint, self.transposed, self.who = constraint, transposed, who

    def __call__(self, w):
        if not self.transposed:
            return self.constraint(w)
        projected = self.constraint(w.T)
        return projected.T if hasattr(projected, "T") else projected

    def __repr__(self):
        return f"{self.constraint!r} ({self.who})"


def attach(layer, name, param, constraint=None):
    """Give `param` (the layer's parameter `name`, or None before it is made) the layer's
    constraint for it, or `constraint` (add_weight's, in Keras' layout already)."""
    if param is None:
        return
    transposed = False
    if constraint is None:
        constraint = layer.__dict__.get("_constraints", {}).get(name)
        transposed = name in layer._keras_transposed
    param.constraint = None if constraint is None else Projection(
        constraint, transposed, f"{type(layer).__name__}.{name}")


def constraint_configs(layer):
    """{attribute: saved constraint or None} of every constraint attribute of the layer's
    class, for its get_config."""
    return {name: constraints.serialize(getattr(layer, name), f"{type(layer).__name__}.{name}")
            for name in dir(type(layer))
            if isinstance(getattr(type(layer), name, None), WeightConstraint)}


@replayed  # a captured step repeats it (autograd.capture), as the optimizer's step
def apply_constraints(module):
    """Project each trainable parameter of `module` that has a constraint, in place, once
    (Keras' optimizers do it after each update)."""
    from optim.optimizer import apply_constraint  # (`import nn` leaves optim out)
    for param in module.parameters():
        apply_constraint(param)
