"""Keras' clone_model: a new model of the same architecture, with fresh weights."""
from .architecture import read_architecture, write_architecture
from .model_config import Reader, Writer


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, custom_objects=None):
    """A model built from `model`'s architecture (as model.save writes it), its layers new
    and drawn afresh from their initializers (the weights are not copied: set_weights does
    that), as Keras' clone_model: layers set trainable=False stay so, and a compiled model's
    clone is compiled alike with a new optimizer (its settings, not its state).
    `custom_objects`: as load_model's (your own classes and functions are found without
    it, registered or not). Keras'
    input_tensors, clone_function, call_function and recursive, which rebuild a model
    another way, are refused by name."""
    for name, value in (("input_tensors", input_tensors), ("clone_function", clone_function),
                        ("call_function", call_function)):
        if value is not None:
            raise NotImplementedError(f"clone_model: {name} is not supported by rungrad; "
                                      "clone the model, then change it")
    if recursive:
        raise NotImplementedError("clone_model: recursive=True is not supported by rungrad")
    writer = Writer("clone_model")
    document = write_architecture(writer, model)
    compiled = writer.compiled(model, include_optimizer=False)
    reader = Reader(writer.arrays, {**writer.unregistered, **(custom_objects or {})})
    clone = read_architecture(reader, document)
    if compiled is not None:
        reader.compile(clone, compiled)
    return clone


__all__ = ["clone_model"]
