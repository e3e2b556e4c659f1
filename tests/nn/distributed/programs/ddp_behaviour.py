"""DDP's edges on 2 ranks; prints one 'ok <name>' line per check that held.

- no_sync: two local backward passes, then a synced one: every rank holds the mean over
  ranks of its summed gradients (PyTorch's gradient accumulation).
- bucket_view: with gradient_as_bucket_view, .grad is a view of the bucket memory, and two
  synced backward passes without zero_grad accumulate as without it: mean(g1) + mean(g2).
- held: without bucket views, a gradient kept from one step (the Variable, its array, or a
  view of it) is not written by the next steps, whose .grad are the averages; where nothing
  is kept the sums go straight into the arrays handed out (the shared-memory spare).
- buffers: BatchNorm's running statistics are rank 0's after construction and each forward.
- tied: with gradients computed in the bucket memory, a weight used twice in one backward
  still gets both contributions.
- huge: gradients whose sum overflows float32 but whose mean does not average to that mean.
- an unused parameter: backward raises as it ends, naming it, instead of hanging, and
  leaves no unfinished gradient in .grad.
- late_hook: a hook added after wrapping sees the local gradient; .grad is the mean of the
  hooked gradients.
- destroy: destroy_process_group frees the shared memory; each .grad that lived there keeps
  its values in memory of its own; a forward after it raises.
- local: a backward through the bare module, or a second one through a retained graph,
  stays local; wrapping the module again works.
"""
import numpy as np

import nn
import nn.distributed as dist
from autograd import Variable

rank, world = dist.get_rank(), dist.get_world_size()
np.random.seed(rank)
x = [np.random.default_rng(10 * r + k).normal(size=(4, 3)) for r in range(2) for k in range(3)]


def linear64(state=None):
    """A float64 Linear(3, 2), with `state`'s weights if given."""
    model = nn.Linear(3, 2)
    if state is not None:
        model.load_state_dict(state)
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


def mean_over_ranks_of_summed_grads(state, steps):
    """What every rank must hold: the mean over ranks of each rank's gradients summed over
    its first `steps` batches, from one process."""
    per_rank = []
    for r in range(2):
        ref = linear64(state)
        for k in range(steps):
            (ref(Variable(x[3 * r + k])) ** 2).sum().backward()
        per_rank.append([p.grad.data for p in ref.parameters()])
    return [(a + b) / 2 for a, b in zip(*per_rank)]


def mean_over_ranks_of_grads_at(state, k):
    """The mean over ranks of each rank's gradients on its batch k."""
    per_rank = []
    for r in range(2):
        ref = linear64(state)
        (ref(Variable(x[3 * r + k])) ** 2).sum().backward()
        per_rank.append([p.grad.data for p in ref.parameters()])
    return [(a + b) / 2 for a, b in zip(*per_rank)]


# no_sync accumulation
model = linear64()
ddp = dist.DistributedDataParallel(model)
with ddp.no_sync():
    for k in range(2):
        (ddp(Variable(x[3 * rank + k])) ** 2).sum().backward()
(ddp(Variable(x[3 * rank + 2])) ** 2).sum().backward()
for got, want in zip(model.parameters(), mean_over_ranks_of_summed_grads(model.state_dict(), 3)):
    np.testing.assert_allclose(got.grad.data, want, atol=1e-12)
print("ok no_sync")

# gradient_as_bucket_view: the same gradients, in the bucket's memory, accumulating
grads = {}
for as_view in (False, True):
    model = linear64()  # DDP copies rank 0's weights: both models start alike
    ddp = dist.DistributedDataParallel(model, gradient_as_bucket_view=as_view)
    for k in range(2):  # no zero_grad between: the second adds to the first's average
        (ddp(Variable(x[3 * rank + k])) ** 2).sum().backward()
    grads[as_view] = [p.grad.data.copy() for p in model.parameters()]
    memory = ddp.reducer.buckets[0].buffer
    assert all(np.shares_memory(p.grad.data, memory) == as_view for p in model.parameters())
    want = mean_over_ranks_of_summed_grads(model.state_dict(), 2)
    for got, expected in zip(grads[as_view], want):
        np.testing.assert_allclose(got, expected, atol=1e-12)
print("ok bucket_view")

