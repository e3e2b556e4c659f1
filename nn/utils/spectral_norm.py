"""PyTorch's spectral_norm (Miyato et al.'s spectral normalization, the hook API): weight =
weight_orig / sigma, sigma its largest singular value as estimated by power iteration."""
import numpy as np

from autograd.backend import as_array
from autograd.capture import run_replayed
from autograd.ops import clone, matmul, reshape, transpose
from autograd.ops import sum as total
from autograd.ops.accumulation import wide
from autograd.variable import Parameter, Variable

from .weight_hooks import WeightHook, detached_hook, parameter_to_reparametrize


def _normalized(x, eps):
    """x / max(||x||, eps) (F.normalize of a vector), in x's dtype; a float16 x in float32
    (the power iteration's products and norms too: in float16, ||W v|| squared past 65504
    made u 0 and the weight NaN)."""
    wider = wide(x)
    return (wider / max(float(np.linalg.norm(wider)), eps)).astype(x.dtype, copy=False)


def weight_as_matrix(weight, dim):
    """The weight (a Variable, or an array: a constant) as a matrix (size of axis dim,
    the rest)."""
    if dim != 0:
        weight = transpose(weight, (dim,) + tuple(a for a in range(weight.ndim) if a != dim))
    return reshape(weight, (weight.shape[0], -1))


def spectral_sigma(matrix, u, v):
    """u . (matrix v): the largest singular value's estimate from the power iteration's
    vectors (buffers, constants of the graph: read through clones, so that a graph made
    before the next power iteration backpropagates through the values it saw, and a
    captured step copies them afresh at each replay)."""
    return total(matmul(matrix, clone(v)) * clone(u))


class SpectralNorm(WeightHook):
    """The forward pre-hook of spectral_norm: in training mode `n_power_iterations` steps
    of power iteration update the buffers name_u, name_v, then name = name_orig / sigma,
    sigma = u . (W v), W name_orig as a matrix with axis `dim` as its rows."""

    # The power iteration is a replayable call and the weight ops: a captured step repeats
    # both, so autograd.capture lets the hook run
    replayable = True

    def __init__(self, name, n_power_iterations, dim, eps):
        super().__init__(name)
        self.n_power_iterations, self.dim, self.eps = n_power_iterations, dim, eps

    def as_matrix(self, weight):
        return weight_as_matrix(weight, self.dim)

    def power_iteration(self, module):
        """Update the buffers u and v in place (not recorded: constants of the graph; a
        captured step repeats the call)."""
        matrix = wide(self.as_matrix(getattr(module, self.name + "_orig").data).data)
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        for _ in range(self.n_power_iterations):
            v[...] = _normalized(matrix.T @ u, self.eps)
            u[...] = _normalized(matrix @ v, self.eps)

    def compute_weight(self, module):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        return weight / spectral_sigma(self.as_matrix(weight), u, v)

    def __call__(self, module, inputs):
        if module.training:
            run_replayed(self.power_iteration, module)
        super().__call__(module, inputs)


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Reparametrize `module`'s parameter `name` as name_orig / sigma (its spectral norm's
    power-iteration estimate), name_orig trained, name_u (rows,) and name_v (columns,)
    buffers drawn from NumPy's global generator; dim (the rows' axis) defaults to 1 for
    transposed convolutions, else 0. Returns the module."""
    who = "spectral_norm"
    if not isinstance(n_power_iterations, int) or n_power_iterations <= 0:
        raise ValueError(f"{who}: expected n_power_iterations to be positive, but got "
                         f"n_power_iterations={n_power_iterations}")
    weight = parameter_to_reparametrize(module, name, SpectralNorm, who)
    dim = _default_dim(module) if dim is None else dim
    if not isinstance(dim, int) or not 0 <= dim < weight.ndim:
        raise ValueError(f"{who}: dim={dim!r} is out of range for the parameter {name!r} of "
                         f"shape {tuple(weight.shape)}")
    fn = SpectralNorm(name, n_power_iterations, dim, eps)
    rows, columns = fn.as_matrix(weight.data).shape
    dtype = weight.dtype
    # (drawn from NumPy's generator, on the weight's device)
    u = _normalized(as_array(np.random.normal(0.0, 1.0, rows).astype(dtype), like=weight), eps)
    v = _normalized(as_array(np.random.normal(0.0, 1.0, columns).astype(dtype), like=weight),
                    eps)
    delattr(module, name)
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, Variable(weight.data))
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    fn.attach(module)
    return module


def _default_dim(module):
    from ..layers.conv import TransposedConvolution  # (ConvTranspose1d, 2d, 3d)

    return 1 if isinstance(module, TransposedConvolution) else 0


def remove_spectral_norm(module, name="weight"):
    """Undo spectral_norm: `name` is a plain Parameter again, of the current
    name_orig / sigma (the buffers as they are, no power iteration)."""
    fn = detached_hook(module, SpectralNorm, name, "spectral_norm")
    weight = fn.compute_weight(module)
    for attribute in (name, name + "_u", name + "_v", name + "_orig"):
        delattr(module, attribute)
    module.register_parameter(name, Parameter(weight.data))
    return module


__all__ = ["spectral_norm", "remove_spectral_norm"]
