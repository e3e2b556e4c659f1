"""gradcheck's check of each output element alone: the Jacobian's entries at their own scale.

The main check weights f's outputs by random upstream gradients and sums them, one entry
per input element, judged against that sum's size. An error in a small Jacobian entry
beside a large one hides there: f(x) = (1e4 x, x^2) with a backward off by x on the
second output, or A x with A = [[1000, 0], [1, 1]] and a backward using 1.5 for A[1, 0],
passed within the rtol of the large entry (PyTorch's gradcheck, which compares the whole
Jacobian, fails both). So up to ELEMENTS_CHECKED output elements (all of them, or a seeded
sample of a larger output) are each checked alone, as if the upstream gradient were one at
that element and zero elsewhere: backprop's row of the Jacobian (one backward pass each)
against the central differences the main check took (f is not evaluated again): each
entry within the main check's atol for its input plus rtol times the entry's own size, as
PyTorch's atol + rtol |J|, with the same second measurements (autograd/check_tolerance.py);
kinks are left to the main check (numerical._ElementCheck.tolerance says why).
(An atol scaled down to the element's own slopes failed a saturated softmax's correct
1e-12 entries: its gradient there does not move at any short step.)
"""
from functools import partial

import numpy as np

from .array_text import position
from .backend import get_array_module
from .check_tolerance import Measured, element_value
from .variable import Variable

ELEMENTS_CHECKED = 64

WORDING = ("backprop disagrees with numerical differentiation for output elements checked "
           "alone (entries of the Jacobian, which the weighted check reads beside larger "
           "ones)", "analytic", "numeric")


def watched_positions(shapes, seed):
    """The output elements (output k, flat index e) to check alone, among outputs of
    `shapes`: all where they are few, else a seeded sample; none for a single element (the
    weighted check is then this one)."""
    positions = [(k, e) for k, shape in enumerate(shapes) for e in range(int(np.prod(shape)))]
    if len(positions) <= 1:
        return []
    if len(positions) > ELEMENTS_CHECKED:
        chosen = np.random.default_rng(seed).choice(len(positions), ELEMENTS_CHECKED,
                                                    replace=False)
        positions = [positions[c] for c in sorted(chosen)]
    return positions


def element_failures(check, xs, upstream):
    """(failures, entries compared, the tolerance of the worst failure's element) of every
    watched output element of check.objective. `check`: the pieces of gradcheck's check
    (numerical._ElementCheck)."""
    objective = check.objective
    rows = _rows(check, xs, upstream)  # (all before any second measurement: one of those
    failed, count, worst = [], 0, (0.0, None)  # calls f, which may be this very Function)
    for c, (k, e, shape, one_hot, analytic) in enumerate(rows):
        if one_hot is None:
            continue
        measured = _entries(check, objective, c, analytic, one_hot)
        tolerance = check.tolerance(measured, one_hot, analytic)
        where = f"output {k} element {position(e, shape)}"
        found = tolerance.failures(measured)
        failed += [(excess, (f"{label}, {where}", *rest)) for excess, (label, *rest) in found]
        count += len(measured)
        largest = max((excess for excess, _ in found), default=0.0)
        if largest > worst[0]:
            worst = (largest, tolerance)
    return failed, count, worst[1]


def _rows(check, xs, upstream):
    """[(k, e, output k's shape, one-hot upstream, backprop's gradients)] of the watched
    elements, from one graph of f at xs (one-hot None where output k has no gradient)."""
    ys = check.outputs(xs, upstream)
    rows = []
    for k, e in check.objective.positions:
        wanted = ys[k].data.dtype.kind == "f" and ys[k].requires_grad
        one_hot = _one_hot(upstream, k, e) if wanted else None
        rows.append((k, e, ys[k].shape, one_hot,
                     check.gradients(ys, xs, one_hot) if wanted else None))
    return rows


def _one_hot(upstream, k, e):
    """Upstream gradients zero everywhere but one at element e of output k."""
    gradients = []
    for j, u in enumerate(upstream):
        values = get_array_module(u.data).zeros_like(u.data)
        if j == k:
            values.reshape(-1)[e] = 1
        gradients.append(Variable(values, requires_grad=False))
    return gradients


def _entries(check, objective, c, analytic, one_hot):
    """Measured entries of the element in column c: one per element of each float input
    whose central differences were kept."""
    again = check.remeasure(one_hot)
    entries = []
    for i, (numeric, noise) in objective.columns.items():
        values = analytic[i]
        for j, idx in enumerate(np.ndindex(*values.shape)):
            entries.append(Measured(check.labels[i], idx, float(values[idx]),
                                    float(numeric[j, c]), float(noise[j, c]),
                                    partial(element_value, idx), partial(again, i, idx)))
    return entries


__all__ = ["ELEMENTS_CHECKED", "WORDING", "element_failures", "watched_positions"]
