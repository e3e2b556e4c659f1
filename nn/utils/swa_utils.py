"""PyTorch's torch.optim.swa_utils: averaged weights (stochastic weight averaging, SWA, or an
exponential moving average, EMA) kept in a copy of the model, and the BatchNorm statistics
recomputed for them. AveragedModel is a Module, so it lives in nn; SWALR, a learning-rate
schedule, is optim's (optim.lr_scheduler.SWALR): nn.utils loads this module on first use,
so `import nn` leaves optim out."""
import copy

import numpy as np

from autograd.config import no_grad
from autograd.variable import Variable, wrap
from optim.lr_scheduler import SWALR

from ..layers.normalization import _BatchNorm, _InstanceNorm
from ..module import Module


def get_ema_avg_fn(decay=0.999):
    """avg_fn of an exponential moving average: decay * averaged + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """avg_fn of the equal average: averaged + (current - averaged) / (num_averaged + 1)."""
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def get_ema_multi_avg_fn(decay=0.999):
    """multi_avg_fn of an exponential moving average: get_ema_avg_fn's, in place."""
    return _in_place(get_ema_avg_fn(decay))


def get_swa_multi_avg_fn():
    """multi_avg_fn of the equal average: get_swa_avg_fn's, in place."""
    return _in_place(get_swa_avg_fn())


def _in_place(avg_fn):
    """The multi_avg_fn that writes avg_fn(averaged, current, num_averaged) into each
    averaged Variable."""
    def update(averaged_list, current_list, num_averaged):
        for averaged, current in zip(averaged_list, current_list):
            _write(averaged, avg_fn(averaged, current, num_averaged))
    return update


def _write(target, value):
    """value into the Variable `target`'s array, in place, cast to its dtype (an integer
    buffer averaged with use_buffers, BatchNorm's batch count, is truncated as PyTorch's)."""
    np.copyto(target.data, value.data if isinstance(value, Variable) else value,
              casting="unsafe")


def _check_decay(decay):
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"decay must be in [0, 1], got {decay!r}")


class AveragedModel(Module):
    """A copy of `model` (`.module`) whose parameters hold the average of the model's
    parameters at each `update_parameters(model)` call: the equal average by default (SWA),
    or what `avg_fn(averaged, current, num_averaged) -> new average` or
    `multi_avg_fn(averaged_list, current_list, num_averaged)` (in place) compute, as
    get_ema_multi_avg_fn(decay)'s EMA. With use_buffers=True the buffers (BatchNorm's
    running statistics) are averaged too; without, they are copied from the model at each
    update (recompute them for the averaged weights with update_bn). Calling it calls the
    copy. `n_averaged` counts the updates, a buffer as PyTorch's (state_dict keys
    "n_averaged", "module.<name>")."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: expected a Module, got {type(model).__name__}")
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", np.zeros((), np.int64))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Average `model`'s present parameters (and buffers, with use_buffers) in."""
        averaged, current = self._pairs(model)
        with no_grad():
            if self.n_averaged == 0:
                for mine, theirs in zip(averaged, current):
                    _write(mine, theirs)
            else:
                update = self.multi_avg_fn or _in_place(self.avg_fn or get_swa_avg_fn())
                update(averaged, current, self.n_averaged.copy())
        if not self.use_buffers:
            for mine, theirs in zip(self.module.buffers(), model.buffers()):
                np.copyto(mine, theirs)
        self.n_averaged += 1

    def _pairs(self, model):
        """(the copy's arrays, the model's), as Variables sharing their memory, checked to
        match in number and shape."""
        def members(module):
            found = list(module.parameters())
            if self.use_buffers:
                found += [wrap(b, False) for b in module.buffers()]
            return found
        averaged = members(self.module)
        current = [wrap(v.data, False) for v in members(model)]
        shapes = [tuple(v.shape) for v in averaged], [tuple(v.shape) for v in current]
        if shapes[0] != shapes[1]:
            raise ValueError(f"AveragedModel.update_parameters: the model's parameters"
                             f"{' and buffers' if self.use_buffers else ''} {shapes[1]} do not "
                             f"match the averaged copy's {shapes[0]} (a model built after the "
                             f"copy was made? make the AveragedModel after its first call)")
        return averaged, current


def update_bn(loader, model, device=None):
    """Recompute the running statistics of `model`'s BatchNorm layers over one pass of
    `loader` (batches: an input, or a tuple or list whose first item is the input), as a
    cumulative average, for averaged weights; the model's train/eval mode is kept."""
    norms = {m: m.momentum for m in model.modules()
             if isinstance(m, _BatchNorm) and not isinstance(m, _InstanceNorm)}
    if not norms:
        return
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None
    was_training = model.training
    model.train()
    try:
        with no_grad():
            for batch in loader:
                x = batch[0] if isinstance(batch, (list, tuple)) else batch
                model(x if device is None else Variable(x, requires_grad=False).to(device))
    finally:
        for norm, momentum in norms.items():
            norm.momentum = momentum
        model.train(was_training)


__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_avg_fn", "get_swa_avg_fn",
           "get_ema_multi_avg_fn", "get_swa_multi_avg_fn"]
