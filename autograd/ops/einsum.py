"""einsum: NumPy's Einstein summation (explicit labels, and '...' for broadcast axes)."""
import math
import string

import numpy as np

from ..backend import get_array_module, unaliased
from ..function import Function
from ..spec import Choice, Spec
from ..variable import as_variables, wrap
from .accumulation import widened

_PLAN_WORTH = 20_000  # label-space size above which einsum's optimize pays for its planning


class Einsum(Function):
    """y = einsum(subscripts, *xs);  dx_i = einsum(out, xs except x_i -> subscript of x_i)
    (with identity factors for its repeated labels and ones for its summed-away ones)"""

    # square operands: every subscript choice below fits
    input_specs = (Spec(shape=("N", "N")), Spec(shape=("N", "N")))
    arg_specs = {"subscripts": Choice("ij,jk->ik", "ij,jk", "ij,ij->", "ii,ij->j", "ij,kl->ijkl",
                                      "ii,jj->ij", "ij,ji->i", "ii,jj->", "ij,ik->jk", "ij,kj")}
    apply = staticmethod(lambda x, y, subscripts: einsum(subscripts, x, y))
    reference = staticmethod(lambda x, y, subscripts: np.einsum(subscripts, x, y))

    def __init__(self, inputs, output):
        self.ins, self.out = inputs, output  # one label string per operand, the output's

    def forward(self, *xs):
        spec = ",".join(self.ins) + "->" + self.out
        # NumPy's plain einsum loops over every label at once; optimize=True contracts pairs
        # with BLAS (5x faster for a 256^2 matmul), at ~40 us of planning: worth it past
        # small problems and for 3+ operands
        loops = math.prod(_sizes(self.ins, [x.shape for x in xs]).values())
        optimize = len(xs) > 2 or loops > _PLAN_WORTH
        # (float16 in float32, rounded once: NumPy's float16 einsum sums in float16)
        y = widened(lambda *arrays: get_array_module(xs[0]).einsum(spec, *arrays,
                                                                  optimize=optimize), *xs)
        return unaliased(y, *xs)

    def backward(self, gy):
        xs = self.inputs
        sizes = _sizes(self.ins, [x.shape for x in xs])
        return tuple(self._grad(k, gy, sizes) if need else None
                     for k, need in enumerate(self.needs_input_grad))

    def _grad(self, k, gy, sizes):
        """dL/dx_k as one einsum of gy, the other operands and constant factors."""
        labels = self.ins[k]
        others = [(sub, x) for i, (sub, x) in enumerate(zip(self.ins, self.inputs)) if i != k]
        operands = [(self.out, gy)] + others
        seen = "".join(sub for sub, _ in operands)
        free = iter(c for c in string.ascii_letters if c not in "".join(self.ins) + self.out)
        xp = get_array_module(gy.data)
        target = ""
        for label in labels:
            if label in target:  # a repeated label: x_k's diagonal, an identity factor
                fresh = next(free)
                eye = xp.eye(sizes[label], dtype=gy.dtype)
                operands.append((label + fresh, wrap(eye)))
                label = fresh
            elif label not in seen:  # summed in x_k alone: dy/dx_k is constant along it
                operands.append((label, wrap(xp.ones(sizes[label], gy.dtype))))
                seen += label
            target += label
        return einsum(",".join(sub for sub, _ in operands) + "->" + target,
                      *[v for _, v in operands])


def _sizes(ins, shapes):
    sizes = {}
    for sub, shape in zip(ins, shapes):
        for label, n in zip(sub, shape):
            sizes.setdefault(label, n)
    return sizes


