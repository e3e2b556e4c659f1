"""nn.utils.weight_norm / remove_weight_norm and spectral_norm / remove_spectral_norm
against PyTorch: state_dict keys, outputs and gradients (input, g, v, weight_orig, bias),
power iteration in training mode only (u and v copied from torch), float32 and float64;
second order of the reparametrizations against numerical; every error."""
from types import SimpleNamespace

import numpy as np
import pytest

import nn
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.keras.models import clone_model
from nn.utils import remove_spectral_norm, remove_weight_norm, spectral_norm, weight_norm
from nn.utils.spectral_norm import SpectralNorm
from nn.utils.weight_norm import WeightNorm

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")
U = torch.nn.utils

LAYERS = {  # name -> (ours, theirs, input shape)
    "linear": (lambda: nn.Linear(3, 4), lambda: torch.nn.Linear(3, 4), (2, 3)),
    "conv": (lambda: nn.Conv2d(2, 3, 2), lambda: torch.nn.Conv2d(2, 3, 2), (1, 2, 4, 4)),
    "transposed": (lambda: nn.ConvTranspose2d(2, 3, 2), lambda: torch.nn.ConvTranspose2d(2, 3, 2),
                   (1, 2, 3, 3)),
}


def _twins(layer, dtype):
    make_ours, make_theirs, shape = LAYERS[layer]
    ours, theirs = make_ours(), make_theirs()
    theirs = theirs.double() if dtype == np.float64 else theirs
    ours = ours.double() if dtype == np.float64 else ours
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    return ours, theirs, x


def _tol(dtype):
    return 2e-5 if dtype == np.float32 else 1e-10


def _forward_backward(ours, theirs, x):
    """Both modules' outputs on x, then backward of a random weighting; the input Variables."""
    v, t = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(v), theirs(t)
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    return y, yt, v, t


def _assert_same_parameters_and_grads(ours, theirs, tol):
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        assert_close(p, tp, tol)
        assert_close(p.grad, tp.grad, tol)


# ----- weight_norm -----

@pytest.mark.filterwarnings("ignore::FutureWarning")  # (torch's: the hook API is deprecated)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layer, dim", [("linear", 0), ("linear", 1), ("linear", None),
                                        ("conv", 0), ("conv", -2), ("transposed", 1)])
def test_weight_norm_matches_torch(dtype, layer, dim):
    ours, theirs, x = _twins(layer, dtype)
    assert weight_norm(ours, dim=dim) is ours
    U.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.weight_g.shape == tuple(theirs.weight_g.shape)
    y, yt, v, t = _forward_backward(ours, theirs, x)
    assert y.dtype == dtype
    assert_close(y, yt, _tol(dtype))
    assert_close(v.grad, t.grad, _tol(dtype))
    _assert_same_parameters_and_grads(ours, theirs, _tol(dtype))


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_weight_norm_recomputes_the_weight_each_forward_and_removes_as_torch():
    ours, theirs, x = _twins("linear", np.float64)
    weight_norm(ours)
    U.weight_norm(theirs)
    ours.weight_g.data *= 2.0  # (a training step's change)
    with torch.no_grad():
        theirs.weight_g *= 2.0
    assert_close(ours(x), theirs(torch.tensor(x)), 1e-12)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    remove_weight_norm(ours)
    U.remove_weight_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    assert isinstance(ours.weight, nn.Parameter)
    assert not hasattr(ours, "weight_g") and not hasattr(ours, "weight_v")
    assert_close(ours.weight, theirs.weight, 1e-12)
    weight_norm(ours)  # (once removed, it may be applied again)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_weight_norm_second_order_matches_numerical(dim):
    rng = np.random.default_rng(2)
    fn = WeightNorm("weight", dim)
    g_shape = {0: (3, 1), 1: (1, 2), -1: ()}[dim]

    def weight(g, v):
        return fn.compute_weight(SimpleNamespace(weight_g=g, weight_v=v)) ** 2

    assert_gradients_match(weight, rng.uniform(0.5, 2, g_shape), rng.standard_normal((3, 2)),
                           order=2)


@pytest.mark.parametrize("apply, remove, who", [
    (weight_norm, remove_weight_norm, "weight_norm"),
    (spectral_norm, remove_spectral_norm, "spectral_norm")])
def test_errors_shared_by_both(apply, remove, who):
    model = apply(nn.Linear(3, 4))
    with pytest.raises(RuntimeError, match=f"Cannot register two {who} hooks on the same "
                                           "parameter weight"):
        apply(model)
    with pytest.raises(ValueError, match=f"{who} of 'bias' not found in Linear"):
        remove(model, "bias")
    with pytest.raises(AttributeError, match=f"{who}: Linear has no parameter 'foo'"):
        apply(nn.Linear(3, 4), "foo")
    with pytest.raises(ValueError, match=f"{who}: parameter 'bias' of Linear is None"):
        apply(nn.Linear(3, 4, bias=False), "bias")
    with pytest.raises(ValueError, match=r"dim=2 is out of range for the parameter 'weight' "
                                         r"of shape \(4, 3\)"):
        apply(nn.Linear(3, 4), dim=2)
    with pytest.raises(ValueError, match="not initialized yet; run a dummy forward"):
        apply(nn.Linear(4))


# ----- spectral_norm -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layer, dim, iterations", [
    ("linear", None, 1), ("linear", 1, 3), ("conv", None, 2), ("transposed", None, 1)])
