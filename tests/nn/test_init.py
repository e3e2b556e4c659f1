"""nn.init: PyTorch's gains and fans, in-place fills that keep dtype, seeded from np.random."""
import math

import numpy as np
import pytest

import nn
from autograd import Parameter
from nn import init


def param(*shape, dtype=np.float32):
    return Parameter(np.zeros(shape, dtype))


@pytest.mark.parametrize("nonlinearity, param_value, gain", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
])
def test_calculate_gain(nonlinearity, param_value, gain):
    assert init.calculate_gain(nonlinearity, param_value) == pytest.approx(gain)


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))


def test_unknown_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="swish"):
        init.calculate_gain("swish")


@pytest.mark.parametrize("shape, fans", [((3, 5), (5, 3)), ((8, 4, 3, 3), (36, 72)),
                                         ((2, 6, 5), (30, 10))])
def test_fans_include_the_receptive_field(shape, fans):
    assert init.calculate_fan_in_and_fan_out(param(*shape)) == fans


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(4,\)"):
        init.xavier_uniform_(param(4))


def bound_and_std_cases():
    """(fill, shape, expected uniform bound or None, expected std)"""
    fan_in, fan_out = 400, 300
    xavier_std = math.sqrt(2 / (fan_in + fan_out))
    relu_std_in = math.sqrt(2) / math.sqrt(fan_in)
    return [
        (lambda p: init.xavier_uniform_(p), math.sqrt(3) * xavier_std, xavier_std),
        (lambda p: init.xavier_uniform_(p, gain=2.0), 2 * math.sqrt(3) * xavier_std,
         2 * xavier_std),
        (lambda p: init.xavier_normal_(p), None, xavier_std),
        (lambda p: init.kaiming_uniform_(p, nonlinearity="relu"), math.sqrt(3) * relu_std_in,
         relu_std_in),
        (lambda p: init.kaiming_normal_(p, nonlinearity="relu"), None, relu_std_in),
        (lambda p: init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu"), None,
         math.sqrt(2) / math.sqrt(fan_out)),
        (lambda p: init.kaiming_uniform_(p, a=math.sqrt(5)), 1 / math.sqrt(fan_in),
         1 / math.sqrt(3 * fan_in)),
        (lambda p: init.uniform_(p, -0.5, 0.5), 0.5, 1 / math.sqrt(12)),
        (lambda p: init.normal_(p, 0.0, 0.3), None, 0.3),
    ]


@pytest.mark.parametrize("fill, bound, std", bound_and_std_cases())
def test_statistics_follow_the_formula(fill, bound, std):
    np.random.seed(0)
    p = param(300, 400)  # (out, in): fan_in 400, fan_out 300
    assert fill(p) is p
    values = p.data
    assert values.dtype == np.float32
    assert values.std() == pytest.approx(std, rel=0.02)
    assert abs(values.mean()) < 0.02 * std
    if bound is not None:
        assert values.max() <= bound and values.min() >= -bound
        assert values.max() > 0.99 * bound and values.min() < -0.99 * bound


def test_normal_mean_and_uniform_range():
    np.random.seed(0)
    p = init.normal_(param(200, 200), mean=3.0, std=0.1)
    assert p.data.mean() == pytest.approx(3.0, abs=0.01)
    q = init.uniform_(param(100, 100), 2.0, 5.0)
    assert q.data.min() >= 2.0 and q.data.max() <= 5.0


def test_constant_zeros_ones_fill_in_place():
    p = param(3, 4)
    array = p.data
    init.constant_(p, 0.25)
    assert p.data is array and np.all(array == 0.25)
    assert np.all(init.ones_(p).data == 1) and np.all(init.zeros_(p).data == 0)


def test_fills_keep_dtype_and_work_on_plain_arrays():
    array = np.zeros((4, 5), np.float64)
    assert init.xavier_normal_(array) is array and array.dtype == np.float64
    half = param(4, 5, dtype=np.float16)
    init.kaiming_uniform_(half)
    assert half.dtype == np.float16 and np.any(half.data != 0)


def test_np_random_seed_makes_fills_reproducible():
    np.random.seed(7)
    a = init.kaiming_normal_(param(5, 6)).data.copy()
    np.random.seed(7)
    b = init.kaiming_normal_(param(5, 6)).data.copy()
    np.testing.assert_array_equal(a, b)


def test_seed_makes_models_reproducible():
    np.random.seed(3)
    first = nn.Linear(4, 5).state_dict()
    np.random.seed(3)
    second = nn.Linear(4, 5).state_dict()
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(param(2, 2), mode="fan_avg")
    with pytest.raises(TypeError, match="floating-point"):
        init.uniform_(np.zeros((2, 2), np.int64))


