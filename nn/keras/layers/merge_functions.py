"""Keras' functional forms of the merge layers: `keras.layers.add([a, b])` is
`Add()([a, b])`, on keras.Input tensors (a layer of the functional model) or on arrays
(the merged Variable). Keras' signatures: `**kwargs` go to the layer (name=, dtype=)."""
from .merging import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract


def _merged(layer_class):
    """Keras' `name(inputs, **kwargs)`: a new `layer_class(**kwargs)` called on inputs."""
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)
    merge.__name__ = merge.__qualname__ = layer_class.__name__.lower()
    merge.__doc__ = f"`{layer_class.__name__}(**kwargs)(inputs)` (Keras' functional form)."
    return merge


add, subtract, multiply = _merged(Add), _merged(Subtract), _merged(Multiply)
average, maximum, minimum = _merged(Average), _merged(Maximum), _merged(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis, **kwargs)(inputs)` (Keras' functional form)."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """`Dot(axes, **kwargs)(inputs)` (Keras' functional form; normalize= among kwargs)."""
    return Dot(axes=axes, **kwargs)(inputs)


__all__ = ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate",
           "dot"]
