"""GradientReducer: after backward, every rank holds the weighted mean of the ranks' gradients.

ChainerMN's packed allreduce with PyTorch DDP's buckets: the parameters, in reverse order (the
order backward reaches them), are packed into a few contiguous buffers of one dtype, at most
`bucket_cap_mb` each. A gradient hook on each parameter copies its gradient into its bucket as
soon as the engine has it; a bucket whose gradients are all in is sent at once with a
non-blocking Iallreduce, so communication overlaps whatever the engine still does. The last
hook waits for every bucket, divides, and hands each parameter its averaged gradient (the hook's
return value replaces the local gradient before it is accumulated into `.grad`).

When every rank runs on one machine, the buckets live in MPI-3 shared memory and each is
summed by all ranks together once backward is over (nn.distributed.shared_memory: faster than
MPI's Allreduce there, though it overlaps nothing).

Buckets are always started in the same order on every rank (bucket k only after bucket k-1),
as MPI requires of non-blocking collectives.

Weights: each rank's gradient counts `weight` times (default 1: the plain mean over ranks, as
DDP). Model.fit passes the rank's loss's denominator (its number of samples for a mean), so ranks
with unequal shards give exactly the gradient of the loss over the global batch; a
`total_weight` given is what the weighted sum is divided by (fit's 1 for summed losses sums
the gradients), whatever the weights' sum. The weights are summed in the same
allreduce (one extra element of the first bucket). When their sum is known beforehand
(`total_weight`: DDP's is the world size), no pass is spent scaling the sums after: MPI's
buckets are divided by it as they are packed (as PyTorch divides before its allreduce); the
shared-memory sum multiplies each rank's row by 1/R as it adds it (each rank its share, block
by block in cache: the same arithmetic, without a pass over every gradient), so packing
scales by R weight / total, exactly 1 with equal weights, which costs nothing.

gradient_as_bucket_view (PyTorch's option): the averages are handed out as views of the
bucket memory rather than copied out of it; the next backward writes into them.

Without it (PyTorch's default) each .grad is an array no later step writes while somebody
holds it. Copying the averages out of the bucket cost a pass over every gradient (0.6 ms
of a 10 ms step for the big MLP on two ranks), so in shared memory each bucket has a spare
row: a step that finds nobody holding the arrays the spare handed out last (counted by
reference, at the forward that arms it) packs and sums there and hands its slots out, as
bucket views do; otherwise it packs into the bucket and copies out into new memory. (A
loop that zeroes .grad only between forward and backward thus alternates.)

The hooks are final hooks (autograd.hooks.register_final_hook): they reduce what the user's
own gradient hooks made, whenever those were registered, as PyTorch's reducer runs after
tensor hooks. And they reduce only in a backward the owner announced (`arm()`: DDP's forward,
fit's step), until that reduction finishes: a backward through the bare module, or a second
backward through a retained graph, keeps its gradients local, as in PyTorch, instead of
entering a collective the other ranks never join.

A gradient already in `.grad` when the hook runs (accumulated under `no_sync()`, or the last
step's when nobody zeroed it) is folded into the reduction: every rank ends with the same .grad.

Parameters that get no gradient in a backward (a branch not taken, a head the loss ignores)
would leave their buckets waiting. `mark_unused` counts them as ready with a zero gradient
(plus what is already in their .grad), so the others' average is (g + 0) / R, as PyTorch.
DDP's find_unused_parameters names them after the forward (`expect_unused`) and they are
marked when backward's first hook runs (a forward without backward starts nothing, as
PyTorch); fit's `finish_step` marks those left after backward. With find_unused, each rank
also sends a used flag per parameter (more elements of bucket 0): a parameter no rank used
keeps its .grad untouched (None after zero_grad), as PyTorch.
"""
import functools
import sys
import time

import numpy as np

from autograd.backend import get_array_module, to_cpu
from autograd.engine import queue_callback
from autograd.grad_memory import offer_grad_memory, withdraw_grad_memory_in
from autograd.hooks import register_final_hook
from autograd.variable import wrap

