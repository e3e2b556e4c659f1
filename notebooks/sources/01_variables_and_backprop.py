"""Notebook 01: Variables, functions and backprop."""

# %% [markdown]
# # 1. Variables, functions and backpropagation
#
# A neural network is a big function. Training it means nudging its weights so that a loss
# gets smaller, and for that we need the loss's **derivative** with respect to every weight.
# *Backpropagation* computes all of those derivatives in one backward sweep, using the
# **chain rule**.
#
# rungrad is *define-by-run*: as your Python code computes, every operation records itself
# in a **computational graph**. `backward()` then walks that graph from the output back to
# the inputs. In this notebook you will
#
# 1. create `Variable`s and compute with them,
# 2. apply the chain rule by hand and check that `backward()` agrees,
# 3. look at the graph as a picture,
# 4. see the two local rules backprop is made of (the add node and the multiply node),
# 5. switch recording off with `no_grad`, and
# 6. see what happens when one variable is used several times.

# %% [shared] setup

# %% [markdown]
# ## A Variable wraps an array
#
# A `Variable` holds NumPy data (`.data`) and, after backprop, its gradient (`.grad`).
# Operators and functions such as `ag.exp` return new Variables that remember which
# function made them (`.creator`).

# %%
x = Variable(np.array(3.0), name="x")
y = x ** 2
print("y =", y, "| made by", y.creator)
y.backward()
print("dy/dx =", x.grad)  # d(x^2)/dx = 2x = 6
assert x.grad.item() == 6.0

# %% [markdown]
# ## The chain rule by hand vs `backward()`
#
# Take $y = \left(e^{x^2}\right)^2$ and split it into three simple steps:
#
# $$a = x^2, \qquad b = e^{a}, \qquad y = b^2 .$$
#
# Each step has an easy **local derivative**: $\frac{da}{dx} = 2x$, $\frac{db}{da} = e^a = b$,
# $\frac{dy}{db} = 2b$. The chain rule multiplies them:
#
# $$\frac{dy}{dx} = \frac{dy}{db}\cdot\frac{db}{da}\cdot\frac{da}{dx} = 2b \cdot b \cdot 2x .$$
#
# Backpropagation evaluates this product **from the output backwards**: it starts with
# $\frac{dy}{dy} = 1$ and multiplies in one local derivative per step.

# %%
x_value = 0.5
a = x_value ** 2
b = np.exp(a)
y_value = b ** 2

# backward, one local derivative at a time
dy_dy = 1.0
dy_db = dy_dy * 2 * b       # through y = b^2
dy_da = dy_db * b           # through b = e^a   (d e^a / da = e^a = b)
dy_dx = dy_da * 2 * x_value  # through a = x^2
print("by hand:      dy/dx =", dy_dx)

x = Variable(np.array(x_value), name="x")
a = x ** 2
b = ag.exp(a)
y = b ** 2
a.name, b.name, y.name = "a", "b", "y"
y.backward()
print("by backward:  dy/dx =", x.grad.item())
assert np.isclose(x.grad.item(), dy_dx)

# %% [markdown]
# ## The graph as a picture
#
# `ag.plot_graph` draws the graph that was recorded (it needs Graphviz). Ellipses are
# variables (orange: leaves you created, pale yellow: intermediate results such as `a` and
# `b`, green: the output, grey: constant arrays such as the one of `x * np.array(2.0)`;
# there are none here), boxes are functions. A Python number such as the exponent 2 is
# no node: it is written into its box, `PowScalar(2)`.
# `get_dot_graph` gives the same graph as text in Graphviz's DOT language.

# %%
ag.plot_graph(y, to_file=OUT / "chain.png")

# %%
dot = ag.get_dot_graph(y, verbose=False)
print(dot)
assert "#e6e6e6" not in dot and dot.count("PowScalar(2)") == 2  # no grey constant node

# %% [markdown]
# ## Backprop is made of local rules
#
# The classic example from *Deep Learning from Scratch*: you buy 2 apples at 100 each and
# pay 10 % tax. The price is `apple * count * tax`. How much does the price change if the
# apple gets a little more expensive, if you buy one more, or if the tax rises?

# %%
apple = Variable(np.array(100.0), name="apple")
count = Variable(np.array(2.0), name="count")
tax = Variable(np.array(1.1), name="tax")
apples = apple * count
apples.name = "apples"
price = apples * tax
price.name = "price"
price.backward(retain_grad=True)  # keep the gradient of the intermediate `apples` too

