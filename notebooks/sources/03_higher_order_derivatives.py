"""Notebook 03: higher-order derivatives, Newton's method, Jacobians and Hessians."""

# %% [markdown]
# # 3. Higher-order derivatives
#
# In rungrad a gradient is itself a `Variable`. When you ask `backward` to record what it
# does (`create_graph=True`), the gradient gets a graph of its own, and you can
# differentiate it again. That gives second, third, ... derivatives, Newton's method (which
# uses the curvature), Jacobians and Hessians.

# %% [shared] setup

# %% [markdown]
# ## tanh and its derivatives
#
# `y.backward(create_graph=True)` leaves in `x.grad` a Variable connected to `x` by a new
# graph. Clear `x.grad`, call `backward` on the old gradient, and `x.grad` holds the next
# derivative. For an elementwise function of a vector `x`, `backward` (whose upstream gradient
# defaults to ones) gives the derivative at every point at once.

# %%
x = Variable(np.linspace(-4, 4, 200), name="x")
y = ag.tanh(x)
curves = [y.data]
current = y
for _ in range(4):
    x.cleargrad()
    current.backward(create_graph=True)
    current = x.grad  # the next derivative, differentiable again
    curves.append(current.data)

for order, values in enumerate(curves):
    plt.plot(x.data, values, label="tanh" if order == 0 else f"derivative {order}")
plt.legend()
plt.title("tanh and four derivatives, all by backprop")
plt.show()

t = np.tanh(x.data)
assert np.allclose(curves[1], 1 - t ** 2)
assert np.allclose(curves[2], -2 * t * (1 - t ** 2))
assert np.allclose(curves[3], (1 - t ** 2) * (6 * t ** 2 - 2))

# %% [markdown]
# ## The graph of a gradient
#
# For $y = \tanh x$ the backward rule is $g_x = g_y \cdot (1 - y^2)$. With
# `create_graph=True` that computation is recorded, and its graph is what the second
# derivative will walk back through. Each order of derivative builds a larger graph.

# %%
x = Variable(np.array(1.0), name="x")
y = ag.tanh(x)
y.name = "y"
y.backward(create_graph=True)
gx = x.grad
gx.name = "dy/dx"
ag.plot_graph(gx, to_file=OUT / "tanh_gradient.png")

# %%
def functions_in_graph(v):
    return ag.get_dot_graph(v).count("shape=box")


x = Variable(np.array(1.0), name="x")
current = ag.tanh(x)
sizes = [functions_in_graph(current)]
for _ in range(5):
    x.cleargrad()
    current.backward(create_graph=True)
    current = x.grad
    sizes.append(functions_in_graph(current))
print("functions in the graph of each derivative (order 0..5):", sizes)
assert sizes == sorted(sizes) and sizes[-1] > 10 * sizes[0]

# %% [markdown]
# ## Newton's method
#
# Gradient descent takes steps of a fixed size (the learning rate) times the slope. Newton's
# method also uses the **curvature** $f''(x)$: it jumps to the minimum of the parabola that
# fits $f$ at the current point,
#
# $$x \leftarrow x - \frac{f'(x)}{f''(x)} .$$
#
# (That parabola has a minimum only where $f'' > 0$. Where $f'' < 0$ it opens downwards and
# the same step jumps to its *maximum*: Newton's method looks for a point where $f' = 0$,
# whatever kind it is. Here every point of the path has $f'' > 0$.)
#
# `ag.grad(y, x, create_graph=True)` returns $f'$ as a differentiable Variable, so one more
# `ag.grad` gives $f''$. The example: $f(x) = x^4 - 2x^2$, which has a minimum at $x = 1$,
# starting from $x = 2$.

# %%
def f(x):
    return x ** 4 - 2 * x ** 2


def newton_path(f, x0, steps):
    x = Variable(np.array(x0))
    path = [x0]
    for _ in range(steps):
        first, = ag.grad(f(x), x, create_graph=True)
        second, = ag.grad(first, x)
        x = Variable(x.data - first.data / second.data)
        path.append(x.item())
    return np.array(path)


def gradient_descent_path(f, x0, lr, steps):
    x = Variable(np.array(x0))
    path = [x0]
    for _ in range(steps):
        first, = ag.grad(f(x), x)
        x = Variable(x.data - lr * first.data)
        path.append(x.item())
    return np.array(path)


def steps_to_reach(path, target, tol=1e-10):
    close = np.flatnonzero(np.abs(path - target) < tol)
    return int(close[0]) if close.size else None


newton = newton_path(f, 2.0, steps=10)
descent = gradient_descent_path(f, 2.0, lr=0.01, steps=400)
newton_steps, descent_steps = steps_to_reach(newton, 1.0), steps_to_reach(descent, 1.0)
print(f"Newton reaches x = 1 (to 1e-10) in {newton_steps} steps, "
      f"gradient descent (lr 0.01) in {descent_steps}")
assert newton_steps <= 7 and descent_steps > 200
assert np.all(12 * newton ** 2 - 4 > 0)  # f''(x) = 12x^2 - 4 > 0 along Newton's path

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
xs = np.linspace(-1.6, 2.1, 200)
left.plot(xs, f(xs), color="gray")
left.plot(descent[:40], f(descent[:40]), "o-", ms=3, label="gradient descent (first 40 steps)")
left.plot(newton, f(newton), "s-", ms=5, label="Newton")
left.set_ylim(-1.5, 9)
left.legend()
left.set_title(r"$f(x) = x^4 - 2x^2$ from $x = 2$")
right.semilogy(np.abs(descent - 1) + 1e-16, label="gradient descent")
right.semilogy(np.abs(newton - 1) + 1e-16, "s-", label="Newton")
right.set_xlabel("step")
right.set_ylabel("|x - 1|")
right.legend()
right.set_title("distance to the minimum")
plt.show()

