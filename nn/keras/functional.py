"""Keras' functional API: symbolic tensors and the model made of the calls between them.

    inputs = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Add()([layers.Dense(32, activation="relu")(x), x])
    model = keras.Model(inputs, layers.Dense(10)(x))

`Input` gives a KerasTensor: a batch's shape (None for the batch axis), a dtype and the
node that made it. Calling any nn Module on KerasTensors (Module.__call__ sends them here)
records a node and returns the output's KerasTensor, its shape found by running the layer
once on zeros (None sizes as 1) without recording a graph, which also builds lazily sized
layers. `Functional` (what `keras.Model(inputs, outputs)` makes) holds the layers as its
children and replays the nodes in topological order on real inputs: shared layers,
branches and merges included. It lists them (model.layers, summary(), get_weights()) in
Keras' order, by depth from the outputs (nn.keras.layer_order).
"""
import functools
import inspect

import numpy as np

from .. import module as _module
from ..layers.input_layer import (
    LARGER_UNKNOWN,
    InputLayer,
    example_batch,
    is_text_dtype,
    mark_unknown_sizes,
)
from ..layers.keras_name import given_name, keras_name, layer_names, note_node
from ..layers.lazy_build import trial_of
from ..layers.linear import Dense, dense_logits
from ..training.masking import call_with_mask, makes_masks, output_mask
from ..training.model import Model
from ..training.sequential import _activation_name, unique_layer_name
from .intermediate_inputs import starting_inside
from .layer_order import keras_layer_order, walk, with_unused_inputs
from .output_keys import older_keys, output_keys
from .tensor_operators import SymbolicOperators


class Node:
    """One call of `layer` on symbolic arguments (none for an Input), and its outputs; a
    mask given by keyword (`mask=`, Keras' files record those) stays in `kwargs`."""

    __slots__ = ("layer", "args", "kwargs", "outputs")

    def __init__(self, layer, args=(), kwargs=None):
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs or {}, ()

    @property
    def inputs(self):
        return [tensor for arg in self.args for tensor in _leaves(arg)] + [
            v for v in self.kwargs.values() if type(v) is KerasTensor]

    def recorded_on(self, tensor_for):
        """This call again, of the same layer, on `tensor_for(t)` for each of its tensors t,
        without running it (its outputs' shapes are this call's): a sub-model's copy of the
        graph (nn.keras.intermediate_inputs)."""
        node = Node(self.layer, _fill(self.args, tensor_for),
                    _fill_keywords(self.kwargs, tensor_for))
        node.outputs = tuple(KerasTensor(t.shape, t.dtype, node, t.index) for t in self.outputs)
        return node


class KerasTensor(SymbolicOperators):
    """A symbolic batch: `shape` (None for the batch axis), `dtype`, and the node (a
    layer's call, or an Input) whose output number `index` it is. Python's operators make
    keras.ops nodes of it (nn.keras.tensor_operators)."""

    __slots__ = ("shape", "dtype", "node", "index")

    def __init__(self, shape, dtype, node, index=0):
        self.shape, self.dtype, self.node, self.index = tuple(shape), np.dtype(dtype), node, index

    @property
    def ndim(self):
        return len(self.shape)

    def __bool__(self):
        # (its truth is the data's, unknown until the model runs: Python's `if` would take
        # one branch for every batch, a `while` never end)
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean (Keras' rule): "
                        "its value is known only when the model runs; use ops.cond or "
                        "ops.where, or write the branch in a layer's call")

    @property
    def name(self):
        """Keras': an Input's name; another tensor's, its layer's (and output number)."""
        name = self.node.layer.name
        return name if len(self.node.outputs) == 1 else f"{name}_{self.index}"

    def as_input_layer(self):
        """The InputLayer of an Input's tensor (what a Sequential takes as its first
        element, as Keras 3 does)."""
        if not isinstance(self.node.layer, InputLayer) or self.node.args:
            raise TypeError(f"Sequential: a symbolic tensor can start a Sequential only as "
                            f"keras.Input(...); this one is the output of {_who(self.node.layer)}")
        return self.node.layer

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, "
                f"source={_who(self.node.layer)}>")


