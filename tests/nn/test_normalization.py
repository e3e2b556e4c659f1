"""batch_norm / layer_norm and BatchNorm1d, BatchNorm2d, LayerNorm: PyTorch's semantics
(running statistics with the unbiased variance, eval mode, momentum=None, no tracking),
backprop against numerical differentiation in train and eval mode, errors."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays
from autograd.variable import is_uninitialized

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights

SHAPES = st.sampled_from([(3, 2), (2, 3), (2, 2, 3), (3, 2, 2, 2), (2, 1, 3, 2)])


@st.composite
def batch_norm_cases(draw, shapes=SHAPES):
    """(x, running_mean, running_var, weight or None, bias or None), x of one of `shapes`."""
    shape = draw(shapes)
    channels = (shape[1],)
    x = draw(arrays(shape, elements=(-3.0, 3.0)))
    stats = draw(arrays(channels)), draw(arrays(channels, elements="positive"))
    affine = draw(st.booleans())
    weight = draw(arrays(channels)) if affine else None
    bias = draw(arrays(channels)) if affine else None
    return (x,) + stats + (weight, bias)


def batch_norm_of(running_mean, running_var, affine, training):
    """batch_norm of its float inputs; each call updates fresh copies of the statistics."""
    def f(x, *params):
        weight, bias = params if affine else (None, None)
        return F.batch_norm(x, running_mean.copy(), running_var.copy(), weight, bias,
                            training=training)
    return f


@pytest.mark.parametrize("training", [True, False])
@given(case=batch_norm_cases())
def test_batch_norm_gradients_match_numerical(training, case):
    x, running_mean, running_var, weight, bias = case
    assume(not training or x.size // x.shape[1] > 1)
    affine = weight is not None
    f = batch_norm_of(running_mean, running_var, affine, training)
    inputs = (x, weight, bias) if affine else (x,)
    gradcheck(f, *inputs)
    gradgradcheck(f, *inputs, mode="fast")


@given(case=batch_norm_cases(), momentum=st.sampled_from([0.1, 0.5, 1.0]))
def test_batch_norm_training_statistics(case, momentum):
    x, running_mean, running_var, weight, bias = case
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    count = x.size // x.shape[1]
    new_mean, new_var = running_mean.copy(), running_var.copy()
    y = F.batch_norm(x, new_mean, new_var, weight, bias, training=True, momentum=momentum)
    expected = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-5)
    if weight is not None:
        expected = expected * weight.reshape(shape) + bias.reshape(shape)
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-10)
    # (an absolute margin too: the corrected two-pass mean of values summing to ~1e-32 is 0)
    np.testing.assert_allclose(new_mean, (1 - momentum) * running_mean + momentum * mean,
                               atol=1e-12)
    unbiased = var * count / (count - 1)
    np.testing.assert_allclose(new_var, (1 - momentum) * running_var + momentum * unbiased,
                               atol=1e-12)


@given(case=batch_norm_cases())
def test_batch_norm_eval_uses_running_statistics(case):
    x, running_mean, running_var, weight, bias = case
    shape = (1, -1) + (1,) * (x.ndim - 2)
    saved = running_mean.copy(), running_var.copy()
    y = F.batch_norm(x, running_mean, running_var, weight, bias, training=False)
    expected = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + 1e-5)
    if weight is not None:
        expected = expected * weight.reshape(shape) + bias.reshape(shape)
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(running_mean, saved[0])  # eval never updates
    np.testing.assert_array_equal(running_var, saved[1])


@pytest.mark.parametrize("layer, shape, kwargs", [
    ("BatchNorm1d", (6, 3), {}),
    ("BatchNorm1d", (4, 3, 5), dict(momentum=0.3)),
    ("BatchNorm2d", (4, 3, 5, 2), {}),
    ("BatchNorm2d", (2, 3, 3, 3), dict(momentum=None)),
    ("BatchNorm2d", (2, 3, 3, 3), dict(affine=False)),
    ("BatchNorm1d", (5, 3), dict(track_running_stats=False)),
    ("BatchNorm1d", (6, 3), dict(bias=False)),  # (PyTorch 2.13's keyword: scale, no shift)
    ("BatchNorm2d", (2, 3, 3, 3), dict(bias=False, momentum=0.3)),
    ("InstanceNorm2d", (2, 3, 4, 4), dict(affine=True, bias=False)),
])
def test_batch_norm_layers_match_torch_in_train_and_eval(layer, shape, kwargs):
    _check_layer_against_torch(layer, shape, kwargs)


@pytest.mark.parametrize("make", [lambda: nn.GroupNorm(3, 6, bias=False),
                                  lambda: nn.LazyBatchNorm1d(bias=False),
                                  lambda: nn.LazyInstanceNorm1d(affine=True, bias=False)])
def test_bias_false_keeps_the_scale_alone_and_rebuilds_from_its_config(make):
    layer = make()
    layer(Variable(np.random.default_rng(0).standard_normal((4, 6, 5)).astype(np.float32)))
    assert layer.bias is None and layer.weight.shape == (6,)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    config = layer.get_config()
    assert config["bias"] is False
    assert type(layer)(**config).get_config() == config


def _check_layer_against_torch(layer, shape, kwargs):
    """Three training steps and one in eval mode: outputs, gradients and state as torch's."""
    torch = pytest.importorskip("torch")
    ours = getattr(nn, layer)(3, **kwargs)
    theirs = getattr(torch.nn, layer)(3, **kwargs)
    rng = np.random.default_rng(0)
    for param in ours.parameters():
        param.data[...] = rng.standard_normal(param.shape)
    copy_weights(ours, theirs)
    for step in range(3):
        x = (rng.standard_normal(shape) * 2 + step).astype(np.float32)
        _check_step(torch, ours, theirs, x, rng)
    ours.eval()
    theirs.eval()
    _check_step(torch, ours, theirs, rng.standard_normal(shape).astype(np.float32), rng)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, value in ours.state_dict().items():
        assert_close(value, theirs.state_dict()[name], tol=1e-5)


