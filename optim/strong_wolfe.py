"""The strong-Wolfe line search of L-BFGS (minFunc's, as PyTorch's LBFGS runs it)."""
from collections import namedtuple

# A point tried along the direction d: step t, loss f, flat gradient g, slope gtd = g . d
Trial = namedtuple("Trial", "t f g gtd")


def strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                 max_ls=25):
    """(loss, gradient, t, evaluations) at a step t along d satisfying the strong Wolfe
    conditions (sufficient decrease, c1, and a flatter slope, c2), or the best point found
    in `max_ls` evaluations. `evaluate(t)` gives (loss, flat gradient) at x + t d; f, g,
    gtd are those at t = 0."""
    start = Trial(0, f, g, gtd)
    bracket, done, evals = _bracket(evaluate, start, t, d, c1, c2, max_ls)
    best, evals = _zoom(evaluate, start, bracket, done, evals, d, c1, c2, tolerance_change,
                        max_ls)
    return best.f, best.g, best.t, evals


def _tried(evaluate, t, d):
    f, g = evaluate(t)
    return Trial(t, f, g, g.dot(d))


def _bracket(evaluate, start, t, d, c1, c2, max_ls):
    """Grow the step until an interval holds an acceptable one: (bracket, done,
    evaluations), `done` when the last step tried is acceptable itself (a one-point
    bracket)."""
    new, evals = _tried(evaluate, t, d), 1
    prev = start
    for ls_iter in range(max_ls):
        if new.f > start.f + c1 * new.t * start.gtd or (ls_iter > 1 and new.f >= prev.f):
            return [prev, new], False, evals
        if abs(new.gtd) <= -c2 * start.gtd:
            return [new], True, evals
        if new.gtd >= 0:
            return [prev, new], False, evals
        # extrapolate: between a little past t and ten times t
        bounds = (new.t + 0.01 * (new.t - prev.t), new.t * 10)
        t = cubic_minimum(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd, bounds)
        prev, new, evals = new, _tried(evaluate, t, d), evals + 1
    return [start, new], False, evals  # out of evaluations: the best of the two ends


def _zoom(evaluate, start, bracket, done, evals, d, c1, c2, tolerance_change, max_ls):
    """Shrink the bracket by cubic interpolation until a point satisfies the conditions;
    (the lowest point, evaluations)."""
    low, high = _ends(bracket)
    insufficient = False
    while not done and evals - 1 < max_ls:
        ts = (bracket[0].t, bracket[1].t)
        if abs(ts[1] - ts[0]) * largest_magnitude(d) < tolerance_change:
            break
        t = cubic_minimum(*bracket[0][:2], bracket[0].gtd, *bracket[1][:2], bracket[1].gtd)
        t, insufficient = _away_from_ends(t, min(ts), max(ts), insufficient)
        new = _tried(evaluate, t, d)
        evals += 1
        if new.f > start.f + c1 * t * start.gtd or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = _ends(bracket)
            continue
        if abs(new.gtd) <= -c2 * start.gtd:
            done = True
        elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]  # the old high becomes the new low
        bracket[low] = new
    return bracket[low], evals


def _ends(bracket):
    """(index of the lower loss, the other) in a bracket of one or two trials."""
    return (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)


def _away_from_ends(t, lo, hi, insufficient):
    """t, moved to a tenth of the bracket from its nearest end when it comes that close to
    an end twice in a row (or lands on or past one): progress however small the steps."""
    eps = 0.1 * (hi - lo)
    if min(hi - t, t - lo) >= eps:
        return t, False
    if not (insufficient or t >= hi or t <= lo):
        return t, True
    return (hi - eps if abs(t - hi) < abs(t - lo) else lo + eps), False


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer, within `bounds` (default: between x1 and x2), of the cubic through
    two points with values f and slopes g; the middle of the bounds where it has none."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if not d2_square >= 0:  # (NaN too)
        return (lo + hi) / 2.0
    d2 = d2_square ** 0.5
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


def largest_magnitude(v):
    """max |v| over a flat array (0 for an empty one)."""
    return abs(v).max() if v.size else 0.0
