"""keras.ops calls written once for both Keras and rungrad: each case's call takes the ops
module (Keras' `keras.ops` or rungrad's `nn.keras.ops`) and one input. make_keras_ops_reference
.py runs them with Keras and keeps its results in keras_ops_reference.npz, which
tests/nn/keras/test_keras_ops_reference.py checks rungrad's against.

A case: (name, call(ops, x), input, differentiable, symbolic): `input` names one of INPUTS,
`differentiable` whether rungrad's gradient in x is checked numerically, `symbolic` whether
the call also runs on a functional model's symbolic tensor (x's first axis its batch; not
where a constant has that axis too: Y, the targets)."""
import numpy as np

_RNG = np.random.default_rng(0)


def _step_to_next(ops, a):
    """nextafter's step from a toward Y, in units of 1e-7 |a| (one float32 ulp is 0.6 to 1.2
    of them; a tolerance would hide it in the values themselves)."""
    return ops.multiply(ops.divide(ops.subtract(ops.nextafter(a, Y.astype("float32")), a),
                                   ops.abs(a)), 1e7)

X = _RNG.normal(size=(4, 3, 5))
Y = _RNG.normal(size=(4, 3, 5))
_MATRICES = _RNG.normal(size=(4, 3, 3))
INPUTS = {
    "x": X,
    "positive": np.abs(X) + 0.5,
    "unit": np.tanh(X) * 0.9,  # (-0.9, 0.9): arcsin, arccos, arctanh, erfinv
    "above_one": np.abs(X) + 1.5,  # arccosh
    "even": _RNG.normal(size=(4, 3, 6)),  # glu's halves, an even median
    "spd": _MATRICES @ _MATRICES.swapaxes(1, 2) + 3 * np.eye(3),
    "nans": np.where(X > 1.0, np.nan, X),
    "probabilities": np.exp(X) / np.exp(X).sum(-1, keepdims=True),
    "labels": _RNG.integers(0, 5, size=(4, 3)),
    "images": _RNG.normal(size=(4, 6, 6, 3)),  # (N, H, W, C)
    "sequences": _RNG.normal(size=(4, 7, 3)),  # (N, T, C)
    "heads": _RNG.normal(size=(4, 5, 2, 3)),  # (B, T, N, H)
}
W = _RNG.normal(size=(5, 2))
V = _RNG.normal(size=(5,))
B = _RNG.normal(size=(4, 3, 2))
TARGETS = np.exp(Y) / np.exp(Y).sum(-1, keepdims=True)
BINARY_TARGETS = (Y > 0).astype(np.float64)
INDICES = _RNG.integers(0, 5, size=(4, 3, 2))
LABELS = INPUTS["labels"]
KERNEL = _RNG.normal(size=(3, 3, 3, 2))  # (KH, KW, C, filters), Keras' layout
KERNEL_1D = _RNG.normal(size=(3, 3, 4))
GROUPED = _RNG.normal(size=(3, 3, 1, 3))  # (3 groups of one channel)
DEPTHWISE = _RNG.normal(size=(3, 3, 3, 2))  # (KH, KW, C, multiplier)
MASK = np.tril(_RNG.random((5, 5)) > 0.3) | np.eye(5, dtype=bool)
BIAS = _RNG.normal(size=(5, 5))
SEGMENTS = np.array([0, 2, 0, 1])
KERNEL_T = _RNG.normal(size=(3, 3, 2, 3))  # (KH, KW, filters, C): a transposed kernel
POINTWISE = _RNG.normal(size=(1, 1, 6, 4))  # (1, 1, C * multiplier, filters)
CTC_TARGETS = np.array([[1, 2], [2, 2], [1, 0], [2, 1]])
CTC_TARGET_LENGTHS = np.array([2, 2, 1, 2])
CTC_OUTPUT_LENGTHS = np.array([7, 6, 7, 5])
DECODED_LENGTHS = np.array([7, 5, 7, 2])
SPARSE_SEGMENTS = np.array([0, 2, 0, -1])  # (segment 1 empty, -1 dropped)


def _nans(ops, x):
    """x with NaNs where X > 1 (inside the call: numerical differentiation needs finite
    inputs)."""
    return ops.where(X > 1.0, np.nan, x)


def _singular(ops, factors, k):
    """svd's factors free of the singular vectors' signs: (s, u^2, vh^2) of the first k."""
    u, s, vh = factors
    return [s, ops.square(u[..., :k]), ops.square(vh[..., :k, :])]


def _qr_signed(ops, factors):
    """qr's (Q D, D R), D = sign(diag R): free of LAPACK's choice of signs."""
    q, r = factors
    signs = ops.sign(ops.diagonal(r, axis1=-2, axis2=-1))
    return [q * ops.expand_dims(signs, -2), r * ops.expand_dims(signs, -1)]


def _sigmoid(ops, x):
    return ops.sigmoid(x)


