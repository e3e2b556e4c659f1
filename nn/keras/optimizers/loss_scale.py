"""Keras' LossScaleOptimizer (`keras.mixed_precision.LossScaleOptimizer`): dynamic loss
scaling around another optimizer, for float16 training.

A mixed_float16 model backpropagates through float16 activations, where gradients below
about 6e-8 become 0. fit multiplies the loss by the scale before backward (`scale_loss`),
so that they survive; `step` divides the gradients (the float32 weights') back and updates
with the inner optimizer when they are all finite. A non-finite gradient (the scale was too
large) halves the scale and skips the update; `dynamic_growth_steps` finite updates in a
row double it. Model.compile wraps its optimizer in one when the model's dtype policy is
"mixed_float16" (auto_scale_loss=True), as Keras does.
"""
import math
from numbers import Real

import numpy as np

import optim
from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.variable import wrap
from optim.clip import _set_grad, _with_grads


class LossScaleOptimizer(optim.Optimizer):
    """`LossScaleOptimizer(inner_optimizer, initial_scale=2**15, dynamic_growth_steps=2000)`:
    the inner optimizer's groups, state and learning rate are its own (a scheduler or
    `learning_rate =` reaches the inner one); `dynamic_scale` is the current scale."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        who = "LossScaleOptimizer"
        if not kwargs.pop("dynamic", True):
            raise ValueError(f"{who} no longer supports `dynamic=False` (Keras 3); set "
                             "`loss_scale_factor` on the inner optimizer instead")
        if kwargs:
            raise TypeError(f"{who}: unexpected arguments {sorted(kwargs)}")
        if not isinstance(inner_optimizer, optim.Optimizer) or isinstance(
                inner_optimizer, LossScaleOptimizer):
            raise TypeError(f"{who}: inner_optimizer must be an optimizer (not another "
                            f"{who}), got {type(inner_optimizer).__name__}")
        self.initial_scale = positive_scale(initial_scale, "initial_scale", who)
        self.inner_optimizer = inner_optimizer
        self.dynamic_growth_steps = positive_int(dynamic_growth_steps, "dynamic_growth_steps",
                                                 who)
        self.name = "loss_scale_optimizer" if name is None else name
        # changed in place: the scaled loss of a captured step (jit_compile) reads it anew
        self.dynamic_scale = np.array(self.initial_scale, np.float32)
        self.step_counter = 0  # finite updates since the scale last changed

    # the inner optimizer's groups, state, defaults and learning rate are this one's
    param_groups = property(lambda self: self.inner_optimizer.param_groups,
                            lambda self, groups: setattr(self.inner_optimizer,
                                                         "param_groups", groups))
    state = property(lambda self: self.inner_optimizer.state,
                     lambda self, state: setattr(self.inner_optimizer, "state", state))
    defaults = property(lambda self: self.inner_optimizer.defaults)
    learning_rate = property(lambda self: self.inner_optimizer.learning_rate,
                             lambda self, rate: setattr(self.inner_optimizer,
                                                        "learning_rate", rate))

    def bind(self, params):
        """The inner optimizer binds `params` (its own rule: a MultiOptimizer shares them out;
        the base one would put them all in its first inner group)."""
        self.inner_optimizer.bind(params)
        return self

    def add_param_group(self, param_group):
        self.inner_optimizer.add_param_group(param_group)

    @property
    def variables(self):
        """Keras' list: its own iteration and learning rate (placeholders Keras leaves at 0:
        the inner optimizer counts), step_counter and dynamic_scale, then the inner
        optimizer's variables; live, as the built-in optimizers' (builtin_variables)."""
        from .live_variable import LiveVariable  # (it imports autograd's Parameter only)

        def zero(dtype):
            return lambda: np.array(0, dtype)

        def set_counter(value):
            self.step_counter = int(value)

        def set_scale(value):
            self.dynamic_scale[...] = value  # (in place: a captured step reads it anew)

        scope = self.name
        own = [LiveVariable(zero(np.int32), None, "iteration", f"{scope}/iteration"),
               LiveVariable(zero(np.float32), None, "learning_rate", f"{scope}/learning_rate"),
               LiveVariable(lambda: np.array(self.step_counter, np.int32), set_counter,
                            "step_counter", f"{scope}/step_counter"),
               LiveVariable(lambda: self.dynamic_scale, set_scale, "dynamic_scale",
                            f"{scope}/dynamic_scale")]
        return own + list(getattr(self.inner_optimizer, "variables", []))

    @property
    def iterations(self):
        """The inner optimizer's updates (skipped steps are not counted), as Keras'."""
        return getattr(self.inner_optimizer, "iterations", None)

    def scale_loss(self, loss):
        """The loss times the scale (a Variable; what backward runs from)."""
        return loss * wrap(self.dynamic_scale, False)

    def step(self, closure=None):
        """Divide the gradients by the scale and update with the inner optimizer if they
        are all finite, else halve the scale and leave the weights (Keras' rule)."""
        if closure is not None:
            raise TypeError(f"{self.name}: step() takes no closure; fit scales the loss "
                            "(scale_loss) before backward")
        pairs = grads_of(self)
        if not all(bool(get_array_module(g).isfinite(g).all()) for _, g in pairs):
            self.dynamic_scale[...] = self.dynamic_scale * 0.5
            self.step_counter = 0
            return None
        unscale_grads(pairs, float(self.dynamic_scale))
        self.inner_optimizer.step()
        self.step_counter += 1
        if self.step_counter == self.dynamic_growth_steps:
            grown = self.dynamic_scale * 2.0
            if math.isfinite(float(grown)):  # (an inf scale would freeze training)
                self.dynamic_scale[...] = grown
            self.step_counter = 0
        return None

    def finalize_variable_values(self, var_list):
        finalize = getattr(self.inner_optimizer, "finalize_variable_values", None)
        if finalize is not None:
            finalize(var_list)

    def state_dict(self):
        """The inner optimizer's state dict, with the scale and its counter."""
        return dict(self.inner_optimizer.state_dict(), loss_scale=self.loss_scale_state())

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        saved = state_dict.pop("loss_scale", None)
        self.inner_optimizer.load_state_dict(state_dict)
        if saved is not None:
            self.set_loss_scale_state(saved)

    def loss_scale_state(self):
        """The scale and its counter (what state_dict adds to the inner one's)."""
        return {"dynamic_scale": float(self.dynamic_scale), "step_counter": self.step_counter}

    def set_loss_scale_state(self, state):
        self.dynamic_scale[...] = state["dynamic_scale"]
        self.step_counter = int(state["step_counter"])

    def get_config(self):
        """Keras' arguments but the inner optimizer (which model.save keeps as it is)."""
        return {"name": self.name, "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}


def grads_of(opt):
    """(parameter, gradient array) of each parameter of `opt` that has a gradient."""
    return _with_grads([p for group in opt.param_groups for p in group["params"]],
                       getattr(opt, "name", type(opt).__name__))


def unscale_grads(pairs, scale):
    """Divide the gradients of the (parameter, gradient) `pairs` (grads_of's) by `scale` (of
    a loss multiplied by it); a float16 gradient in float32 (a scale of 2^16 or more is inf
    in float16)."""
    done = {}
    for p, g in pairs:  # (replaced, not divided in place: a gradient may be shared)
        wide = g.astype(np.float32) if g.dtype.itemsize < 4 else g
        _set_grad(p, (wide / wide.dtype.type(scale)).astype(g.dtype, copy=False), done)


def positive_scale(value, name, who):
    """`value`, a scale of the loss, as a float: a finite number > 0, else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, Real) or \
            not math.isfinite(value) or value <= 0:
        raise ValueError(f"{who}: {name} must be a finite number > 0, got {value!r}")
    return float(value)


__all__ = ["LossScaleOptimizer", "grads_of", "positive_scale", "unscale_grads"]
