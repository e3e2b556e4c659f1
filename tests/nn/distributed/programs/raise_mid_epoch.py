"""Rank 1 raises in the middle of fit's first epoch; rank 0 goes on into the next gradient
averaging, where it would wait forever if the job were not aborted."""
import numpy as np

import nn
import nn.distributed as dist


class Boom(nn.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 2 and dist.get_rank() == 1:
            raise RuntimeError("boom: rank 1 failed at batch 2")


x = np.random.default_rng(0).normal(size=(64, 3))
y = x.sum(axis=1, keepdims=True)
model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=50, batch_size=8, verbose=0, callbacks=[Boom()])
print("rank", dist.get_rank(), "finished: the failure did not stop the job")
