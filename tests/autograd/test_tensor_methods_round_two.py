"""PyTorch's Tensor methods of the second round (autograd/tensor_methods.py): broadcast_to,
the bitwise ops, nextafter, sizes, fliplr/flipud, equal, float_power, heaviside, inner,
vdot, matrix_power, msort, tensor_split, deg2rad/rad2deg, angle, sum_to_size,
unique_consecutive, histc, renorm and multinomial: values and gradients of PyTorch's
(optional import), second order where differentiable twice, errors by name."""
import numpy as np
import pytest

from autograd import Variable, gradgradcheck

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
A23 = RNG.uniform(-2, 2, (2, 3))
A33 = RNG.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)  # (invertible)
A243 = RNG.uniform(-2, 2, (2, 4, 3))
V3 = RNG.uniform(-2, 2, 3)
W3 = RNG.uniform(-2, 2, 3)

# (method, arrays: self first, other arguments, keywords): differentiable in float64
DIFFERENTIABLE = [
    ("broadcast_to", [V3], ((2, 3),), {}),
    ("broadcast_to", [A23[:1]], ((4, -1, 3),), {}),
    ("fliplr", [A23], (), {}),
    ("flipud", [A243], (), {}),
    ("float_power", [np.abs(A23) + 0.5, V3], (), {}),
    ("float_power", [np.abs(A23) + 0.5], (2.5,), {}),
    ("inner", [A23, A243], (), {}),
    ("inner", [V3, W3], (), {}),
    ("vdot", [V3, W3], (), {}),
    ("matrix_power", [A33], (3,), {}),
    ("matrix_power", [A33], (-2,), {}),
    ("matrix_power", [np.stack([A33, A33.T])], (5,), {}),
    ("matrix_power", [A33], (1,), {}),
    ("msort", [A243], (), {}),
    ("deg2rad", [A23], (), {}),
    ("rad2deg", [A23], (), {}),
    ("angle", [A23], (), {}),
    ("sum_to_size", [A243], (2, 1, 3), {}),
    ("sum_to_size", [A243], ((3,),), {}),
    ("renorm", [A243], (2, 1, 1.5), {}),
    ("renorm", [A243], (1, -1, 3.0), {}),
    ("renorm", [A23], (3, 0, 10.0), {}),
]


def _call(name, variables, args, keywords):
    return getattr(variables[0], name)(*variables[1:], *args, **keywords)


@pytest.mark.parametrize("i", range(len(DIFFERENTIABLE)))
def test_values_and_gradients_match_torch(i):
    name, arrays, args, keywords = DIFFERENTIABLE[i]
    ours = [Variable(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = _call(name, ours, args, keywords)
    t = _call(name, theirs, args, keywords)
    assert y.shape == tuple(t.shape) and y.dtype == np.float64
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(100 + i).standard_normal(tuple(t.shape))
    y.backward(Variable(upstream))
    t.backward(torch.tensor(upstream))
    for v, tv in zip(ours, theirs):
        np.testing.assert_allclose(v.grad.data, tv.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, arrays, args", [
    ("float_power", [np.abs(A23) + 0.5, V3], ()),
    ("inner", [A23, A243[0]], ()),
    ("vdot", [V3, W3], ()),
    ("matrix_power", [A33], (3,)),
    ("matrix_power", [A33], (-1,)),
    ("renorm", [A243], (2, 1, 1.5)),
    ("sum_to_size", [A243], (1, 4, 1)),
])
def test_second_order(name, arrays, args):
    gradgradcheck(lambda *vs: getattr(vs[0], name)(*vs[1:], *args),
                  *[Variable(a) for a in arrays])


def test_new_tuple_results_match_torch():
    x = np.arange(7.0)
    for sections in (3, [1, 5, 9], [-2], [], np.array([2, 4]), Variable(np.array([1, 4])),
                     Variable(np.array(2))):
        given = torch.tensor(sections.data) if isinstance(sections, Variable) else \
            np.asarray(sections).tolist()
        ours = Variable(x).tensor_split(sections)
        theirs = torch.tensor(x).tensor_split(given)
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.data, t.numpy())
    ours = Variable(A243).tensor_split(3, dim=-2)
    theirs = torch.tensor(A243).tensor_split(3, dim=-2)
    assert [o.shape for o in ours] == [tuple(t.shape) for t in theirs]


