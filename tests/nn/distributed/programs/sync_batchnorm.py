"""SyncBatchNorm on each rank's slice of one global batch (float64, training mode).

argv: output prefix; ranks write PREFIX_<rank>.npz with their outputs, the gradients of
their input slices, the summed (over ranks) gradients of weight and bias, and the running
statistics after two steps. The test compares with one BatchNorm on the whole batch.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
from autograd import Variable

prefix = sys.argv[1]
rank, world = dist.get_rank(), dist.get_world_size()
saved = {}
for name, shape in (("1d", (6, 3)), ("2d", (4, 2, 3, 3))):
    data = np.random.default_rng(5)
    x = data.normal(size=shape) * 2 + 1
    upstream = data.normal(size=shape)
    layer = nn.SyncBatchNorm(shape[1], momentum=0.3)
    for p in layer.parameters():
        p.data = np.random.default_rng(9).normal(size=p.shape)
    for buf in ("running_mean", "running_var"):
        setattr(layer, buf, getattr(layer, buf).astype(np.float64))
    lo, hi = len(x) * rank // world, len(x) * (rank + 1) // world
    for _ in range(2):
        layer.weight.grad = layer.bias.grad = None
        piece = Variable(x[lo:hi])
        out = layer(piece)
        (out * upstream[lo:hi]).sum().backward()
    saved[name + "_out"], saved[name + "_dx"] = out.data, piece.grad.data
    saved[name + "_dw"] = dist.all_reduce(layer.weight.grad.data.copy())
    saved[name + "_db"] = dist.all_reduce(layer.bias.grad.data.copy())
    saved[name + "_mean"], saved[name + "_var"] = layer.running_mean, layer.running_var
np.savez(f"{prefix}_{rank}.npz", **saved)