print(f"price = {price.item():.1f}")
for v in (apple, count, tax, apples):
    print(f"d price / d {v.name:6s} = {v.grad.item():6.1f}")
ag.plot_graph(price, to_file=OUT / "apples.png", values=True, grads=True)

# %% [markdown]
# With `values=True, grads=True` each variable shows its value and its gradient, the
# derivative of `price` with respect to it (`price` itself has gradient 1, the seed of
# backprop). `grad: —` would mean "not computed" (without `retain_grad=True`, `apples` and
# `price` show it); a 0 would be a computed answer: the price does not change with that
# variable.
#
# Read the gradients against the two rules every graph is built from:
#
# * **multiply node** $z = xy$: the upstream gradient is multiplied by the *other* input
#   ($\partial z/\partial x = y$): the inputs swap. `d price/d apples = tax = 1.1`,
#   `d price/d tax = apples = 200`, and one step further back
#   `d price/d apple = 1.1 * count = 2.2`.
# * **add node** $z = x + y$: the upstream gradient passes through unchanged to both inputs.

# %%
assert np.allclose([apple.grad.item(), count.grad.item(), tax.grad.item()], [2.2, 110, 200])

u = Variable(np.array(3.0), name="u")
v = Variable(np.array(4.0), name="v")
upstream = np.array(10.0)
(u + v).backward(upstream)
print("add node:      du =", u.grad.item(), " dv =", v.grad.item())  # both 10
assert u.grad.item() == v.grad.item() == 10.0
u.cleargrad(), v.cleargrad()
(u * v).backward(upstream)
print("multiply node: du =", u.grad.item(), " dv =", v.grad.item())  # 10*v, 10*u
assert (u.grad.item(), v.grad.item()) == (40.0, 30.0)

# %% [markdown]
# The notes' exercise for the two rules: $z = (x + y)^2$, as an add node $t = x + y$
# followed by a square $z = t^2$. The chain rule gives
# $\frac{\partial z}{\partial x} = \frac{\partial z}{\partial t}\frac{\partial t}{\partial x}
# = 2t \cdot 1 = 2(x + y)$, and the same for $y$: the add node passes $2t$ through to both.

# %%
u.cleargrad(), v.cleargrad()
t = u + v
z = t ** 2
z.backward()
print(f"z = (u + v)^2 at u = 3, v = 4: dz/du = {u.grad.item()}, dz/dv = {v.grad.item()}, "
      f"2(u + v) = {2 * (3 + 4)}")
assert u.grad.item() == v.grad.item() == 2 * (3.0 + 4.0)

# %% [markdown]
# ### The sigmoid layer, built from nodes
#
# *Deep Learning from Scratch* derives the sigmoid's backward pass node by node:
# $y = 1 / (1 + e^{-x})$ is a multiply by $-1$, an exp, an add of 1 and a division
# ($1/s$). Going backwards from $\frac{\partial y}{\partial y} = 1$:
#
# 1. the division $y = 1/s$ multiplies by $-1/s^2 = -y^2$;
# 2. the add node $s = 1 + e$ passes the gradient through unchanged;
# 3. the exp node $e = e^{m}$ multiplies by $e^{m} = e^{-x}$;
# 4. the multiply node $m = -x$ multiplies by $-1$.
#
# Together: $y^2 e^{-x}$, and since $e^{-x} = (1 - y)/y$ that simplifies to
# $\frac{\partial y}{\partial x} = y(1 - y)$: the backward pass needs only the forward
# output. Built from those four nodes, rungrad's graph and `backward()` agree:

# %%
x = Variable(np.array([-2.0, 0.0, 1.0, 3.0]), name="x")
m = -x
e = ag.exp(m)
s_node = 1 + e
y = 1 / s_node
m.name, e.name, s_node.name, y.name = "m = -x", "e = exp(m)", "s = 1 + e", "y = 1 / s"
y.backward(np.ones(4), retain_grad=True)
print("dy/ds (should be -y^2):    ", s_node.grad.data, "vs", -y.data ** 2)
print("dy/dx by backprop:         ", x.grad.data)
print("y (1 - y) from the output: ", y.data * (1 - y.data))
assert np.allclose(s_node.grad.data, -y.data ** 2)
assert np.allclose(e.grad.data, s_node.grad.data)  # the add node passes it through
assert np.allclose(x.grad.data, y.data * (1 - y.data))
ag.plot_graph(y, to_file=OUT / "sigmoid.png")

