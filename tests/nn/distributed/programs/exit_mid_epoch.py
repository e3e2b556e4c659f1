"""Rank 1 calls sys.exit(3) in the middle of an epoch, which no excepthook sees; rank 0 goes
on into the next collective, where it would wait forever if the job were not ended.

argv: 'ddp' (a DDP loop: rank 0 waits in all_reduce of the batch loss), 'fit' (a callback
exits; rank 0 waits in fit's next gradient averaging) or 'fit_end' (a callback exits as
training ends; rank 0 waits as fit frees its shared memory, a collective).
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import optim
from autograd import Variable

how = sys.argv[1]
dist.init_process_group()
rank = dist.get_rank()
x = np.random.default_rng(0).normal(size=(64, 3))
y = x.sum(axis=1, keepdims=True)


def ddp_loop():
    model = dist.DistributedDataParallel(nn.Linear(3, 1))
    opt = optim.SGD(model.parameters(), lr=0.01)
    for batch in range(8):
        opt.zero_grad()
        xb, yb = Variable(x[8 * batch:8 * batch + 8]), y[8 * batch:8 * batch + 8]
        loss = ((model(xb) - yb) ** 2).mean()
        loss.backward()
        opt.step()
        if batch == 2 and rank == 1:
            sys.exit(3)
        dist.all_reduce(loss.data.reshape(1).copy(), "avg")  # the loss to log


class Exit(nn.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 2 and rank == 1 and how == "fit":
            sys.exit(3)

    def on_train_end(self, logs=None):
        if rank == 1 and how == "fit_end":
            sys.exit(3)


def fit():
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=50 if how == "fit" else 1, batch_size=8, verbose=0,
              callbacks=[Exit()])


ddp_loop() if how == "ddp" else fit()
print("rank", rank, "finished: the early exit did not stop the job")
