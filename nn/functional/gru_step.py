"""One GRU time step as one Function (PyTorch's gate order r, z, n and formula
n = tanh(x_n + r * (W_hn h + b_hn)), so b_hh stays inside the recurrent term).

`GRUStep.step_on_arrays` / `GRUStep.grad_on_arrays` are the step and its gradient on plain
arrays, shared by the step Function, its grad Function and the whole-sequence Recurrence
(see RecurrentStep). The grad
Function's own backward is written with differentiable ops (second order works).
"""
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import concatenate, split, tanh
from autograd.spec import Spec

from .activation import sigmoid, sigmoid_array
from .recurrent_step import RecurrentStep


def gru_arrays(gx, gh, direct):
    """((h',), cache) from gx = x W_ih^T + b_ih, gh = h W_hh^T + b_hh (N, 3H) and
    direct = (h,): r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z); n = tanh(x_n + r h_n);
    h' = n + z (h - n) = (1 - z) n + z h."""
    h = direct[0]
    xp = get_array_module(gx)
    hidden = h.shape[-1]
    rz = gx[..., :2 * hidden] + gh[..., :2 * hidden]
    sigmoid_array(rz, out=rz)
    r, z = rz[..., :hidden], rz[..., hidden:]
    gh_n = gh[..., 2 * hidden:]
    n = r * gh_n
    n += gx[..., 2 * hidden:]
    xp.tanh(n, out=n)
    diff = h - n
    h_new = z * diff
    h_new += n
    return (h_new,), (rz, n, gh_n, diff)


def gru_grad_arrays(cache, grads, out=None):
    """(d_gx, d_gh, (d_h,)) from the step's cache and g = grads[0], the gradient of h':
    d_n = g (1 - z)(1 - n^2), d_z = g (h - n) z', d_r = d_n h_n r' (x' = x (1 - x));
    d_gx = (d_r, d_z, d_n), d_gh = (d_r, d_z, r d_n), d_h = g z. d_gx is written into
    `out` when given."""
    rz, n, gh_n, diff = cache
    g = grads[0]
    xp = get_array_module(rz)
    hidden = n.shape[-1]
    r, z = rz[..., :hidden], rz[..., hidden:]
    d_gx = xp.empty(rz.shape[:-1] + (3 * hidden,), dtype=rz.dtype) if out is None else out
    d_rz, d_n = d_gx[..., :2 * hidden], d_gx[..., 2 * hidden:]
    xp.multiply(n, n, out=d_n)
    xp.subtract(1, d_n, out=d_n)
    d_n *= g
    d_n *= 1 - z
    xp.multiply(d_n, gh_n, out=d_rz[..., :hidden])
    xp.multiply(g, diff, out=d_rz[..., hidden:])
    slope = 1 - rz
    slope *= rz
    d_rz *= slope
    d_gh = d_gx.copy()
    d_gh[..., 2 * hidden:] *= r
    return d_gx, d_gh, (g * z,)


class GRUStep(RecurrentStep):
    """h' = GRU step of gx = x W_ih^T + b_ih, gh = h W_hh^T + b_hh (N, 3H) and h (N, H):
    r = sigmoid(x_r + h_r), z = sigmoid(x_z + h_z), n = tanh(x_n + r h_n),
    h' = (1 - z) n + z h."""

    input_specs = (Spec(shape=("N", "3H")), Spec(shape=("N", "3H")), Spec(shape=("N", "H")))

    num_gates, num_states = 3, 1
    direct_state_indices = (0,)  # h
    separate_recurrent_bias = True  # b_hn is multiplied by r: it cannot join gx
    step_on_arrays = staticmethod(gru_arrays)
    grad_on_arrays = staticmethod(gru_grad_arrays)

    def backward(self, g):
        return GRUStepGrad(self.cache)(g, *self.inputs)


class GRUStepGrad(Function):
    """(d_gx, d_gh, d_h) of the GRU step from g = dL/dh' (see gru_grad_arrays), with gx, gh
    and h as inputs too so that its own backward reaches them (second order)."""

    checked_through = "GRUStep"

    def __init__(self, cache):
        self.cache = cache

    def forward(self, g, gx, gh, h):
        d_gx, d_gh, (d_h,) = gru_grad_arrays(self.cache, (g,))
        return d_gx, d_gh, d_h

    def backward(self, u_x, u_h, u_d):
        """With v_r = ux_r + uh_r, v_z = ux_z + uh_z, D = g (1 - z)(1 - n^2) and
        e = ux_n + r uh_n + v_r h_n r' (x' = x (1 - x)):
        d/dg = (1 - z)(1 - n^2) e + v_z (h - n) z' + u_d z,  d/dh = g v_z z';
        through the pre-activations, G_n = (1 - n^2)(-2 n g (1 - z) e - g v_z z'),
        G_z = z' g (v_z (h - n)(1 - 2z) + u_d - (1 - n^2) e),
        G_r = r' (D (uh_n + v_r h_n (1 - 2r)) + G_n h_n);
        d/dgx = (G_r, G_z, G_n),  d/dgh = (G_r, G_z, D v_r r' + G_n r)."""
        g, gx, gh, h = self.inputs
        x_r, x_z, x_n = split(gx, 3, axis=-1)
        h_r, h_z, h_n = split(gh, 3, axis=-1)
        r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
        n = tanh(x_n + r * h_n)
        r_slope, z_slope, n_slope = r * (1 - r), z * (1 - z), 1 - n * n
        ux_r, ux_z, ux_n = split(u_x, 3, axis=-1)
        uh_r, uh_z, uh_n = split(u_h, 3, axis=-1)
        v_r, v_z = ux_r + uh_r, ux_z + uh_z
        diff, keep = h - n, 1 - z
        d_n = g * keep * n_slope
        e = ux_n + r * uh_n + v_r * h_n * r_slope
        grad_n = n_slope * (-2 * n * g * keep * e - g * v_z * z_slope)
        grad_z = z_slope * g * (v_z * diff * (1 - 2 * z) + u_d - n_slope * e)
        grad_r = r_slope * (d_n * (uh_n + v_r * h_n * (1 - 2 * r)) + grad_n * h_n)
        d_g = keep * n_slope * e + v_z * diff * z_slope + u_d * z
        d_gx = concatenate([grad_r, grad_z, grad_n], axis=-1)
        d_gh = concatenate([grad_r, grad_z, d_n * v_r * r_slope + grad_n * r], axis=-1)
        return d_g, d_gx, d_gh, g * v_z * z_slope


__all__ = ["GRUStep", "GRUStepGrad"]
