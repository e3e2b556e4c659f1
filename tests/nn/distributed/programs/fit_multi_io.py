"""Train a float64 functional model of two inputs and two outputs with Model.fit on every rank.

argv: output prefix (each rank writes PREFIX_<rank>.npz: final parameters and the History),
global batch size. Ranks start from different weights (seed 100 + rank) and rank 0 shuffles
with seed 7; fit must shard both inputs and both targets alike, average the gradients and
log each output's loss and metrics exactly as one process with the same global batch.
"""
import sys

import numpy as np

import nn.distributed as dist
import nn.keras as keras
import optim
from nn.keras import layers

prefix, global_batch = sys.argv[1], int(sys.argv[2])
rank = dist.get_rank()

data = np.random.default_rng(1)
xa, xb = data.normal(size=(62, 3)), data.normal(size=(62, 2))
y_reg = xa.sum(axis=1, keepdims=True) - xb[:, :1]
y_cls = data.integers(0, 3, size=62)

np.random.seed(100 + rank)
a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
hidden = layers.Dense(6, activation="tanh", name="hidden")(layers.Concatenate()([a, b]))
model = keras.Model([a, b], [layers.Dense(1, name="reg")(hidden),
                             layers.Dense(3, activation="softmax", name="cls")(hidden)])
for p in model.parameters():
    p.data = np.random.normal(size=p.shape)
model.compile(optimizer=optim.Adam(lr=0.01),
              loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
              loss_weights={"reg": 1.0, "cls": 0.5},
              metrics={"reg": ["mae"],
                       "cls": ["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2)]})
np.random.seed(7)  # the shuffle order: rank 0's is used by every rank
history = model.fit({"a": xa, "b": xb}, {"reg": y_reg, "cls": y_cls},
                    epochs=3, batch_size=global_batch, validation_split=0.2, verbose=0)
keys = sorted(history.history)
np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()],
         history=np.array([history.history[k] for k in keys], dtype=np.float64),
         keys=np.array(keys))
