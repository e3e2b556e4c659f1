"""Notebook 04: linear regression by gradient descent (SSE vs MSE, several outputs); the
learning rate's effect; the diabetes table (standardizing, test R^2)."""

# %% [markdown]
# # 4. Linear regression and gradient descent
#
# Linear regression predicts a real number as a weighted sum of the inputs plus a bias,
# $\hat y = xW + b$. "Learning" means finding the $W$ and $b$ that make the
# **mean squared error** small:
#
# $$L = \mathrm{MSE} = \frac{1}{N}\sum_{i=1}^{N} (y_i - \hat y_i)^2 .$$
#
# (One of the study notes writes $-\frac{1}{N}$ in front. That minus is a slip: a mean of
# squares is never negative, and it is the quantity we **minimize**; with the minus sign,
# "minimizing" would push the errors to grow without bound.)
#
# **Gradient descent** finds them by repeating one step: compute the gradient of $L$ with
# respect to each parameter, and move the parameter a little against it,
# $w \leftarrow w - \eta \,\partial L/\partial w$, where $\eta$ is the **learning rate**.
#
# We do it by hand first, then with `nn.Linear` and `optim.SGD`, and then look at what the
# learning rate does.

# %% [shared] setup

# %% [markdown]
# ## Data
#
# 100 points on the line $y = 2x + 5$, with noise. The model does not know the 2 and the 5.

# %%
import nn.functional as F

rng = np.random.default_rng(0)
x = rng.uniform(0, 1, size=(100, 1))
y = 5 + 2 * x + rng.normal(0, 0.3, size=(100, 1))
plt.scatter(x, y, s=12)
plt.xlabel("x")
plt.ylabel("y")
plt.title("training data: y = 2x + 5 + noise")
plt.show()

# %% [markdown]
# ## The loss and its gradient, by hand and by backprop
#
# With $\hat y = xW + b$ the chain rule gives
#
# $$\frac{\partial L}{\partial W} = -\frac{2}{N}\sum_i x_i (y_i - \hat y_i), \qquad
#   \frac{\partial L}{\partial b} = -\frac{2}{N}\sum_i (y_i - \hat y_i).$$

# %%
W = Variable(np.zeros((1, 1)), name="W")
b = Variable(np.zeros(1), name="b")


def predict(x):
    return x @ W + b


def mean_squared_error(y, y_pred):
    diff = y - y_pred
    return (diff ** 2).sum() / len(diff)


loss = mean_squared_error(y, predict(x))
loss.backward()
residual = y - predict(x).data
print("loss:", loss.item(), "| F.mse_loss gives", F.mse_loss(predict(x), y).item())
print("dL/dW by hand", (-2 / len(x) * (x * residual).sum()), "| by backprop", W.grad.item())
print("dL/db by hand", (-2 / len(x) * residual.sum()), "| by backprop", b.grad.item())
assert np.isclose(loss.item(), F.mse_loss(predict(x), y).item())
assert np.isclose(W.grad.item(), -2 / len(x) * (x * residual).sum())
assert np.isclose(b.grad.item(), -2 / len(x) * residual.sum())

# %% [markdown]
# ### Sum of squared errors vs mean squared error
#
# The notes also meet the **sum of squared errors**, $\mathrm{SSE} = \sum_i (y_i - \hat y_i)^2$
# (*Deep Learning from Scratch* writes $\frac{1}{2}\sum_i (y_i - \hat y_i)^2$, whose
# derivative loses the factor 2). MSE is SSE divided by $N$. Both have their minimum at the
# same $W$ and $b$, but the SSE and its gradient grow with the number of samples: a
# learning rate that works for a batch of 10 would be 10 times too large for a batch of
# 100. Dividing by $N$ makes the loss, and the right learning rate, independent of the
# batch size, which is why training uses the mean.

# %%
def sum_squared_error(y, y_pred):
    return ((y - y_pred) ** 2).sum()


W.cleargrad()
b.cleargrad()
sse = sum_squared_error(y, predict(x))
sse.backward()
print(f"SSE {sse.item():.2f} = N * MSE = {len(x)} * {loss.item():.4f}; "
      f"dSSE/dW {W.grad.item():.2f} = N * dMSE/dW")