def test_tensor_split_gradient_reaches_each_piece():
    x = Variable(A243)
    first, second = x.tensor_split([1], dim=1)
    (first.sum() + 2 * second.sum()).backward()
    expected = np.full(A243.shape, 2.0)
    expected[:, 0] = 1
    np.testing.assert_array_equal(x.grad.data, expected)


def test_integer_and_boolean_methods_match_torch():
    a, b = np.array([5, -3, 12, 0]), np.array([3, 6, -7, 1])
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        np.testing.assert_array_equal(getattr(Variable(a), name)(Variable(b)).data,
                                      getattr(torch.tensor(a), name)(torch.tensor(b)).numpy())
    np.testing.assert_array_equal(Variable(a).bitwise_not().data,
                                  torch.tensor(a).bitwise_not().numpy())
    x, y = np.array([1.0, 2.0, 0.0], np.float32), np.array([2.0, 1.0, -1.0], np.float32)
    np.testing.assert_array_equal(Variable(x).nextafter(Variable(y)).data,
                                  torch.tensor(x).nextafter(torch.tensor(y)).numpy())
    for i in (np.array([180, -90]),):
        for name in ("deg2rad", "rad2deg", "angle"):
            ours, theirs = getattr(Variable(i), name)(), getattr(torch.tensor(i), name)()
            assert ours.dtype == np.float32
            np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


def test_angle_of_special_values_and_its_zero_gradient():
    values = np.array([-1.0, 0.0, 2.0, np.nan, -np.inf, np.inf, -0.0])
    np.testing.assert_array_equal(Variable(values).angle().data,
                                  torch.tensor(values).angle().numpy())
    x = Variable(A23.astype(np.float32))
    x.angle().sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))


def test_sizes_and_predicates():
    x = Variable(np.zeros((2, 3, 4), np.float32))
    assert (x.ndimension(), x.nelement(), x.element_size()) == (3, 24, 4)
    assert Variable(np.zeros(2, np.int16)).element_size() == 2
    assert x.is_contiguous() and x.transpose().is_contiguous()
    assert Variable(A23).equal(Variable(A23.copy())) is True
    for other in (A23[:1], A23 + 1, np.concatenate([A23, A23])):
        assert Variable(A23).equal(Variable(other)) is torch.equal(
            torch.tensor(A23), torch.tensor(other)) is False
    assert Variable(np.array([1, 2])).equal(np.array([1.0, 2.0])) is True
    assert Variable(np.array([np.nan])).equal(Variable(np.array([np.nan]))) is False


def test_heaviside_matches_torch_and_gradient_reaches_values_only():
    x = np.array([-1.5, 0.0, 2.0, 0.0, np.nan])
    values = np.array([0.5, 0.25, 0.75, -1.0, 3.0])
    expected = torch.tensor(x).heaviside(torch.tensor(values)).numpy()
    v, w = Variable(x), Variable(values)
    y = v.heaviside(w)
    np.testing.assert_array_equal(y.data, expected)
    np.testing.assert_array_equal(Variable(x).heaviside(Variable(np.array(0.5))).data,
                                  torch.tensor(x).heaviside(torch.tensor(0.5,
                                                                         dtype=torch.float64)))
    y.sum().backward()
    assert v.grad is None
    np.testing.assert_array_equal(w.grad.data, [0, 1, 0, 1, 0])


def test_matrix_power_zero_is_the_identity_of_each_matrix():
    x = Variable(np.stack([A33, A33.T]))
    np.testing.assert_array_equal(x.matrix_power(0).data, np.broadcast_to(np.eye(3),
                                                                          (2, 3, 3)))
    assert x.matrix_power(1) is not x


def test_unique_consecutive_matches_torch():
    a = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    ours = Variable(a).unique_consecutive(return_inverse=True, return_counts=True)
    theirs = torch.tensor(a).unique_consecutive(return_inverse=True, return_counts=True)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.data, t.numpy())
    np.testing.assert_array_equal(Variable(a).unique_consecutive().data,
                                  torch.tensor(a).unique_consecutive().numpy())
    m = np.array([[1, 1, 2, 2], [0, 0, 5, 5], [1, 1, 2, 3]])
    for dim in (0, 1, -1):
        ours = Variable(m).unique_consecutive(return_inverse=True, return_counts=True, dim=dim)
        theirs = torch.tensor(m).unique_consecutive(return_inverse=True, return_counts=True,
                                                    dim=dim)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.data, t.numpy())
    grid = Variable(m).unique_consecutive(return_inverse=True)[1]
    np.testing.assert_array_equal(grid.data, torch.tensor(m).unique_consecutive(
        return_inverse=True)[1].numpy())


