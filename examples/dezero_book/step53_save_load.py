"""Step 53: save and load the parameters (.npz, never pickle). load_weights works before
the first call: lazily sized layers take their shapes from the file (as in the book), and
an optimizer made earlier keeps updating them."""
import os
import tempfile

import numpy as np

import nn
import nn.functional as F
import optim

(x, t), _ = nn.datasets.digits()


def mlp():
    return nn.Sequential(nn.Linear(100), nn.ReLU(), nn.Linear(10))   # sizes from the data


with tempfile.TemporaryDirectory() as out:
    path = os.path.join(out, "my_mlp.npz")
    np.random.seed(0)
    model = mlp()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(20):
        loss = F.cross_entropy(model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.save_weights(path)

    restored = mlp()
    optimizer = optim.Adam(restored.parameters(), lr=0.01)   # before the weights exist
    restored.load_weights(path)                             # before the first call
    np.testing.assert_array_equal(restored(x).data, model(x).data)
    before = restored[0].weight.data.copy()
    loss = F.cross_entropy(restored(x), t)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    assert not np.array_equal(before, restored[0].weight.data)
print(sorted(model.state_dict()))
