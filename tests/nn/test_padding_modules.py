"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad; 1d to
3d): values and gradients against PyTorch in float32 and float64, reprs, and errors."""
import numpy as np
import pytest

import nn
from autograd import Variable

torch = pytest.importorskip("torch")

KINDS = ["ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad"]
PADDINGS = {1: [2, (1, 3), (0, 2), (-1, 2)], 2: [1, (1, 2, 0, 3), (2, -1, 1, 1)],
            3: [1, (1, 0, 2, 1, 0, 1)]}


def _make(kind, d, padding, lib, value=1.5):
    cls = getattr(lib, f"{kind}{d}d")
    return cls(padding, value) if kind == "ConstantPad" else cls(padding)


CASES = [(kind, d, padding, batched) for kind in KINDS for d in (1, 2, 3)
         for padding in PADDINGS[d] for batched in (False, True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind, d, padding, batched", CASES,
                         ids=[f"{k}{d}d-{p}-{'NC' if b else 'C'}" for k, d, p, b in CASES])
def test_matches_torch_values_gradients_and_repr(kind, d, padding, batched, dtype):
    ours, theirs = _make(kind, d, padding, nn), _make(kind, d, padding, torch.nn)
    assert repr(ours) == repr(theirs)
    shape = (2,) * batched + (3,) + (4, 5, 4)[:d]
    rng = np.random.default_rng(d)
    x = rng.normal(size=shape).astype(dtype)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert y.dtype == dtype and y.shape == tuple(yt.shape)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    gy = rng.normal(size=y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.from_numpy(gy))
    np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert type(ours)(**ours.get_config()).get_config() == ours.get_config()


def test_constant_pad_prints_and_uses_its_value_as_given():
    assert repr(nn.ConstantPad3d((1, 2, 3, 4, 5, 6), 1)) == repr(
        torch.nn.ConstantPad3d((1, 2, 3, 4, 5, 6), 1))
    y = nn.ConstantPad1d(1, -2)(np.zeros((1, 2), np.float32))
    np.testing.assert_array_equal(y.data, [[-2, 0, 0, -2]])
    assert y.dtype == np.float32


def test_constant_modes_take_any_rank_as_torch():
    x = np.arange(3.0)
    np.testing.assert_array_equal(nn.ConstantPad1d(1, 9.0)(x).data, [9, 0, 1, 2, 9])
    np.testing.assert_array_equal(nn.ZeroPad2d((0, 0, 1, 0))(np.ones((1, 1, 2, 2))).data.shape,
                                  (1, 1, 3, 2))


@pytest.mark.parametrize("layer, shape, match", [
    (nn.ReflectionPad1d(3), (1, 2, 3), "ReflectionPad1d: pad: reflect padding must be "
                                       "smaller than the axis it pads"),
    (nn.ReflectionPad2d((0, 0, 2, 2)), (1, 2, 4), "ReflectionPad2d: .*reflect padding"),
    (nn.ReflectionPad1d(2), (3,), r"ReflectionPad1d: expected a 2-D or 3-D input .* \(3,\)"),
    (nn.ReplicationPad2d(1), (3, 3), "ReplicationPad2d: expected a 3-D or 4-D input"),
    (nn.CircularPad1d(1), (3,), "CircularPad1d: expected a 2-D or 3-D input"),
    (nn.CircularPad3d(1), (1, 1, 2, 2, 2, 2), "CircularPad3d: expected a 4-D or 5-D input"),
    (nn.CircularPad1d(4), (1, 2, 3), "CircularPad1d: .*wrap around more than once"),
    (nn.ZeroPad2d(1), (3,), "ZeroPad2d: pad: pad must hold"),
    (nn.ReplicationPad1d(-3), (1, 2, 3), "ReplicationPad1d: .*crops too much"),
])
def test_bad_input_is_named_by_the_layer(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer(np.ones(shape))


def test_reflection_refuses_what_torch_refuses():
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        torch.nn.ReflectionPad1d(3)(torch.ones(1, 2, 3))
    np.testing.assert_array_equal(nn.ReflectionPad1d(2)(np.arange(3.0)[None]).data,
                                  [[2, 1, 0, 1, 2, 1, 0]])


@pytest.mark.parametrize("make, match", [
    (lambda: nn.ZeroPad1d((1, 2, 3)), r"ZeroPad1d: padding must be an int or a tuple of 2 "
                                      r"ints, got \(1, 2, 3\)"),
    (lambda: nn.ZeroPad2d((1, 2)), "ZeroPad2d: padding must be an int or a tuple of 4 ints"),
    (lambda: nn.ReflectionPad1d(1.5), "ReflectionPad1d: padding must be an int"),
    (lambda: nn.CircularPad2d((1, 1, 1, 1.0)), "CircularPad2d: padding must be"),
    (lambda: nn.ReplicationPad1d(True), "ReplicationPad1d: padding must be"),
    (lambda: nn.ConstantPad1d(1, "zero"), "ConstantPad1d: value must be a real number"),
    (lambda: nn.ConstantPad2d(1, None), "ConstantPad2d: value must be a real number"),
])
def test_bad_arguments_are_refused_when_the_layer_is_made(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_faces_export_every_padding_layer():
    for kind in KINDS:
        for d in (1, 2, 3):
            name = f"{kind}{d}d"
            assert name in nn.__all__ and getattr(nn, name).__name__ == name


def test_pad_takes_value_0_in_every_mode_as_pytorch():
    import nn.functional as F
    x = Variable(np.array([[[0.0, 1, 2], [3, 4, 5]]]))
    np.testing.assert_array_equal(F.pad(x, (1, 1), mode="reflect", value=0.0).data,
                                  [[[1, 0, 1, 2, 1], [4, 3, 4, 5, 4]]])
    with pytest.raises(ValueError, match="pad: value applies to mode 'constant' only"):
        F.pad(x, (1, 1), mode="replicate", value=1.0)