assert np.isclose(sse.item(), len(x) * loss.item())
assert np.isclose(W.grad.item(), len(x) * -2 / len(x) * (x * residual).sum())

# %% [markdown]
# ## Gradient descent by hand
#
# The update changes `.data` directly: it is not part of the model's computation, so it
# must not be recorded in the graph. Gradients accumulate, so clear them each step.

# %%
lr = 0.5
losses = []
for _ in range(300):
    loss = mean_squared_error(y, predict(x))
    W.cleargrad()
    b.cleargrad()
    loss.backward()
    W.data -= lr * W.grad.data
    b.data -= lr * b.grad.data
    losses.append(loss.item())

# the exact least-squares answer, for comparison
design = np.hstack([x, np.ones_like(x)])
(w_exact,), (b_exact,) = np.linalg.lstsq(design, y, rcond=None)[0]
print(f"gradient descent: W = {W.item():.4f}, b = {b.item():.4f}, loss {losses[-1]:.5f}")
print(f"least squares:    W = {w_exact:.4f}, b = {b_exact:.4f}")
assert np.isclose(W.item(), w_exact, atol=1e-3) and np.isclose(b.item(), b_exact, atol=1e-3)
# How close to the true 2 and 5 depends on the noise drawn: least squares' standard errors
# (about 0.10 for W and 0.06 for b here) measure it. Each misses by 4 of them about once in
# 10,000 draws; the fixed bound 0.2 for b was 3.3 of them (another seed put b 0.1998 off).
noise_var = np.sum((design @ [w_exact, b_exact] - y[:, 0]) ** 2) / (len(x) - 2)
se_w, se_b = np.sqrt(noise_var * np.diag(np.linalg.inv(design.T @ design)))
assert abs(W.item() - 2) < 4 * se_w and abs(b.item() - 5) < 4 * se_b

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
left.plot(losses)
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("MSE")
left.set_title("training loss")
right.scatter(x, y, s=12)
line = np.linspace(0, 1, 2)[:, None]
right.plot(line, line * W.item() + b.item(), "r", lw=2,
           label=f"fit: y = {W.item():.2f}x + {b.item():.2f}")
right.legend()
right.set_title("the learned line")
plt.show()

# %% [markdown]
# ## The same with `nn.Linear` and `optim.SGD`
#
# A layer owns its parameters, and an optimizer owns the update rule. The training loop
# becomes the standard four lines: forward, `zero_grad`, `backward`, `step`. Layers work in
# float32 by default, like PyTorch's.

# %%
x32, y32 = x.astype(np.float32), y.astype(np.float32)
model = nn.Linear(1, 1)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = optim.SGD(model.parameters(), lr=0.5)

for _ in range(300):
    loss = F.mse_loss(model(x32), y32)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"nn.Linear + SGD:  W = {model.weight.item():.4f}, b = {model.bias.item():.4f}, "
      f"loss {loss.item():.5f}")
assert np.isclose(model.weight.item(), W.item(), atol=1e-4)
assert np.isclose(model.bias.item(), b.item(), atol=1e-4)

# %% [markdown]
# ## The learning rate
#
# The learning rate is the step size. Too small, and training crawls. Too large, and each
# step overshoots the minimum by more than it started with: the loss **diverges**.
#
# For the MSE the boundary can be computed. The loss is a quadratic bowl whose curvature is
# its Hessian $H$ (notebook 3); gradient descent is stable exactly when
# $\eta < 2 / \lambda_{\max}(H)$.

# %%
def loss_of(params):  # params = [W, b]
    return mean_squared_error(y, x * params[0] + params[1])


H = ag.hessian(loss_of, np.zeros(2))
lr_limit = 2 / np.linalg.eigvalsh(H).max()
print(f"Hessian eigenvalues {np.linalg.eigvalsh(H)} -> stable for lr < {lr_limit:.3f}")


def descend(lr, steps=100, start=(6.0, 1.0)):
    """Gradient descent on [W, b]; returns the path (steps + 1, 2) and the losses."""
    params = Variable(np.array(start))
    path, losses = [params.data.copy()], []
    for _ in range(steps):
        loss = loss_of(params)
        params.cleargrad()
        loss.backward()
        params.data -= lr * params.grad.data
        path.append(params.data.copy())
        losses.append(loss.item())
    return np.array(path), np.array(losses)


