"""Notebook 06: ML vs DL, perceptrons, XOR, activation functions, vanishing gradients, softmax
and its backward pass, a digits MLP."""

# %% [markdown]
# # 6. From the perceptron to the multi-layer network
#
# ## Machine learning and deep learning
#
# Both learn their weights from data instead of following hand-written rules, and deep
# learning is a part of machine learning: the part that uses **artificial neural networks**
# with many layers. The difference that matters in practice is **who makes the features**.
#
# * In classic machine learning a person does the **feature engineering**: decides which
#   measurements describe the input (the ink in each row of a digit, the edges in a photo)
#   and hands those to a learning algorithm (logistic regression, an SVM). A task is often a
#   chain of separately built steps: find the object's outline (with GrabCut, say), then
#   classify the cut-out with an SVM.
# * A deep network takes the raw input (all the pixels) and learns its own features in its
#   hidden layers, together with the classifier on top, from the one loss at the end:
#   **end-to-end learning**. Detectors such as Faster R-CNN and YOLO go from pixels to boxes
#   and labels in one trained network.
#
# The notes tell it as three stages of how learning evolved: **rules** a person writes (the
# perceptrons with hand-set weights below); **features** a person chooses, with a classifier
# the machine learns; and **representations** the machine learns from the data too. At the
# end of this notebook a network on raw pixels beats a classifier on hand-made features, and
# notebook 10 shows the features a convolutional network learned: its first-layer filters
# turn out to be stroke and edge detectors nobody programmed.
#
# ## The perceptron
#
# The **perceptron** is the smallest unit of a neural network, modelled on a neuron. A
# nerve cell receives electric signals through its connections, some stronger than others;
# when their sum passes a **threshold** it fires a signal on to the next cells, otherwise it
# stays silent: 1 or 0. The perceptron does the same with numbers: it weighs its inputs,
# adds them up, and outputs 1 when the sum crosses the threshold $\theta$. Moving $\theta$ to
# the left side as the **bias** $b = -\theta$ gives the usual form, which fires when the sum
# crosses 0:
#
# $$y = h(w_1 x_1 + w_2 x_2 + b), \qquad h(a) = \begin{cases}1 & a > 0\\ 0 & a \le 0\end{cases}$$
#
# The weights say how much each input matters; the bias says how easily the neuron fires.
# This notebook builds logic gates from single perceptrons, meets the problem one layer
# cannot solve (XOR), and solves it with a hidden layer. Then it looks at the activation
# functions that replaced the step function (and which one to use where), at why deep
# sigmoid networks stop learning (vanishing gradients), at softmax with its overflow trap
# and its backward pass, and trains a multi-layer perceptron on handwritten digits.

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
# Two ways of writing the same neuron. With a threshold, "fire when $w \cdot x > \theta$" is
# the perceptron with $b = -\theta$. And the bias is just one more weight, on an input that is
# always **1**: append a column of ones to $x$ and $b$ to $w$, and the bias disappears into
# the matrix product (the notes: "b has a weight too, but its input is always 1, so only b
# is written").

# %%
w_and, b_and = gates["AND"]
theta = -b_and
fires_at_threshold = (inputs @ np.array(w_and) > theta).astype(int)
inputs_with_one = np.hstack([inputs, np.ones((4, 1))])    # x0 = 1 for every sample
weights_with_bias = np.array([*w_and, b_and])             # ... and its weight is b
bias_as_weight = (inputs_with_one @ weights_with_bias > 0).astype(int)
print("threshold form:", fires_at_threshold, "| bias as a weight on a constant 1:",
      bias_as_weight)
assert list(fires_at_threshold) == list(bias_as_weight) == expected["AND"]

# %% [markdown]
# A pitfall from the notes: the step function written as `if x > 0: return 1` works for one
# number but not for an array, because `x > 0` is then an array of booleans and `if` needs
# one truth value. The array way is to convert the boolean array itself, as `perceptron`
# does with `(... > 0).astype(int)`.

