"""Model.fit on several ranks (Keras' multi-worker way): what fit asks of the process group.

`DataParallelFit.start(model)` returns None in a world of one, so a plain fit pays one
environment lookup. With several ranks, fit:
- copies rank 0's weights and buffers to every rank (ranks may start from different seeds);
- cuts each global batch (batch_size is the global batch, as Keras' distribution strategies)
  into one contiguous piece per rank, following rank 0's shuffle order; a DataLoader must
  carry a DistributedSampler instead (each rank then loads its own shard);
- weights each rank's gradient by its loss's denominator (its number of samples for a plain
  mean; a sum's are summed), so the update is the one of the loss over the global batch,
  whatever the pieces' sizes (DataParallelFit._weights, nn.distributed.reducer);
- sums the batch losses over the ranks every step (so TerminateOnNaN and friends decide the
  same everywhere) and joins the outputs for the epoch's metrics (a Keras metric object's
  state is summed over the ranks instead), so every rank logs the numbers one process would
  (the running values shown during an epoch are the rank's own; a metric object without
  state variables, which cannot be summed, is refused); floating buffers
  (BatchNorm's running statistics) are averaged at each epoch's end;
- shows progress and runs file-writing callbacks (ModelCheckpoint, CSVLogger, and any
  callback with `rank_zero_only = True`) on rank 0 only, and runs the rest of fit quietly
  on the other ranks (`output`: no prints, warnings or callbacks' files there).
"""
import contextlib

import numpy as np

from autograd.backend import array_of, to_cpu
from autograd.capture import capturing
from autograd.config import no_grad
from autograd.variable import as_variable, is_uninitialized

from ..call_losses import call_losses_in_use
from ..training.callbacks.base import quiet
from ..training.metrics import refuse_unsummable
from ..training.named_arrays import each, sample_count, take
from .agreement import check_ranks_agree
from .collectives import all_gather_rows, all_reduce, broadcast
from .ddp import sync_module_states
from .group import get_world_size, group
from .reducer import GradientReducer
from .sampler import DistributedSampler