from . import lockstep
from .group import group, import_mpi
from .shared_memory import SharedSum, usable


class _Bucket:
    """Host memory for the gradients of `params` (one dtype): `buffer`, this rank's, written by
    the hooks, holds the sums over ranks after `wait()` (MPI's in-place Iallreduce, or the
    shared-memory sum). as_view: the averages are handed out as views of it.

    spare (shared memory, without as_view): a second row beside the buffer. A step whose
    rank finds nobody holding the arrays its spare handed out last (no .grad, no kept
    gradient, no view of one: `choose`) packs and sums in the spare instead, and hands its
    slots out as the averages, with nothing to copy out: each .grad still an array of its
    own that no later step writes while somebody holds it. Otherwise the step packs into the
    buffer and copies the averages out into new memory."""

    def __init__(self, index, params, dtype, extra, world, MPI, shared, as_view, spare):
        self.index, self.params, self.world, self.mpi = index, params, world, MPI
        on_host = all(get_array_module(p.data) is np for p in params)
        self.as_view = as_view and on_host
        self.offsets = np.cumsum([0] + [p.data.size for p in params])
        size = int(self.offsets[-1]) + extra
        spare = bool(shared and spare and on_host and not self.as_view)
        self.shared = SharedSum(world, size, dtype, MPI, spare) if shared else None
        rows = ([np.empty(size, dtype)] if self.shared is None else
                [self.shared.mine_at(j) for j in range(1 + spare)])
        self.slot_rows = [[_own_array(row, self.offsets, i, p.shape)
                           if get_array_module(p.data) is np else None
                           for i, p in enumerate(params)] for row in rows]
        self.rows = rows
        self.use(0)
        if self.shared is not None:  # no gradient may be computed into freed memory, and
            # no .grad stay there
            self.shared.on_free += [functools.partial(withdraw_grad_memory_in, self.shared.block),
                                    self._move_grads_out]
        # outs, filled and request: set per step by GradientReducer._reset

    def use(self, j):
        """Pack and sum in row j (1: the spare) from now on."""
        self.buffer, self.slots, self.in_spare = self.rows[j], self.slot_rows[j], j == 1
        if self.shared is not None and not self.freed:  # (freed: the next step raises)
            self.shared.use(j)

    def choose(self):
        """Use the spare for the next step where nobody refers to the arrays it handed out
        (which the step overwrites), else the buffer. Call before gradients are offered
        their slots, with no outs of an earlier step left."""
        self.use(int(len(self.rows) > 1 and _only_listed(self.slot_rows[1])))

    @property
    def hands_out_slots(self):
        """Whether the averages are handed out as the slots themselves."""
        return self.as_view or self.in_spare

    def view(self, i):
        """Slot i of the buffer, in its parameter's shape."""
        return self.buffer[self.offsets[i]:self.offsets[i + 1]].reshape(self.params[i].shape)

    def out(self, i):
        """The array that will hold slot i's average: new memory, or the slot."""
        if not self.hands_out_slots:
            data = self.params[i].data
            return get_array_module(data).empty_like(data)
        return self.slots[i]

    def _move_grads_out(self):
        """Before the shared memory goes: a .grad that lives there gets a copy of its own."""
        for param in self.params:
            grad = param.grad
            if grad is not None and self.shared.holds(grad.data):
                grad.data = grad.data.copy()

    @property
    def scales_in_sum(self):
        """Whether its sum applies the 1/R of the average: the shared one does, in cache,
        cheaper than a pass over each gradient as it is packed, with the same arithmetic
        (see SharedSum.sum)."""
        return self.shared is not None

    @property
    def freed(self):
        """Whether its shared memory was freed (destroy_process_group)."""
        return self.shared is not None and self.shared.window is None

    def start(self):
        """Begin the sum (MPI: non-blocking; the shared-memory sum happens in wait)."""
        if self.shared is None:
            self.request = self.world.comm.Iallreduce(self.mpi.IN_PLACE, self.buffer,
                                                      op=self.mpi.SUM)

    def wait(self, what, scale):
        """Finish the sum; the shared one multiplies the gradients' sums by `scale` (and
        checks in first: nn.distributed.lockstep)."""
        if self.shared is None:
            self.world.wait(self.request, what)
        else:
            tag = lockstep.tag(self.world, "gradient averaging in shared memory",
                               self.buffer.size, self.buffer.dtype, self.index)
            self.shared.sum(what, tag, scale, int(self.offsets[-1]))

    def average(self, scale):
        """Fill the outs with the sums times `scale` (in place when they are views)."""
        if self.hands_out_slots:
            if scale != 1.0:
                self.buffer *= scale
            return
        for i, out in enumerate(self.outs):
            summed, xp = self.view(i), get_array_module(out.data)
            if xp is not np:
                out.data[...] = xp.asarray(summed * scale)
            elif scale == 1.0:
                np.copyto(out.data, summed)
            else:  # copy and scale in one pass
                np.multiply(summed, scale, out=out.data)


