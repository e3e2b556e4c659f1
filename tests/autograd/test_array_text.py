"""array_text: the numbers of small arrays, a min/mean/max summary with nan/inf counts of
large ones, always short enough for a graph label."""
import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.array_text import SMALL, array_text

NUMBER = r"-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)"
floats = st.floats(allow_nan=True, allow_infinity=True, width=32)


def _numbers_in(text):
    return [float(n) for n in re.findall(NUMBER, text)]


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)
                  .filter(lambda s: 0 < int(np.prod(s)) <= SMALL), elements=floats))
def test_small_arrays_show_every_number_to_4_significant_digits(a):
    shown = np.array(_numbers_in(array_text(a)))
    np.testing.assert_allclose(shown, a.ravel(), rtol=5e-4, equal_nan=True)


@given(hnp.arrays(np.float32, st.integers(SMALL + 1, 500), elements=floats))
def test_large_arrays_show_min_mean_max_of_finite_entries_and_counts(a):
    text = array_text(a)
    assert len(text) <= 90  # a label line, whatever the array
    finite = a[np.isfinite(a)]
    if finite.size:
        match = re.match(rf"min ({NUMBER}) mean ({NUMBER}) max ({NUMBER})", text)
        assert match, text
        expected = [finite.min(), finite.mean(dtype=np.float64), finite.max()]
        np.testing.assert_allclose([float(g) for g in match.groups()], expected, rtol=5e-4,
                                   atol=1e-3 * float(np.abs(finite).max()))
    else:
        assert "min" not in text
    for kind, n in (("nan", np.isnan(a).sum()), ("inf", np.isposinf(a).sum()),
                    ("-inf", np.isneginf(a).sum())):
        assert (f"· {n} {kind}" in text or text.startswith(f"{n} {kind}")) == bool(n), text


def test_examples():
    assert array_text(np.array(1 / 3)) == "0.3333"
    assert array_text(np.float32(2.5)) == "2.5"
    assert array_text(np.array([0.5, -1.0, 2.0])) == "[0.5, -1, 2]"
    assert array_text(np.arange(4).reshape(2, 2)) == "[[0, 1],\n [2, 3]]"
    assert array_text(np.array([1.0, np.nan, -np.inf])) == "[1, nan, -inf]"
    assert array_text(np.arange(10)) == "min 0 mean 4.5 max 9"
    big = np.ones(1000)
    big[:3] = np.nan
    big[3] = np.inf
    assert array_text(big) == "min 1 mean 1 max 1 · 3 nan · 1 inf"
    assert array_text(np.full(8, np.nan)) == "8 nan"
    assert array_text(np.zeros((0, 3))) == "empty (0, 3)"
    assert array_text(np.arange(10) % 3 == 0) == "4 of 10 True"


def test_the_mean_of_numbers_near_float64_s_largest_is_not_inf():
    """Their sum overflowed: ten entries of 1e308 were summarised as 'mean inf'."""
    assert array_text(np.full(10, 1e308)) == "min 1e+308 mean 1e+308 max 1e+308"
    assert array_text(np.array([1.7e308] * 6 + [-1.7e308])) == \
        "min -1.7e+308 mean 1.214e+308 max 1.7e+308"
