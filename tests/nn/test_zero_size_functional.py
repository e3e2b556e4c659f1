"""nn.functional's forward and backward on zero-size inputs (batch 0 above all), as PyTorch:
empty outputs of PyTorch's shape, zero parameter gradients, and for losses PyTorch's value
of a reduction over nothing (mean nan, sum 0)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from nn.functional.recurrence import recurrence
from tests._zero_size import check_zero_size


def z(*shape):
    """A float64 array of `shape` (zero-size when a side is 0) with distinct values."""
    return np.arange(1, int(np.prod(shape)) + 1, dtype=np.float64).reshape(shape) / 7 + 0.05


def tf(name, **kwargs):
    """torch.nn.functional.<name> with keyword arguments, looked up when called."""
    def call(*args):
        import torch.nn.functional as TF
        return getattr(TF, name)(*args, **kwargs)
    return call


def both(name, **kwargs):
    """F.<name> and its PyTorch twin, called with the same arguments."""
    return (lambda *args: getattr(F, name)(*args, **kwargs)), tf(name, **kwargs)


E = z(0, 5)
LABELS = np.zeros(0, dtype=np.int64)
# PyTorch computes these quietly: a NumPy warning (mean of empty slice...) is a failure
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")
CASES = {
    **{f"{name}": (*both(name), E)
       for name in ["sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "tanh"]},
    "gelu_tanh": (*both("gelu", approximate="tanh"), E),
    "softmax_batch0": (*both("softmax", dim=-1), E),
    "softmax_empty_axis": (*both("softmax", dim=-1), z(2, 0)),
    "log_softmax_batch0": (*both("log_softmax", dim=1), E),
    "log_softmax_empty_axis": (*both("log_softmax", dim=-1), z(2, 0)),
    "linear_batch0": (*both("linear"), E, z(3, 5), z(3)),
    "linear_no_features": (*both("linear"), z(2, 0), z(3, 0), z(3)),
    "linear_batched_batch0": (*both("linear"), z(2, 0, 5), z(3, 5)),
    "linear_batched_no_features": (*both("linear"), z(2, 3, 0), z(4, 0), z(4)),
    "linear_no_outputs": (*both("linear"), z(2, 3, 5), z(0, 5), z(0)),
    "dropout_batch0": (lambda x: F.dropout(x, 0.5), lambda x: x, E),
    "conv2d_batch0": (*both("conv2d"), z(0, 2, 5, 5), z(3, 2, 3, 3), z(3)),
    "conv2d_batch0_padded": (*both("conv2d", stride=2, padding=1), z(0, 2, 5, 5),
                             z(3, 2, 3, 3)),
    # PyTorch refuses 0 output channels and gives 0 of them for 0 input channels; here the
    # sum over no input channels is 0 (then the bias), as NumPy's matmul has it
    "conv2d_no_channels": (F.conv2d, None, z(2, 0, 4, 4), z(3, 0, 2, 2), z(3)),
    "conv2d_no_out_channels": (F.conv2d, None, z(2, 2, 4, 4), z(0, 2, 2, 2)),
    "conv3d_batch0": (*both("conv3d", stride=2), z(0, 2, 4, 5, 3), z(3, 2, 3, 3, 2), z(3)),
    "conv_transpose3d_batch0": (*both("conv_transpose3d", stride=(2, 1, 3), padding=1),
                                z(0, 2, 4, 3, 3), z(2, 3, 3, 2, 3), z(3)),
    "max_pool3d_batch0": (*both("max_pool3d", kernel_size=2), z(0, 2, 4, 4, 3)),
    "avg_pool3d_batch0": (*both("avg_pool3d", kernel_size=3, stride=2, padding=1),
                          z(0, 2, 4, 5, 3)),
    "adaptive_max_pool3d_batch0": (*both("adaptive_max_pool3d", output_size=2),
                                   z(0, 2, 4, 5, 3)),
    "adaptive_avg_pool3d_batch0": (*both("adaptive_avg_pool3d", output_size=2),
                                   z(0, 2, 4, 5, 3)),
    "max_pool2d_batch0": (*both("max_pool2d", kernel_size=2), z(0, 2, 4, 4)),
    "avg_pool2d_batch0": (*both("avg_pool2d", kernel_size=2), z(0, 2, 4, 4)),
    "max_pool2d_batch0_padded": (*both("max_pool2d", kernel_size=3, stride=2, padding=1),
                                 z(0, 2, 5, 5)),
    "adaptive_max_pool2d_batch0": (*both("adaptive_max_pool2d", output_size=(2, 3)),
                                   z(0, 2, 4, 5)),
    "adaptive_avg_pool2d_batch0": (*both("adaptive_avg_pool2d", output_size=(2, 3)),
                                   z(0, 2, 4, 5)),
    "batch_norm_eval_batch0": (lambda x, w, b: F.batch_norm(x, np.zeros(3), np.ones(3), w, b),
                               lambda x, w, b: tf("batch_norm")(
                                   x, x.new_zeros(3), x.new_ones(3), w, b), z(0, 3), z(3), z(3)),
    "batch_norm_train_batch0": (
        lambda x, w, b: F.batch_norm(x, np.zeros(3), np.ones(3), w, b, training=True),
        lambda x, w, b: tf("batch_norm", training=True)(x, x.new_zeros(3), x.new_ones(3), w, b),
        z(0, 3, 4, 4), z(3), z(3)),
    "batch_norm_train_no_positions": (
        lambda x: F.batch_norm(x, np.zeros(3), np.ones(3), training=True),
        lambda x: tf("batch_norm", training=True)(x, x.new_zeros(3), x.new_ones(3)), z(2, 3, 0)),
    "layer_norm_batch0": (lambda x, w, b: F.layer_norm(x, 5, w, b),
                          lambda x, w, b: tf("layer_norm")(x, (5,), w, b), E, z(5), z(5)),
    "layer_norm_over_nothing": (lambda x: F.layer_norm(x, (2, 0)),
                                lambda x: tf("layer_norm")(x, (2, 0)), z(3, 2, 0)),
    "embedding_no_indices": (lambda w: F.embedding(LABELS.reshape(0, 2), w),
                             lambda w: tf("embedding")(w.new_zeros((0, 2)).long(), w),
                             z(4, 3)),
    # losses: 'mean' over nothing is nan, 'sum' 0, 'none' empty (PyTorch's)
    **{f"{name}_{reduction}": (*both(name, reduction=reduction), E, z(0, 5) / 10)
       for name in ["mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
                    "binary_cross_entropy_with_logits", "poisson_nll_loss"]
       for reduction in ["mean", "sum", "none"]},
    **{f"{name}_{reduction}": (lambda x, name=name, reduction=reduction: getattr(F, name)(
        x, LABELS, reduction=reduction),
        lambda x, name=name, reduction=reduction: tf(name, reduction=reduction)(
            x, x.new_zeros(0).long()), E)
       for name in ["cross_entropy", "nll_loss"] for reduction in ["mean", "sum", "none"]},
    "cross_entropy_smoothed": (lambda x: F.cross_entropy(x, LABELS, label_smoothing=0.1),
                               lambda x: tf("cross_entropy", label_smoothing=0.1)(
                                   x, x.new_zeros(0).long()), E),
    "cross_entropy_probabilities": (*both("cross_entropy"), E, z(0, 5)),
    "cross_entropy_probabilities_sum": (*both("cross_entropy", reduction="sum"), E, z(0, 5)),
    "cross_entropy_spatial_batch0": (lambda x: F.cross_entropy(x, LABELS.reshape(0, 4)),
                                     lambda x: tf("cross_entropy")(x, x.new_zeros(0, 4).long()),
                                     z(0, 3, 4)),
    "l2_penalty": (lambda a, b: F.l2_penalty([a, b]), lambda a, b: (a * a).sum() + (b * b).sum(),
                   z(0, 3), z(2)),
    "l1_penalty": (lambda a: F.l1_penalty([a]), lambda a: a.abs().sum(), z(0, 3)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_forward_and_backward_on_zero_size_inputs(name):
    ours, theirs, *inputs = CASES[name]
    check_zero_size(ours, theirs, *inputs)


@pytest.mark.parametrize("name", [name for name in CASES if "dropout" not in name])
def test_second_order_on_zero_size_inputs(name):
    """Numerically, the second derivatives of a loss over nothing are 0 (PyTorch's), not nan."""
    ours, _, *inputs = CASES[name]
    assert ag.gradgradcheck(ours, *inputs)


@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
def test_recurrence_over_a_batch_of_zero(mode):
    """PyTorch's RNN layers take batch 0 (not length 0): empty outputs, zero weight grads."""
    gates = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}[mode]
    states = 2 if mode == "LSTM" else 1

    def ours(x, w_ih, w_hh, b_ih, b_hh, *state):
        out, final = recurrence(mode, x, w_ih, w_hh, b_ih, b_hh, state)
        return [out, *final]

    inputs = (z(3, 0, 2), z(gates * 4, 2), z(gates * 4, 4), z(gates * 4), z(gates * 4),
              *[z(0, 4)] * states)
    ys = check_zero_size(ours, None, *inputs)
    assert [y.shape for y in ys] == [(3, 0, 4)] + [(0, 4)] * states
    assert ag.gradgradcheck(ours, *inputs)  # the replayed (create_graph) backward too