class GradientReducer:
    """Averages the gradients of `params` over the process group (see the module doc)."""

    def __init__(self, params, bucket_cap_mb=25.0, who="DistributedDataParallel",
                 find_unused=False, names=None, check_after_backward=False,
                 gradient_as_bucket_view=False, total_weight=None):
        self.who, self.find_unused = who, find_unused
        self.check_after_backward = check_after_backward  # DDP: see _after_backward
        self.names = names or {}  # id(param) -> its name, for errors
        self.world = group()
        self.params = [p for p in params if p.requires_grad]
        self._enabled = True
        self._armed = False  # a backward to reduce was announced (arm) and is not done
        self.weight = 1.0
        self.total_weight = total_weight  # the weights' sum over ranks, if known beforehand
        # whether total_weight is only the sum expected (fit: the samples, where a loss may
        # ignore labels), the division completed after the sum where the weights differ
        self.expected_total = False
        self.allreduce_seconds = 0.0  # time spent waiting for the reductions
        self.buckets, self._slots, self._handles, self._mpi = [], {}, [], None
        self._check_in = None  # (request, tags) of MPI's buckets' check-in, while posted
        if self.world.comm is not None:  # a world of one: nothing to average, no hooks
            extra = 1 + (len(self.params) if find_unused else 0)  # the weight, used flags
            self._mpi = import_mpi(who)
            self.buckets = _make_buckets(self.params[::-1], bucket_cap_mb * 2 ** 20, extra,
                                         self.world, self._mpi, gradient_as_bucket_view)
            self._slots = {id(param): (b, i) for b, bucket in enumerate(self.buckets)
                           for i, param in enumerate(bucket.params)}
            self._handles = [register_final_hook(p, self._hook(*self._slots[id(p)]))
                             for p in self.params]
        self._handle_of = {id(p): handle for p, handle in zip(self.params, self._handles)}
        self._positions = {id(param): k for k, param in enumerate(self.params)}
        self._reset()

    def remove(self):
        """Unregister the gradient hooks and withdraw the bucket memory offered."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._offer(False)

    def release(self):
        """Unregister the hooks and free shared bucket memory. Collective: only where every
        rank calls it at the same point (never while unwinding an error: the others may wait
        in a collective, and the job must abort instead); the reducer is not used after."""
        self.remove()
        for bucket in self.buckets:
            if bucket.shared is not None:
                bucket.shared.free()
        self.buckets = []

    @property
    def active(self):
        """Whether gradients are averaged now: several ranks, and not inside no_sync()."""
        return self.world.comm is not None and self.enabled

    @property
    def enabled(self):
        """False inside no_sync(): gradients stay local (and in memory of their own)."""
        return self._enabled

    @enabled.setter
    def enabled(self, on):
        self._enabled = bool(on)
        self._offer(self.active)

    def _offer(self, on):
        """Offer each parameter its bucket slot as the memory its next gradient is computed in
        (autograd.grad_memory: then there is nothing to copy into the bucket), or withdraw
        the offers. Only while the hooks are in place and the memory is not freed, and only
        where the reducer's hook runs first: an earlier hook of the user's would be handed
        the slot, which the reduction then overwrites."""
        for bucket in self.buckets:
            usable = on and not bucket.freed
            for param, slot in zip(bucket.params, bucket.slots):
                if slot is not None:
                    ours = (usable and self._handles and not param._watch.hooks
                            and self._handle_of[id(param)].runs_first())
                    offer_grad_memory(param, slot if ours else None)

    # ----- one step -----
    def arm(self):
        """The next backward's gradients are to be reduced (DDP's forward, fit's step)."""
        self._armed = self.active

    def _reset(self):
        self._ready, self._launched, self._done, self._check_queued = 0, 0, False, False
        self._unused = []  # (param, Variable for its average, saved .grad) of those unused
        self._expected_unused = []  # to mark when backward's first hook runs
        for bucket in self.buckets:
            bucket.filled, bucket.request = 0, None
            bucket.outs = [None] * len(bucket.params)
            bucket.choose()  # before the offers: they are its slots
        self._offer(self.active)

    def _hook(self, b, i):
        """The hook of the parameter at slot i of bucket b."""
        def reduce_gradient(grad):
            if not self.enabled or not self._armed:
                return None  # a backward nobody announced: its gradient stays local
            if grad.creator is not None:
                raise RuntimeError(f"{self.who}: backward with create_graph=True is not "
                                   "supported (the averaged gradient has no graph)")
            return self._take(b, i, grad.data)
        reduce_gradient.replayable = True  # Python a captured step's backward runs too
        return reduce_gradient

    def _take(self, b, i, grad):
        """Pack one gradient, start what is complete; returns the Variable that will hold the
        average (filled before backward hands it to `.grad`)."""
        if self.check_after_backward and not self._check_queued:
            queue_callback(self._after_backward)
            self._check_queued = True
        if self._expected_unused:
            expected, self._expected_unused = self._expected_unused, []
            self.mark_unused(expected)
        out = self._pack(b, i, grad)
        self.buckets[b].params[i].grad = None  # folded in; backward sets .grad to `out`
        self._advance()
        return out

    def expect_unused(self, params):
        """The forward did not reach `params`: mark them unused when backward starts (at
        once if it reached none: then no hook will run)."""
        if len(params) == len(self.params):
            self.mark_unused(params)
        else:
            self._expected_unused = list(params)

    def mark_unused(self, params):
        """Count `params` (which this step's backward will not reach) as ready now, with a
        zero gradient plus what their .grad holds; after the reduction each gets the average
        as its .grad, unless no rank used it (find_unused: then .grad stays as it was)."""
        if not params or not self.active:
            return
        for param in params:
            b, i = self._slots[id(param)]
            kept = param.grad  # a bucket view's values, restored if no rank uses it
            saved = kept.data.copy() if kept is not None and self.buckets[b].as_view else None
            self._unused.append((param, self._pack(b, i, None), saved))
            if self.find_unused:
                self._used_flags()[self._positions[id(param)]] = 0
        self._advance()

    def _pack(self, b, i, grad):
        """Write `grad` (None: zeros) plus the parameter's .grad, times the weight, into slot i
        of bucket b; returns the Variable that will receive the average."""
        if self._ready == 0:
            self._begin()
        bucket, param = self.buckets[b], self.buckets[b].params[i]
        if bucket.outs[i] is not None:
            raise RuntimeError(f"{self.who}: a parameter received two gradients in one "
                               "backward before the last reduction finished")
        view, factor = bucket.view(i), self._factor(bucket)
        offer_grad_memory(param, None)  # not taken: no later gradient may land in the slot
        earlier = None if param.grad is None else to_cpu(param.grad.data)
        if earlier is not None and np.may_share_memory(earlier, view):
            earlier = earlier.copy()  # the last average, a view of this very slot
        if grad is None:
            view[...] = 0
        elif grad is bucket.slots[i]:  # computed in the slot offered: scaled where it is
            if factor != 1.0:
                view *= factor
        elif factor == 1.0:
            np.copyto(view, to_cpu(grad))
        else:
            np.multiply(to_cpu(grad), factor, out=view)
        if earlier is not None:  # accumulated under no_sync, or never zeroed: fold it in
            view += earlier * factor
        bucket.outs[i] = wrap(bucket.out(i), False)
        bucket.filled += 1
        self._ready += 1
        return bucket.outs[i]

    def _advance(self):
        self._launch_ready()
        if self._ready == len(self.params):
            self._finish()

    def _begin(self):
        if any(b.shared is not None and b.shared.window is None for b in self.buckets):
            raise RuntimeError(f"{self.who}: its shared bucket memory was freed (by "
                               "destroy_process_group); wrap the model again")
        self.buckets[0].buffer[-1] = self.weight  # the weights are summed with bucket 0
        if self.buckets[0].shared is None:  # MPI's buckets: one check-in for the step, which
            # completes while backward goes on (shared memory's sums check in as they start)
            tag = lockstep.tag(self.world, "gradient averaging",
                               sum(b.buffer.size for b in self.buckets), None, len(self.buckets))
            self._check_in = lockstep.start(self.world, tag)
        if self.find_unused:
            self._used_flags()[...] = 1

    def _factor(self, bucket):
        """What this rank's gradients are multiplied by when packed into `bucket`: its weight,
        divided by the sum of the weights when that is known (then the sums need no scaling
        after). A bucket whose sum scales takes the 1/R of that division there
        (`_sum_scale`): its factor R weight / total is exactly 1 when the weights are equal,
        and packing then scales nothing."""
        if not self.total_weight:
            return self.weight
        if bucket.scales_in_sum:
            return self.weight * self.world.size / self.total_weight
        return self.weight / self.total_weight

    def _sum_scale(self, bucket):
        return 1.0 / self.world.size if bucket.scales_in_sum and self.total_weight else 1.0

    def _used_flags(self):
        """Bucket 0's elements that count, per parameter, the ranks that used it (this rank's
        flag before the reduction, their sum after)."""
        return self.buckets[0].buffer[-1 - len(self.params):-1]

    def _launch_ready(self):
        while self._launched < len(self.buckets):
            bucket = self.buckets[self._launched]
            if bucket.filled < len(bucket.params):
                return
            if self._check_in is not None:  # every rank in this step's averaging: send
                (request, tags), self._check_in = self._check_in, None
                self.world.wait(request, f"{self.who}'s gradient averaging")
                lockstep.check(tags)
            bucket.start()
            self._launched += 1

    def _finish(self):
        start = time.perf_counter()
        for bucket in self.buckets:
            bucket.wait(f"{self.who}'s gradient averaging", self._sum_scale(bucket))
        self.allreduce_seconds += time.perf_counter() - start
        # a total_weight divided the gradients as they were packed (fit's sum of losses
        # gives 1, not the weights' sum); without it, divide by the weights' sum (0: all 0)
        weights = float(self.buckets[0].buffer[-1])
        if not self.total_weight:
            scale = 1.0 / weights if weights else 1.0
        elif self.expected_total and weights and weights != self.total_weight:
            scale = self.total_weight / weights  # (packed over the expected sum)
        else:
            scale = 1.0
        for bucket in self.buckets:
            bucket.average(scale)
        used = self._used_flags() if self.find_unused else None
        for param, out, saved in self._unused:
            if used is None or used[self._positions[id(param)]] > 0:
                param.grad = out
            elif saved is not None:  # no rank used it: its .grad stays as it was (PyTorch)
                param.grad.data[...] = saved
        self._done, self._armed = True, False

    def finish_step(self):
        """End this step's reduction after backward, for a caller that knows backward is
        over (Model.fit): parameters that got no gradient on this rank (unused, or no
        backward at all on a rank whose shard of the batch was empty) count as zeros and
        receive the average of the others'. Does nothing when the step completed already."""
        if not self.active:
            return
        if not self._done:
            self.mark_unused([p for p in self.params if self._outs_of(p) is None])
        self._reset()

    def check_step_finished(self):
        """Raise if the last backward left some parameters without a gradient (the others
        are then waiting in an unfinished reduction); called before each forward."""
        if self._done:
            self._reset()
        if self._ready == 0:
            return
        names = [self.names.get(id(p)) or getattr(p, "name", None) or
                 f"parameter {k} (shape {p.shape})"
                 for k, p in enumerate(self.params) if self._outs_of(p) is None]
        self._reset()
        hint = ("they took part in the forward's outputs, so every output must take part in "
                "the loss" if self.find_unused else "pass find_unused_parameters=True when "
                "some parameters may take no part in the loss (a branch not taken), or freeze "
                "those that never do with requires_grad_(False) before wrapping the model")
        raise RuntimeError(f"{self.who}: the last backward gave no gradient to "
                           f"{len(names)} parameter(s) ({', '.join(names[:5])}"
                           f"{', ...' if len(names) > 5 else ''}); {hint}")

    def _after_backward(self):
        """The backward pass is over (queued by the first hook): a reduction still waiting
        means some parameters got no gradient, and the others' .grad would be unfinished
        buffers. Those are cleared and the error raised now, before an optimizer step could
        apply them."""
        self._check_queued = False
        if self._done or self._ready == 0:
            return
        for bucket in self.buckets:
            for param, out in zip(bucket.params, bucket.outs):
                if out is not None:
                    param.grad = None
        self.check_step_finished()

    def _outs_of(self, param):
        b, i = self._slots[id(param)]
        return self.buckets[b].outs[i]