# the default mode: a .grad kept from the last step stays as it was, whichever way it is
# kept: the Variable, its array, or only a view of the array
KEPT = {"variable": lambda m: m.weight.grad, "array": lambda m: m.weight.grad.data,
        "view": lambda m: m.bias.grad.data[1:]}
for kind, keep in KEPT.items():
    model = linear64()
    ddp = dist.DistributedDataParallel(model)
    spare = ddp.reducer.buckets[0].shared is not None  # the MPI transport copies out, always
    for k in range(4):  # step 0's gradient kept over steps 1 and 2, dropped before step 3
        model.zero_grad()
        (ddp(Variable(x[3 * rank + k % 3])) ** 2).sum().backward()
        # where nothing kept its arrays, the spare holds the sums and is handed out
        assert ddp.reducer.buckets[0].in_spare == (spare and k in (0, 3)), (kind, k)
        want = mean_over_ranks_of_grads_at(model.state_dict(), k % 3)
        for got, expected in zip(model.parameters(), want):
            np.testing.assert_allclose(got.grad.data, expected, atol=1e-12)
        if k == 0:
            kept = keep(model)
            value = np.array(kept.data if kind == "variable" else kept)
        elif k < 3:
            held = kept.data if kind == "variable" else kept
            np.testing.assert_array_equal(held, value, err_msg=kind)
            assert not any(np.shares_memory(held, p.grad.data) for p in model.parameters())
            del held
        if k == 2:
            del kept
print("ok held")

# gradients computed straight into the bucket memory (autograd.grad_memory): a weight used
# twice in one backward still gets both contributions; no_sync withdraws the offers
from autograd import grad_memory  # noqa: E402


def tied_loss(model, v):
    return (model(nn.functional.tanh(model(v))) ** 2).sum()


def linear3(state=None):
    """A float64 Linear(3, 3) (applied twice by tied_loss), with `state`'s weights if given."""
    model = nn.Linear(3, 3)
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    if state is not None:
        model.load_state_dict(state)
    return model


for as_view in (False, True):
    model = linear3()
    ddp = dist.DistributedDataParallel(model, gradient_as_bucket_view=as_view)
    assert grad_memory.any_grad_memory_offered()
    with ddp.no_sync():
        assert not grad_memory.any_grad_memory_offered()
    per_rank = []
    for r in range(2):
        ref = linear3(model.state_dict())
        tied_loss(ref, Variable(x[3 * r])).backward()
        per_rank.append([p.grad.data for p in ref.parameters()])
    tied_loss(ddp, Variable(x[3 * rank])).backward()
    for got, a, b in zip(model.parameters(), *per_rank):
        np.testing.assert_allclose(got.grad.data, (a + b) / 2, atol=1e-12)

# a hook the user put on a parameter before wrapping keeps this rank's own gradient: the
# parameter is not offered its bucket slot, which the reduction overwrites
kept = []
model = linear3()
model.weight.register_hook(lambda g: kept.append(g.data))
ddp = dist.DistributedDataParallel(model)
local = linear3(model.state_dict())  # rank 0's weights, as DDP gave the model
(local(Variable(x[3 * rank])) ** 2).sum().backward()  # the weight used once
(ddp(Variable(x[3 * rank])) ** 2).sum().backward()
np.testing.assert_array_equal(kept[-1], local.weight.grad.data)
ddp.reducer.remove()  # hooks gone: nothing is offered any more, even after a forward
tied_loss(ddp, Variable(x[3 * rank]))
assert not grad_memory.any_grad_memory_offered()
print("ok tied")

# buffers follow rank 0
net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
net[1].running_mean[...] = rank + 1.0
ddp = dist.DistributedDataParallel(net)
assert np.all(net[1].running_mean == 1.0)
ddp(Variable(x[rank].astype(np.float32)))  # each rank's own batch: its own statistics
ddp(Variable(x[rank].astype(np.float32)))  # ... replaced by rank 0's before this forward
gathered = dist.all_gather_rows(net[1].running_mean[None])
assert not np.array_equal(gathered[0], gathered[1])  # the last update is per rank
print("ok buffers")


# an unused parameter
class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.used, self.unused = nn.Linear(3, 1), nn.Linear(3, 1)

    def forward(self, v):
        return self.used(v)


ddp = dist.DistributedDataParallel(TwoHeads())
try:
    ddp(Variable(x[rank].astype(np.float32))).sum().backward()