_module.SYMBOLIC_FIRST.add(KerasTensor)


def Input(shape=None, batch_size=None, dtype="float32", sparse=None,  # noqa: N802 (Keras')
          batch_shape=None, name=None):
    """Keras' `keras.Input(shape=...)`: the symbolic input of a functional model (or, first
    in a Sequential, its InputLayer). `shape` is one sample's, None for any size; or
    `batch_shape`, the batch's, whose first size is the batch size (a stateful RNN's)."""
    if sparse:
        raise NotImplementedError("Input: sparse=True (sparse tensors) is not supported")
    layer = InputLayer(shape, dtype=dtype or "float32", name=name, batch_size=batch_size,
                       batch_shape=batch_shape)
    node = Node(layer)
    node.outputs = (KerasTensor((layer.batch_size,) + layer.shape, layer.dtype, node),)
    note_node(layer, node)
    return node.outputs[0]


# ----- recording a call -----
def is_symbolic(first):
    """Whether Module.__call__'s first argument is, or holds, a KerasTensor."""
    if type(first) is KerasTensor:
        return True
    return any(type(item) is KerasTensor for item in first)


def call_symbolically(layer, args, kwargs):
    """layer(*args) on KerasTensors (single, or lists of them): the node recorded and its
    output KerasTensor(s), shaped by one call on zeros."""
    for i, arg in enumerate(args):
        for item in _leaves(arg, keep_others=True):
            if type(item) is not KerasTensor:
                raise TypeError(
                    f"{_who(layer)}: called on symbolic tensors (keras.Input and layer outputs) "
                    f"mixed with a {type(item).__name__} (argument {i}); in a functional model "
                    "a layer takes the graph's tensors only (make constants a layer's weights, "
                    "or pass them as keyword arguments)")
    masks = {k: v for k, v in kwargs.items() if type(v) is KerasTensor and _is_mask(k)}
    kwargs = {k: v for k, v in kwargs.items() if k not in masks}
    if any(_symbolic_value(v) for v in kwargs.values()):
        args, kwargs = _tensors_by_position(layer, args, kwargs)
    kwargs.update(masks)
    out, shapes = _probed(layer, args, kwargs)
    node = Node(layer, args, kwargs)
    node.outputs = tuple(KerasTensor(shape, o.dtype, node, i)
                         for i, (o, shape) in enumerate(zip(_outputs(out), shapes)))
    note_node(layer, node)  # (Keras' layer.input, layer.output)
    return node.outputs if isinstance(out, (tuple, list)) else node.outputs[0]


def _probed(layer, args, kwargs):
    """(the layer's output on example batches, its outputs' shapes with None for the batch
    and for any size that varies with the input's): where an input has unknown sizes (None
    beyond the batch axis) or is text (its token count unknown), a second call on larger
    examples tells which output sizes follow them. A layer that cannot take both (one built
    for the first size, as Dense after Flatten) needs that size known: a ValueError, as
    Keras refuses to build it."""
    operation = getattr(layer, "keras_operation", None) is not None
    example = _op_example if operation else _example
    varies = any(_varies(t) for arg in args for t in _leaves(arg))
    sizes = (1, LARGER_UNKNOWN)
    try:
        out = _trial(layer, args, kwargs, example)
    except ValueError:
        if not varies or operation:
            raise
        # a window that one step cannot fill (Conv1D(16, 5) on Input(shape=(None, 8))): the
        # unknown sizes tried larger, as Keras builds it with those sizes None
        sizes = (LARGER_UNKNOWN, 2 * LARGER_UNKNOWN + 1)
        out = _trial(layer, args, kwargs, functools.partial(_example, unknown=sizes[0]))
    # a layer keeps the batch size its inputs fix (keras.Input(batch_size=)), as Keras'
    batch = None if operation else _fixed_batch(args)
    shapes = [(batch,) + tuple(o.shape[1:]) for o in _outputs(out)]
    if not varies:
        if operation:  # (keras.ops: any shape)
            return out, _batch_sized(layer, args, kwargs, shapes)
        return out, shapes
    given = [t.shape for arg in args for t in _leaves(arg)]

    def larger():
        return [o.shape for o in _outputs(_trial(
            layer, args, kwargs, functools.partial(_example, unknown=sizes[1])))]
    return out, mark_unknown_sizes(shapes, larger, f"{_who(layer)} (its input of shape "
                                                   f"{given[0] if len(given) == 1 else given})")


