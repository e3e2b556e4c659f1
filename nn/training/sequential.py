"""Sequential: a Model made of layers applied one after the other (Keras and PyTorch)."""
import operator
from collections import OrderedDict

import numpy as np

from autograd.user_warnings import user_warning

from .. import functional as F
from ..layers.activation import Activation, Sigmoid, Softmax
from ..layers.input_layer import (
    LARGER_UNKNOWN,
    InputLayer,
    example_batch,
    mark_unknown_sizes,
    takes_text,
)
from ..layers.keras_name import first_call_tensors, keras_name
from ..layers.lambda_layer import Lambda
from ..layers.lazy_build import trial_of
from ..layers.linear import Dense, Linear, dense_logits
from ..module import Module
from .building import example_inputs
from .masking import call_with_mask, carried_mask, carry_mask, makes_masks, output_mask
from .model import Model
from .summary import is_built

_ACTIVATION_FUNCTIONS = ((F.sigmoid, "sigmoid"), (F.softmax, "softmax"))


def _activation_name(step):
    """'sigmoid' or 'softmax' when `step` (the last layer, or a Dense's activation) is that
    activation over the last axis: the function, an nn.Sigmoid / nn.Softmax layer, or a
    Lambda of the function (`model.add(F.softmax)`); else None."""
    if isinstance(step, Lambda):
        step = step.function
    if isinstance(step, Activation):
        step = step.activation
    if isinstance(step, Softmax):
        return "softmax" if step.dim in (-1, 1) else None
    if type(step) is Sigmoid:
        return "sigmoid"
    return next((name for fn, name in _ACTIVATION_FUNCTIONS if step is fn), None)


