"""SyncBatchNorm: batch normalization with the statistics of the global batch (all ranks).

Plain BatchNorm under data parallelism normalizes each rank's batch with that rank's own
mean and variance (and keeps per-rank running statistics, which DistributedDataParallel
replaces by rank 0's before each forward): with small per-rank batches the statistics are
noisy. SyncBatchNorm sums the per-channel sums over the ranks (allreduce), so every rank
normalizes with the statistics of the whole global batch, exactly as one process would on
the concatenated batch; backward allreduces the matching sums of gradients.

Backward weighs each rank's gradients of the statistics as the gradient averaging will
weigh the rank (the process group's `gradient_weight`, which fit sets to the rank's loss
denominator): rank r's loss L_r counts w_r / sum(w) in the global batch's loss, so the
statistics' true gradient is sum_s w_s dL_s; rank r takes that sum divided by w_r, which the
averaging multiplies back. With equal weights (DDP's, and fit's for even pieces) this is the
plain sum; with unequal ones (a last batch the ranks cannot split evenly, sample weights) it
keeps the layers before the norm exact, where the plain sum was 4-9 % off.
"""
import numpy as np

from autograd.capture import run_replayed
from autograd.config import Config
from autograd.function import Function
from autograd.ops import astype, sqrt
from autograd.ops import sum as reduce_sum
from autograd.spec import Spec
from autograd.variable import as_variable, wrap

from ..functional.normalization import _in_dtype_of, _scale_shift, _update
from ..layers.normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm
from .collectives import all_reduce
from .group import group, world_only


class AllReduceSum(Function):
    """y = sum over ranks of x (every rank gets it); dx = sum over ranks s of w_s dy_s,
    divided by this rank's w (the ranks' gradient weights: see the module doc)"""

    input_specs = (Spec(),)

    def forward(self, x):
        return all_reduce(x.copy(), "sum")

    def backward(self, gy):
        weight = group().gradient_weight
        if weight == 1:
            return AllReduceSum()(gy)
        summed = AllReduceSum()(gy * weight)  # (every rank joins the sum, an empty piece too)
        return summed / weight if weight else summed * 0


def all_reduce_sum(x):
    """The sum of x over the ranks, differentiable (identity in a world of one)."""
    return as_variable(x) if group().comm is None else AllReduceSum()(x)


def sync_batch_norm(x, running_mean, running_var, weight, bias, momentum, eps):
    """Training-mode batch_norm over the global batch: mean and biased variance per channel
    over every rank's N (and spatial) axes; running statistics updated with the unbiased
    global variance, as nn.functional.batch_norm does for one process."""
    x = as_variable(x)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    # the global count by an op, as the sums: a captured step sums every call's (the ranks'
    # shards may differ where this rank's does not)
    local = wrap(np.array([x.size // max(x.shape[1], 1)], dtype=np.float64), False)
    count = all_reduce_sum(local)
    if count.data[0] < 2:
        raise ValueError(f"SyncBatchNorm: expected more than 1 value per channel over all "
                         f"ranks when training, got {int(count.data[0])}")
    values = astype(count, x.dtype)
    mean = all_reduce_sum(reduce_sum(x, axes, keepdims=True)) / values
    centered = x - mean
    var = all_reduce_sum(reduce_sum(centered * centered, axes, keepdims=True)) / values
    y = centered / sqrt(var + eps)
    run_replayed(_update_running, running_mean, running_var, mean, var, count, momentum)
    return _scale_shift(y, weight, bias, shape)


def _update_running(running_mean, running_var, mean, var, count, momentum):
    """The running statistics moved towards the global batch's, the variance unbiased (a
    replayable call: it reads this call's statistics)."""
    if running_mean is not None:
        _update(running_mean, mean.data, momentum)
    if running_var is not None:
        total = float(count.data[0])
        _update(running_var, var.data * (total / (total - 1)), momentum)


_CONVERTED = (BatchNorm1d, BatchNorm2d, BatchNorm3d)  # (PyTorch's _BatchNorm, lazy ones too)


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over (N, C, ...) inputs whose training statistics span every rank's batch
    (PyTorch's nn.SyncBatchNorm); in eval mode, or in a world of one, it is BatchNorm."""

    input_dims = (2, 3, 4, 5)
    input_layout = "(N, C, ...)"

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, process_group=None, device=None, dtype=None, *,
                 bias=True):
        """PyTorch's signature; process_group: the world (None), the one group there is."""
        world_only(process_group, "SyncBatchNorm")
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)
        self.process_group = None

    def forward(self, x):
        training = self.training and Config.train
        if not training or group().comm is None:
            return super().forward(x)
        self._check_input(x)
        momentum = self._count_batch(self.momentum) if self.track_running_stats else \
            self.momentum
        x = _in_dtype_of(as_variable(x), self.weight)
        return sync_batch_norm(x, self.running_mean, self.running_var, self.weight,
                               self.bias, momentum or 0.0, self.eps)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """`module` with every BatchNorm1d/2d/3d replaced by a SyncBatchNorm holding the same
        parameters and buffers (PyTorch's helper); returns the converted module. Only those:
        InstanceNorm normalizes each sample alone, and Keras' BatchNormalization (channels
        last, momentum the fraction kept, biased variance) is left as it is."""
        world_only(process_group, "convert_sync_batchnorm")
        if isinstance(module, _CONVERTED) and not isinstance(module, cls):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, dtype=module.dtype,
                            bias=module._with_bias)
            if module.affine:  # the same objects, as PyTorch: their dtype and any references
                converted.weight, converted.bias = module.weight, module.bias
            for name, buffer in module._buffers.items():
                setattr(converted, name, buffer)
            converted.train(module.training)
            return converted
        for name, child in list(module._modules.items()):
            if child is not None:
                setattr(module, name, cls.convert_sync_batchnorm(child))
        return module


__all__ = ["SyncBatchNorm", "AllReduceSum", "all_reduce_sum", "sync_batch_norm"]
