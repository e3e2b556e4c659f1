"""Notebook 07: optimizers compared on one surface and one network; learning-rate schedules."""

# %% [markdown]
# # 7. Optimizers and learning-rate schedules
#
# Plain gradient descent steps straight down the slope with a fixed step size. That is
# wasteful on surfaces that are steep in one direction and flat in another (the usual case
# in deep learning): it zig-zags across the steep direction and crawls along the flat one.
# The improved optimizers fix the **direction** (momentum, Nesterov), the **step size per
# parameter** (AdaGrad, RMSprop), or both (Adam). A **schedule** changes the learning rate
# over the course of training.
#
# The `optim` package follows PyTorch's definitions and defaults, so every trajectory here
# matches `torch.optim` step for step. Each optimizer is used the same way:
#
# ```python
# optimizer = optim.Adam(params, lr=0.3)
# loss.backward(); optimizer.step(); optimizer.zero_grad()
# ```

# %% [shared] setup

# %%
import nn.functional as F

# %% [shared] decision_boundary

# %% [markdown]
# ## The update rules
#
# With gradient $g$, learning rate $\eta$ and parameter $w$ (element-wise operations):
#
# | optimizer | state | update |
# |---|---|---|
# | SGD | | $w \leftarrow w - \eta g$ |
# | Momentum | velocity $v$ | $v \leftarrow \mu v + g$, $\;w \leftarrow w - \eta v$ |
# | Nesterov | velocity $v$ | $v \leftarrow \mu v + g$, $\;w \leftarrow w - \eta (g + \mu v)$ (looks one step ahead) |
# | AdaGrad | sum of squares $h$ | $h \leftarrow h + g^2$, $\;w \leftarrow w - \eta\, g / (\sqrt{h} + \epsilon)$ |
# | RMSprop | running mean of squares $h$ | $h \leftarrow \alpha h + (1-\alpha) g^2$, $\;w \leftarrow w - \eta\, g / (\sqrt{h} + \epsilon)$ |
# | Adam | both $m$ and $v$ | $m \leftarrow \beta_1 m + (1-\beta_1) g$, $\;v \leftarrow \beta_2 v + (1-\beta_2) g^2$, $\;w \leftarrow w - \eta\,\hat m / (\sqrt{\hat v} + \epsilon)$ |
#
# where Adam's $\hat m = m / (1 - \beta_1^t)$ and $\hat v = v / (1 - \beta_2^t)$ correct the
# bias of starting $m$ and $v$ at zero. AdaGrad divides by the size of all past gradients,
# so a parameter whose gradients have been large or frequent takes smaller steps, and every
# parameter's steps shrink as the sum grows; RMSprop forgets old gradients, so the step does not shrink
# forever. A quick check that the library does what the table says, for
# three Adam steps:

# %%
def f(p):
    """The test surface x^2 / 20 + y^2: 20 times steeper in y than in x."""
    return p[0] ** 2 / 20 + p[1] ** 2


def gradient_of_f(w):
    return np.array([w[0] / 10, 2 * w[1]])


lr, (beta1, beta2), eps = 0.3, (0.9, 0.999), 1e-8
w, m, v = np.array([-7.0, 2.0]), np.zeros(2), np.zeros(2)
for t in range(1, 4):
    g = gradient_of_f(w)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    w = w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)

p = Variable(np.array([-7.0, 2.0]))
adam = optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)
for _ in range(3):
    adam.zero_grad()
    f(p).backward()
    adam.step()
print("by hand:", w, "| optim.Adam:", p.data)
assert np.allclose(p.data, w)

# %% [markdown]
# ## Six optimizers on one surface
#
# The surface $f(x, y) = x^2/20 + y^2$ from *Deep Learning from Scratch*, the same start
# $(-7, 2)$, 30 steps each, with learning rates like the book's.