def _check_step(torch, ours, theirs, x, rng):
    for module in (ours, theirs):
        for param in module.parameters():
            param.grad = None
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt, tol=1e-4)
    gy = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-4)
    if ours.weight is not None:
        assert_parameter_grads_match(ours, theirs, tol=1e-4)


def test_batch_norm_layer_buffers_and_dtypes():
    layer = nn.BatchNorm2d(4)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                        "num_batches_tracked"]
    assert layer.running_mean.dtype == np.float32 and layer.num_batches_tracked.dtype == np.int64
    running_mean = layer.running_mean
    y = layer(np.random.default_rng(0).standard_normal((2, 4, 3, 3)))  # float64 batch
    assert y.dtype == np.float32
    assert layer.running_mean is running_mean  # updated in place
    assert int(layer.num_batches_tracked) == 1
    layer.eval()
    layer(np.ones((1, 4, 1, 1), np.float32))  # one value per channel is fine in eval mode
    assert int(layer.num_batches_tracked) == 1


def test_test_mode_switches_batch_norm_to_running_statistics():
    layer = nn.BatchNorm1d(2)
    layer.running_mean[...] = [1.0, -1.0]
    x = np.array([[1.0, 1.0], [3.0, -1.0]], np.float32)
    with ag.test_mode():
        y = layer(x)
    np.testing.assert_allclose(y.data, (x - [1.0, -1.0]) / np.sqrt(1 + 1e-5), rtol=1e-6)
    assert int(layer.num_batches_tracked) == 0
    np.testing.assert_array_equal(layer.running_mean, [1.0, -1.0])


@given(data=st.data(), shape=st.sampled_from([(3, 4), (2, 3, 4), (2, 2, 3, 2)]),
       dims=st.integers(1, 2), affine=st.booleans())
def test_layer_norm_gradients_match_numerical(data, shape, dims, affine):
    normalized = shape[-dims:]
    x = data.draw(arrays(shape, elements=(-3.0, 3.0)))
    params = (data.draw(arrays(normalized)), data.draw(arrays(normalized))) if affine else ()
    f = lambda x, *p: F.layer_norm(x, normalized, *p)  # noqa: E731
    axes = tuple(range(len(shape) - dims, len(shape)))
    expected = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True)
                                                               + 1e-5)
    if affine:
        expected = expected * params[0] + params[1]
    np.testing.assert_allclose(f(x, *params).data, expected, rtol=1e-10, atol=1e-10)
    gradcheck(f, x, *params)
    gradgradcheck(f, x, *params, mode="fast")


@pytest.mark.parametrize("normalized_shape, kwargs", [
    (5, {}), ((3, 5), {}), (5, dict(elementwise_affine=False)), (5, dict(bias=False))])
