"""keras.ops at the edges an adversarial review found wrong (each checked against NumPy's
value, or Keras' where NumPy has none): NaNs and infinities, integer and boolean data, float32
kept float32, limits of casts, axes out of range, and bad arguments refused by name."""
import numpy as np
import pytest

from autograd import Variable, gradcheck
from nn.keras import ops

X32 = np.array([-1.0, 0.0, 2.0], np.float32)


def _value(result):
    return np.asarray(result.data)


def test_nan_propagates_through_median_and_quantile_and_not_through_nanmedian():
    row = np.array([1.0, np.nan, 2.0], np.float32)
    assert np.isnan(_value(ops.median(row)))
    assert np.isnan(_value(ops.quantile(np.array([3.0, np.nan, 2.0, 1.0]), 0.5)))
    np.testing.assert_array_equal(_value(ops.quantile(
        np.array([[3.0, np.nan, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0]]), [0.5], axis=1))[0],
        [np.nan, 2.5])
    assert _value(ops.nanmedian(np.array([1.0, 2.0, np.inf, np.nan, 7.0]))) == 4.5
    assert _value(ops.nanmedian(np.array([1.0, 2.0, -np.inf]))) == 1.0
    long = np.arange(5001).astype(np.float16)  # (ranks above 2048: not float16 numbers)
    assert _value(ops.nanmedian(long)) == np.median(long)


def test_nan_reductions_keep_integers_exact_and_mark_all_nan_rows():
    assert _value(ops.nanmax(np.array([2 ** 53 + 1, 3]))) == 2 ** 53 + 1
    assert ops.nancumsum(np.array([1, 2], np.int32)).dtype.kind == "i"  # (not float64)
    index = ops.nanargmax(np.array([[np.nan, np.nan], [1.0, 2.0]]), axis=1)
    np.testing.assert_array_equal(_value(index), [-1, 1])  # (Keras' -1)
    assert index.dtype == np.int32


def test_segments_of_integers_and_booleans_leave_empty_segments_their_limit():
    ids = np.array([0, 0, 2])
    np.testing.assert_array_equal(_value(ops.segment_min(np.array([5, 2, 7], np.int32), ids,
                                                         num_segments=3)),
                                  [2, np.iinfo(np.int32).max, 7])
    np.testing.assert_array_equal(_value(ops.segment_min(np.array([5, 2, 7], np.uint8),
                                                         np.array([0, 0, 1]))), [2, 7])
    np.testing.assert_array_equal(_value(ops.segment_max(np.array([False, False, True]),
                                                         np.array([0, 0, 1]))), [False, True])
    np.testing.assert_array_equal(_value(ops.segment_max(np.array([1.0, 5.0, 3.0]), ids)),
                                  [5.0, -np.inf, 3.0])


@pytest.mark.parametrize("value, dtype, expected", [
    (3e10, "int32", np.iinfo(np.int32).max), (-3e10, "int32", np.iinfo(np.int32).min),
    (5e9, "uint32", np.iinfo(np.uint32).max), (1e20, "uint64", np.iinfo(np.uint64).max)])
def test_saturate_cast_stays_inside_the_integer_range(value, dtype, expected):
    """(The float limit rounded past the integer one, and the cast wrapped around.)"""
    result = int(_value(ops.saturate_cast(np.array([value], np.float32), dtype))[0])
    assert 0 <= abs(expected - result) <= abs(expected) * 2 ** -20  # (inside, at the limit)
    assert np.sign(result) == np.sign(expected)


def test_infinities_in_isclose_and_logaddexp():
    assert not _value(ops.isclose(np.float32(np.inf), np.float32(-np.inf)))
    assert _value(ops.isclose(np.inf, np.inf))
    assert _value(ops.logaddexp(-np.inf, -np.inf)) == -np.inf
    assert _value(ops.logaddexp(np.inf, np.inf)) == np.inf
    assert _value(ops.logaddexp2(-np.inf, -np.inf)) == -np.inf


