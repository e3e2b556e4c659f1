"""Branched functional models, written once for both libraries, and what Keras 3 lists of
them in order: `layers` (and get_layer(index=)), summary()'s rows, the layers' names (Keras'
own for the unnamed ones), `output_names`, and the order of `weights`, `trainable_weights`
and get_weights() (which set_weights takes: a user moving weights between the libraries by
list relies on it). tests/nn/keras/test_layer_order.py builds the same models with nn.keras
and holds what this printed for Keras 3.15.1 as literals. Run with Keras installed (not by
the test suite):

    KERAS_BACKEND=torch python tests/nn/keras/data/make_layer_order_reference.py

It prints one line per model; with --compare it also builds each with nn.keras (rungrad on
the path) and prints the differences; with --by-place it names each layer by its place in
the order they were made ('#3'), to tell the order apart from the names; `--random N`
compares N random graphs too (random_model).
"""
import io
import os
import sys
from contextlib import redirect_stdout

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402


# ----- the models: each builds with `k` (see Recording) and returns the model -----
def two_towers(k):
    inputs = k.Input(shape=(4,))
    a = k.layers.Dense(3)(inputs)
    b = k.layers.Dense(5)(inputs)
    return k.Model(inputs, k.layers.Dense(2)(k.layers.Concatenate()([a, b])))


def towers_merged_in_reverse(k):
    """The tower made second is merged first: the unnamed Denses' names and order differ."""
    inputs = k.Input(shape=(4,))
    a = k.layers.Dense(3)(inputs)
    b = k.layers.Dense(5)(inputs)
    return k.Model(inputs, k.layers.Concatenate()([b, a]))


def towers_of_two_depths(k):
    inputs = k.Input(shape=(4,))
    a = k.layers.Dense(6)(k.layers.Dense(6)(k.layers.Dense(6)(inputs)))
    b = k.layers.Dense(6)(inputs)
    return k.Model(inputs, k.layers.Add()([a, b]))


def resnet_block(k):
    inputs = k.Input(shape=(8,))
    x = k.layers.Dense(8, activation="relu")(inputs)
    y = k.layers.Dense(8)(x)
    y = k.layers.BatchNormalization()(y)
    y = k.layers.Activation("relu")(y)
    y = k.layers.Dense(8)(y)
    x = k.layers.Add()([x, y])
    return k.Model(inputs, k.layers.Dense(3, activation="softmax")(x))


def resnet_block_skip_second(k):
    inputs = k.Input(shape=(8,))
    x = k.layers.Dense(8, name="stem")(inputs)
    y = k.layers.Dense(8, name="conv_a")(x)
    y = k.layers.BatchNormalization(name="bn_a")(y)
    y = k.layers.Dense(8, name="conv_b")(y)
    x = k.layers.Activation("relu", name="out_relu")(k.layers.Add(name="add")([y, x]))
    return k.Model(inputs, x)


def two_resnet_blocks(k):
    inputs = k.Input(shape=(6,))
    x = inputs
    for _ in range(2):
        y = k.layers.Dense(6, activation="relu")(x)
        y = k.layers.Dense(6)(y)
        x = k.layers.Add()([x, y])
    return k.Model(inputs, k.layers.Dense(1)(x))


def shared_on_two_inputs(k):
    left, right = k.Input(shape=(5,), name="left"), k.Input(shape=(5,), name="right")
    shared = k.layers.Dense(4, name="shared")
    merged = k.layers.Concatenate()([shared(left), shared(right)])
    return k.Model([left, right], k.layers.Dense(1)(merged))


def shared_at_two_depths(k):
    """A layer called on the input and again deeper: Keras' depth of a shared layer."""
    inputs = k.Input(shape=(4,))
    shared = k.layers.Dense(4)
    h = shared(inputs)
    g = k.layers.Dense(4)(h)
    return k.Model(inputs, k.layers.Add()([shared(g), k.layers.Dense(4)(h)]))