class Sequential(Model):
    """`Sequential(l1, l2, ...)`, `Sequential([l1, l2])`, an OrderedDict of named layers,
    or `Sequential()` followed by `.add(layer)`. Layers are children "0", "1", ...
    (parameter names `0.weight`, as PyTorch), or the name a Keras-style layer was given
    (`Dense(64, name="hidden")`: `hidden.weight`; names must be unique, as in Keras);
    indexing, slicing, `len` and iteration work on the layers. `name`: the model's, which
    summary() shows (Keras')."""

    summary_shows_inputs = False  # Keras' summary of a Sequential has no Input row
    _first_call_shapes = {}  # (never filled: summary knows its layers' shapes without)

    def __init__(self, *layers, name=None):
        super().__init__(name=name)
        self._output_shapes = None  # of each layer, at the last call (for summary)
        self._last_sample = None  # (shape, dtype) of one sample of the last input
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                self.add_module(name, _as_layer(layer))
            if not is_built(self):  # as add builds them: load_model rebuilds a model so,
                self._trial_call()  # and a Layer of one's own has no size_from_state
            return
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = layers[0]
        for layer in layers:
            self._add(layer)

    def add(self, layer):
        """Append `layer`: a Module, or a plain function (`F.relu`, a lambda), which is wrapped
        in a `Lambda` layer, as Keras' Lambda. As in Keras, once the first layer knows its
        input size (`input_shape=`), every layer added is built at once, so `summary()`,
        `save_weights` and `load_weights` see the whole model before the first call.

        Keras reads `input_shape` on the first layer only; a later layer takes its input size
        from the layer before it. So a later Dense(..., input_shape=...) that matches is kept,
        and one that does not match (or cannot be checked yet) is sized at its first input,
        with a warning that its input_shape is ignored. (A Linear's in_features is never
        second-guessed: it is the layer's own size, not Keras' input_shape.)
        """
        self._add(layer)

    def append(self, layer):
        """PyTorch's name for add: append `layer`, returning the model."""
        self._add(layer)
        return self

    def extend(self, layers):
        """Append each of `layers` in order (PyTorch's), returning the model."""
        for layer in layers:
            self._add(layer)
        return self

    __iadd__ = extend  # (model += other: PyTorch's)

    def __add__(self, other):
        """A new Sequential of this model's layers, then other's (PyTorch's): the same
        layers, not copies."""
        if not isinstance(other, Sequential):
            return NotImplemented
        return Sequential(*self.layers, *other.layers)

    def _add(self, layer):
        """add's work; both entries (the constructor, add) are two calls above the warning."""
        layer = _as_layer(layer)
        later_sized = (len(self) > 0 and isinstance(layer, Dense) and layer.built
                       and layer.declared_input_shape is not None)
        incoming = self._features_out() if later_sized else None
        self.add_module(self._name_for(layer), layer)
        self._output_shapes = None  # (summary's, of the layers before this one: tried again)
        if later_sized:
            self._ignore_later_input_shape(layer, incoming)
        if not is_built(self):
            self._trial_call()

    def pop(self, index=-1):
        """Remove the layer at `index` (the last by default, Keras' pop()) and return it;
        the layers after it are numbered anew, as PyTorch's. Compile again before training:
        an optimizer given its parameters still holds the removed layer's."""
        if not self.layers:
            raise TypeError("Sequential.pop: there are no layers in the model")
        layer = self[index]
        del self[index]
        return layer

    def insert(self, index, layer):
        """Put `layer` before position `index` (PyTorch's; negative counts from the end),
        numbering the layers from there anew. Returns the model."""
        count = len(self)
        try:
            index = operator.index(index)  # (NumPy's integers too)
        except TypeError:
            raise TypeError(f"Sequential.insert: index must be an integer, got "
                            f"{type(index).__name__}") from None
        if not -count <= index <= count:
            raise IndexError(f"Sequential.insert: index {index} is out of range for {count} "
                             "layers")
        layer = _as_layer(layer)
        items = list(self._modules.items())
        items.insert(index, (self._name_for(layer), layer))  # (list's rule: PyTorch's)
        self._renumbered(items)
        return self

    def __delitem__(self, index):
        """`del model[i]` or `del model[i:j]`: the numbered layers after them are numbered
        anew. A named layer (an OrderedDict's key, Keras' name=) keeps its name, so its
        state_dict keys stay; PyTorch's renumbers every layer, named ones too."""
        self[index]  # (its own errors for a bad index)
        items = list(self._modules.items())
        del items[index]
        self._renumbered(items)

    def __setitem__(self, index, layer):
        """`model[i] = layer`: the layer at position i replaced, under its name (PyTorch's;
        a slice takes no layer)."""
        if isinstance(index, slice):
            raise TypeError("Sequential: a slice cannot be set to a layer; set one position "
                            "(model[i] = layer), or del the slice and insert")
        self[index]
        name = list(self._modules)[index]
        setattr(self, name, _as_layer(layer))
        self._output_shapes, self._bound = None, False
        if not is_built(self):  # (built at once once the input size is known, as add's)
            self._trial_call()

    def _renumbered(self, items):
        """The children made `items` ((name, layer) pairs in their new order), the numbered
        ones numbered by position as PyTorch's ("0", "1", ...; a named layer keeps its name).
        Captured steps record again (Module.__delattr__, add_module)."""
        for name in list(self._modules):
            delattr(self, name)
        for position, (name, layer) in enumerate(items):
            numbered = name.isdigit() and keras_name(layer) != name  # (not a Keras name "5")
            self.add_module(str(position) if numbered else name, layer)
        self._output_shapes, self._bound = None, False  # (fit binds compile's optimizer anew)
        if items and not is_built(self):  # (a layer inserted: built as add builds it)
            self._trial_call()

    @property
    def input_shape(self):
        """Keras': the shape of a batch the model takes, (None, ...), once it is known (an
        Input, a first layer's input_shape=, or a first call)."""
        sample = self._last_sample or _example_sample(next(iter(self._modules.values()), None)) \
            or _declared_sample(self.first_linear_layer())
        if sample is None:
            raise AttributeError("Sequential.input_shape: not known until the model has an "
                                 "Input, an input_shape=, or a first call")
        return (None,) + tuple(sample[0])

    @property
    def output_shape(self):
        """Keras': the shape of the batch the last layer returns, (None, ...), once known."""
        shapes = list(self.layer_output_shapes().values())
        if not shapes or shapes[-1] is None:
            raise AttributeError("Sequential.output_shape: not known until the model has an "
                                 "Input, an input_shape=, or a first call")
        return shapes[-1]

    def _name_for(self, layer):
        return unique_layer_name(self._modules, layer, "Sequential")

    def _features_out(self):
        """The size of the last axis the layers so far output, or None if not known yet."""
        self._output_shapes = None
        self._trial_call()
        last = self._output_shapes[-1] if self._output_shapes else None
        return last[-1] if last else None

    def _ignore_later_input_shape(self, layer, incoming):
        if incoming == layer.in_features:
            return
        index = len(self) - 1
        known = (f"the layer before it outputs {incoming} features" if incoming is not None
                 else "the size of its input is not known until the first call")
        user_warning(f"Sequential.add: layer {index} ({type(layer).__name__}) was given an "
                     f"input size of {layer.in_features}, but {known}; as in Keras, only the "
                     "first layer's input_shape is used: it is ignored and the layer takes "
                     "its input size from the layer before it", UserWarning)
        layer.unbuild()

    def input_key(self):
        """The name given to the model's Input (as Keras keys a dict x by it), or None."""
        first = next(iter(self._modules.values()), None)
        return keras_name(first) if isinstance(first, InputLayer) else None

    def takes_text(self, index):
        first = next(iter(self._modules.values()), None)
        return first.takes_text(index) if isinstance(first, Model) else takes_text(first)

    def first_linear_layer(self):
        first = next((m for m in self._modules.values() if not isinstance(m, InputLayer)), None)
        return first if isinstance(first, Linear) else None

    # Keras 3's ends of a Sequential's graph (feature extraction:
    # keras.Model(model.inputs, model.get_layer("hidden").output)); once the Sequential is
    # called as a layer on keras.Input's tensors, `input` and `output` are that first call's,
    # as a layer's (Keras': a sub-model of the outer model may end there), `inputs` and
    # `outputs` its own graph's still
    @property
    def input(self):
        return self._first_call_tensors(outputs=False)

    @property
    def output(self):
        return self._first_call_tensors(outputs=True)

    def _first_call_tensors(self, outputs):
        called = first_call_tensors(self, outputs)
        return self._graph_ends()[1 if outputs else 0] if called is None else called

    @property
    def inputs(self):
        return [self._graph_ends()[0]]

    @property
    def outputs(self):
        return [self._graph_ends()[1]]

    def _graph_ends(self):
        """(input, output) tensors of the layers called in turn on keras.Input's tensor (its
        Input's, or one of the input shape), as Keras 3 builds a Sequential: each layer's
        .input and .output are then its own; made again when the layers change."""
        from ..keras.functional import Input  # (nn.keras imports nn.training)
        key = tuple(id(m) for m in self._modules.values())
        held = vars(self).get("_graph")
        if held is not None and held[0] == key:
            return held[1:]
        first = next(iter(self._modules.values()), None)
        nodes = vars(first).get("_keras_nodes") if isinstance(first, InputLayer) else None
        x = nodes[0].outputs[0] if nodes else Input(shape=self.input_shape[1:])
        y = x
        for layer in self.layers:
            y = layer(y)
        object.__setattr__(self, "_graph", (key, x, y))
        return x, y

    @property
    def layers(self):
        """Keras' list of the layers: an InputLayer, which holds nothing, is not one of them
        (`model.layers[0]` is the first layer that computes); indexing and iterating the
        model, PyTorch's way, go over every child."""
        return [m for m in self._modules.values() if not isinstance(m, InputLayer)]

    def _children(self):
        return list(self._modules.values())

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._children())

    def __getitem__(self, index):
        if isinstance(index, slice):  # the layers keep their names (PyTorch's state_dict keys)
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        try:
            return self._children()[index]
        except TypeError:
            raise TypeError(f"Sequential indices must be integers or slices, got "
                            f"{type(index).__name__}") from None
        except IndexError:
            raise IndexError(f"Sequential index {index} is out of range for "
                             f"{len(self)} layers") from None

    def forward(self, x, mask=None):
        """The layers in turn on x; `mask`: Keras' mask of x (a Sequential inside a model
        that passes masks on, nn.training.masking), given to the layers as they take it;
        else the mask x carries (in a subclassed model's forward), and the outputs carry
        theirs."""
        self._note_sample(x)
        shapes, dtypes, previous = [], [], None
        if mask is None:
            mask = carried_mask(x)
        masked = mask is not None or self._makes_masks()
        for name, layer in self._modules.items():
            if isinstance(x, tuple):
                x = _given_a_tuple(layer, x, previous)
            elif masked:  # Keras' masks, passed from layer to layer (nn.training.masking)
                x, mask = call_with_mask(layer, (x,), mask)
            else:
                x = layer(x)
            shapes.append(getattr(x, "shape", None))
            dtypes.append(getattr(x, "dtype", None))
            previous = (name, layer)
        # (bookkeeping of every call: past Module's registration checks, as _output_mask)
        object.__setattr__(self, "_output_shapes", shapes)
        object.__setattr__(self, "_output_dtypes", dtypes)
        object.__setattr__(self, "_output_mask", mask)
        carry_mask(x, mask)
        return x

    def _makes_masks(self):
        return any(makes_masks(layer) for layer in self._modules.values())

    # inside another model, a Sequential passes masks on as one layer: the mask its own
    # layers make or are given, and its outputs' (that of the forward just run)
    makes_masks = property(_makes_masks)

    def compute_mask(self, inputs, mask=None):
        return getattr(self, "_output_mask", None)

    def _note_sample(self, x):
        """Keep one sample's shape and dtype: summary's trial call runs one like it."""
        if hasattr(x, "shape"):
            object.__setattr__(self, "_last_sample", (tuple(x.shape[1:]), x.dtype))

    # ----- the final activation, for the fused cross-entropy losses -----
    def final_activation(self):
        last = self._children()[-1] if len(self) else None
        return _activation_name(last.activation if isinstance(last, Dense) else last)

    def forward_logits(self, x):
        self._note_sample(x)
        layers = self._children()
        mask = None
        masked = self._makes_masks()
        for layer in layers[:-1]:
            if masked:
                x, mask = call_with_mask(layer, (x,), mask)
            else:
                x = layer(x)
        last = layers[-1]
        object.__setattr__(self, "_output_mask", mask if mask is None else output_mask(
            last, x, mask))
        activation = last.activation if isinstance(last, Dense) else last
        if isinstance(activation, Softmax) and activation.dim == 1 and x.ndim != 2:
            raise ValueError("Sequential: a final Softmax(dim=1) on outputs of shape "
                             f"{tuple(x.shape)} puts the classes on axis 1; the Keras losses "
                             "read them on the last axis (use Softmax(dim=-1))")
        return dense_logits(last, x) if isinstance(last, Dense) else x

    def build(self, input_shape=None):
        """Keras' build: make the layers' weights from the shape of a batch, such as
        (None, 20) (the batch axis first, any size; None sizes tried as 1), by running one
        zero sample through the model. Without a shape, the first layer's (an Input's, an
        input_shape=) is used, as summary() does."""
        if input_shape is None:
            self._trial_call()
            return
        example = _example_sample(next(iter(self._modules.values()), None))
        dtype = example[1] if example is not None else np.dtype(np.float32)
        with trial_of(self):  # (one sample: any batch size fits)
            self(example_inputs(input_shape, dtype, "Sequential.build", one_sample=True))

    # ----- summary -----
    def layer_output_dtypes(self):
        """{child name: its output's dtype at the last call (or trial call)}, where known."""
        self.layer_output_shapes()  # (a trial call where none was made yet)
        dtypes = getattr(self, "_output_dtypes", None) or ()
        if len(dtypes) != len(self._modules):  # (layers added since)
            return {}
        return {name: None if dtype is None else str(dtype)
                for name, dtype in zip(self._modules, dtypes)}

    def layer_output_shapes(self):
        if self._output_shapes is None:
            self._trial_call()
        if self._output_shapes is None:
            return {}
        return {name: None if shape is None else (None,) + tuple(shape[1:])
                for name, shape in zip(self._modules, self._output_shapes)}

    def _trial_call(self):
        """Run one zero sample through the model where its shape is known: the last input's,
        else an Input's shape, the first layer's declared input_shape (Dense, nn.keras'
        layers) or its in_features (Linear). A declared shape's free sizes (None) are tried
        as 1, which a window (a valid 3x3 convolution) may not fit: the layers are then
        sized at the first call instead."""
        first = next(iter(self._modules.values()), None)
        unknown = None in (_declared_shape(first) or ())
        guessed = self._last_sample is None
        sample = self._last_sample or _example_sample(first) or _declared_sample(
            self.first_linear_layer())
        if sample is None:
            return
        try:
            with trial_of(self):
                self(example_batch((1,) + sample[0], sample[1]))
        except ValueError:
            if not (guessed and unknown):
                raise
            self._last_sample = self._output_shapes = None
            return
        if np.dtype(sample[1]).kind == "U" or unknown:
            self._trial_on_unknown_sizes(sample)

    def _trial_on_unknown_sizes(self, sample):
        """A declared None size, or a text's token count, is unknown until the call: try the
        model on larger ones too, and mark the output sizes that change with them None; a
        layer sized by one (Dense after Flatten) cannot be built, a ValueError as Keras'."""
        declared = _declared_shape(next(iter(self._modules.values())))
        shape = declared if declared is not None and len(declared) == len(sample[0]) \
            else sample[0]

        def larger():
            with trial_of(self):
                self(example_batch((1,) + tuple(shape), sample[1], LARGER_UNKNOWN))
            return self._output_shapes
        self._output_shapes = mark_unknown_sizes(self._output_shapes, larger, "Sequential")
        self._last_sample = sample


