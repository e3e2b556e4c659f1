"""nn.utils.parametrize and nn.utils.parametrizations against PyTorch: state_dict keys,
values and gradients through chains of parametrizations, right_inverse at registration and
on assignment, cached(), removal; orthogonal (matrix_exp, householder), weight_norm and
spectral_norm trained side by side with torch's; second order through the orthogonal maps;
every error."""
import copy

import numpy as np
import pytest

import nn
from autograd import Parameter, Variable
from autograd.ops import astype, swapaxes
from autograd.testing import assert_gradients_match
from nn.utils import parametrizations as PZ
from nn.utils import parametrize as P
from nn.utils.orthogonal import householder_product, matrix_exp

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")
TP, TPZ = torch.nn.utils.parametrize, torch.nn.utils.parametrizations


class Symmetric(nn.Module):
    def forward(self, x):
        return x + swapaxes(x, -1, -2)


class TorchSymmetric(torch.nn.Module):
    def forward(self, x):
        return x + x.mT


class Scale(nn.Module):  # with a right_inverse
    def forward(self, x):
        return x * 3.0

    def right_inverse(self, x):
        return x / 3.0


class TorchScale(torch.nn.Module):
    def forward(self, x):
        return x * 3.0

    def right_inverse(self, x):
        return x / 3.0


class RankOne(nn.Module):  # two originals
    def forward(self, x, y):
        from autograd.ops import expand_dims, matmul
        return matmul(expand_dims(x, -1), expand_dims(y, -2))

    def right_inverse(self, z):
        u, s, vh = np.linalg.svd(z.data)
        return Variable(u[:, 0] * np.sqrt(s[0])), Variable(vh[0] * np.sqrt(s[0]))


def _linears(dtype, shape=(3, 3)):
    np.random.seed(0)
    ours = nn.Linear(shape[1], shape[0]).to(dtype)
    theirs = torch.nn.Linear(shape[1], shape[0]).to(torch.float64 if dtype == np.float64
                                                    else torch.float32)
    copy_weights(ours, theirs)
    return ours, theirs


def _tol(dtype):
    return 1e-10 if dtype == np.float64 else 1e-5


def _compare_training(ours, theirs, dtype, shape, steps=3, lr=0.1, tol=None):
    """Forward, gradients of every parameter and a few SGD steps, side by side (to `tol`,
    by default _tol(dtype))."""
    tol = tol or _tol(dtype)
    x = np.random.default_rng(1).standard_normal((2, shape[1])).astype(dtype)
    for _ in range(steps):
        y, ty = ours(Variable(x)), theirs(torch.from_numpy(x))
        assert_close(y, ty, tol)
        assert y.dtype == dtype
        (y * y).sum().backward()
        (ty * ty).sum().backward()
        named = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            assert_close(p.grad, named[name].grad, tol * 10)
            p.data = p.data - lr * p.grad.data
            p.grad = None
        with torch.no_grad():
            for p in theirs.parameters():
                p -= lr * p.grad
                p.grad = None
    assert_close(ours.weight, theirs.weight, _tol(dtype) * 10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_chain_matches_torch_with_keys_values_gradients_and_training(dtype):
    ours, theirs = _linears(dtype)
    P.register_parametrization(ours, "weight", Symmetric())
    P.register_parametrization(ours, "weight", Scale())
    TP.register_parametrization(theirs, "weight", TorchSymmetric())
    TP.register_parametrization(theirs, "weight", TorchScale())
    assert list(ours.state_dict()) == list(theirs.state_dict()) == [
        "bias", "parametrizations.weight.original"]
    assert type(ours).__name__ == "ParametrizedLinear"
    assert repr(ours) == repr(theirs).replace("Torch", "")
    assert P.is_parametrized(ours) and P.is_parametrized(ours, "weight")
    assert not P.is_parametrized(ours, "bias") and not P.is_parametrized(nn.Linear(2, 2))
    assert P.type_before_parametrizations(ours) is nn.Linear
    _compare_training(ours, theirs, dtype, (3, 3))


def test_right_inverse_runs_at_registration_and_on_assignment_keeping_the_parameter():
    ours, theirs = _linears(np.float64)
    weight = ours.weight
    before = weight.data.copy()
    P.register_parametrization(ours, "weight", Scale())
    TP.register_parametrization(theirs, "weight", TorchScale())
    chain = ours.parametrizations.weight
    assert chain.original is weight  # an optimizer holding it trains the original
    np.testing.assert_allclose(chain.original.data, before / 3.0)
    np.testing.assert_allclose(ours.weight.data, before)
    new = np.arange(9.0).reshape(3, 3)
    ours.weight = new
    theirs.weight = torch.from_numpy(new)
    assert_close(chain.original, theirs.parametrizations.weight.original, 1e-12)
    assert_close(ours.weight, theirs.weight, 1e-12)
    ours.weight = Parameter(new * 2)  # a Parameter too goes through right_inverse
    np.testing.assert_allclose(ours.weight.data, new * 2)
    assert "weight" not in ours._parameters


def test_several_originals_and_removal_of_them():
    np.random.seed(0)
    layer = nn.Linear(4, 4).double()
    P.register_parametrization(layer, "weight", RankOne())
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original0",
                                        "parametrizations.weight.original1"]
    assert np.linalg.matrix_rank(layer.weight.data) == 1
    first = layer.parametrizations.weight.original0
    target = np.outer([1.0, 2.0, 0.0, 1.0], [0.5, 1.0, -1.0, 2.0])
    layer.weight = Variable(target)  # both originals set by right_inverse
    assert layer.parametrizations.weight.original0 is first
    np.testing.assert_allclose(layer.weight.data, target, atol=1e-12)
    with pytest.raises(ValueError, match="in terms of a sequence of tensors"):
        P.remove_parametrizations(layer, "weight", leave_parametrized=False)
    value = layer.weight.data.copy()
    P.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and isinstance(layer.weight, Parameter)
    np.testing.assert_array_equal(layer.weight.data, value)
    assert list(layer.state_dict()) == ["bias", "weight"]