def test_floor_divide_is_exact_and_keeps_integers():
    assert int(_value(ops.floor_divide(np.array([2 ** 62 + 1]), np.array([1])))[0]) == \
        2 ** 62 + 1
    assert _value(ops.floor_divide(np.float32(1.0), np.float32(0.1))) == 9.0  # (NumPy's)
    assert ops.floor_divide(np.array([7], np.int32), 2).dtype == np.int32
    with pytest.raises(ZeroDivisionError, match="floor_divide: integer division by zero"):
        ops.floor_divide(np.array([7], np.int32), np.array([0], np.int32))


def test_a_python_number_beside_a_float32_tensor_keeps_it_float32():
    for result in (ops.heaviside(X32, 0.5), ops.fmax(1.5, X32), ops.outer(X32, 2.0),
                   ops.append(X32, 1.0), ops.kron(X32, 2.0), ops.inner(X32, 2.0)):
        assert result.dtype == np.float32
    np.testing.assert_array_equal(_value(ops.heaviside(X32, 0.5)), [0.0, 0.5, 1.0])


def test_structures_in_loops_scans_maps_and_custom_gradients():
    counted, n = ops.while_loop(lambda a, n: n < 2, lambda a, n: ((a[0] + 1, a[1] * 2), n + 1),
                                ((0, 1.5), 0))
    assert counted[0].dtype == np.int32 and float(counted[1].data) == 6.0
    carry, ys = ops.scan(lambda c, x: (c + x, None), 0.0, np.arange(3.0))
    assert float(carry.data) == 3.0 and ys is None
    np.testing.assert_array_equal(_value(ops.map(lambda x: x["a"] * 2, {"a": np.arange(3.0)})),
                                  [0.0, 2.0, 4.0])

    @ops.custom_gradient
    def two(x, factor=1.0):
        return (x * 2, x * 3), (lambda g2, g3: (g2 * 2 + g3 * 3) * factor)
    x = Variable(np.array([1.0, 2.0]), requires_grad=True)
    doubled, tripled = two(x, factor=10.0)
    (doubled.sum() + tripled.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [50.0, 50.0])


def test_attention_masks_as_keras_bias_with_causal_and_a_row_that_may_look_nowhere():
    rng = np.random.default_rng(0)
    q = rng.normal(size=(1, 2, 1, 4)).astype(np.float32)
    nowhere = ops.dot_product_attention(q, q, q, mask=np.zeros((1, 1, 2, 2), bool))
    np.testing.assert_allclose(_value(nowhere)[0, :, 0], np.repeat(q[0].mean(0), 2, axis=0),
                               rtol=1e-6)  # (every key weighed alike, as Keras')
    causal = ops.dot_product_attention(q, q, q, bias=np.zeros((1, 1, 2, 2), np.float32),
                                       is_causal=True)
    np.testing.assert_allclose(_value(causal)[0, 0], q[0, 0], rtol=1e-6)  # (first: itself)


def test_smaller_edges_as_numpy():
    assert float(_value(ops.corrcoef(np.array([1.0, 2.0, 4.0])))) == pytest.approx(1.0)
    np.testing.assert_array_equal(_value(ops.hstack([np.float32(1), np.float32(2)])), [1, 2])
    assert float(_value(ops.average([1.0, 2.0, 3.0], weights=[1, 1, 2]))) == 2.25
    assert _value(ops.take(np.arange(3.0), [], axis=0)).shape == (0,)
    np.testing.assert_array_equal(_value(ops.saturate_cast(np.array([0.0, 2.0]), "bool")),
                                  [False, True])


