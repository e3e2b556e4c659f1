"""DDP(find_unused_parameters=True) with a branch that only rank 1 takes, and only on some
steps, a head no rank ever uses, and a forward without backward before each step.

argv: output prefix. Rank r writes PREFIX_<r>.npz: the final parameters (p0, p1, ...) and
the branch weight's .grad after each step's backward (grad_<step>; absent when None).
Run plainly (a world of one), the same program plays both ranks' halves of every batch in
one process: the loss is the mean of the two halves' losses, each half with its rank's
branch choice, so its gradients are the average DDP must give.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import nn.functional as F
import optim
from autograd import Variable

prefix = sys.argv[1]
dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()
STEPS, RANKS, BATCH = 6, 2, 5


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk, self.branch = nn.Linear(4, 3), nn.Linear(3, 3)
        self.head, self.spare = nn.Linear(3, 2), nn.Linear(3, 2)  # spare: never used

    def forward(self, x, take_branch):
        h = F.tanh(self.trunk(x))
        if take_branch:
            h = h + self.branch(h)
        return self.head(h)


def takes_branch(r, step):
    return r == 1 and step % 3 != 0  # steps 0 and 3: no rank takes it


data = np.random.default_rng(0)
x = data.normal(size=(STEPS, RANKS, BATCH, 4))
y = data.normal(size=(STEPS, RANKS, BATCH, 2))
np.random.seed(100 + rank)  # different starting weights: DDP copies rank 0's
model = Branchy()
for k, p in enumerate(model.parameters()):
    p.data = np.random.default_rng(k).normal(size=p.shape) if rank == 0 else \
        np.random.normal(size=p.shape)
ddp = dist.DistributedDataParallel(model, find_unused_parameters=True, bucket_cap_mb=1e-4)
opt = optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
mine = [rank] if world == RANKS else list(range(RANKS))  # the halves this process computes
grads = {}
for step in range(STEPS):
    ddp(Variable(x[step, mine[0]]), True)  # a forward without backward (grad on) starts nothing
    opt.zero_grad()
    losses = [((ddp(Variable(x[step, r]), takes_branch(r, step)) - y[step, r]) ** 2).mean()
              for r in mine]
    (sum(losses[1:], losses[0]) / len(losses)).backward()
    if model.branch.weight.grad is not None:
        grads[f"grad_{step}"] = model.branch.weight.grad.data.copy()
    assert model.spare.weight.grad is None, "an unused parameter got a gradient"
    opt.step()
params = {f"p{k}": p.data for k, p in enumerate(model.parameters())}
np.savez(f"{prefix}_{rank}.npz", **params, **grads)
print(f"rank {rank} of {world}: branch gradient at steps {sorted(grads)}")