def shared_through_an_activation(k):
    inputs = k.Input(shape=(3,))
    shared = k.layers.Dense(3)
    return k.Model(inputs, shared(k.layers.Activation("relu")(shared(inputs))))


def three_inputs(k):
    a, b, c = k.Input(shape=(2,)), k.Input(shape=(3,)), k.Input(shape=(4,))
    da, db = k.layers.Dense(4)(a), k.layers.Dense(4)(b)
    joined = k.layers.Concatenate()([da, db, k.layers.Dense(4)(c)])
    return k.Model([a, b, c], k.layers.Dense(1)(joined))


def late_input(k):
    """An input joining near the output, after a long tower on the other."""
    a, b = k.Input(shape=(3,), name="a"), k.Input(shape=(2,), name="b")
    x = k.layers.Dense(4)(k.layers.Dense(4)(k.layers.Dense(4)(a)))
    return k.Model([a, b], k.layers.Dense(1)(k.layers.Concatenate()([x, b])))


def two_outputs(k):
    inputs = k.Input(shape=(6,))
    h = k.layers.Dense(8, activation="relu")(inputs)
    first = k.layers.Dense(1)(h)
    second = k.layers.Dense(3, activation="softmax")(k.layers.Dense(5)(h))
    return k.Model(inputs, [second, first])


def dict_of_outputs(k):
    inputs = k.Input(shape=(6,), name="features")
    h = k.layers.Dense(8, name="trunk")(inputs)
    price = k.layers.Dense(1, name="price")(k.layers.Dense(4, name="price_hidden")(h))
    kind = k.layers.Dense(3, activation="softmax", name="kind")(h)
    return k.Model(inputs, {"z_price": price, "a_kind": kind})


def one_output_feeds_two_heads(k):
    inputs = k.Input(shape=(5,))
    h = k.layers.Dense(6)(inputs)
    left = k.layers.Dense(2)(h)
    right = k.layers.Dense(2)(k.layers.Dropout(0.5)(h))
    return k.Model(inputs, [left, right, k.layers.Add()([left, right])])


def nested_functional(k):
    inner_in = k.Input(shape=(4,))
    inner = k.Model(inner_in, k.layers.Add()([k.layers.Dense(4)(inner_in),
                                              k.layers.Dense(4)(inner_in)]), name="block")
    inputs = k.Input(shape=(4,))
    x = k.layers.Dense(4)(inputs)
    return k.Model(inputs, k.layers.Concatenate()([inner(x), k.layers.Dense(2)(inputs)]))


def nested_sequential(k):
    inputs = k.Input(shape=(4,))
    tower = k.Sequential([k.layers.Dense(5), k.layers.BatchNormalization(),
                          k.layers.Dense(3)], name="tower")
    side = k.layers.Dense(3, name="side")(inputs)
    return k.Model(inputs, k.layers.Add()([side, tower(inputs)]))


def calls_written_inline(k):
    """`Dense(2)(Dense(8)(x))`: Python makes the outer Dense before the inner one."""
    inputs = k.Input(shape=(4,))
    return k.Model(inputs, k.layers.Dense(2)(k.layers.Dense(8)(inputs)))


def inception(k):
    inputs = k.Input(shape=(6,))
    one = k.layers.Dense(2)(inputs)
    two = k.layers.Dense(2)(k.layers.Dense(3)(inputs))
    three = k.layers.Dense(2)(k.layers.Dense(3)(k.layers.Dense(3)(inputs)))
    pooled = k.layers.Dense(2)(k.layers.Activation("relu")(inputs))
    return k.Model(inputs, k.layers.Concatenate()([one, two, three, pooled]))


def input_used_twice_and_in_the_merge(k):
    inputs = k.Input(shape=(4,))
    a = k.layers.Dense(4, activation="relu")(inputs)
    b = k.layers.Dense(4, activation="tanh")(inputs)
    return k.Model(inputs, k.layers.Add()([a, inputs, b]))


