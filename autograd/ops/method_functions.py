"""PyTorch's free functions whose work is a Variable method's (autograd/tensor_methods.py):
the fused products (addcmul, addcdiv, addmm, addmv, addr, baddbmm), float_power,
heaviside, inner, vdot, matrix_power and tensor_split. Each is `input`'s method of its
name, so function and method are one implementation."""
from ..variable import Variable, as_variable


def _method_of(name):
    """torch.name(input, ...): input (a Variable, array or number) as a Variable, then its
    method `name`."""
    def function(input, *args, **named):  # noqa: A002 (PyTorch's name)
        return getattr(as_variable(input, who=name), name)(*args, **named)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}(input, ...): input.{name}(...). " + \
        (getattr(Variable, name).__doc__ or "")
    return function


__all__ = ["addcmul", "addcdiv", "addmm", "addmv", "addr", "baddbmm", "float_power",
           "heaviside", "inner", "vdot", "matrix_power", "tensor_split"]

(addcmul, addcdiv, addmm, addmv, addr, baddbmm, float_power, heaviside, inner, vdot,
 matrix_power, tensor_split) = map(_method_of, __all__)
