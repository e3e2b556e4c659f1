"""DistributedDataParallel: PyTorch's wrapper for data-parallel training over the group.

    nn.distributed.init_process_group()
    model = nn.distributed.DistributedDataParallel(Net())   # rank 0's weights everywhere
    for x, y in loader:                                     # a DistributedSampler's shard
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()                     # .grad: the mean over ranks
        optimizer.step()                                    # the same step on every rank
"""
import contextlib
import weakref

from autograd.capture import CaptureError, capturing, run_replayed
from autograd.config import is_grad_enabled
from autograd.variable import Variable, is_uninitialized
from autograd.walk import functions_behind

from ..module import Module
from .agreement import check_ranks_agree
from .collectives import broadcast_arrays
from .group import group, world_only
from .reducer import GradientReducer


class DistributedDataParallel(Module):
    """Wraps `module` so that after each backward every rank holds the average gradient.

    At construction rank 0's parameters and buffers are copied to every rank (ranks may start
    from different weights); with broadcast_buffers, buffers (BatchNorm's running statistics)
    are copied from rank 0 again before each training forward, as PyTorch. Gradients are
    averaged in buckets of at most `bucket_cap_mb` (see nn.distributed.reducer).

    Every parameter must receive a gradient in every backward, unless
    find_unused_parameters=True: then, after each forward that records a graph, the graph
    behind the outputs is walked (a cost per step) and the parameters it does not reach count
    as zero gradients, so a branch not taken on some ranks or steps stalls nothing; as in
    PyTorch, a parameter used on some ranks gets the average over all ranks (the others adding
    0) and one no rank used keeps its .grad (None after zero_grad). Without it, a parameter
    left without a gradient makes the backward raise as it ends, naming it. In a world of one this
    is a plain wrapper.

    gradient_as_bucket_view=True (PyTorch's option): each `.grad` is a view of the bucket
    memory the reduction works in, which saves a copy of every gradient per step and the
    memory of a second copy; as in PyTorch, the next backward then writes into the arrays
    the last one handed out, so keep a gradient with `.grad.data.copy()`, not a reference.
    (CuPy parameters always get gradients of their own: buckets are host memory.) Without
    it each `.grad` is an array of its own that no later step overwrites while you hold it.

    state_dict() keys carry the `module.` prefix, as PyTorch's; load_state_dict takes them
    with or without it, and `self.module.state_dict()` (or
    `consume_prefix_in_state_dict_if_present`) gives the bare module's keys.

    PyTorch's signature, so that ported code runs: device_ids and output_device (one device
    per process: the module's parameters are where it runs), dim, process_group (the world,
    the one group), check_reduction and static_graph (a graph alike at every step: nothing
    to plan here) are accepted; init_sync=False (skipping the copy of rank 0's weights) is
    refused, as ranks would then train apart.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None,
                 bucket_cap_mb=25.0, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected an nn.Module, got "
                            f"{type(module).__name__}")
        world_only(process_group, "DistributedDataParallel")
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError(f"DistributedDataParallel: one device per process, got "
                             f"device_ids={list(device_ids)}")
        if not init_sync:
            raise ValueError("DistributedDataParallel: init_sync=False is not supported (rank "
                             "0's weights are always copied to every rank)")
        bucket_cap_mb = 25.0 if bucket_cap_mb is None else bucket_cap_mb
        unbuilt = [name for name, p in module.named_parameters() if is_uninitialized(p)]
        if unbuilt:
            raise ValueError(f"DistributedDataParallel: parameters {', '.join(unbuilt)} are "
                             "not built yet (a lazily sized layer); run the module once on "
                             "an example batch before wrapping it")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = bool(find_unused_parameters)
        sync_module_states(module, "DistributedDataParallel", {
            "broadcast_buffers": bool(broadcast_buffers), "bucket_cap_mb": float(bucket_cap_mb),
            "find_unused_parameters": self.find_unused_parameters,
            "gradient_as_bucket_view": bool(gradient_as_bucket_view)})
        earlier = _reducers.get(module)
        if earlier is not None:  # wrapped again: the earlier wrapper's hooks and shared
            earlier.release()  # memory go (every rank wraps here, as release needs)
        object.__setattr__(self, "reducer", GradientReducer(
            module.parameters(), bucket_cap_mb=bucket_cap_mb,
            find_unused=self.find_unused_parameters,
            names={id(p): name for name, p in module.named_parameters()},
            check_after_backward=True, gradient_as_bucket_view=gradient_as_bucket_view,
            total_weight=float(group().size)))  # every rank's gradient counts once
        _reducers[module] = self.reducer

    def forward(self, *args, **kwargs):
        # (replayable calls: a captured training step repeats them, and the averaging runs
        # in its backward's final hooks as in the engine's)
        run_replayed(self._before_forward)
        outputs = self.module(*args, **kwargs)
        if is_grad_enabled():  # its backward averages (PyTorch's prepare_for_backward)
            run_replayed(self.reducer.arm)
            if self.find_unused_parameters and self.reducer.active:
                if capturing():
                    raise CaptureError("DistributedDataParallel(find_unused_parameters=True) "
                                       "walks each forward's graph, which a replay does not "
                                       "make: train it without capture")
                self.reducer.expect_unused(unused_parameters(self.reducer.params, outputs))
        return outputs

    def _before_forward(self):
        """A step's start: the last one finished, rank 0's buffers everywhere (training)."""
        self.reducer.check_step_finished()
        if self.broadcast_buffers and self.training and group().comm is not None:
            broadcast_arrays(list(self.module.buffers()), src=0)

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside accumulate gradients locally, without communication; the
        first backward after it averages the accumulated gradients (PyTorch's no_sync). A
        captured step may be called inside it, not enter it: its replays would not."""
        if capturing():
            raise CaptureError("DistributedDataParallel.no_sync inside a captured step: a "
                               "replay would average anyway; call the captured step inside "
                               "`with ddp.no_sync():` instead")
        self.reducer.enabled = False
        try:
            yield
        finally:
            self.reducer.enabled = True

    def load_state_dict(self, state_dict, strict=True):
        """Load keys with the `module.` prefix (as state_dict gives) or without it."""
        if state_dict and not any(key.startswith("module.") for key in state_dict):
            return self.module.load_state_dict(state_dict, strict=strict)
        return super().load_state_dict(state_dict, strict=strict)

    def extra_repr(self):
        world = group()
        return f"world_size={world.size}, buckets={len(self.reducer.buckets)}"


