"""Hypothesis strategy for random programs: leaves, then one drawn instruction per step.

Every instruction is drawn on its own (op, operand indices, parameters), so hypothesis can
shrink each one. The generator evaluates each new value in NumPy as it goes and keeps every
op on its well-defined domain: no ties for max/min/maximum, no element near a kink of abs or
clip, bases of log/sqrt/pow shifted to be positive, exp, tan and tanh kept off their steep or
flat regions (more_ops.py does the same for the less common ops). An instruction that
would leave the domain is replaced by sin of its first operand. A step may run inside
grad modes: no_grad, or enable_grad inside no_grad (recorded again).
"""
import os

import numpy as np
from hypothesis import strategies as st

from autograd.testing import arrays

from . import more_ops, new_elementwise, new_order, new_structure, new_writes
from .frameworks import NUMPY
from .program import Leaf, Program, Step
from .values import GAP, at_least, draw_axis, far_from, literal, reduced_rows, same_but_along
from .values import binary as _binary
from .values import unary as _unary

LIMIT = 1e3  # |values| stay below: exp and pow chains stay well conditioned
CONSTANTS = (0.5, -1.5, 2.0, 3.0)
# a step's grad modes, outermost first: enable_grad inside no_grad records again
GRAD_MODES = (("no_grad",), ("no_grad", "enable_grad"), ("enable_grad", "no_grad"))
EXPONENTS = (2, 3, 0.5, -1, 1.5, -0.5)


@st.composite
def programs(draw, dtype="float64", zero_size=False, max_steps=10, max_leaves=3):
    leaves = _leaves(draw, max_leaves, zero_size)
    prog = Program(leaves, dtype=dtype)
    values = {leaf.name: leaf.array for leaf in leaves}
    for leaf in leaves:
        prog.needs_grad[leaf.name] = leaf.requires_grad
    # one more step with probability 4/5 (a draw of 0 ends the program: shrinks to short)
    for k in range(max_steps):
        _add_step(draw, prog, values, f"v{k}")
        if draw(st.integers(0, 4)) == 0:
            break
    names = prog.names()
    extra = draw(st.lists(st.integers(0, len(names) - 1), max_size=2, unique=True))
    prog.outputs = list(dict.fromkeys([prog.steps[-1].targets[0]] + [names[i] for i in extra]))
    prog.shapes = {name: values[name].shape for name in names}
    return prog


def _leaves(draw, max_leaves, zero_size):
    count = draw(st.integers(1, max_leaves))
    sides = st.sampled_from([2, 3, 1, 0] if zero_size else [2, 3, 1])
    first = tuple(draw(st.lists(sides, min_size=1 if zero_size else 0, max_size=3)))
    if zero_size and 0 not in first:
        first = first[:-1] + (0,)
    leaves = []
    for i in range(count):
        how = draw(st.sampled_from(["same", "suffix", "fresh", "scalar"])) if i else "same"
        shape = {"same": first, "suffix": first[1:], "scalar": ()}.get(how)
        if shape is None:
            shape = tuple(draw(st.lists(sides, max_size=3)))
        data = draw(arrays(shape, np.float64, "bounded", distinct=True))
        # sampled_from shrinks to its first item: a minimal program differentiates its leaves
        leaves.append(Leaf(f"x{i}", data, draw(st.sampled_from([True, False])) or i == 0))
    return leaves


def _add_step(draw, prog, values, name):
    names = list(values)
    op = draw(st.sampled_from(POOL))
    a = names[draw(st.integers(0, len(names) - 1))]
    built = OPS[op](_Ctx(draw, values, prog.dtype), a)
    modes = draw(st.sampled_from(GRAD_MODES)) if draw(st.integers(0, 7)) == 7 else ()
    result = _evaluate(built, values) if built is not None else None
    if result is None:
        built = (f"ag.sin({a})", [a])  # bounded, and every derivative well conditioned
        result = _evaluate(built, values)
    expr, operands = built
    unpack = isinstance(result, list)
    parts = result if unpack else [result]
    targets = tuple(f"{name}_{j}" for j in range(len(parts))) if unpack else (name,)
    step = Step(targets, expr, modes, unpack)
    prog.steps.append(step)
    needs = any(prog.needs_grad[o] for o in operands) and not step.no_grad \
        and not expr.endswith(".detach()")
    for t, v in zip(targets, parts):
        values[t] = v
        prog.needs_grad[t] = needs


