"""Keras 3's `keras.optimizers.Optimizer` as a base class for its user's own rule, written as
Keras' guide writes it:

    class MySGD(keras.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, name="MySGD", **kwargs):
            super().__init__(learning_rate=learning_rate, name=name, **kwargs)
            self.momentum = momentum

        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.momentums = [self.add_variable_from_reference(v, "momentum")
                              for v in variables]

        def update_step(self, gradient, variable, learning_rate):
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, ops.subtract(ops.multiply(m, self.momentum),
                                        ops.multiply(gradient, learning_rate)))
            self.assign_add(variable, m)

The Keras machinery the built-in optimizers share (KerasOptimizer) runs around
update_step as Keras runs it: the gradients unscaled by loss_scale_factor, accumulated,
clipped, the weights decayed, then update_step for each weight with a gradient, under
no_grad, then the moving averages (use_ema). build(trainable weights) runs before the first
update, as Keras' apply builds; the variables it makes live in the optimizer's state
(own_variables.py), which state_dict and model.save keep.
"""
from autograd.config import no_grad
from autograd.variable import wrap
from optim import Optimizer as _OptimBase
from optim.optimizer import _hyper, grad_array, grad_shape_error

from . import KerasOptimizer, LossScaleOptimizer
from .own_variables import OwnVariables


class _CoversKerasOptimizers(type):
    """Keras' base class is the base of every Keras optimizer: the built-in ones here
    subclass KerasOptimizer alone, so the base answers isinstance and issubclass for them."""

    def __instancecheck__(cls, obj):
        return super().__instancecheck__(obj) or (
            cls is Optimizer and isinstance(obj, (KerasOptimizer, LossScaleOptimizer)))

    def __subclasscheck__(cls, sub):
        return super().__subclasscheck__(sub) or (
            cls is Optimizer and issubclass(sub, (KerasOptimizer, LossScaleOptimizer)))


class _UpdateStepLoop(_OptimBase):
    """The per-weight loop of a user's rule: update_step(gradient, variable, learning_rate)
    with the weight itself (placed below KerasOptimizer, whose weight-decay exclusion
    splits the groups before it)."""

    def _step_group(self, group, updated, params=None):
        h = _hyper(group)
        for p in group["params"] if params is None else params:
            if p.grad is None or not p.requires_grad:
                continue
            g = grad_array(p)
            if g.shape != p.data.shape:
                raise grad_shape_error(self._who, p, g)
            g = self._prepare_grad(p.data, g, h)  # (the dtype, and Keras' decoupled decay)
            with no_grad():  # Keras' updates are outside any tape
                self.update_step(wrap(g, False), p, h.lr)
            updated.append(p)


class Optimizer(KerasOptimizer, _UpdateStepLoop, metaclass=_CoversKerasOptimizers):
    """Keras' base optimizer: subclass it, override build(variables) and
    update_step(gradient, variable, learning_rate), and get_config for your arguments."""

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        kwargs.pop("decay", None)  # (Keras ignores it, with a warning)
        decay = self._keras_options(
            weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
            global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        super().__init__(None, {"lr": self._initial_rate(learning_rate),
                                "weight_decay": decay})
        self.built = False
        self._own = OwnVariables()
        self._trainable_variables = []
        self._trainable_variables_indices = {}

    # ----- what a subclass overrides -----
    def build(self, variables):
        """Keras' build: hold `variables` (the trainable weights) and number them for
        _get_variable_index. A subclass makes its variables after calling this."""
        variables = list(variables)
        self.bind(variables)
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    def update_step(self, gradient, variable, learning_rate):
        """Update `variable` (a weight) from `gradient` with self.assign and friends."""
        raise NotImplementedError(f"{type(self).__name__}: a Keras optimizer subclass must "
                                  "override update_step(gradient, variable, learning_rate)")

    # (get_config and from_config are KerasOptimizer's: Keras' base config, to which a
    # subclass adds its own arguments)

    @property
    def keras_options(self):
        """What model.save rebuilds the optimizer from: its get_config(), as Keras saves, with
        a schedule as itself (model.save serializes it its own way)."""
        config = self.get_config()
        if self._schedule is not None:
            config["learning_rate"] = self._schedule
        return config

    # ----- Keras' tools for build and update_step -----
    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None):
        """Keras' add_variable: a non-trainable variable of `shape` (aggregation and layout,
        for distribution, change nothing here)."""
        return self._own.from_shape(self, shape, initializer, dtype, name)

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Keras' add_variable_from_reference: a variable shaped as `reference_variable`."""
        return self._own.from_reference(self, reference_variable, name, initializer)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Keras' add_optimizer_variables: a list per name of a variable for each weight."""
        names = [name] if isinstance(name, str) else list(name)
        inits = [initializer] * len(names) if isinstance(initializer, str) or callable(
            initializer) else list(initializer)
        if len(inits) != len(names):
            raise ValueError(f"{self.name}: add_optimizer_variables: {len(names)} names and "
                             f"{len(inits)} initializers; give one each (or one for all)")
        lists = tuple([] for _ in names)
        for variable in trainable_variables:  # (interleaved, as Keras makes them)
            for made, key, init in zip(lists, names, inits):
                made.append(self.add_variable_from_reference(variable, key, init))
        return lists[0] if isinstance(name, str) else lists

    @property
    def variables(self):
        """The variables build() made, in the order made."""
        return list(self._own.made)

    def _get_variable_index(self, variable):
        index = self._trainable_variables_indices.get(id(variable))
        if index is None:
            raise ValueError(f"{self.name}: unknown variable {_shape_of(variable)}: this "
                             "optimizer was built with other variables (make a new one for "
                             "a new set of variables)")
        return index

    def assign(self, variable, value):
        """Keras' assign: `variable` (a weight or an optimizer variable) takes `value`."""
        _assignable(variable, "assign", self.name).assign(value)

    def assign_add(self, variable, value):
        _assignable(variable, "assign_add", self.name).assign_add(value)

    def assign_sub(self, variable, value):
        _assignable(variable, "assign_sub", self.name).assign_sub(value)

    # ----- the update -----
    def step(self, closure=None):
        """Build on the held trainable weights first (Keras' apply builds), then Keras'
        update (KerasOptimizer.step)."""
        self._build_once()
        return super().step(closure)

    def _build_once(self):
        held = [p for group in self.param_groups for p in group["params"] if p.requires_grad]
        if not self.built and held:
            self.build(held)
            if not self.built:
                raise TypeError(f"{self.name}: {type(self).__name__}.build() must call "
                                "super().build(variables) (Keras' rule)")
        unknown = [p for p in held if id(p) not in self._trainable_variables_indices]
        if self.built and unknown:
            raise ValueError(f"{self.name}: unknown variable {_shape_of(unknown[0])}: this "
                             "optimizer can only update the variables it was built with "
                             "(make a new optimizer for a new set of variables)")

    # ----- saving -----
    def _snapshot(self):
        return self._own.file(super()._snapshot())

    def _resume(self, state_dict):
        state_dict, free = self._own.split(state_dict)
        super()._resume(state_dict)
        self._own.relink(self, free)


def _assignable(variable, who, name):
    if not hasattr(variable, who):
        raise TypeError(f"{name}: {who}: {type(variable).__name__} is not a variable (give "
                        "a weight, or a variable add_variable made)")
    return variable


def _shape_of(variable):
    label = getattr(variable, "path", None) or getattr(variable, "name", None)
    return f"{label!r} (shape {tuple(variable.shape)})" if label else \
        f"of shape {tuple(variable.shape)}"


__all__ = ["Optimizer"]
