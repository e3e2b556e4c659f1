"""The saved state of a user's schedule function (LambdaLR's lr_lambda, CyclicLR's scale_fn).

A state dict never holds code: a plain function (or lambda) is saved as None and stays as
the constructor was given it; a callable object keeps its attributes, which loading
writes back into the object the new scheduler holds (PyTorch's rule)."""
import types


def function_state(f):
    """None for a plain function, else a copy of the callable object's attributes."""
    return None if f is None or isinstance(f, types.FunctionType) else dict(vars(f))


def restore_function_state(f, saved):
    """Write attributes saved by `function_state` back into `f`."""
    if saved is not None:
        vars(f).update(saved)
