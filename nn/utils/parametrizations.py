"""PyTorch's torch.nn.utils.parametrizations: orthogonal, weight_norm and spectral_norm as
parametrizations (the new API: `module.parametrizations.weight.original`, state_dict keys
as PyTorch's), built on nn.utils.parametrize."""
import numpy as np

from autograd.backend import as_array
from autograd.capture import run_replayed
from autograd.config import no_grad
from autograd.ops.accumulation import wide
from autograd.ops.validation import normalize_axis

from ..functional.distance import normalize
from ..module import Module
from . import parametrize
from .orthogonal import MAPS, _Orthogonal
from .spectral_norm import _default_dim, _normalized, spectral_sigma, weight_as_matrix
from .weight_norm import norm_except_dim, weight_normalized


def _tensor_to_parametrize(module, name, who):
    weight = getattr(module, name, None)
    if not hasattr(weight, "shape") or not hasattr(weight, "dtype"):
        raise ValueError(f"{who}: Module '{type(module).__name__}' has no parameter or buffer "
                         f"with name '{name}'")
    return weight


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Make `module.<name>` (a matrix, or a batch of them in its last two axes) orthogonal:
    Q^T Q = I for tall matrices, Q Q^T = I for wide ones, starting from the orthogonalized
    current value. orthogonal_map: "matrix_exp", "cayley" or "householder"; by default
    PyTorch's choice, "matrix_exp" for square matrices and "householder" otherwise.
    With use_trivialization=False (PyTorch's option) weight = map(original), original
    starting as the weight was; only "householder" may then be assigned a new value.
    Returns the module."""
    who = "orthogonal"
    weight = _tensor_to_parametrize(module, name, who)
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    if orthogonal_map not in MAPS:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    parametrize.register_parametrization(
        module, name, _Orthogonal(weight, orthogonal_map, bool(use_trivialization)), unsafe=True)
    return module


class _WeightNorm(Module):
    """weight = g * v / ||v|| (original0 = g, original1 = v)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_normalized(weight_g, weight_v, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, self.dim), weight

    def saved_as(self):
        """(the function that registers it, its arguments but module and name): how
        model.save writes it (nn/training/model_config.py)."""
        return "weight_norm", {"dim": self.dim}


def weight_norm(module, name="weight", dim=0):
    """Weight normalization as a parametrization: `module.<name>` = g * v / ||v||, the norm
    over every axis but `dim` (None: one norm for all), g and v trained as
    `parametrizations.<name>.original0` and `original1`. Returns the module."""
    weight = _tensor_to_parametrize(module, name, "weight_norm")
    if dim is not None and dim != -1:
        normalize_axis(dim, weight.ndim, "weight_norm")
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    module.register_load_state_dict_pre_hook(_weight_norm_keys(name))
    return module


def _weight_norm_keys(name):
    """A load_state_dict pre-hook reading the old hook API's `<name>_g` / `<name>_v` as
    `parametrizations.<name>.original0` / `original1` (PyTorch's, so that checkpoints of
    nn.utils.weight_norm load)."""
    def rename(module, state_dict, prefix, *_):
        for old, new in (("_g", "original0"), ("_v", "original1")):
            key = f"{prefix}{name}{old}"
            if key in state_dict:
                state_dict[f"{prefix}parametrizations.{name}.{new}"] = state_dict.pop(key)
    return rename


class _SpectralNorm(Module):
    """weight / sigma, sigma u . (W v) with u, v (buffers `_u`, `_v`) from power
    iteration, run `n_power_iterations` times at each training-mode forward; a vector is
    simply normalized."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if not isinstance(dim, int) or not -ndim <= dim < ndim:
            raise IndexError(f"spectral_norm: dimension out of range (expected to be in range "
                             f"of [{-ndim}, {ndim - 1}] but got {dim!r})")
        if not isinstance(n_power_iterations, int) or n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim, self.eps = dim % ndim, eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = weight_as_matrix(weight.data, self.dim).data  # (arrays: no graph here)
            rows, columns = matrix.shape
            # (drawn from NumPy's generator, on the weight's device)
            self.register_buffer("_u", _normalized(as_array(np.random.normal(size=rows).astype(
                weight.dtype), like=matrix), eps))
            self.register_buffer("_v", _normalized(as_array(np.random.normal(
                size=columns).astype(weight.dtype), like=matrix), eps))
            self._power_method(matrix, 15)

    def _power_method(self, matrix, iterations):
        """u <- normalize(W v), v <- normalize(W^T u), in place (PyTorch's order)."""
        matrix = wide(matrix)
        for _ in range(iterations):
            self._u[...] = _normalized(matrix @ self._v, self.eps)
            self._v[...] = _normalized(matrix.T @ self._u, self.eps)

    def forward(self, weight):
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        if self.training:  # (a captured step repeats the call, on the weight it reads then)
            run_replayed(self._power_iteration, weight)
        return weight / spectral_sigma(weight_as_matrix(weight, self.dim), self._u, self._v)

    def _power_iteration(self, weight):
        """n_power_iterations steps on the buffers, in place, from the weight's values."""
        with no_grad():
            matrix = weight_as_matrix(weight.data, self.dim).data
        self._power_method(matrix, self.n_power_iterations)

    def right_inverse(self, value):
        return value

    def saved_as(self):  # (see _WeightNorm's)
        return "spectral_norm", {"n_power_iterations": getattr(self, "n_power_iterations", 1),
                                 "eps": self.eps, "dim": self.dim}


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalization as a parametrization: `module.<name>` = original / sigma, sigma
    the largest singular value of original (axis `dim` as rows: 1 for transposed
    convolutions, else 0) estimated by power iteration; buffers `_u`, `_v` drawn from
    NumPy's global generator. Returns the module."""
    weight = _tensor_to_parametrize(module, name, "spectral_norm")
    dim = _default_dim(module) if dim is None else dim
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# the functions model.save names in a saved model's parametrizations (saved_as)
REGISTERING = {"weight_norm": weight_norm, "spectral_norm": spectral_norm,
               "orthogonal": orthogonal}

__all__ = ["orthogonal", "weight_norm", "spectral_norm"]
