"""gradcheck's tolerances: when backprop's value of a derivative and the numerical one agree.

A checked entry (one element's derivative, or one random direction's) passes when

    |analytic - numeric| <= atol + rtol |numeric|

An atol or rtol given to gradcheck is used as it is. Left at None, they are chosen:

- rtol: 1e-3 where every float input is float64; 1e-4 with a float32 one (a float32
  backprop is good to a few units in its last place, 1.2e-7 each, and a float16
  intermediate, off by up to 5e-4, is caught); 1e-2 with a float16 one.
- atol, float64: 1e-5 times the largest numerical derivative of the entry's input where that
  is below 1 (a function scaled by 1e-6 is checked as closely as unscaled), never below 100
  eps (2.2e-14) or the central difference's own rounding, nor above 1e-5. An entry failing
  only by this scaling is measured again with a tenth and with ten times the step, and
  fails only if backprop's value lies outside the tolerance widened by twice the spread of
  the three measurements from each of them: the numerical side's truncation error changes
  a hundredfold from one step to the next, its rounding error tenfold (where f cancels
  large terms inside, its outputs do not show it), and a wrong backward's error not at all.
  An entry that still fails, and one beyond even 1e-5 where f's outputs round by more than
  that at the step (a sum of 10,000 squares, 1e6: 6e-5), is measured with steps 10 to
  10,000 times longer, whose rounding is as many times smaller, and passes where one of
  them lands within the tolerance and is settled: within the tolerance of the measurement
  at a tenth or at ten times its step too (a truncation error that happens to match a
  wrong backward's changes a hundredfold between them; that error stays). Rounding inside
  f that its outputs do not show is measured so (a saturated softmax's gradient, whose
  1 - p rounds to units of 1e-16 while its value is 1e-13: only a step whose change spans
  many such units measures its derivative).
- atol, float32 and float16: 100 eps times the input's largest derivative or 1, whichever is
  larger (an output rounded to 1 gives a saturated slope of exactly 0). An entry failing
  where the float64 central difference's own rounding passes that atol (1e7 + x^2) is
  measured with longer steps as above.

Where atol is chosen, an entry that fails is also allowed three times the change of
backprop's value when the inputs move by a few units in their last place. That change
measures backprop's own rounding, large where it cancels (the second derivatives of a
standardization at a constant row), which the move draws anew; a systematic error (a
float16 intermediate, a wrong formula) does not move. Not at a kink, though (max(x - 1, 0)
at 1, a max at a tie): there a move crosses to another branch, and the jump of backprop's
value between branches is no rounding; it excused any value at the point itself.
"""
from typing import Callable, NamedTuple

import numpy as np

ATOL_FLOAT64 = 1e-5
_RTOL_BY_SIZE = {8: 1e-3, 4: 1e-4, 2: 1e-2}  # by the narrowest float input's item size
_LOW_PRECISION_ULPS = 100
_ROUNDING_ULPS = 16  # the central difference's rounding: f's outputs to this many ulps each
_SPREAD_TIMES = 3


class Measured(NamedTuple):
    """One checked derivative. noise: a bound on the numerical value's rounding error (one
    unit in the last place of each of f's outputs at the two steps, weighted and divided by
    the step's length); project(gradient array of the input) -> this entry's value of it;
    again(step factor) -> (numeric, noise) measured with the step times the factor, None
    where f fails there."""
    label: str
    index: object
    analytic: float
    numeric: float
    noise: float
    project: Callable
    again: Callable