def unique_layer_name(modules, layer, who):
    """A new child's name among `modules`: its Keras name, else its index; refused when a
    layer holds it already."""
    given = keras_name(layer)
    name = str(len(modules)) if given is None else given
    if name in modules:
        held = "another layer is named" if given is not None else "a layer is named"
        raise ValueError(f"{who}: {held} {name!r} already; layer names must be unique "
                         f"(Keras' rule): name this {type(layer).__name__} otherwise")
    return name


def _example_sample(first):
    """(shape, dtype) of one sample the first layer says it takes through example_sample()
    (an Input; a Keras layer given input_shape), or None."""
    example = getattr(first, "example_sample", None)
    return None if example is None else example()


def _declared_shape(first):
    """One sample's shape as the first layer declares it (an Input's shape, a Keras layer's
    input_shape), None sizes kept; or None."""
    shape = getattr(first, "shape", None) or getattr(first, "declared_input_shape", None)
    return (shape,) if isinstance(shape, (int, np.integer)) else shape


def _declared_sample(first):
    """(shape, dtype) of one sample a first Dense or Linear layer says it takes, or None."""
    if first is None or first.in_features is None:
        return None
    declared = getattr(first, "declared_input_shape", None)
    shape = (declared,) if isinstance(declared, (int, np.integer)) else declared
    return (tuple(shape) if shape else (first.in_features,)), first.dtype


