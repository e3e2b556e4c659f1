"""Fused CUDA kernels for the hot paths of training on CuPy arrays.

Each CuPy call is a kernel launch plus 10-30 us of Python in CuPy, which is most of a small
model's step on a GPU; these kernels do in one launch what takes several calls in array
code. They are built (compiled) on first use. Callers ask `fused(array)` first and keep
their array code for the rest: NumPy's arrays (whose own calls are faster), other dtypes,
and array modules without CuPy's kernels (a test stand-in).
"""
import functools

import numpy as np

from .backend import get_array_module


@functools.cache
def _elementwise(inputs, outputs, body, name):
    import cupy
    return cupy.ElementwiseKernel(inputs, outputs, body, f"rungrad_{name}")


@functools.cache
def _reduction(inputs, outputs, mapped, name):
    import cupy
    return cupy.ReductionKernel(inputs, outputs, mapped, "a + b", "y = a", "0",
                                f"rungrad_{name}")


def fused(array):
    """Whether the kernels serve `array`: a CuPy array of float32 or float64."""
    return (array.__class__ is not np.ndarray and array.dtype.char in "fd"
            and hasattr(get_array_module(array), "ElementwiseKernel"))


def subtract_scaled_(w, g, scale):
    """w -= scale * g, in place (plain SGD's step)."""
    _elementwise("T g, T scale", "T w", "w -= scale * g", "subtract_scaled")(
        g, w.dtype.type(scale), w)


def momentum_step_(w, g, buf, lr, momentum, damped):
    """buf = momentum buf + damped g;  w -= lr buf, in place (SGD with momentum)."""
    t = w.dtype.type
    _elementwise("T g, T lr, T momentum, T damped", "T w, T buf",
                 "buf = momentum * buf + damped * g; w -= lr * buf", "momentum_step")(
        g, t(lr), t(momentum), t(damped), w, buf)


def adam_step_(w, g, m, v, betas, step_size, bc2_sqrt, eps):
    """Adam's step in place, in the order of optim/adam.py's array code: m moves toward g by
    PyTorch's two-sided lerp (optim/lerp.py: from g's side when 1 - b1 >= 1/2);
    v = b2 v + ((1 - b2) g) g;  w -= m / (sqrt(v) / bc2_sqrt + eps) step_size."""
    t = w.dtype.type
    weight = 1.0 - betas[0]
    if abs(weight) < 0.5:
        first, factor = "m += factor * (g - m)", weight
    else:
        first, factor = "m = g - factor * (g - m)", 1.0 - weight
    _elementwise("T g, T factor, T b2, T one_minus_b2, T step_size, T bc2_sqrt, T eps",
                 "T w, T m, T v",
                 f"{first}; v = b2 * v + one_minus_b2 * g * g; "
                 "w -= m / (sqrt(v) / bc2_sqrt + eps) * step_size", "adam_step")(
        g, t(factor), t(betas[1]), t(1.0 - betas[1]), t(step_size), t(bc2_sqrt), t(eps), w,
        m, v)


def lstm_cell_(gates, c, u, g, cell, t, h):
    """One LSTM step's gate math (nn/functional/lstm_layer.py's layout), into the outputs:
    from the pre-activations `gates` (-a_i, -a_f, -a_o, a_g) and the cell c, u (3, ...) =
    1 + e^-a of the sigmoid gates; g = tanh(a_g); cell = g / u_i + c / u_f; t = tanh(cell);
    h = t / u_o."""
    _elementwise("T a_i, T a_f, T a_o, T a_g, T c", "T u_i, T u_f, T u_o, T g, T cell, T t, T h",
                 "u_i = (T)1 + exp(a_i); u_f = (T)1 + exp(a_f); u_o = (T)1 + exp(a_o); "
                 "g = tanh(a_g); cell = g / u_i + c / u_f; t = tanh(cell); h = t / u_o",
                 "lstm_cell")(gates[0], gates[1], gates[2], gates[3], c, u[0], u[1], u[2], g,
                              cell, t, h)


def lstm_cell_grad_(g_h, g_later, g_c, a, b_cell, b_h, f, d_cell, d_h):
    """One LSTM step's gradient in place (nn/functional/lstm_layer.py's coefficients): g_h
    += g_later (the output's gradient; None for none); s = g_h a + g_c; d_cell (3, ...) =
    s b_cell; d_h = g_h b_h; g_c = s f."""
    if g_later is None:
        g_later = get_array_module(g_h).zeros((), g_h.dtype)
    _elementwise("T g_later, T a, T b_i, T b_f, T b_g, T b_h, T f",
                 "T g_h, T g_c, T d_i, T d_f, T d_g, T d_h",
                 "g_h += g_later; T s = g_h * a + g_c; d_i = s * b_i; d_f = s * b_f; "
                 "d_g = s * b_g; d_h = g_h * b_h; g_c = s * f", "lstm_cell_grad")(
        g_later, a, b_cell[0], b_cell[1], b_cell[2], b_h, f, g_h, g_c, d_cell[0],
        d_cell[1], d_cell[2], d_h)


def relu_grad(gy, y):
    """gy where y != 0 (the ReLU was active, or NaN), else 0."""
    return _elementwise("T gy, T y", "T gx", "gx = y != (T)0 ? gy : (T)0", "relu_grad")(gy, y)


def log_softmax_rows(x):
    """log_softmax of (N, C) along C: x - max - log(sum(exp(x - max))) in three launches."""
    top = x.max(axis=1, keepdims=True)
    total = _reduction("T x, T top", "T y", "exp(x - top)", "sum_exp")(
        x, top, axis=1, keepdims=True)
    return _elementwise("T x, T top, T total", "T y", "y = x - top - log(total)",
                        "log_softmax_tail")(x, top, total)


def negative_picks(log_probs, rows, factor):
    """-factor log_probs[i, rows[i]] for each row i of (N, C): (N,)."""
    return _elementwise("raw T log_probs, I row, int64 classes, T factor", "T y",
                        "y = -factor * log_probs[i * classes + row]", "negative_picks")(
        log_probs, rows, log_probs.shape[1], log_probs.dtype.type(factor))


def softmax_minus_picks(log_probs, rows, upstream, factor):
    """(exp(log_probs) - [c == rows[i]]) upstream factor for (N, C) log-probabilities (softmax
    cross-entropy's gradient); upstream an array broadcasting over (N, C), factor a number."""
    classes = log_probs.shape[1]
    return _elementwise(
        "T log_probs, raw I rows, int64 classes, T upstream, T factor", "T g",
        "g = (exp(log_probs) - (i % classes == rows[i / classes] ? (T)1 : (T)0)) * upstream"
        " * factor", "softmax_minus_picks")(
        log_probs, rows, classes, upstream.astype(log_probs.dtype, copy=False),
        log_probs.dtype.type(factor))


def count_outside(labels, classes):
    """How many labels fall outside 0..classes-1 (a 0-d array on the device)."""
    xp = get_array_module(labels)
    if not hasattr(xp, "ElementwiseKernel"):
        return ((labels < 0) | (labels >= classes)).sum()
    return _reduction("I t, int64 classes", "int64 y", "(t < 0 || t >= classes) ? 1 : 0",
                      "count_outside")(labels, classes)
