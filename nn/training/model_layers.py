"""Model.layers of a subclassed model: Keras' list of the layers the model holds itself.

    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(64), layers.Dense(64)]
            self.head = layers.Dense(10)
    Classifier().layers  # [Dense, Dense, Dense]: the list's layers, then the head

Sequential and functional models have lists of their own (nn.training.sequential,
nn.keras.functional).
"""
from ..containers import ModuleDict, ModuleList, ParameterDict, ParameterList

_UNSET = object()


class ModelLayers:
    """Model.layers (a descriptor): the layers a model holds directly, in the order they were
    set, those of a list or dict it holds (Keras' tracked collections, PyTorch's ModuleList
    and ModuleDict) in their place, each layer once; a layer's own sublayers are not listed.
    Keras reserves the name; a model written the PyTorch way may hold something of its own
    under it (`self.layers = nn.ModuleList(...)`), and then reads that back."""

    def __get__(self, model, owner=None):
        if model is None:
            return self
        own = vars(model).get("layers", _UNSET)
        return held_layers(model) if own is _UNSET else own

    def __set__(self, model, value):  # (Module.__setattr__ has registered a Module value)
        vars(model)["layers"] = value

    def __delete__(self, model):
        if vars(model).pop("layers", _UNSET) is _UNSET:
            raise AttributeError(f"{type(model).__name__} holds nothing named 'layers' of "
                                 "its own (its Keras list of layers cannot be deleted)")


def held_layers(model):
    """The layers `model` holds, a list or dict of them flattened in (see ModelLayers)."""
    return [layer for _, layer in held_layer_items(model._modules)]


def held_layer_items(children, prefix=""):
    """(key, layer) of each layer in `children` (a model's `_modules`), each once, those of
    a list or dict held flattened in under their dotted keys ('blocks.0')."""
    found, seen = [], set()
    _collect(children, prefix, found, seen)
    return found


def _collect(children, prefix, found, seen):
    for key, child in children.items():
        if child is None or id(child) in seen or isinstance(child, (ParameterList,
                                                                    ParameterDict)):
            continue  # (a list of weights holds no layer)
        seen.add(id(child))
        if isinstance(child, (ModuleList, ModuleDict)):
            _collect(child._modules, f"{prefix}{key}.", found, seen)
        else:
            found.append((prefix + key, child))