@pytest.mark.parametrize("call, message", [
    (lambda: ops.take(np.ones((2, 3)), [1], axis=3), "take: axis 3 is not an axis"),
    (lambda: ops.median(np.ones((2, 3)), axis=2), "median: axis 2 is not a set of distinct"),
    (lambda: ops.quantile(np.ones((2, 3)), 0.5, axis=(1, 1)), "quantile: axis"),
    (lambda: ops.batch_normalization(np.ones((2, 3)), np.zeros(3), np.ones(3)),
     "batch_normalization: give the axis"),
    (lambda: ops.extract_sequences(np.ones(5), 2, 0), "extract_sequences: sequence_length"),
    (lambda: ops.in_top_k(np.array([0]), np.ones((1, 3)), 0), "in_top_k: k=0"),
    (lambda: ops.slice(np.ones((3, 3)), [2, 0], (2, 2)),
     r"slice: a block of shape \(2, 2\) at \(2, 0\) is not inside"),
    (lambda: ops.slice_update(np.ones((3, 3)), [-1, 0], np.ones((2, 2))), "slice_update"),
    (lambda: ops.segment_sum(np.ones((3, 2)), [0, 1]), "segment_sum: 2 ids for data of 3"),
    (lambda: ops.dot_product_attention(*[np.ones((2, 3))] * 3), "are 4-D"),
])
def test_bad_arguments_are_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_ldexp_takes_integer_exponents_only():
    assert float(_value(ops.ldexp(np.float32(1.0), 3))) == 8.0
    with pytest.raises(TypeError, match="ldexp: the exponents must be integers"):
        ops.ldexp(np.float32(1.0), np.float32(0.5))


def test_the_complex_parts_of_real_numbers_are_numpys():
    """(Keras' PyTorch backend refuses imag of real tensors; NumPy's is zeros.)"""
    x = Variable(X32)
    np.testing.assert_array_equal(_value(ops.imag(x)), np.imag(X32))
    assert ops.imag(x).dtype == np.float32 and ops.real(x).dtype == np.float32
    np.testing.assert_array_equal(_value(ops.angle(x)), np.angle(X32))
    np.testing.assert_array_equal(_value(ops.conj(x)), X32)


def test_sparsemax_rows_are_distributions_and_its_gradient_is_the_projections():
    z = np.array([[1.0, 1.2, -0.5], [0.1, 0.2, 0.3], [3.0, 0.0, 0.0]])
    p = Variable(z, requires_grad=True)
    out = ops.sparsemax(p)
    np.testing.assert_allclose(_value(out).sum(axis=1), 1.0)
    np.testing.assert_allclose(_value(out)[0], [0.4, 0.6, 0.0])
    np.testing.assert_allclose(_value(out)[2], [1.0, 0.0, 0.0])
    (out * np.array([1.0, 2.0, 3.0])).sum().backward()
    # d out / d z on the support S: I - 1 1^T / |S| (zero elsewhere)
    np.testing.assert_allclose(p.grad.data[0], [-0.5, 0.5, 0.0])
    np.testing.assert_allclose(p.grad.data[1], [-1.0, 0.0, 1.0], atol=1e-12)


def test_divide_no_nan_has_no_nan_in_its_value_or_gradient():
    x = Variable(np.array([1.0, 2.0]), requires_grad=True)
    y = Variable(np.array([0.0, 4.0]), requires_grad=True)
    ops.divide_no_nan(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.25])
    np.testing.assert_array_equal(y.grad.data, [0.0, -2.0 / 16])


def test_solve_triangular_reads_only_its_triangle():
    a = np.array([[2.0, 99.0], [1.0, 4.0]])  # (99: above the diagonal, not read with lower)
    b = np.array([2.0, 9.0])
    np.testing.assert_allclose(_value(ops.solve_triangular(a, b, lower=True)), [1.0, 2.0])
    np.testing.assert_allclose(_value(ops.solve_triangular(a.T, b)),
                               np.linalg.solve(np.triu(a.T), b))


def test_histogram_counts_as_numpy_at_the_edges():
    values = np.array([0.0, 0.5, 1.0, 1.0, 2.0, -3.0])
    counts, edges = ops.histogram(values, bins=2, range=(0.0, 1.0))  # (1.0: the last bin)
    expected_counts, expected_edges = np.histogram(values, bins=2, range=(0.0, 1.0))
    np.testing.assert_array_equal(_value(counts), expected_counts)
    np.testing.assert_allclose(_value(edges), expected_edges)
    counts, edges = ops.histogram(np.full(3, 5.0), bins=4)  # (one value: 5 +- 0.5)
    np.testing.assert_array_equal(_value(counts), np.histogram(np.full(3, 5.0), bins=4)[0])
    np.testing.assert_allclose(_value(edges), np.histogram(np.full(3, 5.0), bins=4)[1])


