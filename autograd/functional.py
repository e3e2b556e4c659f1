"""Derivatives of whole functions: jacobian, hessian, vector-Jacobian product.

Each takes `f` (Variable -> Variable) and a point `x` (array or Variable); the point is
copied into a fresh leaf, so the caller's Variables and their `.grad` are left untouched.
Results are plain arrays of x's backend (NumPy or CuPy).
"""
from .backend import get_array_module
from .config import enable_grad
from .engine import grad
from .variable import Variable, as_variable


def jacobian(f, x):
    """Dense Jacobian dy/dx of `y = f(x)`, shape `y.shape + x.shape`, one backward per entry
    of y. As PyTorch's: x a tuple of arrays is several inputs (f(*x)), and a tuple of
    outputs or of inputs gives a tuple of Jacobians (outputs outside, inputs inside)."""
    several_inputs = isinstance(x, tuple)
    xs = [_leaf(item, "jacobian") for item in (x if several_inputs else (x,))]
    with enable_grad():
        ys = f(*xs)
    several_outputs = isinstance(ys, tuple)
    ys = [_as_output(y, "jacobian") for y in (ys if several_outputs else (ys,))]
    rows = [[_jacobian_rows(y, x) for x in xs] for y in ys]
    rows = [tuple(per_input) if several_inputs else per_input[0] for per_input in rows]
    return tuple(rows) if several_outputs else rows[0]


def hessian(f, x):
    """Dense Hessian of scalar-valued `f` at `x`, shape `x.shape + x.shape`."""
    x = _leaf(x, "hessian")
    y = _call(f, x, "hessian")
    if y.size != 1:
        raise ValueError(f"hessian: f must return a scalar, got an output of shape {y.shape}")
    if not y.requires_grad:
        return _zeros(x.shape + x.shape, x)
    with enable_grad():
        g, = grad(y, x, create_graph=True, allow_unused=True)
    if g is None:
        return _zeros(x.shape + x.shape, x)
    return _jacobian_rows(g, x)


def vjp(f, x, v=None):
    """`(f(x), v^T J)`: the output and the vector-Jacobian product, shaped like x.

    `v` has the output's shape; it may be omitted when the output has a single entry.
    """
    x = _leaf(x, "vjp")
    y = _call(f, x, "vjp")
    if v is None:
        if y.size != 1:
            raise ValueError(f"vjp: v is required when f's output is not a scalar "
                             f"(shape {y.shape})")
        v = get_array_module(y.data).ones_like(y.data)
    v = v.data if isinstance(v, Variable) else v
    v = get_array_module(y.data).asarray(v)
    if v.shape != y.shape:
        raise ValueError(f"vjp: v has shape {v.shape} but f's output has shape {y.shape}")
    if not y.requires_grad:
        return y.data, _zeros(x.shape, x)
    g, = grad(y, x, grad_outputs=v, allow_unused=True)
    return y.data, (_zeros(x.shape, x) if g is None else g.data)


def _leaf(x, who):
    if isinstance(x, tuple) and who != "jacobian":
        raise TypeError(f"{who}: x is one array (a tuple of inputs is jacobian's)")
    if isinstance(x, list) and any(isinstance(v, Variable) or hasattr(v, "shape") for v in x):
        raise TypeError(f"{who}: x is a list of arrays; give several inputs as a tuple "
                        "(jacobian's), one input as one array")
    data = x.data if isinstance(x, Variable) else get_array_module(x).asarray(x)
    if data.dtype.kind != "f":
        raise TypeError(f"{who}: x must be a floating-point array, got dtype {data.dtype}")
    return Variable(data.copy(), requires_grad=True)


def _call(f, x, who):
    with enable_grad():  # the derivative needs the graph even inside a no_grad block
        y = f(x)
    if isinstance(y, tuple):
        raise TypeError(f"{who}: f must return one Variable or array, got a tuple of "
                        f"{len(y)} (jacobian takes several outputs)")
    return _as_output(y, who)


def _as_output(y, who):
    try:
        return as_variable(y)
    except TypeError:
        raise TypeError(f"{who}: f must return a Variable or an array, "
                        f"got {type(y).__name__}") from None


def _jacobian_rows(y, x):
    """Stack d y.flat[i] / dx for every i: shape y.shape + x.shape."""
    xp = get_array_module(x.data)
    jac = xp.zeros((y.size,) + x.shape, dtype=x.dtype)
    if y.requires_grad:
        for i in range(y.size):
            seed = xp.zeros(y.size, dtype=y.dtype)
            seed[i] = 1
            g, = grad(y, x, grad_outputs=seed.reshape(y.shape), allow_unused=True)
            if g is not None:
                jac[i] = g.data
    return jac.reshape(y.shape + x.shape)


def _zeros(shape, like):
    return get_array_module(like.data).zeros(shape, dtype=like.dtype)


__all__ = ["jacobian", "hessian", "vjp"]