# %%
def step_with_if(x):
    if x > 0:
        return 1
    return 0


scores_array = np.array([-1.0, 1.0, 2.0])
try:
    step_with_if(scores_array)
except ValueError as error:
    print("ValueError:", error)
else:
    raise AssertionError("`if array > 0` should have failed")
print("step_with_if(2.0) =", step_with_if(2.0), "| (x > 0).astype(int) =",
      (scores_array > 0).astype(int))
assert list((scores_array > 0).astype(int)) == [0, 1, 1]

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
# The step function has derivative 0 everywhere (except at 0, where it jumps and has
# none), so gradient descent cannot tune a perceptron. Replace it by the sigmoid and the same question can be *learned*. A single
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
# ### A 3-layer network is three matrix products
#
# A layer of neurons applied to a batch is one matrix product: with inputs $X$ of shape
# (samples, inputs) and weights $W$ of shape (inputs, units), $A = XW + b$ has shape
# (samples, units), then the activation acts elementwise. The notes' example (from *Deep
# Learning from Scratch*): 2 inputs, hidden layers of 3 and 2 sigmoid units, 2 outputs
# with the identity as the output activation. The inner sizes of each product must agree:
# (1, 2) @ (2, 3) -> (1, 3) @ (3, 2) -> (1, 2) @ (2, 2) -> (1, 2).

# %%
def sigmoid_array(a):
    return 1 / (1 + np.exp(-a))


X = np.array([[1.0, 0.5]])
W1, b1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), np.array([0.1, 0.2, 0.3])
W2, b2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), np.array([0.1, 0.2])
W3, b3 = np.array([[0.1, 0.3], [0.2, 0.4]]), np.array([0.1, 0.2])
Z1 = sigmoid_array(X @ W1 + b1)
Z2 = sigmoid_array(Z1 @ W2 + b2)
Y = Z2 @ W3 + b3                      # identity output
for name, value in [("X", X), ("Z1", Z1), ("Z2", Z2), ("Y", Y)]:
    print(f"{name:2s} {str(value.shape):7s} {value}")
assert [v.shape for v in (Z1, Z2, Y)] == [(1, 3), (1, 2), (1, 2)]
assert np.allclose(Y, [[0.31682708, 0.69627909]])

# The same network from nn layers (nn.Linear stores W transposed: (units, inputs)).
three_layers = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid(),
                             nn.Linear(2, 2))
for layer, (w, b) in zip(three_layers[::2], [(W1, b1), (W2, b2), (W3, b3)]):
    layer.weight.data = w.T.astype(np.float32)
    layer.bias.data = b.astype(np.float32)
assert np.allclose(three_layers(X.astype(np.float32)).data, Y, atol=1e-6)

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
# from 0 (the function *saturates*). (One of the study notes says 0.3; the exact maximum is
# $\sigma(0)(1 - \sigma(0)) = 0.5 \cdot 0.5 = 0.25$.) tanh reaches 1 but saturates too.
# ReLU's derivative is exactly 1 for every positive input, and exactly 0 for every negative
# one: a unit whose input is negative for every sample gets no gradient at all and never
# recovers (a "dead" ReLU). **Leaky ReLU** fixes that with a small slope $\alpha$ (0.1 here,
# often 0.01) on the negative side, so some gradient always flows.

# %%
negative = grid < 0
print(f"on [-4, 4]: sigmoid from {s.min():.3f} to {s.max():.3f}, tanh from "
      f"{np.tanh(grid).min():.3f} to {np.tanh(grid).max():.3f}")
print("derivative for negative inputs: ReLU", np.unique(derivatives["ReLU"][negative]),
      "| leaky ReLU", np.unique(derivatives["leaky ReLU"][negative].round(6)))
