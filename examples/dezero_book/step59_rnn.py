"""Step 59: a recurrent network fed one time step at a time, trained by truncated
backpropagation through time (every 30 steps: backward, then cut the graph behind).

DeZero's L.RNN(hidden) keeps its hidden state itself; rungrad's nn.RNNCell(in, hidden) is
PyTorch's: it takes and returns the state, so the model below keeps it (reset_state). The
book trains 100 epochs (loss ~0.002); 3 show the fall. nn.RNN runs whole sequences at once
(step 60).
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim

(x_train, t_train), (x_test, t_test) = nn.datasets.sin_curve()  # DeZero's SinCurve


class SimpleRNN(nn.Module):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.RNNCell(1, hidden_size)
        self.fc = nn.Linear(hidden_size, out_size)
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        self.h = self.rnn(x, self.h)
        return self.fc(self.h)


np.random.seed(0)
model = SimpleRNN(100, 1)
optimizer = optim.Adam(model.parameters())   # lr=1e-3, as DeZero's Adam
bptt_length = 30
history = []
for epoch in range(3):
    model.reset_state()
    loss, count = 0, 0
    for x, t in zip(x_train, t_train):
        loss = loss + F.mse_loss(model(x.reshape(1, 1)), t.reshape(1, 1))
        count += 1
        if count % bptt_length == 0 or count == len(x_train):
            optimizer.zero_grad()
            loss.backward()
            loss.unchain_backward()    # truncate: the next window starts a new graph
            optimizer.step()
    history.append(loss.item() / count)   # .item(): float() of a 1-element 2-D array fails
    print(f"| epoch {epoch + 1} | loss {history[-1]:f}")

model.reset_state()
with ag.no_grad():
    predicted = np.array([model(x.reshape(1, 1)).item() for x in x_test])
test_loss = float(np.mean((predicted - t_test[:, 0]) ** 2))   # next step of cos(t)
print(f"next-step loss on cos(t) {test_loss:f}")
assert history[-1] < 0.1 < history[0] and test_loss < 0.05