def test_layer_norm_matches_torch(normalized_shape, kwargs):
    torch = pytest.importorskip("torch")
    ours = nn.LayerNorm(normalized_shape, **kwargs)
    theirs = torch.nn.LayerNorm(normalized_shape, **kwargs)
    rng = np.random.default_rng(0)
    for param in ours.parameters():
        param.data[...] = rng.standard_normal(param.shape)
    copy_weights(ours, theirs)
    _check_step(torch, ours, theirs, rng.standard_normal((2, 3, 5)).astype(np.float32), rng)


def test_normalization_errors():
    with pytest.raises(ValueError, match=r"batch_norm: expected more than 1 value per channel "
                                         r"when training, got input shape \(1, 3\) \(a batch "
                                         r"of one sample: .*drop_last=True\)"):
        nn.BatchNorm1d(3)(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm2d: the input of shape \(2, 4, 3, 3\) has 4 "
                                         r"channels \(axis 1\), the layer expects 3"):
        nn.BatchNorm2d(3)(np.ones((2, 4, 3, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected an input of shape "
                                         r"\(N, C, H, W\), got \(2, 3\)"):
        nn.BatchNorm2d(3)(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"batch_norm: running_var has shape \(2,\), expected "
                                         r"\(3,\)"):
        F.batch_norm(np.ones((2, 3)), np.zeros(3), np.ones(2), training=True)
    with pytest.raises(ValueError, match="batch_norm: running_mean and running_var are required"):
        F.batch_norm(np.ones((2, 3)), None, None, training=False)
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \(4,\) does not match the "
                                         r"last dimensions of the input of shape \(2, 3\)"):
        F.layer_norm(np.ones((2, 3)), 4)
    with pytest.raises(ValueError, match=r"layer_norm: weight has shape \(2,\), expected \(3,\)"):
        F.layer_norm(np.ones((2, 3)), 3, weight=np.ones(2))


@pytest.mark.parametrize("norm", [
    lambda x, mean, var, on: F.batch_norm(x, mean, var, training=on),
    lambda x, mean, var, on: F.instance_norm(x, mean, var, use_input_stats=on)])
def test_running_statistics_that_cannot_be_updated_are_named_before_either_moves(norm):
    x = np.random.default_rng(0).standard_normal((4, 3, 5))
    mean = np.zeros(3)
    # an integer running_var: the mean moved, then NumPy's casting error (a half update)
    with pytest.raises(TypeError, match="running_var must be a floating-point array, got "
                                        "dtype int64"):
        norm(x, mean, np.ones(3, np.int64), True)
    assert np.array_equal(mean, np.zeros(3))
    with pytest.raises(TypeError, match=r"running_mean must be an array of shape \(3,\) \(it "
                                        r"is updated in place\), got list"):
        norm(x, [0.0, 0.0, 0.0], np.ones(3), True)  # (was an AttributeError on .shape)
    frozen = np.broadcast_to(np.ones(1), (3,))
    with pytest.raises(ValueError, match="running_var is read-only.*pass a writeable copy"):
        norm(x, mean, frozen, True)
    assert np.array_equal(mean, np.zeros(3))
    assert norm(x, mean, frozen, False).shape == x.shape  # read, not written: still fine


def test_a_checkpoint_without_num_batches_tracked_loads_keeping_it_as_in_pytorch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.BatchNorm1d(3)
    theirs(torch.randn(4, 3))
    old = {k: v.numpy() for k, v in theirs.state_dict().items() if k != "num_batches_tracked"}
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in old.items()})  # PyTorch fills it
    layer = nn.BatchNorm1d(3)
    layer(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32))
    result = layer.load_state_dict(old)  # strict: not a missing key
    assert result.missing_keys == [] and int(layer.num_batches_tracked) == 1
    assert int(theirs.num_batches_tracked) == 1
    np.testing.assert_allclose(layer.running_mean, old["running_mean"])
    with pytest.raises(KeyError, match="running_var"):  # the others are still missing
        layer.load_state_dict({k: v for k, v in old.items() if k != "running_var"})


@pytest.mark.parametrize("value, width", [(10000.1, 768), (1000.1, 1000), (1e10, 20)])
def test_a_constant_float32_row_standardizes_to_zero_as_in_pytorch(value, width):
    """The float32 mean's rounding (1e-3 near 1e4) used to count as spread: 0.3, not 0."""
    x = np.full((2, width), value, np.float32)
    assert not F.layer_norm(Variable(x), (width,)).data.any()
    assert not F.group_norm(Variable(x.reshape(2, 1, width)), 1).data.any()


# (>= 2 positions per channel each)
INSTANCE_SHAPES = st.sampled_from([(2, 3, 2), (1, 2, 3), (2, 2, 2, 2), (3, 1, 2, 1, 2)])