def _trial(layer, args, kwargs, example):
    """layer's call on example batches (`example(tensor)` for each symbolic tensor)."""
    with trial_of(layer), np.errstate(all="ignore"):  # (zeros: a log's -inf says nothing)
        return layer(*_fill(args, example), **_fill_keywords(kwargs, example))


def _fixed_batch(args):
    """The batch size every symbolic input of a call fixes, else None."""
    sizes = {t.shape[0] for arg in args for t in _leaves(arg)}
    return sizes.pop() if len(sizes) == 1 else None


PROBED_BATCHES = (83, 89)  # Keras' own: a slice of a batch (x[:2], x[::3]) tells them apart


def _batch_sized(operation, args, kwargs, shapes):
    """The output shapes of a keras.ops node, None where a size follows the batch's: calls on
    batches of 83 and 89 samples tell, as Keras' do (a size equal for both is fixed), as an
    op may drop the batch axis (`ops.sum(x)`, `x[0]`), fold it into another
    (`ops.reshape(x, (-1,))`) or slice it (`x[::3]`, None; `x[:2]`, 2). `shapes` (the batch
    axis taken as the first) where a call fails (a constant fitting one sample only)."""
    outputs = []
    for samples in PROBED_BATCHES:
        try:
            with trial_of(operation), np.errstate(all="ignore"):
                outputs.append(_outputs(operation(*_fill(args, _samples(samples)),
                                                  **_fill_keywords(kwargs, _samples(samples)))))
        except (ValueError, TypeError, IndexError):
            return shapes
    found = []
    for i, shape in enumerate(shapes):
        sizes = [o[i].shape for o in outputs]
        if len({len(s) for s in sizes}) != 1:
            found.append(shape)
            continue
        found.append(tuple(n if len(set(axis)) == 1 else None
                           for n, axis in zip(sizes[0], zip(*sizes))))
    return found


def _samples(count):
    """An example batch of `count` samples for a tensor (for _fill)."""
    def example(tensor):
        return _invertible(example_batch(_with_batch(tensor.shape, count), tensor.dtype))
    return example


def _is_mask(keyword):
    """Whether a keyword argument is a mask (`mask`, MultiHeadAttention's `query_mask`)."""
    return keyword == "mask" or keyword.endswith("_mask")


def _outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _varies(tensor):
    return None in tensor.shape[1:] or is_text_dtype(tensor.dtype)


def _tensors_by_position(layer, args, kwargs):
    """(args, kwargs) with the symbolic tensors given by keyword (`mha(query=x, value=y)`)
    moved to their positions in the layer's forward, which a node replays positionally;
    a TypeError where they leave a gap (an earlier argument not given)."""
    names = [p.name for p in inspect.signature(layer.forward).parameters.values()
             if p.kind == p.POSITIONAL_OR_KEYWORD]
    tensors = {k for k, v in kwargs.items() if _symbolic_value(v)}
    wanted = max(names.index(k) for k in tensors) + 1 if tensors <= set(names) else None
    if wanted is None or any(name not in kwargs for name in names[len(args):wanted]):
        raise TypeError(f"{_who(layer)}: symbolic tensors given by keyword ({sorted(tensors)}) "
                        f"must fill its arguments {names} in order, without a gap; pass them "
                        "by position")
    moved = names[len(args):wanted]
    return (list(args) + [kwargs[name] for name in moved],
            {k: v for k, v in kwargs.items() if k not in moved})


