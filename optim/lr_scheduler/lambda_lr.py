"""Schedules from a user function f: LambdaLR (lr = base_lr * f(epoch)) and
MultiplicativeLR (lr = lr * f(epoch))."""
from .base import LRScheduler, per_group
from .user_functions import function_state, restore_function_state


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch); one function, or one per param group.

    `state_dict()` cannot hold plain functions (they are saved as None); the
    attributes of callable objects are saved and restored.
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambdas = lr_lambda  # one per group once the optimizer is checked: _start
        super().__init__(optimizer, last_epoch)

    def _start(self):
        who = type(self).__name__
        self.lr_lambdas = per_group(self.lr_lambdas, "lr_lambda", who, self.optimizer)
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"{who}: lr_lambda must be callable, got {type(f).__name__}")
        super()._start()

    def get_lr(self):
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        state = super().state_dict()
        state["lr_lambdas"] = [function_state(f) for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        super().load_state_dict(state)
        for f, attrs in zip(self.lr_lambdas, saved):
            restore_function_state(f, attrs)


class MultiplicativeLR(LambdaLR):
    """lr = lr * lr_lambda(epoch) at each step after the first; one function, or one per
    param group (PyTorch's: the factor multiplies the present lr, so it chains)."""

    def get_lr(self):
        if self._is_initial:  # resuming must not decay one step ahead (PyTorch's rule)
            return self._group_lrs()
        return [lr * f(self.last_epoch) for f, lr in zip(self.lr_lambdas, self._group_lrs())]
