"""Keras' base class for layers of one's own: `build(input_shape)` makes the weights with
`add_weight`, at the first call, from the input's shape; `call(inputs)` computes.

    class Linear(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            return inputs @ self.w + self.b
"""
import inspect

import numpy as np

from ...call_losses import note_call_losses
from ...layer_collections import TracksLayerCollections
from ...layers.config import init_config
from ...layers.keras_name import KerasWeights
from ...layers.made_weights import MakesWeights
from ...module import Module, takes_training
from ._base import KerasLayer


class Layer(MakesWeights, TracksLayerCollections, Module, KerasLayer, KerasWeights):
    """A Keras layer: a Module whose forward builds it at the first call (`build` with the
    input's shape, the batch axis None) and then runs `call`. `call` taking `training` gets
    the mode in force. Weights made by add_weight are the layer's parameters, under the
    attribute they are assigned to (or their name)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # a compute_mask of its own may make a mask where none came in: Keras turns masking
        # on for it (nn.training.masking passes masks only where some layer may make one)
        own = cls.__mro__[:cls.__mro__.index(Layer)]
        cls.makes_masks = any("compute_mask" in vars(klass) for klass in own)

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None, **kwargs):
        super().__init__()
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self._keras_arguments(name, input_shape)
        self.built = False
        note_call_losses()  # (its call may add_loss: top-level calls keep them together)
        # (its own, which Module.to converts): the variable dtype of the policy that the
        # Keras constructor wrapper made of dtype= (nn.layers.keras_name), else float32
        self.dtype = self.variable_dtype if dtype is None else np.dtype(dtype)
        if not trainable:
            self.trainable = False

    def build(self, input_shape):
        """Make the weights (add_weight) for inputs of `input_shape`; nothing by default."""

    def build_for(self, input_shape):
        """build(input_shape), then what it made registered, the layer built and the shape
        noted (model.save keeps it: load_model builds the layer again before reading its
        weights)."""
        self.build(input_shape)
        self._register_made()
        self.built = True
        self._build_input_shape = input_shape

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}: a Layer writes call(inputs)")

    def forward(self, *args, **kwargs):
        if not self.built:
            self.build_for(input_shape_of(args[0] if args else None))
        if "training" not in kwargs and takes_training(type(self).call):
            kwargs["training"] = self.training
        return self.call(*args, **kwargs)

    def _new_weight_dtype(self):
        return self.dtype

    def get_config(self):
        """Keras' get_config: the base arguments (name, trainable, dtype), which a subclass's
        own get_config extends (`config = super().get_config()`, as Keras' guides write it).
        A subclass without a get_config of its own gets its constructor's arguments read
        back from the attributes of the same names, as Keras configures such a layer by
        itself (NotImplementedError naming an argument it cannot tell)."""
        base = {"name": self.name, "trainable": not self._keras_frozen,  # (not .trainable:
                "dtype": self.dtype_policy.name}  # False for a layer with a frozen weight)
        if type(self).get_config is not Layer.get_config:
            return base
        own = init_config(self, **base)  # the base arguments its constructor names itself
        return {**base, **own} if _takes_keywords(type(self)) else own


def input_shape_of(inputs):
    """What Keras' build is given for `inputs`: the shape with None for the batch axis, a
    list of them for a list of inputs (a layer called on [z_mean, z_log_var])."""
    if inputs is None:
        return None
    if isinstance(inputs, (list, tuple)):
        return [input_shape_of(item) for item in inputs]
    if isinstance(inputs, dict):
        return {key: input_shape_of(item) for key, item in inputs.items()}
    shape = inputs.shape if hasattr(inputs, "shape") else np.shape(inputs)
    return (None,) + tuple(shape[1:])


def _takes_keywords(cls):
    """Whether cls' constructor takes **kwargs (passes the base arguments on to Layer)."""
    return any(p.kind is inspect.Parameter.VAR_KEYWORD
               for p in inspect.signature(cls.__init__).parameters.values())


__all__ = ["Layer"]