def test_zero_element_tensors_are_left_alone():
    for fill in (init.kaiming_uniform_, init.kaiming_normal_, init.xavier_uniform_):
        assert fill(param(3, 0)).shape == (3, 0)


def test_kaiming_leaves_a_zero_element_vector_alone_as_torchs():
    """A (0,) bias given to kaiming_* raised 'needs at least 2 dimensions': PyTorch's
    kaiming fills return any zero-element tensor untouched before computing its fans."""
    for fill in (init.kaiming_uniform_, init.kaiming_normal_):
        assert fill(param(0)).shape == (0,)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.kaiming_uniform_(param(3))  # (one with elements still needs its fans)


@pytest.mark.parametrize("fill, draw", [
    (lambda t: init.normal_(t, 0.5, 2.0), lambda n: np.random.normal(0.5, 2.0, n)),
    (lambda t: init.uniform_(t, -1.0, 3.0), lambda n: np.random.uniform(-1.0, 3.0, n))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_fills_draw_in_chunks_the_numbers_of_one_call(fill, draw, dtype):
    """Above the chunk size a fill draws piece by piece (no whole-size float64 temporary):
    the generator is a stream, so the values are exactly those of one draw, cast."""
    shape = (3, init._CHUNK // 2 + 7)
    np.random.seed(3)
    expected = draw(math.prod(shape)).astype(dtype).reshape(shape)
    np.random.seed(3)
    got = fill(Parameter(np.empty(shape, dtype)))
    np.testing.assert_array_equal(got.data, expected)
    np.random.seed(3)
    strided = np.empty((shape[1], shape[0]), dtype).T  # not C-contiguous: one draw
    np.testing.assert_array_equal(fill(strided), expected)


@pytest.mark.parametrize("shape", [(3, 12), (12, 3), (4, 4), (2, 3, 4)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    np.random.seed(0)
    p = init.orthogonal_(param(*shape), gain=2.0)
    matrix = p.data.reshape(shape[0], -1).astype(np.float64) / 2
    gram = matrix @ matrix.T if matrix.shape[0] <= matrix.shape[1] else matrix.T @ matrix
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-6)
    assert p.dtype == np.float32
    np.random.seed(0)
    np.testing.assert_array_equal(init.orthogonal_(param(*shape), gain=2.0).data, p.data)
    with pytest.raises(ValueError, match="orthogonal_: needs at least 2 dimensions"):
        init.orthogonal_(param(3))


def test_trunc_normal_matches_torch_statistics():
    torch = pytest.importorskip("torch")
    for mean, std, a, b in [(0.0, 1.0, -2.0, 2.0), (1.0, 0.5, 0.8, 3.0), (0.0, 0.02, -0.1, 0.5)]:
        ours = init.trunc_normal_(param(400, 500, dtype=np.float64), mean, std, a, b).data
        theirs = torch.nn.init.trunc_normal_(torch.empty(400, 500, dtype=torch.float64),
                                             mean, std, a, b).numpy()
        assert a <= ours.min() and ours.max() <= b
        # 200,000 draws: the standard error of the mean is below std / 400
        assert ours.mean() == pytest.approx(theirs.mean(), abs=std / 40)
        assert ours.std() == pytest.approx(theirs.std(), rel=0.02)


def test_trunc_normal_refuses_bad_arguments_and_warns_as_torch():
    with pytest.raises(ValueError, match="std > 0 and a < b"):
        init.trunc_normal_(param(3), std=-1.0)
    with pytest.raises(ValueError, match="too little to draw from"), pytest.warns(UserWarning):
        init.trunc_normal_(param(3), mean=0.0, std=1.0, a=10.0, b=11.0)
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        drawn = init.trunc_normal_(param(1000), mean=0.0, std=1.0, a=2.5, b=4.0).data
    assert 2.5 <= drawn.min() and drawn.max() <= 4.0


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2)])
def test_eye_matches_torch(shape):
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(init.eye_(param(*shape)).data,
                                  torch.nn.init.eye_(torch.empty(shape)).numpy())


@pytest.mark.parametrize("shape, groups", [((4, 3, 3), 1), ((6, 2, 3, 3), 2),
                                           ((2, 4, 2, 3, 5), 1), ((6, 1, 4, 4), 3)])
def test_dirac_matches_torch(shape, groups):
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(init.dirac_(param(*shape), groups).data,
                                  torch.nn.init.dirac_(torch.empty(shape), groups).numpy())


def test_sparse_zeros_each_column_as_torch():
    torch = pytest.importorskip("torch")
    ours = init.sparse_(param(300, 200), 0.3, std=0.5).data
    theirs = torch.nn.init.sparse_(torch.empty(300, 200), 0.3, std=0.5).numpy()
    # ceil(0.3 * 300) = 90 zeros in every column, by both. PyTorch's float32 normal_ also
    # draws an exact 0.0 once in 2^24 (30 in 5e8 draws), so one of its columns held 91 in
    # about one run in 400: it holds at least 90
    assert ((ours == 0).sum(0) == 90).all()
    assert ((theirs == 0).sum(0) >= 90).all() and np.median((theirs == 0).sum(0)) == 90
    assert ours[ours != 0].std() == pytest.approx(0.5, rel=0.03)


def test_eye_dirac_and_sparse_refuse_other_ranks():
    for fill in (init.eye_, lambda t: init.sparse_(t, 0.1)):
        with pytest.raises(ValueError, match="only tensors with 2 dimensions"):
            fill(param(2, 2, 2))
    with pytest.raises(ValueError, match="only tensors with 3 or 4 or 5 dimensions"):
        init.dirac_(param(2, 2))
    with pytest.raises(ValueError, match="must be divisible by groups"):
        init.dirac_(param(3, 2, 3), groups=2)


def test_bad_spreads_are_named_as_torch_names_them():
    with pytest.raises(ValueError, match="normal_: expects std >= 0.0, but found std -1.0"):
        init.normal_(param(3), std=-1.0)
    with pytest.raises(ValueError, match=r"uniform_: expects a <= b .* found a=1.0 > b=-1.0"):
        init.uniform_(param(3), 1.0, -1.0)
    for cls in (nn.initializers.RandomNormal, nn.initializers.TruncatedNormal):
        with pytest.raises(ValueError, match=f"{cls.__name__}: expects stddev >= 0.0"):
            cls(stddev=-1.0)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_constant_fills_integer_and_boolean_arrays_as_torch(dtype):
    torch = pytest.importorskip("torch")
    ours = init.constant_(np.zeros(3, dtype), 2)
    theirs = torch.nn.init.constant_(torch.from_numpy(np.zeros(3, dtype)), 2).numpy()
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == dtype
    assert init.zeros_(np.ones(2, dtype)).sum() == 0


def test_a_window_far_out_in_a_tail_is_drawn_at_once_and_inside_it():
    """Redrawing whatever fell outside [4.5, 5.5] took a minute and a half for 10,000."""
    drawn = init.trunc_normal_(np.empty(20000), 0.0, 1.0, a=4.5, b=5.5)
    assert 4.5 <= drawn.min() and drawn.max() <= 5.5
    # the mean of N(0, 1) truncated to [4.5, 5.5]: (phi(4.5) - phi(5.5)) / (Phi(5.5) - Phi(4.5))
    phi = [math.exp(-z * z / 2) / math.sqrt(2 * math.pi) for z in (4.5, 5.5)]
    mass = (math.erf(5.5 / math.sqrt(2)) - math.erf(4.5 / math.sqrt(2))) / 2
    assert abs(drawn.mean() - (phi[0] - phi[1]) / mass) < 0.01


def test_an_unbuilt_parameter_is_refused_and_a_reset_waits_for_the_build():
    """nn.init filled a lazy layer's empty placeholder without a word, and the first call
    drew over it; reset_parameters failed with a TypeError (Linear) or an IndexError
    (LazyConv2d)."""
    model = nn.Sequential(nn.Linear(3), nn.ReLU())
    for fill in (init.zeros_, init.xavier_uniform_, lambda w: init.kaiming_normal_(w)):
        with pytest.raises(ValueError, match="not built yet.*call the model once"):
            fill(model[0].weight)
    for layer in (nn.Linear(3), nn.LazyConv2d(3, 2), nn.keras.layers.Dense(3),
                  nn.keras.layers.LSTM(3)):
        layer.reset_parameters()  # (PyTorch's lazy layers: nothing to reset yet)
    model(np.ones((2, 4), np.float32))
    init.ones_(model[0].bias)
    np.testing.assert_array_equal(model[0].bias.data, 1.0)


def test_pytorch_s_private_fan_helpers_are_there_for_ported_code():
    weight = np.empty((8, 3, 5, 5))
    assert init._calculate_fan_in_and_fan_out(weight) == (75, 200)
    assert init._calculate_correct_fan(weight, "fan_out") == 200
