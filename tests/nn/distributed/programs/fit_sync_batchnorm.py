"""fit with SyncBatchNorm (float64 Dense -> SyncBatchNorm -> Dense), one epoch of 2 steps.

argv: case, output prefix; each rank writes PREFIX_<rank>.npz with the trained weights, which
the test compares with one process's. Cases:
- even: global batches of 4, 2 samples per rank;
- sum: batches of 5 (3 + 2) with reduction='sum', which weights every rank alike;
- uneven: batches of 5 with the mean, each rank's gradient weighted by its 3 or 2 samples
  (SyncBatchNorm's backward weighs the statistics' gradients alike: the layers before the
  norm were 4-9 % off when it summed them unweighted);
- weighted: batches of 4 with sample weights (each rank's denominator is its weights' sum);
- uneven_captured: uneven, compiled with jit_compile=True (a replay reads each step's
  weights afresh);
- ignored_rank: without SyncBatchNorm, a cross-entropy whose labels on rank 1 are all
  ignored at the first step (its loss 0 / 0): the logged loss is the global batch's too;
- added_loss: uneven, with a layer that adds a loss of its inputs (add_loss) instead of
  the norm: each rank's, of its piece, weighted as the pieces are;
- refused: prints 'ok <what>: <message>' on each rank for what fit refuses before any
  update: SyncBatchNorm where a rank's piece weighs nothing (its sample weights all 0),
  ActivityRegularization with sample weights or a summed loss, and add_loss with a summed
  loss.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import nn.keras as keras
import optim

case, prefix = sys.argv[1], sys.argv[2]
rank = dist.get_rank()


class AddsSquares(keras.layers.Layer):
    """Passes its inputs on, adding half their mean square as a loss."""

    def call(self, x):
        self.add_loss(0.5 * (x * x).mean())
        return x


def fit(batch_size, loss="mse", jit_compile=False, middle=None, y=None, **options):
    data = np.random.default_rng(0)
    x, y_drawn = data.normal(size=(2 * batch_size, 3)), data.normal(size=(2 * batch_size, 1))
    y = y_drawn if y is None else y
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)),
                           nn.SyncBatchNorm(4) if middle is None else middle,
                           nn.Dense(1 if y.ndim == 2 else 3)])
    model(x[:2])
    for p in model.parameters():  # float64, the same on every rank
        p.data = np.random.default_rng(5).normal(size=p.shape)
    model.compile(optimizer=optim.SGD(lr=0.1), loss=loss, jit_compile=jit_compile)
    model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=False, verbose=0, **options)
    return model


runs = {"even": lambda: fit(4),
        "sum": lambda: fit(5, keras.losses.MeanSquaredError(reduction="sum")),
        "uneven": lambda: fit(5),
        "weighted": lambda: fit(4, keras.losses.MeanSquaredError(
            reduction="mean_with_sample_weight"), sample_weight=np.linspace(0.5, 2.0, 8)),
        "uneven_captured": lambda: fit(5, jit_compile=True),
        "ignored_rank": lambda: fit(4, nn.CrossEntropyLoss(), middle=nn.ReLU(),
                                    y=np.array([0, 1, -100, -100, 1, 2, 0, 2])),
        "added_loss": lambda: fit(5, middle=AddsSquares())}
refusals = {
    "zero weight": lambda: fit(4, keras.losses.MeanSquaredError(
        reduction="mean_with_sample_weight"), sample_weight=np.array([1.0, 2, 0, 0, 1, 1, 1, 1])),
    "activity weighted": lambda: fit(4, keras.losses.MeanSquaredError(
        reduction="mean_with_sample_weight"), middle=keras.layers.ActivityRegularization(0.5),
        sample_weight=np.linspace(0.5, 2.0, 8)),
    "activity summed": lambda: fit(5, keras.losses.MeanSquaredError(reduction="sum"),
                                   middle=keras.layers.ActivityRegularization(0.5)),
    "added summed": lambda: fit(5, keras.losses.MeanSquaredError(reduction="sum"),
                                middle=AddsSquares())}
if case == "refused":
    for what, run in refusals.items():
        try:
            run()
        except ValueError as error:
            print(f"ok {what}: {error}", flush=True)
else:
    model = runs[case]()
    losses = model.history.history["loss"]
    np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()], losses)
