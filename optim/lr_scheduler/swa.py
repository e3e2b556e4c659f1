"""SWALR: the learning rate annealed to a constant for stochastic weight averaging."""
import math

from .base import LRScheduler, check_optimizer, per_group


class SWALR(LRScheduler):
    """Each group's lr annealed from its present value to its `swa_lr` over `anneal_epochs`
    steps ("cos" or "linear"), then held there (PyTorch's torch.optim.swa_utils.SWALR; step
    it once per epoch of the averaging phase). Chained from the present lr, as PyTorch's:
    a schedule before it hands over where it left the lr. swa_lr: one value, or one per
    param group."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        check_optimizer(optimizer, "SWALR")
        for group, lr in zip(optimizer.param_groups,
                             per_group(swa_lr, "swa_lr", "SWALR", optimizer)):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"SWALR: anneal_strategy must be 'cos' or 'linear', got "
                             f"{anneal_strategy!r}")
        if isinstance(anneal_epochs, bool) or not isinstance(anneal_epochs, int) \
                or anneal_epochs < 0:
            raise ValueError(f"SWALR: anneal_epochs must be an integer >= 0, got "
                             f"{anneal_epochs!r}")
        self.anneal_epochs, self.anneal_strategy = anneal_epochs, anneal_strategy
        super().__init__(optimizer, last_epoch)

    def _share(self, step):
        """The share of the way to swa_lr reached at `step` (0 to 1)."""
        t = max(0.0, min(1.0, step / max(1, self.anneal_epochs)))
        return t if self.anneal_strategy == "linear" else (1 - math.cos(math.pi * t)) / 2

    def get_lr(self):
        step = self._step_count - 1  # (0 at the constructor's step, as PyTorch counts)
        if self.anneal_epochs == 0:
            step = max(1, step)
        before, now = self._share(step - 1), self._share(step)
        lrs = []
        for group in self.optimizer.param_groups:
            swa_lr = group["swa_lr"]
            # the lr the annealing started from, recovered from the present one
            start = swa_lr if before == 1 else (group["lr"] - before * swa_lr) / (1 - before)
            lrs.append(swa_lr * now + start * (1 - now))
        return lrs