# %% [markdown]
# ## Matrices: the affine layer
#
# A dense layer computes $Y = XW + b$ for a whole batch: $X$ is (batch, in), $W$ is
# (in, out). The matrix version of the multiply rule is
#
# $$\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} W^\top, \qquad
#   \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Y}, \qquad
#   \frac{\partial L}{\partial b} = \sum_{\text{batch}} \frac{\partial L}{\partial Y}.$$
#
# A gradient always has the shape of its variable, which is a good way to remember where
# the transposes go. The bias was *broadcast* over the batch, so its gradient is summed over
# the batch: rungrad does that summing for every broadcast automatically.

# %%
rng = np.random.default_rng(0)
X = Variable(rng.normal(size=(4, 3)), name="X")
W = Variable(rng.normal(size=(3, 2)), name="W")
b = Variable(np.zeros(2), name="b")
Y = X @ W + b
dY = rng.normal(size=Y.shape)  # some upstream gradient dL/dY
Y.backward(dY)

assert np.allclose(X.grad.data, dY @ W.data.T)
assert np.allclose(W.grad.data, X.data.T @ dY)
assert np.allclose(b.grad.data, dY.sum(axis=0))
print("shapes: X", X.shape, "dX", X.grad.shape, "| W", W.shape, "dW", W.grad.shape,
      "| b", b.shape, "db", b.grad.shape)

# %% [markdown]
# ## Turning the recording off: `no_grad`
#
# Recording costs memory and time. When you only need values (evaluating a model,
# updating weights) wrap the code in `ag.no_grad()`: nothing is recorded and the results
# do not require gradients. `detach()` does the same for a single variable.

# %%
x = Variable(np.array(2.0), name="x")
with ag.no_grad():
    y = x * 3 + 1
print("inside no_grad: creator =", y.creator, ", requires_grad =", y.requires_grad)
assert y.creator is None and not y.requires_grad

y = x * 3 + 1
print("outside:        creator =", y.creator, ", requires_grad =", y.requires_grad)
assert y.creator is not None and y.detach().creator is None

# %% [markdown]
# ## Using a variable more than once
#
# When a variable feeds several operations, its gradient is the **sum** of the gradients
# arriving along every path. For $y = x + x$ that gives $2$, and for $y = x \cdot x$ it gives
# $x + x = 2x$.

# %%
x = Variable(np.array(3.0), name="x")
(x + x).backward()
print("d(x + x)/dx =", x.grad.item())
assert x.grad.item() == 2.0

# %% [markdown]
# Gradients **accumulate** into `.grad`: a second `backward()` adds to the first. That is
# what makes the sum over paths work, and also why training loops clear gradients
# (`cleargrad()`, or `zero_grad()` on a model or optimizer) before each backward pass.

# %%
x.cleargrad()
y = x * x
y.backward()
first = x.grad.item()
y.backward()  # forgot to clear: 6 + 6
print("after one backward:", first, "| after two:", x.grad.item())
assert (first, x.grad.item()) == (6.0, 12.0)

# %% [markdown]
# A "diamond": one intermediate result used by two branches that meet again. Backprop must
# finish collecting both branches' gradients at `a` before going further back to `x`;
# rungrad orders the backward pass by each function's *generation* (its distance from the
# inputs) so every function runs exactly once, after all its outputs' gradients are known.
#
# $a = x^2$, $y = a^2 + a^2 = 2x^4$, so $\frac{dy}{dx} = 8x^3 = 64$ at $x = 2$.

# %%
x = Variable(np.array(2.0), name="x")
a = x ** 2
a.name = "a"
y = a ** 2 + a ** 2
y.name = "y"
y.backward()
print("dy/dx =", x.grad.item())
assert x.grad.item() == 64.0
ag.plot_graph(y, to_file=OUT / "diamond.png")

# %% [markdown]
# ## Gradients without touching `.grad`: `ag.grad`
#
# `ag.grad(outputs, inputs)` returns the gradients as a tuple and leaves every `.grad`
# alone: handy when you want a derivative as a value.

# %%
x = Variable(np.array(2.0))
z = Variable(np.array(5.0))
f = x ** 2 * z
dx, dz = ag.grad(f, [x, z])
print("df/dx =", dx.item(), " df/dz =", dz.item(), " x.grad is", x.grad)
assert (dx.item(), dz.item()) == (20.0, 4.0) and x.grad is None

# %% [markdown]
# **Next:** notebook 2 checks these gradients against a completely independent method,
# numerical differentiation.
