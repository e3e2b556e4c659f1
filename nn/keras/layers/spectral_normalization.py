"""Keras' SpectralNormalization: a wrapper that divides its layer's kernel by the kernel's
largest singular value (its spectral norm), estimated by Keras' power iteration, before each
training call; at inference the layer runs with the kernel as it is."""
import numpy as np

from autograd import no_grad
from autograd.backend import get_array_module

from ...initializers import TruncatedNormal
from .input_spec import InputSpec
from .wrapper import Wrapper

EPSILON = 1e-7  # (Keras' backend epsilon: the bound of its normalize's inverse norm)


class SpectralNormalization(Wrapper):
    """`SpectralNormalization(Dense(8), power_iterations=1)`: the layer's kernel (Keras'
    (..., out) layout; an Embedding's embeddings) seen as a matrix (K, out); a non-trainable
    `vector_u` (1, out) keeps the power iteration's estimate of its top singular vector
    between calls. training=True: u moved `power_iterations` steps, sigma = v W u^T, and the
    kernel replaced by kernel / sigma (not differentiated: an update, as Keras' assign); an
    all-zero kernel is left alone. The output is cast to the input's dtype."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or \
                power_iterations <= 0:
            raise ValueError(f"{self.who}: power_iterations should be an integer greater than "
                             f"zero, got {power_iterations!r}")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape is not None and input_shape[-1] is not None:
            self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = self._kernel()
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]),
                                        initializer=TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            self._normalize()
        output = self.layer(inputs)
        dtype = getattr(inputs, "dtype", None)
        if dtype is not None and np.dtype(dtype).kind == "f" and output.dtype != dtype:
            output = output.astype(dtype)
        return output

    def _kernel(self):
        """The layer's kernel in Keras' layout, a Variable whose data is the weight's."""
        for name in ("kernel", "embeddings"):
            if getattr(self.layer, name, None) is not None:
                return getattr(self.layer, name)
        raise ValueError(f"{self.who}: {type(self.layer).__name__} has no attribute 'kernel' "
                         "nor 'embeddings' to normalize")

    def _kernel_parameter(self):
        """The Parameter holding the kernel (a Dense's: its (out, in) weight)."""
        data = self._kernel().data
        for p in self.layer.parameters(recurse=False):
            if np.shares_memory(p.data, data):
                return p
        raise ValueError(f"{self.who}: the kernel of {type(self.layer).__name__} is not one "
                         "of its weights")

    def _normalize(self):
        """One training call's update of vector_u and of the kernel (Keras' assign)."""
        with no_grad():
            weights = self._kernel().data
            weights = weights.reshape(-1, weights.shape[-1])
            if not weights.any():
                return
            xp = get_array_module(weights)
            u = self.vector_u.data
            for _ in range(self.power_iterations):
                v = _unit(u @ weights.T, xp)
                u = _unit(v @ weights, xp)
            sigma = (v @ weights @ u.T).reshape(())
            self.vector_u.data[...] = u
            parameter = self._kernel_parameter()
            parameter.data[...] = parameter.data / sigma

    def _keras_weights(self):
        """Keras' order: the kernel, vector_u, then the layer's others (the bias)."""
        found = super()._keras_weights()
        own = [entry for entry in found if entry[0] == "vector_u"]
        if not own:
            return found
        rest = [entry for entry in found if entry[0] != "vector_u"]
        kernel = self._kernel_parameter().data
        at = next(i for i, entry in enumerate(rest) if entry[1] is kernel) + 1
        return rest[:at] + own + rest[at:]

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


def _unit(x, xp):
    """Keras' normalize(x, axis=None): x times min(1 / its 2-norm, 1 / epsilon)."""
    return x * xp.minimum(1.0 / xp.sqrt(xp.sum(x * x)), 1.0 / EPSILON).astype(x.dtype)


__all__ = ["SpectralNormalization"]