# %%
optimizers = {
    "SGD": (optim.SGD, dict(lr=0.95)),
    "Momentum": (optim.SGD, dict(lr=0.1, momentum=0.9)),
    "Nesterov": (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    "AdaGrad": (optim.Adagrad, dict(lr=1.5)),
    "RMSprop": (optim.RMSprop, dict(lr=0.3, alpha=0.9)),
    "Adam": (optim.Adam, dict(lr=0.3)),
}


def optimize(make, settings, start=(-7.0, 2.0), steps=30):
    p = Variable(np.array(start))
    optimizer = make([p], **settings)
    path = [p.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        f(p).backward()
        optimizer.step()
        path.append(p.data.copy())
    return np.array(path)


paths = {name: optimize(make, settings) for name, (make, settings) in optimizers.items()}

g0, g1 = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, sharey=True)
for ax, (name, path) in zip(axes.ravel(), paths.items()):
    ax.contour(g0, g1, f([g0, g1]), levels=np.linspace(0.5, 9, 8), colors="gray",
               linewidths=0.8)
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3)
    ax.plot(0, 0, "k+", ms=12)
    ax.set_title(f"{name}: f = {f(path[-1]):.4f} after 30 steps")
plt.suptitle("the same surface, the same start, six optimizers")
plt.tight_layout()
plt.show()

# %% [markdown]
# Plain SGD zig-zags: the learning rate that makes progress along the flat $x$ direction is
# almost too large for the steep $y$ direction. Momentum and Nesterov build up speed along
# $x$ and overshoot like a rolling ball (Nesterov, which looks ahead, brakes sooner).
# AdaGrad and RMSprop scale each coordinate separately, so the steep $y$ is tamed at once and
# they head straight for the valley floor (RMSprop's sign changes of $y$ counted below all
# come after $|y|$ has fallen under 0.0001: a jitter on the floor, not a zig-zag). Adam combines momentum with per-coordinate
# scaling; its momentum swings it slowly across the valley, and after 30 steps its $f$ is the
# highest of the six: it is still the furthest off the floor in the steep $y$ (though nearer
# the minimum than SGD, Momentum or Nesterov). Plain SGD, at a rate tuned to this surface, ends
# with a lower $f$ than Momentum, Nesterov and Adam: which optimizer wins depends on the surface and the
# learning rates, and one toy surface does not rank them.

# %%
def sign_changes(values):
    return int(np.sum(np.diff(np.sign(values)) != 0))


for name, path in paths.items():
    print(f"{name:9s} final f = {f(path[-1]):.5f}, y changes sign {sign_changes(path[:, 1])} times")
    assert f(path[-1]) < f(path[0]) / 50
assert sign_changes(paths["SGD"][:, 1]) >= 20 and sign_changes(paths["AdaGrad"][:, 1]) == 0
rmsprop_y = paths["RMSprop"][:, 1]
assert np.abs(rmsprop_y[np.flatnonzero(np.diff(np.sign(rmsprop_y)))]).max() < 1e-4
final_f = {name: f(path[-1]) for name, path in paths.items()}
assert max(final_f, key=final_f.get) == "Adam"
assert final_f["SGD"] < min(final_f["Momentum"], final_f["Nesterov"])
distance = {name: np.linalg.norm(path[-1]) for name, path in paths.items()}
assert max(paths, key=lambda name: abs(paths[name][-1, 1])) == "Adam"
assert distance["Adam"] < min(distance["SGD"], distance["Momentum"], distance["Nesterov"])

for name, path in paths.items():
    plt.plot([f(point) for point in path], label=name)
plt.yscale("log")
plt.xlabel("step")
plt.ylabel("f")
plt.legend()
plt.title("f along each path")
plt.show()

# %% [markdown]
# ## Local minima: momentum can roll through
#
# Gradient descent only ever goes downhill, so it stops at the first valley floor it
# reaches: a **local minimum**, which need not be the lowest point (the global minimum). A
# 1-D example: the tilted double well $f(x) = (x^2 - 1)^2 + 0.3x$ has a shallow minimum near
# $x = 0.96$ and a deeper one near $x = -1.04$, with a hill between them. Both optimizers
# start at $x = 2$ with the same learning rate.

# %%
def double_well(x):
    return (x ** 2 - 1) ** 2 + 0.3 * x


