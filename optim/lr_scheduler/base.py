"""LRScheduler: the base class that sets each param group's "lr" once per step."""
import copy

from autograd.capture import replay_own_methods, replayed
from autograd.user_warnings import user_warning

from ..optimizer import Optimizer, described


def check_optimizer(optimizer, who):
    """`optimizer`, or a TypeError naming `who` when it is not an Optimizer, or when its
    rate comes from a Keras learning-rate schedule (`_schedule`), which rewrites every
    group's lr at each update: the scheduler's rates would never be used."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{who}: {type(optimizer).__name__} is not an Optimizer")
    schedule = getattr(optimizer, "_schedule", None)
    if schedule is not None:
        raise TypeError(f"{who}: the optimizer was made with the learning-rate schedule "
                        f"{type(schedule).__name__}, which sets the rate of every update; a "
                        f"scheduler's rates would never be used. Make the optimizer with a "
                        f"number to schedule it here, or let the schedule set the rate")
    return optimizer


def _watch_steps(optimizer):
    """From the first scheduler made for `optimizer` on, its `stepped` tells whether it has
    stepped since: PyTorch's scheduler wraps the optimizer's step then, so that steps taken
    before it do not count (a scheduler stepped before the next one still warns)."""
    if not getattr(optimizer, "_steps_watched", False):
        optimizer._steps_watched, optimizer.stepped = True, False


def warn_stepped_first(who):
    user_warning(f"{who}: step() was called before the optimizer's step(), which skips the "
                 "schedule's first learning rate; call optimizer.step() first, then the "
                 "scheduler's (PyTorch warns too)", UserWarning)


def warn_epoch_argument(who):
    user_warning(f"{who}: step()'s epoch argument is deprecated, as in PyTorch; call "
                 "step() once per epoch", UserWarning)  # (the user's line)


def per_group(value, name, who, optimizer):
    """`value` repeated for each param group, or a list with one value per group."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{who}: expected {n} values for {name} (one per param group), "
                             f"got {len(value)}")
        return list(value)
    return [value] * n


class LRScheduler:
    """Base class of the schedulers (PyTorch's `LRScheduler` semantics).

    Call `step()` once per epoch (or per batch), after `optimizer.step()`.
    `last_epoch` counts the steps taken; the constructor takes step 0, which
    stores each group's starting lr as `"initial_lr"` (the `base_lrs`).
    Resuming with `last_epoch >= 0` needs that key in every group, as a loaded
    optimizer state_dict has. Subclasses write `get_lr()`: the lrs for the
    current `last_epoch`, chained from the groups' present lrs where PyTorch
    does so (so schedulers can be stacked), and `_closed_form_lr()` where one
    exists (used when `SequentialLR` restarts a scheduler at a milestone).
    """

    _not_saved = ("optimizer",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        replay_own_methods(cls, "step")

    def __init__(self, optimizer, last_epoch=-1):
        """Subclasses set their own settings first, then call this: it checks the
        optimizer and runs `_start()`, which may call their `get_lr()`."""
        self.optimizer = check_optimizer(optimizer, type(self).__name__)
        _watch_steps(self.optimizer)
        self.last_epoch = last_epoch
        self._start()

    def _start(self):
        """Record each group's starting lr (`base_lrs`) and take step 0. Schedulers that
        first write group keys of their own (OneCycleLR) or take no step 0
        (ReduceLROnPlateau, SequentialLR) override it."""
        groups = self.optimizer.param_groups
        if self.last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param 'initial_lr' is not specified "
                                   f"in param_groups[{i}] when resuming a scheduler with "
                                   "last_epoch >= 0; load the optimizer's state_dict first")
        self.base_lrs = [group["initial_lr"] for group in groups]
        self._initial_step()

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True  # some get_lr() keep the lr as it is on this step
        try:
            self.step()
        finally:
            self._is_initial = False

    @replayed  # a captured step repeats it (autograd.capture)
    def step(self, epoch=None):
        """Advance one epoch and write the new lrs into the optimizer. epoch: PyTorch's
        deprecated argument, jumping to that epoch by the closed form (warned)."""
        if self._step_count == 1 and not self.optimizer.stepped:  # (0: __init__'s own)
            warn_stepped_first(type(self).__name__)
        self._step_count += 1
        if epoch is not None:
            warn_epoch_argument(type(self).__name__)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = getattr(self, "_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        self._set_lrs(values)

    def _set_lrs(self, values):
        """Write one lr per param group and remember them (`get_last_lr`)."""
        groups = self.optimizer.param_groups
        if len(values) != len(groups):
            raise RuntimeError(f"{type(self).__name__}: {len(groups)} param groups but "
                               f"{len(values)} lrs (a group was added after the scheduler)")
        for group, lr in zip(groups, values):
            group["lr"] = lr
        self._last_lr = self._group_lrs()

    def _group_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self):
        """The lrs for `last_epoch` (called by `step()`; read `get_last_lr()` instead)."""
        raise NotImplementedError

    def get_last_lr(self):
        """The lrs the last `step()` set, one per param group."""
        return list(self._last_lr)

    def state_dict(self):
        """A copy of the scheduler's attributes, without the optimizer."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items()
                if k not in self._not_saved}

    def load_state_dict(self, state_dict):
        """Resume from `state_dict()`. What holds no lrs of a scheduler (`_last_lr`, which
        PyTorch's have too), such as an optimizer's state dict, is refused: its keys would
        become attributes and the schedule would go on as if nothing had been loaded."""
        if not isinstance(state_dict, dict) or "_last_lr" not in state_dict:
            raise ValueError(f"{type(self).__name__}: load_state_dict expects a scheduler's "
                             f"state_dict(), got {described(state_dict)}")
        self.__dict__.update(copy.deepcopy(state_dict))
