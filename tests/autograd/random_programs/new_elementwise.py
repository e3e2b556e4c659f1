"""Op builders for the elementwise ops added with PyTorch's names: hyperbolic and inverse
trigonometric functions, log2/log10/exp2/xlogy/logit, erf and the gamma family, lerp, and
the piecewise ones (rounding, remainders, signs). Each is (ctx, a) -> (expression, operand
names) or None, as in generator.py, and keeps its op where every derivative the variants
take (up to the third) is well defined and well conditioned:

- domains: an operand is shifted (acosh > 1, log2/log10 and the gamma family > 0) or
  scaled (asin, acos, atanh, erfinv into [-0.9, 0.9]; logit into [0.1, 0.9]) onto it;
- poles: lgamma and digamma of negative values only GAP_POLE away from the integers
  (float64 programs), else of values shifted to >= GAP_POLE_SHIFT;
- jumps and kinks: the piecewise ops (floor, ceil, trunc, round, frac, sign, fmod,
  remainder, copysign, logit's clamp) only where every element keeps GAP from them, so
  numerical differentiation never steps across one.
"""
import numpy as np
from hypothesis import strategies as st

from .values import GAP, at_least, broadcasts_into, divisor, far_from, within
from .values import binary as _binary
from .values import unary as _unary

# from a pole of digamma: its third derivative ~ 6 / d^4 there, which central differences
# (and chains of digammas) must still resolve at the numerical test's tolerance
GAP_POLE = 0.3
GAP_POLE_SHIFT = 0.5  # the positive side: digamma's third derivative ~ 100 at 0.5, as log's at 0.25


def _positive(c, a):
    return at_least(c, a, 0.25)


def _inside_unit(c, a):
    """Into [-0.9, 0.9]: asin, acos, atanh, erfinv stay off their infinite slopes at +-1."""
    return within(c, a, 0.9)


def _off_poles(v):
    """lgamma, digamma of negative values: GAP_POLE from every pole (0, -1, -2, ...) and
    above -4 (the reflection's slopes stay moderate there)."""
    return bool(np.all((v >= GAP_POLE_SHIFT) | (
        (v > -4) & (np.abs(v - np.round(v)) >= GAP_POLE))))


def _gamma(fn):
    """lgamma or digamma of `a` where it is off the poles (float64 only: each digamma near
    a pole multiplies a float32 rounding error by psi'(x) >= pi^2 - psi'(1 - x), so a
    chain of them passes that test's tolerance), else of `a` shifted to >= GAP_POLE_SHIFT."""
    def build(c, a):
        off = c.dtype == "float64" and _off_poles(c.values[a])
        return f"ag.{fn}({a if off else _gamma_domain(c, a)})", [a]
    return build


def _gamma_domain(c, a):
    return at_least(c, a, GAP_POLE_SHIFT)


def _polygamma(c, a):
    return f"ag.polygamma({c.choice([1, 2])}, {_gamma_domain(c, a)})", [a]


def _logit(c, a):
    """Into [0.1, 0.9]; eps=0.2 clamps some elements (gradient 0), none within GAP of the
    clamp's kinks."""
    arg = f"({within(c, a, 0.4)} + 0.5)"
    eps = c.choice([None, 0.2])
    if eps is None:
        return f"ag.logit({arg})", [a]
    if not far_from(c.values[a] / divisor(c.values[a], 0.4) + 0.5, [eps, 1 - eps]):
        return None
    return f"ag.logit({arg}, {eps})", [a]


def _radius(x, y):
    """atan2 and hypot: (x, y) half a unit from the origin, their only singular point."""
    return bool(np.all(np.hypot(x, y) >= 0.5))


def _atan2(x, y):
    """Also off atan2's branch cut (x = 0 at y < 0, where its value jumps by 2 pi)."""
    x, y = np.broadcast_arrays(x, y)
    return _radius(x, y) and not np.any((np.abs(x) < GAP) & (y < 0))


