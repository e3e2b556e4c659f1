"""Schedulers made of schedulers: SequentialLR (hand over at milestones), ChainedScheduler
(all of them at every step)."""
from bisect import bisect_right

from autograd.capture import replayed

from .base import LRScheduler


class _Composite(LRScheduler):
    """A scheduler made of others (`_schedulers`), whose states its own holds."""

    _not_saved = ("optimizer", "_schedulers")

    def state_dict(self):
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        inner = state.pop("_schedulers", ())  # (a dict without it: refused by the base)
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run `schedulers[i]` between `milestones[i-1]` and `milestones[i]`.

    At a milestone the next scheduler restarts from its epoch 0 (its closed
    form where it has one), e.g. `LinearLR` warm-up, then `CosineAnnealingLR`.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        super().__init__(optimizer, last_epoch + 1)

    def _start(self):
        _check_schedulers(self.optimizer, self._schedulers, self._milestones)
        # Each scheduler took its own first step when it was made: undo those,
        # so that only the one active at epoch 0 counts it.
        for group in self.optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:
            _undo_first_step(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @replayed
    def step(self):
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()



class ChainedScheduler(_Composite):
    """Step several schedulers of one optimizer together, each from the lr the one before
    it set (PyTorch's ChainedScheduler): `ChainedScheduler([ConstantLR(opt, 0.1, 2),
    ExponentialLR(opt, 0.9)])`."""

    def __init__(self, schedulers, optimizer=None):
        self._schedulers = list(schedulers)
        if not self._schedulers:
            raise ValueError("ChainedScheduler: expected at least one scheduler")
        optimizer = optimizer or self._schedulers[0].optimizer
        for k, s in enumerate(self._schedulers):
            _refuse_plateau(s, k, "ChainedScheduler")
            if getattr(s, "optimizer", None) is not optimizer:
                raise ValueError(f"ChainedScheduler: scheduler {k} ({type(s).__name__}) steps "
                                 "another optimizer; all must step the same one")
        self.optimizer = optimizer
        self._last_lr = self._group_lrs()

    @replayed
    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._group_lrs()


def _undo_first_step(scheduler):
    """Take back the step a scheduler took when it was made. A composite's are its
    schedulers' (PyTorch's recursive_undo): a SequentialLR inside another, left one step
    ahead, would chain its warm-up from the wrong lr."""
    inner = getattr(scheduler, "_schedulers", None)
    if inner is None:
        scheduler.last_epoch -= 1
        return
    for s in inner:
        _undo_first_step(s)


def _refuse_plateau(scheduler, index, who):
    from .plateau import ReduceLROnPlateau
    if isinstance(scheduler, ReduceLROnPlateau):
        raise ValueError(f"{who}: ReduceLROnPlateau (index {index}) is not supported: its "
                         "step() needs a metric; step it on its own")


def _check_schedulers(optimizer, schedulers, milestones):
    if len(schedulers) < 1:
        raise ValueError("SequentialLR: expected at least one scheduler")
    for i, s in enumerate(schedulers):
        _refuse_plateau(s, i, "SequentialLR")
        if i and isinstance(s, _Composite):  # (PyTorch fails at the milestone instead)
            raise ValueError(f"SequentialLR: {type(s).__name__} (index {i}) cannot be "
                             "restarted at its milestone: it has no schedule of its own; "
                             "only the first scheduler may be a composite one")
        if getattr(s, "optimizer", None) is not optimizer:
            raise ValueError(f"SequentialLR: scheduler {i} ({type(s).__name__}) belongs to "
                             "another optimizer")
    if len(milestones) != len(schedulers) - 1:
        raise ValueError(f"SequentialLR: expected one milestone fewer than schedulers, got "
                         f"{len(schedulers)} schedulers and {len(milestones)} milestones")
    if list(milestones) != sorted(milestones):
        raise ValueError(f"SequentialLR: milestones must be increasing, got {list(milestones)}")