class DataParallelFit:
    """fit's helper on one rank of several (see the module doc)."""

    @classmethod
    def start(cls, model):
        return cls(model) if get_world_size() > 1 else None

    @classmethod
    def for_shards(cls, model, batches):
        """The helper that combines evaluate's numbers over the ranks where `batches` come
        from a DataLoader carrying a DistributedSampler (each rank scores only its shard,
        whose loss and metrics alone would differ from rank to rank and from the whole
        data's); None otherwise: one rank, or data every rank holds whole."""
        if get_world_size() == 1:
            return None
        source = getattr(batches, "source", None)
        return cls(model) if isinstance(getattr(source, "sampler", None),
                                        DistributedSampler) else None

    def __init__(self, model):
        self.model = model
        self.world = group()
        self.rank, self.size = self.world.rank, self.world.size
        refuse_unsummable(model.compiled_metrics)  # (before any step)
        # whether the ranks' losses are sums (no division), fixed for the whole fit
        self.adds_up = compiled_adds_up(model.compiled_loss, self.size)
        from .sync_batchnorm import SyncBatchNorm
        self.sync_batchnorm = any(isinstance(m, SyncBatchNorm) for m in model.modules())
        self.activity_penalties = _has_activity_penalties(model)
        # a rank's weight is then its kept labels: their sum over the ranks is the samples
        # only where no label was ignored (the reducer completes the division otherwise)
        self.ignores_labels = any(getattr(part, "may_ignore_labels", False)
                                  for part in _each_loss(model.compiled_loss))
        if self.activity_penalties and self.adds_up:
            raise ValueError(_ACTIVITY_PENALTIES.format(
                ranks=self.size, loss=f"{model.compiled_loss!r} adds up its samples' losses"))
        self.reducer = None
        self._training = None  # the sharded training batches, which know each global batch
        self.loss_weight = 0.0  # this rank's weight in the last step (see _weights)
        self._counted = True  # whether the last step's loss divided by the samples

    def agree(self, params, **more):
        """Refuse, on every rank, fit arguments that differ between the ranks (`params`,
        fit's callbacks' params, and `more`): they decide which collectives each rank calls,
        and ranks calling different ones wait for each other forever. (verbose may differ:
        only rank 0 prints.)"""
        settings = dict(params, **more)
        settings.pop("verbose", None)
        for counted in ("samples", "validation_samples", "steps"):  # last: the data and
            settings[counted] = settings.pop(counted, None)          # the others decide them
        check_ranks_agree([f"{key}={value!r}" for key, value in settings.items()], "fit",
                          "call fit with the same arguments and the same number of samples "
                          "on every rank")

    # ----- the model -----
    def prepare(self, x_batch):
        """Before the first step: build lazy layers (on this batch), then make every rank's
        weights rank 0's and hook the gradient averaging."""
        if self.reducer is not None:
            return
        if any(is_uninitialized(p) for p in self.model.parameters()):
            example = x_batch if sample_count(x_batch) else take(self._training.batches.x,
                                                                 slice(0, 1))
            with no_grad():  # (an empty piece: one sample of the batch gives the shapes)
                self.model.compiled_loss.inputs(self.model, each(as_variable, example))
        sync_module_states(self.model, "fit")
        # fit's gradients live from backward to the optimizer's step, never kept: views of
        # the bucket memory save a copy of each per step; find_unused sends a used flag per
        # parameter, so one no rank used keeps .grad None and the optimizer skips it
        self.reducer = GradientReducer(self.model.parameters(), who="fit",
                                       gradient_as_bucket_view=True, find_unused=True)
        self.reducer.expected_total = self.ignores_labels

    def before_backward(self, count):
        """This rank's gradient, from `count` samples of the global batch, is weighted by its
        loss's denominator (see `_weights`)."""
        self.loss_weight, total = self._weights(count)
        # (asked of every rank, so that all raise: only a weight the data decides can be 0)
        if self.sync_batchnorm and (self.ignores_labels or not self._counted) and self.any_rank(
                count and not self.loss_weight):
            raise ValueError(_ZERO_WEIGHT_SYNC_BATCHNORM.format(ranks=self.size))
        self.reducer.weight, self.reducer.total_weight = self.loss_weight, total
        self.world.gradient_weight = self.loss_weight  # (SyncBatchNorm's backward reads it)
        self.reducer.arm()

    def _call_losses(self):
        """Whether the model's loss holds losses of the layers' calls, computed on this
        rank's piece: activity penalties, or losses a call added (add_loss)."""
        return self.activity_penalties or _has_added_losses(self.model)

    def _weights(self, count):
        """(this rank's weight, the weights' sum where known before the reduction). Rank r's
        loss N_r / D_r makes the global batch's sum N_r / sum D_r, whose gradient is the
        ranks' weighted by D_r / sum D_r; D_r is the piece's samples for a plain mean (their
        sum is the global batch), and a loss that adds up (D = 1, no division) sums them."""
        compiled = self.model.compiled_loss
        if self.adds_up:
            if self._call_losses():  # (add_loss: known once a call has added one)
                raise ValueError(_ACTIVITY_PENALTIES.format(
                    ranks=self.size, loss=f"{compiled!r} adds up its samples' losses"))
            return (1.0 if count else 0.0), 1.0
        weight = self.loss_denominator(count)
        if count and weight is not None:
            if self._call_losses():
                raise ValueError(_ACTIVITY_PENALTIES.format(
                    ranks=self.size, loss=f"{compiled!r} divides by a number the data decides "
                    "(sample weights, a mask, class weights, labels ignored)"))
            if capturing():  # a replay would weigh every step by this step's denominator
                raise NotImplementedError(
                    f"fit on {self.size} ranks: loss {compiled!r} divides by a number the "
                    "data decides (sample weights, a mask, class weights, labels ignored), "
                    "which a captured step cannot send; compile with jit_compile=False")
            if not self.ignores_labels:
                self._counted = False
                return weight, None
            # (the labels kept: the samples are the sum expected, corrected where it differs)
        if count:
            self._counted = True
        total = getattr(self._training, "global_count", None)
        known = self._counted and total is not None  # (an empty piece: the last step's way)
        return float(count) if weight is None else weight, (float(total) if known else None)

    def loss_denominator(self, count):
        """What the loss's last call, on `count` samples, divided by, as a float; None where
        that is the samples (a plain mean, or no samples)."""
        denominator = loss_denominator(self.model.compiled_loss, self.size) if count else None
        return None if denominator is None else float(to_cpu(array_of(denominator)))

    def validation_pieces(self):
        """A ValidationPieces for one pass over fit's validation data."""
        return ValidationPieces(self)

    def global_loss(self, loss, count):
        """(the global batch's loss, its samples) from this rank's loss and `count`, weighted
        as the gradients were (one small allreduce)."""
        # a rank weighted 0 adds nothing, also where its own loss is 0 / 0 (no label kept)
        share = loss * self.loss_weight if self.loss_weight else 0.0
        weighted, weights, count = self.global_sums(share, self.loss_weight, count)
        return (weighted if self.adds_up else weighted / max(weights, _TINY)), count

    def penalty_share(self):
        """What each rank's layer penalties count: 1 / ranks where the ranks' losses add up
        (the penalty is then counted once in the sum), else 1."""
        return 1.0 / self.size if self.adds_up else 1.0

    def after_backward(self):
        self.world.gradient_weight = 1.0  # (a backward outside fit weighs the ranks alike)
        self.reducer.finish_step()

    def empty_step(self, optimizer):
        """A step with no samples on this rank: it still takes part in the averaging (with
        weight 0) and applies the same update as the others; returns its loss, 0."""
        if self.sync_batchnorm:
            raise ValueError(f"fit: a batch has fewer samples than the {self.size} ranks, so "
                             "this rank's piece is empty, but SyncBatchNorm needs every rank "
                             "in each forward; choose a batch_size that leaves every batch, "
                             "the last one too, at least one sample per rank")
        optimizer.zero_grad()
        self.before_backward(0)
        self.after_backward()
        optimizer.step()
        return 0.0

    def finish(self, completed):
        """After fit: unhook the gradient averaging; when fit `completed` on every rank (no
        error unwinding), also free its shared memory (collective)."""
        self.world.gradient_weight = 1.0  # (also where an error left a step half done)
        if self.reducer is not None:
            if completed:
                self.reducer.release()
            else:
                self.reducer.remove()
            self.reducer = None

    def average_buffers(self):
        for buf in self.model.buffers():
            if buf.dtype.kind == "f":
                all_reduce(buf, "avg")

    # ----- the data -----
    def shard(self, batches, training):
        """This rank's part of `batches` (fit's ArrayBatches or LoaderBatches)."""
        source = getattr(batches, "source", None)
        if source is None:
            sharded = ShardedArrayBatches(batches, self.rank, self.size)
            if training:
                self._training = sharded
            return sharded
        if isinstance(getattr(source, "sampler", None), DistributedSampler):
            return batches
        raise ValueError(f"fit on {self.size} ranks: a {type(source).__name__} must load this "
                         "rank's shard: give the DataLoader sampler=nn.distributed."
                         "DistributedSampler(dataset) (or pass arrays, which fit shards "
                         "itself)")

    # ----- the numbers -----
    def global_sums(self, *values):
        """The sums over the ranks of a few local numbers (one small allreduce)."""
        return all_reduce(np.array(values, dtype=np.float64), "sum").tolist()

    def any_rank(self, flag):
        """Whether `flag` is true on any rank (one small allreduce)."""
        return bool(all_reduce(np.array([float(bool(flag))]), "max")[0])

    def gather(self, tracker):
        """Every rank's metrics made those of the global data: the outputs the named
        metrics score joined, the metric objects' states summed (Keras' aggregation of
        their variables: counts and totals add up, so AUC, precision and the means are those
        of the whole data, not averages of the ranks')."""
        if tracker.metrics and tracker.samples:
            tracker.join(all_gather_rows, all_reduce)
        elif tracker.metrics:  # an empty shard still takes part in the collective
            batch = getattr(self._training, "batch_size", None)
            cause = (f"the global batch_size ({batch}) is smaller than the {self.size} ranks, "
                     f"so this rank's piece of every batch is empty; use batch_size >= "
                     f"{self.size}" if batch is not None and batch < self.size else
                     "use fewer ranks or more data")
            raise ValueError(f"fit: rank {self.rank} received no samples to score: {cause}")
        return tracker

    def output(self):
        """What fit runs under here: as it is on rank 0, quietly elsewhere (no prints, no
        warnings, no callback's file: nn.training.callbacks.base.quiet), so that only
        rank 0 prints and writes files."""
        return contextlib.nullcontext() if self.rank == 0 else quiet()

    def callbacks(self, callbacks):
        """The callbacks this rank runs: all on rank 0, no file writers elsewhere."""
        if self.rank == 0:
            return callbacks
        return [c for c in callbacks if not _rank_zero_only(c)]


