"""F.bilinear and nn.Bilinear against PyTorch: values and gradients of all inputs over
batch shapes (none, one, several axes), with and without bias, float32 and float64; second
order against numerical; the module's initialisation bounds, repr and config; every error."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lead", [(), (5,), (2, 3), (0,)])
@pytest.mark.parametrize("in1, in2, out", [(2, 3, 4), (1, 1, 1), (4, 2, 3)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_values_and_gradients_match_torch(dtype, lead, in1, in2, out, with_bias):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in
              (lead + (in1,), lead + (in2,), (out, in1, in2), (out,))][:4 if with_bias else 3]
    ours = [Variable(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = F.bilinear(*ours), TF.bilinear(*theirs)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype
    assert_close(y, yt, tol)
    gy = rng.standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    for v, t in zip(ours, theirs):
        assert_close(v.grad, t.grad, tol)


@pytest.mark.parametrize("with_bias", [True, False])
def test_second_order_matches_numerical(with_bias):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in ((3, 2), (3, 4), (2, 2, 4), (2,))]
    f = F.bilinear if with_bias else (lambda a, b, w, _: F.bilinear(a, b, w))
    assert_gradients_match(lambda *v: f(*v) ** 2, *arrays, order=2)


@pytest.mark.parametrize("bias", [True, False])
def test_module_matches_torch_and_prints_as_it(bias):
    ours, theirs = nn.Bilinear(3, 2, 4, bias=bias), torch.nn.Bilinear(3, 2, 4, bias=bias)
    assert repr(ours) == repr(theirs)
    assert [name for name, _ in ours.named_parameters()] == [
        name for name, _ in theirs.named_parameters()]
    copy_weights(ours, theirs)
    x1 = np.random.default_rng(2).standard_normal((5, 3)).astype(np.float32)
    x2 = np.random.default_rng(3).standard_normal((5, 2)).astype(np.float32)
    assert_close(ours(x1, x2), theirs(torch.tensor(x1), torch.tensor(x2)))
    assert repr(nn.Bilinear(**ours.get_config())) == repr(ours)


def test_module_draws_from_torch_s_bounds():
    np.random.seed(0)
    layer = nn.Bilinear(16, 3, 200)
    bound = 1 / 4  # 1/sqrt(in1_features)
    for p in (layer.weight, layer.bias):
        assert p.dtype == np.float32
        assert -bound <= p.data.min() < -0.9 * bound and 0.9 * bound < p.data.max() <= bound
    assert layer.weight.shape == (200, 16, 3) and layer.bias.shape == (200,)


_X1, _X2, _W = np.ones((5, 2)), np.ones((5, 3)), np.ones((4, 2, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.bilinear(_X1, np.ones((4, 3)), _W), ValueError,
     r"bilinear\(\): input batch dimensions do not match: got shapes \(5, 2\) and \(4, 3\)"),
    (lambda: F.bilinear(np.ones((5, 3)), _X2, _W), ValueError,
     r"bilinear\(\): input1 size does not match weight size: got 3 but expected 2"),
    (lambda: F.bilinear(_X1, np.ones((5, 2)), _W), ValueError,
     r"bilinear\(\): input2 size does not match weight size: got 2 but expected 3"),
    (lambda: F.bilinear(np.ones((7, 5, 2)), _X2, _W), ValueError,
     r"bilinear\(\): input dimensions do not match: got 3 and 2"),
    (lambda: F.bilinear(np.ones(()), np.ones(()), _W), ValueError,
     r"bilinear\(\): input dimensions do not match: got 0 and 0"),
    (lambda: F.bilinear(_X1, _X2, _W, np.ones(3)), ValueError,
     r"bilinear\(\): bias size does not match weight size: got shape \(3,\) but expected "
     r"\(4,\)"),
    (lambda: F.bilinear(_X1, _X2, np.ones((2, 3))), ValueError,
     r"bilinear\(\): weight must be 3-D \(out_features, in1_features, in2_features\), got "
     r"shape \(2, 3\)"),
    (lambda: F.bilinear(_X1, _X2, _W, np.ones(4, np.float32)), TypeError,
     r"bilinear\(\): weight and bias must have the same dtype, got weight: float64, bias: "
     r"float32"),
    (lambda: F.bilinear(_X1, _X2, _W.astype(int)), TypeError,
     r"bilinear: expected a floating-point input, got dtype int64"),
    (lambda: nn.Bilinear(3, 4, 5)(np.ones((2, 3)), np.ones((3, 3))), ValueError,
     r"bilinear\(\): input batch dimensions do not match"),
    (lambda: nn.Bilinear(0, 2, 3), ValueError,
     r"Bilinear: in1_features must be a positive integer"),
    (lambda: nn.Bilinear(2, 0, 3), ValueError,
     r"Bilinear: in2_features must be a positive integer"),
    (lambda: nn.Bilinear(2, 2, 1.5), ValueError,
     r"Bilinear: out_features must be a positive integer"),
])
def test_errors_name_the_function_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_module_takes_torch_s_factory_arguments():
    import inspect
    assert list(inspect.signature(nn.Bilinear.__init__).parameters) == list(
        inspect.signature(torch.nn.Bilinear.__init__).parameters)
    layer = nn.Bilinear(2, 3, 4, dtype=np.float64, device="cpu")
    assert layer.weight.dtype == layer.bias.dtype == np.float64
    assert layer(np.ones((1, 2)), np.ones((1, 3))).dtype == np.float64
    assert nn.Bilinear(**layer.get_config()).weight.dtype == np.float64
    with pytest.raises(TypeError, match=r"Bilinear: dtype must be a floating-point type"):
        nn.Bilinear(2, 3, 4, dtype="int64")


def test_inputs_take_the_weights_dtype_as_in_linear():
    """A float64 or integer batch meets a float32 layer (F.linear's rule), the gradients in
    the inputs' own dtypes."""
    layer = nn.Bilinear(3, 4, 5)
    x1 = Variable(np.random.default_rng(0).normal(size=(2, 3)))
    y = layer(x1, np.ones((2, 4), dtype=np.int64))
    assert y.dtype == np.float32
    y.sum().backward()
    assert x1.grad.dtype == np.float64 and layer.weight.grad.dtype == np.float32
    expected = F.bilinear(x1.data.astype(np.float32), np.ones((2, 4), np.float32),
                          layer.weight.data, layer.bias.data)
    np.testing.assert_allclose(y.data, expected.data, rtol=1e-6)