def _make_buckets(params, cap_bytes, extra, world, MPI, as_view):
    """Consecutive params of one dtype, at most cap_bytes a bucket (a larger param alone);
    bucket 0 has `extra` more elements. Collective: their memory is shared between the ranks
    when all run on one node (nn.distributed.shared_memory)."""
    groups, current, size, total = [], [], 0, 8 * extra
    for param in params:
        nbytes = param.data.size * param.data.dtype.itemsize
        if current and (param.dtype != current[0].dtype or size + nbytes > cap_bytes):
            groups.append(current)
            current, size = [], 0
        current.append(param)
        size += nbytes
        total += nbytes
    if current:
        groups.append(current)
    shared = usable(world, MPI, total)
    spare = shared and not as_view and usable(world, MPI, 2 * total)  # room for two rows?
    return [_Bucket(k, g, np.dtype(g[0].dtype), extra if k == 0 else 0, world, MPI, shared,
                    as_view, spare)
            for k, g in enumerate(groups)]


def _own_array(row, offsets, i, shape):
    """Elements offsets[i]:offsets[i + 1] of `row` in `shape`, as an array over a memoryview
    of its own: the engine copies a gradient whose base array another leaf's gradient
    already uses, and slots never overlap. A view cut from the slot refers to the slot's
    base, the array over the memoryview (NumPy points a view at the first array up the chain
    that sits on a foreign buffer), which _only_listed counts too."""
    part = row[offsets[i]:offsets[i + 1]]
    return np.frombuffer(memoryview(part), part.dtype).reshape(shape)


def _references(arrays):
    """For each array of the list (None skipped): (references to it, to its base), as
    counted here, where the list and this loop hold it too."""
    return [(sys.getrefcount(array), sys.getrefcount(array.base))
            for array in arrays if array is not None]


# what _references counts for a slot that only its list refers to
_LISTED_ONLY = _references([_own_array(np.empty(1), (0, 1), 0, (1,))])[0]


def _only_listed(arrays):
    """Whether nothing but the list `arrays` refers to its arrays: no Variable, no kept
    array, no view of one (a view refers to the slot's base, not to the slot)."""
    return all(counts <= _LISTED_ONLY for counts in _references(arrays))


__all__ = ["GradientReducer"]