class ValidationPieces:
    """This rank's loss on its piece of each validation batch, combined over the ranks into
    the losses one process would log: each global batch's loss is the ranks' weighted as
    their gradients are in training (by the loss's denominator: samples, sample or class
    weights' sum, real steps; summed for a loss that adds up), where a sum over the ranks
    of loss x samples was off for every loss but the plain mean (a class-weighted
    validation loss 14 % off). One allreduce of 3 numbers per batch at the end."""

    def __init__(self, parallel):
        self.parallel = parallel
        self.rows = []  # (weighted loss, weight, samples) per batch, in the ranks' order

    def add(self, loss, penalty, count):
        """This rank's piece of the next batch: its loss (just computed), its penalties,
        its samples (0: an empty piece, which only the penalties of a sum count in)."""
        parallel = self.parallel
        if parallel.adds_up:  # the ranks' sums add up; the penalties counted once
            self.rows.append((loss + penalty * parallel.penalty_share(), 1.0, count))
            return
        weight = parallel.loss_denominator(count)
        weight = float(count) if weight is None else weight
        # (a piece that weighs nothing adds nothing: its own loss may be 0 / 0)
        self.rows.append(((loss + penalty) * weight if weight else 0.0, weight, count))

    def totals(self):
        """(the sum over the global batches of loss x samples, the samples): the same on
        every rank, which must have seen as many batches (one allreduce)."""
        rows = np.array(self.rows, dtype=np.float64).reshape(-1, 3)
        weighted, weights, counts = all_reduce(rows, "sum").T
        if not self.parallel.adds_up:
            weighted = weighted / np.maximum(weights, _TINY)
        return float(weighted @ counts), int(counts.sum())


