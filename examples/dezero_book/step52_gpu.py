"""Step 52: the GPU. rungrad's ops are written against the array module of their inputs, so
with CuPy and a GPU, `model.to_gpu()` and `autograd.cuda.to_gpu(batch)` move the work there
(DeZero's `train_loader.to_gpu()` becomes moving each batch). Without a GPU this runs the
same code on the CPU."""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import cuda

gpu = cuda.is_available()
(x, t), _ = nn.datasets.digits()
loader = nn.data.DataLoader(nn.data.TensorDataset(x, t), batch_size=100)
np.random.seed(0)
model = nn.Sequential(nn.Linear(64, 100), nn.ReLU(), nn.Linear(100, 10))
optimizer = optim.SGD(model.parameters(), lr=0.1)
if gpu:
    model.to_gpu()

for _ in range(2):
    for xb, tb in loader:
        if gpu:
            xb, tb = cuda.to_gpu(xb), cuda.to_gpu(tb)
        loss = F.cross_entropy(model(xb), tb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

on = cuda.get_array_module(model[0].weight.data)
print("device:", "GPU" if gpu else "CPU", on.__name__)
assert (on is np) != gpu
with ag.no_grad():
    assert np.isfinite(float(cuda.to_cpu(loss.data)))