def descend(momentum, start=2.0, lr=0.02, steps=200):
    x = ag.Parameter(np.array([start]))
    optimizer = optim.SGD([x], lr=lr, momentum=momentum)
    path = [start]
    for _ in range(steps):
        loss = double_well(x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append(x.item())
    return np.array(path)


well_paths = {"SGD": descend(0.0), "Momentum 0.9": descend(0.9)}
xs_well = np.linspace(-1.6, 2.1, 300)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
left.plot(xs_well, double_well(xs_well), "k")
for name, path in well_paths.items():
    left.plot(path[-1], double_well(path[-1]), "o", ms=10, label=f"{name} ends at {path[-1]:.2f}")
    right.plot(path, label=name)
left.set_xlabel("x")
left.legend()
left.set_title("f(x) = (x^2 - 1)^2 + 0.3x")
right.set_xlabel("step")
right.set_ylabel("x")
right.legend()
right.set_title("SGD stops in the shallow well; momentum rolls over the hill")
plt.show()
for name, path in well_paths.items():
    print(f"{name:12s} ends at x = {path[-1]:+.3f}, f = {double_well(path[-1]):+.3f}")
assert abs(well_paths["SGD"][-1] - 0.960) < 0.01            # the shallow, local minimum
assert abs(well_paths["Momentum 0.9"][-1] + 1.036) < 0.01   # the deeper, global one
# Not a guarantee: from x = 1.5, momentum gathers too little speed and stays too.
assert abs(descend(0.9, start=1.5)[-1] - 0.960) < 0.01

# %% [markdown]
# The accumulated velocity carried the momentum optimizer up and over the hill that stopped
# plain SGD. That is the "escapes local minima more easily" of the notes, but only *more
# easily*: started closer to the shallow well, momentum gathers too little speed and stays
# there too. In networks with millions of weights, poor local minima are less of a problem
# than this 1-D picture suggests (most points where the gradient vanishes are saddle
# points, with downhill directions left); the noise of mini-batches and momentum both help
# to get past flat regions and saddles.
#
# ## On a real network: the spiral
#
# Three interleaved spirals (`nn.datasets.spiral`) cannot be separated by lines, so they
# need a hidden layer or two. The same network and initial weights, trained with each
# optimizer for 300 full-batch steps at learning rates typical for each.

# %%
(x_spiral, y_spiral), (x_spiral_test, y_spiral_test) = nn.datasets.spiral()


class SpiralNet(nn.Module):
    def __init__(self, hidden=30):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


network_settings = {
    "SGD": (optim.SGD, dict(lr=0.1)),
    "Momentum": (optim.SGD, dict(lr=0.1, momentum=0.9)),
    "Nesterov": (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    "AdaGrad": (optim.Adagrad, dict(lr=0.1)),
    "RMSprop": (optim.RMSprop, dict(lr=0.01)),
    "Adam": (optim.Adam, dict(lr=0.01)),
}
curves, models = {}, {}
for name, (make, settings) in network_settings.items():
    np.random.seed(0)  # the same initial weights for every optimizer
    model = SpiralNet()
    optimizer = make(model.parameters(), **settings)
    curves[name] = []
    for _ in range(300):
        loss = F.cross_entropy(model(x_spiral), y_spiral)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        curves[name].append(loss.item())
    models[name] = model

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.3))
for name, curve in curves.items():
    left.plot(curve, label=name)
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("training loss")
left.legend()
left.set_title("spiral: training loss per optimizer")
with ag.no_grad():
    adam_accuracy = nn.metrics.accuracy(y_spiral_test, models["Adam"](x_spiral_test).data)
plot_decision_boundary(lambda x: models["Adam"](x).data.argmax(axis=1), x_spiral_test,
                       y_spiral_test, ax=right,
                       title=f"Adam's model on test points: accuracy {adam_accuracy:.2f}")
plt.show()

for name, curve in curves.items():
    print(f"{name:9s} loss after 300 steps: {curve[-1]:.3f}")
assert all(curves[name][-1] < curves["SGD"][-1] for name in curves if name != "SGD")
assert adam_accuracy > 0.95

