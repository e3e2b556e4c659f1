"""Notebook 08: epochs and batches, overfitting, underfitting, L1/L2 and weight decay, dropout,
augmentation, early stopping."""

# %% [markdown]
# # 8. Overfitting and regularization
#
# The goal of training is not a low loss on the training data, it is a low error on data the
# model has **never seen** (the *generalization* error). A flexible model can learn its
# training set by heart, noise included: the training loss keeps falling while the loss on
# held-out data rises. That is **overfitting**. We detect it with a **validation set**
# (data kept out of training, checked after every epoch; no gradient steps are taken on it)
# and fight it with **regularization**: weight penalties (L1, L2, weight decay), dropout, and
# early stopping.
#
# First, the vocabulary of a training run: epochs, batches and iterations.

# %% [shared] setup

# %%
import nn.functional as F
from nn import Dense, Dropout, Sequential

# %% [markdown]
# ## Epochs, batches and iterations
#
# * **batch**: the training set is cut into small groups (mini-batches); one gradient step
#   uses one batch;
# * **iteration**: one such step; the weights are updated once per iteration;
# * **epoch**: one full pass over the training set.
#
# With 1,000 samples and a batch size of 100, one epoch is 1,000 / 100 = **10 iterations**,
# so the weights are updated 10 times per epoch. Here are both ways to see it: a
# `DataLoader`, and a callback counting the updates that `Model.fit` makes.

# %%
rng = np.random.default_rng(0)
x_thousand = rng.normal(size=(1000, 3)).astype(np.float32)
y_thousand = x_thousand @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)

loader = nn.data.DataLoader(nn.data.TensorDataset(x_thousand, y_thousand), batch_size=100,
                            shuffle=True, seed=0)
print("DataLoader: iterations per epoch =", len(loader),
      "| batch shapes:", {tuple(xb.shape) for xb, _ in loader})
assert len(loader) == 10


class CountUpdates(nn.callbacks.Callback):
    """Counts, per epoch, the batches and how often the first layer's weights changed."""

    def on_train_begin(self, logs=None):
        self.batches, self.updates = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.batches.append(0)
        self.updates.append(0)
        self.last = self.model[0].weight.data.copy()

    def on_train_batch_end(self, batch, logs=None):
        self.batches[-1] += 1
        if not np.array_equal(self.model[0].weight.data, self.last):
            self.updates[-1] += 1
            self.last = self.model[0].weight.data.copy()


np.random.seed(0)
model = Sequential(Dense(1, input_shape=(3,)))
model.compile(optimizer="sgd", loss="mse")
counter = CountUpdates()
model.fit(x_thousand, y_thousand, epochs=3, batch_size=100, verbose=0, callbacks=[counter])
print("Model.fit: batches per epoch", counter.batches, "| weight updates per epoch",
      counter.updates)
assert counter.batches == counter.updates == [10, 10, 10]

model.fit(x_thousand, y_thousand, epochs=1, batch_size=32, verbose=0, callbacks=[counter])
print("batch_size=32: iterations per epoch", counter.batches[0],
      "(31 full batches of 32, and a last one of", 1000 - 31 * 32, "samples)")
assert counter.batches == [32]

# %% [markdown]
# A batch size of 1 is "stochastic" gradient descent in the strict sense; the whole training
# set as one batch is "full-batch" gradient descent. Mini-batches sit in between: each step
# is cheap, and on a non-convex loss the noise in the gradient estimate can help it leave
# poor regions (the line fit below is convex, with none to leave; notebook 07 shows momentum
# rolling out of a local minimum).
#
# ### Full batch against mini-batches
#
# The notes compare computing the gradient on the whole data with computing it on a batch.
# Same model, same data, same learning rate, five epochs each: the full batch takes 5 steps,
# batches of 100 take 50, batches of 10 take 500, single samples 5,000. Per epoch, smaller
# batches get much further. But each step costs a call into the framework whatever its size,
# so per second the smallest batches lose again: the right panel shows the loss against the
# time the training took on this machine (times vary from run to run; the losses per epoch
# do not).

# %%
import time


class EpochTimes(nn.callbacks.Callback):
    """Seconds from the start of training to the end of each epoch."""

    def on_train_begin(self, logs=None):
        self.start, self.seconds = time.perf_counter(), []

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


batch_runs = {}
for batch_size in (1000, 100, 10, 1):
    np.random.seed(0)
    model = Sequential(Dense(1, input_shape=(3,)))
    model.compile(optimizer=optim.SGD(lr=0.05), loss="mse")
    timer = EpochTimes()
    history = model.fit(x_thousand, y_thousand, epochs=5, batch_size=batch_size, verbose=0,
                        callbacks=[timer])
    batch_runs[batch_size] = (np.array(history.history["loss"]), np.array(timer.seconds))
    print(f"batch {batch_size:4d}: {1000 // batch_size:4d} steps an epoch, loss after 5 epochs "
          f"{history.history['loss'][-1]:.1e}, {timer.seconds[-1]:.3f} s")