assert 0 < s.min() < 0.02 and 0.98 < s.max() < 1 and -1 < np.tanh(grid).min() < -0.99
assert np.all(derivatives["ReLU"][negative] == 0)
assert np.allclose(derivatives["leaky ReLU"][negative], 0.1)
assert np.allclose(np.tanh(grid), 2 / (1 + np.exp(-2 * grid)) - 1)  # tanh x = 2 sigmoid(2x) - 1

# %% [markdown]
# ### Which activation where
#
# The sigmoid maps to $(0, 1)$, which reads as a probability or as "how much to let
# through"; tanh is the same S-shape stretched to $(-1, 1)$ and centred on 0
# ($\tanh x = 2\sigma(2x) - 1$). The usual choices, as the notes give them:
#
# | where | activation | why |
# |---|---|---|
# | hidden layers of MLPs and CNNs | **ReLU** family (ReLU, leaky ReLU, ELU, GELU) | no saturation for positive inputs, so deep networks still get gradients (below) |
# | recurrent networks (notebook 11) | **tanh** for the state, **sigmoid** for the gates | a state in $(-1, 1)$ cannot blow up over many steps; a gate in $(0, 1)$ is a fraction to keep |
# | output, regression | none (identity, "linear") | any real number |
# | output, yes/no | sigmoid | a probability |
# | output, one of $K$ classes | softmax | $K$ probabilities that sum to 1 |
#
# When unsure, start with ReLU in the hidden layers.
#
# ## Vanishing gradients
#
# A network with two or more hidden layers is called a **deep neural network (DNN)**: the
# "deep" in deep learning. Deep networks were long hard to train, and the main reason is
# this: backprop multiplies one such derivative per layer. Through ten sigmoid layers the
# activations' derivatives alone scale the gradient by at most $0.25^{10} \approx 10^{-6}$
# before it reaches the first layer (the weights multiply in too, and with the usual
# initializations they do not make up for it): the layers near the input barely learn. Below, two 10-layer networks, each with the
# initialization designed for its activation (Glorot for sigmoid, He for ReLU), train for
# ten epochs on the digits with `compile` and `fit`. Instead of measuring gradients by
# hand, we let the library watch them: the callback `nn.callbacks.GradientMonitor` records
# the mean norm of every parameter's gradient in each epoch, in the history under
# `grad_norm/<name>` (the parameter's dotted name, e.g. `grad_norm/hidden.0.weight`), and
# with `plot=` draws them.
#
# The learning rate is small on purpose: a network this deep is fragile, and plain SGD with
# a large step (0.1, say) makes even the ReLU network's loss jump up and down instead of
# falling.

# %%
class DeepNet(nn.Model):
    """`depth` hidden Linear layers of `width` units with one activation, then a classifier;
    `initialize(weight)` sets each hidden layer's weights (the biases start at 0)."""

    def __init__(self, activation, initialize, depth=10, width=32, n_in=64, n_out=10):
        super().__init__()
        sizes = [n_in] + [width] * depth
        self.hidden = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        self.out = nn.Linear(width, n_out)
        self.activation = activation
        for layer in self.hidden:
            initialize(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        for layer in self.hidden:
            x = self.activation(layer(x))
        return self.out(x)


(x_digits, y_digits), (x_digits_test, y_digits_test) = nn.datasets.digits()
np.random.seed(0)  # the initial weights, and fit's shuffling (NumPy's global generator)
nets = {"sigmoid": DeepNet(F.sigmoid, nn.init.xavier_normal_),
        "ReLU": DeepNet(F.relu, lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))}
histories = {}
for tag, net in nets.items():
    net.compile(optimizer=optim.SGD(lr=0.03), loss="sparse_categorical_crossentropy")
    histories[tag] = net.fit(x_digits, y_digits, epochs=10, batch_size=32, verbose=0, callbacks=[
        nn.callbacks.GradientMonitor(plot=OUT / f"{tag}_grads.png")])

# each hidden layer's weight-gradient norm: rows are layers (first = next to the input),
# columns epochs
norms = {tag: np.array([h.history[f"grad_norm/hidden.{i}.weight"] for i in range(10)])
         for tag, h in histories.items()}
