"""Notebook 06: perceptrons, XOR, activation functions, vanishing gradients, a digits MLP."""

# %% [markdown]
# # 6. From the perceptron to the multi-layer network
#
# The **perceptron** is the smallest unit of a neural network, modelled on a neuron: it
# weighs its inputs, adds a bias, and fires (outputs 1) when the sum crosses 0:
#
# $$y = h(w_1 x_1 + w_2 x_2 + b), \qquad h(a) = \begin{cases}1 & a > 0\\ 0 & a \le 0\end{cases}$$
#
# The weights say how much each input matters; the bias says how easily the neuron fires.
# This notebook builds logic gates from single perceptrons, meets the problem one layer
# cannot solve (XOR), and solves it with a hidden layer. Then it looks at the activation
# functions that replaced the step function, at why deep sigmoid networks stop learning
# (vanishing gradients), and trains a multi-layer perceptron on handwritten digits.

# %% [shared] setup

# %%
import nn.functional as F

# %% [shared] decision_boundary

# %% [markdown]
# ## Logic gates from single perceptrons
#
# With hand-picked weights a perceptron computes AND, OR or NAND (the values from *Deep
# Learning from Scratch*). Only the weights and bias differ; the "program" is the same.

# %%
def perceptron(x, w, b):
    """Step function of w.x + b, for each row of x."""
    return (x @ np.asarray(w) + b > 0).astype(int)


inputs = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
gates = {"AND": ([0.5, 0.5], -0.7), "OR": ([0.5, 0.5], -0.2), "NAND": ([-0.5, -0.5], 0.7)}
expected = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}
print("x1 x2 | " + "  ".join(f"{name:4s}" for name in gates))
for x in inputs:
    outputs = [perceptron(x[None], w, b)[0] for w, b in gates.values()]
    print(f" {x[0]}  {x[1]} | " + "  ".join(f"{o:<4d}" for o in outputs))
for name, (w, b) in gates.items():
    assert list(perceptron(inputs, w, b)) == expected[name], name

# %% [markdown]
# Geometrically, each perceptron draws a **line** $w \cdot x + b = 0$ and answers 1 on one
# side. For XOR (1 when exactly one input is 1) the two 1s sit on opposite corners: no single
# line separates them from the two 0s.

# %%
xor = np.array([0, 1, 1, 0])
fig, axes = plt.subplots(1, 4, figsize=(13, 3.3))
xs = np.linspace(-0.5, 1.5, 2)
for ax, (name, (w, b)) in zip(axes, gates.items()):
    ax.scatter(*inputs.T, c=expected[name], cmap="coolwarm", s=150, edgecolors="k",
               vmin=0, vmax=1)
    ax.plot(xs, -(w[0] * xs + b) / w[1], "k--")
    ax.set_title(name)
axes[3].scatter(*inputs.T, c=xor, cmap="coolwarm", s=150, edgecolors="k")
axes[3].set_title("XOR: no line works")
for ax in axes:
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_aspect("equal")
plt.show()

# %% [markdown]
# ## Stacking layers solves XOR
#
# XOR is "OR, but not AND", i.e. `AND(NAND(x), OR(x))`: two perceptrons in a first layer, one
# in a second. This **two-layer perceptron** computes what no single one can.

# %%
def xor_gate(x):
    hidden = np.stack([perceptron(x, *gates["NAND"]), perceptron(x, *gates["OR"])], axis=1)
    return perceptron(hidden, *gates["AND"])


print("XOR from NAND, OR and AND:", xor_gate(inputs))
assert list(xor_gate(inputs)) == list(xor)

# %% [markdown]
# ### Learning XOR instead of wiring it
#
# The step function has derivative 0 everywhere, so gradient descent cannot tune a
# perceptron. Replace it by the sigmoid and the same question can be *learned*. A single
# layer (logistic regression) cannot get all four points right, however long it trains. With
# one hidden layer of 4 tanh units it can.

# %%
x_xor = inputs.astype(np.float32)
t_xor = xor.astype(np.float32)


class TwoLayerNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.fc2(F.tanh(self.fc1(x)))


def train_xor(model, steps=1000, lr=0.5):
    optimizer = optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(x_xor)[:, 0], t_xor)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def xor_predict(model):
    return lambda x: (model(x).data[:, 0] > 0).astype(int)


np.random.seed(0)
single_layer = nn.Linear(2, 1)
two_layer = TwoLayerNet(hidden=4)
loss_single, loss_two = train_xor(single_layer), train_xor(two_layer)
accuracy_single = np.mean(xor_predict(single_layer)(x_xor) == xor)
accuracy_two = np.mean(xor_predict(two_layer)(x_xor) == xor)
print(f"one layer:  loss {loss_single:.3f}, accuracy {accuracy_single:.2f}")
print(f"two layers: loss {loss_two:.3f}, accuracy {accuracy_two:.2f}")
assert accuracy_single < 1.0 and accuracy_two == 1.0

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
plot_decision_boundary(xor_predict(single_layer), x_xor, xor, ax=axes[0],
                       title="one layer: a straight boundary")
