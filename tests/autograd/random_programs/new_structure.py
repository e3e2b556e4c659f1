"""Op builders for the layout and product ops added with PyTorch's names: triangles and
diagonals, diff, repeat_interleave, movedim, rot90, unflatten, meshgrid, outer, kron, cross,
tensordot and cdist. Each is (ctx, a) -> (expression, operand names) or None, as in
generator.py. All but cdist are linear or bilinear (defined everywhere); cdist keeps every
coordinate difference GAP from 0 (the kink of |d|^p and of the norm) and, for p = inf,
the largest |d| of each pair GAP above the next (no tie for the maximum). Products whose
result would pass MAX_SIZE elements are refused: the functional variant takes one
backward pass per output element.
"""
import math

import numpy as np
from hypothesis import strategies as st

from .values import GAP, literal, same_but_along

MAX_SIZE = 64


def _axis(c, ndim):
    return c.draw(st.integers(-ndim, ndim - 1))


def _two_axes(c, ndim):
    """Two distinct axes of `ndim`, either may be negative."""
    first = c.draw(st.integers(0, ndim - 1))
    second = (first + c.draw(st.integers(1, ndim - 1))) % ndim
    return (first - ndim * c.draw(st.booleans()), second - ndim * c.draw(st.booleans()))


def triangle(fn):
    """tril or triu of a matrix (or a batch of them), diagonal -2 to 2."""
    def build(c, a):
        if c.values[a].ndim < 2:
            return None
        return f"ag.{fn}({a}, {c.draw(st.integers(-2, 2))})", [a]
    return build


def diagonal(c, a):
    ndim = c.values[a].ndim
    if ndim < 2:
        return None
    d1, d2 = _two_axes(c, ndim)
    return f"ag.diagonal({a}, {c.draw(st.integers(-2, 2))}, {d1}, {d2})", [a]


def diag_embed(c, a):
    s = c.values[a].shape
    offset = c.draw(st.integers(-2, 2))
    if not s or math.prod(s) * (s[-1] + abs(offset)) > MAX_SIZE:
        return None
    d1, d2 = _two_axes(c, len(s) + 1)
    return f"ag.diag_embed({a}, {offset}, {d1}, {d2})", [a]


def diag(c, a):
    if c.values[a].ndim not in (1, 2):
        return None
    return f"ag.diag({a}, {c.draw(st.integers(-2, 2))})", [a]


def trace(c, a):
    return (f"ag.trace({a})", [a]) if c.values[a].ndim == 2 else None


def diff(c, a):
    """n-th differences (n = 0 to 2), with prepend and append of the input's shape but
    along dim (any length) where such values exist (unused for n = 0)."""
    s = c.values[a].shape
    if not s:
        return None
    dim = _axis(c, len(s))
    axis = dim % len(s)

    ends = [c.pick(lambda v: same_but_along(v.shape, s, axis)) if c.draw(st.booleans())
            else None for _ in range(2)]
    n = c.draw(st.integers(0, 2))
    used = [e for e in ends if e is not None and n]  # (n = 0: the input alone)
    if n and s[axis] + sum(c.values[e].shape[axis] for e in used) == 0:
        return None  # PyTorch's diff of an empty dim is its input itself (no new node)
    return f"ag.diff({a}, {n}, {dim}, {ends[0]}, {ends[1]})", [a] + used


def repeat_interleave(c, a):
    """repeats an int or one count per element; dim None (the flattened input) or one."""
    s = c.values[a].shape
    dim = c.draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1))) if s else None
    n = math.prod(s) if dim is None else s[dim]
    if c.draw(st.booleans()):
        repeats = c.draw(st.integers(0, 2))
        total = repeats * math.prod(s)
    else:
        counts = np.array(c.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
                          np.int64)
        repeats = literal(counts)
        total = int(counts.sum()) * math.prod(s) // max(n, 1)
    if total > MAX_SIZE:
        return None
    return f"ag.repeat_interleave({a}, {repeats}, {dim})", [a]


def movedim(c, a):
    ndim = c.values[a].ndim
    if ndim == 0:
        return None
    k = c.draw(st.integers(1, ndim))
    source = c.draw(st.permutations(range(ndim)))[:k]
    target = c.draw(st.permutations(range(-ndim, 0)))[:k]
    if k == 1 and c.draw(st.booleans()):
        return f"ag.movedim({a}, {source[0]}, {target[0]})", [a]
    return f"ag.movedim({a}, {tuple(source)}, {tuple(target)})", [a]


def rot90(c, a):
    ndim = c.values[a].ndim
    if ndim < 2:
        return None
    return f"ag.rot90({a}, {c.draw(st.integers(-2, 4))}, {_two_axes(c, ndim)})", [a]


