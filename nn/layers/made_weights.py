"""Keras' add_weight: weights a layer's (or a subclassed model's) build makes by hand.

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", regularizer="l2")

Shared by nn.keras' Layer and Model: a Keras Model is a Layer, whose build may make weights
of its own beside its layers'.
"""
import numpy as np

from autograd.variable import Parameter

from .. import constraints, initializers, regularizers
from .constrained import attach


class MakesWeights:
    """Mixin of add_weight, the registration of what it made and its weights' penalties.
    The class calls `_register_made()` once its build has run."""

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None):
        """A new weight (a Parameter) of `shape`, drawn by `initializer` (nn.initializers;
        None: Keras' 'glorot_uniform' for a float weight, 'zeros' for another), trained
        unless trainable=False; `regularizer` adds its penalty to the loss, `constraint`
        (nn.constraints) projects the weight after each update."""
        shape = () if shape is None else tuple(shape)
        dtype = np.dtype(dtype) if dtype else self._new_weight_dtype()
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        weight = Parameter(np.zeros(shape, dtype), requires_grad=dtype.kind == "f")
        initializers.fill(weight, initializers.checked(initializer, "initializer",
                                                       type(self).__name__))
        weight.requires_grad = bool(trainable) and not self._keras_frozen and dtype.kind == "f"
        if constraint is not None:
            attach(self, name, weight, constraints.get(constraint, type(self).__name__))
        self._made_weights().append((name, weight, regularizers.get(regularizer),
                                     bool(trainable)))
        return weight

    def _never_trained(self):
        """The weights add_weight made with trainable=False (a counter, SpectralNormalization's
        vector_u): the layer's `trainable` neither counts nor changes them."""
        return [weight for _, weight, _, trainable in self._made_weights() if not trainable]

    def _new_weight_dtype(self):
        """The dtype of a weight add_weight is not given one for: the policy's."""
        return np.dtype(self.dtype_policy.variable_dtype)

    def _made_weights(self):
        """(name, weight, penalty, trainable) of each weight add_weight made, in order."""
        return vars(self).setdefault("_made", [])

    def _register_made(self):
        """Weights made by add_weight and not assigned to an attribute are registered under
        their name (or weight_<n>), so that they train and are saved all the same; then the
        weights are put in Keras' order (get_weights, set_weights, files): those made
        trainable, then the others, each in the order add_weight made them, then any other
        parameter (attribute order had a list's weights last and a counter made first
        first, so a Keras-ordered set_weights filled the wrong slots)."""
        made = self._made_weights()
        if not made:
            return
        held = {id(p) for p in self._parameters.values()}
        for i, (name, weight, *_) in enumerate(made):
            if id(weight) not in held:
                self.register_parameter(name or f"weight_{i}", weight)
        rank = {id(weight): (not trainable, i)
                for i, (_, weight, _, trainable) in enumerate(made)}
        entries = list(self._parameters.items())
        entries.sort(key=lambda entry: rank.get(id(entry[1]), (2, 0)))  # (stable: the rest)
        self._parameters.reorder(entries)

    def penalties(self):
        """The penalties of the weights add_weight made with a regularizer."""
        return [penalty(weight) for _, weight, penalty, _ in self._made_weights()
                if penalty is not None]
