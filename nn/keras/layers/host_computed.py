"""What the preprocessing layers that compute in NumPy share (StringLookup, IntegerLookup,
TextVectorization, CategoryEncoding, Hashing): their inputs read on the host, and their
outputs placed where the model computes. Text has no GPU arrays, so a text layer's integer
output must move to the device of a model moved there (Module.to tells `_moved`); a
GPU input's output goes back to the GPU."""
import numpy as np

from autograd.backend import host_array, is_gpu_array, to_cpu, to_gpu
from autograd.variable import Variable, as_variable


class HostComputed:
    """Mixin: `_on_host(x)` and `_placed(out, x)`. `computed_on_host` also tells
    jit_compile's capture, which replays array operations, that it cannot follow these
    layers (nn.training.model refuses it)."""

    computed_on_host = True
    dtype_policies = False  # (their dtype= follows Keras' rules of each: not a policy)
    _outputs_to = None  # to_gpu after Module.to("cuda"), to_cpu after to("cpu")

    def _moved(self, convert):
        if convert in (to_gpu, to_cpu):  # (Module.to: where the model now computes)
            object.__setattr__(self, "_outputs_to", convert)

    @staticmethod
    def _on_host(x):
        """x (a Variable, an array, a list) with a GPU array copied to the host."""
        x = x.data if isinstance(x, Variable) else x
        return to_cpu(x) if is_gpu_array(x) else x

    def _placed(self, out, given):
        """out (a NumPy array) as a Variable on the GPU where `given` (the input) was, or
        where the model was moved; else on the host."""
        data = given.data if isinstance(given, Variable) else given
        if self._outputs_to is to_gpu or (self._outputs_to is None and is_gpu_array(data)):
            return as_variable(to_gpu(out))
        return as_variable(out)


def host_values(x):
    """x (a Variable, a NumPy or CuPy array, a torch tensor, a list, a number) as a NumPy
    array on the host."""
    return np.asarray(host_array(HostComputed._on_host(x)))


def host_integers(x, who, what):
    """x on the host (host_values) as int64: integers, or floats that are whole numbers; a
    TypeError naming `who`, `what` the values are ('tokens') and the dtype for anything
    else."""
    values = host_values(x)
    kind = values.dtype.kind
    if kind not in "iu" and not (kind == "f" and np.all(values == np.round(values))):
        raise TypeError(f"{who}: expected integer {what}, got dtype {values.dtype}")
    return values.astype(np.int64)


__all__ = ["HostComputed", "host_values", "host_integers"]