layers = np.arange(1, 11)
for offset, (tag, values) in zip((-0.2, 0.2), norms.items()):
    plt.bar(layers + offset, values[:, 0], width=0.4, label=tag)
plt.yscale("log")
plt.xticks(layers)
plt.xlabel("hidden layer (1 = next to the input)")
plt.ylabel("mean || dL/dW ||, epoch 1")
plt.ylim(plt.ylim()[0], 10)  # room for the legend above the bars (a log axis: both limits)
plt.legend(ncol=2, loc="upper center")
plt.title("gradient size per layer in a 10-layer network")
plt.show()

ratios = {tag: values[0] / values[-1] for tag, values in norms.items()}  # per epoch
for tag, ratio in ratios.items():
    print(f"{tag:8s} first layer / last layer, per epoch: {ratio.min():.1e} to {ratio.max():.1e}")
# Across seeds: sigmoid 2.3e-06 to 4.1e-06, ReLU 1.6 to 3.3 (its layers within 3.5x of
# each other)
assert ratios["sigmoid"].max() < 1e-4 < 0.1 < ratios["ReLU"].min()
assert np.all(norms["ReLU"].max(axis=0) < 10 * norms["ReLU"].min(axis=0))

# %% [markdown]
# The sigmoid network's first layer gets a gradient a few hundred thousand times smaller
# than its last hidden layer, in every epoch: close to the $0.25^{10}$ estimate. The ReLU
# network's gradients stay within one order of magnitude of each other. (With the wrong
# initialization, ReLU networks vanish too: initialization and activation go together.)
# GradientMonitor's pictures show the same over the whole training, one line per parameter
# (weights solid, biases dashed): the sigmoid network's lines are spread over seven orders
# of magnitude and stay flat, the ReLU network's lie together and grow as it learns.

# %%
import IPython.display as ipd

for tag in nets:
    ipd.display(ipd.Image(filename=str(OUT / f"{tag}_grads.png"), width=640))

# %% [markdown]
# What that means for training: the loss per epoch is in the same history, under `loss`.
# A network that guesses uniformly among the 10 classes has loss $\ln 10 \approx 2.30$.

# %%
curves = {tag: h.history["loss"] for tag, h in histories.items()}
for tag, loss in curves.items():
    plt.plot(range(1, len(loss) + 1), loss, "o-", label=tag)
plt.axhline(np.log(10), color="gray", ls=":", label="guessing: ln 10")
plt.xlabel("epoch")
plt.ylabel("training loss")
plt.legend()
plt.title("10 hidden layers: the sigmoid network barely moves")
plt.show()
for tag, loss in curves.items():
    print(f"{tag:8s} training loss after {len(loss)} epochs: {loss[-1]:.3f}")
assert curves["sigmoid"][-1] > 0.95 * np.log(10)
# Across seeds the ReLU network ends between 0.24 and 0.74; the sigmoid one stays at ln 10.
assert curves["ReLU"][-1] < 0.5 * np.log(10)

# %% [markdown]
# ## A multi-layer perceptron for handwritten digits
#
# The bundled `nn.datasets.digits()` are 1,797 handwritten digits of 8 x 8 pixels, already
# **normalized** to $[0, 1]$ and **flattened** to 64 numbers per image.
#
# Both steps are preprocessing the notes list for MNIST. The images are grayscale: **one
# channel** per pixel (a colour image has three: red, green, blue). Raw pixels are counts
# in a fixed range, 0 to 16 for these digits and 0 to 255 for MNIST, and dividing by the
# maximum scales them to $[0, 1]$ (MNIST: `x / 255`), so the inputs and the first layer's
# weights start at a sensible size. **Flattening** turns each 2-D image into one row of
# $8 \cdot 8 = 64$ numbers (MNIST: $28 \cdot 28 = 784$) for a layer that takes vectors.