class ShardedArrayBatches:
    """ArrayBatches cut per rank: the same global batches (rank 0's order) as one process
    would walk, of which this rank takes the contiguous piece `rank` of `size`."""

    def __init__(self, batches, rank, size):
        self.batches, self.rank, self.size = batches, rank, size
        self.steps, self.samples = batches.steps, batches.samples
        self.batch_size = batches.batch_size
        self.global_count = None  # the size of the global batch last cut

    def __iter__(self):
        inner = self.batches
        order = None
        if inner.shuffle:  # (rank 0's order, as one process would walk it)
            order = inner.order() if self.rank == 0 else np.empty(inner.samples, np.int64)
            order = broadcast(order.astype(np.int64, copy=False), src=0)
        for start in range(0, inner.samples, inner.batch_size):
            stop = min(start + inner.batch_size, inner.samples)
            lo, hi = _piece(start, stop, self.rank, self.size)
            self.global_count = stop - start
            yield inner.pick(slice(lo, hi) if order is None else order[lo:hi])


def _each_loss(compiled):
    return [part for part in getattr(compiled, "losses", [compiled]) if part is not None]


def compiled_adds_up(compiled, ranks):
    """Whether the compiled loss (of each output) sums its samples' losses; a ValueError
    where some outputs' losses add up and others divide, which no weighting of the ranks'
    gradients combines."""
    kinds = {part.adds_up for part in _each_loss(compiled)}
    if len(kinds) > 1:
        raise ValueError(f"fit on {ranks} ranks: the losses {compiled!r} mix reduction='sum' "
                         "with means; give every output the same reduction")
    return kinds == {True}


def loss_denominator(compiled, ranks):
    """What the loss's last call divided by (None: the piece's samples); a ValueError where
    outputs' losses divide by different numbers, which no weighting of the ranks' gradients
    combines."""
    denominators = [part.last_denominator() for part in _each_loss(compiled)]
    if len(denominators) == 1 or all(d is None for d in denominators):
        return denominators[0]
    raise ValueError(f"fit on {ranks} ranks: the losses {compiled!r} divide by their sample "
                     "weights' sum, a mask's steps or class weights, not by the samples, so "
                     "the ranks' gradients cannot be combined exactly; use one output or "
                     "the default reduction without masks or class weights")


_TINY = 1e-30  # (every rank's denominator 0: every loss is 0)

# A rank weighted 0 still moves the global statistics the others' losses read, but the
# averaging multiplies its whole gradient (that path included) by 0
_ZERO_WEIGHT_SYNC_BATCHNORM = (
    "fit on {ranks} ranks: a rank's piece of the batch weighs nothing in the loss (all its "
    "sample weights 0, or all its labels ignored), and SyncBatchNorm's gradient through the "
    "statistics its samples share would be lost with it; shuffle the data, give every rank's "
    "piece some weight, or use BatchNorm")

# An activity penalty is a mean over the rank's own samples: the ranks' gradients weigh it
# exactly only where each rank's weight is its number of samples (the plain mean)
_ACTIVITY_PENALTIES = (
    "fit on {ranks} ranks: the model's activity penalties (ActivityRegularization, a "
    "layer's activity_regularizer) and losses its layers add (add_loss) are computed "
    "on each rank's piece, which the ranks' weighting combines exactly only for a loss "
    "that is the plain mean over the samples, but the loss {loss}; use the default mean "
    "reduction without sample or class weights, or train on one process")


def _has_added_losses(model):
    """Whether some layer of `model` added a loss (add_loss) in its current call."""
    return call_losses_in_use() and any(m.added_losses() for m in model.modules())


def _has_activity_penalties(model):
    """Whether some layer of `model` adds a penalty computed from its call's activations."""
    return any(getattr(m, "adds_call_losses", False) for m in model.modules())


def _piece(start, stop, rank, size):
    """Rank's contiguous piece of [start, stop): sizes differ by at most one."""
    n = stop - start
    return start + n * rank // size, start + n * (rank + 1) // size


def _rank_zero_only(callback):
    from ..training.callbacks.checkpoint import ModelCheckpoint
    from ..training.callbacks.csv_logger import CSVLogger
    return getattr(callback, "rank_zero_only", isinstance(callback, (ModelCheckpoint,
                                                                     CSVLogger)))


__all__ = ["DataParallelFit", "ShardedArrayBatches"]