def _lerp(c, a):
    b = c.broadcastable(a)
    if c.draw(st.booleans()):
        return f"ag.lerp({a}, {b}, {c.choice([0.25, 0.75, -0.5, 1.5])})", [a, b]
    shape = np.broadcast_shapes(c.values[a].shape, c.values[b].shape)
    w = c.pick(lambda v: broadcasts_into(v.shape, shape))
    if w is None:
        return None
    return f"ag.lerp({a}, {b}, {w})", [a, b, w]


def _round(c, a):
    """Jumps half way between multiples of 10^-d."""
    d = c.choice([0, 1])
    scaled = c.values[a] * 10 ** d
    if not far_from(scaled - np.floor(scaled), [0.5]):  # (0.5 apart: never near 0 and 1)
        return None
    return (f"ag.round({a})" if d == 0 else f"ag.round({a}, decimals={d})"), [a]


def _off_integers(v):
    return far_from(v - np.round(v), [0])


def _modulo(fn):
    """fmod, remainder: jumps where a / b is a whole number; b kept from 0."""
    def build(c, a):
        b = c.broadcastable(a)
        x, y = np.broadcast_arrays(c.values[a], c.values[b])
        if not np.all(np.abs(y) >= 0.25):
            return None
        q = x / y
        if not _off_integers(q) or not np.all(np.abs(q) <= 100):
            return None
        return f"ag.{fn}({a}, {b})", [a, b]
    return build


def _copysign(c, a):
    """|a| with b's sign: a kink at a = 0, a jump at b = 0."""
    b = c.broadcastable(a)
    if not far_from(c.values[a], [0]) or not far_from(c.values[b], [0]):
        return None
    return f"ag.copysign({a}, {b})", [a, b]


OPS = {
    "sinh": _unary("ag.sinh({a})", lambda x: np.all(np.abs(x) <= 3)),
    "cosh": _unary("ag.cosh({a})", lambda x: np.all(np.abs(x) <= 3)),
    "asinh": _unary("ag.asinh({a})"),
    "acosh": _unary("ag.acosh({a})", domain=lambda c, a: at_least(c, a, 1.25)),
    "atanh": _unary("ag.atanh({a})", domain=_inside_unit),
    "asin": _unary("ag.asin({a})", domain=_inside_unit),
    "acos": _unary("ag.acos({a})", domain=_inside_unit),
    "atan": _unary("ag.atan({a})"),
    "atan2": _binary("ag.atan2({a}, {b})", _atan2),
    "hypot": _binary("ag.hypot({a}, {b})", _radius),
    "log2": _unary("ag.log2({a})", domain=_positive),
    "log10": _unary("ag.log10({a})", domain=_positive),
    "exp2": _unary("ag.exp2({a})", lambda x: np.all(x <= 4)),
    "xlogy": _binary("ag.xlogy({a}, {b})", domain=_positive),
    "logit": _logit,
    "erf": _unary("ag.erf({a})"),
    "erfc": _unary("ag.erfc({a})"),
    "erfinv": _unary("ag.erfinv({a})", domain=_inside_unit),
    "lgamma": _gamma("lgamma"),
    "digamma": _gamma("digamma"),
    "polygamma": _polygamma,
    "lerp": _lerp,
    "floor": _unary("ag.floor({a})", _off_integers),
    "ceil": _unary("ag.ceil({a})", _off_integers),
    "trunc": _unary("ag.trunc({a})", _off_integers),
    "frac": _unary("ag.frac({a})", _off_integers),
    "round": _round,
    "sign": _unary("ag.sign({a})", lambda x: far_from(x, [0])),
    "fmod": _modulo("fmod"),
    "remainder": _modulo("remainder"),
    "copysign": _copysign,
    "nan_to_num": _unary("ag.nan_to_num({a})"),  # (no NaN or inf here: the identity)
}