@pytest.mark.parametrize("x_shape,hidden,match", [
    ((0, 2, 3), 4, r"recurrence: expected a sequence of length at least 1, .*\(0, 2, 3\)"),
    ((5, 2, 3), 0, r"recurrence: GRU needs a hidden size of at least 1, .*\(0, 0\)"),
])
def test_recurrence_refuses_length_and_hidden_size_zero_as_pytorch(x_shape, hidden, match):
    with pytest.raises(ValueError, match=match):
        recurrence("GRU", z(*x_shape), z(3 * hidden, 3), z(3 * hidden, hidden), None, None,
                   (z(2, hidden),))


def test_conv2d_over_no_input_channels_is_the_bias():
    y = F.conv2d(z(2, 0, 4, 4), z(3, 0, 2, 2), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(y.data, np.broadcast_to([[[[1.0]], [[2.0]], [[3.0]]]],
                                                          (2, 3, 3, 3)))


def test_one_hot_of_no_labels():
    assert F.one_hot(LABELS, 3).shape == (0, 3)
    assert F.one_hot(LABELS, 0).shape == (0, 0)
    with pytest.raises(ValueError, match="one_hot: cannot infer num_classes from empty"):
        F.one_hot(LABELS)


def test_batch_norm_on_an_empty_batch_leaves_the_running_statistics_alone():
    """PyTorch's: nothing was seen, so nothing is averaged in."""
    mean, var = np.zeros(3), np.ones(3)
    F.batch_norm(z(0, 3), mean, var, training=True)
    np.testing.assert_array_equal(mean, 0.0)
    np.testing.assert_array_equal(var, 1.0)