def instance_norm_cases():
    return batch_norm_cases(INSTANCE_SHAPES)


@pytest.mark.parametrize("use_input_stats", [True, False])
@given(case=instance_norm_cases())
def test_instance_norm_gradients_match_numerical(use_input_stats, case):
    x, running_mean, running_var, weight, bias = case
    positions = tuple(range(2, x.ndim))
    assume(not use_input_stats or np.all(np.ptp(x, axis=positions) > 1e-3))

    def f(x, *params):
        weight, bias = params if params else (None, None)
        return F.instance_norm(x, running_mean.copy(), running_var.copy(), weight, bias,
                               use_input_stats=use_input_stats)
    inputs = (x, weight, bias) if weight is not None else (x,)
    gradcheck(f, *inputs)
    gradgradcheck(f, *inputs, mode="fast")


@given(case=instance_norm_cases(), momentum=st.sampled_from([0.1, 0.5, 1.0]))
def test_instance_norm_normalizes_each_sample_and_averages_the_statistics(case, momentum):
    x, running_mean, running_var, weight, bias = case
    positions = tuple(range(2, x.ndim))
    count = int(np.prod(x.shape[2:]))
    mean = x.mean(axis=positions, keepdims=True)
    var = x.var(axis=positions, keepdims=True)
    new_mean, new_var = running_mean.copy(), running_var.copy()
    y = F.instance_norm(x, new_mean, new_var, weight, bias, momentum=momentum)
    expected = (x - mean) / np.sqrt(var + 1e-5)
    if weight is not None:
        shape = (1, -1) + (1,) * len(positions)
        expected = expected * weight.reshape(shape) + bias.reshape(shape)
    np.testing.assert_allclose(y.data, expected, rtol=1e-9, atol=1e-9)
    batch_mean = mean.mean(axis=0).ravel()
    batch_var = (var * count / (count - 1)).mean(axis=0).ravel()  # unbiased, as PyTorch
    np.testing.assert_allclose(new_mean, (1 - momentum) * running_mean + momentum * batch_mean,
                               atol=1e-12)
    np.testing.assert_allclose(new_var, (1 - momentum) * running_var + momentum * batch_var,
                               atol=1e-12)


@pytest.mark.parametrize("layer, shape, kwargs", [
    ("InstanceNorm1d", (4, 3, 5), {}),
    ("InstanceNorm1d", (3, 6), dict(affine=True)),  # unbatched (C, L)
    ("InstanceNorm2d", (2, 3, 4, 5), dict(affine=True, track_running_stats=True)),
    ("InstanceNorm2d", (3, 4, 4), dict(track_running_stats=True, momentum=0.3)),
    ("InstanceNorm3d", (2, 3, 2, 3, 2), dict(track_running_stats=True, momentum=None)),
])
def test_instance_norm_layers_match_torch_in_train_and_eval(layer, shape, kwargs):
    _check_layer_against_torch(layer, shape, kwargs)


def test_instance_norm_eval_without_tracking_uses_the_input_and_lazy_layers_size_themselves():
    x = np.random.default_rng(1).standard_normal((2, 4, 6)).astype(np.float32)
    layer = nn.InstanceNorm1d(4).eval()  # no running statistics: the input's, as PyTorch
    expected = (x - x.mean(axis=2, keepdims=True)) / np.sqrt(x.var(axis=2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5, atol=1e-5)
    lazy = nn.LazyInstanceNorm1d(affine=True, track_running_stats=True)
    y = lazy(x)
    assert lazy.num_features == 4 and lazy.weight.shape == (4,) and y.dtype == np.float32
    assert lazy.running_mean.shape == (4,)


def test_instance_norm_errors():
    x = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"instance_norm: expected an input \(N, C, \*spatial\)"):
        F.instance_norm(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"more than 1 spatial element.*\(2, 3, 1\)"):
        F.instance_norm(np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match="running_mean and running_var are required"):
        F.instance_norm(x, use_input_stats=False)
    with pytest.raises(ValueError, match="running_mean and running_var both, or neither"):
        F.instance_norm(x, np.zeros(3), None)
    with pytest.raises(ValueError, match=r"instance_norm: running_var has shape \(4,\)"):
        F.instance_norm(x, np.zeros(3), np.ones(4))
    with pytest.raises(TypeError, match="instance_norm: expected a floating-point input"):
        F.instance_norm(np.zeros((2, 3, 4), int))
    with pytest.raises(ValueError, match=r"InstanceNorm1d: the input of shape \(2, 3, 4\) has "
                                         r"3 channels \(axis 1\), the layer expects 5"):
        nn.InstanceNorm1d(5, affine=True)(x)
    with pytest.warns(UserWarning, match="the layer expects 5"):  # PyTorch warns too
        nn.InstanceNorm1d(5)(x)
    with pytest.raises(ValueError, match=r"InstanceNorm2d: expected an input of shape"):
        nn.InstanceNorm2d(3)(x[0])