def _parse(subscripts, shapes):
    """(input label strings, output labels) from NumPy-style subscripts, checked against
    the operands' shapes; implicit mode ('ij,jk') outputs the labels seen once, sorted,
    after the broadcast ('...') axes."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    spec = subscripts.replace(" ", "")
    lhs, arrow, out = spec.partition("->")
    ins = lhs.split(",")
    bad = set(spec.replace("...", "")) - set(string.ascii_letters) - {",", "-", ">"}
    if bad or "->" in out or (not arrow and "-" in lhs + out):
        raise ValueError(f"einsum: invalid subscripts {subscripts!r}: labels must be letters "
                         f"(and '...' once per operand)")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(ins)} operands, got {len(shapes)}")
    singles = "".join(sorted(c for c in set(lhs) - {".", ","} if lhs.count(c) == 1))
    ins, broadcast = _expand_ellipses(ins, shapes, spec, subscripts)
    if not arrow:
        out = broadcast + singles
    elif "..." in out:
        out = out.replace("...", broadcast, 1)
    elif broadcast:
        raise ValueError(f"einsum: {subscripts!r} has axes under '...' but its output has no "
                         f"'...' to keep them (NumPy's rule)")
    sizes = {}
    for k, (sub, shape) in enumerate(zip(ins, shapes)):
        if len(sub) != len(shape):
            raise ValueError(f"einsum: operand {k} has shape {shape} ({len(shape)} axes) but "
                             f"subscript {sub!r} has {len(sub)} labels")
        own = {}
        for label, n in zip(sub, shape):
            if own.setdefault(label, n) != n:  # a diagonal: no broadcasting (NumPy's rule)
                raise ValueError(f"einsum: label {label!r} is repeated in operand {k} with "
                                 f"sizes {own[label]} and {n} (shape {shape})")
            m = sizes.setdefault(label, n)
            if m != n and 1 not in (m, n):  # size 1 broadcasts against any, as NumPy's
                raise ValueError(f"einsum: label {label!r} has size {m} and {n} "
                                 f"(operand shapes {', '.join(map(str, shapes))})")
            if m == 1:
                sizes[label] = n
    if len(set(out)) != len(out) or set(out) - set(sizes):
        raise ValueError(f"einsum: output {out!r} of {subscripts!r} repeats a label or names "
                         f"one no operand has")
    return _own_letters_for_ones(ins, shapes, sizes, out, subscripts), out


def _own_letters_for_ones(ins, shapes, sizes, out, subscripts):
    """The subscripts with each label that has size 1 in an operand but is larger in another
    (NumPy broadcasts it) given a letter of its own in that operand: summed away there, the
    operand is constant along the label, and its gradient adds up the broadcast."""
    free = iter(c for c in string.ascii_letters if c not in "".join(ins) + out)
    renamed = []
    for sub, shape in zip(ins, shapes):
        own = {}
        for label, n in zip(sub, shape):
            if n == 1 and sizes[label] != 1 and label not in own:
                own[label] = next(free, None)
                if own[label] is None:
                    raise ValueError(f"einsum: too many axes in {subscripts!r}")
        renamed.append("".join(own.get(label, label) for label in sub))
    return tuple(renamed)


def _expand_ellipses(ins, shapes, spec, subscripts):
    """The subscripts with each '...' spelled out in fresh letters for the axes it covers,
    right-aligned across operands as NumPy broadcasts them (an axis of size 1 against a
    larger one is then broadcast as any label is, see _own_letters_for_ones). Also returns
    the letters of the broadcast axes, in order."""
    if "..." not in spec:
        return ins, ""
    counts = []
    for k, (sub, shape) in enumerate(zip(ins, shapes)):
        rest = sub.replace("...", "", 1)
        if "." in rest or (rest == sub and "." in sub):
            raise ValueError(f"einsum: invalid subscripts {subscripts!r}: '...' at most once "
                             f"per operand, and no lone '.'")
        counts.append(len(shape) - len(rest) if "..." in sub else 0)
        if counts[-1] < 0:
            raise ValueError(f"einsum: operand {k} has shape {shape} ({len(shape)} axes) but "
                             f"subscript {sub!r} has {len(rest)} labels")
    spans = [shape[sub.index("..."):sub.index("...") + n] if n else ()
             for sub, shape, n in zip(ins, shapes, counts)]
    try:
        full = np.broadcast_shapes(*spans)
    except ValueError:
        raise ValueError(f"einsum: the '...' axes {', '.join(map(str, spans))} of "
                         f"{subscripts!r} do not broadcast") from None
    free = [c for c in string.ascii_letters if c not in spec]
    if len(free) < len(full):
        raise ValueError(f"einsum: too many axes under '...' in {subscripts!r}")
    letters = "".join(free[:len(full)])
    expanded = [sub.replace("...", letters[len(full) - len(span):], 1)
                for sub, span in zip(ins, spans)]
    return expanded, letters


def einsum(subscripts, *operands):
    """NumPy's einsum, differentiable in every operand ('...' broadcasts as NumPy's); the
    operands may come as one list, as torch.einsum also takes them."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum: need at least one operand")
    xs = as_variables(operands, "einsum")
    ins, out = _parse(subscripts, [x.shape for x in xs])
    return Einsum(ins, out)(*xs)
