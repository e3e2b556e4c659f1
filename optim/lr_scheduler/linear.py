"""Warm-up factors: LinearLR (from start_factor to end_factor), ConstantLR (a factor until
total_iters)."""
from autograd.arguments import positive_int

from .base import LRScheduler


class LinearLR(LRScheduler):
    """lr = base_lr * (s + (e - s) * min(epoch, total_iters) / total_iters).

    Chained from the present lr, as PyTorch does (a warm-up when s < e).
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = positive_int(total_iters, "total_iters", "LinearLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        s, e, n, t = self.start_factor, self.end_factor, self.total_iters, self.last_epoch
        if t == 0:
            return [lr * s for lr in self._group_lrs()]
        if self._is_initial or t > n:
            return self._group_lrs()
        factor = 1.0 + (e - s) / (n * s + (t - 1) * (e - s))
        return [lr * factor for lr in self._group_lrs()]

    def _closed_form_lr(self):
        s, e, n = self.start_factor, self.end_factor, self.total_iters
        return [base * (s + (e - s) * min(n, self.last_epoch) / n) for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr = base_lr * factor for the first total_iters steps, then base_lr (chained from the
    present lr, as PyTorch does)."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0 <= factor <= 1:
            raise ValueError(f"ConstantLR: factor must be in [0, 1], got {factor}")
        self.factor = factor
        self.total_iters = positive_int(total_iters, "total_iters", "ConstantLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._group_lrs()]
        if self.last_epoch != self.total_iters:
            return self._group_lrs()
        if self.factor == 0:  # (no present lr to divide back up: PyTorch divides by 0)
            return self._closed_form_lr()
        return [lr / self.factor for lr in self._group_lrs()]

    def _closed_form_lr(self):
        done = self.last_epoch >= self.total_iters
        return [base * (self.factor + done * (1 - self.factor)) for base in self.base_lrs]