def test_nanquantile_of_a_row_of_nans_is_nan_and_of_float16_is_exact():
    rows = np.array([[np.nan, np.nan, np.nan], [3.0, np.nan, 1.0]])
    np.testing.assert_array_equal(_value(ops.nanquantile(rows, 0.25, axis=1)), [np.nan, 1.5])
    long = np.arange(5001).astype(np.float16)
    assert _value(ops.nanpercentile(long, 90.0)) == np.percentile(long, 90.0).astype(np.float16)


def test_windows_take_a_count_or_a_tensor_of_one():
    np.testing.assert_allclose(_value(ops.hamming(Variable(np.array(5)))), np.hamming(5),
                               rtol=1e-6)
    assert ops.kaiser(4, 2.0).dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: ops.gcd(np.ones(2), np.ones(2, np.int64)), "gcd: expected integer values, got "
                                                        "dtype float64"),
    (lambda: ops.bitwise_and(np.ones(2), 1), "bitwise_and: expected integer or boolean"),
    (lambda: ops.histogram(np.ones(3), bins=0), "histogram: bins must be a positive int"),
    (lambda: ops.depth_to_space(np.ones((1, 2, 2, 3)), 2), "depth_to_space: 3 channels do not "
                                                           "fill blocks of 2 x 2"),
    (lambda: ops.space_to_depth(np.ones((2, 2)), 2), r"space_to_depth: expected images"),
    (lambda: ops.correlate(np.ones((2, 2)), np.ones(2)), "correlate: expects two non-empty "
                                                         "1-D tensors"),
    (lambda: ops.nanquantile(np.ones(3), 1.5), r"nanquantile: q must be a number or 1-D, "
                                               r"within \[0, 1\]"),
    (lambda: ops.conv_transpose(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), padding="causal"),
     "conv_transpose: padding must be one of 'valid', 'same', got 'causal'"),
])
def test_what_the_new_ops_cannot_do_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("kth", [0, 2, 4, -1])
def test_argpartition_puts_the_kth_smallest_in_place_the_smaller_ones_before(kth):
    """(Keras 3.15.1's PyTorch backend casts the values to int32 first: 0.3 and 0.7 tie; the
    order within each side is NumPy's to choose, so the property is checked.)"""
    x = np.array([[0.7, 0.3, 2.5, -1.0, 0.4], [5.0, 4.0, 3.0, 2.0, 1.0]])
    index = _value(ops.argpartition(x, kth))
    assert index.dtype == np.int32
    parted = np.take_along_axis(x, index, axis=-1)
    np.testing.assert_array_equal(parted[:, kth], np.sort(x, axis=-1)[:, kth])
    k = kth % x.shape[1]
    pivot = parted[:, k:k + 1]
    assert (parted[:, :k] <= pivot).all() and (parted[:, k + 1:] >= pivot).all()


def test_dtype_names_and_what_needs_values_is_refused_on_symbolic_tensors():
    import nn.keras as keras
    assert ops.dtype(Variable(X32)) == "float32" and ops.dtype(np.zeros(1, np.int64)) == "int64"
    with pytest.raises(ValueError, match="keras.ops.unique on a functional model's symbolic"):
        ops.unique(keras.Input(shape=(3,)))
    with pytest.raises(ValueError, match="keras.ops.associative_scan runs Python functions"):
        ops.associative_scan(ops.add, keras.Input(shape=(3,)))
    with pytest.raises(ValueError, match="associative_scan: the tensors of elems differ"):
        ops.associative_scan(lambda a, b: a, (np.ones(2), np.ones(3)))
    with pytest.raises(ValueError, match="keras.ops.jvp: give as many tangents as primals"):
        ops.jvp(ops.sin, (np.ones(2),), ())
    with pytest.raises(ValueError, match="argpartition: kth must be an int in"):
        ops.argpartition(np.ones(3), 3)


