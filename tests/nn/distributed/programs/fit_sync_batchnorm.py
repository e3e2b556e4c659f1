"""fit with SyncBatchNorm (float64 Dense -> SyncBatchNorm -> Dense), one epoch of 2 steps.

argv: case, output prefix. Cases:
- even: global batches of 4, 2 samples per rank: the weights end as one process's (each rank
  writes PREFIX_<rank>.npz);
- sum: batches of 5 (2 + 3) with reduction='sum', which weights every rank alike: as one
  process's too;
- refused: batches of 5 with the mean, and sample-weighted means, are refused before any
  update (their backward was 4-9 % off for the layers before the norm); prints
  'ok <what>: <message>'.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import nn.keras as keras
import optim

case, prefix = sys.argv[1], sys.argv[2]
rank = dist.get_rank()


def fit(batch_size, loss="mse", **options):
    data = np.random.default_rng(0)
    x, y = data.normal(size=(2 * batch_size, 3)), data.normal(size=(2 * batch_size, 1))
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.SyncBatchNorm(4), nn.Dense(1)])
    model(x[:2])
    for p in model.parameters():  # float64, the same on every rank
        p.data = np.random.default_rng(5).normal(size=p.shape)
    model.compile(optimizer=optim.SGD(lr=0.1), loss=loss)
    model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=False, verbose=0, **options)
    return model


if case in ("even", "sum"):
    model = fit(4) if case == "even" else fit(5, keras.losses.MeanSquaredError(
        reduction="sum"))
    np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()])
else:
    weights = np.linspace(0.5, 2.0, 8)
    for what, run in (("uneven", lambda: fit(5)),
                      ("weighted", lambda: fit(4, keras.losses.MeanSquaredError(
                          reduction="mean_with_sample_weight"), sample_weight=weights))):
        try:
            run()
        except ValueError as error:
            assert "SyncBatchNorm trains exactly only where" in str(error), error
            print(f"ok {what}: {error}", flush=True)