# %% [markdown]
# ## Learning-rate schedules
#
# A large learning rate makes fast progress early; a small one settles into a minimum late.
# A **scheduler** changes the optimizer's `lr` as training goes on: call `scheduler.step()`
# once per epoch (OneCycleLR and CyclicLR: once per batch). The schedulers share PyTorch's
# names and formulas.

# %%
from optim import lr_scheduler

EPOCHS = 100


def lr_curve(make_scheduler, base_lr=0.1, momentum=0.0):
    optimizer = optim.SGD([Variable(np.zeros(1))], lr=base_lr, momentum=momentum)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(EPOCHS):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # (training for one epoch would go here)
        scheduler.step()
    return np.array(rates)


schedules = {
    "StepLR(step_size=30, gamma=0.1)": lambda o: lr_scheduler.StepLR(o, step_size=30, gamma=0.1),
    "MultiStepLR([50, 80], 0.2)": lambda o: lr_scheduler.MultiStepLR(o, [50, 80], gamma=0.2),
    "ExponentialLR(0.97)": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.97),
    "CosineAnnealingLR(T_max=100)": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=EPOCHS),
    "warm-up 10, then cosine": lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
            lr_scheduler.CosineAnnealingLR(o, T_max=EPOCHS - 10)], milestones=[10]),
    "LambdaLR(1 / (1 + 0.05 epoch))": lambda o: lr_scheduler.LambdaLR(
        o, lambda epoch: 1 / (1 + 0.05 * epoch)),
}
rates = {name: lr_curve(make) for name, make in schedules.items()}
rates["OneCycleLR(max_lr=0.1)"] = lr_curve(
    lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=EPOCHS), momentum=0.9)
# cycles of 20 steps between 0.01 and 0.1, each one half as high as the one before
rates["CyclicLR(0.01, 0.1, triangular2)"] = lr_curve(
    lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10,
                                    mode="triangular2"), momentum=0.9)

fig, axes = plt.subplots(2, 4, figsize=(14, 5.5), sharex=True)
for ax, (name, values) in zip(axes.ravel(), rates.items()):
    ax.plot(values)
    ax.set_title(name, fontsize=9)
for ax in axes[1]:
    ax.set_xlabel("epoch")
axes[0, 0].set_ylabel("learning rate")
plt.tight_layout()
plt.show()

step = rates["StepLR(step_size=30, gamma=0.1)"]
assert np.allclose([step[0], step[29], step[30], step[60]], [0.1, 0.1, 0.01, 0.001])
assert np.isclose(rates["CosineAnnealingLR(T_max=100)"][50], 0.05)
assert np.argmax(rates["OneCycleLR(max_lr=0.1)"]) == 29  # the peak at 30 % of the steps
cyclic = rates["CyclicLR(0.01, 0.1, triangular2)"]
assert np.allclose([cyclic[0], cyclic[10], cyclic[20], cyclic[30]], [0.01, 0.1, 0.01, 0.055])

# %% [markdown]
# `ReduceLROnPlateau` reacts to the training itself: it cuts the rate when a monitored
# value (usually the validation loss) has not improved for more than `patience` epochs
# (PyTorch's rule: with `patience=2`, at the third epoch without improvement; Keras'
# `EarlyStopping(patience=2)` stops at the second). Here it is fed a loss that improves for
# 20 epochs and then stalls.

# %%
optimizer = optim.SGD([Variable(np.zeros(1))], lr=0.1)
plateau = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=5)
validation_loss = np.r_[np.linspace(1.0, 0.3, 20), np.full(40, 0.3)]
plateau_rates = []
for value in validation_loss:
    plateau_rates.append(optimizer.param_groups[0]["lr"])
    plateau.step(value)

fig, ax = plt.subplots()
ax.plot(validation_loss, label="validation loss")
ax.set_xlabel("epoch")
ax.set_ylabel("validation loss")
ax2 = ax.twinx()
ax2.plot(plateau_rates, color="tab:orange", label="learning rate")
ax2.set_ylabel("learning rate", color="tab:orange")
ax2.grid(False)
ax.set_title("ReduceLROnPlateau(factor=0.5, patience=5)")
plt.show()
print("learning rates used:", sorted(set(plateau_rates), reverse=True))
assert plateau_rates[19] == 0.1 and plateau_rates[-1] < 0.1 / 8
# the last improvement is at epoch 19; epochs 20 to 25 are six without one, more than
# patience=5, so the rate is halved after epoch 25
assert plateau_rates[25] == 0.1 and plateau_rates[26] == 0.05

