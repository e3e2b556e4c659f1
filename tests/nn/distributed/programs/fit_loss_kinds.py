"""Train a float64 model with fit under a loss that is not a plain mean over the samples.

argv: the loss kind ('sum': a Keras loss reducing by 'sum', with an L2 penalty; 'torch_sum':
nn.MSELoss(reduction='sum'); 'mws': reduction='mean_with_sample_weight' with sample weights;
'ce_weight': nn.CrossEntropyLoss with class weights and an ignored label; 'masked':
Embedding(mask_zero=True), a masked mean over the real steps), output prefix (each rank
writes PREFIX_<rank>.npz: final parameters and the History, validation losses too).
Batches of 7 split 3 + 4 on two ranks, and the ranks' pieces carry different weights,
labels and padding, so only a weighting by each rank's denominator matches one process, in
training and in the validation loss alike.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.keras import layers as L
from nn.keras import losses as KL

kind, prefix = sys.argv[1], sys.argv[2]
rank = dist.get_rank()
data = np.random.default_rng(0)
x = data.normal(size=(20, 3))
y = x @ data.normal(size=(3, 2))
fit_options = {}
layers = [nn.Dense(2, input_shape=(3,))]
if kind == "sum":
    loss = KL.MeanSquaredError(reduction="sum")
    layers = [nn.Dense(2, input_shape=(3,), kernel_regularizer="l2")]
elif kind == "torch_sum":
    loss = nn.MSELoss(reduction="sum")
elif kind == "mws":
    loss = KL.MeanSquaredError(reduction="mean_with_sample_weight")
    fit_options["sample_weight"] = data.uniform(0, 5, size=20)
elif kind == "ce_weight":
    y = data.integers(0, 3, size=20)
    y[:4], y[5] = 0, -100  # the first pieces: mostly the heavy class, one label ignored
    loss = nn.CrossEntropyLoss(weight=np.array([5.0, 1.0, 0.5]))
    layers = [nn.Dense(3, input_shape=(3,))]
elif kind == "masked":
    x = data.integers(1, 10, size=(20, 6))
    x[::3, 1:] = 0  # every third sequence: one real step, then padding
    y = data.normal(size=(20, 6, 1))
    loss = "mse"
    layers = [L.Embedding(10, 4, mask_zero=True), L.Dense(1)]
model = nn.Sequential(layers)
model(x[:1])
init = np.random.default_rng(100 + rank)  # ranks start apart: fit copies rank 0's
for p in model.parameters():
    p.data = init.normal(size=p.shape)
model.compile(optimizer=optim.SGD(lr=0.01, momentum=0.9), loss=loss)
validation = (x, y, fit_options["sample_weight"]) if kind == "mws" else (x, y)
history = model.fit(x, y, epochs=2, batch_size=7, shuffle=False, verbose=0,
                    validation_data=validation, **fit_options)
np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()],
         history=np.array(history.history["loss"]),
         val_loss=np.array(history.history["val_loss"]))
