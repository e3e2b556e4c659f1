"""Sequential: a Model made of layers applied one after the other (Keras and PyTorch)."""
from collections import OrderedDict

import numpy as np

from .. import functional as F
from ..layers.activation import Sigmoid, Softmax
from ..layers.linear import Dense, Linear
from ..module import Module
from .model import Model
from .summary import is_built

_DENSE_ACTIVATIONS = ((F.sigmoid, "sigmoid"), (F.softmax, "softmax"))


class Sequential(Model):
    """`Sequential(l1, l2, ...)`, `Sequential([l1, l2])`, an OrderedDict of named layers,
    or `Sequential()` followed by `.add(layer)`. Layers are children "0", "1", ...
    (parameter names `0.weight`, as PyTorch); indexing, slicing, `len` and iteration
    work on the layers."""

    def __init__(self, *layers):
        super().__init__()
        self._output_shapes = None  # of each layer, at the last call (for summary)
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                self.add_module(name, _check_layer(layer))
            return
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = layers[0]
        for layer in layers:
            self.add(layer)

    def add(self, layer):
        """Append `layer` (a Module). As in Keras, once the first layer knows its input size
        (`input_shape=`), every layer added is built at once, so `summary()`,
        `save_weights` and `load_weights` see the whole model before the first call."""
        self.add_module(str(len(self._modules)), _check_layer(layer))
        if not is_built(self):
            self._trial_call()

    @property
    def layers(self):
        return list(self._modules.values())

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(self.layers[index])
        try:
            return self.layers[index]
        except TypeError:
            raise TypeError(f"Sequential indices must be integers or slices, got "
                            f"{type(index).__name__}") from None
        except IndexError:
            raise IndexError(f"Sequential index {index} is out of range for "
                             f"{len(self)} layers") from None

    def forward(self, x):
        shapes = []
        for layer in self._modules.values():
            x = layer(x)
            shapes.append(getattr(x, "shape", None))
        self._output_shapes = shapes
        return x

    # ----- the final activation, for the fused cross-entropy losses -----
    def final_activation(self):
        last = self.layers[-1] if len(self) else None
        if isinstance(last, Dense):
            return next((name for fn, name in _DENSE_ACTIVATIONS if last.activation is fn),
                        None)
        if isinstance(last, Softmax) and last.dim in (-1, 1):
            return "softmax"
        if type(last) is Sigmoid:
            return "sigmoid"
        return None

    def forward_logits(self, x):
        layers = self.layers
        for layer in layers[:-1]:
            x = layer(x)
        last = layers[-1]
        if isinstance(last, Dense):
            return Linear.forward(last, x)
        if isinstance(last, Softmax) and last.dim == 1 and x.ndim != 2:
            raise ValueError("Sequential: a final Softmax(dim=1) on outputs of shape "
                             f"{tuple(x.shape)} puts the classes on axis 1; the Keras losses "
                             "read them on the last axis (use Softmax(dim=-1))")
        return x

    # ----- summary -----
    def layer_output_shapes(self):
        if self._output_shapes is None:
            self._trial_call()
        if self._output_shapes is None:
            return {}
        return {name: None if shape is None else (None,) + tuple(shape[1:])
                for name, shape in zip(self._modules, self._output_shapes)}

    def _trial_call(self):
        """Run one zero sample through the model when the first layer knows its input size."""
        first = self.layers[0] if len(self) else None
        if not isinstance(first, Linear) or first.in_features is None:
            return
        with self._inference():
            self(np.zeros((1, first.in_features), dtype=first.dtype))


def _check_layer(layer):
    if not isinstance(layer, Module):
        raise TypeError(f"Sequential: layers must be Modules, got {type(layer).__name__}")
    return layer


__all__ = ["Sequential"]
