"""A functional model whose inputs are tensors inside another graph: Keras 3's
`keras.Model(x_mid, y)`, x_mid a layer's output rather than a keras.Input's.

As Keras' clone_graph_nodes, each such input becomes a keras.Input of its shape and dtype,
named after it with Keras' "CLONE" suffix, and the calls between the inputs and the outputs
are recorded again on the new inputs: nodes of the sub-model's own (the original graph, and
each layer's `input`/`output`, stay as they were) calling the same layers, so the two models
share their weights. What Keras 3 refuses of such a model is refused here too, with the
reason: see `starting_inside`.
"""
from ..layers.input_layer import InputLayer
from ..training.masking import makes_masks
from .layer_order import walk


def is_input_tensor(tensor):
    """Whether `tensor` is a keras.Input's (not a layer's output)."""
    return isinstance(tensor.node.layer, InputLayer) and not tensor.node.args


def starting_inside(inputs, outputs, make_input):
    """(inputs, outputs) (lists of KerasTensors) as given where every input is a
    keras.Input's; else with each intermediate input replaced by `make_input(tensor, name)`
    (a keras.Input like it) and the outputs by those of the calls between, recorded again
    from there. A ValueError, as Keras 3 refuses them, for an intermediate input given
    twice, an output that is one of the inputs, and a layer making an intermediate input
    that runs again before the outputs (Keras' copy of the graph puts the new Input in
    that layer's place)."""
    inner = [i for i, tensor in enumerate(inputs) if not is_input_tensor(tensor)]
    if not inner:
        return inputs, outputs
    _refuse_repeated(inputs, inner)
    _refuse_returned(inputs, outputs)
    _refuse_maybe_masked(inputs, inner)
    nodes, _ = walk(outputs, stop={id(inputs[i]) for i in inner})
    _refuse_rerun(inputs, inner, nodes)
    names = _clone_names([inputs[i] for i in inner])
    new = {id(inputs[i]): make_input(inputs[i], name) for i, name in zip(inner, names)}
    copies = {}  # id(original tensor) -> its tensor in the copied graph

    def tensor_for(tensor):
        # keras.Input's tensors are kept, as Keras' (an input of the graph not given to the
        # model is refused later, as a disconnected graph)
        if id(tensor) in new:
            return new[id(tensor)]
        return copies.get(id(tensor), tensor)

    for node in nodes:
        if node.args:  # (an Input's node has none: kept)
            copy = node.recorded_on(tensor_for)
            copies.update(zip(map(id, node.outputs), copy.outputs))
    return [tensor_for(t) for t in inputs], [tensor_for(t) for t in outputs]


def _clone_names(tensors):
    """Keras' names for the new inputs, '<tensor's name>CLONE', numbered apart where two
    tensors share a name (two unnamed layers' outputs, before a model numbers them)."""
    names = []
    for tensor in tensors:
        base = name = f"{tensor.name}CLONE"
        number = 0
        while name in names:
            number += 1
            name = f"{base}_{number}"
        names.append(name)
    return names


def _refuse_repeated(inputs, inner):
    for i in inner:
        first = next(j for j, tensor in enumerate(inputs) if tensor is inputs[i])
        if first != i:
            raise ValueError(f"Model: inputs[{first}] and inputs[{i}] are the same "
                             f"intermediate tensor ({_tensor(inputs[i])}); give it once (Keras "
                             "refuses it too)")


def _refuse_returned(inputs, outputs):
    given = {id(tensor): i for i, tensor in enumerate(inputs)}
    for j, tensor in enumerate(outputs):
        if id(tensor) in given:
            raise ValueError(f"Model: outputs[{j}] is inputs[{given[id(tensor)]}] "
                             f"({_tensor(tensor)}); a model whose inputs include an "
                             "intermediate tensor cannot return an input unchanged (Keras "
                             "refuses it too: the output is not connected to the inputs)")


def _refuse_maybe_masked(inputs, inner):
    """Keras refuses an intermediate input that carries a mask (the sub-model would run
    without it). Masks are not followed symbolically here, so an input that a mask-making
    layer (Embedding's mask_zero, Masking) comes before is refused: it may carry one."""
    for i in inner:
        nodes, _ = walk([inputs[i]])
        maker = next((node.layer for node in nodes if makes_masks(node.layer)), None)
        if maker is not None:
            raise ValueError(
                f"Model: inputs[{i}] ({_tensor(inputs[i])}) is computed through "
                f"{type(maker).__name__}, which makes a mask: a model starting there would "
                "run without it (Keras refuses a masked input too); start from the inputs "
                "of the model the tensor belongs to")


def _refuse_rerun(inputs, inner, nodes):
    makers = {id(inputs[i].node.layer): i for i in inner}
    for node in nodes:
        i = makers.get(id(node.layer))
        if i is not None and node.args:
            raise ValueError(
                f"Model: inputs[{i}] ({_tensor(inputs[i])}) is an output of a layer that "
                "runs again between the inputs and the outputs (a shared layer called "
                "again, or another output of the same call); a model cannot start inside "
                "a layer it runs (Keras refuses it too: the outputs are not connected to the "
                "inputs); start from that layer's input, or give the call's other outputs "
                "as inputs too")


def _tensor(tensor):
    return f"the tensor {tensor.name!r} of shape {tensor.shape}"


__all__ = ["is_input_tensor", "starting_inside"]
