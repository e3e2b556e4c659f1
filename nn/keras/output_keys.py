"""The keys of a functional model's outputs (y's and compile's dicts, the logs' '<key>_loss'),
where Keras 3 keys them by output_names even when those repeat and so conflates two outputs.

An output is keyed by the name of the layer making it (Keras'); a layer making several of the
outputs (a shared layer called twice, a tensor listed twice, a nested model's or an LSTM's
several outputs) has them keyed '<name>_output_<k>', k counting its outputs in the outputs'
order from 0. Such a key never takes the form of Keras' own names ('dense_1'), which would
read as another layer's; where it still equals a layer's name (one given name=
'dense_output_0'), the outputs are refused rather than keyed alike.
"""


def output_keys(names, layer_names):
    """The keys of outputs made by the layers `names` (output_names, in order), told apart
    from each other and from `layer_names` (all the model's layers' names) as the module doc
    says."""
    seen = {}
    keys = []
    for name in names:
        if names.count(name) == 1:
            keys.append(name)
            continue
        k = seen[name] = seen.get(name, -1) + 1
        keys.append(f"{name}_output_{k}")
    clashing = [(i, key) for i, (key, name) in enumerate(zip(keys, names))
                if key != name and key in layer_names]
    if clashing:
        i, key = clashing[0]
        raise ValueError(
            f"Model: the outputs are made by the layers {names}; output {i}, one of several "
            f"made by {names[i]!r}, would be keyed {key!r}, the name of another layer of "
            "the model, which y's and compile's dicts and the logs would then confuse with "
            "it: give the layers distinct names (name=), or give the outputs as a dict "
            "{key: tensor}")
    return keys


def older_keys(names):
    """The keys rungrad gave outputs before this module (a repeated name numbered by its
    place: 'dense_0', 'dense_1'), which a model saved compiled by an older version has in
    its compile dicts; None where two of them were alike (such a file never told its
    outputs apart)."""
    keys = [name if names.count(name) == 1 else f"{name}_{i}" for i, name in enumerate(names)]
    return keys if len(set(keys)) == len(keys) else None