runs = {"too small (0.02)": descend(0.02),
        "about right (0.5)": descend(0.5),
        f"too large ({1.08 * lr_limit:.2f})": descend(1.08 * lr_limit)}
lowest = float(np.mean((y - design @ np.array([[w_exact], [b_exact]])) ** 2))
small, right_, large = (losses - lowest for _, losses in runs.values())  # distance to the minimum
assert small[-1] > 100 * right_[-1]      # still far from the minimum
assert right_[-1] < 1e-3
assert large[-1] > large[0]              # diverged

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for label, (_, losses) in runs.items():
    left.plot(losses - lowest, label=label)
left.set_yscale("log")
left.set_xlabel("step")
left.set_ylabel("MSE minus the lowest possible MSE")
left.legend()
left.set_title("distance to the minimum loss, per step")

w_grid, b_grid = np.meshgrid(np.linspace(-4, 9, 150), np.linspace(-2, 9, 150))
surface = ((y[None, None, :, 0] - x[None, None, :, 0] * w_grid[..., None] - b_grid[..., None]) ** 2
           ).mean(axis=-1)
right.contour(w_grid, b_grid, surface, levels=np.logspace(-1.5, 2, 14), cmap="viridis",
              alpha=0.6)
for (label, (path, _)), shown in zip(runs.items(), (25, 25, 9)):
    right.plot(path[:shown, 0], path[:shown, 1], "o-", ms=3, label=label)
right.plot(w_exact, b_exact, "r*", ms=14)
right.set_xlim(-4, 9)
right.set_ylim(-2, 9)
right.set_xlabel("W")
right.set_ylabel("b")
right.set_title("the first steps from (6, 1) on the loss surface")
plt.show()

# %% [markdown]
# The small step barely moves; the right one slides down the valley to the minimum (red
# star); the large one bounces from one side of the valley to the other, further each time. Learning-rate
# *schedules*, which start large and shrink, and adaptive optimizers such as Adam, are the
# usual cures: see notebook 7.
#
# ## Several inputs at once
#
# Nothing changes with more input variables: $W$ becomes a column of weights, and gradient
# descent adjusts all of them simultaneously. `nn.metrics.r2_score` reports the fraction of
# the variance the model explains.

# %%
true_w = np.array([[1.5], [-2.0], [0.7]], dtype=np.float32)
features = rng.normal(size=(200, 3)).astype(np.float32)
target = features @ true_w + 0.5 + rng.normal(0, 0.1, size=(200, 1)).astype(np.float32)

