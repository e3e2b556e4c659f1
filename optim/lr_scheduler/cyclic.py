"""CyclicLR: the lr cycles between two bounds (Smith, "Cyclical Learning Rates")."""
import math

from ..optimizer import check_nonnegative
from .base import LRScheduler, per_group
from .momentum import CyclesMomentum
from .user_functions import function_state, restore_function_state

# mode -> (scale of the cycle's height, from (gamma, x), and what x counts)
_MODES = {
    "triangular": (lambda gamma, x: 1.0, "cycle"),
    "triangular2": (lambda gamma, x: 1 / (2.0 ** (x - 1)), "cycle"),  # halved each cycle
    "exp_range": (lambda gamma, x: gamma ** x, "iterations"),
}


class CyclicLR(CyclesMomentum, LRScheduler):
    """PyTorch's CyclicLR; step it once per batch.

    Each cycle takes `step_size_up` steps from `base_lr` up to `max_lr` and
    `step_size_down` (default: as many) back down. The height of a cycle is
    scaled by `mode`: 'triangular' keeps it, 'triangular2' halves it each cycle,
    'exp_range' multiplies it by gamma^step; or by your `scale_fn(x)`, with x the
    cycle number (scale_mode='cycle', counted from 1) or the step
    ('iterations'). When `cycle_momentum`, the momentum (SGD, RMSprop) or beta1
    (Adam) moves inversely, between `max_momentum` and `base_momentum`.
    A state dict keeps the attributes of a callable object given as scale_fn,
    not a plain function (as LambdaLR).
    """

    _not_saved = ("optimizer", "_scale_fn_custom")  # (state_dict saves its attributes)

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        up = _step_size(step_size_up, "step_size_up")
        down = up if step_size_down is None else _step_size(step_size_down, "step_size_down")
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in _MODES:
            raise ValueError(f"CyclicLR: mode must be one of {sorted(_MODES)} (or give "
                             f"scale_fn), got {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"CyclicLR: scale_fn must be callable, got "
                            f"{type(scale_fn).__name__}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"CyclicLR: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        # a mode's own scale counts what the mode says, as PyTorch's
        self.scale_mode = scale_mode if scale_fn is not None else _MODES[mode][1]
        self.cycle_momentum = cycle_momentum
        self._bounds = (base_lr, max_lr, base_momentum, max_momentum)  # used by _start
        super().__init__(optimizer, last_epoch)

    def _start(self):
        """Each group's lr set to its base_lr, the momentum bounds, then step 0."""
        base_lr, max_lr, base_momentum, max_momentum = self._bounds
        del self._bounds
        base_lrs = per_group(base_lr, "base_lr", "CyclicLR", self.optimizer)
        if self.last_epoch == -1:
            for group, lr in zip(self.optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = per_group(max_lr, "max_lr", "CyclicLR", self.optimizer)
        if self.cycle_momentum:
            self.base_momentums, self.max_momentums = self._init_momentum(base_momentum,
                                                                          max_momentum)
        super()._start()
        self.base_lrs = base_lrs  # (step 0 read the groups' initial_lr, as PyTorch's does)

    def scale_fn(self, x):
        """The factor on a cycle's height at x (a cycle number or a step, see scale_mode)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return _MODES[self.mode][0](self.gamma, x)

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # how far into the cycle, 0..1
        if x <= self.step_ratio:
            rise = x / self.step_ratio
        else:
            rise = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (top - base) * rise * scale
               for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, base, top in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                self._set_momentum(group, top - (top - base) * rise * scale)
        return lrs

    def state_dict(self):
        state = super().state_dict()
        state["_scale_fn_custom"] = function_state(self._scale_fn_custom)
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        restore_function_state(self._scale_fn_custom, saved)


def _step_size(value, name):
    check_nonnegative(value, name, "CyclicLR")
    if name == "step_size_up" and value == 0:  # the rise would divide by zero
        raise ValueError("CyclicLR: step_size_up must be > 0, got 0")
    return float(value)
