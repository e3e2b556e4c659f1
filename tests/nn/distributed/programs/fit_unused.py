"""fit a subclassed model with a layer its forward never uses, with SGD's weight decay.

argv: output prefix (each rank writes PREFIX_<rank>.npz: final parameters and whether the
unused layer's .grad is None). One process gives that layer no gradient, so the optimizer
skips it (weight decay included); fit on several ranks must too.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.keras import layers as L


class Net(nn.Model):
    def __init__(self):
        super().__init__()
        self.used, self.unused = L.Dense(1), L.Dense(1)  # (a head kept for later)

    def forward(self, x):
        return self.used(x)


rank = dist.get_rank()
data = np.random.default_rng(0)
x, y = data.normal(size=(15, 3)), data.normal(size=(15, 1))
model = Net()
model(x[:1])
model.unused(x[:1])
init = np.random.default_rng(100 + rank)  # ranks start apart: fit copies rank 0's
for p in model.parameters():
    p.data = init.normal(size=p.shape)
model.compile(optimizer=optim.SGD(lr=0.1, weight_decay=0.1), loss="mse")
model.fit(x, y, epochs=2, batch_size=7, shuffle=False, verbose=0)
np.savez(f"{sys.argv[1]}_{rank}.npz", *[p.data for p in model.parameters()],
         unused_grad_none=np.array([p.grad is None for p in model.unused.parameters()]))
