"""PyTorch's parameters_to_vector / vector_to_parameters: parameters flattened into one
vector (for second-order methods, evolution strategies, hypernetworks) and back."""
import numpy as np

from autograd.ops import concatenate, reshape
from autograd.variable import Variable


def _parameter_list(parameters, who):
    parameters = [parameters] if isinstance(parameters, Variable) else list(parameters)
    for p in parameters:
        if not isinstance(p, Variable):
            raise TypeError(f"{who}: expected Parameters (or Variables), got "
                            f"{type(p).__name__}")
    return parameters


def parameters_to_vector(parameters):
    """The parameters, each flattened, one after the other: a Variable (sum of sizes,),
    differentiable with respect to every parameter."""
    parameters = _parameter_list(parameters, "parameters_to_vector")
    if not parameters:
        raise ValueError("parameters_to_vector: expected a non-empty iterable of parameters")
    return concatenate([reshape(p, (-1,)) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy the consecutive slices of `vec` (sum of sizes,) into the parameters, in order
    (in place, in each parameter's dtype; not recorded in the graph). Unlike PyTorch, a
    vector whose size is not the parameters' total is refused."""
    who = "vector_to_parameters"
    if not isinstance(vec, (Variable, np.ndarray)):
        raise TypeError(f"{who}: expected a Variable or array vec, but got "
                        f"{type(vec).__name__}")
    values = vec.data if isinstance(vec, Variable) else vec
    parameters = _parameter_list(parameters, who)
    total = sum(p.size for p in parameters)
    if values.ndim != 1 or values.shape[0] != total:
        raise ValueError(f"{who}: vec of shape {tuple(values.shape)} does not match the "
                         f"parameters' {total} elements in all (a vector ({total},) is needed)")
    start = 0
    for p in parameters:
        p.data[...] = values[start:start + p.size].reshape(p.shape)
        p.bump_version()
        start += p.size


__all__ = ["parameters_to_vector", "vector_to_parameters"]
