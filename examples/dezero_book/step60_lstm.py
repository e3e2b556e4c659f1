"""Step 60: an LSTM trained on mini-batches of parallel stretches of the series.

DeZero's SeqDataLoader gives one time step of 30 streams per batch; rungrad's
nn.data.SequenceLoader gives whole windows (bptt, batch, features) of those streams, and
nn.LSTM (PyTorch's) runs a window in one call, returning (output, (h, c)). The state goes
on to the next window detached, which is what makes the backprop truncated.
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim

(x_train, t_train), (x_test, t_test) = nn.datasets.sin_curve()
loader = nn.data.SequenceLoader(x_train, batch_size=30, bptt=30, targets=t_train)


class BetterRNN(nn.Module):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.LSTM(1, hidden_size)
        self.fc = nn.Linear(hidden_size, out_size)
        self.state = None

    def reset_state(self):
        self.state = None

    def forward(self, x):
        y, state = self.rnn(x, self.state)
        self.state = tuple(s.detach() for s in state)
        return self.fc(y)


np.random.seed(0)
model = BetterRNN(100, 1)
optimizer = optim.Adam(model.parameters(), lr=0.01)
for _ in range(60):
    model.reset_state()
    for x, t in loader:
        loss = F.mse_loss(model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

model.reset_state()
with ag.no_grad():
    predicted = model(x_test[:, None, :])   # the cos curve, one stream, (T, 1, 1)
test_loss = float(F.mse_loss(predicted[:, 0], t_test).data)
print(f"train loss {float(loss.data):.5f}, next-step loss on cos(t) {test_loss:.5f}")
assert test_loss < 0.01
