"""Step 51: handwritten digits with an MLP.

Offline, this uses the 8x8 digits bundled with rungrad (nn.datasets.digits: 1,438 training
images of 64 pixels, scaled to [0, 1]) instead of MNIST (60,000 of 28x28, downloaded by
nn.datasets.mnist()). The book's alternative model (ReLU, Adam) is used: with 15 batches per
epoch instead of 600, plain SGD with sigmoid would need far more epochs.
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim

(x, t), (x_test, t_test) = nn.datasets.digits()
train_loader = nn.data.DataLoader(nn.data.TensorDataset(x, t), batch_size=100, shuffle=True,
                                  seed=0)
np.random.seed(0)
model = nn.Sequential(nn.Linear(100), F.relu, nn.Linear(10))  # a function is a layer too
optimizer = optim.Adam(model.parameters(), lr=0.01)

for _ in range(10):
    for xb, tb in train_loader:
        loss = F.cross_entropy(model(xb), tb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

with ag.no_grad():
    test_acc = float(F.accuracy(model(x_test), t_test).data)
print(f"test accuracy {test_acc:.4f}")
assert test_acc > 0.92