@pytest.mark.parametrize("leave", [True, False])
def test_removal_matches_torch(leave):
    ours, theirs = _linears(np.float64)
    for module, kind in ((ours, (Symmetric, Scale)), (theirs, (TorchSymmetric, TorchScale))):
        reg = P.register_parametrization if module is ours else TP.register_parametrization
        for cls in kind:
            reg(module, "weight", cls())
    original = ours.parametrizations.weight.original
    P.remove_parametrizations(ours, "weight", leave_parametrized=leave)
    TP.remove_parametrizations(theirs, "weight", leave_parametrized=leave)
    assert type(ours) is nn.Linear and "parametrizations" not in ours._modules
    assert ours.weight is original and list(ours.state_dict()) == list(theirs.state_dict())
    assert_close(ours.weight, theirs.weight, 1e-12)
    assert repr(ours) == repr(theirs).replace("Torch", "")


def test_a_buffer_can_be_parametrized():
    module = nn.Module()
    module.register_buffer("table", np.eye(2) * 2.0)
    P.register_parametrization(module, "table", Scale())
    assert list(module.state_dict()) == ["parametrizations.table.original"]
    np.testing.assert_allclose(module.parametrizations.table.original, np.eye(2) * 2 / 3)
    np.testing.assert_allclose(module.table.data, np.eye(2) * 2.0)


def test_cached_computes_once_per_block():
    calls = []

    class Counting(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x * 1.0

    layer = nn.Linear(2, 2)
    P.register_parametrization(layer, "weight", Counting())
    calls.clear()
    with P.cached():
        first = layer.weight
        with P.cached():
            assert layer.weight is first
        assert layer.weight is first
    assert len(calls) == 1
    assert layer.weight is not first and len(calls) == 2


def test_a_deep_copy_has_a_class_of_its_own():
    """The properties live on the Parametrized class: a copy sharing it (PyTorch's) lost its
    original's `weight` when the copy's parametrization was removed, and a parametrization
    added to the copy's bias made the original's bias a KeyError."""
    original = PZ.weight_norm(nn.Linear(3, 3).to(np.float64))
    replica = copy.deepcopy(original)
    assert type(replica) is not type(original)
    assert type(replica).__name__ == "ParametrizedLinear"
    assert type(replica).__bases__ == (nn.Linear,)
    x = Variable(np.random.default_rng(0).standard_normal((2, 3)))
    expected = original(x).data.copy()
    assert_close(replica(x), expected, 1e-12)
    P.remove_parametrizations(replica, "weight")
    PZ.weight_norm(replica, "bias", dim=None)
    assert P.is_parametrized(original, "weight") and not P.is_parametrized(original, "bias")
    assert_close(original(x), expected, 1e-12)
    assert list(original.state_dict()) == ["bias", "parametrizations.weight.original0",
                                           "parametrizations.weight.original1"]
    replica.parametrizations.bias.original1.data *= 2.0  # its own parameters, too
    assert_close(original(x), expected, 1e-12)


def test_copies_of_a_parametrized_layer_in_a_transformer_are_independent():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0)
    PZ.weight_norm(layer.linear1)
    encoder = nn.TransformerEncoder(layer, num_layers=2)  # (deep copies of the layer)
    P.remove_parametrizations(encoder.layers[0].linear1, "weight")
    x = Variable(np.ones((3, 1, 4), np.float32))
    assert encoder.layers[1](x).shape == (3, 1, 4)
    assert P.is_parametrized(encoder.layers[1].linear1, "weight")


