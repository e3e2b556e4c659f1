"""Momentum cycled against the lr (OneCycleLR, CyclicLR): SGD's and RMSprop's `momentum`,
or Adam's beta1."""
from .base import per_group


class CyclesMomentum:
    """Mixin of the schedulers that move the momentum inversely to the lr."""

    def _init_momentum(self, base_momentum, max_momentum):
        """Check that the optimizer has a momentum; on a fresh start (last_epoch -1) write
        each group's bounds (`base_momentum`, `max_momentum`) and start it at the top.
        Returns the bounds per group: (bases, tops)."""
        who = type(self).__name__
        defaults = self.optimizer.defaults
        if "momentum" not in defaults and "betas" not in defaults:
            raise ValueError(f"{who}: the optimizer must support momentum or beta1 with "
                             "cycle_momentum enabled")
        self.use_beta1 = "betas" in defaults
        tops = per_group(max_momentum, "max_momentum", who, self.optimizer)
        bases = per_group(base_momentum, "base_momentum", who, self.optimizer)
        if self.last_epoch == -1:
            for group, top, base in zip(self.optimizer.param_groups, tops, bases):
                self._set_momentum(group, top)
                group["max_momentum"] = top
                group["base_momentum"] = base
        return bases, tops

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value
