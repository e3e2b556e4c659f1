"""Step 48: multi-class classification of the spiral data set, with a hand-made mini-batch
loop (the book's settings: 300 epochs, batches of 30, 10 hidden units, SGD lr=1.0)."""
import math

import numpy as np

import nn
import nn.functional as F
import optim

(x, t), _ = nn.datasets.spiral()     # DeZero's get_spiral(train=True), point for point
np.random.seed(0)
model = nn.Sequential(nn.Linear(10), nn.Sigmoid(), nn.Linear(3))
optimizer = optim.SGD(model.parameters(), lr=1.0)

batch_size = 30
for epoch in range(300):
    index = np.random.permutation(len(x))
    sum_loss = 0.0
    for i in range(math.ceil(len(x) / batch_size)):
        batch = index[i * batch_size:(i + 1) * batch_size]
        loss = F.cross_entropy(model(x[batch]), t[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += float(loss.data) * len(batch)
    if epoch % 100 == 99:
        print(f"epoch {epoch + 1}, loss {sum_loss / len(x):.2f}")

accuracy = float(F.accuracy(model(x), t).data)
print(accuracy)
assert sum_loss / len(x) < 0.16 and accuracy > 0.93   # the book ends near loss 0.11
