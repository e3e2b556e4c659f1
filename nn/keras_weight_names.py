"""Keras 3's names of the weights of Keras-style layers and models: `w.name` ('kernel',
'gamma', 'moving_mean', what add_weight(name=) gave) and `w.path`
('sequential/dense/kernel': the names of the layers it was made in, then its own).

A weight is linked to the layer that first held it, a layer to the module that first held
it (Keras' path is where a variable was made: a layer a second model shares keeps its
path). The names are looked up through these links when asked, so a name a model gives a
layer later (Keras numbers them as they join) shows in the path. Each layer says what its
attributes are in Keras (`keras_weight_names`, `keras_weight_scope`); no name is stored.
A PyTorch-style module takes no part: its parameters' `name` stays what the user gave.
"""
import weakref

OWNER, PARENT = "_keras_owner", "_keras_parent"  # (the links, in the held object's __dict__)


class HolderLink:
    """A weak link to what holds an object, the key it is held under and whether the holder
    is a scope of its names (see link_child). A deep copy of the holder links the copies
    (copy makes the holder first); a deep copy of the held object alone drops the link
    (None): a weight must not drag its model along. A pickle drops it for the same reason (a
    weight pickled alone would carry its whole model); an unpickled module links what it
    holds again (Module.__setstate__)."""

    __slots__ = ("_ref", "key", "scope")

    def __init__(self, holder, key, scope=True):
        self._ref, self.key, self.scope = weakref.ref(holder), key, scope

    @property
    def holder(self):
        return self._ref()

    def __deepcopy__(self, memo):
        copied = memo.get(id(self._ref()))
        return None if copied is None else HolderLink(copied, self.key, self.scope)

    def __reduce__(self):  # (dropped: the holder, unpickled, links its own again)
        return (type(None), ())

    # a weight's owner link answers its Parameter's `name` and `path` (autograd's
    # keras_variable.py, which cannot import nn)
    def name_of(self, weight):
        relative = self._relative(weight)
        return None if relative is None else relative.rpartition("/")[2]

    def path_of(self, weight):
        relative = self._relative(weight)
        return None if relative is None else scope_path(self.holder, relative)

    def _relative(self, weight):
        layer = self.holder
        return None if layer is None else layer._keras_weight_name(self.key, weight)


def names_weights(obj):
    """Whether `obj` is a Keras-style layer or model (nn.layers.keras_name.KerasName)."""
    return getattr(type(obj), "_keras_weight_name", None) is not None


def link_weight(layer, key, weight):
    """`weight` (a Parameter) registered under `key` by `layer`: its owner, if it has none."""
    if names_weights(layer):
        _link(weight, OWNER, HolderLink(layer, key))


def link_child(holder, key, child):
    """`child` (a Module) registered by `holder`: its parent, where either is Keras' or the
    child is a list or dict Keras tracks (which may sit in another). A layer joining after
    it was called on keras.Input's tensors (a functional model's) was built outside: the
    holder is no scope of its weights' paths, nor what holds the holder."""
    if names_weights(holder) or names_weights(child) or \
            getattr(type(child), "tracks_keras_layers", False):
        called = bool(vars(child).get("_keras_nodes"))
        _link(child, PARENT, HolderLink(holder, key, scope=not called))


def _link(obj, attribute, link):
    current = vars(obj).get(attribute)
    if current is None or current.holder is None:  # (the first holder's, while it lives)
        vars(obj)[attribute] = link


def scope_path(layer, relative):
    """`relative` (a weight's name within `layer`) under the names of `layer` and of the
    layers and models it was made in."""
    names, node = [relative], layer
    while node is not None:
        if names_weights(node):
            names.append(node.name)
        link = vars(node).get(PARENT)
        if link is None or not link.scope:
            break
        node = link.holder
    return "/".join(reversed(names))


class NamesWeights:
    """Mixin of KerasName: what a layer's or model's attributes are called in Keras."""

    # {attribute: Keras' name} where they differ (Dense's weight is Keras' kernel); a name
    # with '/' is in an inner layer Keras has and rungrad folds in (MultiHeadAttention's
    # 'query/kernel')
    keras_weight_names = {}
    keras_weight_scope = None  # the inner layer holding them all (LSTM's 'lstm_cell')

    def _keras_weight_name(self, key, weight):
        """Keras' name of `weight`, held under `key`: add_weight's name, else (a layer's
        own weights; a model's others are PyTorch's) the attribute's Keras name."""
        made = made_weight_name(self, weight)
        if made is None and not self._keras_layer:
            return None
        name = made or self.keras_weight_names.get(key, key)
        scope = self.keras_weight_scope
        return name if scope is None else f"{scope}/{name}"


def made_weight_name(layer, weight):
    """The name add_weight gave `weight` (nn.layers.made_weights): the one given, else
    Keras' 'variable', 'variable_1', ... (numbered in the layer; Keras numbers them in the
    session), or None for a weight add_weight did not make."""
    unnamed = 0
    for name, made, *_ in vars(layer).get("_made", ()):
        if made is weight:
            return name or ("variable" if unnamed == 0 else f"variable_{unnamed}")
        unnamed += name is None
    return None


class WeightName(str):
    """The name of a Variable standing for a Keras weight that is no Parameter (Dense's
    kernel, an op on its weight; BatchNormalization's moving statistics in `weights`),
    carrying its `path` (which such a Variable's `path` reads: autograd's keras_variable)."""

    def __new__(cls, name, path):
        made = super().__new__(cls, name)
        made.path = path
        return made

    def __reduce__(self):  # (a str subclass is rebuilt from its text alone otherwise)
        return WeightName, (str(self), self.path)


def state_weight_name(layer, key):
    """WeightName of the array `layer` holds under `key` (a buffer, or a weight seen as a
    computed Variable), or None where no Keras layer names it."""
    relative = layer._keras_weight_name(key, None) if names_weights(layer) else None
    if relative is None:
        return None
    return WeightName(relative.rpartition("/")[2], scope_path(layer, relative))


__all__ = ["HolderLink", "NamesWeights", "WeightName", "link_weight", "link_child",
           "scope_path", "made_weight_name", "names_weights", "state_weight_name"]
