"""How a keras.ops submodule (keras.ops.numpy, .nn, .linalg) is filled: with
Keras' names for it, each the very object flat keras.ops holds (keras.ops.nn.relu is
keras.ops.relu, as in Keras)."""
import sys


def expose(module, names):
    """Put flat keras.ops' objects of `names` into `module` (a submodule's __name__); its
    __all__."""
    namespace, flat = vars(sys.modules[module]), sys.modules[__package__]
    for name in names:
        namespace[name] = getattr(flat, name)
    return sorted(names)