CASES = [
    # elementwise
    ("ceil", lambda ops, x: ops.ceil(x * 2), "x", False, True),
    ("trunc", lambda ops, x: ops.trunc(x * 2), "x", False, True),
    ("tan", lambda ops, x: ops.tan(x), "unit", True, True),
    ("sinh", lambda ops, x: ops.sinh(x), "x", True, True),
    ("cosh", lambda ops, x: ops.cosh(x), "x", True, True),
    ("arcsin", lambda ops, x: ops.arcsin(x), "unit", True, True),
    ("arccos", lambda ops, x: ops.arccos(x), "unit", True, True),
    ("arctan", lambda ops, x: ops.arctan(x), "x", True, True),
    ("arcsinh", lambda ops, x: ops.arcsinh(x), "x", True, True),
    ("arccosh", lambda ops, x: ops.arccosh(x), "above_one", True, True),
    ("arctanh", lambda ops, x: ops.arctanh(x), "unit", True, True),
    ("log2", lambda ops, x: ops.log2(x), "positive", True, True),
    ("log10", lambda ops, x: ops.log10(x), "positive", True, True),
    ("exp2", lambda ops, x: ops.exp2(x), "x", True, True),
    ("reciprocal", lambda ops, x: ops.reciprocal(x), "positive", True, True),
    ("cbrt", lambda ops, x: ops.cbrt(x), "positive", True, True),
    ("cbrt_negative", lambda ops, x: ops.cbrt(-x), "positive", True, True),
    ("deg2rad", lambda ops, x: ops.deg2rad(x), "x", True, True),
    ("rad2deg", lambda ops, x: ops.rad2deg(x), "x", True, True),
    ("erfc", lambda ops, x: ops.erfc(x), "x", True, True),
    ("erfinv", lambda ops, x: ops.erfinv(x), "unit", True, True),
    ("isnan", lambda ops, x: ops.isnan(x), "nans", False, True),
    ("isinf", lambda ops, x: ops.isinf(x / (x > 0)), "x", False, True),
    ("isfinite", lambda ops, x: ops.isfinite(x), "nans", False, True),
    ("signbit", lambda ops, x: ops.signbit(x), "x", False, True),
    # two operands
    ("arctan2", lambda ops, x: ops.arctan2(x, Y), "x", True, True),
    ("hypot", lambda ops, x: ops.hypot(x, Y), "x", True, True),
    ("logaddexp", lambda ops, x: ops.logaddexp(x, Y), "x", True, True),
    ("floor_divide", lambda ops, x: ops.floor_divide(x, 0.3), "x", False, True),
    ("mod", lambda ops, x: ops.mod(x, 0.7), "x", False, True),
    ("mod_negative", lambda ops, x: ops.mod(x, -0.7), "x", False, True),
    ("fmod", lambda ops, x: ops.fmod(x, 0.7), "x", False, True),
    ("logical_xor", lambda ops, x: ops.logical_xor(x > 0, Y > 0), "x", False, True),
    ("heaviside", lambda ops, x: ops.heaviside(ops.round(x), 0.5), "x", False, True),
    ("isclose", lambda ops, x: ops.isclose(x, ops.round(x), atol=0.2), "x", False, True),
    # activations (keras.ops.nn's, also at the top level)
    ("log_sigmoid", lambda ops, x: ops.log_sigmoid(x * 4), "x", True, True),
    ("swish", lambda ops, x: ops.swish(x), "x", True, True),
    ("hard_silu", lambda ops, x: ops.hard_silu(x * 3), "x", True, True),
    ("hard_swish", lambda ops, x: ops.hard_swish(x * 3), "x", True, True),
    ("celu", lambda ops, x: ops.celu(x, alpha=0.7), "x", True, True),
    ("glu", lambda ops, x: ops.glu(x), "even", True, True),
    ("glu_axis", lambda ops, x: ops.glu(x[:, :2], axis=1), "even", True, True),
    ("hard_tanh", lambda ops, x: ops.hard_tanh(x * 1.5), "x", True, True),
    ("soft_shrink", lambda ops, x: ops.soft_shrink(x, threshold=0.3), "x", True, True),
    ("hard_shrink", lambda ops, x: ops.hard_shrink(x, threshold=0.3), "x", True, True),
    ("tanh_shrink", lambda ops, x: ops.tanh_shrink(x), "x", True, True),
    ("squareplus", lambda ops, x: ops.squareplus(x, b=2), "x", True, True),
    ("sparse_plus", lambda ops, x: ops.sparse_plus(x * 1.5), "x", True, True),
    ("threshold", lambda ops, x: ops.threshold(x, 0.1, -1.0), "x", True, True),
    # reductions
    ("amax", lambda ops, x: ops.amax(x, axis=1), "x", True, True),
    ("amin", lambda ops, x: ops.amin(x, axis=-1, keepdims=True), "x", True, True),
    ("count_nonzero", lambda ops, x: ops.count_nonzero(ops.round(x), axis=1), "x", False,
     True),
    ("cumprod", lambda ops, x: ops.cumprod(x, axis=2), "x", True, True),
    ("median", lambda ops, x: ops.median(x, axis=1), "x", True, True),
    ("median_even", lambda ops, x: ops.median(x, axis=-1, keepdims=True), "even", True, True),
    ("ptp", lambda ops, x: ops.ptp(x, axis=1), "x", True, True),
    ("nansum", lambda ops, x: ops.nansum(x, axis=-1), "nans", False, True),
    ("nanmean", lambda ops, x: ops.nanmean(x, axis=-1), "nans", False, True),
    ("average", lambda ops, x: ops.average(x, axis=1), "x", True, True),
    ("average_weighted", lambda ops, x: ops.average(x, axis=-1, weights=V + 3), "x", True,
     True),
    ("norm", lambda ops, x: ops.norm(x, axis=-1), "x", True, True),
    ("norm_1", lambda ops, x: ops.norm(x, ord=1, axis=-1, keepdims=True), "x", True, True),
    ("norm_inf", lambda ops, x: ops.norm(x, ord=np.inf, axis=1), "x", True, True),
    ("norm_frobenius", lambda ops, x: ops.norm(x, axis=(1, 2)), "x", True, True),
    ("normalize", lambda ops, x: ops.normalize(x, axis=-1), "x", True, True),
    ("normalize_1", lambda ops, x: ops.normalize(x, axis=1, order=1), "x", True, True),
    ("moments", lambda ops, x: ops.moments(x, axes=[1]), "x", True, True),
    ("moments_kept", lambda ops, x: ops.moments(x, axes=[1, 2], keepdims=True), "x", True,
     True),
    ("nanmedian", lambda ops, x: ops.nanmedian(_nans(ops, x), axis=-1), "x", True, True),
    ("nanmax", lambda ops, x: ops.nanmax(_nans(ops, x), axis=-1), "x", True, True),
    ("nanmin", lambda ops, x: ops.nanmin(_nans(ops, x), axis=1, keepdims=True), "x", True, True),
    ("nanargmax", lambda ops, x: ops.nanargmax(_nans(ops, x), axis=-1), "x", False, True),
    ("nanargmin", lambda ops, x: ops.nanargmin(_nans(ops, x), axis=1), "x", False, True),
    ("nanprod", lambda ops, x: ops.nanprod(_nans(ops, x), axis=-1), "x", True, True),
    ("nanvar", lambda ops, x: ops.nanvar(_nans(ops, x), axis=-1), "x", True, True),
    ("nanstd", lambda ops, x: ops.nanstd(_nans(ops, x), axis=1, keepdims=True), "x", True, True),
    ("nancumsum", lambda ops, x: ops.nancumsum(_nans(ops, x), axis=-1), "x", True, True),
    ("nancumprod", lambda ops, x: ops.nancumprod(_nans(ops, x), axis=1), "x", True, True),
    ("quantile", lambda ops, x: ops.quantile(x, 0.3, axis=1), "x", True, True),
    ("quantile_several", lambda ops, x: ops.quantile(x, [0.1, 0.5, 0.9], axis=-1,
                                                     keepdims=True), "x", True, True),
    *[(f"percentile_{method}", lambda ops, x, method=method: ops.percentile(
        x, [20, 55], axis=-1, method=method), "x", True, True)
      for method in ("lower", "higher", "midpoint", "nearest")],
    ("corrcoef", lambda ops, x: ops.corrcoef(x[0]), "x", True, True),
    ("trapezoid", lambda ops, x: ops.trapezoid(x, dx=0.5, axis=1), "x", True, True),
    ("trapezoid_samples", lambda ops, x: ops.trapezoid(x, V), "x", True, True),
    ("logaddexp2", lambda ops, x: ops.logaddexp2(x, Y), "x", True, True),
    ("fmax", lambda ops, x: ops.fmax(x, Y), "nans", False, True),
    ("fmin", lambda ops, x: ops.fmin(x, 0.2), "nans", False, True),
    ("ldexp", lambda ops, x: ops.ldexp(x, np.array([1, -2, 0, 3, 2])), "x", True, True),
    ("sinc", lambda ops, x: ops.sinc(ops.round(x * 2) / 2 + x * 0.0), "x", False, True),
    ("sinc_smooth", lambda ops, x: ops.sinc(x), "x", True, True),
    ("isneginf", lambda ops, x: ops.isneginf(x / (x > 0)), "x", False, True),
    ("isposinf", lambda ops, x: ops.isposinf(x / (x < 0)), "x", False, True),
    ("isreal", lambda ops, x: ops.isreal(x), "x", False, True),
    ("vander", lambda ops, x: ops.vander(x[0, 0]), "x", True, True),
    ("vander_increasing", lambda ops, x: ops.vander(x[0, 0], 3, increasing=True), "x", True,
     True),
    ("segment_sum", lambda ops, x: ops.segment_sum(x, SEGMENTS), "x", True, False),
    ("segment_max", lambda ops, x: ops.segment_max(x, SEGMENTS), "x", True, False),
    ("segment_max_sparse", lambda ops, x: ops.segment_max(x, SPARSE_SEGMENTS, num_segments=3),
     "x", False, False),
    ("segment_min", lambda ops, x: ops.segment_min(x, SEGMENTS), "x", True, False),
    ("segment_prod", lambda ops, x: ops.segment_prod(x, SEGMENTS), "x", True, False),
    ("scatter", lambda ops, x: ops.scatter([[0, 1], [2, 3], [0, 1]], x[0, 0, :3], (3, 5)),
     "x", True, True),
    ("scatter_update", lambda ops, x: ops.scatter_update(x, [[0, 1, 2], [3, 2, 1]],
                                                         [5.0, 6.0]), "x", True, False),
    ("scatter_update_add", lambda ops, x: ops.scatter_update(
        x, [[0, 1, 2], [0, 1, 2]], [5.0, 6.0], reduction="add"), "x", True, False),
    ("slice", lambda ops, x: ops.slice(x, [1, 0, 2], (2, 3, 2)), "x", True, False),
    ("slice_update", lambda ops, x: ops.slice_update(x, [0, 1, 1], np.ones((2, 2, 3))), "x",
     True, False),
    ("searchsorted", lambda ops, x: ops.searchsorted(np.sort(V), x), "x", False, True),
    ("searchsorted_right", lambda ops, x: ops.searchsorted(np.sort(V), ops.round(x),
                                                           side="right"), "x", False, True),
    ("digitize", lambda ops, x: ops.digitize(x, [-1.0, 0.0, 1.0]), "x", False, True),
    ("bincount", lambda ops, x: ops.bincount(x[:, 0], minlength=6), "labels", False, False),
    ("bincount_weighted", lambda ops, x: ops.bincount(x[:, 0], weights=V[:4]), "labels",
     False, False),
    ("unravel_index", lambda ops, x: ops.unravel_index(x, (2, 3)), "labels", False, True),
    ("select", lambda ops, x: ops.select([x > 0.5, x < -0.5], [x, x * 2], -1.0), "x", True,
     True),
    ("extract_sequences", lambda ops, x: ops.extract_sequences(x, 3, 1), "x", True, True),
    ("rot90", lambda ops, x: ops.rot90(x, axes=(1, 2)), "x", True, True),
    ("fliplr", lambda ops, x: ops.fliplr(x), "x", True, True),
    ("flipud", lambda ops, x: ops.flipud(x), "x", True, True),
    ("dstack", lambda ops, x: ops.dstack([x, x * 2]), "x", True, True),
    ("array_split", lambda ops, x: ops.array_split(x, 2, axis=-1), "x", True, True),
    ("hsplit", lambda ops, x: ops.hsplit(x, 3), "x", True, True),
    ("vsplit", lambda ops, x: ops.vsplit(x, 2), "x", True, False),
    ("dsplit", lambda ops, x: ops.dsplit(x, 2), "even", True, True),
    ("copy", lambda ops, x: ops.copy(x), "x", True, True),
    ("array", lambda ops, x: ops.array(x, "float32"), "x", False, True),
    ("saturate_cast", lambda ops, x: ops.saturate_cast(x * 200, "int8"), "x", False, True),
    ("logspace", lambda ops, x: ops.logspace(0, 2, 5), "x", False, False),
    ("geomspace", lambda ops, x: ops.geomspace(1, 100, 5), "x", False, False),
    # shapes and selections
    ("take", lambda ops, x: ops.take(x, [0, 2], axis=1), "x", True, True),
    ("take_flat", lambda ops, x: ops.take(x[0], [[1, 4], [7, 0]]), "x", True, True),
    ("take_along_axis", lambda ops, x: ops.take_along_axis(x, INDICES, axis=-1), "x", True,
     True),
    ("repeat", lambda ops, x: ops.repeat(x, 2, axis=1), "x", True, True),
    ("repeat_flat", lambda ops, x: ops.repeat(x[0], 2), "x", True, True),
    ("broadcast_to", lambda ops, x: ops.broadcast_to(x[:, :1], (4, 2, 5)), "x", True, True),
    ("moveaxis", lambda ops, x: ops.moveaxis(x, 1, -1), "x", True, True),
    ("swapaxes", lambda ops, x: ops.swapaxes(x, 1, 2), "x", True, True),
    ("pad", lambda ops, x: ops.pad(x, ((0, 0), (1, 2), (0, 1))), "x", True, True),
    ("pad_value", lambda ops, x: ops.pad(x, ((0, 0), (0, 0), (2, 0)), constant_values=0.5),
     "x", True, True),
    ("pad_reflect", lambda ops, x: ops.pad(x, ((0, 0), (1, 1), (2, 2)), mode="reflect"), "x",
     True, True),
    ("pad_symmetric", lambda ops, x: ops.pad(x, ((0, 0), (1, 1), (2, 2)), mode="symmetric"),
     "x", True, True),
    ("roll", lambda ops, x: ops.roll(x, 2, axis=-1), "x", True, True),
    ("roll_flat", lambda ops, x: ops.roll(x, 3), "x", True, True),
    ("tril", lambda ops, x: ops.tril(x), "x", True, True),
    ("triu", lambda ops, x: ops.triu(x, k=1), "x", True, True),
    ("diag", lambda ops, x: ops.diag(x[0], k=1), "x", True, True),
    ("diag_vector", lambda ops, x: ops.diag(x[0, 0]), "x", True, True),
    ("diagonal", lambda ops, x: ops.diagonal(x, offset=1, axis1=1, axis2=2), "x", True, True),
    ("trace", lambda ops, x: ops.trace(x, axis1=1, axis2=2), "x", True, True),
    ("ravel", lambda ops, x: ops.ravel(x), "x", True, True),
    ("dot", lambda ops, x: ops.dot(x, W), "x", True, True),
    ("tensordot", lambda ops, x: ops.tensordot(x, np.ones((3, 5, 2)), axes=2), "x", True,
     True),
    ("tensordot_axes", lambda ops, x: ops.tensordot(x, W, axes=([2], [0])), "x", True, True),
    ("outer", lambda ops, x: ops.outer(x[0, 0], V), "x", True, True),
    ("inner", lambda ops, x: ops.inner(x, V), "x", True, True),
    ("vdot", lambda ops, x: ops.vdot(x[0, 0], Y[0, 0]), "x", True, True),
    ("unstack", lambda ops, x: ops.unstack(x, axis=1), "x", True, True),
    ("append", lambda ops, x: ops.append(x, Y, axis=1), "x", True, False),
    ("append_flat", lambda ops, x: ops.append(x, Y), "x", True, True),
    ("hstack", lambda ops, x: ops.hstack([x, x * 2]), "x", True, True),
    ("vstack", lambda ops, x: ops.vstack([x, x * 2]), "x", True, True),
    ("sort", lambda ops, x: ops.sort(x, axis=1), "x", True, True),
    ("argsort", lambda ops, x: ops.argsort(x), "x", False, True),
    ("top_k", lambda ops, x: ops.top_k(x, 2), "x", True, True),
    ("in_top_k", lambda ops, x: ops.in_top_k(LABELS[:, 0], x[:, 0], 2), "x", False, True),
    ("split", lambda ops, x: ops.split(x, [1, 3], axis=2), "x", True, True),
    ("split_sections", lambda ops, x: ops.split(x, 3, axis=1), "x", True, True),
    ("meshgrid", lambda ops, x: ops.meshgrid(x[0, 0], V[:3]), "x", True, True),
    ("meshgrid_ij", lambda ops, x: ops.meshgrid(x[0, 0], V[:3], indexing="ij"), "x", True,
     True),
    ("kron", lambda ops, x: ops.kron(x[0], np.array([[1.0, 2.0], [0.5, -1.0]])), "x", True,
     True),
    ("diff", lambda ops, x: ops.diff(x, axis=-1), "x", True, True),
    ("diff_2", lambda ops, x: ops.diff(x, n=2, axis=1), "x", True, True),
    # (3-vectors along the last axis only: Keras' torch backend crosses along the first axis
    # of size 3, torch.cross's old default)
    ("cross", lambda ops, x: ops.cross(x[:, 0, :3], Y[:, 0, :3]), "x", True, True),
    # made from nothing but their arguments
    ("arange", lambda ops, x: ops.arange(2, 9, 2), "x", False, False),
    ("arange_float", lambda ops, x: ops.arange(0.5, 2.0, 0.25), "x", False, False),
    ("full", lambda ops, x: ops.full((2, 3), 0.5), "x", False, False),
    ("full_like", lambda ops, x: ops.full_like(x, 2.0), "x", False, True),
    ("eye", lambda ops, x: ops.eye(3, 4, k=1), "x", False, False),
    ("identity", lambda ops, x: ops.identity(3), "x", False, False),
    ("linspace", lambda ops, x: ops.linspace(0, 1, 5), "x", False, False),
    ("tri", lambda ops, x: ops.tri(3, 4, k=-1), "x", False, False),
    # losses and normalizations (keras.ops.nn)
    ("binary_crossentropy", lambda ops, x: ops.binary_crossentropy(BINARY_TARGETS,
                                                                   _sigmoid(ops, x)),
     "x", True, False),
    ("binary_crossentropy_logits",
     lambda ops, x: ops.binary_crossentropy(BINARY_TARGETS, x, from_logits=True), "x", True,
     False),
    ("categorical_crossentropy", lambda ops, x: ops.categorical_crossentropy(TARGETS, x),
     "probabilities", True, False),
    ("categorical_crossentropy_logits",
     lambda ops, x: ops.categorical_crossentropy(TARGETS, x, from_logits=True), "x", True,
     False),
    ("sparse_categorical_crossentropy",
     lambda ops, x: ops.sparse_categorical_crossentropy(LABELS, x), "probabilities", True,
     False),
    ("sparse_categorical_crossentropy_logits",
     lambda ops, x: ops.sparse_categorical_crossentropy(LABELS, x, from_logits=True), "x",
     True, False),
    ("multi_hot", lambda ops, x: ops.multi_hot(x, 5), "labels", False, True),
    ("psnr", lambda ops, x: ops.psnr(ops.sigmoid(x), ops.sigmoid(Y), 1.0), "x", True, False),
    ("batch_normalization",
     lambda ops, x: ops.batch_normalization(x, V, V * V + 1, axis=-1, offset=V * 2, scale=V),
     "x", True, True),
    ("layer_normalization", lambda ops, x: ops.layer_normalization(x, V, V * 2), "x", True,
     True),
    ("rms_normalization", lambda ops, x: ops.rms_normalization(x, V, epsilon=1e-3), "x", True,
     True),
    # sliding windows and attention
    ("conv", lambda ops, x: ops.conv(x, KERNEL), "images", True, True),
    ("conv_same_strided", lambda ops, x: ops.conv(x, KERNEL, strides=2, padding="same"),
     "images", True, True),
    ("conv_dilated", lambda ops, x: ops.conv(x, KERNEL, padding="same", dilation_rate=2),
     "images", True, True),
    ("conv_1d", lambda ops, x: ops.conv(x, KERNEL_1D, padding="same"), "sequences", True,
     True),
    ("conv_grouped", lambda ops, x: ops.conv(x, GROUPED), "images", True, True),
    ("depthwise_conv", lambda ops, x: ops.depthwise_conv(x, DEPTHWISE, padding="same"),
     "images", True, True),
    ("max_pool", lambda ops, x: ops.max_pool(x, 2), "images", True, True),
    ("max_pool_same", lambda ops, x: ops.max_pool(x, 3, strides=2, padding="same"), "images",
     True, True),
    ("average_pool", lambda ops, x: ops.average_pool(x, 2), "images", True, True),
    ("average_pool_same", lambda ops, x: ops.average_pool(x, 3, strides=1, padding="same"),
     "images", True, True),
    ("average_pool_1d", lambda ops, x: ops.average_pool(x, 2, strides=1), "sequences", True,
     True),
    ("dot_product_attention", lambda ops, x: ops.dot_product_attention(x, x, x), "heads",
     True, True),
    ("dot_product_attention_masked", lambda ops, x: ops.dot_product_attention(
        x, x * 0.5, x, mask=MASK, is_causal=True), "heads", True, True),
    ("dot_product_attention_bias", lambda ops, x: ops.dot_product_attention(
        x, x, x, bias=BIAS, scale=0.3), "heads", True, True),
    # linear algebra (keras.ops.linalg's, det and the others also at the top level)
    ("det", lambda ops, x: ops.det(x), "spd", True, True),
    ("inv", lambda ops, x: ops.inv(x), "spd", True, True),
    ("solve", lambda ops, x: ops.solve(x, B), "spd", True, True),
    # (symmetrized: the factorization reads one triangle, its gradient is the symmetric one)
    ("cholesky", lambda ops, x: ops.cholesky((x + ops.swapaxes(x, 1, 2)) * 0.5), "spd", True,
     True),
    ("cholesky_upper", lambda ops, x: ops.cholesky((x + ops.swapaxes(x, 1, 2)) * 0.5,
                                                   upper=True), "spd", True, True),
    ("logdet", lambda ops, x: ops.logdet(x), "spd", True, True),
    ("slogdet", lambda ops, x: ops.slogdet(x), "spd", True, True),
    # control flow: Python functions run on the values, differentiable through them
    ("cond", lambda ops, x: ops.cond(x[0, 0, 0] > 0, lambda: x * 2, lambda: x - 1), "x",
     True, False),
    ("fori_loop", lambda ops, x: ops.fori_loop(0, 3, lambda i, v: v * x + i, x), "x", True,
     False),
    ("while_loop", lambda ops, x: ops.while_loop(
        lambda i, v: i < 3, lambda i, v: (i + 1, v * 0.5 + x), (0, x)), "x", True, False),
    ("map", lambda ops, x: ops.map(lambda row: ops.sum(row * row), x), "x", True, False),
    ("scan", lambda ops, x: ops.scan(lambda carry, row: (carry + row, carry * row),
                                     ops.zeros_like(x[0]), x), "x", True, False),
    # added with the second batch of keras.ops (complex parts, integers, windows, ...)
    ("fabs", lambda ops, x: ops.fabs(x), "x", True, True),
    ("fabs_int", lambda ops, x: ops.fabs(x - 2), "labels", False, True),
    ("divide_no_nan", lambda ops, x: ops.divide_no_nan(x, ops.round(Y)), "x", True, False),
    ("nan_to_num", lambda ops, x: ops.nan_to_num(ops.divide(  # (NaN below 0, inf above 1)
        ops.sqrt(x), ops.where(ops.greater(x, 1), 0.0, 1.0)), nan=-1.0, posinf=9.0), "x",
     False, True),
    ("allclose", lambda ops, x: ops.allclose(x, x + 1e-9), "x", False, False),
    ("angle", lambda ops, x: ops.angle(x), "x", False, True),
    ("conj", lambda ops, x: ops.conj(x), "x", True, True),
    ("real", lambda ops, x: ops.real(x), "x", True, True),
    ("bitwise_and", lambda ops, x: ops.bitwise_and(x, 3), "labels", False, True),
    ("bitwise_or", lambda ops, x: ops.bitwise_or(x, 8), "labels", False, True),
    ("bitwise_xor", lambda ops, x: ops.bitwise_xor(x, x[:1]), "labels", False, True),
    ("bitwise_not", lambda ops, x: ops.bitwise_not(x), "labels", False, True),
    ("bitwise_invert", lambda ops, x: ops.bitwise_invert(ops.greater(x, 2)), "labels", False,
     True),
    ("left_shift", lambda ops, x: ops.left_shift(x, 2), "labels", False, True),
    ("bitwise_right_shift", lambda ops, x: ops.bitwise_right_shift(x * 9, 1), "labels", False,
     True),
    ("gcd", lambda ops, x: ops.gcd(x * 2, 6), "labels", False, True),
    ("lcm", lambda ops, x: ops.lcm(x, 4), "labels", False, True),
    ("isin", lambda ops, x: ops.isin(x, np.array([1, 3])), "labels", False, True),
    ("isin_invert", lambda ops, x: ops.isin(x, np.array([0, 4]), invert=True), "labels",
     False, True),
    ("nextafter", lambda ops, x: _step_to_next(ops, ops.cast(x, "float32")), "x", False, True),
    ("view", lambda ops, x: ops.view(ops.cast(x, "float32"), dtype="int32"), "x", False, True),
    ("view_bytes", lambda ops, x: ops.view(ops.cast(x, "int32"), dtype="uint8"), "labels",
     False, True),
    ("diagflat", lambda ops, x: ops.diagflat(x[0, 0], k=1), "x", True, False),
    ("depth_to_space", lambda ops, x: ops.depth_to_space(ops.reshape(x, (-1, 3, 3, 12)), 2),
     "images", True, True),
    ("depth_to_space_first", lambda ops, x: ops.depth_to_space(
        ops.reshape(x, (-1, 12, 3, 3)), 2, data_format="channels_first"), "images", True, True),
    ("space_to_depth", lambda ops, x: ops.space_to_depth(x, 2), "images", True, True),
    ("space_to_depth_first", lambda ops, x: ops.space_to_depth(
        ops.transpose(x, (0, 3, 1, 2)), 3, data_format="channels_first"), "images", True, True),
    ("cdist", lambda ops, x: ops.cdist(x, Y[:, :2]), "x", True, False),
    ("solve_triangular", lambda ops, x: ops.solve_triangular(x, B, lower=True), "spd", True,
     False),
    ("solve_triangular_upper", lambda ops, x: ops.solve_triangular(x, B[..., 0]), "spd", True,
     False),
    ("cholesky_inverse", lambda ops, x: ops.cholesky_inverse(ops.cholesky(
        (x + ops.swapaxes(x, 1, 2)) * 0.5)), "spd", True, True),
    ("nanquantile", lambda ops, x: ops.nanquantile(_nans(ops, x), 0.3, axis=-1), "x", True,
     True),
    ("nanquantile_many", lambda ops, x: ops.nanquantile(_nans(ops, x), np.array([0.2, 0.9]),
                                                        axis=1, method="midpoint"), "x", True,
     True),
    ("nanpercentile", lambda ops, x: ops.nanpercentile(_nans(ops, x), 75.0, axis=-1,
                                                       keepdims=True, method="nearest"),
     "x", True, True),
    ("histogram", lambda ops, x: ops.histogram(ops.reshape(x, (-1,)), bins=6), "x", False,
     False),
    ("histogram_range", lambda ops, x: ops.histogram(ops.reshape(x, (-1,)), bins=4,
                                                     range=(-1.0, 1.0)), "x", False, False),
    ("windows", lambda ops, x: [ops.bartlett(7), ops.blackman(7), ops.hamming(7),
                                ops.hanning(6), ops.kaiser(7, 3.0)], "x", False, False),
    ("get_item", lambda ops, x: ops.get_item(x, (slice(None), 1)), "x", True, True),
    ("sparse_sigmoid", lambda ops, x: ops.sparse_sigmoid(x * 0.7), "x", True, True),
    ("sparsemax", lambda ops, x: ops.sparsemax(x * 0.4), "x", True, True),
    ("adaptive_average_pool", lambda ops, x: ops.adaptive_average_pool(x, (4, 3)), "images",
     True, True),
    ("adaptive_max_pool", lambda ops, x: ops.adaptive_max_pool(x, 4), "images", True, True),
    ("adaptive_average_pool_1d", lambda ops, x: ops.adaptive_average_pool(x, 3), "sequences",
     True, True),
    ("unfold", lambda ops, x: ops.unfold(ops.transpose(x, (0, 3, 1, 2)), 2, stride=2),
     "images", True, True),
    ("fold", lambda ops, x: ops.fold(ops.unfold(ops.transpose(x, (0, 3, 1, 2)), 3, padding=1),
                                     (6, 6), 3, padding=1), "images", True, True),
    ("separable_conv", lambda ops, x: ops.separable_conv(x, DEPTHWISE, POINTWISE,
                                                         padding="same"), "images", True, True),
    ("conv_transpose", lambda ops, x: ops.conv_transpose(x, KERNEL_T), "images", True, True),
    ("conv_transpose_same", lambda ops, x: ops.conv_transpose(x, KERNEL_T, strides=2,
                                                              padding="same"), "images", True,
     True),
    ("conv_transpose_padded", lambda ops, x: ops.conv_transpose(
        x, KERNEL_T, strides=2, output_padding=1), "images", True, True),
    ("correlate", lambda ops, x: ops.correlate(x[0, 0], V[:3]), "x", True, False),
    ("correlate_same", lambda ops, x: ops.correlate(x[0, 0], V[:3], mode="same"), "x", True,
     False),
    ("correlate_full", lambda ops, x: ops.correlate(x[0, 0], V, mode="full"), "x", True, False),
    ("ctc_loss", lambda ops, x: ops.ctc_loss(CTC_TARGETS, x, CTC_TARGET_LENGTHS,
                                             CTC_OUTPUT_LENGTHS), "sequences", True, False),
    ("unique", lambda ops, x: ops.unique(x, return_inverse=True, return_counts=True), "labels",
     False, False),
    ("unique_sized", lambda ops, x: ops.unique(x[0], size=6, fill_value=-1, return_index=True),
     "labels", False, False),
    ("jvp", lambda ops, x: ops.jvp(lambda a: ops.sin(a) * a, (x,), (ops.cos(x),)), "x", True,
     False),
    ("associative_scan", lambda ops, x: ops.associative_scan(ops.logaddexp, x, axis=1), "x",
     True, False),
    ("associative_scan_reverse", lambda ops, x: ops.associative_scan(
        lambda a, b: (a[0] * b[0], ops.maximum(a[1], b[1])), (x, x * 2), reverse=True), "x",
     True, False),
    ("svd", lambda ops, x: _singular(ops, ops.svd(x, full_matrices=False), 3), "x", True,
     True),
    ("svd_full", lambda ops, x: _singular(ops, ops.svd(ops.swapaxes(x, 1, 2)), 3), "x", True,
     True),
    ("svd_values", lambda ops, x: ops.svd(x, compute_uv=False), "x", True, True),
    # (symmetrized, as cholesky's: eigh reads one triangle, its gradient is the symmetric one)
    ("eigh", lambda ops, x: (lambda w, v: [w, ops.square(v)])(*ops.eigh(
        (x + ops.swapaxes(x, 1, 2)) * 0.5)), "spd", True, True),
    ("qr", lambda ops, x: _qr_signed(ops, ops.qr(ops.swapaxes(x, 1, 2))), "x", True, True),
    ("pinv", lambda ops, x: ops.pinv(x), "x", True, True),
    ("lstsq", lambda ops, x: ops.lstsq(ops.transpose(x[0]), Y[0, 0]),
     "x", True, False),
    ("matrix_rank", lambda ops, x: ops.matrix_rank(x), "x", False, True),
    ("fft", lambda ops, x: ops.fft((x, x * 0.5)), "x", True, True),
    ("fft2", lambda ops, x: ops.fft2((x, ops.flip(x, -1))), "x", True, True),
    ("ifft2", lambda ops, x: ops.ifft2((ops.sin(x), x)), "x", True, True),
    ("rfft", lambda ops, x: ops.rfft(x), "x", True, True),
    ("rfft_padded", lambda ops, x: ops.rfft(x, fft_length=8), "x", True, True),
    ("irfft", lambda ops, x: ops.irfft((x, x * 0.3)), "x", True, True),
    ("irfft_odd", lambda ops, x: ops.irfft((x, ops.cos(x)), fft_length=7), "x", True, True),
    ("stft", lambda ops, x: ops.stft(ops.reshape(x, (-1, 15)), 6, 3, 8), "x", True, True),
    ("stft_hamming", lambda ops, x: ops.stft(ops.reshape(x, (-1, 15)), 8, 2, 8,
                                             window="hamming", center=False), "x", True, True),
    ("istft", lambda ops, x: ops.istft(ops.stft(ops.reshape(x, (-1, 15)), 8, 4, 8), 8, 4, 8,
                                       length=15), "x", True, True),
    ("istft_tiled", lambda ops, x: ops.istft(ops.stft(ops.reshape(x, (-1, 15)), 6, 2, 8), 6,
                                             2, 8), "x", True, True),
    ("rearrange", lambda ops, x: ops.rearrange(x, "b h w -> b w h"), "x", True, True),
    ("rearrange_merged", lambda ops, x: ops.rearrange(x, "b h w c -> b (h w) c"), "images",
     True, True),
    ("rearrange_split", lambda ops, x: ops.rearrange(x, "b (h1 h) (w w1) c -> b h w (c h1 w1)",
                                                     h1=2, w1=3), "images", True, True),
    # (x * 3 over 5 classes, 7 steps: ties between paths have probability 0)
    ("ctc_decode_greedy", lambda ops, x: ops.ctc_decode(x * 3, DECODED_LENGTHS), "sequences",
     False, False),
    ("ctc_decode_unmerged", lambda ops, x: ops.ctc_decode(
        x * 3, DECODED_LENGTHS, merge_repeated=False, mask_index=2), "sequences", False, False),
    ("ctc_decode_beam", lambda ops, x: ops.ctc_decode(
        x * 3, DECODED_LENGTHS, strategy="beam_search", beam_width=4, top_paths=2),
     "sequences", False, False),
    ("i0", lambda ops, x: ops.i0(x * 3), "x", True, True),
    ("i0_int", lambda ops, x: ops.i0(x), "labels", False, True),
    ("vectorize", lambda ops, x: ops.vectorize(lambda a, b: a * ops.tanh(b))(x[:2], Y[0]), "x",
     True, False),
    ("vectorize_signature", lambda ops, x: ops.vectorize(
        lambda a, b: ops.sum(a * b), signature="(n),(n)->()")(x, Y[0, 0]), "x", True, False),
    ("lu_factor", lambda ops, x: ops.lu_factor(x), "spd", True, True),
    ("lu_factor_pivoted", lambda ops, x: ops.lu_factor(ops.flip(x, -1) - 2 * x), "spd", True,
     True),
]