def _symbolic_value(value):
    """Whether a keyword argument is a symbolic tensor, or a list of them (an RNN's
    initial_state=[h, c], Keras' encoder-decoder)."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(type(item) is KerasTensor for item in value)
    return type(value) is KerasTensor


def _example(tensor, unknown=1):
    """An example batch for `tensor`: one sample, its unknown sizes `unknown` (and texts of as
    many words)."""
    return example_batch(_with_batch(tensor.shape, 1), tensor.dtype, unknown)


def _with_batch(shape, samples):
    """shape with `samples` for an unknown batch size (a 0-d tensor has no batch axis: a
    keras.ops node's `ops.sum(x)`)."""
    if not shape:
        return ()
    return (samples if shape[0] is None else shape[0],) + tuple(shape[1:])


def _op_example(tensor):
    return _invertible(_example(tensor))


def _invertible(batch):
    """An example batch for a keras.ops node: zeros, but identity matrices where its last
    two axes are square floats, which inv, solve and cholesky take (zeros they refuse)."""
    if batch.ndim >= 2 and batch.shape[-1] == batch.shape[-2] and batch.dtype.kind == "f":
        batch = batch + np.eye(batch.shape[-1], dtype=batch.dtype)
    return batch


def _leaves(arg, keep_others=False):
    """The KerasTensors of an argument (a tensor, or a list or tuple of them); with
    keep_others, whatever else it holds too."""
    for item in (arg if isinstance(arg, (list, tuple)) else (arg,)):
        if type(item) is KerasTensor or keep_others:
            yield item


def _fill(args, value_of):
    """args with each KerasTensor replaced by value_of(tensor), lists kept lists."""
    return [[value_of(t) for t in a] if isinstance(a, (list, tuple)) else value_of(a)
            for a in args]


def _fill_keywords(kwargs, value_of):
    """kwargs with each KerasTensor (a mask given by keyword) replaced by value_of(it)."""
    if not any(type(v) is KerasTensor for v in kwargs.values()):
        return kwargs
    return {k: value_of(v) if type(v) is KerasTensor else v for k, v in kwargs.items()}


def _who(layer):
    name = keras_name(layer)
    return type(layer).__name__ + ("" if name is None else f" {name!r}")


# ----- the model -----
class Functional(Model):
    """`keras.Model(inputs, outputs)`: the layers between `inputs` (keras.Input tensors, or
    tensors inside another graph: nn.keras.intermediate_inputs) and `outputs`, as children
    named by their Keras name, the name the model they come from gave them (see
    _names_kept), or their index, replayed in topological order. A list of inputs or
    outputs is taken and returned as a list (one output alone, as Keras' unpack_singleton;
    a list of one array is one input's or output's data), a dict as a dict (its keys name
    them, and order them sorted, as Keras 3's); fit, evaluate and predict take several
    inputs as a list or a dict keyed by their names (the dict's keys, else the Inputs'
    names), and several outputs' targets likewise (the dict's keys, else the names of the
    layers producing them, numbered apart where one makes several: see
    nn.keras.output_keys and nn.training.multi_output); predict returns a list of arrays
    for them, or a dict."""

    takes_listed_singletons = True  # (nn.training.batches: [x] is x, as Keras flattens it)
    _first_call_shapes = {}  # (never filled: its graph knows its layers' shapes)

    def __init__(self, inputs, outputs, name=None, trainable=True):
        super().__init__(name=name)
        # a list, tuple or dict of inputs (outputs) is taken (returned) as one; a dict's keys
        # name them (x's and y's keys, the outputs' log keys), as Keras 3's
        self._listed = (isinstance(inputs, (list, tuple, dict)),
                        isinstance(outputs, (list, tuple, dict)))
        self._keys = (_keys_of(inputs, "inputs"), _keys_of(outputs, "outputs"))
        # intermediate tensors among the inputs start a graph of the model's own
        self._inputs, self._outputs = starting_inside(
            _tensors(inputs, "inputs"), _tensors(outputs, "outputs"), _input_like)
        self._nodes, numbered = with_unused_inputs(*walk(self._outputs), self._inputs)
        self._keras_order = keras_layer_order(self._nodes, numbered)
        # nodes whose outputs other nodes take (an output's logits cannot stand in for them)
        self._feeding = frozenset(id(t.node) for node in self._nodes for t in node.inputs)
        given = {id(t.node) for t in self._inputs}
        for node in self._nodes:
            if not node.args and id(node) not in given:
                raise ValueError(f"Model: the outputs depend on the input {_who(node.layer)} "
                                 f"of shape {node.outputs[0].shape}, which is not among the "
                                 "model's inputs (a disconnected graph): add it to inputs=")
        kept = _names_kept(self._keras_order)
        held = {id(m) for m in self._modules.values()}
        with self.layers_joining():
            for node in self._nodes:
                if id(node.layer) not in held:
                    held.add(id(node.layer))
                    self.add_module(kept.get(id(node.layer)) or
                                    unique_layer_name(self._modules, node.layer, "Model"),
                                    node.layer)
        if not trainable:  # (Keras' keyword: the model made frozen)
            self.trainable = False

    # ----- running -----
    def forward(self, *xs):
        return self._run(xs)

    def forward_logits(self, x):
        return self._run((x,), logits=(0,))[0]

    def forward_outputs(self, x, logits=()):
        """The list of outputs, those numbered in `logits` before their final activation
        (a model of several outputs: nn.training.multi_output)."""
        return self._run((x,), logits)

    def final_activation(self):
        return self.final_activations()[0] if len(self._outputs) == 1 else None

    def final_activations(self):
        """Each output's final activation ('sigmoid', 'softmax' or None)."""
        return [_activation_name(t.node.layer.activation if isinstance(t.node.layer, Dense)
                                 else t.node.layer) for t in self._outputs]

    def _run(self, xs, logits=None):
        """The outputs of the model on xs: as called (a list or one), or with `logits` (the
        numbers of the outputs wanted before their final activation) the list of them."""
        if len(xs) == 1 and self._keys[0] is not None and isinstance(xs[0], dict):
            xs = self._in_key_order(xs[0], 0, "inputs")
        elif len(xs) == 1 and isinstance(xs[0], (list, tuple)) and self._listed[0]:
            xs = tuple(xs[0])
        if len(xs) != len(self._inputs):
            raise TypeError(f"Model: takes {len(self._inputs)} input(s), got {len(xs)}")
        values = {id(t.node): (x,) for t, x in zip(self._inputs, xs)}  # (cast by InputLayer)
        split = {id(self._outputs[i].node) for i in logits or ()}
        # the nodes whose activated outputs are read all the same
        read = self._feeding | {id(t.node) for i, t in enumerate(self._outputs)
                                if i not in (logits or ())}
        before = {}  # those outputs' logits, by node
        masks = {id(t.node): (None,) for t in self._inputs} if self._makes_masks() else None
        def value(t):
            return values[id(t.node)][t.index]

        for node in self._nodes:
            args = [values[id(node)][0]] if not node.args else _fill(node.args, value)
            kwargs = _fill_keywords(node.kwargs, value)
            if masks is not None:  # Keras' masks, passed along the graph (nn.training.masking)
                masks[id(node)], out = self._run_masked(node, args, kwargs, masks,
                                                        id(node) in split, id(node) in read,
                                                        before)
            elif id(node) in split:
                before[id(node)], out = _split_activation(node, args, kwargs, id(node) in read)
            else:
                out = node.layer(*args, **kwargs)
            values[id(node)] = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        object.__setattr__(self, "_output_mask", None if masks is None else _structured(
            [masks[id(t.node)][t.index] for t in self._outputs], self._listed[1], None))
        if logits is not None:
            return [before[id(t.node)] if i in logits else values[id(t.node)][t.index]
                    for i, t in enumerate(self._outputs)]
        outputs = [values[id(t.node)][t.index] for t in self._outputs]
        if self._keys[1] is not None:
            return dict(zip(self._keys[1], outputs))
        return outputs if len(outputs) > 1 else outputs[0]  # (Keras' unpack_singleton)

    def _makes_masks(self):
        return any(makes_masks(node.layer) for node in self._nodes)

    @staticmethod
    def _run_masked(node, args, kwargs, masks, split, read, before):
        """(the outputs' masks as a tuple, the outputs) of a node given its inputs' masks;
        an output node `split` (see _split_activation) keeps its logits in `before`."""
        given = [masks[id(node)][0]] if not node.args else _fill(
            node.args, lambda t: masks[id(t.node)][t.index])
        mask = given[0] if len(given) == 1 else given
        if split:
            before[id(node)], out = _split_activation(node, args, kwargs, read)
            out_mask = output_mask(node.layer, args[0] if len(args) == 1 else args, mask)
        else:
            out, out_mask = call_with_mask(node.layer, args, mask, kwargs)
        several = isinstance(out, (tuple, list))
        return (tuple(out_mask) if several and isinstance(out_mask, (list, tuple))
                else (out_mask,) * (len(out) if several else 1)), out

    def _in_key_order(self, given, side, what):
        """The values of the dict `given` in the order of the model's dict of `what`."""
        keys = self._keys[side]
        unknown = [k for k in given if k not in keys]
        missing = [k for k in keys if k not in given]
        if missing or unknown:
            raise KeyError(f"Model: the {what} are keyed {keys}; got the keys {list(given)}"
                           + (f" (missing {missing})" if missing else "")
                           + (f" (unknown {unknown})" if unknown else ""))
        return tuple(given[k] for k in keys)

    def predict(self, *args, **kwargs):
        """Model.predict; a list of arrays for several outputs (a dict for a dict of
        outputs), as Keras."""
        outputs = super().predict(*args, **kwargs)  # (a dict of outputs gives a dict)
        return list(outputs) if self._listed[1] and isinstance(outputs, tuple) else outputs

    def several_inputs(self):  # (a dict of one is named all the same: x is a dict)
        if len(self._inputs) == 1 and self._keys[0] is None:
            return None
        return [(name, t.shape[1:]) for name, t in zip(self.input_names, self._inputs)]

    def input_key(self):  # (asked where there is one input, not a dict of one)
        return self.input_names[0]

    def takes_text(self, index):
        return is_text_dtype(self._inputs[index].dtype)

    def several_outputs(self):
        """The outputs' keys (y's and compile's, the logs' '<key>_loss'): a dict of outputs'
        keys, else output_names, those a layer gives several of numbered apart
        ('lstm_output_0', 'lstm_output_1', where Keras keeps one key, 'lstm', for both: see
        nn.keras.output_keys); None for one output given alone."""
        if len(self._outputs) == 1 and self._keys[1] is None:
            return None
        if self._keys[1] is not None:
            return list(self._keys[1])
        shown = layer_names(self._modules)  # (once: a training step asks for the keys)
        return output_keys(self._names_of(self._outputs, shown), set(shown.values()))

    def outputs_keyed(self):
        return self._keys[1] is not None

    def renamed_from_older_keys(self, used):
        """{older key: key} where the keys `used` by compile's dicts saved with this model
        are those older versions gave (nn.keras.output_keys.older_keys) rather than its
        own; {} otherwise."""
        keys = self.several_outputs()
        if not keys or not used or set(used) <= set(keys) or self.outputs_keyed():
            return {}
        older = older_keys(self.output_names)
        return dict(zip(older, keys)) if older and set(used) <= set(older) else {}

    @property
    def input_names(self):
        """The names of the inputs, in their order (x's keys as a dict): a dict of inputs'
        keys, else the Input layers' names."""
        return list(self._keys[0]) if self._keys[0] is not None else self._names_of(
            self._inputs)

    @property
    def output_names(self):
        """The names of the outputs, in their order, as Keras 3's: those of the layers
        producing them (a layer's name again for each output it gives), a dict of outputs'
        too (whose keys, though, name y's entries and the logs: several_outputs)."""
        return self._names_of(self._outputs)

    def _output_names(self):
        """compile's names for the one output: those of the layer making it (Model's reads
        the last layer held, which a shared layer or an attribute set later is not)."""
        layer = self._outputs[0].node.layer
        return self._names_of_child(next(key for key, held in self._modules.items()
                                         if held is layer))

    def _names_of(self, tensors, shown=None):
        """The names of the layers making `tensors`, as summary() and get_layer give them: a
        layer held under its index (no name= given) goes by its Keras name ('dense_1').
        shown: layer_names of the model, where the caller has them."""
        shown = layer_names(self._modules) if shown is None else shown
        key_of = {id(held): key for key, held in self._modules.items()}
        return [shown[key_of[id(t.node.layer)]] for t in tensors]

    # ----- description -----
    @property
    def layers(self):
        """Keras' list of the layers: by depth from the outputs, the inputs first (see
        nn.keras.layer_order), as summary() shows them and get_weights() lists their
        weights; the model holds them (their keys, state_dict's order) in the order they
        are run. Keras' operations (nn.keras.layers.Operation) are no layers of Keras'
        list, though summary() shows them."""
        return [layer for _, layer in self._keras_children()
                if not getattr(layer, "keras_operation", False)]

    def _keras_children(self):
        """(key, layer) in Keras' order (see layers); a layer set as an attribute of the
        model, outside its graph, after them."""
        held = self._held_children()
        key_of = {id(layer): key for key, layer in reversed(held)}
        graph = {id(layer) for layer in self._keras_order}
        return [(key_of[id(layer)], layer) for layer in self._keras_order] + [
            (key, layer) for key, layer in held if id(layer) not in graph]

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        """Keras': the Input tensor, or the list or dict of them the model was given."""
        return _as_given(self._inputs, self._listed[0], self._keys[0])

    @property
    def output(self):
        """Keras': the output tensor, or the list or dict of them the model was given."""
        return _as_given(self._outputs, self._listed[1], self._keys[1])

    @property
    def input_shape(self):
        """Keras': the inputs' shape, (None, ...), or a list of them for several."""
        shapes = [tuple(t.shape) for t in self._inputs]
        return shapes if self._listed[0] else shapes[0]

    @property
    def output_shape(self):
        """Keras': the outputs' shape, (None, ...), or a list of them for several."""
        shapes = [tuple(t.shape) for t in self._outputs]
        return shapes if self._listed[1] else shapes[0]

    def layer_output_shapes(self):
        """{layer name: its first call's output shape, or the list of them for a layer of
        several outputs (an LSTM's with return_state), as Keras' summary shows them}."""
        first = {}
        for node in self._nodes:
            shapes = [output.shape for output in node.outputs]
            first.setdefault(id(node.layer), shapes[0] if len(shapes) == 1 else shapes)
        return {name: first.get(id(layer)) for name, layer in self._modules.items()}

    def layer_output_dtypes(self):
        """{layer name: its first call's output dtype} (known from the graph)."""
        first = {}
        for node in self._nodes:
            first.setdefault(id(node.layer), node.outputs[0].dtype.name)
        return {name: first.get(id(layer)) for name, layer in self._modules.items()}

    # ----- saving (nn.training.model_config writes and reads it) -----
    def graph_config(self):
        """The connections as JSON-able data: each node's layer name, arguments (a tensor as
        {"tensor": [node number, output number]}, lists kept) and keyword arguments."""
        number = {id(node): i for i, node in enumerate(self._nodes)}
        names = {id(layer): name for name, layer in self._modules.items()}

        def ref(tensor):
            return {"tensor": [number[id(tensor.node)], tensor.index]}

        return {"nodes": [{"layer": names[id(node.layer)],
                           "args": _fill(node.args, ref),
                           "kwargs": _fill_keywords(dict(node.kwargs), ref)}
                          for node in self._nodes],
                "inputs": [ref(t) for t in self._inputs],
                "outputs": [ref(t) for t in self._outputs],
                "listed": list(self._listed), "keys": list(self._keys)}

    @classmethod
    def from_graph(cls, layers, graph, name=None):
        """The model graph_config() describes, made again of `layers` ({name: layer})."""
        made = []

        def tensor(ref):
            node, index = ref["tensor"]
            if not 0 <= node < len(made) or not 0 <= index < len(made[node]):
                raise ValueError(f"the graph refers to tensor {ref['tensor']}, which comes "
                                 "nowhere before it")
            return made[node][index]

        for spec in graph["nodes"]:
            layer = layers[spec["layer"]]
            if not spec["args"]:
                node = Node(layer)
                node.outputs = (KerasTensor((layer.batch_size,) + layer.shape, layer.dtype,
                                            node),)
                made.append(node.outputs)
                continue
            kwargs = {k: tensor(v) if _is_ref(v) else v for k, v in spec["kwargs"].items()}
            out = layer(*_fill_refs(spec["args"], tensor), **kwargs)
            made.append(tuple(out) if isinstance(out, (tuple, list)) else (out,))
        listed_in, listed_out = graph["listed"]
        keys_in, keys_out = graph.get("keys", (None, None))
        inputs = [tensor(r) for r in graph["inputs"]]
        outputs = [tensor(r) for r in graph["outputs"]]
        model = cls(_structured(inputs, listed_in, keys_in),
                    _structured(outputs, listed_out, keys_out), name=name)
        # the layers under the keys and in the order they were saved with, which the saved
        # weights name (a file written before dicts were sorted by key has its own order)
        if sorted(map(id, layers.values())) == sorted(map(id, model._modules.values())):
            model._modules.reorder(layers)
            model.name_layers()
        return model


def _input_like(tensor, name):
    """A keras.Input of `tensor`'s shape (its batch size too) and dtype, named `name`."""
    return Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)