model = nn.Linear(3, 1)
optimizer = optim.SGD(model.parameters(), lr=0.1)
for _ in range(200):
    loss = F.mse_loss(model(features), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with ag.no_grad():
    r2 = nn.metrics.r2_score(target, model(features).data)
print("learned W:", model.weight.data.ravel(), "b:", model.bias.data, "| true W:", true_w.ravel(),
      "b: 0.5 | R^2 =", round(r2, 4))
assert np.allclose(model.weight.data.ravel(), true_w.ravel(), atol=0.05) and r2 > 0.99

# %% [markdown]
# ## Several outputs at once
#
# Nor does anything change with several *outputs*. With $n$ inputs, $m$ outputs and $N$
# samples, the inputs are an $N \times n$ matrix $X$, the weights an $n \times m$ matrix $W$
# (one column per output) and the bias a vector of $m$: $\hat Y = XW + b$ is $N \times m$,
# every sample and every output in one matrix product, instead of a loop over samples. The
# MSE averages over all $N \cdot m$ errors. Here 3 inputs predict 2 outputs at once
# (`nn.Linear(3, 2)` stores $W^\top$, shape (outputs, inputs)).

# %%
true_W2 = np.array([[1.5, 0.0], [-2.0, 1.0], [0.7, -0.5]], dtype=np.float32)   # (n, m)
true_b2 = np.array([0.5, -1.0], dtype=np.float32)
targets2 = features @ true_W2 + true_b2 + rng.normal(0, 0.1, size=(200, 2)).astype(np.float32)

model2 = nn.Linear(3, 2)
optimizer = optim.SGD(model2.parameters(), lr=0.1)
for _ in range(200):
    loss = F.mse_loss(model2(features), targets2)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("X", features.shape, "@ W", model2.weight.data.T.shape, "+ b", model2.bias.data.shape,
      "->", model2(features).shape)
print("learned W:\n", model2.weight.data.T, "\nlearned b:", model2.bias.data)
assert model2(features).shape == (200, 2)
assert np.allclose(model2.weight.data.T, true_W2, atol=0.05)
assert np.allclose(model2.bias.data, true_b2, atol=0.05)

# %% [markdown]
# ## Real data: the diabetes table
#
# The notes' practice fits a linear regression to a real table. rungrad ships one:
# 442 diabetes patients (Efron et al., 2004), ten measurements taken at the start (age, sex,
# body-mass index `bmi`, mean blood pressure `bp`, and six blood serum values `s1`..`s6`),
# and the target, a score of how far the disease progressed one year later (25 to 346).
# `nn.datasets.diabetes(scaled=False)` gives the raw measurements, split 80/20 into
# training and test patients.

# %%
names = nn.datasets.diabetes_feature_names()
(x_raw, y_train), (x_raw_test, y_test) = nn.datasets.diabetes(scaled=False)
y_train, y_test = y_train[:, None], y_test[:, None]  # (N, 1): one output
print(f"{len(x_raw)} training and {len(x_raw_test)} test patients")
print("feature   min      max")
for name, low, high in zip(names, x_raw.min(axis=0), x_raw.max(axis=0)):
    print(f"{name:5} {low:8.2f} {high:8.2f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), sharey=True)
for ax, name in zip(axes, ("bmi", "s5", "age")):
    column = names.index(name)
    ax.scatter(x_raw[:, column], y_train, s=6, alpha=0.5)
    r = np.corrcoef(x_raw[:, column], y_train[:, 0])[0, 1]
    ax.set_title(f"{name}: correlation {r:.2f}")
    ax.set_xlabel(name)
axes[0].set_ylabel("progression a year later")
plt.tight_layout()
plt.show()

# %% [markdown]
# The features live on scales from 1 (sex) to 300 (`s1`). That matters for gradient
# descent: the loss surface's curvature in each direction is the Hessian's eigenvalue
# there, $H = \frac{2}{N} X^\top X$ (with a column of ones for the bias), and the
# learning rate must stay below $2/\lambda_{\max}$, set by the steepest direction. The
# flattest directions then move $\lambda_{\max}/\lambda_{\min}$ times slower: the
# **condition number**. **Standardizing** each feature (subtract the training mean, divide
# by the training standard deviation; the test rows use the same two numbers, so nothing
# is learned from them) shrinks it by five orders of magnitude.

# %%
mean, std = x_raw.mean(axis=0), x_raw.std(axis=0)  # the training rows' statistics only
x_train, x_test = (x_raw - mean) / std, (x_raw_test - mean) / std


def with_ones(x):
    return np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)


def hessian_of_mse(x):
    return 2 * with_ones(x).T @ with_ones(x) / len(x)


def condition_number(x):
    eigenvalues = np.linalg.eigvalsh(hessian_of_mse(x))
    return eigenvalues.max() / eigenvalues.min(), eigenvalues.max()


cond_raw, top_raw = condition_number(x_raw)
cond_std, _ = condition_number(x_train)
print(f"condition number: raw {cond_raw:.3g}, standardized {cond_std:.3g}")
assert cond_raw > 1e4 * cond_std


def fit_linear(x, y, lr, steps=500):
    np.random.seed(0)
    model = nn.Linear(x.shape[1], 1)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, np.array(losses)


exact = np.linalg.lstsq(with_ones(x_train), y_train.astype(np.float64), rcond=None)[0]
lowest = float(np.mean((with_ones(x_train) @ exact - y_train) ** 2))
model_raw, losses_raw = fit_linear(x_raw, y_train, lr=1.9 / top_raw)  # just below the limit
model_std, losses_std = fit_linear(x_train, y_train, lr=0.1)
print(f"training MSE after 500 steps: raw {losses_raw[-1]:.0f}, "
      f"standardized {losses_std[-1]:.0f}; least squares {lowest:.0f}")
assert losses_std[-1] < 1.01 * lowest       # standardized: within 1 % of the minimum
assert losses_raw[-1] > 1.1 * lowest        # raw: still crawling along a flat direction

plt.plot(losses_raw - lowest, label=f"raw features (lr = {1.9 / top_raw:.1e})")
plt.plot(losses_std - lowest, label="standardized (lr = 0.1)")
plt.yscale("log")
plt.xlabel("step")
plt.ylabel("MSE minus the least-squares MSE")
plt.legend()
plt.title("gradient descent on the diabetes table")
plt.show()

# %% [markdown]
# Standardized, the loss is within 1 % of the least-squares minimum after 500 steps, yet
# its curve keeps falling slowly: a condition number of about 450 remains. Which
# direction is the flat one? The Hessian's eigenvector of the smallest eigenvalue says:
# `s1`, `s2` and `s3`, the cholesterol measures, which are strongly correlated (`s1` and
# `s2` by 0.9). Moving their weights along that direction changes the predictions, and the
# loss, very little: the data hardly pins those weights down.

# %%
eigenvalues, eigenvectors = np.linalg.eigh(hessian_of_mse(x_train))
flattest = eigenvectors[:10, 0]  # (the last entry is the bias's)
along = [names[i] for i in np.argsort(-np.abs(flattest))[:3]]
print("the flattest direction is mostly", along, "| correlation of s1 and s2:",
      round(float(np.corrcoef(x_train[:, 4], x_train[:, 5])[0, 1]), 2))
assert set(along) == {"s1", "s2", "s3"}

# %% [markdown]
# How good is the fit? On the **test** patients, which training never saw,
# $R^2 = 1 - \mathrm{MSE} / \mathrm{Var}(y)$ says what fraction of the targets' variance
# the model explains (1: perfect; 0: no better than predicting the test targets' own
# mean; below 0: worse than that). A linear model of the ten measurements explains about
# half of it here (a third to two thirds on other random splits): disease progression
# depends on much more than ten baseline numbers.
#
# Since the features are standardized, the weights are comparable: each says how much the
# prediction moves for one standard deviation of its feature, the others held fixed. But
# read them with the flat direction in mind. `bmi` and `s5` (a triglyceride measure) push
# the prediction up in both fits, and on `bmi`, which the flat direction leaves alone,
# gradient descent and least squares agree. The cholesterol weights differ most: least
# squares gives `s1` and `s2` large weights of opposite sign (nearly cancelling, as the two
# move together), and after 500 steps gradient descent is still on its way there. Weights
# of correlated features should not be read one by one.

# %%
with ag.no_grad():
    predicted = model_std(x_test).data
r2_test = nn.metrics.r2_score(y_test, predicted)
mse_test = float(np.mean((y_test - predicted) ** 2))
variance = float(np.mean((y_test - y_test.mean()) ** 2))
print(f"test MSE {mse_test:.0f}, the test targets' variance {variance:.0f}: "
      f"R^2 = 1 - {mse_test:.0f} / {variance:.0f} = {r2_test:.3f}")
weights, least_squares = model_std.weight.data.ravel(), exact[:10, 0]
for name in ("bmi", "s5", "s1", "s2"):
    i = names.index(name)
    print(f"{name:4} gradient descent {weights[i]:6.1f}, least squares {least_squares[i]:6.1f}")
assert np.isclose(r2_test, 1 - mse_test / variance, rtol=1e-4) and 0.3 < r2_test < 0.75
bmi, s5, s1, s2 = (names.index(n) for n in ("bmi", "s5", "s1", "s2"))
assert weights[bmi] > 0 and weights[s5] > 0 and abs(weights[bmi] - least_squares[bmi]) < 1
assert least_squares[s1] < 0 < least_squares[s2] and abs(weights[s1]) < abs(least_squares[s1])

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
rows = np.arange(len(names))
left.barh(rows - 0.2, weights, height=0.4, label="gradient descent, 500 steps")
left.barh(rows + 0.2, least_squares, height=0.4, label="least squares")
left.set_yticks(rows, names)
left.set_xlabel("weight (per standard deviation)")
left.set_title("what the linear model uses")
left.legend(fontsize=8)
right.scatter(y_test, predicted, s=10)
right.plot([25, 346], [25, 346], "k--", lw=1)
right.set_xlabel("actual progression")
right.set_ylabel("predicted")
right.set_title(f"test patients: R^2 = {r2_test:.2f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Next:** notebook 5 turns the regression into a classifier with a sigmoid.
