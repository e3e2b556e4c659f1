"""fit with a global batch of 1 on 2 ranks: one rank's piece of every batch is empty.

argv: 'lazy' (lazily sized layers, no metrics: built from the batch's shapes on the empty
rank too; writes PREFIX_<rank>.npz, the final parameters) or 'metrics' (metrics need every
rank to score something: a clear error naming the batch size). argv[2]: the output prefix.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim

data = np.random.default_rng(1)
x, y = data.normal(size=(9, 4)), data.integers(0, 3, size=9)
np.random.seed(100 + dist.get_rank())  # the ranks build different weights: rank 0's win
model = nn.Sequential([nn.Dense(6, activation="tanh", dtype=np.float64),
                       nn.Dense(3, dtype=np.float64)])
model.compile(optimizer=optim.SGD(lr=0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"] if sys.argv[1] == "metrics" else None)
model.fit(x, y, epochs=2, batch_size=1, shuffle=False, verbose=0)
np.savez(f"{sys.argv[2]}_{dist.get_rank()}.npz", *[p.data for p in model.parameters()])