def _names_kept(layers):
    """{id(layer): the name another model gave it} for the unnamed `layers` of a model carved
    out of built ones (a feature extractor, a sub-model): where every unnamed layer has such
    a name, and no two the same, they keep them, as Keras names a layer once
    (model.get_layer("dense_1") is sub_model.get_layer("dense_1")); else {} (this model
    numbers them, as nn.layers.keras_name.layer_names does)."""
    given = {given_name(layer) for layer in layers} - {None}
    kept = {id(layer): vars(layer).get("_name_from_model") for layer in layers
            if given_name(layer) is None}
    names = list(kept.values())
    if None in names or len(set(names)) < len(names) or given & set(names):
        return {}
    return kept


def _split_activation(node, args, kwargs, read):
    """(logits, output) of an output node ending in a sigmoid or softmax; the output is
    computed only where it is `read` (else the logits stand in, unread)."""
    layer = node.layer
    logits = dense_logits(layer, *args) if isinstance(layer, Dense) else args[0]
    if not read:
        return logits, logits
    return logits, (layer.activation(logits) if isinstance(layer, Dense)
                    else layer(*args, **kwargs))


def _structured(tensors, listed, keys):
    """Tensors as a model was given them: a dict by `keys`, a list, or the one."""
    if keys is not None:
        return dict(zip(keys, tensors))
    return tensors if listed else tensors[0]