class Tolerance:
    """The tolerances of one check (see the module docstring). `spread()` gives backprop's
    gradients at the inputs moved by a few ulps, a list of {label: float64 array}, one per
    move; it is called once, when a low-precision entry fails. `at_kink(m)`: whether the
    failing entry m sits at a kink of the checked function (no rounding allowance there)."""

    def __init__(self, atol, rtol, dtypes, measured, spread, at_kink=lambda m: False,
                 base=None):
        self.low = any(d != np.float64 for d in dtypes)
        self.given = atol is not None
        self.rtol = _RTOL_BY_SIZE.get(min(d.itemsize for d in dtypes), 1e-3) if rtol is None \
            else float(rtol)
        self._atol_given, self._eps = atol, float(max(np.finfo(d).eps for d in dtypes))
        # base: another check's atols by input (an output element checked alone takes the
        # weighted check's: its own could scale down to a saturated element's 1e-12 slopes)
        self.base = base if base is not None else {
            label: self._base(scale) for label, scale in _scales(measured).items()}
        self._spread, self._moves, self._at_kink = spread, None, at_kink

    def _base(self, scale):
        """The atol of an input whose largest derivative is `scale`."""
        if self.given:
            return float(self._atol_given)
        if self.low:
            return _LOW_PRECISION_ULPS * self._eps * max(scale, 1.0)
        return max(ATOL_FLOAT64 * min(scale, 1.0), _LOW_PRECISION_ULPS * self._eps)

    def text(self):
        """The tolerances, as a mismatch's report names them."""
        atols = ", ".join(f"{label} {atol:.3g}" for label, atol in self.base.items())
        return f"atol={atols}, rtol={self.rtol:g}"

    def largest_atol(self):
        return max(self.base.values(), default=ATOL_FLOAT64)

    def failures(self, measured):
        """[(excess, (label, index, analytic, numeric, relative error))] of the entries that
        fail, after a second measurement or the rounding allowance where they apply."""
        failed = []
        for m in measured:
            atol = self._atol(m.label, m.noise)
            if _within(m.analytic, m.numeric, atol, self.rtol) or not self._confirmed(m, atol):
                continue
            failed.append(_failure(m.label, m.index, m.analytic, m.numeric, atol, self.rtol))
        return failed

    def apart(self, label, a, b):
        """The failures of another pass's values `a` against plain backprop's `b` (arrays of
        one input's gradient), element by element."""
        atol = self.base.get(label, self._base(0.0))  # (an empty input has no entry)
        close = np.abs(a - b) <= atol + self.rtol * np.abs(b)  # (NaN is not close: listed)
        failed = []
        for idx in map(tuple, np.argwhere(~close).tolist()):
            allowance = 0.0 if self.given else self._allowance(  # (b's own rounding: the
                label, lambda g, idx=idx: float(g[idx]), b[idx])  # moves are plain backprop)
            if not _within(a[idx], b[idx], atol + allowance, self.rtol):
                failed.append(_failure(label, idx, float(a[idx]),
                                       float(b[idx]), atol + allowance, self.rtol))
        return failed

    def agrees(self, label, analytic, numeric, noise):
        """Whether a value of the entry's input measured with another step agrees."""
        return _within(analytic, numeric, self._atol(label, noise), self.rtol)

    def _atol(self, label, noise):
        base = self.base[label]
        if self.given or self.low:
            return base
        return min(ATOL_FLOAT64, max(base, _ROUNDING_ULPS * noise))

    def _confirmed(self, m, atol):
        """Whether the failing entry m stands (see the module docstring)."""
        if self.given or self._at_kink(m):
            return True
        allowance = self._allowance(m.label, m.project, m.analytic)
        if _within(m.analytic, m.numeric, atol + allowance, self.rtol):
            return False
        if self.low:  # (the numerical side runs in float64: where its rounding at this
            # step passes the tolerance, 1e7 + x^2 of float32 x, a longer step measures it)
            return _ROUNDING_ULPS * m.noise <= atol or not self._settles_at_longer(m)
        if not _within(m.analytic, m.numeric, ATOL_FLOAT64, self.rtol):
            # outside the unscaled tolerance no spread excuses it; but where f's own rounding
            # at this step passes that tolerance (large outputs), a longer step measures it
            return _ROUNDING_ULPS * m.noise <= ATOL_FLOAT64 or not self._settles_at_longer(m)
        measured = [(m.numeric, m.noise)] + [value for value in map(_again(m), _AGAIN)
                                             if value is not None]
        numerics = [numeric for numeric, _ in measured]
        spread = max(numerics) - min(numerics)
        return all(not _within(m.analytic, numeric,
                               self._atol(m.label, noise) + 2 * spread + allowance, self.rtol)
                   for numeric, noise in measured) and not self._settles_at_longer(m)

    def _settles_at_longer(self, m):
        """Whether a step _LONGER times m's, whose rounding is as many times smaller,
        measures backprop's value within this entry's tolerance, settled: within the
        tolerance of the measurement at a tenth or at ten times its step too. A truncation
        error that happens to match a wrong backward's error changes a hundredfold from one
        of these steps to the next, so it does not settle; nor does a wrong backward's error,
        which stays whatever the step."""
        measure = _again(m)
        shorter, value = (m.numeric, m.noise), measure(_LONGER[0])
        for factor in _LONGER:
            if value is None:  # (a domain ending within the longer step)
                return False
            longer = measure(10 * factor)
            if self.agrees(m.label, m.analytic, *value) and (
                    self.agrees(m.label, value[0], *shorter) or
                    longer is not None and self.agrees(m.label, value[0], *longer)):
                return True
            shorter, value = value, longer
        return False

    def _allowance(self, label, project, analytic):
        """_SPREAD_TIMES the largest change of an entry's backprop value over the moves."""
        if self._moves is None:
            self._moves = self._spread()
        changes = [abs(project(move[label]) - analytic) for move in self._moves
                   if move.get(label) is not None]
        change = max(changes, default=0.0)
        return _SPREAD_TIMES * change if change == change else 0.0


_AGAIN = (0.1, 10.0)  # the second measurements' steps, times the first one's
_LONGER = (10.0, 100.0, 1000.0, 1e4)  # the steps, times the first one's, where rounding is large


def _again(m):
    """factor -> (numeric, noise) of m measured with its step times factor; None where f
    fails there (a domain ending within the step) or gives no finite value."""
    def measure(factor):
        value = m.again(factor)
        return value if value is not None and abs(value[0]) < np.inf else None
    return measure


def element_value(idx, gradient):
    """An elementwise entry's value in a gradient array (Measured.project of element idx)."""
    return float(gradient[idx])


def _scales(measured):
    """{label: the largest finite |numeric| among its entries} in the entries' order."""
    scales = {}
    for m in measured:
        size = abs(m.numeric)
        scales.setdefault(m.label, 0.0)
        if size < np.inf:  # (NaN and infinities are no scale)
            scales[m.label] = max(scales[m.label], size)
    return scales


def _within(a, n, atol, rtol):
    return abs(a - n) <= atol + rtol * abs(n)  # (False for NaN)


def _failure(label, index, a, n, atol, rtol):
    """(excess over the tolerance, (label, index, a, n, relative error)), for sorting."""
    err = abs(a - n)
    scale = max(abs(a), abs(n))
    rel = err / scale if scale > 0 else float("inf")
    excess = err / (atol + rtol * abs(n)) if atol + rtol * abs(n) > 0 else float("inf")
    return (excess if excess == excess else np.inf), (label, index, a, n, rel)
