"""Rank 1 fails before the process group exists (the Keras way makes it inside fit), while
rank 0 waits in fit: argv 'raise' (an uncaught exception while loading data) or 'exit' (
sys.exit(3)). The job must end with rank 1's error or status, never hang."""
import os
import sys

import numpy as np

import nn
import optim

if os.environ.get("PMI_RANK") == "1":  # MPICH's Hydra names each rank
    if sys.argv[1] == "raise":
        raise FileNotFoundError("shard-1.npz: no such file (rank 1, loading its data)")
    sys.exit(3)
x = np.random.default_rng(0).normal(size=(32, 4))
y = (x[:, 0] > 0).astype(np.int64)
model = nn.Sequential([nn.Dense(4, activation="relu", input_shape=(4,)), nn.Dense(2)])
model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=1, batch_size=8, verbose=0)
print("finished", flush=True)
