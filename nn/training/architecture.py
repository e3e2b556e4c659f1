"""A model's architecture apart from its weights, as model.save, clone_model and Keras'
get_config all write it: the layers (Writer.module), the parametrizations registered on
them, the parameters held under several names (weight tying) and what was frozen. One
document {"architecture", "parametrizations", "tied", "frozen", "untrainable"}, the keys
model.save's file has kept at its top level since its first version."""


def write_architecture(writer, model):
    """The document of `model`'s architecture, its arrays collected by `writer`."""
    frozen, untrainable = trainability(model)
    return {"architecture": writer.module(model),
            "parametrizations": writer.parametrizations(model),
            "tied": tied_parameters(model), "frozen": frozen, "untrainable": untrainable,
            "built": built_shapes(model)}


def read_architecture(reader, document):
    """The model write_architecture's `document` describes, made with `reader` (its weights
    new, drawn from their initializers); a file written before a key existed lacks it."""
    model = reader.module(document["architecture"])
    build_again(model, document.get("built", []))
    reader.parametrize(model, document.get("parametrizations", []))
    retie(model, document.get("tied", []))
    restore_trainability(model, document.get("frozen", []), document.get("untrainable", []))
    return model


def built_shapes(model):
    """[(the path of a layer or model built by a build(input_shape) of its own, that
    input_shape)], outermost first: the layers its build made exist only once it has run
    (Keras' build_config)."""
    return [[name, shape] for name, module in model.named_modules()
            if (shape := module.__dict__.get("_build_input_shape", _UNBUILT)) is not _UNBUILT]


def build_again(model, built):
    """Run the builds built_shapes noted (outermost first: an outer build may make the inner
    layers), so that the saved weights find their layers."""
    for name, shape in sorted(built, key=lambda entry: len(entry[0])):
        module = model.get_submodule(name) if name else model
        if getattr(module, "built", True) is False and hasattr(module, "build_for"):  # (a
            # Keras Layer: build_for registers what its build made)
            module.build_for(_shape(shape))
        elif not module.__dict__.get("_built_by_build"):
            module.build(_shape(shape))


def _shape(value):
    """A shape read back from JSON: a tuple (None for unknown sizes), a list or dict of them."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and any(isinstance(item, (list, dict)) for item in value):
        return [_shape(item) for item in value]
    return tuple(value) if isinstance(value, list) else value


_UNBUILT = object()


def trainability(model):
    """(the names of its frozen parameters, the names of its layers set trainable=False):
    what model.save keeps beside the architecture, and clone_model carries over."""
    return ([name for name, p in model.named_parameters() if not p.requires_grad],
            [name for name, m in model.named_modules() if m._keras_frozen])


def restore_trainability(model, names, untrainable):
    """Parameters saved with requires_grad=False come back frozen, and layers saved with
    trainable=False marked so (fine-tuning resumes); see trainability."""
    named = dict(model.named_parameters())
    for name in names:
        if name not in named:
            raise ValueError(f"the frozen parameter {name!r} is not in the model")
        named[name].requires_grad = False
    modules = dict(model.named_modules())
    for name in untrainable:
        if name not in modules:
            raise ValueError(f"the untrainable layer {name!r} is not in the model")
        object.__setattr__(modules[name], "_keras_frozen", True)


def tied_parameters(model):
    """The names of each parameter held under several names ([[first, other, ...], ...]):
    weight tying (`decoder.weight = encoder.weight`), which the architecture alone does not
    record (a layer shared whole does: Writer's same_as)."""
    names = {}
    for name, param in model.named_parameters(remove_duplicate=False):
        names.setdefault(id(param), []).append(name)
    return [group for group in names.values() if len(group) > 1]


def retie(model, groups):
    """Each group's other names hold its first one's parameter again (see tied_parameters)."""
    for first, *others in groups:
        shared = model.get_parameter(first)
        for name in others:
            owner, _, leaf = name.rpartition(".")
            setattr(model.get_submodule(owner), leaf, shared)


def malformed(exc, what):
    """What a damaged or hand-edited architecture (a `what`: file, config) made go wrong, as
    the message of the ValueError reading it raises."""
    if isinstance(exc, KeyError):
        return f"malformed {what} (no entry {exc})"
    if isinstance(exc, (AttributeError, IndexError, RecursionError)):
        return f"malformed model description ({type(exc).__name__}: {exc})"
    return str(exc)


__all__ = ["write_architecture", "read_architecture", "trainability", "restore_trainability",
           "tied_parameters", "retie", "malformed"]