def _is_ref(value):
    """Whether a saved keyword argument is a tensor (graph_config's {"tensor": [...]})."""
    return isinstance(value, dict) and set(value) == {"tensor"}


def _fill_refs(args, tensor):
    return [[tensor(r) for r in a] if isinstance(a, list) else tensor(a) for a in args]


def _as_given(tensors, listed, keys):
    if keys is not None:
        return dict(zip(keys, tensors))
    return list(tensors) if listed else tensors[0]


def _keys_of(value, what):
    """A dict's keys (non-empty strings, Keras' names of the inputs or outputs) sorted, the
    order of its tensors (Keras 3 flattens a dict by its sorted keys); else None."""
    if not isinstance(value, dict):
        return None
    if not value or not all(isinstance(k, str) and k for k in value):
        raise TypeError(f"Model: a dict of {what} is keyed by names (non-empty strings), got "
                        f"the keys {list(value)}")
    return sorted(value)


def _tensors(value, what):
    """The tensors of `value` in order: a list's, a dict's by sorted key (see _keys_of)."""
    items = [value[key] for key in _keys_of(value, what)] if isinstance(value, dict) else \
        list(value) if isinstance(value, (list, tuple)) else [value]
    if not items or any(type(t) is not KerasTensor for t in items):
        raise TypeError(f"Model: {what} must be symbolic tensors (from keras.Input and layer "
                        f"calls on them), or a list of them; got {value!r}")
    return items


__all__ = ["Input", "KerasTensor", "Functional", "is_symbolic", "call_symbolically"]