# %% [markdown]
# ### What a schedule buys: a real run
#
# Why lower the rate at all? With mini-batches, every step follows a *noisy* gradient, so
# SGD at a fixed rate never settles: once near the minimum it keeps jittering around it, and
# the loss stalls above the best one by an amount that grows with the rate. Lowering the
# rate shrinks the jitter. Below, linear regression on 500 noisy points, batches of 10,
# 40 epochs of SGD at lr = 0.05: kept constant, cut ×0.1 every 15 epochs (`StepLR`), and
# cut ×0.2 whenever the epoch's training loss has not improved for 3 epochs in a row
# (`ReduceLROnPlateau(patience=2)`, the notes' "adaptive learning rate when the loss
# stalls"). The plot
# shows each run's loss **above the best possible** (the least-squares fit).

# %%
def excess_loss_per_epoch(make_scheduler, epochs=40, seed=0):
    """(loss - least-squares loss per epoch, learning rate per epoch) of SGD on noisy
    linear data with the scheduler `make_scheduler(optimizer)` (None: a constant rate)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((500, 5)).astype(np.float32)
    y = (x @ rng.standard_normal((5, 1)) + 0.5 * rng.standard_normal((500, 1))).astype(
        np.float32)
    rows = np.c_[x, np.ones(500)]
    least_squares = np.mean((rows @ np.linalg.lstsq(rows, y, rcond=None)[0] - y) ** 2)
    np.random.seed(seed)
    model = nn.Linear(5, 1)
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    scheduler = make_scheduler(optimizer)
    batches = nn.data.DataLoader(nn.data.TensorDataset(x, y), 10, shuffle=True, seed=seed)
    excess, rates = [], []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        for x_batch, y_batch in batches:
            optimizer.zero_grad()
            F.mse_loss(model(x_batch), y_batch).backward()
            optimizer.step()
        with ag.no_grad():
            loss = F.mse_loss(model(x), y).item()
        excess.append(loss - least_squares)
        if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
            scheduler.step(loss)  # (it watches a value: here the training loss)
        elif scheduler is not None:
            scheduler.step()
    return np.array(excess), rates


runs = {"constant lr 0.05": excess_loss_per_epoch(lambda o: None),
        "StepLR(15, gamma=0.1)": excess_loss_per_epoch(
            lambda o: lr_scheduler.StepLR(o, step_size=15, gamma=0.1)),
        "ReduceLROnPlateau(0.2, patience=2)": excess_loss_per_epoch(
            lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=0.2, patience=2))}
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
for name, (excess, rates) in runs.items():
    left.plot(excess, label=name)
    right.plot(rates, label=name)
    print(f"{name:36s} loss above the least-squares fit, last 5 epochs: "
          f"{excess[-5:].mean():.2e}")
left.set_yscale("log")
left.set_xlabel("epoch")
left.set_title("training loss minus the best possible")
left.legend()
right.set_yscale("log")
right.set_xlabel("epoch")
right.set_title("learning rate")
plt.show()
constant = runs["constant lr 0.05"][0][-5:].mean()
# over eight seeds the schedules ended 190-1,600 (StepLR) and 100-2,700 (plateau) times
# closer to the best fit than the constant rate
for name in ("StepLR(15, gamma=0.1)", "ReduceLROnPlateau(0.2, patience=2)"):
    assert runs[name][0][-5:].mean() < constant / 10

# %% [markdown]
# Both schedules end hundreds of times closer to the best fit: the constant rate is stuck at
# its noise floor. The price of a small rate is slow progress, which is why schedules start
# high (fast early progress) and end low (a precise finish); a rate that starts too small is
# the slow learning of notebook 4.

# %% [markdown]
# **Next:** notebook 8 is about what happens when a network trains *too* well: overfitting,
# and the regularizers that prevent it.
