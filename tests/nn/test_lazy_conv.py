"""LazyConv1d, LazyConv3d and LazyConvTranspose1d/2d/3d: sized at the first call like
PyTorch's twins (batched or not), the same parameters and outputs, reprs before and after,
an optimizer made before the first call updating the weights made at it."""
import numpy as np
import pytest

import nn
import optim
from autograd.variable import UninitializedParameter

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")

CASES = [
    ("LazyConv1d", dict(out_channels=4, kernel_size=3, padding=1), (2, 3, 7)),
    ("LazyConv3d", dict(out_channels=4, kernel_size=(1, 2, 2), groups=2, bias=False),
     (2, 2, 3, 4, 4)),
    ("LazyConvTranspose1d", dict(out_channels=2, kernel_size=3, stride=2, output_padding=1),
     (2, 3, 5)),
    ("LazyConvTranspose2d", dict(out_channels=4, kernel_size=2, groups=2, dilation=2),
     (2, 2, 3, 4)),
    ("LazyConvTranspose3d", dict(out_channels=3, kernel_size=2, stride=(2, 1, 1)),
     (2, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_lazy_layers_size_themselves_like_torch(name, kwargs, shape):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)  # (0 input channels until the first call)
    assert isinstance(ours.weight, UninitializedParameter)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    y, want = ours(x), theirs(torch.tensor(x))
    assert ours.in_channels == shape[1] == theirs.in_channels
    # the class it stands for from now on, as torch's (cls_to_become)
    assert type(ours).__name__ == type(theirs).__name__ == name[len("Lazy"):]
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    copy_weights(ours, theirs)
    assert_close(ours(x), theirs(torch.tensor(x)), 1e-4)
    assert y.shape == tuple(want.shape) and y.dtype == np.float32
    assert repr(type(ours)(**ours.get_config())) == repr(ours)  # saved as what it became
    assert repr(getattr(nn, name)(**kwargs)).startswith(name + "(0, ")


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_an_unbatched_first_input_sizes_the_layer(name, kwargs, shape):
    layer = getattr(nn, name)(**kwargs)
    y = layer(np.zeros(shape[1:], np.float32))
    assert layer.in_channels == shape[1] and y.ndim == len(shape) - 1


def test_an_optimizer_made_before_the_first_call_trains_the_weights():
    layer = nn.LazyConvTranspose3d(2, 2)
    optimizer = optim.SGD(layer.parameters(), lr=0.1)
    x = np.ones((1, 3, 2, 2, 2), np.float32)
    layer(x).sum().backward()
    before = np.array(layer.weight.data)
    optimizer.step()
    assert not np.allclose(layer.weight.data, before)


def test_lazy_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"LazyConv3d: in_channels=3 must be divisible by "
                                         r"groups=2"):
        nn.LazyConv3d(4, 1, groups=2)(np.zeros((1, 3, 2, 2, 2), np.float32))
    with pytest.raises(ValueError, match=r"LazyConvTranspose1d: padding_mode must be 'zeros'"):
        nn.LazyConvTranspose1d(4, 1, padding_mode="circular")