# %%
(raw_digits, _), _ = nn.datasets.digits(normalize=False, flatten=False)
print("raw:", raw_digits.shape, raw_digits.dtype, "values", raw_digits.min(), "to",
      raw_digits.max(), "| scaled and flattened:", x_digits.shape, x_digits.dtype)
scaled = (raw_digits / 16).reshape(len(raw_digits), -1)   # MNIST: raw / 255
assert raw_digits.shape[1:] == (1, 8, 8) and raw_digits.max() == 16
assert np.allclose(scaled, x_digits)

# %% [markdown]
# The output layer has one unit per class (10), and **softmax** turns the 10 scores into
# probabilities:
#
# $$\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}} .$$
#
# It is not "a sigmoid applied to each class", as one note puts it: $K$ independent sigmoids
# give $K$ numbers in (0, 1) that need not sum to 1 (that is the output for *multi-label*
# problems, where a sample may belong to several classes at once). Softmax couples the
# scores through the shared denominator, so raising one class's score lowers the others'
# probabilities; with two classes, $\mathrm{softmax}(z)_1 = \sigma(z_1 - z_0)$.
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
print("a sigmoid per class instead:", F.sigmoid(scores).data, "sums to",
      F.sigmoid(scores).data.sum())
print("one-hot target:", one_hot.data)
print("cross-entropy by hand:", by_hand.item(), "| F.cross_entropy:",
      F.cross_entropy(scores, label).item())
assert np.isclose(by_hand.item(), F.cross_entropy(scores, label).item())
assert not np.isclose(F.sigmoid(scores).data.sum(), 1.0)

# %% [markdown]
# ### Softmax overflows, unless you subtract the maximum
#
# $e^{z}$ overflows float64 once $z > 709$ (float32: 88). Written naively, softmax then
# computes $\infty / \infty$ = NaN, and any accuracy computed from it is garbage (the notes
# see exactly this: "exp goes to infinity, so the accuracy is unstable"). The fix costs
# nothing: softmax does not change when the same constant is subtracted from every score,
# because $e^{z_k - c} / \sum_j e^{z_j - c} = e^{z_k} / \sum_j e^{z_j}$. Subtracting the largest
# score makes every exponent $\le 0$, so nothing overflows. `F.softmax` and
# `F.cross_entropy` do this for you.

# %%
def naive_softmax(z):
    return np.exp(z) / np.exp(z).sum()


def stable_softmax(z):
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum()


big_scores = np.array([1010.0, 1000.0, 990.0])
with np.errstate(over="ignore", invalid="ignore"):
    naive = naive_softmax(big_scores)
print("naive:        ", naive)
print("max subtracted:", stable_softmax(big_scores))
print("F.softmax:     ", F.softmax(Variable(big_scores)).data)
assert np.isnan(naive).all()
assert np.allclose(F.softmax(Variable(big_scores)).data, stable_softmax(big_scores))
assert np.allclose(stable_softmax(big_scores), naive_softmax(big_scores - 1000))

# %% [markdown]
# ### Two classes: softmax is the sigmoid
#
# With two classes, $\mathrm{softmax}(z)_1 = e^{z_1} / (e^{z_0} + e^{z_1}) = 1 / (1 + e^{-(z_1 -
# z_0)}) = \sigma(z_1 - z_0)$: softmax over two scores is the sigmoid of their difference.
# That is why binary classification needs only one output unit and the sigmoid (notebook
# 5), and why softmax is "the sigmoid generalized to many classes".

# %%
pairs = np.random.default_rng(0).normal(0, 3, size=(5, 2))
softmax_second = F.softmax(Variable(pairs)).data[:, 1]
sigmoid_of_difference = F.sigmoid(Variable(pairs[:, 1] - pairs[:, 0])).data
print("softmax(z)[1]:  ", softmax_second)
print("sigmoid(z1-z0): ", sigmoid_of_difference)
assert np.allclose(softmax_second, sigmoid_of_difference)

