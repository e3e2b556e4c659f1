"""A callback that runs on rank 0 only (rank_zero_only, as ModelCheckpoint) stops fit after
its first epoch: every rank must stop there too. argv: an output prefix; each rank writes
its number of epochs to PREFIX_<rank>.txt (ranks' prints would interleave)."""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.training.callbacks import Callback


class StopAfterOneEpoch(Callback):
    rank_zero_only = True

    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


data = np.random.default_rng(1)
x, y = data.normal(size=(40, 4)), data.integers(0, 3, size=40)
model = nn.Sequential([nn.Dense(6, activation="tanh", input_shape=(4,)), nn.Dense(3)])
model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy")
history = model.fit(x, y, epochs=5, batch_size=8, verbose=0, callbacks=[StopAfterOneEpoch()])
with open(f"{sys.argv[1]}_{dist.get_rank()}.txt", "w") as out:
    out.write(str(len(history.history["loss"])))