def test_review_fixes_of_the_new_ops():
    """Found by an adversarial review, each checked against NumPy (or PyTorch's rule)."""
    a = np.random.default_rng(0).normal(size=(2, 3, 3)) + 3 * np.eye(3)
    # solve: b (..., n) is a batch of vectors only with a's shape but its last axis
    assert ops.solve(a, np.ones((3, 3))).shape == (2, 3, 3)
    assert ops.solve(a, np.ones((2, 3))).shape == (2, 3)
    # cholesky_inverse reads the factor's triangle alone
    factor = np.array([[2.0, 5.0], [1.0, 1.0]])  # (5: above the diagonal, not read)
    np.testing.assert_allclose(_value(ops.cholesky_inverse(factor)),
                               np.linalg.inv(np.tril(factor) @ np.tril(factor).T))
    # angle of NaN is NaN; lstsq of an integer b in a's float dtype
    assert np.isnan(_value(ops.angle(np.array([np.nan])))[0])
    assert ops.lstsq(np.eye(2, dtype=np.float32), np.ones(2, np.int32)).dtype == np.float32
    # histogram of nothing, of one value, with a range of one point: NumPy's
    for values, kwargs in [(np.zeros(0), {}), (np.full(3, 2.0), {}),
                           (np.array([1.0, 2.0]), {"range": (1.0, 1.0)})]:
        counts, edges = ops.histogram(values, **kwargs)
        expected_counts, expected_edges = np.histogram(values, **kwargs)
        np.testing.assert_array_equal(_value(counts), expected_counts)
        np.testing.assert_allclose(_value(edges), expected_edges)


@pytest.mark.parametrize("call, message", [
    (lambda: ops.histogram(np.array([1.0, np.inf])), r"histogram: the values' range \[1.0, "
                                                     r"inf\] is not finite"),
    (lambda: ops.histogram(np.array([np.nan, 1.0])), "histogram: the values' range"),
    (lambda: ops.histogram(np.ones(2), range=(3, 0)), "histogram: range must be finite"),
    (lambda: ops.depth_to_space(np.ones((1, 2, 2, 4)), 0), "depth_to_space: block_size must "
                                                           "be a positive int, got 0"),
    (lambda: ops.space_to_depth(np.ones((1, 2, 2, 4)), 1.5), "space_to_depth: block_size must"),
    (lambda: ops.allclose(np.ones(3), np.ones(2)), r"allclose: shapes \(3,\) and \(2,\) do "
                                                   "not broadcast"),
    (lambda: ops.associative_scan(ops.add, np.zeros(0)), "associative_scan: nothing to scan"),
    (lambda: ops.associative_scan(ops.add, np.ones(3), axis=2), "associative_scan: elems must "
                                                                "hold tensors with an axis 2"),
    (lambda: ops.conv_transpose(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), strides=2,
                                output_padding=2), r"conv_transpose: output_padding \(2, 2\) "
                                                   "must be smaller than the strides"),
])
def test_what_the_reviewed_ops_cannot_do_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_vectorize_loops_over_elements_or_core_blocks_and_refuses_mismatches():
    dot = ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(_value(dot(x, np.ones(3))), x.sum(axis=1))
    both = ops.vectorize(lambda a: (ops.sum(a), a * 2), signature="(n)->(),(n)")(x)
    assert both[0].shape == (2,) and both[1].shape == (2, 3)
    power = ops.vectorize(lambda a, k: a ** k, excluded={1})
    np.testing.assert_array_equal(_value(power(np.arange(3.0), 2)), [0.0, 1.0, 4.0])
    with pytest.raises(ValueError, match="core axis 'n' has sizes 3 and 4"):
        dot(x, np.ones(4))
    with pytest.raises(ValueError, match="signature must read"):
        ops.vectorize(len, signature="(n)")(x)


