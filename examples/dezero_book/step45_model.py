"""Step 45: a model is a Module holding layers (DeZero's Model is rungrad's nn.Module; the
Keras-style nn.Model adds compile/fit). model.parameters() walks all of them."""
import numpy as np

import nn
import nn.functional as F


class TwoLayerNet(nn.Module):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.l1 = nn.Linear(hidden_size)
        self.l2 = nn.Linear(out_size)

    def forward(self, x):          # DeZero's forward too; calling the model runs it
        return self.l2(F.sigmoid(self.l1(x)))


np.random.seed(0)
x = np.random.rand(100, 1)
y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

model = TwoLayerNet(10, 1)
lr = 0.2
first = None
for _ in range(300):
    loss = F.mse_loss(model(x), y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad.data
    first = first or float(loss.data)

print(model, float(loss.data))
assert [name for name, _ in model.named_parameters()] == [
    "l1.weight", "l1.bias", "l2.weight", "l2.bias"]
assert float(loss.data) < 0.65 * first   # as in step 44: at the straight line's error