plot_decision_boundary(xor_predict(two_layer), x_xor, xor, ax=axes[1],
                       title="hidden layer: XOR solved")
plt.show()

# %% [markdown]
# ## Activation functions and their derivatives
#
# Between layers sits a nonlinear **activation function**: without it, two linear layers
# collapse into one. Backprop multiplies the gradient by the activation's derivative at
# every layer, so its shape matters as much as the function's. Each derivative below is
# computed by autograd: for an elementwise $f$, `f(x).backward()` on a vector `x` leaves
# $f'(x)$ in `x.grad` at every point at once.

# %%
class Step(ag.Function):
    """y = 1 if x > 0 else 0;  dy/dx = 0 (wherever it exists)"""

    def forward(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, gy):
        return gy * 0


activations = {
    "step": lambda x: Step()(x), "sigmoid": F.sigmoid, "tanh": F.tanh, "ReLU": F.relu,
    "leaky ReLU": lambda x: F.leaky_relu(x, 0.1), "ELU": F.elu, "GELU": F.gelu,
    "softplus": F.softplus,
}
grid = np.linspace(-4, 4, 401)
derivatives = {}
fig, axes = plt.subplots(2, 4, figsize=(13, 5.5), sharex=True)
for ax, (name, f) in zip(axes.ravel(), activations.items()):
    x = Variable(grid.copy())
    y = f(x)
    y.backward()
    derivatives[name] = x.grad.data
    ax.plot(grid, y.data, label="f(x)")
    ax.plot(grid, x.grad.data, "--", label="f'(x)")
    ax.set_title(name)
    ax.set_ylim(-1.5, 4)
axes[0, 0].legend()
plt.tight_layout()
plt.show()

# %%
s = 1 / (1 + np.exp(-grid))
assert np.allclose(derivatives["sigmoid"], s * (1 - s))
assert np.allclose(derivatives["tanh"], 1 - np.tanh(grid) ** 2)
assert np.array_equal(derivatives["ReLU"], (grid > 0).astype(float))
print("largest derivative: sigmoid", derivatives["sigmoid"].max(), "| tanh",
      derivatives["tanh"].max(), "| ReLU", derivatives["ReLU"].max())
assert np.isclose(derivatives["sigmoid"].max(), 0.25)

# %% [markdown]
# The sigmoid's derivative is at most **0.25** (at 0), and nearly 0 once the input is far
# from 0 (the function *saturates*). tanh reaches 1 but saturates too. ReLU's derivative is
# exactly 1 for every positive input.
#
# ## Vanishing gradients
#
# Backprop multiplies one such derivative per layer. Through ten sigmoid layers the gradient
# is scaled by at most $0.25^{10} \approx 10^{-6}$ before it reaches the first layer: the
# layers near the input barely learn. Below, two 10-layer networks see the same batch, each
# with the initialization designed for its activation (Glorot for sigmoid, He for ReLU), and
# we measure the size of each layer's weight gradient.

# %%
class DeepNet(nn.Module):
    """`depth` hidden Linear layers of `width` units with one activation, then a classifier."""

    def __init__(self, activation, depth=10, width=32, n_in=64, n_out=10):
        super().__init__()
        sizes = [n_in] + [width] * depth
        self.hidden = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        self.out = nn.Linear(width, n_out)
        self.activation = activation

    def forward(self, x):
        for layer in self.hidden:
            x = self.activation(layer(x))
        return self.out(x)


def deep_net(activation, initialize):
    net = DeepNet(activation)
    for layer in net.hidden:
        initialize(layer.weight)
        nn.init.zeros_(layer.bias)
    return net


def gradient_norms(net, x, t):
    net.zero_grad()
    F.cross_entropy(net(x), t).backward()
    return np.array([np.linalg.norm(layer.weight.grad.data) for layer in net.hidden])


(x_digits, y_digits), (x_digits_test, y_digits_test) = nn.datasets.digits()
np.random.seed(0)
nets = {"sigmoid (Glorot init)": deep_net(F.sigmoid, nn.init.xavier_normal_),
        "ReLU (He init)": deep_net(F.relu, lambda w: nn.init.kaiming_normal_(
            w, nonlinearity="relu"))}
norms = {name: gradient_norms(net, x_digits[:256], y_digits[:256]) for name, net in nets.items()}

layers = np.arange(1, 11)
for offset, (name, values) in zip((-0.2, 0.2), norms.items()):
    plt.bar(layers + offset, values, width=0.4, label=name)
plt.yscale("log")
plt.xticks(layers)
plt.xlabel("hidden layer (1 = next to the input)")
plt.ylabel("|| dL/dW ||")
plt.legend()
plt.title("gradient size per layer in a 10-layer network")
plt.show()

for name, values in norms.items():
    print(f"{name:22s} first layer / last layer = {values[0] / values[-1]:.1e}")
sigmoid_ratio = norms["sigmoid (Glorot init)"][0] / norms["sigmoid (Glorot init)"][-1]
relu_ratio = norms["ReLU (He init)"][0] / norms["ReLU (He init)"][-1]
assert sigmoid_ratio < 1e-4 < 1e-2 < relu_ratio