def frozen_and_batch_norm_branches(k):
    """Trainable and non-trainable weights in both branches (BatchNormalization's moving
    statistics, a frozen Dense)."""
    inputs = k.Input(shape=(4,))
    a = k.layers.BatchNormalization()(k.layers.Dense(3, trainable=False)(inputs))
    b = k.layers.Dense(3)(k.layers.BatchNormalization()(inputs))
    return k.Model(inputs, k.layers.Concatenate()([b, a]))


MODELS = [two_towers, towers_merged_in_reverse, towers_of_two_depths, resnet_block,
          resnet_block_skip_second, two_resnet_blocks, shared_on_two_inputs,
          shared_at_two_depths, shared_through_an_activation, three_inputs, late_input,
          two_outputs, dict_of_outputs, one_output_feeds_two_heads, nested_functional,
          nested_sequential, calls_written_inline, inception,
          input_used_twice_and_in_the_merge, frozen_and_batch_norm_branches]


def random_model(seed):
    """A builder of a random graph (seeded): 1 to 3 inputs, Dense layers (some called again
    on other tensors), Adds of two or three tensors; every tensor no layer takes is an
    output (an input no layer takes concatenated into one more), so that every layer made
    is in the model."""
    import random

    def build(k):
        rnd = random.Random(seed)
        inputs = [k.Input(shape=(4,)) for _ in range(rnd.randint(1, 3))]
        tensors, taken, shared = list(inputs), set(), []

        def call(layer, *args):
            taken.update(id(t) for t in args)
            tensors.append(layer(list(args) if len(args) > 1 else args[0]))
        for _ in range(rnd.randint(3, 12)):
            r = rnd.random()
            if r < 0.45 and len(tensors) >= 2:
                call(k.layers.Add(), *rnd.sample(tensors, 3 if r < 0.1 and len(tensors) > 2
                                                 else 2))
            elif r < 0.6 and shared:
                call(rnd.choice(shared), rnd.choice(tensors))
            else:
                shared.append(k.layers.Dense(4))
                call(shared[-1], rnd.choice(tensors))
        outputs = [t for t in tensors[len(inputs):] if id(t) not in taken]
        rnd.shuffle(outputs)
        unused = [t for t in inputs if id(t) not in taken]
        if unused:  # (joined with the last output: the last call's is never taken)
            outputs.append(k.layers.Concatenate()(unused + outputs[-1:]))
        return k.Model(inputs, outputs)
    build.__name__ = f"random_{seed}"
    return build


# ----- building and describing -----
class Recording:
    """A library (keras, or its `layers`) whose Input, Model, Sequential and layer classes
    record what they make, in order: the layers' creation order."""

    def __init__(self, module, made):
        self._module, self._made = module, made

    @property
    def layers(self):
        return Recording(self._module.layers, self._made)

    def __getattr__(self, name):
        made, target = self._made, getattr(self._module, name)

        def make(*args, **kwargs):
            made.append(target(*args, **kwargs))
            return made[-1]
        return make


def build(library, builder):
    """(the model, the layers in the order they were made) of builder with `library`."""
    made = []
    model = builder(Recording(library, made))
    return model, [_layer_of(item) for item in made if item is not model]


def _layer_of(item):
    """A layer, or the InputLayer of an Input's tensor."""
    history = getattr(item, "_keras_history", None)  # Keras'
    if history is not None:
        return history[0]
    node = getattr(item, "node", None)  # rungrad's KerasTensor
    return node.layer if node is not None else item


def describe(model, made, by_place=False):
    """What the library lists of `model`, in order (see the module's docstring), each layer
    by its name (by_place: by its place in `made`, '#3', to compare libraries that name
    them otherwise). The weights are told apart by their values: each layer's i-th weight
    filled with a tag."""
    place = {id(layer): f"#{i}" for i, layer in enumerate(made)}

    def name(layer):
        return place[id(layer)] if by_place else layer.name
    listed = [name(layer) for layer in model.layers]
    leaves = [layer for layer in made if not hasattr(layer, "layers")]
    tag = _tag_weights(leaves, name)
    return {
        "made": [layer.name for layer in made],
        "layers": listed,
        "get_layer": [name(model.get_layer(index=i)) for i in range(-len(listed), len(listed))],
        "summary": [name(model.get_layer(row)) if by_place else row
                    for row in _summary_rows(model)],
        "output_names": list(model.output_names),
        "weights": [tag[_first(w)] for w in model.weights],
        "trainable_weights": [tag[_first(w)] for w in model.trainable_weights],
        "get_weights": [tag[float(w.flat[0])] for w in model.get_weights()],
        "set_weights": _set_weights_order(model, leaves, name),
    }