def unflatten(c, a):
    s = c.values[a].shape
    if not s:
        return None
    dim = _axis(c, len(s))
    n = s[dim]
    sizes = c.choice([(n,), (1, n), (n, 1), (-1,), (1, -1)] + (
        [(2, n // 2), (-1, 2)] if n and n % 2 == 0 else []))
    return f"ag.unflatten({a}, {dim}, {sizes})", [a]


def meshgrid(c, a):
    """Grids of a 0-d or 1-D value and up to two more made from it: the step's targets all
    need grad as `a` does (the generator's rule), where grids of other values would each
    depend on its own alone."""
    v = c.values[a]
    if v.ndim > 1 or max(v.size, 1) ** 3 > MAX_SIZE:
        return None
    more = [c.choice([a, f"ag.sin({a})", f"({a} * 2.0)"])
            for _ in range(c.draw(st.integers(0, 2)))]
    return (f"ag.meshgrid({', '.join([a] + more)}, indexing={c.choice(['ij', 'xy'])!r})",
            [a])


def outer(c, a):
    if c.values[a].ndim != 1:
        return None
    b = c.pick(lambda v: v.ndim == 1 and v.size * c.values[a].size <= MAX_SIZE)
    return None if b is None else (f"ag.outer({a}, {b})", [a, b])


def kron(c, a):
    b = c.pick(lambda v: v.size * c.values[a].size <= MAX_SIZE)
    return None if b is None else (f"ag.kron({a}, {b})", [a, b])


def cross(c, a):
    """Along an axis of length 3 of a broadcast pair; with no partner, a and sin(a)."""
    s = c.values[a].shape
    threes = [i - len(s) for i, n in enumerate(s) if n == 3]
    if not threes:
        return None
    dim = c.choice(threes)

    def fits(v):  # (PyTorch's linalg.cross broadcasts batch axes, but not ranks)
        if v.ndim != len(s) or v.shape[dim] != 3:
            return False
        try:
            np.broadcast_shapes(v.shape, s)
            return True
        except ValueError:
            return False
    b = c.pick(fits) if c.draw(st.booleans()) else None
    if b is None:
        return f"ag.cross({a}, ag.sin({a}), {dim})", [a]
    return f"ag.cross({a}, {b}, {dim})", [a, b]


def tensordot(c, a):
    """dims an int n (a's last n axes with b's first n) or a pair of lists of axes of equal
    lengths; b = a where no other value fits."""
    s = c.values[a].shape
    n = c.draw(st.integers(0, min(len(s), 2)))
    if c.draw(st.booleans()):
        b = c.pick(lambda v: v.ndim >= n and v.shape[:n] == s[len(s) - n:] and _small(
            s[:len(s) - n] + v.shape[n:]))
        return None if b is None else (f"ag.tensordot({a}, {b}, {n})", [a, b])
    pairs = list(zip(c.draw(st.permutations(range(len(s))))[:n],
                     c.draw(st.permutations(range(len(s))))[:n]))
    pairs = [(i, j) for i, j in pairs if s[i] == s[j]]
    kept = [m for i, m in enumerate(s) if i not in [p[0] for p in pairs]]
    kept += [m for j, m in enumerate(s) if j not in [p[1] for p in pairs]]
    if not _small(tuple(kept)):
        return None
    dims = ([p[0] for p in pairs], [p[1] for p in pairs])
    return f"ag.tensordot({a}, ag.cos({a}), {dims})", [a]


def _small(shape):
    return math.prod(shape) <= MAX_SIZE and len(shape) <= 5


def cdist(c, a):
    s = c.values[a].shape
    if len(s) < 2:
        return None

    def fits(v):
        return v.ndim >= 2 and v.shape[-1] == s[-1] and _batch(v.shape, s) is not None
    b = c.pick(fits)
    p = c.choice([2.0, 1.0, 3.0, float("inf")])
    differences = c.values[a][..., :, None, :] - c.values[b][..., None, :, :]
    if differences.size > MAX_SIZE * 4 or not np.all(np.abs(differences) >= GAP):
        return None
    if p == float("inf") and s[-1] > 1:
        top = np.sort(np.abs(differences), axis=-1)
        if not np.all(top[..., -1] - top[..., -2] >= GAP):
            return None
    order = "float('inf')" if p == float("inf") else repr(p)
    return f"ag.cdist({a}, {b}, {order})", [a, b]


def _batch(s1, s2):
    try:
        return np.broadcast_shapes(s1[:-2], s2[:-2])
    except ValueError:
        return None


OPS = {
    "tril": triangle("tril"),
    "triu": triangle("triu"),
    "diagonal": diagonal,
    "diag_embed": diag_embed,
    "diag": diag,
    "trace": trace,
    "diff": diff,
    "repeat_interleave": repeat_interleave,
    "movedim": movedim,
    "rot90": rot90,
    "unflatten": unflatten,
    "meshgrid": meshgrid,
    "outer": outer,
    "kron": kron,
    "cross": cross,
    "tensordot": tensordot,
    "cdist": cdist,
}
