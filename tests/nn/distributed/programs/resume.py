"""Checkpoint on some ranks, resume on others (Keras' way, float64, plain SGD: no optimizer
state, so the weights file is the whole state).

argv: 'first' CHECKPOINT: train 2 epochs from random weights, rank 0 writing CHECKPOINT at
each epoch's end (ModelCheckpoint). 'resume' CHECKPOINT PREFIX: load CHECKPOINT on every
rank, train 1 more epoch, each rank writes PREFIX_<rank>.npz with its parameters.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim

phase, checkpoint = sys.argv[1], sys.argv[2]
rank = dist.get_rank()
data = np.random.default_rng(3)
x, y = data.normal(size=(40, 4)), data.integers(0, 2, size=40)
np.random.seed(100 + rank)
model = nn.Sequential([nn.Dense(6, activation="relu", input_shape=(4,)),
                       nn.Dense(2, activation="softmax")])
for p in model.parameters():
    p.data = np.random.normal(size=p.shape)
model.compile(optimizer=optim.SGD(lr=0.05), loss="sparse_categorical_crossentropy")
if phase == "first":
    np.random.seed(7)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0,
              callbacks=[nn.callbacks.ModelCheckpoint(checkpoint)])
else:
    model.load_weights(checkpoint)
    np.random.seed(8)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    np.savez(f"{sys.argv[3]}_{rank}.npz", *[p.data for p in model.parameters()])
