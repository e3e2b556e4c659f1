"""The orders of a functional model's graph: its nodes' (each after those of its arguments,
to run them: `walk`), and its layers' as Keras 3 lists them (`model.layers`, get_layer's
indices, summary()'s rows, and so the weights and get_weights(): `keras_layer_order`), which
its map_graph (keras/src/ops/function.py) orders so:

1. a depth-first walk from each output in turn (their flattened order), through each node's
   arguments in order, numbers each layer the first time it meets one of its calls;
2. each call's depth is its distance from the outputs: 0 for an output's node, else one
   more than the deepest call taking its outputs. The nodes are visited outputs first
   (the walk's finishing order reversed); a layer called several times takes the deepest
   depth met so far of its calls, and a call visited after that deeper one takes it too;
3. the layers come deepest first (the inputs first), those of one depth in the walk's
   numbering.
"""


def walk(outputs, stop=()):
    """(the nodes behind `outputs` (KerasTensors) in the order the walk of rule 1 finishes
    them: each after its arguments' nodes, {id(layer): the layer's number in the walk}).
    stop: ids of tensors the walk does not go behind (a sub-model's intermediate inputs,
    as Keras' _build_map stops at them)."""
    finished, done, numbered = [], set(), {}

    def visit(root):  # Keras' _build_map_helper recurses; a stack serves chains of any depth
        if id(root) in done:
            return
        numbered.setdefault(id(root.layer), len(numbered))
        stack = [(root, iter(root.inputs))]
        while stack:
            node, inputs = stack[-1]
            for tensor in inputs:
                # (a DAG: no node on the stack comes again)
                if id(tensor.node) not in done and id(tensor) not in stop:
                    numbered.setdefault(id(tensor.node.layer), len(numbered))
                    stack.append((tensor.node, iter(tensor.node.inputs)))
                    break
            else:
                stack.pop()
                done.add(id(node))
                finished.append(node)

    for tensor in outputs:
        visit(tensor.node)
    return finished, numbered


def with_unused_inputs(finished, numbered, inputs):
    """walk's (finished, numbered) with the nodes of `inputs` (KerasTensors) that no output
    depends on, first: Keras keeps such an input (a loss or a metric may read it) at depth
    0, before the layers it numbered."""
    reached, unused = {id(node) for node in finished}, []
    for tensor in inputs:
        if id(tensor.node) not in reached:
            reached.add(id(tensor.node))
            unused.append(tensor.node)
            numbered.setdefault(id(tensor.node.layer), -1)
    return unused + finished, numbered


def keras_layer_order(finished, numbered):
    """The layers of the nodes `walk` gave, in Keras' order."""
    depth = _layer_depths(finished)
    layers = {id(node.layer): node.layer for node in finished}
    return [layers[key] for key in sorted(layers, key=lambda key: (-depth[key], numbered[key]))]


def _layer_depths(finished):
    """{id(layer): its depth} (rule 2 of the module's docstring, in Keras' steps)."""
    node_depth, layer_depth = {}, {}
    for node in reversed(finished):
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        for tensor in node.inputs:
            parent = id(tensor.node)
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    return layer_depth


__all__ = ["walk", "with_unused_inputs", "keras_layer_order"]
