"""hypothesis strategies for shapes, arrays and axes: the ones rungrad's own tests use.

hypothesis is imported inside the strategy functions, so importing this module works
without it.
"""
import numpy as np

# Value ranges: wide enough to exercise an op, narrow enough that exp/pow stay well
# conditioned; 'positive' keeps a gap from 0 for log and sqrt, whose derivatives grow there.
# 'nonzero' and 'away_from_zero' are magnitudes, drawn with either sign. 'nonzero' keeps off
# 0 only by NONZERO_GAP, a thousand numerical steps: a kink at 0 (abs, relu) is never
# straddled by a step, and a backward wrong near it (a threshold of 0.01 for 0) is still
# met. 'away_from_zero' keeps the gap of 'positive', for derivatives that grow or cancel
# near 0 (|x|^p, whose float32 rounding there exceeds any tolerance).
NONZERO_GAP = 1e-3
ELEMENT_RANGES = {"bounded": (-2.0, 2.0), "positive": (0.5, 2.5),
                  "nonzero": (NONZERO_GAP, 2.5), "away_from_zero": (0.5, 2.5),
                  "unit": (0.05, 0.95)}
_SIGNED = ("nonzero", "away_from_zero")
DISTINCT_GAP = 0.05  # far above the step of numerical differentiation: no order flips


def float_dtypes():
    """float64 and float32: every op must keep float32 in float32."""
    from hypothesis import strategies as st
    return st.sampled_from([np.dtype(np.float64), np.dtype(np.float32)])


def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Array shapes (tuples), 0-d included by default."""
    from hypothesis.extra import numpy as hnp
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Tuples of `num_shapes` shapes that broadcast together, with rank differences and
    1-sized axes."""
    from hypothesis.extra import numpy as hnp
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda drawn: drawn.input_shapes)


def arrays(shape, dtype=np.float64, elements="bounded", distinct=False):
    """Float arrays of `shape` (a tuple or a strategy of tuples).

    elements: 'bounded' (in [-2, 2]), 'positive' (in [0.5, 2.5]), 'nonzero' (magnitude in
    [NONZERO_GAP, 2.5] = [1e-3, 2.5], either sign), 'away_from_zero' (magnitude in [0.5,
    2.5], either sign), 'unit' (probabilities in [0.05, 0.95]) or a (low, high) pair.
    distinct=True keeps every two values at least min(DISTINCT_GAP, (high - low) / size)
    apart, so max/min-like reductions meet no ties under numerical differentiation; a number
    instead of True is the gap to keep (a spread whose curvature float32 resolves).
    """
    from hypothesis import strategies as st
    if np.dtype(dtype).kind != "f":  # (floats cast to integers would truncate toward 0)
        raise TypeError(f"arrays: dtype must be a floating-point dtype, got {np.dtype(dtype)}: "
                        f"draw integer or boolean arrays with hypothesis.extra.numpy.arrays")
    low, high = element_range(elements)
    shape_strategy = shape if isinstance(shape, st.SearchStrategy) else st.just(tuple(shape))
    return shape_strategy.flatmap(lambda s: _values(s, np.dtype(dtype), low, high, elements,
                                                    distinct))


def valid_axes(ndim):
    """An `axis` argument for an array of `ndim` dimensions: None, an int (negative ones
    too) or a tuple of distinct axes (empty included)."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    options = [st.none(), hnp.valid_tuple_axes(ndim)]
    if ndim > 0:
        options.append(st.integers(-ndim, ndim - 1))
    return st.one_of(*options)


def element_range(elements):
    if isinstance(elements, str):
        if elements not in ELEMENT_RANGES:
            raise ValueError(f"arrays: elements must be one of {sorted(ELEMENT_RANGES)} or a "
                             f"(low, high) pair, got {elements!r}")
        return ELEMENT_RANGES[elements]
    low, high = elements
    if not low < high:
        raise ValueError(f"arrays: empty element range ({low}, {high})")
    return float(low), float(high)


def _values(shape, dtype, low, high, elements, distinct):
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    size = int(np.prod(shape))
    if distinct:
        strategy = _distinct_values(size, low, high,
                                    DISTINCT_GAP if distinct is True else float(distinct))
    else:
        # drawn in float64 and rounded to `dtype`: bounds need not be representable in it
        floats = st.floats(low, high, allow_subnormal=False)
        strategy = hnp.arrays(np.float64, size, elements=floats)
    strategy = strategy.map(lambda flat: flat.astype(dtype).reshape(shape))
    if elements in _SIGNED:
        signs = hnp.arrays(np.bool_, shape)
        strategy = st.tuples(strategy, signs).map(lambda pair: np.where(pair[1], -1, 1).astype(
            dtype) * pair[0])
    return strategy


def _distinct_values(size, low, high, gap):
    """`size` values in [low, high] in random order, pairwise at least
    min(gap, (high - low) / size) apart."""
    from hypothesis import strategies as st
    slots = max(size, int((high - low) / gap))
    step = (high - low) / slots
    picks = st.lists(st.integers(0, slots), min_size=size, max_size=size, unique=True)
    return picks.map(lambda chosen: low + step * np.asarray(chosen, np.float64))
