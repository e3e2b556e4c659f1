"""fit of a model with weight constraints (MaxNorm, NonNeg), projected after each step on
every rank. argv: the global batch size (1: one rank's piece of each batch is empty), the
output prefix; writes PREFIX_<rank>.npz, the final parameters."""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.keras import constraints

data = np.random.default_rng(1)
x, y = data.normal(size=(9, 4)), data.normal(size=(9, 2))
np.random.seed(100 + dist.get_rank())  # the ranks build different weights: rank 0's win
model = nn.Sequential([nn.Dense(6, activation="tanh", dtype=np.float64,
                                kernel_constraint=constraints.MaxNorm(0.3),
                                bias_constraint="non_neg"),
                       nn.Dense(2, dtype=np.float64)])
model.compile(optimizer=optim.SGD(lr=0.1, momentum=0.9), loss="mse")
model.fit(x, y, epochs=2, batch_size=int(sys.argv[1]), shuffle=False, verbose=0)
np.savez(f"{sys.argv[2]}_{dist.get_rank()}.npz", *[p.data for p in model.parameters()])