def test_ordinary_modules_keep_their_class_and_attributes():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    P.register_parametrization(a, "weight", Symmetric())
    assert type(b) is nn.Linear and type(a) is not type(b) and "weight" not in vars(type(b))
    b.weight = Parameter(np.zeros((2, 2), np.float32))  # plain assignment still registers
    assert b._parameters["weight"] is b.weight


# ----- the parametrizations -----
@pytest.mark.parametrize("orthogonal_map", [None, "cayley"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
def test_orthogonal_trains_as_torch(dtype, shape, orthogonal_map):
    ours, theirs = _linears(dtype, shape)
    PZ.orthogonal(ours, orthogonal_map=orthogonal_map)
    TPZ.orthogonal(theirs, orthogonal_map=orthogonal_map)
    w = ours.weight.data
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=_tol(dtype) * 10)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # a rectangular base is completed with random columns: torch takes ours
    theirs.load_state_dict({k: torch.from_numpy(np.array(v))
                            for k, v in ours.state_dict().items()})
    _compare_training(ours, theirs, dtype, shape)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_explicit_map_and_a_batch_of_matrices(orthogonal_map):
    rng = np.random.default_rng(0)
    module, reference = nn.Module(), torch.nn.Module()
    value = rng.standard_normal((2, 4, 3))
    module.register_parameter("weight", Parameter(value.copy()))
    reference.weight = torch.nn.Parameter(torch.from_numpy(value.copy()))
    PZ.orthogonal(module, orthogonal_map=orthogonal_map)
    TPZ.orthogonal(reference, orthogonal_map=orthogonal_map)
    reference.load_state_dict({k: torch.from_numpy(np.array(v))
                               for k, v in module.state_dict().items()})
    step = rng.standard_normal((2, 4, 3)) * 0.3
    module.parametrizations.weight.original.data += step
    with torch.no_grad():
        reference.parametrizations.weight.original += torch.from_numpy(step)
    assert_close(module.weight, reference.weight, 1e-10)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
def test_orthogonal_without_trivialization_trains_as_torch(dtype, shape, orthogonal_map):
    """weight = map(original), original as the weight was (the reflectors of its QR for
    'householder'): no `base` buffer, and the same training as PyTorch's (in float32 to
    1e-4: the raw weight's exponential, unlike -I's, rounds differently in torch's Pade
    algorithm and rungrad's Taylor series)."""
    ours, theirs = _linears(dtype, shape)
    PZ.orthogonal(ours, orthogonal_map=orthogonal_map, use_trivialization=False)
    TPZ.orthogonal(theirs, orthogonal_map=orthogonal_map, use_trivialization=False)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == [
        "bias", "parametrizations.weight.original"]
    assert_close(ours.parametrizations.weight.original,
                 theirs.parametrizations.weight.original, _tol(dtype) * 10)
    w = ours.weight.data
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=_tol(dtype) * 10)
    _compare_training(ours, theirs, dtype, shape, tol=1e-4 if dtype == np.float32 else None)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
def test_orthogonal_without_trivialization_assigns_householder_only(shape):
    """Assigning a value keeps its orthogonal factor ('householder', as PyTorch's); the
    other maps cannot be inverted, and say so as PyTorch does."""
    rng = np.random.default_rng(3)
    value = rng.standard_normal(shape)
    householder, theirs = _linears(np.float64, shape)
    PZ.orthogonal(householder, orthogonal_map="householder", use_trivialization=False)
    TPZ.orthogonal(theirs, orthogonal_map="householder", use_trivialization=False)
    householder.weight = value
    theirs.weight = torch.from_numpy(value)
    assert_close(householder.weight, theirs.weight, 1e-12)
    q = np.linalg.qr(value if shape[0] >= shape[1] else value.T)[0]
    weight = householder.weight.data
    np.testing.assert_allclose(np.abs(weight if shape[0] >= shape[1] else weight.T), np.abs(q),
                               atol=1e-12)  # (up to each column's sign)
    exponential = PZ.orthogonal(nn.Linear(shape[1], shape[0]), use_trivialization=False,
                                orthogonal_map="matrix_exp")
    with pytest.raises(NotImplementedError, match="It is not possible to assign to the matrix "
                                                  "exponential or the Cayley"):
        exponential.weight = value.astype(np.float32)


