"""check_my_gradient: a hand-derived gradient against backprop, with a hint when it is wrong.

The hints name the usual mistakes of a derivation: the transpose of the right answer, a
missing sum over a broadcast axis, a sign error, a constant factor (2, 1/2, N, 1/N), the
gradient of another input. Anything else gets the worst entries.
"""
import numpy as np

from ..arguments import as_list
from ..array_text import position
from ..engine import grad
from ..variable import Variable

_WORST_SHOWN = 5


class GradientHintError(AssertionError):
    """A hand-derived gradient is wrong. `hint` names the mistake ('transpose',
    'broadcast_sum', 'sign', 'factor', 'wrong_input', 'shape' or None when no rule fits),
    `input` the input whose gradient it is, `factor` the constant for 'factor'."""

    def __init__(self, message, hint, input, factor=None):
        super().__init__(message)
        self.hint, self.input, self.factor = hint, input, factor


def check_my_gradient(f, my_grad, *inputs, rtol=1e-5, atol=1e-8):
    """Compare `my_grad` with backprop's gradient of sum(f(*inputs)) for each input.

    f: takes Variables, returns a Variable (summed when it is not a scalar). my_grad: a
    function of the input arrays returning one gradient per input (None to skip one; a
    single array for a single input), or those gradients themselves. Returns True when every
    given gradient is right; raises GradientHintError naming the first wrong one and, when a
    usual mistake explains it, that mistake.
    """
    arrays = [_as_input(x) for x in inputs]
    mine = my_grad(*[a.copy() for a in arrays]) if callable(my_grad) else my_grad
    mine = [mine] if len(arrays) == 1 and not isinstance(mine, (list, tuple)) else list(mine)
    if len(mine) != len(arrays):
        raise ValueError(f"check_my_gradient: my_grad gave {len(mine)} gradients for "
                         f"{len(arrays)} inputs (give None for an input to skip)")
    if all(g is None for g in mine):  # (a my_grad that forgot its `return` would pass)
        raise ValueError("check_my_gradient: my_grad gave None for every input, so nothing "
                         "is checked (did it forget to return its gradients?)")
    for i, (a, g) in enumerate(zip(arrays, mine)):
        if g is not None and a.dtype.kind in "biu":
            raise ValueError(f"check_my_gradient: input {i} is {a.dtype}, which gets no "
                             f"gradient, but my_grad gave it one: give None for it, or pass "
                             f"it as floats (x.astype(float)) to differentiate it")
    truth = _backprop(f, arrays)
    for i, g in enumerate(mine):
        if g is None:
            continue
        g = np.asarray(g.data if isinstance(g, Variable) else g, dtype=np.float64)
        if g.shape == truth[i].shape and _close(g, truth[i], rtol, atol):
            continue
        raise _diagnose(i, g, truth, rtol, atol)
    return True


def _as_input(x):
    """x's array, float64 where it is floating-point; integer and boolean inputs (class
    indices, masks) keep their dtype, as f indexes with them."""
    data = np.asarray(x.data if isinstance(x, Variable) else x)
    return data if data.dtype.kind in "biu" else data.astype(np.float64)


def _backprop(f, arrays):
    xs = [Variable(a.copy()) for a in arrays]
    result = f(*xs)
    ys = [y for y in as_list(result) if isinstance(y, Variable)]
    if not ys:
        raise TypeError(f"check_my_gradient: f returned {type(result).__name__}, not Variables: "
                        "compute it from its Variable inputs with rungrad's ops (not on .data "
                        "or NumPy arrays), so that backprop can differentiate it")
    total = ys[0].sum() if ys[0].ndim else ys[0]
    for y in ys[1:]:
        total = total + (y.sum() if y.ndim else y)
    grads = grad(total, xs, allow_unused=True)
    return [np.zeros_like(a) if g is None else np.asarray(g.data, dtype=np.float64)
            for g, a in zip(grads, arrays)]


def _close(a, b, rtol, atol):
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1.0)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol * scale))