def _evaluate(built, values):
    """The op's NumPy value(s), or None when one leaves the domain."""
    env = {"ag": NUMPY.ns, "np": np, **values}
    with np.errstate(all="ignore"):
        result = eval(NUMPY.line(built[0]), env)
    if isinstance(result, (list, tuple)):
        result = [np.asarray(r, dtype=np.float64) for r in result]
        ok = all(_in_range(r) for r in result)
    else:
        result = np.asarray(result, dtype=np.float64)
        ok = _in_range(result)
    return result if ok else None


def _in_range(v):
    return bool(np.all(np.isfinite(v)) and np.all(np.abs(v) <= LIMIT))


class _Ctx:
    """What an op builder may use: the draw function, the values so far (float64) and the
    dtype the program runs in."""

    def __init__(self, draw, values, dtype="float64"):
        self.draw, self.values, self.dtype = draw, values, dtype

    def pick(self, pred):
        """The name of a value for which pred(array) holds, or None."""
        names = [n for n, v in self.values.items() if pred(v)]
        if not names:
            return None
        return names[self.draw(st.integers(0, len(names) - 1))]

    def broadcastable(self, a):
        return self.pick(lambda v: _broadcasts(v.shape, self.values[a].shape))

    def choice(self, options):
        return self.draw(st.sampled_from(options))


def _broadcasts(*shapes):
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


# ----- op builders: (ctx, a) -> (expression, operand names) or None -----

def _positive(c, a):
    """`a`, shifted by a constant when needed so that every element is >= 0.25."""
    return at_least(c, a, 0.25)


def _scalar(c, a):
    template = c.choice(["{a} * {k}", "{k} - {a}", "{a} / {k}", "{a} + {k}", "{k} * {a}",
                         "{k} / {a}"])
    if template == "{k} / {a}" and not np.all(np.abs(c.values[a]) >= 0.25):
        return None
    return template.format(a=a, k=c.choice(CONSTANTS)), [a]


def _clip(c, a):
    lo = c.draw(st.integers(-8, 7)) / 4
    hi = lo + c.draw(st.integers(1, 8)) / 4
    lo, hi = c.choice([(lo, hi), (None, hi), (lo, None)])
    if not far_from(c.values[a], [lo, hi]):
        return None
    return f"ag.clip({a}, {lo}, {hi})", [a]


def _pow(c, a):
    p = c.choice(EXPONENTS + ("tensor",))
    if p in (2, 3):
        return f"{a} ** {p}", [a]
    base = _positive(c, a)
    if p != "tensor":
        return f"{base} ** {p}", [a]
    b = c.broadcastable(a)
    # PyTorch's pow masks its formulas where the exponent is 0 (and so 1, one order up):
    # its second and third derivatives are wrong there, so the reference stays away
    if np.any(np.abs(c.values[b]) > 2) or not far_from(c.values[b], [0, 1]):
        return None
    return f"{base} ** {b}", [a, b]


def _extreme(c, a, fn):
    other = c.broadcastable(a)
    if not np.all(np.abs(c.values[a] - c.values[other]) >= GAP):
        return None
    return f"ag.{fn}({a}, {other})", [a, other]


def _where(c, a):
    b = c.broadcastable(a)
    shape = np.broadcast_shapes(c.values[a].shape, c.values[b].shape)
    mask = c.draw(st.lists(st.booleans(), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))
    return f"ag.where({literal(np.array(mask, bool).reshape(shape))}, {a}, {b})", [a, b]


def _reduction(fn):
    def build(c, a):
        v = c.values[a]
        axis, keepdims = draw_axis(c, v.ndim), c.draw(st.booleans())
        rows = reduced_rows(v, axis)
        if fn not in ("sum", "prod") and rows.shape[1] == 0:
            return None  # mean, max, logsumexp of nothing: nan, error, -inf
        if fn in ("max", "min") and rows.shape[1] > 1:
            ordered = np.sort(rows, axis=1)
            gaps = ordered[:, -1] - ordered[:, -2] if fn == "max" else ordered[:, 1] - ordered[:, 0]
            if not np.all(gaps >= GAP):
                return None
        return f"ag.{fn}({a}, axis={axis}, keepdims={keepdims})", [a]
    return build


