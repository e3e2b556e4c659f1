"""Derivatives of whole functions: jacobian, hessian, vector-Jacobian and Jacobian-vector
products (vjp, jvp), Hessian-vector products (hvp, vhp).

Each takes `f` (Variables -> Variable) and a point `x` (an array or Variable, or a tuple of
them: several inputs, f(*x), as torch.autograd.functional's); the point is
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
    xs, several_inputs = _leaves(x, "jacobian")
    with enable_grad():
        ys = f(*xs)
    several_outputs = isinstance(ys, tuple)
    ys = [_as_output(y, "jacobian") for y in (ys if several_outputs else (ys,))]
    rows = [[_jacobian_rows(y, x) for x in xs] for y in ys]
    rows = [tuple(per_input) if several_inputs else per_input[0] for per_input in rows]
    return tuple(rows) if several_outputs else rows[0]


def hessian(f, x):
    """Dense Hessian of scalar-valued `f` at `x`, shape `x.shape + x.shape`; for x a tuple
    of inputs, the blocks as a tuple of tuples (H[i][j] of shape x[i].shape + x[j].shape)."""
    xs, several = _leaves(x, "hessian")
    y = _scalar(_call(f, xs, "hessian"), "hessian")
    blocks = [[_zeros(a.shape + b.shape, a) for b in xs] for a in xs]
    if y.requires_grad:
        with enable_grad():
            gs = grad(y, xs, create_graph=True, allow_unused=True)
        for i, g in enumerate(gs):
            if g is not None:
                blocks[i] = [_jacobian_rows(g, b) for b in xs]
    return tuple(tuple(row) for row in blocks) if several else blocks[0][0]


def vjp(f, x, v=None):
    """`(f(x), v^T J)`: the output and the vector-Jacobian product, shaped like x (a tuple
    for a tuple of inputs).

    `v` has the output's shape; it may be omitted when the output has a single entry.
    """
    xs, several = _leaves(x, "vjp")
    y = _call(f, xs, "vjp")
    v = _vector(v, y, "vjp", "f's output")
    gs = list(grad(y, xs, grad_outputs=v, allow_unused=True)) if y.requires_grad else \
        [None] * len(xs)
    return y.data, _arrays(gs, xs, several)


def jvp(f, x, v):
    """`(f(x), J v)`: the output and the Jacobian-vector product, shaped like the output;
    `v` shaped like x (a tuple for a tuple of inputs). By two vector-Jacobian products, as
    PyTorch's: J v is the gradient of (u^T J) . v with respect to u."""
    xs, several = _leaves(x, "jvp")
    vs = _vectors(v, xs, several, "jvp")
    y = _call(f, xs, "jvp")
    ju = None
    if y.requires_grad:
        u = Variable(get_array_module(y.data).zeros_like(y.data), requires_grad=True)
        with enable_grad():
            total = _dot(grad(y, xs, grad_outputs=u, create_graph=True, allow_unused=True),
                         vs)
        if total is not None and total.requires_grad:
            ju, = grad(total, u, allow_unused=True)
    return y.data, (_zeros(y.shape, y) if ju is None else ju.data)


def hvp(f, x, v):
    """`(f(x), H v)` for scalar-valued f: the Hessian times `v` (shaped like x, a tuple for
    a tuple of inputs) without forming H: the gradient of (grad f) . v."""
    xs, several = _leaves(x, "hvp")
    vs = _vectors(v, xs, several, "hvp")
    y = _scalar(_call(f, xs, "hvp"), "hvp")
    hs = [None] * len(xs)
    if y.requires_grad:
        with enable_grad():
            total = _dot(grad(y, xs, create_graph=True, allow_unused=True), vs)
        if total is not None and total.requires_grad:
            hs = list(grad(total, xs, allow_unused=True))
    return y.data, _arrays(hs, xs, several)


def vhp(f, x, v):
    """`(f(x), v^T H)`: hvp's, H being symmetric (PyTorch's vhp)."""
    return hvp(f, x, v)


def _leaves(x, who):
    """(fresh leaves of the point, whether x was a tuple of several inputs)."""
    several = isinstance(x, tuple)
    return [_leaf(item, who) for item in (x if several else (x,))], several


def _vector(v, like, who, what):
    """`v` as an array of `like`'s shape (ones for a single entry, when None)."""
    xp = get_array_module(like.data)
    if v is None:
        if like.size != 1:
            raise ValueError(f"{who}: v is required when {what} is not a scalar "
                             f"(shape {like.shape})")
        return xp.ones_like(like.data)
    v = xp.asarray(v.data if isinstance(v, Variable) else v)
    if v.shape != like.shape:
        raise ValueError(f"{who}: v has shape {v.shape} but {what} has shape {like.shape}")
    return v


def _vectors(v, xs, several, who):
    """One vector per input, of its input's shape."""
    if several and not (isinstance(v, tuple) and len(v) == len(xs)):
        raise ValueError(f"{who}: v must be a tuple of {len(xs)} arrays, one per input")
    return [_vector(item, x, who, f"input {i}")
            for i, (item, x) in enumerate(zip(v if several else (v,), xs))]


def _scalar(y, who):
    if y.size != 1:
        raise ValueError(f"{who}: f must return a scalar, got an output of shape {y.shape}")
    return y


def _arrays(gs, xs, several):
    """Gradients (Variables, or None for zeros) as arrays shaped like their inputs."""
    arrays = [_zeros(x.shape, x) if g is None else g.data for g, x in zip(gs, xs)]
    return tuple(arrays) if several else arrays[0]


def _dot(gs, vs):
    """The sum of (g * v).sum() over the gradients there are (None when there is none)."""
    total = None
    for g, v in zip(gs, vs):
        if g is not None:
            term = (g * v).sum()
            total = term if total is None else total + term
    return total


def _leaf(x, who):
    if isinstance(x, list) and any(isinstance(v, Variable) or hasattr(v, "shape") for v in x):
        raise TypeError(f"{who}: x is a list of arrays; give several inputs as a tuple, "
                        "one input as one array")
    data = x.data if isinstance(x, Variable) else get_array_module(x).asarray(x)
    if data.dtype.kind != "f":
        raise TypeError(f"{who}: x must be a floating-point array, got dtype {data.dtype}")
    return Variable(data.copy(), requires_grad=True)


def _call(f, xs, who):
    with enable_grad():  # the derivative needs the graph even inside a no_grad block
        y = f(*xs)
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


__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]
