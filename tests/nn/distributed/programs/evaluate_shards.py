"""evaluate on a DataLoader carrying a DistributedSampler: every rank scores its shard, and
the loss and metrics must be those of the whole data, not the shard's: those of one process
evaluating the global batches, which (shuffle=False: rank r takes samples r, r + 2, ...)
are the arrays' batches of 2 x 5. A class-weighted loss makes the shards' losses weigh by
their class weights' sums. predict, in turn, gives a DataLoader's rank its own shard's
outputs and arrays every rank whole (docs/distributed.md). Prints 'ok evaluate' on each rank
where that holds."""
import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.data import DataLoader, TensorDataset

rank = dist.get_rank()
data = np.random.default_rng(0)
x = data.normal(size=(24, 4))
y = (x @ data.normal(size=4) > 0).astype(np.int64)
y[:3] = 1  # rank 0's shard starts with the light class
model = nn.Sequential([nn.Dense(8, input_shape=(4,), activation="relu"), nn.Dense(2)])
model(x[:1])
init = np.random.default_rng(7)  # the same weights on every rank: no fit copies them here
for p in model.parameters():
    p.data = init.normal(size=p.shape)
model.compile(optimizer=optim.SGD(lr=0.1), metrics=["accuracy"],
              loss=nn.CrossEntropyLoss(weight=np.array([4.0, 1.0])))
dataset = TensorDataset(x, y)
whole = model.evaluate(x, y, batch_size=10)
shards = model.evaluate(DataLoader(dataset, batch_size=5, sampler=dist.DistributedSampler(
    dataset, shuffle=False)))
np.testing.assert_allclose(shards, whole, rtol=0, atol=1e-12)
outputs = model.predict(x, verbose=0)
np.testing.assert_array_equal(model.predict(DataLoader(dataset, batch_size=5, sampler=(
    dist.DistributedSampler(dataset, shuffle=False))), verbose=0), outputs[rank::2])
assert outputs.shape == (24, 2)
print("ok evaluate", shards)