def test_second_review_fixes_of_the_new_ops():
    """Found by a second adversarial review, each checked against NumPy or PyTorch."""
    from autograd import ops as ag_ops
    # ctc_decode: lengths beyond the steps are all of them; mask_index None is the last class
    scores = np.log(np.array([[[0.1, 0.7, 0.2], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]]))
    paths, _ = ops.ctc_decode(scores, np.array([5]), strategy="beam_search", beam_width=3)
    greedy, _ = ops.ctc_decode(scores, np.array([3]), mask_index=None)
    np.testing.assert_array_equal(_value(greedy)[0, 0, :2], [1, 0])
    assert _value(paths).shape == (1, 1, 3)
    # unique of NaNs: one first index per value (NaNs each distinct)
    values, first = ops.unique(np.array([3.0, np.nan, 1.0, np.nan, 3.0, 2.0]),
                               return_index=True)
    assert len(_value(values)) == len(_value(first)) == 5
    # istft refuses samples no window covers (PyTorch's check); a window may be a tensor
    with pytest.raises(ValueError, match="istft: the window's overlap-add is 0"):
        ops.istft(ops.stft(np.arange(32.0) + 1, 8, 8, 8), 8, 8, 8)
    window = Variable(np.hanning(9)[:-1], requires_grad=True)
    real, imag = ops.stft(np.sin(np.arange(40.0)), 8, 4, 8, window=window)
    ag_ops.sum(real * real + imag * imag).backward()
    assert window.grad is not None and np.all(np.isfinite(window.grad.data))


