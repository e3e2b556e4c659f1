"""Cosine schedules: CosineAnnealingLR (half a cosine from the base lr down to eta_min) and
CosineAnnealingWarmRestarts (SGDR: the half cosine again from the top, each period T_mult
times longer)."""
import math

from autograd.arguments import positive_int
from autograd.capture import replayed
from autograd.ops.validation import real_scalar

from .base import LRScheduler


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2.

    Computed recursively from the present lr, as PyTorch does, so it also
    composes with other schedulers; past T_max it rises again (period 2 T_max).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = real_scalar(eta_min, "eta_min", "CosineAnnealingLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._group_lrs()
        if self._step_count == 1 and t > 0:  # resumed: no previous lr to chain from
            return self._closed_form_lr()
        if (t - 1 - T) % (2 * T) == 0:  # at the trough the ratio below would be 0/0
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base in zip(self._group_lrs(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - lo) + lo for lr in self._group_lrs()]

    def _closed_form_lr(self):
        cos = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cos for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where T_cur
    counts the steps since the last restart and T_i, the period, starts at T_0 and is
    multiplied by T_mult at each restart (SGDR). `step(epoch)` may jump, also to a
    fraction of an epoch (PyTorch's per-batch use: `step(epoch + i / iters)`)."""

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        self.T_0 = positive_int(T_0, "T_0", "CosineAnnealingWarmRestarts")
        self.T_mult = positive_int(T_mult, "T_mult", "CosineAnnealingWarmRestarts")
        self.T_i, self.T_cur = self.T_0, last_epoch
        self.eta_min = real_scalar(eta_min, "eta_min", "CosineAnnealingWarmRestarts")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cos = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cos for base in self.base_lrs]

    @replayed
    def step(self, epoch=None):
        """Advance one step, or go to `epoch` (a number >= 0, whole or not)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                # the remainder, as PyTorch: resumed with last_epoch >= 2 T_0 - 1, T_cur starts
                # past a whole period (the same as a subtraction in a run from epoch 0)
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
            self.last_epoch += 1
        else:
            self._go_to(epoch)
        self._set_lrs(self.get_lr())

    def _go_to(self, epoch):
        if not epoch >= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: expected a non-negative epoch, got "
                             f"{epoch}")
        T_0, mult = self.T_0, self.T_mult
        if epoch < T_0:
            self.T_i, self.T_cur = T_0, epoch
        elif mult == 1:
            self.T_i, self.T_cur = T_0, epoch % T_0
        else:
            n = int(math.log(epoch / T_0 * (mult - 1) + 1, mult))
            self.T_cur = epoch - T_0 * (mult ** n - 1) / (mult - 1)
            self.T_i = T_0 * mult ** n
        self.last_epoch = math.floor(epoch)