def _given_a_tuple(layer, outputs, previous):
    """layer(outputs) for a layer that takes the tuple the one before returned (a Lambda
    picking a part); one that cannot is told what to do, not left to fail deep inside."""
    if isinstance(layer, Lambda):  # the user's own handling: its errors are its own
        return layer(outputs)
    try:
        return layer(outputs)
    except (TypeError, ValueError, AttributeError, RuntimeError) as exc:
        name, before = previous
        raise TypeError(f"Sequential: layer {name} ({type(before).__name__}) returned a tuple "
                        "(PyTorch's recurrent layers return (output, state)), which the next "
                        f"layer ({type(layer).__name__}) cannot take ({exc}); keep the part you "
                        "need with a Lambda layer, e.g. nn.Lambda(lambda out: out[0][:, -1]) "
                        "for the last time step's output (Keras' LSTM(units))") from exc


def _as_layer(layer):
    """`layer` itself if a Module; a plain function wrapped in Lambda (Keras' layer); a
    keras.Input tensor as its InputLayer (Keras 3 takes both)."""
    if hasattr(layer, "as_input_layer"):
        return layer.as_input_layer()
    if isinstance(layer, Module):
        return layer
    if callable(layer) and not isinstance(layer, type):
        return Lambda(layer)
    what = f"the class {layer.__name__} (call it to make a layer)" if isinstance(layer, type) \
        else type(layer).__name__
    raise TypeError(f"Sequential: layers must be Modules or functions, got {what}")


__all__ = ["Sequential", "unique_layer_name"]