# %% [markdown]
# ## Jacobians and Hessians
#
# For a vector function $y = f(x)$ the **Jacobian** collects $\partial y_i / \partial x_j$.
# Softmax is a good example: $J = \mathrm{diag}(s) - s s^\top$ where $s = \mathrm{softmax}(x)$.
# `ag.jacobian(f, x)` builds it with one backward pass per output.

# %%
import nn.functional as F

x0 = np.array([1.0, 2.0, 0.5])
J = ag.jacobian(lambda x: F.softmax(x, axis=0), x0)
s = np.exp(x0) / np.exp(x0).sum()
print(J)
assert np.allclose(J, np.diag(s) - np.outer(s, s))

# %% [markdown]
# The **Hessian** of a scalar function collects the second derivatives
# $\partial^2 f / \partial x_i \partial x_j$. For the Rosenbrock function
# $f(x_0, x_1) = 100 (x_1 - x_0^2)^2 + (x_0 - 1)^2$, whose minimum is at $(1, 1)$, the Hessian
# there is $\begin{pmatrix} 802 & -400 \\ -400 & 200 \end{pmatrix}$.

# %%
def rosenbrock(x):
    return 100 * (x[1] - x[0] ** 2) ** 2 + (x[0] - 1) ** 2


H = ag.hessian(rosenbrock, np.array([1.0, 1.0]))
print(H)
assert np.allclose(H, [[802, -400], [-400, 200]])
eigenvalues = np.linalg.eigvalsh(H)
print("eigenvalues:", eigenvalues, "-> condition number", eigenvalues.max() / eigenvalues.min())

# %% [markdown]
# The eigenvalues differ by a factor of about 2500: at the minimum the valley curves 2500
# times more sharply across than along (its contour ellipses are $\sqrt{2500} = 50$ times
# longer than wide). Gradient descent must use a learning rate small enough for the steep
# direction (below $2 / 1002$ here), so it crawls along the flat one. Newton's method in several dimensions,
# $x \leftarrow x - H^{-1} \nabla f$, rescales every direction by its curvature.

# %%
def newton_path_nd(f, x0, steps):
    path = [np.array(x0)]
    for _ in range(steps):
        x = Variable(path[-1])
        gradient, = ag.grad(f(x), x)
        step = np.linalg.solve(ag.hessian(f, path[-1]), gradient.data)
        path.append(path[-1] - step)
    return np.array(path)


def gradient_descent_path_nd(f, x0, lr, steps):
    path = [np.array(x0)]
    for _ in range(steps):
        x = Variable(path[-1])
        gradient, = ag.grad(f(x), x)
        path.append(path[-1] - lr * gradient.data)
    return np.array(path)


start = [-1.2, 1.0]
newton_2d = newton_path_nd(rosenbrock, start, steps=8)
descent_2d = gradient_descent_path_nd(rosenbrock, start, lr=0.001, steps=1000)  # < 2 / 1002
print("Newton after 8 steps:        ", newton_2d[-1])
print("gradient descent, 1000 steps:", descent_2d[-1])
assert np.allclose(newton_2d[-1], [1, 1]) and not np.allclose(descent_2d[-1], [1, 1], atol=0.05)

g0, g1 = np.meshgrid(np.linspace(-1.6, 1.6, 200), np.linspace(-3.5, 2.2, 200))
plt.contour(g0, g1, 100 * (g1 - g0 ** 2) ** 2 + (g0 - 1) ** 2, levels=np.logspace(-1, 3, 15),
            cmap="viridis", alpha=0.6)
plt.plot(descent_2d[:, 0], descent_2d[:, 1], ".-", ms=2, label="gradient descent (1000 steps)")
plt.plot(newton_2d[:, 0], newton_2d[:, 1], "s-", ms=5, label="Newton (8 steps)")
plt.plot(1, 1, "r*", ms=14, label="minimum")
plt.legend(loc="lower right")
plt.title("Rosenbrock: curvature-aware steps")
plt.show()

# %% [markdown]
# ## Hessian-vector products without the Hessian
#
# A Hessian of a model with $n$ weights has $n^2$ entries: far too many to build. But
# $Hv = \nabla_x \left(\nabla_x f \cdot v\right)$: differentiate the gradient (recorded with
# `create_graph=True`) dotted with $v$, and you get $Hv$ for the cost of two backward passes.
# This "double backprop" is what second-order optimizers and many research methods use.

# %%
x = Variable(np.array([-0.5, 0.8]))
v = np.array([0.3, -1.0])
gradient, = ag.grad(rosenbrock(x), x, create_graph=True)
hv, = ag.grad((gradient * v).sum(), x)
print("H v by double backprop:", hv.data)
print("H v from the full H:   ", ag.hessian(rosenbrock, x.data) @ v)
assert np.allclose(hv.data, ag.hessian(rosenbrock, x.data) @ v)

# %% [markdown]
# **Next:** notebook 4 puts gradients to work: fitting a line by gradient descent.