_reducers = weakref.WeakKeyDictionary()  # module -> the reducer of its latest wrapper


def consume_prefix_in_state_dict_if_present(state_dict, prefix="module."):
    """Strip `prefix` from the keys that have it, in place (PyTorch's helper): a DDP
    checkpoint becomes loadable into the bare module."""
    for key in list(state_dict):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    return state_dict


def unused_parameters(params, outputs):
    """The `params` that no Function behind the Variables in `outputs` takes as input."""
    outputs = list(_variables_in(outputs))
    reached = {id(y) for y in outputs}  # an output may be a parameter itself
    reached.update(id(x) for func in functions_behind(outputs) for x in func.inputs)
    return [p for p in params if id(p) not in reached]


def _variables_in(outputs):
    """The Variables in a forward's result: one, or nested in tuples, lists and dicts."""
    if isinstance(outputs, Variable):
        yield outputs
    elif isinstance(outputs, (list, tuple)):
        for item in outputs:
            yield from _variables_in(item)
    elif isinstance(outputs, dict):
        for item in outputs.values():
            yield from _variables_in(item)


def sync_module_states(module, who, options=None):
    """Copy rank 0's parameters and buffers to every rank, after checking that every rank
    has the same names, shapes, dtypes and frozen parameters, and the same `options` (a
    mismatch would corrupt the broadcast, read one rank's (6, 4) weight as another's (4, 6)
    when only the sizes were compared, or shift the gradient buckets of one rank against
    the others': a parameter frozen on one rank only, find_unused_parameters there only)."""
    world = group()
    if world.comm is None:
        return
    named = [(name, p.data, p.requires_grad) for name, p in module.named_parameters()]
    named += [(name, buf, True) for name, buf in module.named_buffers()]
    lines = [f"{name} {tuple(a.shape)} {a.dtype}{'' if trained else ' frozen'}"
             for name, a, trained in named]
    lines += [f"{key}={value!r}" for key, value in (options or {}).items()]
    check_ranks_agree(lines, who, "every rank must build the same model (names, shapes and "
                      "dtypes of parameters and buffers, the same parameters frozen) and "
                      "wrap it with the same options")
    broadcast_arrays([array for _, array, _ in named], src=0)


__all__ = ["DistributedDataParallel", "consume_prefix_in_state_dict_if_present",
           "sync_module_states", "unused_parameters"]