except RuntimeError as exc:  # raised as backward ends, before a step could apply anything
    assert "unused.weight" in str(exc) and "no gradient" in str(exc), exc
    assert "pass find_unused_parameters=True" in str(exc), exc
    assert ddp.module.used.weight.grad is None  # no unfinished bucket memory left in .grad
    ddp(Variable(x[rank].astype(np.float32)))  # the failed step is forgotten
    print("ok unused")

# huge gradients: every rank's is divided by the world size before it is summed (also where
# the shared-memory sum does the dividing), so their mean stays finite where it is finite
scale = nn.Linear(3, 1, bias=False)  # float32
ddp = dist.DistributedDataParallel(scale)
ddp(Variable(np.full((1, 3), 3e38, np.float32))).sum().backward()
assert np.all(scale.weight.grad.data == np.float32(3e38)), scale.weight.grad.data
print("ok huge")

# a hook added after wrapping runs on this rank's own gradient, before the averaging (PyTorch:
# the reducer runs after tensor hooks): .grad is the mean over ranks of the hooked gradients
def clipped(g):
    return Variable(np.clip(g.data, -0.5, 0.5))


for as_view in (False, True):
    model = linear64()
    ddp = dist.DistributedDataParallel(model, gradient_as_bucket_view=as_view)
    model.weight.register_hook(clipped)
    per_rank = []
    for r in range(2):
        ref = linear64(model.state_dict())
        ref.weight.register_hook(clipped)
        (ref(Variable(x[3 * r])) ** 2).sum().backward()
        per_rank.append(ref.weight.grad.data)
    (ddp(Variable(x[3 * rank])) ** 2).sum().backward()
    np.testing.assert_allclose(model.weight.grad.data, (per_rank[0] + per_rank[1]) / 2,
                               atol=1e-12)
print("ok late_hook")

# a backward DDP's forward did not announce keeps its gradients local (PyTorch): through the
# bare module on one rank only, or a second one through a retained graph; wrapping again
# leaves the first wrapper's hooks behind
model = linear64()
ddp = dist.DistributedDataParallel(model)
(ddp(Variable(x[3 * rank])) ** 2).sum().backward()
averaged = model.weight.grad.data.copy()
if rank == 0:  # rank 1 goes straight on: no collective may be entered here
    model.zero_grad()
    (model(Variable(x[0])) ** 2).sum().backward()
    local = linear64(model.state_dict())
    (local(Variable(x[0])) ** 2).sum().backward()
    np.testing.assert_array_equal(model.weight.grad.data, local.weight.grad.data)
dist.barrier()
model.zero_grad()
loss = (ddp(Variable(x[3 * rank])) ** 2).sum()
loss.backward(retain_graph=True)
np.testing.assert_allclose(model.weight.grad.data, averaged, atol=1e-12)
loss.backward()  # local: the average plus this rank's own gradient
local = linear64(model.state_dict())
(local(Variable(x[3 * rank])) ** 2).sum().backward()
np.testing.assert_allclose(model.weight.grad.data, averaged + local.weight.grad.data,
                           atol=1e-12)
again = dist.DistributedDataParallel(model)
model.zero_grad()
(again(Variable(x[3 * rank])) ** 2).sum().backward()
np.testing.assert_allclose(model.weight.grad.data, averaged, atol=1e-12)
print("ok local")

# destroy_process_group frees the shared bucket memory; a wrapper left over says so
from nn.distributed import shared_memory  # noqa: E402

ddp = dist.DistributedDataParallel(nn.Linear(3, 1))
shared = any(bucket.shared is not None for bucket in ddp.reducer.buckets)
ddp(Variable(x[rank].astype(np.float32))).sum().backward()  # a whole step, then destroy
averaged = [p.grad.data.copy() for p in ddp.parameters()]
dist.destroy_process_group()
assert not shared_memory._live
for p, value in zip(ddp.parameters(), averaged):  # a .grad in the freed memory was moved
    np.testing.assert_array_equal(p.grad.data, value)
if shared:
    try:  # the forward must not offer the freed memory again: backward would write there
        ddp(Variable(x[rank].astype(np.float32))).sum().backward()
    except RuntimeError as exc:
        assert "was freed" in str(exc), exc
        print("ok destroy")
else:  # the MPI transport holds no memory of the group's
    print("ok destroy")