def _reshape(c, a):
    s = c.values[a].shape
    n = int(np.prod(s))
    options = [(n,), s[::-1], (1,) + s, s + (1,), s, (-1,)]
    options += [(d, n // d) for d in range(1, n + 1) if n % d == 0]
    return f"ag.reshape({a}, {c.choice(options)})", [a]


def _transpose(c, a):
    ndim = c.values[a].ndim
    if ndim == 2 and c.draw(st.booleans()):
        return f"{a}.T", [a]
    perm = c.draw(st.one_of(st.none(), st.permutations(range(ndim)).map(tuple)))
    return f"ag.transpose({a}, {perm})", [a]


def _swapaxes(c, a):
    ndim = c.values[a].ndim
    if ndim == 0:
        return None
    i, j = c.draw(st.integers(-ndim, ndim - 1)), c.draw(st.integers(-ndim, ndim - 1))
    return f"ag.swapaxes({a}, {i}, {j})", [a]


def _squeeze(c, a):
    ones = [i for i, n in enumerate(c.values[a].shape) if n == 1]
    axis = c.draw(st.sampled_from([None] + ones))
    return f"ag.squeeze({a}, {axis})", [a]


def _expand_dims(c, a):
    ndim = c.values[a].ndim
    return f"ag.expand_dims({a}, {c.draw(st.integers(-ndim - 1, ndim))})", [a]


def _broadcast_to(c, a):
    s = c.values[a].shape
    target = c.choice([s, (2,) + s, tuple(3 if n == 1 else n for n in s)])
    return f"ag.broadcast_to({a}, {target})", [a]


def _sum_to(c, a):
    s = c.values[a].shape
    drop = c.draw(st.integers(0, len(s)))
    ones = c.draw(st.lists(st.booleans(), min_size=len(s) - drop, max_size=len(s) - drop))
    target = tuple(1 if one else n for n, one in zip(s[drop:], ones))
    return f"ag.sum_to({a}, {target})", [a]


def _concatenate(c, a):
    s = c.values[a].shape
    if not s:
        return None
    axis = c.draw(st.integers(-len(s), len(s) - 1))

    others = [c.pick(lambda v: same_but_along(v.shape, s, axis % len(s)))
              for _ in range(c.draw(st.integers(1, 2)))]
    return f"ag.concatenate([{a}, {', '.join(others)}], axis={axis})", [a, *others]


def _stack(c, a):
    s = c.values[a].shape
    b = c.pick(lambda v: v.shape == s)
    return f"ag.stack([{a}, {b}], axis={c.draw(st.integers(-len(s) - 1, len(s)))})", [a, b]


def _split(c, a):
    s = c.values[a].shape
    if not s:
        return None
    axis = c.draw(st.integers(-len(s), len(s) - 1))
    n = s[axis]
    sections = [d for d in range(1, max(n, 1) + 1) if n % d == 0]
    how = c.draw(st.one_of(st.sampled_from(sections),
                           st.lists(st.integers(0, n), min_size=1, max_size=2)))
    return f"ag.split({a}, {how}, axis={axis})", [a]


def _get_item(c, a):
    parts = []
    for n in c.values[a].shape[:c.draw(st.integers(0, c.values[a].ndim))]:
        kind = c.choice(["slice", "int", "all", "new"] if n else ["slice", "all"])
        if kind == "int":
            parts.append(str(c.draw(st.integers(-n, n - 1))))
        elif kind == "slice":
            lo, hi = c.draw(st.integers(-n - 1, n + 1)), c.draw(st.integers(-n - 1, n + 1))
            step = c.choice(["", ":2"])
            parts.append(f"{lo}:{hi}{step}")
        elif kind == "new":
            parts += ["None", ":"]  # a new axis, then this one whole
        else:
            parts.append(":")
    index = ", ".join(parts) if parts else "..."
    return f"{a}[{index}]", [a]


def _take(c, a):
    s = c.values[a].shape
    if not s:
        return None
    axis = c.draw(st.integers(0, len(s) - 1))
    n = s[axis]
    picks = c.draw(st.lists(st.integers(-n, n - 1), max_size=4)) if n else []
    index = np.array(picks, dtype=np.int64)
    return f"{a}[{':, ' * axis}{literal(index)}]", [a]


def _mask(c, a):
    s = c.values[a].shape
    if not s:
        return None
    size = int(np.prod(s))
    mask = np.array(c.draw(st.lists(st.booleans(), min_size=size, max_size=size)), bool)
    return f"{a}[{literal(mask.reshape(s))}]", [a]


def _product(fn, c, a):
    def works(v):
        try:
            getattr(np, fn)(np.zeros(c.values[a].shape), np.zeros(v.shape))
        except ValueError:
            return False
        return True
    b = c.pick(works)
    if b is not None:
        return (f"{a} @ {b}" if fn == "matmul" and c.draw(st.booleans())
                else f"ag.{fn}({a}, {b})"), [a, b]
    if c.values[a].ndim >= 2:
        return f"ag.{fn}({a}, ag.swapaxes({a}, -1, -2))", [a]
    return None


OPS = {
    "add": _binary("{a} + {b}"),
    "mul": _binary("{a} * {b}"),
    "sub": _binary("{a} - {b}"),
    "div": _binary("{a} / {b}", lambda x, y: np.all(np.abs(y) >= 0.25)),
    "neg": _unary("-{a}"),
    "scalar": _scalar,
    "exp": _unary("ag.exp({a})", lambda x: np.all(x <= 3)),
    "log": lambda c, a: (f"ag.log({_positive(c, a)})", [a]),
    "sqrt": lambda c, a: (f"ag.sqrt({_positive(c, a)})", [a]),
    "sin": _unary("ag.sin({a})"),
    "cos": _unary("ag.cos({a})"),
    "tan": _unary("ag.tan({a})", lambda x: np.all(np.abs(x) <= 1.2)),
    "tanh": _unary("ag.tanh({a})", lambda x: np.all(np.abs(x) <= 3)),  # 1 - y^2 cancels
    "abs": _unary("ag.abs({a})", lambda x: far_from(x, [0])),
    "clip": _clip,
    "pow": _pow,
    "rpow": lambda c, a: (f"{c.choice([0.5, 1.5, 2.0])} ** {a}", [a]),
    "maximum": lambda c, a: _extreme(c, a, "maximum"),
    "minimum": lambda c, a: _extreme(c, a, "minimum"),
    "where": _where,
    "sum": _reduction("sum"),
    "mean": _reduction("mean"),
    "max": _reduction("max"),
    "min": _reduction("min"),
    "logsumexp": _reduction("logsumexp"),
    "reshape": _reshape,
    "flatten": _unary("ag.flatten({a})"),
    "transpose": _transpose,
    "swapaxes": _swapaxes,
    "squeeze": _squeeze,
    "expand_dims": _expand_dims,
    "broadcast_to": _broadcast_to,
    "sum_to": _sum_to,
    "concatenate": _concatenate,
    "stack": _stack,
    "split": _split,
    "get_item": _get_item,
    "take": _take,
    "mask": _mask,
    "matmul": lambda c, a: _product("matmul", c, a),
    "dot": lambda c, a: _product("dot", c, a),
    "detach": _unary("{a}.detach()"),
    "clone": _unary("ag.clone({a})"),
    "sigmoid": _unary("ag.sigmoid({a})", lambda x: np.all(np.abs(x) <= 6)),
    "log1p": lambda c, a: (f"ag.log1p({_positive(c, a)} - 0.75)", [a]),
    "expm1": _unary("ag.expm1({a})", lambda x: np.all(x <= 3)),
    "prod": _reduction("prod"),
    "cumsum": more_ops.scan("cumsum"),
    "cumprod": more_ops.scan("cumprod"),
    "var": more_ops.spread("var"),
    "std": more_ops.spread("std"),
    "vector_norm": more_ops.vector_norm,
    "flip": more_ops.flip,
    "roll": more_ops.roll,
    "tile": more_ops.tile,
    "pad": more_ops.pad,
    "einsum": more_ops.einsum,
    "sort": more_ops.sort,
    "topk": more_ops.topk,
    "take_along_axis": more_ops.take_along_axis,
    "index_select": more_ops.index_select,
    "masked_fill": more_ops.masked_fill,
    **new_elementwise.OPS,
    **new_structure.OPS,
    **new_writes.OPS,
    **new_order.OPS,
}
NEW_OPS = [*new_elementwise.OPS, *new_structure.OPS, *new_writes.OPS, *new_order.OPS]


def _pool():
    """The ops drawn from: all, or those RUNGRAD_FUZZ_OPS names (comma-separated; 'new'
    stands for NEW_OPS, the ops added with PyTorch's names), to fuzz some ops hard."""
    names = os.environ.get("RUNGRAD_FUZZ_OPS", "")
    if not names:
        return list(OPS)
    chosen = [n for part in names.split(",") for n in (NEW_OPS if part == "new" else [part])]
    unknown = sorted(set(chosen) - set(OPS))
    if unknown:
        raise ValueError(f"RUNGRAD_FUZZ_OPS names unknown ops {unknown}; known: {sorted(OPS)}")
    return chosen


POOL = _pool()
