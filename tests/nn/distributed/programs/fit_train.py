"""Train a small float64 Sequential with Model.fit (Keras' way) on every rank.

argv: optimizer ('sgd' momentum or 'adam'), output prefix (each rank writes
PREFIX_<rank>.npz: final parameters and the History), global batch size, and optionally
'weighted' (sample_weight and class_weight given to fit), 'captured'
(compile(jit_compile=True): fit's update replayed, its averaging included) and/or 'batch'
(shuffle="batch": the batches in order, each shuffled within).
Ranks start from different weights (seed 100 + rank) and rank 0 shuffles with seed 7; fit
must shard, average and log exactly as one process with the same global batch.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim

optimizer_name, prefix, global_batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
weighted, captured = "weighted" in sys.argv[4:], "captured" in sys.argv[4:]
shuffle = "batch" if "batch" in sys.argv[4:] else True
rank = dist.get_rank()

data = np.random.default_rng(1)
x = data.normal(size=(62, 4))  # 49 to train on: with batch 8, one rank lacks the last
y = data.integers(0, 3, size=62)
weighting = {"sample_weight": data.uniform(0, 3, size=62),
             "class_weight": {0: 0.5, 2: 4.0}} if weighted else {}

np.random.seed(100 + rank)
model = nn.Sequential([nn.Dense(10, activation="tanh", input_shape=(4,)),
                       nn.Dense(3, activation="softmax")])
for p in model.parameters():
    p.data = np.random.normal(size=p.shape)
opt = (optim.SGD(lr=0.1, momentum=0.9) if optimizer_name == "sgd" else optim.Adam(lr=0.01))
model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
              jit_compile=captured)
np.random.seed(7)  # the shuffle order: rank 0's is used by every rank
history = model.fit(x, y, epochs=3, batch_size=global_batch, validation_split=0.2,
                    verbose=0, shuffle=shuffle, **weighting)
if captured:
    assert model._captured_update.captured >= 1, "fit's update was never replayed"
keys = sorted(history.history)
np.savez(f"{prefix}_{rank}.npz", *[p.data for p in model.parameters()],
         *[b for b in model.buffers() if b is not None],
         history=np.array([history.history[k] for k in keys], dtype=np.float64),
         keys=np.array(keys))