def test_matrix_exp_and_householder_match_torch_and_have_second_order_gradients():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 4, 4)) * 1.5  # scaled and squared
    assert_close(matrix_exp(Variable(a)), torch.linalg.matrix_exp(torch.from_numpy(a)), 1e-12)
    h, tau = np.tril(rng.standard_normal((5, 3)), -1), rng.uniform(0.5, 1.5, 3)
    assert_close(householder_product(Variable(h), Variable(tau)),
                 torch.linalg.householder_product(torch.from_numpy(h), torch.from_numpy(tau)),
                 1e-12)
    assert_gradients_match(lambda x: matrix_exp(x) * 1.0, Variable(a[0] * 0.5), order=2)
    assert_gradients_match(householder_product, Variable(h), Variable(tau), order=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_trains_as_torch(dtype, dim):
    ours, theirs = _linears(dtype, (4, 3))
    PZ.weight_norm(ours, dim=dim)
    TPZ.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == [
        "bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert_close(ours.parametrizations.weight.original0,
                 theirs.parametrizations.weight.original0, _tol(dtype))
    assert repr(ours) == repr(theirs)
    _compare_training(ours, theirs, dtype, (4, 3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_spectral_norm_trains_as_torch_and_iterates_in_training_mode_only(dtype):
    ours, theirs = _linears(dtype, (4, 3))
    PZ.spectral_norm(ours)
    TPZ.spectral_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_weights(ours, theirs)  # torch's random u, v: ours
    assert repr(ours) == repr(theirs)
    _compare_training(ours, theirs, dtype, (4, 3))
    np.random.seed(1)
    fresh = PZ.spectral_norm(nn.Linear(3, 4).to(dtype))
    fresh.load_state_dict(theirs.state_dict())  # torch's checkpoint loads as it is
    fresh.eval()
    theirs.eval()
    assert_close(fresh.weight, theirs.weight, _tol(dtype))
    u = ours.parametrizations.weight[0]._u.copy()
    ours.eval()
    ours(Variable(np.ones((1, 3), dtype)))
    np.testing.assert_array_equal(ours.parametrizations.weight[0]._u, u)
    assert np.linalg.norm(ours.weight.data, 2) == pytest.approx(1.0, rel=1e-2)


def test_spectral_norm_of_a_transposed_conv_and_of_a_vector():
    np.random.seed(0)
    conv = PZ.spectral_norm(nn.ConvTranspose2d(2, 3, 2))
    assert conv.parametrizations.weight[0].dim == 1
    vector = nn.Module()
    vector.register_parameter("weight", Parameter(np.array([3.0, 4.0])))
    PZ.spectral_norm(vector)
    np.testing.assert_allclose(vector.weight.data, [0.6, 0.8])


# ----- errors -----
def test_registration_errors():
    layer = nn.Linear(2, 3)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "
                                         "parametrized element with name 'kernel'"):
        P.register_parametrization(layer, "kernel", Symmetric())
    with pytest.raises(TypeError, match="must be nn.Modules"):
        P.register_parametrization(layer, "weight", lambda x: x)

    class Transposed(nn.Module):
        def forward(self, x):
            return swapaxes(x, -1, -2)

    with pytest.raises(ValueError, match=r"may not change the shape.*\n.*\(3, 2\)"):
        P.register_parametrization(layer, "weight", Transposed())
    square = nn.Linear(2, 2)

    class ToDouble(nn.Module):
        def forward(self, x):
            return astype(x, np.float64)

    class NoArray(nn.Module):
        def forward(self, x):
            return 1.0

    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(square, "weight", ToDouble())
    P.register_parametrization(square, "weight", Symmetric())
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(square, "weight", ToDouble())
    with pytest.raises(ValueError, match="must return a Variable or an array"):
        P.register_parametrization(square, "weight", NoArray())
    P.register_parametrization(square, "weight", ToDouble(), unsafe=True)
    assert square.weight.dtype == np.float64


def test_right_inverse_errors():
    layer = nn.Linear(2, 2)
    P.register_parametrization(layer, "weight", Symmetric())
    with pytest.raises(RuntimeError, match="parametrization Symmetric does not implement "
                                           "right_inverse"):
        layer.weight = np.zeros((2, 2), np.float32)

    class BadInverse(Scale):
        def right_inverse(self, x):
            return np.zeros((2, 2), np.float64) if getattr(self, "armed", False) else x

    other = nn.Linear(2, 2)
    bad = BadInverse()
    P.register_parametrization(other, "weight", bad)
    bad.armed = True
    with pytest.raises(ValueError, match="has dtype float64 while `original` has dtype "
                                         "float32"):
        other.weight = np.zeros((2, 2), np.float32)

    class Wrong(Scale):
        def right_inverse(self, x):
            return "nope"

    with pytest.raises(ValueError, match="must return a Variable or an array, or a sequence"):
        P.register_parametrization(nn.Linear(2, 2), "weight", Wrong())

    class ChangesDtype(Scale):
        def right_inverse(self, x):
            return np.zeros((2, 2), np.float64)

    with pytest.raises(ValueError, match="When `right_inverse` outputs one tensor, it may not "
                                         "change the dtype"):
        P.register_parametrization(nn.Linear(2, 2), "weight", ChangesDtype())
    np.random.seed(0)
    rank = nn.Linear(3, 3).double()
    P.register_parametrization(rank, "weight", RankOne())
    with pytest.raises(ValueError, match="of length 2. Got length 3"):
        rank.parametrizations.weight[0].right_inverse = lambda x: (x, x, x)
        rank.weight = np.zeros((3, 3))
    with pytest.raises(ValueError, match="of length 2. Got Variable"):
        rank.parametrizations.weight[0].right_inverse = lambda x: x
        rank.weight = Variable(np.zeros((3, 3)))


def test_removal_errors_and_list_errors():
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        P.remove_parametrizations(nn.Linear(2, 2), "weight")
    with pytest.raises(ValueError, match="requires one or more modules"):
        P.ParametrizationList([], Parameter(np.zeros(2)))


def test_parametrization_function_errors():
    with pytest.raises(ValueError, match="orthogonal: Module 'Linear' has no parameter or "
                                         "buffer with name 'kernel'"):
        PZ.orthogonal(nn.Linear(2, 2), "kernel")
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices. Got a "
                                         "tensor of 1 dimensions"):
        PZ.orthogonal(nn.Linear(2, 2), "bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of .*Got: qr'):
        PZ.orthogonal(nn.Linear(2, 2), orthogonal_map="qr")
    layer = PZ.orthogonal(nn.Linear(2, 3))
    with pytest.raises(ValueError, match=r"of shape \(3, 2\). Got a tensor of shape \(2, 2\)"):
        layer.weight = np.eye(2, dtype=np.float32)
    with pytest.raises(np.exceptions.AxisError, match="weight_norm"):
        PZ.weight_norm(nn.Linear(2, 2), dim=2)
    with pytest.raises(ValueError, match="weight_norm: Module 'Linear' has no parameter"):
        PZ.weight_norm(nn.Linear(2, 2), "kernel")
    with pytest.raises(IndexError, match=r"range of \[-2, 1\] but got 2"):
        PZ.spectral_norm(nn.Linear(2, 2), dim=2)
    with pytest.raises(ValueError, match="n_power_iterations to be positive, but got "
                                         "n_power_iterations=0"):
        PZ.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


class _Double(nn.Module):
    def forward(self, w):
        return w * 2


def test_cached_values_are_this_threads_and_this_modules():
    import threading
    layer = nn.Linear(2, 2)
    P.register_parametrization(layer, "weight", _Double())
    seen = []
    with P.cached():
        before = layer.weight.data.copy()
        thread = threading.Thread(target=lambda: (
            layer.parametrizations.weight.original.data.__imul__(3),
            seen.append(layer.weight.data.copy())))
        thread.start()
        thread.join()
        assert np.array_equal(layer.weight.data, before)  # (cached here)
        other = nn.Linear(2, 2)  # (a new module: never another's cached value)
        P.register_parametrization(other, "weight", _Double())
        assert np.array_equal(other.weight.data,
                              other.parametrizations.weight.original.data * 2)
    np.testing.assert_allclose(seen[0], before * 3)  # the other thread read afresh
