"""Keras' "Connected to" column of a functional model's summary: each layer's inputs as
`layer_name[node_index][tensor_index]` (the layer making the tensor, which of its calls made
it, which of that call's outputs), '-' for an Input. Keras adds the column where the graph is
not a plain chain (its print_summary's `sequential_like` test): several Inputs, a call on
several tensors, a call's outputs taken by several calls (a branch), or a layer called twice.
"""


def is_chain(model):
    """Whether a summary of `model` has no "Connected to" column: no functional graph, or one
    whose calls follow each other one by one (Keras' `sequential_like`: one call per depth
    from the outputs, each on at most one tensor, each layer called once)."""
    nodes = getattr(model, "_nodes", None)
    if not nodes:  # (a Sequential or a subclassed model: Keras lists them as a chain)
        return True
    takers, layers = {}, set()
    for node in nodes:
        if len(node.inputs) > 1 or id(node.layer) in layers:
            return False
        layers.add(id(node.layer))
        for tensor in node.inputs:
            takers[id(tensor.node)] = takers.get(id(tensor.node), 0) + 1
    starts = sum(1 for node in nodes if not node.inputs)
    return starts <= 1 and all(count == 1 for count in takers.values())


def connections(model, layer, names):
    """The cell of `layer` (held by `model`): the inputs of each of its calls in the model,
    ', '-separated as Keras joins them (the table's wrapping breaks them at the spaces), or
    '-' for none. names: {id(layer): its name in the summary}."""
    inside = {id(node) for node in model._nodes}
    calls = [node for node in _calls(model, layer) if id(node) in inside]
    cells = [f"{names.get(id(t.node.layer), t.node.layer.name)}"
             f"[{_call_number(model, t.node)}][{t.index}]"
             for node in calls for t in node.inputs]
    return ", ".join(cells) or "-"


def _calls(model, layer):
    """The layer's symbolic calls, in the order they were made (Keras' inbound nodes)."""
    return vars(layer).get("_keras_nodes") or [n for n in model._nodes if n.layer is layer]


def _call_number(model, node):
    """Which of its layer's calls `node` is (Keras' node_index): counted over all its
    calls, those that made other models too, as Keras counts them."""
    for number, call in enumerate(_calls(model, node.layer)):
        if call is node:
            return number
    return 0  # (a copy of the graph (a sub-model's) notes no calls of its own)


__all__ = ["is_chain", "connections"]
