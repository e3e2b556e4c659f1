"""Notebook 10: convolution and pooling, and a small CNN on the digits."""

# %% [markdown]
# # 10. A convolutional network on the digits
#
# An MLP flattens an image into a list of numbers and forgets which pixels were neighbours.
# A **convolutional neural network** (CNN) keeps the 2-D layout: a **convolution** slides a
# small filter (say 3 x 3) over the image and computes a weighted sum at every position, so
# the same few weights detect the same pattern (an edge, a stroke end) everywhere. A
# **pooling** layer then summarizes small neighbourhoods (for instance their maximum),
# making the result smaller and less sensitive to exact positions.
#
# This notebook computes a convolution by hand, draws convolution and pooling as graphs,
# trains a small CNN on the bundled 8 x 8 digits, looks at what its filters learned, and
# compares it with an MLP of about the same size.

# %% [shared] setup

# %%
import nn.functional as F

# %% [markdown]
# ## Convolution by hand
#
# Images come as (batch N, channels C, height H, width W). A filter bank has shape
# (out channels, in channels, KH, KW). Each output pixel is the sum of an input window
# times the filter, plus a bias. (Deep-learning "convolution" does not flip the filter:
# mathematically it is a cross-correlation.)

# %%
def convolve_by_hand(image, kernel):
    """One channel, stride 1, no padding: image (H, W), kernel (KH, KW)."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


image = np.zeros((6, 6))
image[:, 3:] = 1.0                               # dark left half, bright right half
vertical_edge = np.array([[-1.0, 0.0, 1.0]] * 3)  # responds where brightness grows to the right
by_hand = convolve_by_hand(image, vertical_edge)
by_library = F.conv2d(image[None, None], vertical_edge[None, None]).data[0, 0]
print(by_library)
assert np.allclose(by_hand, by_library)

fig, axes = plt.subplots(1, 3, figsize=(9, 3))
for ax, (title, values) in zip(axes, [("input (6 x 6)", image), ("filter (3 x 3)", vertical_edge),
                                      ("output (4 x 4): the edge", by_library)]):
    ax.imshow(values, cmap="gray")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
plt.show()

# %% [markdown]
# The output size follows from how many positions the window fits into:
# $OH = \lfloor\frac{H + 2P - KH}{S}\rfloor + 1$, with padding $P$ (zeros added around the
# border) and stride $S$ (how far the window jumps): a window that would stick out is not
# used, hence the floor. Padding 1 with a 3 x 3 filter keeps the size.

# %%
x = np.random.default_rng(0).normal(size=(2, 3, 8, 8)).astype(np.float32)  # N, C, H, W
for stride, padding in [(1, 0), (1, 1), (2, 1)]:
    layer = nn.Conv2d(3, 4, kernel_size=3, stride=stride, padding=padding)
    out = layer(x)
    expected = (8 + 2 * padding - 3) // stride + 1
    print(f"stride {stride}, padding {padding}: {x.shape} -> {out.shape}")
    assert out.shape == (2, 4, expected, expected)

# %% [markdown]
# ## Convolution and pooling as graphs
#
# In rungrad a whole convolution is one node of the graph (`Conv2d`). Internally it is turned
# into a single matrix product ("im2col": every window becomes a row), which is what makes
# it fast in NumPy. Max pooling is one node too (`MaxPool2d`): its forward pass remembers
# which position of each window held the maximum, and its backward pass sends each
# window's gradient back to that position.

# %%
small = Variable(np.random.default_rng(1).normal(size=(1, 1, 4, 4)).astype(np.float32), name="x")
weight = Variable(np.random.default_rng(2).normal(size=(2, 1, 3, 3)).astype(np.float32),
                  name="W")
bias = Variable(np.zeros(2, dtype=np.float32), name="b")
features = F.relu(F.conv2d(small, weight, bias, padding=1))
features.name = "features"
pooled = F.max_pool2d(features, 2)
pooled.name = "pooled"
ag.plot_graph(pooled, to_file=OUT / "conv_pool.png")
assert [type(v.creator).__name__ for v in (pooled, features)] == ["MaxPool2d", "ReLU"]

# %% [markdown]
# ### Max pooling and its gradient
#
# 2 x 2 max pooling keeps the largest value of each 2 x 2 block. Its backward pass sends the
# gradient only to the position that won; the other three get zero.

# %%
block = Variable(np.array([[[[1.0, 3.0, 2.0, 0.0],
                             [4.0, 2.0, 1.0, 5.0],
                             [0.0, 1.0, 7.0, 2.0],
                             [2.0, 6.0, 3.0, 1.0]]]]))
pooled_block = F.max_pool2d(block, 2)
pooled_block.backward()
print("max pooled:\n", pooled_block.data[0, 0])
print("gradient reaching the input (1 where a maximum was):\n", block.grad.data[0, 0])
assert np.array_equal(pooled_block.data[0, 0], [[4, 5], [6, 7]])
assert block.grad.data.sum() == 4 and block.grad.data[0, 0, 1, 0] == 1

# %% [markdown]
# ## A small CNN for the digits
#
# `nn.datasets.digits(flatten=False)` keeps the images as (N, 1, 8, 8). The network:
#
# | layer | output shape | parameters |
# |---|---|---|
# | `Conv2d(1, 16, 3, padding=1)` + ReLU | (N, 16, 8, 8) | 16 x 9 + 16 = 160 |
# | `MaxPool2d(2)` | (N, 16, 4, 4) | 0 |
# | flatten + `Linear(256, 10)` | (N, 10) | 2,570 |
#
# For comparison, an MLP with one hidden layer of 40 units has about as many parameters
# (3,010) but sees the pixels as an unordered list.

# %%
(x_train, y_train), (x_test, y_test) = nn.datasets.digits(flatten=False)
print("images:", x_train.shape, x_train.dtype)

# %% [markdown]
# ### Channels, and MNIST's shapes
#
# The channel axis is how many numbers describe one pixel. Grayscale images such as these
# digits and MNIST have **one** channel (how dark); colour images have **three** (red,
# green, blue), so a batch of RGB photos is (N, 3, H, W), and the first convolution must
# then take 3 input channels: each filter is (3, KH, KW) and sums over the colours too.
# MNIST's images are (N, 1, 28, 28) with raw values 0 to 255, scaled by `/ 255` to
# $[0, 1]$; an MLP takes them flattened to $28 \cdot 28 = 784$ numbers, a CNN as they are.

# %%
raw_mnist_like = np.random.default_rng(0).integers(0, 256, size=(100, 1, 28, 28),
                                                   dtype=np.uint8)
scaled_mnist = raw_mnist_like.astype(np.float32) / 255
flat_mnist = scaled_mnist.reshape(len(scaled_mnist), -1)
rgb_batch = np.random.default_rng(1).random((100, 3, 28, 28)).astype(np.float32)
gray_conv, rgb_conv = nn.Conv2d(1, 8, kernel_size=3), nn.Conv2d(3, 8, kernel_size=3)
print("MNIST-shaped batch", raw_mnist_like.shape, raw_mnist_like.dtype, "-> scaled to",
      f"[{scaled_mnist.min()}, {scaled_mnist.max()}]", "-> flattened", flat_mnist.shape)
print("grayscale filters", gray_conv.weight.shape, "->", gray_conv(scaled_mnist).shape,
      "| RGB filters", rgb_conv.weight.shape, "->", rgb_conv(rgb_batch).shape)
assert flat_mnist.shape == (100, 784) and 0 <= scaled_mnist.min() and scaled_mnist.max() <= 1
assert gray_conv(scaled_mnist).shape == rgb_conv(rgb_batch).shape == (100, 8, 26, 26)
assert rgb_conv.weight.shape == (8, 3, 3, 3)


class DigitsCNN(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * 4 * 4, 10)

    def feature_maps(self, x):
        return F.relu(self.conv(x))

    def forward(self, x):
        h = self.pool(self.feature_maps(x))
        return self.fc(h.reshape(len(x), -1))


class DigitsMLP(nn.Module):
    def __init__(self, hidden=40):
        super().__init__()
        self.fc1 = nn.Linear(64, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.reshape(len(x), -1))))


# %% [shared] fit_classifier

# %%
def train(model, epochs=15):
    return fit_classifier(model, x_train, y_train, x_test, y_test, epochs)


def count_parameters(model):
    return sum(p.size for p in model.parameters())


# One run's test accuracy moves by a point or two from epoch to epoch and from one
# initialization to the next: as much as the gap to measure. So each model is trained from
# five initializations, and the comparison uses the mean over runs and the last 5 epochs.
np.random.seed(0)
models = {"CNN": DigitsCNN, "MLP": DigitsMLP}
runs = {name: [] for name in models}
for _ in range(5):
    for name, make in models.items():
        model = make()
        runs[name].append((model, train(model)))
cnn = runs["CNN"][0][0]
late_accuracy = {}
for (name, trained), color in zip(runs.items(), ("tab:blue", "tab:orange")):
    accuracies = np.array([curve for _, curve in trained])
    late_accuracy[name] = accuracies[:, -5:].mean()
    epochs = range(1, accuracies.shape[1] + 1)
    plt.plot(epochs, accuracies.T, color=color, alpha=0.25, lw=1)
    plt.plot(epochs, accuracies.mean(axis=0), "o-", ms=3, color=color,
             label=f"{name} ({count_parameters(trained[0][0]):,} parameters), mean of 5")
    print(f"{name}: test accuracy over the last 5 epochs {late_accuracy[name]:.3f} "
          f"(final epoch of each run: {np.round(accuracies[:, -1], 3)})")
plt.xlabel("epoch")
plt.ylabel("test accuracy")
plt.ylim(0.8, 1.0)
plt.legend()
plt.title("CNN vs MLP of the same size on the digits")
plt.show()
# Over 20 draws of the split, initializations and batches: CNN 0.968-0.994, ahead of the
# MLP by 0.7-2.3 points (with 3 initializations: 0.4 at worst; one run alone can tie)
assert late_accuracy["CNN"] > 0.95 and late_accuracy["CNN"] > late_accuracy["MLP"]

# %% [markdown]
# The CNN wins with fewer weights: sharing one small filter across all positions is a good
# assumption for images. On 28 x 28 MNIST (`nn.datasets.mnist(flatten=False)`, downloaded
# once and cached; not used here so the notebooks stay offline) the gap grows, and deeper
# stacks of convolutions and poolings pay off.
#
# ## What did the filters learn?
#
# Each of the 16 filters is a 3 x 3 pattern. Below them: the feature maps they produce for
# one test digit (after ReLU). Different filters respond to strokes of different
# orientations. These are the **learned features** of notebook 6's opening section: nobody
# designed an edge or stroke detector; the filters started as random numbers, and training
# on the labels alone turned them into these (end-to-end learning).

# %%
filters = cnn.conv.weight.data[:, 0]
digit = x_test[:1]
with ag.no_grad():
    maps = cnn.feature_maps(digit).data[0]

fig, axes = plt.subplots(3, 16, figsize=(14, 3.2))
for k in range(16):
    axes[0, k].imshow(filters[k], cmap="bwr", vmin=-abs(filters).max(), vmax=abs(filters).max())
    axes[1, k].imshow(digit[0, 0], cmap="gray_r")
    axes[2, k].imshow(maps[k], cmap="viridis")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("filter", fontsize=8)
axes[1, 0].set_ylabel("input", fontsize=8)
axes[2, 0].set_ylabel("feature\nmap", fontsize=8)
plt.suptitle(f"16 learned 3x3 filters and their responses to a '{y_test[0]}'")
plt.show()
assert filters.shape == (16, 3, 3) and maps.shape == (16, 8, 8)

np.random.seed(0)   # the first CNN above was made right after this seed
initial_filters = DigitsCNN().conv.weight.data[:, 0]
change = np.linalg.norm(filters - initial_filters) / np.linalg.norm(initial_filters)
print(f"the filters moved by {change:.0%} of their initial size during training")
assert change > 0.5

# %% [markdown]
# Some feature maps above may be dark all over: that filter's ReLU output is 0 everywhere on
# this digit. A filter whose output is 0 on *every* training digit is a **dead** ReLU unit
# (notebook 6): no gradient reaches its weights, so training cannot revive it, and the
# network works with the filters that are left. How many die differs from one
# initialization to the next:

# %%
def dead_filters(model):
    """The filters whose ReLU output is 0 on every training digit."""
    with ag.no_grad():
        fires = model.feature_maps(x_train).data.max(axis=(0, 2, 3)) > 0
    return np.flatnonzero(~fires)


print("dead filters, of 16, in each of the five CNNs:",
      [len(dead_filters(model)) for model, _ in runs["CNN"]])
print("in the one drawn above:", dead_filters(cnn))
assert all(len(dead_filters(model)) <= 8 for model, _ in runs["CNN"])  # most still work

# %% [markdown]
# `Module.plot` draws a whole model's graph for one input (parameters labelled by name):

# %%
cnn.plot(x_test[:1], to_file=OUT / "digits_cnn.png")

# %% [markdown]
# **Next:** notebook 11 handles sequences with recurrent networks.