fig, (by_epoch, by_time) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for batch_size, (losses, seconds) in batch_runs.items():
    label = "full batch (1000)" if batch_size == 1000 else f"batch {batch_size}"
    by_epoch.semilogy(range(1, 6), losses, "o-", label=label)
    by_time.semilogy(seconds, losses, "o-", label=label)
by_epoch.set(xlabel="epoch", ylabel="training loss (MSE)", title="per epoch")
by_time.set(xlabel="seconds of training", title="per second (this run)")
by_time.set_xscale("log")
by_epoch.legend()
plt.tight_layout()
plt.show()

final = {b: losses[-1] for b, (losses, _) in batch_runs.items()}
assert final[1000] > 0.1  # 5 full-batch steps: far from the minimum (0.35 or more, 200 seeds)
assert final[100] < 0.05 * final[1000] and final[10] < 1e-6 and final[1] < 1e-6

# %% [markdown]
# ## Overfitting, seen
#
# 20 noisy samples of $y = \sin 3x$ and a network with two hidden layers of 64 units
# (about 4,300 weights, far more than 20 data points). We train it and measure the error on
# 200 fresh validation points after every step.

# %%
def noisy_sine(n, rng):
    x = rng.uniform(-1, 1, size=(n, 1)).astype(np.float32)
    return x, (np.sin(3 * x) + rng.normal(0, 0.3, size=(n, 1))).astype(np.float32)


x_small, y_small = noisy_sine(20, rng)
x_val, y_val = noisy_sine(200, rng)


class CurveNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.fc3(F.tanh(self.fc2(F.tanh(self.fc1(x)))))


def fit_curve(penalty=None, strength=0.0, steps=2000):
    """Full-batch Adam on the MSE (+ strength * penalty(parameters)); returns the model,
    the training and validation MSE per step, and the model's parameters at the best
    validation step."""
    np.random.seed(0)
    model = CurveNet()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    train_mse, val_mse, best = [], [], None
    for _ in range(steps):
        loss = F.mse_loss(model(x_small), y_small)
        objective = loss + strength * penalty(model.parameters()) if penalty else loss
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()
        train_mse.append(loss.item())
        with ag.no_grad():
            val_mse.append(F.mse_loss(model(x_val), y_val).item())
        if val_mse[-1] == min(val_mse):
            # (rungrad's state_dict() is a copy; PyTorch's shares the parameters' memory,
            # so there it must be best = copy.deepcopy(model.state_dict()))
            best = model.state_dict()
    return model, np.array(train_mse), np.array(val_mse), best


overfit, train_mse, val_mse, best_state = fit_curve()
best_step = int(np.argmin(val_mse))
print(f"training MSE {train_mse[-1]:.4f}, validation MSE {val_mse[-1]:.4f} at the end; "
      f"best validation MSE {val_mse.min():.4f} at step {best_step}")
# below the noise level (the noise alone has MSE 0.09) on the training points, above it on
# new ones, and the validation error was lower earlier. Over 80 initializations: training
# 0.011 or less and validation 0.43-0.95 at the end, the best at step 50-126 and 14-31 % of
# the final error. Other draws of the data can overfit less (over 80: validation 0.14-0.68
# at the end, the best 17-91 % of it, and in two the best came late, at steps 758 and 1796),
# so the step is shown, not checked.
assert train_mse[-1] < 0.09 < val_mse[-1]
assert val_mse.min() < 0.95 * val_mse[-1]

# %%
grid = np.linspace(-1, 1, 200, dtype=np.float32)[:, None]
best_model = CurveNet()
best_model.load_state_dict(best_state)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
left.plot(train_mse, label="training")
left.plot(val_mse, label="validation")
left.axvline(best_step, color="gray", ls=":", label=f"best validation (step {best_step})")
left.axhline(0.09, color="k", lw=0.8, ls="--", label="noise level (0.09)")
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("MSE")
left.legend()
left.set_title("training keeps improving, validation gets worse")
right.scatter(x_small, y_small, color="k", zorder=3, label="20 training points")
right.plot(grid, np.sin(3 * grid), "k:", label="true function")
with ag.no_grad():
    right.plot(grid, best_model(grid).data, label=f"at step {best_step}")
    right.plot(grid, overfit(grid).data, label="after 2000 steps: overfit")
right.legend(fontsize=8)
right.set_title("the overfit model chases the noise")
plt.show()

# %% [markdown]
# The 64-unit network passes almost exactly through all 20 noisy points. That is the
# **universal approximation theorem** at work (our network has two hidden layers; the
# theorem needs only one): a network with one hidden layer of enough
# nonlinear units can approximate any continuous function on a bounded interval as closely
# as we like. It promises that a good fit *exists*, not that training on a few noisy samples
# finds the *right* one: here the flexibility went into fitting the noise. On clean, dense
# data the same promise is what we want: one hidden tanh layer of 1, 3 and 30 units fitted to
# 200 points of $\sin 3x$ (no noise).

