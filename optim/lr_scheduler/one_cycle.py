"""OneCycleLR: the 1cycle policy (Smith & Topin), with momentum cycling."""
import math

from autograd.arguments import positive_int

from .base import LRScheduler, per_group
from .momentum import CyclesMomentum


def _anneal_cos(start, end, pct):
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start, end, pct):
    return (end - start) * pct + start


_ANNEAL = {"cos": _anneal_cos, "linear": _anneal_linear}


class OneCycleLR(CyclesMomentum, LRScheduler):
    """PyTorch's OneCycleLR; step it once per batch, `total_steps` times in all.

    The lr rises from `max_lr / div_factor` to `max_lr` over the first
    `pct_start` of the steps, then anneals to `initial_lr / final_div_factor`.
    With `three_phase`, it first comes back down to the initial lr
    symmetrically and only then anneals to the minimum. When `cycle_momentum`,
    the momentum (SGD, RMSprop) or beta1 (Adam) moves inversely, between
    `max_momentum` and `base_momentum`.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True,
                 base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, last_epoch=-1):
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        if not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: pct_start must be a float in [0, 1], got {pct_start}")
        if anneal_strategy not in _ANNEAL:
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got "
                             f"{anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self._phases = _phases(float(pct_start), self.total_steps, three_phase)
        self.cycle_momentum = cycle_momentum
        # written into the param groups by _start, once the optimizer is checked
        self._group_settings = dict(max_lr=max_lr, div_factor=div_factor,
                                    final_div_factor=final_div_factor,
                                    base_momentum=base_momentum, max_momentum=max_momentum)
        super().__init__(optimizer, last_epoch)

    def _start(self):
        """Each group's lr and momentum bounds, then the base's step 0 (from initial_lr)."""
        settings = self._group_settings
        if self.last_epoch == -1:
            tops = per_group(settings["max_lr"], "max_lr", "OneCycleLR", self.optimizer)
            for group, top in zip(self.optimizer.param_groups, tops):
                group["initial_lr"] = top / settings["div_factor"]
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / settings["final_div_factor"]
        if self.cycle_momentum:
            self._init_momentum(settings["base_momentum"], settings["max_momentum"])
        super()._start()

    def get_lr(self):
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {t} times; the specified number of "
                             f"total steps is {self.total_steps}")
        anneal = _ANNEAL[self.anneal_strategy]
        lrs = []
        for i, group in enumerate(self.optimizer.param_groups):
            if "max_lr" not in group:
                raise RuntimeError(f"OneCycleLR: param group {i} was added after the "
                                   f"scheduler was made (it has no max_lr); make the "
                                   f"scheduler once every group is in the optimizer")
            phase, pct = self._phase_at(t)
            lrs.append(anneal(group[phase[1]], group[phase[2]], pct))
            if self.cycle_momentum:
                self._set_momentum(group, anneal(group[phase[3]], group[phase[4]], pct))
        return lrs

    def _phase_at(self, t):
        """The phase holding step t, and how far (0..1) into it t is."""
        start = 0.0
        for i, phase in enumerate(self._phases):
            end = phase[0]
            if t <= end or i == len(self._phases) - 1:
                return phase, (t - start) / (end - start)
            start = end


def _total_steps(total_steps, epochs, steps_per_epoch):
    if total_steps is not None:
        return positive_int(total_steps, "total_steps", "OneCycleLR")
    if epochs is None or steps_per_epoch is None:
        raise ValueError("OneCycleLR: give either total_steps or (epochs and steps_per_epoch)")
    return (positive_int(epochs, "epochs", "OneCycleLR")
            * positive_int(steps_per_epoch, "steps_per_epoch", "OneCycleLR"))


def _phases(pct_start, total, three_phase):
    """(end_step, start_lr key, end_lr key, start_momentum key, end_momentum key) per phase."""
    up = pct_start * total - 1
    if up == 0:  # (PyTorch divides by the phase's length, 0, there)
        raise ValueError(f"OneCycleLR: pct_start * total_steps = {pct_start} * {total} = 1 "
                         "makes the warm-up end at step 0, where it starts; give a pct_start "
                         "of at least 2 / total_steps, or 0 for no warm-up")
    if three_phase:
        phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                  (2 * pct_start * total - 2, "max_lr", "initial_lr", "base_momentum",
                   "max_momentum"),
                  (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
    else:
        phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                  (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
    for i in range(1, len(phases)):  # (the warm-up's case is refused above)
        if phases[i][0] == phases[i - 1][0]:
            raise ValueError(f"OneCycleLR: pct_start={pct_start} with total_steps={total} "
                             f"leaves phase {i + 1} of {len(phases)} no steps (it would end at "
                             f"step {phases[i][0]:g}, where it starts; PyTorch divides by 0 "
                             f"there); give a smaller pct_start")
    return phases