def test_a_captured_step_moves_instance_norm_statistics_as_an_eager_one():
    import optim
    batches = [np.random.default_rng(i).standard_normal((4, 2, 5)).astype(np.float32)
               for i in range(6)]
    states = []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Sequential(nn.Conv1d(2, 3, 3),
                              nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
                              nn.Flatten(), nn.Linear(9, 1))
        optimizer = optim.SGD(model.parameters(), lr=0.1)

        def step(x, model=model, optimizer=optimizer):
            optimizer.zero_grad()
            (model(x) ** 2).mean().backward()
            optimizer.step()
        step = ag.capture(step) if captured else step
        for x in batches:
            step(x)
        states.append(model.state_dict())
    for name, value in states[0].items():
        np.testing.assert_array_equal(states[1][name], value, err_msg=name)


def test_reprs_and_lazy_instance_norm_defaults_are_pytorch_2_13_s():
    torch = pytest.importorskip("torch")
    import inspect
    pairs = [(nn.BatchNorm1d(3, bias=False), torch.nn.BatchNorm1d(3, bias=False)),
             (nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)),
             (nn.GroupNorm(3, 6, bias=False), torch.nn.GroupNorm(3, 6, bias=False)),
             (nn.InstanceNorm2d(3, affine=True, bias=False),
              torch.nn.InstanceNorm2d(3, affine=True, bias=False))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
    for name in ("LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"):
        ours = {k: p.default for k, p in inspect.signature(getattr(nn, name)).parameters.items()}
        theirs = inspect.signature(getattr(torch.nn, name)).parameters
        assert all(theirs[k].default == v for k, v in ours.items())


def test_group_norm_refuses_one_value_per_group_in_the_batch_as_pytorch():
    with pytest.raises(ValueError, match="group_norm: expected more than 1 value per group"):
        nn.GroupNorm(2, 2)(np.random.default_rng(0).standard_normal((1, 2)))
    assert nn.GroupNorm(2, 2)(np.ones((2, 2))).shape == (2, 2)  # (PyTorch's rule: the batch's)


@pytest.mark.parametrize("make", [
    lambda: nn.BatchNorm2d(3), lambda: nn.InstanceNorm1d(3, affine=True),
    lambda: nn.LayerNorm(3), lambda: nn.GroupNorm(1, 3), lambda: nn.RMSNorm(3),
    lambda: nn.LazyBatchNorm1d()])
def test_normalization_layers_reset_parameters_as_torchs(make):
    """reset_parameters() was missing (an AttributeError where ported code calls it): the
    weight back to ones, the bias to zeros, the running statistics to new."""
    layer = make()
    params = [p for p in (getattr(layer, "weight", None), getattr(layer, "bias", None))
              if p is not None and not is_uninitialized(p)]
    for p in params:
        p.data[...] = 7
    if getattr(layer, "running_mean", None) is not None:
        layer.running_mean[...] = 3
    layer.reset_parameters()
    for p, want in zip(params, (1, 0)):
        np.testing.assert_array_equal(p.data, want)
    if getattr(layer, "running_mean", None) is not None:
        np.testing.assert_array_equal(layer.running_mean, 0)


def test_running_statistics_switched_off_after_construction_are_kept_and_read_in_eval():
    """PyTorch's rules (they were updated in training and ignored in eval): statistics kept
    are updated only while tracked, and read in inference whenever there are any."""
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn(Variable(rng.normal(size=(6, 3))))
    mean, var = np.array(bn.running_mean), np.array(bn.running_var)
    bn.track_running_stats = False
    x = rng.normal(size=(6, 3)) * 3 - 2
    trained = bn(Variable(x)).data
    np.testing.assert_allclose(trained, (x - x.mean(0)) / np.sqrt(x.var(0) + bn.eps))
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)
    bn.eval()
    np.testing.assert_allclose(bn(Variable(x)).data, (x - mean) / np.sqrt(var + bn.eps))
    bn.running_mean = bn.running_var = None  # none kept: batch statistics in eval too
    np.testing.assert_allclose(bn(Variable(x)).data, trained)