# %%
class OneHidden(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.fc2(F.tanh(self.fc1(x)))


def fit_full_batch(model, x, y, steps, lr=0.02):
    """Full-batch Adam on the MSE; returns the final training MSE."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


x_dense = np.linspace(-1, 1, 200, dtype=np.float32)[:, None]
y_dense = np.sin(3 * x_dense)
approximations = {}
for width in (1, 3, 30):
    np.random.seed(0)
    approximations[width] = OneHidden(width)
    mse = fit_full_batch(approximations[width], x_dense, y_dense, steps=700, lr=0.05)
    print(f"{width:2d} hidden units: MSE to sin(3x) = {mse:.5f}")
    plt.plot(x_dense, approximations[width](x_dense).data, label=f"{width} units: MSE {mse:.1e}")
plt.plot(x_dense, y_dense, "k:", label="sin(3x)")
plt.legend(fontsize=8)
plt.title("one hidden layer: more units, closer fit")
plt.show()
with ag.no_grad():
    approximation_mse = [F.mse_loss(approximations[w](x_dense), y_dense).item()
                         for w in (1, 3, 30)]
# Across seeds: 1 unit 0.046 (one tanh cannot bend twice), 3 and 30 units below 0.005
assert approximation_mse[0] > 0.03 > 0.015 > max(approximation_mse[1:])

# %% [markdown]
# ## Underfitting, and how to tell it from overfitting
#
# The opposite failure is **underfitting**: a model too small (or trained too little) to
# capture the pattern, so even its *training* error stays high. A straight line cannot
# follow $\sin 3x$ however long it trains. Below, 200 noisy training points (plenty of data,
# so overfitting is not the issue) and two models: a straight line, and one hidden layer of
# 16 tanh units. Both are checked on the 200 validation points.

# %%
x_more, y_more = noisy_sine(200, rng)
candidates = {"straight line (too small)": nn.Linear(1, 1), "16 tanh units": OneHidden(16)}
errors = {}
for label, model in candidates.items():
    np.random.seed(0)
    train_error = fit_full_batch(model, x_more, y_more, steps=1000)
    with ag.no_grad():
        errors[label] = (train_error, F.mse_loss(model(x_val), y_val).item())
    print(f"{label:26s} training MSE {errors[label][0]:.3f}, validation MSE "
          f"{errors[label][1]:.3f}   (noise level 0.09)")
plt.scatter(x_more, y_more, s=8, color="gray", label="200 training points")
with ag.no_grad():
    for label, model in candidates.items():
        plt.plot(grid, model(grid).data, lw=2, label=label)
plt.legend(fontsize=8)
plt.title("underfit: the line misses the pattern on the training data too")
plt.show()
# Across seeds the line's errors are 0.23-0.29, the 16-unit model's 0.07-0.12.
line_errors, right_errors = errors["straight line (too small)"], errors["16 tanh units"]
assert min(line_errors) > 2 * 0.09 and max(right_errors) < 0.15

# %% [markdown]
# The training and validation errors together give the diagnosis, and the cure:
#
# | training error | validation error | diagnosis | what to do |
# |---|---|---|---|
# | high (far above the noise) | about as high | **underfitting** | more capacity: more units or layers, train longer, better features |
# | low | much higher | **overfitting** | regularize: penalties, dropout, early stopping, more data or augmentation |
# | low | low, close to it | a good fit | done: check the test set once |
#
# In one line, as the notes have it: *underfit → increase capacity, overfit → regularize.*
# And the order matters: first make sure the model **can overfit** (drive the training error
# down on a small training set, as the 64-unit network did above). A model that cannot is
# too small or has a bug, and no regularization will help it; only then add regularization
# to bring the validation error down.
#
# ## Hyperparameters
#
# The number of hidden units was one of our choices, not something training learned. Such
# settings are **hyperparameters**: they affect how good the model gets, but gradient descent
# does not optimize them: the learning rate, batch size, number of epochs, layers and units,
# the penalty strength $\lambda$ and the dropout rate below. We pick them by the
# **validation** error (the test set is kept for the final check, or it stops being unseen
# data). The model's *parameters* are the weights and biases alone:

# %%
learned = [tuple(p.shape) for p in candidates["16 tanh units"].parameters()]
print("parameters (learned):", learned)
print("hyperparameters (chosen): hidden units 16, lr 0.02, steps 1000")
assert learned == [(16, 1), (16,), (1, 16), (1,)]
assert list(Dropout(0.5).parameters()) == []  # the dropout rate is not trained

# %% [markdown]
# ## Weight penalties: L2 and L1
#
# Overfit models tend to need large, finely balanced weights. A penalty on the weights'
# size, added to the loss, pulls them back:
#
# * **L2** (ridge, "weight decay"): $L + \lambda \sum w^2$. Its gradient $2\lambda w$ shrinks
#   every weight in proportion to its size: weights get small but rarely exactly zero.
# * **L1** (lasso): $L + \lambda \sum |w|$. Its gradient $\lambda\,\mathrm{sign}(w)$ pushes
#   every weight towards zero by the same amount, so unimportant weights end up **at zero**:
#   the model becomes *sparse*, and the surviving weights show which inputs matter. (With
#   plain gradient steps "at zero" means hopping across it by about $\eta\lambda$ each step
#   instead of stopping on exactly 0.0; that is why the counts below are of $|w| < 0.01$.)
#
# `F.l2_penalty(params)` and `F.l1_penalty(params)` compute the sums. The strength
# $\lambda$ is a hyperparameter: too small does nothing, too large underfits. Below, three
# candidates (0.001, 0.003, 0.01) are trained and the validation error picks one; 0.1 shows
# what too large does.

# %%
fits = {"no penalty": (overfit, train_mse, val_mse)}
strengths = {f"L2, lambda = {strength:g}": strength for strength in (1e-3, 3e-3, 1e-2)}
TOO_STRONG = "L2, lambda = 0.1 (too strong)"
for label, strength in [*strengths.items(), (TOO_STRONG, 1e-1)]:
    model, train_curve, val_curve, _ = fit_curve(F.l2_penalty, strength)
    fits[label] = (model, train_curve, val_curve)

for label, (_, train_curve, val_curve) in fits.items():
    print(f"{label:30s} final training MSE {train_curve[-1]:.4f}, validation MSE "
          f"{val_curve[-1]:.4f}")
# lambda is a hyperparameter: the validation set picks it among the candidates
chosen = min(strengths, key=lambda label: fits[label][2][-1])
print("chosen on the validation set:", chosen)
good, too_strong = fits[chosen], fits[TOO_STRONG]
# Over 80 initializations the chosen lambda (0.01 each time, on this data) ended at 13-31 %
# of the unpenalized validation error; over 80 other draws of the data (each candidate
# chosen about as often) at 17-98 %: always lower, by a margin that depends on how badly
# the unpenalized network overfits.
assert good[2][-1] < val_mse[-1]
# underfits: the training MSE stays above the noise level (0.09; 0.13-0.42 over those 160
# runs), and so does the validation error above the chosen one's (1.6 times it or more)
assert too_strong[1][-1] > 0.09 and too_strong[2][-1] > good[2][-1]
# The chosen lambda is not free either: at this seed its training MSE also ends above the
# noise level, a mild underfit traded for a lower validation error (at other seeds it ends
# below it: how much a penalty costs depends on the draw). And since the validation set
# chose lambda, its error is now a little optimistic: a test set, untouched until the
# choice is made, judges the one chosen.

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
right.scatter(x_small, y_small, color="k", zorder=3)
right.plot(grid, np.sin(3 * grid), "k:", label="true function")
for label, (model, _, val_curve) in fits.items():
    left.plot(val_curve, label=label)
    with ag.no_grad():
        right.plot(grid, model(grid).data, label=label)
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("validation MSE")
left.legend()
left.set_title("validation error with and without L2")
right.legend(fontsize=8)
right.set_title("the fitted curves after 2000 steps")
plt.show()

# %% [markdown]
# ### L1 makes weights sparse
#
# A linear classifier on the digits (64 pixels to 10 classes, trained with plain SGD) shows
# the difference between the penalties on the weights themselves. The digits' border pixels
# are blank in almost every image, so the data never asks for their weights; with L1 they are
# driven to zero, and the weights of the class "0" keep only the pixels that matter
# (red: ink there speaks for a 0, blue: against it).

# %%
(x_digits, y_digits), (x_digits_test, y_digits_test) = nn.datasets.digits()

# %% [markdown]
# *A word on splits.* The notes warn that an unbalanced split between training, validation
# and test data can itself look like overfitting: if a class is rare in training but common
# in the test set, the test score drops for a reason no regularizer fixes. `digits()` splits
# **stratified**: every class keeps its share on both sides, as the class counts show. Plain
# random splits of the same 1,797 labels into as many training and test samples do not: we
# measure both the same way, the largest difference between a class's share in training
# and in test, over 200 random splits.

# %%
def largest_share_gap(train_labels, test_labels):
    shares = [np.bincount(labels, minlength=10) / len(labels)
              for labels in (train_labels, test_labels)]
    return np.abs(shares[0] - shares[1]).max()


all_labels = np.concatenate([y_digits, y_digits_test])
print("class counts, training:", np.bincount(y_digits))
print("class counts, test:    ", np.bincount(y_digits_test))
stratified_gap = largest_share_gap(y_digits, y_digits_test)
rng = np.random.default_rng(0)
random_gaps = []
for _ in range(200):
    order = rng.permutation(len(all_labels))
    random_gaps.append(largest_share_gap(all_labels[order[len(y_digits_test):]],
                                         all_labels[order[:len(y_digits_test)]]))
random_gaps = np.array(random_gaps)
print(f"largest gap in a class's share: stratified {stratified_gap:.2%}; random splits "
      f"{np.median(random_gaps):.2%} (median), {random_gaps.min():.2%} at best")
assert stratified_gap < 0.005 and random_gaps.min() > 2 * stratified_gap

# %% [markdown]
# For data of your own, `nn.data.train_test_split` splits so (scikit-learn's function, with
# its arguments): `stratify=` the labels keeps each class's share on both sides.

# %%
x_fit, x_held, y_fit, y_held = nn.data.train_test_split(
    np.concatenate([x_digits, x_digits_test]), all_labels, test_size=0.2, stratify=all_labels,
    seed=0)
print(f"{len(y_fit)} training and {len(y_held)} test samples; largest gap in a class's "
      f"share: {largest_share_gap(y_fit, y_held):.2%}")
assert largest_share_gap(y_fit, y_held) < 0.005

# %%
def fit_linear(penalty=None, strength=0.0, weight_decay=0.0, steps=300):
    np.random.seed(0)
    model = nn.Linear(64, 10)
    optimizer = optim.SGD(model.parameters(), lr=0.5, weight_decay=weight_decay)
    for _ in range(steps):
        loss = F.cross_entropy(model(x_digits), y_digits)
        if penalty:
            loss = loss + strength * penalty(model.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


linear_models = {"no penalty": fit_linear(), "L1 (3e-3)": fit_linear(F.l1_penalty, 3e-3),
                 "L2 (3e-3)": fit_linear(F.l2_penalty, 3e-3)}
fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
sparsity = {}
for column, (label, model) in enumerate(linear_models.items()):
    w = model.weight.data
    sparsity[label] = np.mean(np.abs(w) < 1e-2)
    with ag.no_grad():
        accuracy = nn.metrics.accuracy(y_digits_test, model(x_digits_test).data)
    axes[0, column].hist(w.ravel(), bins=60, range=(-1.5, 1.5))
    axes[0, column].set_title(f"{label}: {sparsity[label]:.0%} of |w| < 0.01\n"
                              f"test accuracy {accuracy:.3f}", fontsize=10)
    axes[1, column].imshow(w[0].reshape(8, 8), cmap="bwr", vmin=-1, vmax=1)
    axes[1, column].set_title("weights of class '0' per pixel (white = 0)", fontsize=10)
    axes[1, column].axis("off")
plt.tight_layout()
plt.show()
assert sparsity["L1 (3e-3)"] > 0.4 > 0.1 > sparsity["L2 (3e-3)"] > sparsity["no penalty"]

# %% [markdown]
# ### Weight decay is the L2 penalty, built into the optimizer
#
# `optim.SGD(..., weight_decay=d)` adds $d\,w$ to every gradient before the step. That is
# exactly the gradient of $\frac{d}{2}\sum w^2$, so for SGD, `weight_decay = 2 * lambda`
# gives the same training as adding `lambda * F.l2_penalty(...)` to the loss (both penalize
# the biases too here).

# %%
with_penalty = fit_linear(F.l2_penalty, 3e-3, steps=20)
with_decay = fit_linear(weight_decay=2 * 3e-3, steps=20)
assert np.allclose(with_penalty.weight.data, with_decay.weight.data, atol=1e-6)
print("20 SGD steps: loss + 3e-3 * l2_penalty == SGD(weight_decay=6e-3)")

# %% [markdown]
# Keras writes the penalty on the layer: `Dense(10, kernel_regularizer=regularizers.l2(3e-3))`
# (and `bias_regularizer=` for the bias; `regularizers.l1`, `l1_l2` likewise). `fit` then
# minimizes the loss plus `model.losses`, the layers' penalties, and reports that sum as its
# `loss`. From the same starting weights it trains exactly as the penalty added by hand:

# %%
from nn import regularizers

np.random.seed(0)
start = nn.Linear(64, 10)  # fit_linear's starting weights
keras_linear = nn.Sequential([nn.Dense(10, input_shape=(64,),
                                       kernel_regularizer=regularizers.l2(3e-3),
                                       bias_regularizer=regularizers.l2(3e-3))])
keras_linear.layers[0].load_state_dict(start.state_dict())
keras_linear.compile(optimizer=optim.SGD(lr=0.5), loss="sparse_categorical_crossentropy")
keras_linear.fit(x_digits, y_digits, batch_size=len(x_digits), epochs=20, shuffle=False,
                 verbose=0)
print("penalties in model.losses:", [round(float(p.data), 4) for p in keras_linear.losses])
assert np.allclose(keras_linear.layers[0].weight.data, with_penalty.weight.data, atol=1e-5)

# %% [markdown]
# (For adaptive optimizers the two differ: Adam divides the penalty's gradient by its running
# scale too. `optim.AdamW` applies the decay directly to the weights instead, "decoupled
# weight decay", which usually regularizes better.)
#
# ## Dropout
#
# Dropout switches off a random fraction $p$ of a layer's units in every training batch, so
# each batch trains a different thinned network, and no unit can rely on particular others:
# an ensemble effect. The survivors are scaled by $1/(1-p)$ so the expected value is
# unchanged (*inverted dropout*). At evaluation time dropout does nothing: `model.eval()`
# (or `Model.evaluate` / `predict`) turns it off.

# %%
layer = Dropout(0.5)
ones = np.ones((2, 8), dtype=np.float32)
layer.train()
dropped = layer(ones).data
print("training mode:\n", dropped)
layer.eval()
print("evaluation mode:\n", layer(ones).data)
assert set(np.unique(dropped)) <= {0.0, 2.0} and np.array_equal(layer(ones).data, ones)

layer.train()
big = layer(np.ones((1000, 1000), dtype=np.float32)).data
print(f"fraction dropped {np.mean(big == 0):.3f}, mean value {big.mean():.3f} (expected 1)")
assert abs(np.mean(big == 0) - 0.5) < 0.01 and abs(big.mean() - 1) < 0.01

# %% [markdown]
# Now a network that overfits easily: 150 training digits, two hidden layers of 256 units.
# Keras-style `Sequential` models with and without `Dropout(0.5)` after each hidden layer,
# validated on 438 other training digits after every epoch (`validation_data`).

# %%
x_few, y_few = x_digits[:150], y_digits[:150]
x_check, y_check = x_digits[1000:], y_digits[1000:]


def digits_net(dropout):
    layers = [Dense(256, activation="relu", input_shape=(64,))]
    layers += [Dropout(dropout)] if dropout else []
    layers += [Dense(256, activation="relu")]
    layers += [Dropout(dropout)] if dropout else []
    model = Sequential(*layers, Dense(10))
    model.compile(optimizer=optim.Adam(lr=5e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


histories = {}
for label, p in [("no dropout", 0.0), ("dropout 0.5", 0.5)]:
    np.random.seed(0)
    histories[label] = digits_net(p).fit(x_few, y_few, epochs=60, batch_size=32,
                                         validation_data=(x_check, y_check), verbose=0).history

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for label, history in histories.items():
    line, = axes[0].plot(history["val_loss"], label=f"{label}: validation")
    axes[0].plot(history["loss"], "--", color=line.get_color(), label=f"{label}: training")
    axes[1].plot(history["val_accuracy"], label=label)
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].set_title("loss")
axes[0].legend(fontsize=8)
axes[1].set_xlabel("epoch")
axes[1].set_title("validation accuracy")
axes[1].legend()
plt.show()

for label, history in histories.items():
    print(f"{label:12s} best validation loss {min(history['val_loss']):.3f} at epoch "
          f"{int(np.argmin(history['val_loss'])) + 1}; "
          f"final training loss {history['loss'][-1]:.4f}")
plain, dropped_out = histories["no dropout"], histories["dropout 0.5"]
# Dropout's final training loss was 25-370 times the plain one's in each of 40 runs.
assert dropped_out["loss"][-1] > 10 * plain["loss"][-1]
# Its best validation loss is lower in most runs, not all: over 128 runs (each its own 150
# training digits and initialization) it was 0.63-1.23 times the plain one's. So the check
# takes 16 runs and their mean ratio, which came out 0.83-0.90 for eight different draws of
# the 16 (its spread about 0.03: the bound 1 is some four of them away), and the median
# delay of the best epoch, 12-19 epochs there against the 5 asserted.
draws = np.random.default_rng(0)
ratios, delays = [], []
for run in range(16):
    chosen = draws.choice(1000, 150, replace=False)
    runs = {}
    for p in (0.0, 0.5):
        np.random.seed(run)
        runs[p] = digits_net(p).fit(x_digits[chosen], y_digits[chosen], epochs=60,
                                    batch_size=32, validation_data=(x_check, y_check),
                                    verbose=0).history
    ratios.append(min(runs[0.5]["val_loss"]) / min(runs[0.0]["val_loss"]))
    delays.append(int(np.argmin(runs[0.5]["val_loss"]) - np.argmin(runs[0.0]["val_loss"])))
print(f"16 runs: best validation loss, dropout / plain: mean {np.mean(ratios):.2f} "
      f"({min(ratios):.2f}-{max(ratios):.2f}, lower in {sum(r < 1 for r in ratios)}); "
      f"epochs later: median {np.median(delays):.0f}")
assert np.mean(ratios) < 1 and np.median(delays) >= 5

# %% [markdown]
# Without dropout the training loss goes to almost zero within a few epochs and the
# validation loss turns upwards early. With dropout the training loss stays higher (training
# is deliberately made harder) and the validation loss usually reaches a lower minimum,
# later. (How much lower depends on the draw of the 150 digits and of the initial weights:
# up to 37 % lower in this small example, and about one run in eighteen ends higher (7 of
# 128), which is why the check above averages sixteen runs.)
#
# ## Data augmentation
#
# The best cure for too little data is more data. **Data augmentation** makes more from what
# we have: it trains on randomly altered copies of the inputs that keep what matters (the
# label) and change what should not matter. The notes list noise (Gaussian, or
# salt-and-pepper: random pixels set to black or white), shifts and rotations, flips, and
# samples drawn from a generative model (a GAN or an autoencoder: notebook 13).
# `nn.data` has the first four as transforms that draw new random changes on every batch, each from
# its own seeded generator: `RandomShift`, `RandomRotation`, `RandomFlip`, `GaussianNoise`
# and `SaltAndPepperNoise`. Here they are on one digit (8 x 8 images, so a shift is one
# pixel):

# %%
from nn.data import (
    Compose,
    DataLoader,
    GaussianNoise,
    RandomFlip,
    RandomRotation,
    RandomShift,
    SaltAndPepperNoise,
    TensorDataset,
)

images_8x8 = x_few.reshape(-1, 8, 8)
# (the rotation's range is pinned to 20 degrees and the flip's chance to 1 so that this one
# picture shows them; RandomRotation(20) draws from -20..20, RandomFlip() flips half the time)
augmentations = {"original": lambda x: x, "RandomShift(1)": RandomShift(1, seed=0),
                 "RandomRotation((20, 20))": RandomRotation((20, 20)),
                 "RandomFlip(p=1.0)": RandomFlip(p=1.0, seed=0),
                 "GaussianNoise(0.2)": GaussianNoise(0.2, clip=(0, 1), seed=0),
                 "SaltAndPepperNoise(0.1)": SaltAndPepperNoise(0.1, seed=0)}
fig, axes = plt.subplots(1, 6, figsize=(13, 2.6))
for ax, (label, augment) in zip(axes, augmentations.items()):
    ax.imshow(augment(images_8x8[:1])[0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(label, fontsize=9)
    ax.axis("off")
plt.show()
print("label of this digit:", y_few[0])
moved = RandomShift(1, seed=0)(images_8x8)
assert moved.shape == images_8x8.shape and not np.array_equal(moved, images_8x8)

# %% [markdown]
# An augmentation must keep the label. A flip turns a 2 into a backwards 2, which no writer
# produces, so flips suit photos of cats better than digits. Shifts are safe: a digit
# written one pixel to the left is the same digit. A transform given to `TensorDataset`
# applies to each batch the loader draws, so every epoch sees new variants:
#
# ```python
# augment = Compose([to_images, RandomShift(1, seed=0), flatten])
# loader = DataLoader(TensorDataset(x_few, y_few, transform=augment), batch_size=32, ...)
# model.fit(loader, epochs=40)
# ```
#
# Three models as above (150 training digits): plain, with dropout 0.5, and plain trained on
# randomly shifted digits. Each is checked on the 438 held-out digits as they are, and on the
# same digits each moved by up to one pixel (real handwriting is not always centred).

# %%
def to_images(x):
    return x.reshape(len(x), 8, 8)


def flatten(x):
    return x.reshape(len(x), -1)


x_check_moved = flatten(RandomShift(1, seed=100)(to_images(x_check)))
augment = Compose([to_images, RandomShift(1, seed=0), flatten])
augmented_loader = DataLoader(TensorDataset(x_few, y_few, transform=augment), batch_size=32,
                              shuffle=True, seed=0)
contenders = {}
for label, p in [("plain", 0.0), ("dropout 0.5", 0.5), ("shift augmentation", 0.0)]:
    np.random.seed(0)
    contenders[label] = digits_net(p)
    if label == "shift augmentation":
        contenders[label].fit(augmented_loader, epochs=40, verbose=0)
    else:
        contenders[label].fit(x_few, y_few, epochs=40, batch_size=32, verbose=0)
scores = {label: (model.evaluate(x_check, y_check)[1], model.evaluate(x_check_moved, y_check)[1])
          for label, model in contenders.items()}
print(f"{'':20s} {'centred digits':>15s} {'moved digits':>13s}")
for label, (centred, moved_accuracy) in scores.items():
    print(f"{label:20s} {centred:15.3f} {moved_accuracy:13.3f}")
# Over 80 initializations, and 80 other draws of the shifts and batches: on centred digits
# plain scores 0.90-0.95, dropout 0.88-0.95 and the shift-trained model 0.83-0.95; on moved
# digits plain and dropout 0.29-0.41, the shift-trained model 0.81-0.90.
assert scores["shift augmentation"][0] > 0.8
assert scores["shift augmentation"][1] > max(scores["plain"][1], scores["dropout 0.5"][1]) + 0.3

# %% [markdown]
# On the centred digits the three are alike: with this little data, dropout and
# augmentation change the score by a few points either way, depending on the seed (neither
# reliably helps here: the centred test digits hold nothing the plain model has not seen).
# The difference is *what* they
# teach. Dropout makes the network robust to losing its own units; it cannot teach that a
# moved digit is the same digit, because no moved digit is in the data. Augmentation puts
# that knowledge into the data, and the model that saw shifted digits still reads moved
# ones, where the other two fall to about one in three. Choose augmentations for the
# variations the real data will have.
#
# Keras puts augmentation inside the model instead, as layers that change the images only
# while training: `fit` sees new random variants in every batch, `evaluate` and `predict`
# see the images as they are (`RandomFlip`, `RandomRotation`, `RandomTranslation`,
# `RandomZoom`, `RandomContrast`, on images shaped (N, height, width, channels)). The same
# one-pixel shifts: `RandomTranslation(0.125, 0.125)` moves each image by up to 1/8 of its
# size, `interpolation="nearest"` keeps whole pixels, `fill_mode="constant"` fills the
# uncovered edge with blank paper (0).

# %%
from nn import keras
from nn.keras import layers

shift_layer = layers.RandomTranslation(0.125, 0.125, fill_mode="constant",
                                       interpolation="nearest", seed=0)
one_digit = np.repeat(images_8x8[:1, :, :, None], 6, axis=0)
fig, axes = plt.subplots(1, 6, figsize=(13, 2.6))
for ax, image in zip(axes, shift_layer(one_digit, training=True).data):
    ax.imshow(image[:, :, 0], cmap="gray_r", vmin=0, vmax=1)
    ax.axis("off")
fig.suptitle("RandomTranslation while training: a new shift for each copy")
plt.show()
assert np.array_equal(shift_layer(one_digit, training=False).data, one_digit)

np.random.seed(0)
keras_augmented = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.RandomTranslation(0.125, 0.125, fill_mode="constant", interpolation="nearest"),
    layers.Flatten(), Dense(256, activation="relu"), Dense(256, activation="relu"), Dense(10)])
keras_augmented.compile(optimizer=optim.Adam(lr=5e-3), loss="sparse_categorical_crossentropy",
                        metrics=["accuracy"])
keras_augmented.fit(x_few.reshape(-1, 8, 8, 1), y_few, epochs=40, batch_size=32, verbose=0)
centred_score = keras_augmented.evaluate(x_check.reshape(-1, 8, 8, 1), y_check)[1]
moved_score = keras_augmented.evaluate(x_check_moved.reshape(-1, 8, 8, 1), y_check)[1]
print(f"{'RandomTranslation layer':20s} {centred_score:15.3f} {moved_score:13.3f}")
# Over 15 initializations (seeds 0-14): 0.89-0.95 on centred digits, 0.82-0.86 on moved
assert centred_score > 0.8 and moved_score > scores["plain"][1] + 0.3

# %% [markdown]
# ## Early stopping
#
# If the validation loss has stopped improving, stop training, and go back to the weights
# of the best epoch. The `EarlyStopping` callback does both: `patience` is how many epochs
# without improvement to tolerate, and `restore_best_weights=True` reloads the best epoch's
# weights at the end.

# %%
np.random.seed(0)
model = digits_net(0.0)
stopper = nn.callbacks.EarlyStopping(monitor="val_loss", patience=10,
                                     restore_best_weights=True)
history = model.fit(x_few, y_few, epochs=100, batch_size=32,
                    validation_data=(x_check, y_check), verbose=0, callbacks=[stopper]).history
restored_loss, restored_accuracy = model.evaluate(x_check, y_check)
print(f"stopped after epoch {stopper.stopped_epoch + 1} of 100; best epoch "
      f"{stopper.best_epoch + 1} with validation loss {min(history['val_loss']):.4f}")
print(f"the restored model's validation loss: {restored_loss:.4f} "
      f"(accuracy {restored_accuracy:.3f})")
assert 0 < stopper.stopped_epoch < 99
assert stopper.stopped_epoch - stopper.best_epoch == 10
assert np.isclose(restored_loss, min(history["val_loss"]))

plt.plot(history["loss"], label="training")
plt.plot(history["val_loss"], label="validation")
plt.axvline(stopper.best_epoch, color="green", ls=":", label="best epoch (weights restored)")
plt.axvline(stopper.stopped_epoch, color="red", ls=":", label="stopped (patience 10)")
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("loss")
plt.legend()
plt.title("EarlyStopping(patience=10, restore_best_weights=True)")
plt.show()

# %% [markdown]
# Other remedies from the notes, for completeness: **more data** (augmentation above makes
# some), a **smaller model**, and a balanced (stratified) split of training, validation and
# test data. And the reverse check: a model that cannot even overfit a small training set is
# too small or has a bug.
#
# **Next:** notebook 9 is the whole Keras-style workflow, from `Sequential` to saved weights.