# what the test holds of describe(): the rest follows from these in Keras (summarized)
LISTED = ("made", "layers", "output_names", "weights", "trainable_weights")


def summarized(described):
    """describe()'s LISTED entries, once the others are checked to follow from them as they
    do in Keras: get_layer(index=i) is layers[i] (negative indices too), summary()'s rows
    are the layers, and get_weights() and set_weights() take the weights' order."""
    layers, weights = described["layers"], described["weights"]
    for key, want in (("get_layer", layers + layers), ("summary", layers),
                      ("get_weights", weights), ("set_weights", weights)):
        if described[key] != want:
            raise AssertionError(f"{key} lists {described[key]}, not {want}")
    return {key: described[key] for key in LISTED}


def _tag_weights(leaves, name):
    """{tag value: 'layer:i'}, each leaf layer's weights filled with their tag."""
    tags = {}
    for n, layer in enumerate(leaves):
        arrays = layer.get_weights()
        values = [float(1 + 10 * n + i) for i in range(len(arrays))]
        layer.set_weights([np.full(a.shape, v, a.dtype) for a, v in zip(arrays, values)])
        tags.update({v: f"{name(layer)}:{i}" for i, v in enumerate(values)})
    return tags


def _set_weights_order(model, leaves, name):
    """Which layer's weight each place of model.set_weights' list lands in."""
    arrays = model.get_weights()
    model.set_weights([np.full(a.shape, 1000 + i, a.dtype) for i, a in enumerate(arrays)])
    landed = {}
    for layer in leaves:
        for i, array in enumerate(layer.get_weights()):
            landed[int(array.flat[0]) - 1000] = f"{name(layer)}:{i}"
    return [landed[i] for i in range(len(arrays))]


def _first(variable):
    value = variable.data if hasattr(variable, "creator") else variable.numpy()
    return float(np.asarray(value).flat[0])


def _summary_rows(model):
    """The layer names of summary()'s rows, read off its text (Keras' or rungrad's)."""
    out = io.StringIO()
    with redirect_stdout(out):
        model.summary(line_length=160)  # (no name cut short)
    rows, new_row = [], False
    for line in out.getvalue().splitlines():
        if line.startswith(("┡", "├", "=")) or not line.strip():
            new_row = True
            continue
        if line.startswith(("└", " Total")):
            break
        if new_row:
            rows.append(line.strip("│ ").split()[0])
            new_row = False
    return rows


def _keras():
    import keras
    return keras


def _described(library, builder, by_place, reset=lambda: None):
    reset()
    return describe(*build(library, builder), by_place=by_place)


if __name__ == "__main__":
    keras = _keras()
    compare = "--compare" in sys.argv
    by_place = "--by-place" in sys.argv
    if compare:
        import nn.keras as mine
    randoms = int(sys.argv[sys.argv.index("--random") + 1]) if "--random" in sys.argv else 0
    for builder in MODELS + [random_model(seed) for seed in range(randoms)]:
        theirs = _described(keras, builder, by_place, keras.utils.clear_session)
        if not compare:
            print(f"{builder.__name__!r}: {summarized(theirs)!r},")
            continue
        ours = _described(mine, builder, by_place)
        differ = [key for key in theirs if theirs[key] != ours[key]]
        print(f"{builder.__name__}: {'same' if not differ else 'DIFFER ' + ', '.join(differ)}")
        for key in differ:
            print(f"   {key}:\n     keras:   {theirs[key]}\n     rungrad: {ours[key]}")
