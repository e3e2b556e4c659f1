"""GradientMonitor: per-parameter gradient norms per epoch in History, and their picture."""
import math

import numpy as np
import pytest

import nn
import optim
from nn.callbacks import Callback
from nn.training.callbacks import GradientMonitor, plot_gradient_norms

from ._helpers import blobs, mlp

PNG = b"\x89PNG\r\n\x1a\n"


class NormsByHand(Callback):
    """Each batch's gradient norms, by NumPy, for comparison."""

    def __init__(self):
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append([])

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1].append({name: np.linalg.norm(p.grad.data.astype(np.float64))
                                for name, p in self.model.named_parameters()})


def _fit(model, callbacks, epochs=3, batch_size=40):
    x, y = blobs(n=120)
    model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy")
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0,
                     callbacks=callbacks)


@pytest.mark.parametrize("every, sampled", [(1, [0, 1, 2]), (2, [0, 2]), (5, [0])])
def test_history_holds_the_mean_norm_of_the_sampled_batches(every, sampled):
    by_hand, monitor = NormsByHand(), GradientMonitor(every=every)
    history = _fit(mlp(), [by_hand, monitor])
    names = ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [k for k in history.history if k.startswith("grad_norm/")] == \
        [f"grad_norm/{name}" for name in names]
    for name in names:
        expected = [np.mean([batches[b][name] for b in sampled]) for batches in by_hand.epochs]
        np.testing.assert_allclose(history.history[f"grad_norm/{name}"], expected, rtol=1e-5)
        assert monitor.history[f"grad_norm/{name}"] == history.history[f"grad_norm/{name}"]
    assert len(history.history["loss"]) == 3


def test_frozen_parameters_are_left_out_and_unused_ones_are_nan():
    class PartlyUsed(nn.Model):
        def __init__(self):
            super().__init__()
            self.used = nn.Linear(4, 3)
            self.unused = nn.Linear(4, 3)
            self.frozen = nn.Linear(3, 3)
            for p in self.frozen.parameters():
                p.requires_grad = False

        def forward(self, x):
            return self.frozen(self.used(x))

    np.random.seed(0)
    history = _fit(PartlyUsed(), [GradientMonitor()], epochs=2)
    norms = {k: v for k, v in history.history.items() if k.startswith("grad_norm/")}
    assert sorted(norms) == ["grad_norm/unused.bias", "grad_norm/unused.weight",
                             "grad_norm/used.bias", "grad_norm/used.weight"]
    assert all(v > 0 for v in norms["grad_norm/used.weight"])
    assert all(math.isnan(v) for v in norms["grad_norm/unused.weight"])


def test_a_deep_sigmoid_network_shows_vanishing_gradients():
    np.random.seed(0)
    layers = [nn.Dense(16, activation="sigmoid", input_shape=(4,))]
    layers += [nn.Dense(16, activation="sigmoid") for _ in range(6)] + [nn.Dense(3)]
    history = _fit(nn.Sequential(layers), [GradientMonitor()], epochs=2)
    first, last = (history.history[f"grad_norm/{i}.weight"][-1] for i in (0, 7))
    assert first < last / 100  # each sigmoid scales the gradient by at most 1/4


def test_plot_writes_a_png_of_the_norms_at_the_end(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "gradients.png"
    history = _fit(mlp(), [GradientMonitor(plot=str(path))])
    assert path.read_bytes()[:8] == PNG
    again = tmp_path / "again.svg"
    plot_gradient_norms(history, again)
    assert b"<svg" in again.read_bytes()[:400]


def test_log_false_keeps_the_norms_out_of_the_logs_and_plots_its_own(tmp_path):
    pytest.importorskip("matplotlib")
    monitor = GradientMonitor(log=False)
    history = _fit(mlp(), [monitor], epochs=2)
    assert not any(key.startswith("grad_norm/") for key in history.history)
    assert monitor.history and all(len(v) == 2 for v in monitor.history.values())
    path = plot_gradient_norms(monitor, tmp_path / "g.png")
    assert path.read_bytes()[:8] == PNG


def test_bad_arguments_are_named():
    for every in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="GradientMonitor: every must be a positive"):
            GradientMonitor(every=every)
    with pytest.raises(ValueError, match=r"no grad_norm/\* values.*GradientMonitor\(\)"):
        plot_gradient_norms({"loss": [1.0]}, "unused.png")


def test_reachable_from_nn_callbacks():
    assert nn.callbacks.GradientMonitor is GradientMonitor
    assert nn.callbacks.plot_gradient_norms is plot_gradient_norms


def test_a_plot_path_that_cannot_be_written_is_refused_at_once(tmp_path):
    """A missing folder or a bad suffix failed after the last epoch, losing the History."""
    with pytest.raises(FileNotFoundError, match="does not exist"):
        GradientMonitor(plot=tmp_path / "nofolder" / "g.png")
    with pytest.raises(ValueError, match="use .png, .svg or .pdf"):
        GradientMonitor(plot=tmp_path / "g.jpeg2")