@pytest.mark.parametrize("call, message", [
    (lambda: ops.ctc_decode(np.zeros((1, 2, 3)), np.array([2]), mask_index=7),
     r"ctc_decode: mask_index must be a class in \[0, 3\), got 7"),
    (lambda: ops.ctc_decode(np.zeros((1, 2, 3)), np.array([2]), strategy="beam_search",
                            beam_width=0), "ctc_decode: need 1 <= top_paths <= beam_width"),
    (lambda: ops.unique(np.ones(3), size=-1), "unique: size must be an int >= 0"),
    (lambda: ops.stft(np.ones(20), 8, 0, 8), "stft: sequence_stride must be a positive int"),
    (lambda: ops.stft(np.ones(3), 8, 4, 8), "stft: 3 samples are too few to reflect"),
    (lambda: ops.rearrange(np.ones((4, 6)), "b (h w) -> b h w", h=-2), "rearrange: axis "
                                                                      "lengths must be positive"),
    (lambda: ops.rearrange(np.ones((4, 6)), "b (h w) -> b h w", h=2.5), "rearrange: axis "
                                                                       "lengths must be positive"),
    (lambda: ops.argpartition(np.ones(3), 1, axis=1), "argpartition: axis 1 is not an axis"),
])
def test_what_the_second_review_found_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_is_log_depth_and_keeps_the_order_of_a_non_commutative_f(reverse):
    """(It called f once a step, on single slices.) A linear recurrence h = a h + b as the
    composition of affine maps, which does not commute, against the loop; f sees whole
    batches of slices (Keras' contract), so 300 steps take 9 calls."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.5, 1.0, size=(2, 300, 3)), rng.normal(size=(2, 300, 3))
    calls = []

    def compose(first, then):
        calls.append(first[0].shape)
        return first[0] * then[0], then[0] * first[1] + then[1]
    _, scanned = ops.associative_scan(compose, (a, b), reverse=reverse, axis=1)
    h, expected = np.zeros((2, 3)), []
    for t in (range(299, -1, -1) if reverse else range(300)):
        h = a[:, t] * h + b[:, t]
        expected.append(h)
    expected = np.stack(expected[::-1] if reverse else expected, axis=1)
    np.testing.assert_allclose(scanned.data, expected, rtol=1e-12, atol=1e-12)
    assert len(calls) == 9 and calls[0] == (2, 299, 3)
    gradcheck(lambda v: ops.associative_scan(compose, (v, v * 2), reverse=reverse,
                                             axis=1)[1], a[:, :5])


def test_associative_scan_reads_fs_dict_by_elems_keys():
    """(f returning its dict's keys in another order swapped the leaves.)"""
    elems = {"a": np.arange(1.0, 5.0), "b": np.arange(10.0, 50.0, 10.0)}
    scanned = ops.associative_scan(lambda p, q: {"b": p["b"] + q["b"], "a": p["a"] * q["a"]},
                                   elems)
    np.testing.assert_array_equal(scanned["a"].data, [1, 2, 6, 24])
    np.testing.assert_array_equal(scanned["b"].data, [10, 30, 60, 100])
    with pytest.raises(ValueError, match=r"f must return elems' structure \(\(\*, \*\)\), got \*"):
        ops.associative_scan(lambda p, q: p[0], (np.ones(3), np.ones(3)))


def test_nextafter_and_view_read_pythons_numbers_as_keras():
    assert ops.nextafter(1.0, 2.0).dtype == np.float32
    assert float(ops.nextafter(1.0, 2.0).data) == float(np.nextafter(np.float32(1), 2))
    np.testing.assert_array_equal(ops.view([1.0, 2.0], "int32").data,
                                  np.array([1.0, 2.0], np.float32).view(np.int32))
    assert ops.view(1.0, "int32").shape == ()


def test_correlate_is_numpys_in_every_mode_and_length_pair():
    """('same' was off by one where x2 was longer and x1's length even.)"""
    rng = np.random.default_rng(0)
    for n in range(1, 8):
        for m in range(1, 8):
            a, v = rng.normal(size=n), rng.normal(size=m)
            for mode in ("same", "valid", "full"):
                np.testing.assert_allclose(ops.correlate(a, v, mode).data,
                                           np.correlate(a, v, mode), atol=1e-12)


def test_a_python_int_beside_booleans_stays_a_number_as_keras():
    """(It was cast to the tensor's dtype, bool: 3 became True.)"""
    flags = np.array([True, False])
    np.testing.assert_allclose(ops.divide_no_nan(flags, 3).data, [1 / 3, 0.0], rtol=1e-6)
    assert ops.fmax(flags, 5).data.tolist() == [5, 5]
    assert ops.append(flags, 5).data.tolist() == [1, 0, 5]
    assert ops.outer(flags, 3).data.tolist() == [[3], [0]]
    assert ops.isclose(flags, 2).data.tolist() == [False, False]
    assert ops.floor_divide(np.array([True]), 2).data.tolist() == [0]


def test_picked_ranks_are_numpys_at_infinities_and_in_empty_arrays():
    """(lower + (upper - lower) w made an infinite median NaN; an empty median crashed.)"""
    assert ops.median(np.array([1.0, np.inf, np.inf])).data == np.inf
    assert ops.quantile(np.array([0.5, 1, np.inf, 2]), 1.0, method="lower").data == np.inf
    assert ops.quantile(np.array([-np.inf, 0.5, 1]), 0.0, method="nearest").data == -np.inf
    np.testing.assert_allclose(ops.quantile(np.array([1.0, 2, 3, 4]), [0.25, 0.5]).data,
                               [1.75, 2.5])
    assert np.isnan(ops.median(np.zeros(0, np.float32)).data)
    assert ops.median(np.zeros((3, 0), np.float32), axis=0).shape == (0,)


def test_numpys_meaning_of_sign_isneginf_unravel_index_dtype_and_initial():
    assert ops.sign(np.array([np.nan, -2.0])).data[1] == -1 and np.isnan(
        ops.sign(np.array([np.nan])).data[0])
    assert ops.isneginf(np.array([1, 2], np.uint8)).data.tolist() == [False, False]
    assert ops.isneginf(np.array([np.inf, -np.inf])).data.tolist() == [False, True]
    with pytest.raises(ValueError, match="unravel_index: index 12 is out of bounds"):
        ops.unravel_index(np.array([12, 100]), shape=(3, 4))
    assert ops.cumsum(np.float32([0.6, 0.6, 0.6]), dtype="int32").data.tolist() == [0, 0, 0]
    assert ops.prod(np.array([2.5, 2.5]), dtype="int32").data == 4
    assert ops.cumprod(np.array([2.5, 2.5]), dtype="int32").data.tolist() == [2, 4]
    highest = ops.max(np.int32([1, 2]), initial=10.0)
    assert highest.dtype == np.int32 and highest.data == 10
    assert ops.max(np.array([True, False]), initial=0).dtype == bool


def test_a_symbolic_tensor_has_no_truth_and_loops_refuse_them_at_any_depth():
    """(bool(symbolic) was True: a functional model took one branch for every batch, and a
    while_loop over a dict of them ran to maximum_iterations, or forever.)"""
    import nn.keras as keras
    x = keras.Input((3,))
    with pytest.raises(TypeError, match="A symbolic KerasTensor cannot be used as a boolean"):
        bool(ops.sum(x) < 10)
    with pytest.raises(ValueError, match="while_loop runs Python functions on values"):
        ops.while_loop(lambda d: ops.sum(d["a"]) < 10, lambda d: {"a": d["a"] * 2}, {"a": x},
                       maximum_iterations=5)


def test_scan_and_map_take_keras_structures_and_arguments():
    import collections
    carry, ys = ops.scan(lambda c, x: (0.9 * c + x, c), 0.0, np.float32([1, 2, 3]))
    assert ys.dtype == np.float32 and carry.dtype == np.float32  # (a number: float32)
    carry, _ = ops.scan(lambda c, _: (c + 1, c), 0, None, length=3.0)
    assert int(carry.data) == 3
    pair = collections.namedtuple("Pair", "h c")
    assert isinstance(ops.map(lambda v: pair(v, 2 * v), np.ones(3)), pair)
    _, state = ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, pair(s.h + 1, s.c)),
                              (0, pair(0.0, 1.0)))
    assert isinstance(state, pair) and float(state.h.data) == 3.0
    with pytest.raises(ValueError, match="must have one first size"):
        ops.map(lambda t: t[0] + t[1], (np.arange(5.0), np.arange(3.0)))
    with pytest.raises(ValueError, match="unroll must be a positive integer or a boolean"):
        ops.scan(lambda c, x: (c, x), 0.0, np.arange(3.0), unroll=0)


