"""Step 49: a Dataset class: `len(ds)` and `ds[i]` -> (x, t); mini-batches are built from
samples. rungrad's nn.data.TensorDataset wraps arrays; subclass nn.data.Dataset for your
own (as the book's Spiral does). Transforms receive a batch (first axis = samples)."""
import math

import numpy as np

import nn
import nn.functional as F
import optim


class Spiral(nn.data.Dataset):
    """DeZero's Spiral(train=True), written as a rungrad Dataset."""

    def __init__(self, train=True, transform=None):
        train_set, test_set = nn.datasets.spiral()
        self.x, self.t = train_set if train else test_set
        self.transform = transform

    def __getitem__(self, i):
        x = self.x[i]
        return (x if self.transform is None else self.transform(x)), self.t[i]

    def __len__(self):
        return len(self.x)


train_set = Spiral(transform=lambda x: x / 1.0)
assert len(train_set) == 300 and train_set[0][0].shape == (2,) and train_set[0][1].ndim == 0

np.random.seed(0)
model = nn.Sequential(nn.Linear(10), nn.Sigmoid(), nn.Linear(3))
optimizer = optim.SGD(model.parameters(), lr=1.0)
batch_size = 30
for _ in range(150):     # the book runs 300 epochs (step 48 does)
    index = np.random.permutation(len(train_set))
    for i in range(math.ceil(len(train_set) / batch_size)):
        batch = [train_set[j] for j in index[i * batch_size:(i + 1) * batch_size]]
        batch_x = np.array([example[0] for example in batch])
        batch_t = np.array([example[1] for example in batch])
        loss = F.cross_entropy(model(batch_x), batch_t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

accuracy = float(F.accuracy(model(train_set.x), train_set.t).data)
print(accuracy)
assert accuracy > 0.8
