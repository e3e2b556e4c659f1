"""F.rms_norm and nn.RMSNorm (PyTorch's): values and gradients against PyTorch in float32 and
float64 (eps None: the dtype's machine epsilon), second order, repr and errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match

torch = pytest.importorskip("torch")

TOLERANCES = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-11, atol=1e-13)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, normalized", [((3, 5), 5), ((2, 3, 4), (3, 4)),
                                               ((2, 3, 4), [4]), ((6,), (6,))])
@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("with_weight", [False, True])
def test_rms_norm_matches_torch(dtype, shape, normalized, eps, with_weight):
    rng = np.random.default_rng(0)
    x = rng.normal(0, 3, shape).astype(dtype)
    wshape = (normalized,) if isinstance(normalized, int) else tuple(normalized)
    w = rng.normal(1, 0.5, wshape).astype(dtype) if with_weight else None
    gy = rng.normal(size=shape).astype(dtype)
    xv, wv = Variable(x), None if w is None else Variable(w)
    y = F.rms_norm(xv, normalized, wv, eps)
    y.backward(gy)
    xt = torch.tensor(x, requires_grad=True)
    wt = None if w is None else torch.tensor(w, requires_grad=True)
    yt = torch.nn.functional.rms_norm(xt, list(wshape), wt, eps)
    yt.backward(torch.from_numpy(gy))
    assert y.dtype == dtype and xv.grad.dtype == dtype
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **TOLERANCES[dtype])
    np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), **TOLERANCES[dtype])
    if with_weight:
        np.testing.assert_allclose(wv.grad.data, wt.grad.numpy(), **TOLERANCES[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_default_eps_is_the_machine_epsilon_of_the_dtype(dtype):
    x = np.zeros((2, 3), dtype)
    x[0, 0] = np.finfo(dtype).eps  # mean square far below eps: eps decides
    y = F.rms_norm(x, (3,))
    want = x / np.sqrt((x * x).mean(-1, keepdims=True) + np.finfo(dtype).eps)
    np.testing.assert_allclose(y.data, want, rtol=1e-6)
    np.testing.assert_allclose(y.data, torch.nn.functional.rms_norm(
        torch.tensor(x), [3]).numpy(), rtol=1e-6)


def test_a_float64_input_meets_the_float32_layer_in_its_dtype():
    y = nn.RMSNorm(3)(np.ones((2, 3)))
    assert y.dtype == np.float32


@given(data=st.data())
def test_rms_norm_backprops_to_second_order(data):
    shape = data.draw(st.sampled_from([(2, 3), (2, 2, 3)]))
    x = data.draw(arrays(shape, elements="away_from_zero"))
    w = data.draw(arrays(shape[-1:], elements="away_from_zero"))
    assert_gradients_match(lambda a, b: F.rms_norm(a, shape[-1:], b, 1e-5), x, w, order=2)
    assert_gradients_match(lambda a: F.rms_norm(a, shape[-2:]), x, order=2)


@pytest.mark.parametrize("kwargs", [dict(normalized_shape=4),
                                    dict(normalized_shape=[2, 4], eps=1e-3,
                                         elementwise_affine=False),
                                    dict(normalized_shape=(4,), eps=0.5)])
def test_module_matches_torch_in_repr_parameters_and_values(kwargs):
    ours, theirs = nn.RMSNorm(**kwargs), torch.nn.RMSNorm(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, param in ours.named_parameters():
        np.testing.assert_array_equal(param.data, theirs.state_dict()[name].numpy())
        assert param.dtype == np.float32
    x = np.random.default_rng(1).normal(size=(3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=2e-5, atol=2e-6)
    assert nn.RMSNorm(**ours.get_config()).get_config() == ours.get_config()


def test_module_weight_learns():
    layer = nn.RMSNorm(3)
    x = Variable(np.array([[1.0, 2.0, 2.0]], np.float32))
    (layer(x) * np.array([1.0, 0.0, -1.0], np.float32)).sum().backward()
    want = x.data / np.sqrt(3.0) * np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(layer.weight.grad.data, want[0], rtol=1e-6)


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.rms_norm(np.ones((2, 4)), (3,)), ValueError,
     r"rms_norm: normalized_shape \(3,\) does not match the last dimensions of the input of "
     r"shape \(2, 4\)"),
    (lambda: F.rms_norm(np.ones(4), (2, 4)), ValueError, "rms_norm: normalized_shape"),
    (lambda: F.rms_norm(np.ones((2, 4)), ()), ValueError, "rms_norm: normalized_shape"),
    (lambda: F.rms_norm(np.ones((2, 4)), (4,), np.ones(3)), ValueError,
     r"rms_norm: weight has shape \(3,\), expected \(4,\)"),
    (lambda: F.rms_norm(np.ones((2, 4), int), (4,)), TypeError,
     "rms_norm: expected a floating-point input, got dtype int"),
    (lambda: F.rms_norm(np.ones((2, 4)), (4,), eps="small"), TypeError,
     "rms_norm: eps must be a real number"),
    (lambda: nn.RMSNorm(0), ValueError, "RMSNorm: normalized_shape"),
    (lambda: nn.RMSNorm((2, -1)), ValueError, "RMSNorm: normalized_shape"),
    (lambda: nn.RMSNorm(3, eps="x"), TypeError, "RMSNorm: eps must be a real number"),
    (lambda: nn.RMSNorm(3)(np.ones((2, 4))), ValueError, "rms_norm: normalized_shape"),
])
def test_errors_name_what_was_wrong(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_layer_norm_keeps_its_errors_after_sharing_the_shape_check():
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \(3,\) does not match"):
        F.layer_norm(np.ones((2, 4)), 3)
    with pytest.raises(TypeError, match="layer_norm: expected a floating-point input"):
        F.layer_norm(np.ones((2, 4), int), 4)
    with pytest.raises(ValueError, match="LayerNorm: normalized_shape"):
        nn.LayerNorm(0)
