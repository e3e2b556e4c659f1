"""PyTorch's factory arguments on every layer that makes parameters: `dtype=` (NumPy's or
PyTorch's dtypes) and `device=` ('cpu' here; 'cuda' needs CuPy), and their configs."""
import inspect

import numpy as np
import pytest

import nn

torch = pytest.importorskip("torch")

LAYERS = {
    "Linear": lambda **kw: nn.Linear(3, 4, **kw),
    "LazyLinear": lambda **kw: nn.LazyLinear(4, **kw),
    "Conv1d": lambda **kw: nn.Conv1d(2, 3, 3, **kw),
    "Conv2d": lambda **kw: nn.Conv2d(2, 3, 3, **kw),
    "ConvTranspose2d": lambda **kw: nn.ConvTranspose2d(2, 3, 3, **kw),
    "BatchNorm1d": lambda **kw: nn.BatchNorm1d(3, **kw),
    "BatchNorm2d": lambda **kw: nn.BatchNorm2d(3, **kw),
    "InstanceNorm2d": lambda **kw: nn.InstanceNorm2d(3, affine=True,
                                                      track_running_stats=True, **kw),
    "LayerNorm": lambda **kw: nn.LayerNorm(4, **kw),
    "GroupNorm": lambda **kw: nn.GroupNorm(2, 4, **kw),
    "RMSNorm": lambda **kw: nn.RMSNorm(4, **kw),
    "Embedding": lambda **kw: nn.Embedding(5, 3, **kw),
    "PReLU": lambda **kw: nn.PReLU(3, **kw),
    "RNN": lambda **kw: nn.RNN(3, 4, **kw),
    "LSTM": lambda **kw: nn.LSTM(3, 4, 2, bidirectional=True, **kw),
    "GRU": lambda **kw: nn.GRU(3, 4, **kw),
    "LSTMCell": lambda **kw: nn.LSTMCell(3, 4, **kw),
    "GRUCell": lambda **kw: nn.GRUCell(3, 4, **kw),
    "RNNCell": lambda **kw: nn.RNNCell(3, 4, **kw),
    "MultiheadAttention": lambda **kw: nn.MultiheadAttention(4, 2, **kw),
    "TransformerEncoderLayer": lambda **kw: nn.TransformerEncoderLayer(4, 2, 8, **kw),
    "TransformerDecoderLayer": lambda **kw: nn.TransformerDecoderLayer(4, 2, 8, **kw),
    "Transformer": lambda **kw: nn.Transformer(4, 2, 1, 1, 8, **kw),
}


def _floating(module):
    return [(name, value.dtype) for name, value in module.state_dict().items()
            if value.dtype.kind == "f"]


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("dtype", [np.float64, "float64", torch.float64])
def test_dtype_makes_every_floating_parameter_and_buffer_in_it(name, dtype):
    module = LAYERS[name](dtype=dtype, device="cpu")
    assert _floating(module) or name.startswith("Lazy")  # (sized at the first call)
    assert all(d == np.float64 for _, d in _floating(module)), _floating(module)
    default = LAYERS[name]()
    assert all(d == np.float32 for _, d in _floating(default)), _floating(default)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_signatures_take_torchs_factory_arguments(name):
    ours = list(inspect.signature(getattr(nn, name).__init__).parameters)[1:]
    theirs = list(inspect.signature(getattr(torch.nn, name).__init__).parameters)[1:]
    assert {"device", "dtype"} <= set(ours)
    # the arguments PyTorch has, in its order (ours may add Keras' after them)
    assert [p for p in ours if p in theirs] == [p for p in theirs if p in ours]


def test_lazy_layers_build_in_their_dtype():
    norm, linear = nn.LazyBatchNorm2d(dtype=np.float64), nn.LazyLinear(2, dtype="float64")
    y = linear(norm(np.ones((2, 3, 2, 2))).reshape(2, 12))
    assert norm.weight.dtype == norm.running_mean.dtype == np.float64
    assert linear.weight.dtype == y.dtype == np.float64


def test_the_config_names_the_dtype_and_leaves_the_device_out():
    config = nn.LayerNorm(4, dtype=np.float64, device="cpu").get_config()
    assert config["dtype"] == "float64" and "device" not in config
    assert nn.LayerNorm(**config).weight.dtype == np.float64
    assert nn.Embedding(5, 3, dtype=np.float64).get_config()["dtype"] == "float64"


@pytest.mark.parametrize("dtype, message", [
    (np.int32, "LayerNorm: dtype must be a floating-point type, got int32"),
    ("complex64", "dtype must be a floating-point type, got complex64"),
    (torch.int64, "dtype must be a floating-point type, got int64"),
    (torch.bfloat16, "dtype must be a floating-point type, got 'torch.bfloat16'"),
])
def test_a_non_float_dtype_is_refused_by_name(dtype, message):
    with pytest.raises(TypeError, match=message):
        nn.LayerNorm(4, dtype=dtype)


def test_module_to_takes_a_torch_dtype_and_names_devices_when_confused():
    layer = nn.Linear(2, 2).to(torch.float64)
    assert layer.weight.dtype == np.float64
    with pytest.raises(TypeError, match=r"or a device: 'cpu', 'cuda'"):
        layer.to("tpu")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_takes_torchs_dtype(name):
    import nn.functional as F
    from autograd import Variable
    logits = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    x = Variable(logits)
    y = getattr(F, name)(x, dim=1, dtype=torch.float64)
    expected = getattr(torch.nn.functional, name)(torch.tensor(logits), dim=1,
                                                  dtype=torch.float64)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-12, atol=1e-12)
    y.sum().backward()
    assert x.grad.dtype == np.float32  # the gradient comes back through the cast
    with pytest.raises(TypeError, match=f"{name}: dtype must be a floating-point type"):
        getattr(F, name)(x, dtype=np.int64)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_casts_integers_given_a_dtype_as_torch(name):
    # (the float check ran before the cast: an integer input was refused)
    import nn.functional as F
    scores = np.array([[1, 2, 3], [0, -4, 2]])
    y = getattr(F, name)(scores, dim=1, dtype=np.float32)
    expected = getattr(torch.nn.functional, name)(torch.tensor(scores), dim=1,
                                                  dtype=torch.float32)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-6)
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point input, got dtype "
                                        "int64"):
        getattr(F, name)(scores, dim=1)