# %% [markdown]
# The sigmoid network's first layer gets a gradient about a million times smaller than its
# last, close to the $0.25^{10}$ estimate; the ReLU network's gradients stay within one order
# of magnitude. (With the wrong initialization, ReLU networks vanish too: initialization and
# activation go together.) What that means for training: ten epochs of the same optimizer
# on the digits. A network that guesses uniformly among the 10 classes has loss
# $\ln 10 \approx 2.30$. The learning rate is small on purpose: a network this deep is
# fragile, and plain SGD with a large step (0.1, say) makes even the ReLU network's loss jump
# up and down instead of falling.

# %%
def train_epochs(model, x, y, epochs, lr=0.1, batch_size=32):
    """Plain mini-batch SGD with cross-entropy; returns the loss after each epoch."""
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=batch_size,
                                shuffle=True, seed=0)
    history = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        history.append(total / len(y))
    return history


deep_epochs = 10
curves = {name: train_epochs(net, x_digits, y_digits, epochs=deep_epochs, lr=0.03)
          for name, net in nets.items()}
for name, history in curves.items():
    plt.plot(range(1, deep_epochs + 1), history, "o-", label=name)
plt.axhline(np.log(10), color="gray", ls=":", label="guessing: ln 10")
plt.xlabel("epoch")
plt.ylabel("training loss")
plt.legend()
plt.title("10 hidden layers: the sigmoid network barely moves")
plt.show()
for name, history in curves.items():
    print(f"{name:22s} training loss after {deep_epochs} epochs: {history[-1]:.3f}")
assert curves["sigmoid (Glorot init)"][-1] > 0.95 * np.log(10)
# Across seeds the ReLU network ends between 0.33 and 0.65; the sigmoid one stays at ln 10.
assert curves["ReLU (He init)"][-1] < 0.5 * np.log(10)

# %% [markdown]
# ## A multi-layer perceptron for handwritten digits
#
# The bundled `nn.datasets.digits()` are 1,797 handwritten digits of 8 x 8 pixels, already
# **normalized** to $[0, 1]$ and **flattened** to 64 numbers per image. The output layer has
# one unit per class (10), and **softmax** turns the 10 scores into probabilities:
#
# $$\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}} .$$
#
# The loss is the **cross-entropy** $-\sum_k t_k \log y_k$ with the label as a **one-hot**
# vector $t$; it reduces to $-\log$ (the probability of the right class).
# `F.cross_entropy` takes the raw scores (logits) and integer labels and does all of it in a
# numerically stable way.

# %%
fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, image, label in zip(axes, x_digits, y_digits):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
plt.show()
print("train:", x_digits.shape, x_digits.dtype, "| test:", x_digits_test.shape,
      "| labels:", y_digits[:8])

# %%
scores = Variable(np.array([[2.0, 1.0, 0.1]]))
label = np.array([0])
probabilities = F.softmax(scores)
one_hot = F.one_hot(label, 3)
by_hand = -(one_hot * ag.log(probabilities)).sum()
print("softmax:", probabilities.data, "sums to", probabilities.data.sum())
print("one-hot target:", one_hot.data)
print("cross-entropy by hand:", by_hand.item(), "| F.cross_entropy:",
      F.cross_entropy(scores, label).item())
assert np.isclose(by_hand.item(), F.cross_entropy(scores, label).item())

# %%
class MLP(nn.Module):
    """64 -> 100 -> 10 with ReLU: the network the notes call a two-layer perceptron."""

    def __init__(self, n_in=64, hidden=100, n_out=10):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden)
        self.fc2 = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


np.random.seed(0)
mlp = MLP()
history = train_epochs(mlp, x_digits, y_digits, epochs=50, lr=0.2)
with ag.no_grad():
    test_scores = mlp(x_digits_test).data
test_accuracy = nn.metrics.accuracy(y_digits_test, test_scores)
print(f"MLP test accuracy: {test_accuracy:.3f} (training loss {history[-1]:.3f})")
assert test_accuracy > 0.93  # 0.958-0.967 across seeds

# %%
predicted = test_scores.argmax(axis=1)
wrong = np.flatnonzero(predicted != y_digits_test)
fig, axes = plt.subplots(1, 8, figsize=(10, 1.9))
for ax, i in zip(axes, np.r_[np.arange(4), wrong[:4]]):
    ax.imshow(x_digits_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{predicted[i]} (true {y_digits_test[i]})", fontsize=9,
                 color="k" if predicted[i] == y_digits_test[i] else "r")
    ax.axis("off")
plt.suptitle("predictions on test digits; red = mistakes", y=1.05)
plt.show()

# %% [markdown]
# **MNIST** (70,000 digits of 28 x 28) plugs into exactly the same code:
# `(x_train, y_train), (x_test, y_test) = nn.datasets.mnist()` downloads it once (with
# checksums) into a cache folder and returns flattened float32 images of 784 pixels, so only
# `MLP(n_in=784)` changes. These notebooks stay offline and use the bundled digits.
#
# **Next:** notebook 7 compares optimizers that do better than plain SGD.