# %% [markdown]
# ### The backward pass of softmax-with-loss
#
# Softmax followed by the cross-entropy has a famously simple gradient. For a batch of $N$
# samples with probabilities $y$ = softmax(scores) and one-hot targets $t$, the mean loss's
# gradient with respect to the scores is
#
# $$\frac{\partial L}{\partial z} = \frac{y - t}{N}:$$
#
# the prediction minus the target, the *error* itself, sent back to the layer below
# (divided by $N$ because the loss is the batch mean). Every path through the exp, the sum,
# the division and the log cancels down to this. Computed by hand, and by backprop:

# %%
batch_scores = Variable(np.random.default_rng(1).normal(size=(4, 3)))
batch_labels = np.array([0, 2, 1, 2])
F.cross_entropy(batch_scores, batch_labels).backward()
y_batch = F.softmax(batch_scores).data
t_batch = np.eye(3)[batch_labels]
by_hand_grad = (y_batch - t_batch) / len(batch_labels)
print("(y - t) / N:\n", by_hand_grad)
print("backprop:\n", batch_scores.grad.data)
assert np.allclose(batch_scores.grad.data, by_hand_grad, atol=1e-12)

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
# ### Hand-made features vs learned ones
#
# The opening section's claim, measured. A person designs 16 features for each digit (how
# much ink is in each of the 8 rows and each of the 8 columns) and a linear classifier
# learns from them: classic machine learning. The MLP above got the raw 64 pixels and
# learned its own features in its hidden layer.

# %%
def ink_profile(x):
    """16 hand-made features: the mean ink of each row and each column of the 8 x 8 image."""
    images = x.reshape(-1, 8, 8)
    return np.concatenate([images.mean(axis=2), images.mean(axis=1)], axis=1)


np.random.seed(0)
classic = nn.Linear(16, 10)
train_epochs(classic, ink_profile(x_digits), y_digits, epochs=50, lr=0.5)
with ag.no_grad():
    classic_accuracy = nn.metrics.accuracy(y_digits_test, classic(ink_profile(x_digits_test)).data)
print(f"hand-made features + linear classifier: {classic_accuracy:.3f} | "
      f"MLP on raw pixels: {test_accuracy:.3f}")
assert test_accuracy > classic_accuracy + 0.07  # across seeds 0.83 vs 0.96

# %% [markdown]
# ### The same network at MNIST's size, shape by shape
#
# The notes run a trained MNIST network with hidden layers of 50 and 100 units on batches
# of 100 images. The shapes are what matter, so here it is with random weights: each layer
# is a matrix product whose inner sizes must agree, and the batch size rides along as the
# first axis.

# %%
mnist_batch = np.random.default_rng(0).random((100, 784))          # 100 flattened 28 x 28
mnist_sizes = [784, 50, 100, 10]
weight_rng = np.random.default_rng(1)  # one generator: each layer draws its own numbers
mnist_weights = [weight_rng.normal(0, 0.1, size=(a, b))
                 for a, b in zip(mnist_sizes[:-1], mnist_sizes[1:])]
a = mnist_batch
for layer, w in enumerate(mnist_weights, 1):
    z = a @ w
    print(f"layer {layer}: {a.shape} @ {w.shape} -> {z.shape}")
    a = 1 / (1 + np.exp(-z)) if layer < 3 else F.softmax(Variable(z)).data
batch_predictions = a.argmax(axis=1)
print("probabilities", a.shape, "-> predicted classes", batch_predictions.shape)
assert a.shape == (100, 10) and batch_predictions.shape == (100,)
assert np.allclose(a.sum(axis=1), 1)

# %% [markdown]
# **MNIST** (70,000 digits of 28 x 28) plugs into exactly the same code:
# `(x_train, y_train), (x_test, y_test) = nn.datasets.mnist()` downloads it once (with
# checksums) into a cache folder and returns flattened float32 images of 784 pixels, so only
# `MLP(n_in=784)` changes. These notebooks stay offline and use the bundled digits.
#
# **Next:** notebook 7 compares optimizers that do better than plain SGD.