def test_spectral_norm_matches_torch_in_training_and_eval(dtype, layer, dim, iterations):
    ours, theirs, x = _twins(layer, dtype)
    assert spectral_norm(ours, n_power_iterations=iterations, dim=dim) is ours
    U.spectral_norm(theirs, n_power_iterations=iterations, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.weight_u[...] = theirs.weight_u.numpy()
    ours.weight_v[...] = theirs.weight_v.numpy()
    for training in (True, True, False):
        ours.train(training)
        theirs.train(training)
        ours.zero_grad()
        theirs.zero_grad()
        y, yt, v, t = _forward_backward(ours, theirs, x)
        assert y.dtype == dtype
        assert_close(y, yt, _tol(dtype))
        assert_close(v.grad, t.grad, _tol(dtype))
        _assert_same_parameters_and_grads(ours, theirs, _tol(dtype))
        for name in ("weight_u", "weight_v"):
            assert getattr(ours, name).dtype == dtype
            assert_close(getattr(ours, name), getattr(theirs, name), _tol(dtype))


def test_spectral_norm_in_eval_mode_leaves_u_and_v_alone():
    model = spectral_norm(nn.Linear(3, 4)).eval()
    u, v = model.weight_u.copy(), model.weight_v.copy()
    model(np.ones((1, 3), np.float32))
    np.testing.assert_array_equal(model.weight_u, u)
    np.testing.assert_array_equal(model.weight_v, v)


def test_spectral_norm_draws_u_and_v_from_numpy_s_global_generator():
    model = nn.Linear(3, 5)
    np.random.seed(7)
    spectral_norm(model)
    np.random.seed(7)
    u, v = np.random.normal(0, 1, 5), np.random.normal(0, 1, 3)
    np.testing.assert_allclose(model.weight_u, u / np.linalg.norm(u), rtol=1e-6)
    np.testing.assert_allclose(model.weight_v, v / np.linalg.norm(v), rtol=1e-6)
    assert model.weight_u.dtype == np.float32


def test_spectral_norm_removes_as_torch():
    ours, theirs, x = _twins("conv", np.float64)
    spectral_norm(ours)
    U.spectral_norm(theirs)
    ours.weight_u[...] = theirs.weight_u.numpy()
    ours.weight_v[...] = theirs.weight_v.numpy()
    remove_spectral_norm(ours)
    U.remove_spectral_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    assert isinstance(ours.weight, nn.Parameter)
    assert_close(ours.weight, theirs.weight, 1e-12)
    assert_close(ours(x), theirs(torch.tensor(x)), 1e-12)


def test_spectral_norm_second_order_matches_numerical():
    rng = np.random.default_rng(3)
    fn = SpectralNorm("weight", 1, 1, 1e-12)
    u, v = rng.standard_normal(2), rng.standard_normal(4)

    def weight(w):
        return fn.compute_weight(SimpleNamespace(weight_orig=w, weight_u=u, weight_v=v)) ** 2

    assert_gradients_match(weight, rng.standard_normal((4, 2)), order=2)


def test_spectral_norm_refuses_no_power_iterations():
    with pytest.raises(ValueError, match="expected n_power_iterations to be positive, but got "
                                         "n_power_iterations=0"):
        spectral_norm(nn.Linear(3, 4), n_power_iterations=0)


@pytest.mark.parametrize("name, args", [("ConvTranspose1d", (2, 3, 2)),
                                        ("ConvTranspose3d", (2, 3, 2)), ("Conv3d", (2, 3, 2))])
def test_spectral_norm_takes_torchs_default_dim_for_every_convolution(name, args):
    ours = nn.utils.spectral_norm(getattr(nn, name)(*args))
    theirs = torch.nn.utils.spectral_norm(getattr(torch.nn, name)(*args))
    assert ours.weight_u.shape == tuple(theirs.weight_u.shape)
    assert ours.weight_v.shape == tuple(theirs.weight_v.shape)


@pytest.mark.parametrize("apply, remove, hook", [(weight_norm, remove_weight_norm, "WeightNorm"),
                                                 (spectral_norm, remove_spectral_norm,
                                                  "SpectralNorm")])
def test_a_saved_model_refuses_the_hook_up_front_and_saves_once_removed(tmp_path, apply,
                                                                         remove, hook):
    # (model.save wrote it, and load_model then failed on the weight_g / weight_orig keys)
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    apply(model[0])
    path = tmp_path / "model.rungrad"
    with pytest.raises(TypeError, match=rf"model.save: layer '0' has a {hook} hook on 'weight', "
                                        rf"which is not kept .*nn.utils.{remove.__name__}"):
        model.save(path)
    assert not path.exists()
    with pytest.raises(TypeError, match=rf"clone_model: layer '0' has a {hook} hook"):
        clone_model(model)
    remove(model[0])
    model.save(path)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    assert_close(nn.load_model(path)(x), model(x))


@pytest.mark.parametrize("api", ["hook", "parametrization"])
def test_spectral_norm_twice_forward_then_one_backward_reads_each_forward_s_vectors(api):
    """A GAN's discriminator runs on real and fake batches, then one backward: each graph
    backpropagates through the u and v its forward used, though the second forward's power
    iteration moved the buffers in place (PyTorch clones them too)."""
    from nn.utils import parametrizations
    apply = spectral_norm if api == "hook" else parametrizations.spectral_norm
    np.random.seed(0)
    layer = apply(nn.Linear(4, 3))
    twin = apply(nn.Linear(4, 3))
    twin.load_state_dict(layer.state_dict())
    x1, x2 = (np.random.default_rng(k).standard_normal((2, 4)) for k in (1, 2))
    (layer(x1).sum() + layer(x2).sum()).backward()
    first = twin(x1).sum()
    first.backward()  # each forward's graph on its own, backpropagated before the next one
    twin(x2).sum().backward()
    for (key, p), q in zip(layer.named_parameters(), twin.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.data, rtol=1e-5, err_msg=key)