def test_custom_gradient_takes_the_pytorch_backends_form_of_the_gradient():
    """(grad(*args, upstream), Keras' documented form for its PyTorch backend, raised
    'missing keyword-only argument upstream'.)"""
    for pytorch_form in (True, False):
        @ops.custom_gradient
        def softplus(x, pytorch_form=pytorch_form):
            e = ops.exp(x)

            def grad(*args, upstream):
                return upstream * (1 - 1 / (1 + e))

            def plain(upstream):
                return upstream * (1 - 1 / (1 + e))
            return ops.log(1 + e), grad if pytorch_form else plain
        x = Variable(np.ones(2))
        ops.sum(softplus(x)).backward()
        np.testing.assert_allclose(x.grad.data, 1 / (1 + np.exp(-1.0)))


def test_stop_gradient_is_a_node_of_a_functional_model_as_keras():
    """(It refused symbolic tensors with 'array of dtype object'.)"""
    import nn.keras as keras
    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Dense(1)(ops.stop_gradient(x) * 2))
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 1)
    v = Variable(np.ones(2))
    (ops.stop_gradient(v) * v).sum().backward()
    assert v.grad.data.tolist() == [1.0, 1.0]


def test_custom_gradient_keeps_a_nested_output_and_gives_upstream_in_its_structure():
    """(A nested output was stacked into one tensor; a dict output raised.)"""
    @ops.custom_gradient
    def nested(x):
        return (x * 2, (x * 3, x * 4)), lambda a, bc: a * 2 + bc[0] * 3 + bc[1] * 4
    x = Variable(np.ones(3))
    first, (second, third) = nested(x)
    assert second.shape == (3,)
    (first.sum() + second.sum() + third.sum()).backward()
    assert x.grad.data.tolist() == [9.0] * 3

    @ops.custom_gradient
    def keyed(x):
        return {"a": x * 2, "b": x * 3}, lambda up: up["a"] * 2 + up["b"] * 3
    x = Variable(np.ones(2))
    out = keyed(x)
    (out["a"].sum() + out["b"].sum()).backward()
    assert x.grad.data.tolist() == [5.0, 5.0]