def _diagnose(i, g, truth, rtol, atol):
    """The GradientHintError for input i's gradient g: the first rule that explains it."""
    right = truth[i]
    head = f"check_my_gradient: your gradient for input {i} is wrong"
    for j, other in enumerate(truth):
        if j != i and _close(g, other, rtol, atol) and not _close(g, right, rtol, atol):
            return GradientHintError(
                f"{head}: it is the gradient with respect to input {j} (shape {other.shape}), "
                f"not input {i} (shape {right.shape}): differentiate with respect to the "
                f"input it belongs to", "wrong_input", i)
    if g.ndim >= 2 and _close(np.swapaxes(g, -1, -2), right, rtol, atol):
        return GradientHintError(
            f"{head}: it is the transpose of the right gradient (a gradient has the shape of "
            f"its input, {right.shape}): in y = a @ b, dL/da = dL/dy @ b.T and "
            f"dL/db = a.T @ dL/dy", "transpose", i)
    if g.shape != right.shape:
        return _shape_hint(head, i, g, right, rtol, atol)
    if _close(-g, right, rtol, atol):
        return GradientHintError(
            f"{head}: it has the wrong sign (it is minus the right gradient): check the "
            f"derivative of a subtraction, of 1/x, of cos, or of a loss you minimize",
            "sign", i)
    factor = _factor(g, right, rtol, atol)
    if factor is not None:
        return GradientHintError(f"{head}: {_factor_text(factor, truth)}", "factor", i,
                                 factor=factor)
    return GradientHintError(f"{head}; no usual mistake explains it. {_worst(g, right)}",
                             None, i)


def _shape_hint(head, i, g, right, rtol, atol):
    axes = _broadcast_axes(right.shape, g.shape)
    if axes is not None:
        summed = g.sum(axis=axes).reshape(right.shape)
        if _close(summed, right, rtol, atol):
            return GradientHintError(
                f"{head}: it has shape {g.shape}, the broadcast shape, where input {i} has "
                f"shape {right.shape}: the forward pass broadcast input {i}, so its gradient "
                f"is the sum over the broadcast axes {axes} (np.sum(g, axis={axes}) then "
                f"reshape to {right.shape})", "broadcast_sum", i)
    return GradientHintError(f"{head}: it has shape {g.shape}, but input {i} has shape "
                             f"{right.shape} (a gradient has the shape of its input)", "shape", i)


def _broadcast_axes(small, big):
    """The axes of `big` to sum to get back `small` (which broadcasts to `big`), or None."""
    if len(small) > len(big):
        return None
    lead = len(big) - len(small)
    axes = list(range(lead))
    for k, n in enumerate(small):
        if n == 1 and big[lead + k] != 1:
            axes.append(lead + k)
        elif n != big[lead + k]:
            return None
    return tuple(axes)


def _factor(g, right, rtol, atol):
    """c with g = c * right (c not 1 or -1), when g is a multiple of a non-zero right."""
    norm = float(np.sum(right * right))
    if norm == 0:
        return None
    c = float(np.sum(g * right)) / norm
    if c == 0 or not _close(g, c * right, rtol, atol):
        return None
    return c


def _factor_text(c, truth):
    """What a factor c between your gradient and the right one usually means; the N of a
    mean is any size of the inputs (`truth`, their gradients), as a batch's of a bias."""
    if np.isclose(c, 2):
        return ("it is twice the right gradient: a factor 2 too many (the derivative of "
                "x^2 / 2 is x)")
    if np.isclose(c, 0.5):
        return ("it is half the right gradient: a factor 2 is missing (the derivative of x^2 "
                "is 2x)")
    for n in sorted({n for t in truth for n in t.shape if n > 2} | {t.size for t in truth}):
        if np.isclose(c, n):
            return (f"it is {n} times the right gradient: the 1/{n} of a mean over {n} "
                    f"elements is missing")
        if np.isclose(c, 1 / n):
            return (f"it is 1/{n} of the right gradient: a sum over {n} elements does not "
                    f"divide by {n} (only a mean does)")
    return f"it is {c:.6g} times the right gradient: a constant factor is off"


def _worst(g, right):
    error = np.abs(g - right)
    order = np.argsort(-error, axis=None)[:_WORST_SHOWN]
    lines = ["Worst entries (index: yours, right):"]
    for flat in order:
        idx = position(flat, g.shape)
        lines.append(f"  {idx}: {g[idx]:.6g}, {right[idx]:.6g}")
    return "\n".join(lines)


__all__ = ["check_my_gradient", "GradientHintError"]