def test_histc_matches_torch():
    data = np.array([1.0, 2.0, 1.0, 4.0, 1.0, -0.5, 3.0, 2.9], np.float32)
    for args in ((4, 0, 3), (100,), (5, 1, 1), (3, -1, 4.0)):
        ours, theirs = Variable(data).histc(*args), torch.tensor(data).histc(*args)
        assert ours.dtype == np.float32 and ours.grad is None
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(Variable(np.array([3.0, 3.0])).histc(bins=4).data,
                                  torch.tensor([3.0, 3.0]).histc(bins=4).numpy())


def test_multinomial_shapes_rules_and_generator():
    probs = np.array([[0.0, 1.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    drawn = Variable(probs).multinomial(4, generator=np.random.default_rng(1))
    assert drawn.dtype == np.int64 and drawn.shape == (2, 4)
    # without replacement: each category once, those of weight 0 after all others
    assert sorted(drawn.data[1]) == [0, 1, 2, 3]
    assert sorted(drawn.data[0][:2]) == [1, 2] and sorted(drawn.data[0][2:]) == [0, 3]
    again = Variable(probs).multinomial(4, generator=np.random.default_rng(1))
    np.testing.assert_array_equal(drawn.data, again.data)
    many = Variable(np.array([0.0, 1.0, 3.0])).multinomial(4000, True,
                                                           generator=np.random.default_rng(2))
    assert many.shape == (4000,)
    counts = np.bincount(many.data, minlength=3)
    assert counts[0] == 0 and 0.7 < counts[2] / 4000 < 0.8


@pytest.mark.parametrize("call, error, words", [
    (lambda: Variable(V3).fliplr(), ValueError, "fliplr"),
    (lambda: Variable(np.array(1.0)).flipud(), ValueError, "flipud"),
    (lambda: Variable(A23).inner(Variable(A243[0].T)), ValueError, "inner"),
    (lambda: Variable(V3).vdot(Variable(A23)), ValueError, "vdot"),
    (lambda: Variable(A23).matrix_power(2), ValueError, "matrix_power"),
    (lambda: Variable(A33).matrix_power(1.5), TypeError, "matrix_power"),
    (lambda: Variable(np.array(1.0)).msort(), ValueError, "msort"),
    (lambda: Variable(A23).tensor_split(0), ValueError, "tensor_split"),
    (lambda: Variable(A23).tensor_split([1.5]), TypeError, "tensor_split"),
    (lambda: Variable(A23).tensor_split(2, dim=2), Exception, "tensor_split"),
    (lambda: Variable(A23).sum_to_size(4), ValueError, "sum_to_size"),
    (lambda: Variable(A23).heaviside(Variable(A23.astype(np.float32))), TypeError,
     "heaviside"),
    (lambda: Variable(np.arange(3)).histc(), TypeError, "histc"),
    (lambda: Variable(A23).histc(4, 2, 1), ValueError, "histc"),
    (lambda: Variable(V3).renorm(2, 0, 1), ValueError, "renorm"),
    (lambda: Variable(A23).renorm(0, 0, 1), ValueError, "renorm"),
    (lambda: Variable(np.arange(3)).multinomial(1), TypeError, "multinomial"),
    (lambda: Variable(np.array([-1.0, 2.0])).multinomial(1), ValueError, "multinomial"),
    (lambda: Variable(np.zeros(2)).multinomial(1), ValueError, "multinomial"),
    (lambda: Variable(np.ones(2)).multinomial(3), ValueError, "multinomial"),
    (lambda: Variable(np.ones(2)).multinomial(1, generator=torch.Generator()), TypeError,
     "multinomial"),
])
def test_bad_input_is_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_in_place_shape_changes_stay_absent():
    """squeeze_, unsqueeze_, t_ and transpose_ would rebind .data to another shape, which
    the in-place machinery (writes into the array, its shape kept) does not do."""
    x = Variable(np.zeros((1, 2)), requires_grad=False)
    for name in ("squeeze_", "unsqueeze_", "t_", "transpose_"):
        assert not hasattr(x, name)
