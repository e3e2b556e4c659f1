"""Notebook 12: Seeing backprop."""

# %% [markdown]
# # 12. Seeing backprop
#
# Backpropagation is easy to state (apply the chain rule from the output backwards) and hard
# to *see*: the numbers flow through a graph you never look at. This notebook makes them
# visible with rungrad's instruments:
#
# 1. a graph that shows every value and every gradient,
# 2. a backward pass you can step through, one Function at a time, in the browser,
# 3. the chain rule read off those steps,
# 4. a NaN found and drawn where it happens (`detect_anomaly(plot=...)`),
# 5. hooks that capture activations and gradients inside a model, and
# 6. the gradient norms of every layer while a network trains.

# %% [shared] setup

# %% [markdown]
# ## 1. Values and gradients on the graph
#
# A single neuron: two inputs $x_1, x_2$, weights $w_1, w_2$, a bias $b$, and a $\tanh$:
#
# $$o = \tanh(x_1 w_1 + x_2 w_2 + b).$$
#
# `plot_graph(..., values=True, grads=True)` writes each variable's value and gradient
# under its name. Before `backward()` no gradient exists yet, and the graph says so with a
# dash, not with a 0 (a gradient of 0 is a real, computed answer: "this input does not
# matter here").

# %%
x1 = Variable(np.array(2.0), name="x1")
x2 = Variable(np.array(0.0), name="x2")
w1 = Variable(np.array(-3.0), name="w1")
w2 = Variable(np.array(1.0), name="w2")
b = Variable(np.array(6.8813735870195432), name="b")
x1w1 = x1 * w1
x2w2 = x2 * w2
n = x1w1 + x2w2 + b
o = ag.tanh(n)
x1w1.name, x2w2.name, n.name, o.name = "x1*w1", "x2*w2", "n", "o"
ag.plot_graph(o, to_file=OUT / "neuron_before.png", verbose=False, values=True, grads=True)

# %% [markdown]
# Now run backward, keeping the intermediate gradients (`retain_grad=True`) so that every
# node has one to show:

# %%
o.backward(retain_grad=True)
ag.plot_graph(o, to_file=OUT / "neuron.png", verbose=False, values=True, grads=True)

# %% [markdown]
# Check the picture against the two local rules:
#
# * $\frac{do}{dn} = 1 - \tanh^2(n) = 1 - 0.7071^2 = 0.5$,
# * an **add** node passes its upstream gradient to every input unchanged: `n`, `x1*w1`,
#   `x2*w2` and `b` all get 0.5,
# * a **multiply** node sends each input the upstream gradient times the *other* input:
#   $\frac{do}{dw_1} = 0.5 \cdot x_1 = 1$ and $\frac{do}{dx_1} = 0.5 \cdot w_1 = -1.5$.
#   $\frac{do}{dw_2} = 0.5 \cdot x_2 = 0$: a computed zero, since $x_2$ is 0.

# %%
assert np.isclose(o.item(), np.sqrt(0.5))
assert np.isclose(n.grad.item(), 0.5) and np.isclose(b.grad.item(), 0.5)
assert np.allclose([x1.grad.item(), w1.grad.item(), x2.grad.item(), w2.grad.item()],
                   [-1.5, 1.0, 0.5, 0.0])

# %% [markdown]
# The labels stay short for arrays too: up to six numbers are shown one by one, larger
# arrays as `min … mean … max …` (with counts of `nan` and `inf` when there are any).

# %%
x = Variable(np.linspace(-2, 2, 50), name="x")
w = Variable(np.array([0.5, -1.0, 2.0]), name="w")
loss = (ag.tanh(x).sum() * w).sum()
loss.name = "loss"
loss.backward()
ag.plot_graph(loss, to_file=OUT / "arrays.png", values=True, grads=True)

# %% [markdown]
# ## 2. Stepping through the backward pass
#
# `ag.plot_backward(output, to_file=...)` runs a backward pass while recording it (the
# `.grad`s are left as they were: drawing adds nothing to them), and writes a
# self-contained web page: the graph, one frame per Function in the order the
# engine really processed them. In each frame the current Function is highlighted, the
# gradient arriving from above is shown, then the local gradients it sends to its inputs,
# and the gradients of the leaves fill in as the pass proceeds. Use the buttons, the slider
# or the ←/→ keys. (The page needs no network; open the written file in any browser.)

# %%
x1, x2, w1, w2 = (Variable(np.array(v), name=name) for v, name in
                  ((2.0, "x1"), (0.0, "x2"), (-3.0, "w1"), (1.0, "w2")))
b = Variable(np.array(6.8813735870195432), name="b")
o = ag.tanh(x1 * w1 + x2 * w2 + b)
o.name = "o"
page = ag.plot_backward(o, to_file=OUT / "backprop.html")
page

# %% [markdown]
# ## 3. The chain rule, read off the frames
#
# The page is drawn from a recording, which you can also make yourself:
# `with ag.record_backward() as trace:` records each Function's backward as one step, with
# the gradients that arrived for its outputs (`grad_outputs`) and those it sent to its
# inputs (`grad_inputs`). Each step multiplies the upstream gradient by the Function's
# local derivative: that *is* the chain rule, one factor per step.

# %%
x = Variable(np.array(0.8), name="x")
a = x ** 2
e = ag.exp(a)
y = e ** 2
with ag.record_backward() as trace:
    y.backward()
for step in trace.steps:
    received = [float(g) for g in step.grad_outputs if g is not None]
    sent = [None if g is None else float(g) for g in step.grad_inputs]
    print(f"{type(step.function).__name__:5s} received {received}  sent {sent}")

# %% [markdown]
# With $a = x^2$, $e = \exp(a)$, $y = e^2$: the first step (`PowScalar`, $y = e^2$)
# receives $1$ and sends $2e$; `Exp` multiplies that by $e$; the last `PowScalar` multiplies
# by $2x$. The final number is the product of the three local derivatives, $\frac{dy}{dx}$:

# %%
e_value = np.exp(0.8 ** 2)
local = [2 * e_value, e_value, 2 * 0.8]
first_inputs = [step.grad_inputs[0] for step in trace.steps]
assert np.allclose(first_inputs, np.cumprod(local))
assert np.isclose(x.grad.item(), np.prod(local))
print("dy/dx =", " x ".join(f"{f:.4f}" for f in local), "=", x.grad.item())

# %% [markdown]
# ## 4. A NaN, found where it happens
#
# The length of a vector, $\lVert v \rVert = \sqrt{\sum v_i^2}$, is fine to compute at
# $v = 0$, but its gradient there divides by zero: $\frac{d}{ds}\sqrt{s} = \frac{1}{2\sqrt s}$
# is infinite at $s = 0$, and $\infty \cdot 0$ in the next step is `nan`. In a real model
# the `nan` would surface much later, as a `nan` loss. Under
# `detect_anomaly(plot="anomaly.svg")`, the first Function that produces a non-finite value
# raises, naming the op and your line, and the graph up to that op is drawn with the op in
# red and the non-finite values marked.

# %%
import re

from IPython.display import SVG


def file_names_only(text):
    """`text` with every absolute path cut to its file name (full paths differ per machine)."""
    return re.sub(r"(?<![\w.])(?:/|[A-Za-z]:\\)\S*[/\\]", "", text)


v = Variable(np.zeros(3), name="v")
try:  # (NumPy's own divide-by-zero warning is silenced: the anomaly error says more)
    with ag.detect_anomaly(plot=OUT / "anomaly.svg"), np.errstate(divide="ignore"):
        length = ag.sqrt((v * v).sum())
        length.backward()
except FloatingPointError as error:
    message = str(error)
    # The message names your cell's file (Jupyter runs each cell from a temporary file) and
    # the picture by their full paths; printed here with the file names only.
    print(file_names_only(message))
assert "Sqrt backward" in message and "anomaly.svg" in message
SVG(filename=str(OUT / "anomaly.svg"))

# %% [markdown]
# ## 5. Hooks: looking inside without changing the code
#
# A **forward hook** on a layer sees its inputs and output at every call; a **gradient
# hook** on a Variable sees its gradient when backward computes it (and may replace it).
# Both return a handle whose `remove()` takes the hook out again. Here they record the
# mean activation and the gradient size of each layer of a deep sigmoid network:

# %%
np.random.seed(0)
layers = [nn.Linear(8, 8) for _ in range(5)]
activations, gradient_sizes = {}, {}


def watch(name):
    """A forward hook that records the layer's output and hooks that output's gradient."""
    def on_forward(module, inputs, output):
        activations[name] = float(np.abs(output.data).mean())

        def on_gradient(grad):
            gradient_sizes[name] = float(np.abs(grad.data).mean())
        output.register_hook(on_gradient)
    return on_forward


handles = [layer.register_forward_hook(watch(f"layer {i}")) for i, layer in enumerate(layers)]
h = Variable(np.random.randn(16, 8))
for layer in layers:
    h = nn.functional.sigmoid(layer(h))
h.sum().backward()
for handle in handles:
    handle.remove()
for name in activations:
    print(f"{name}: mean |output| {activations[name]:.3f}   "
          f"mean |gradient| {gradient_sizes[name]:.2e}")
# the gradient shrinks on its way back to the first layer
assert gradient_sizes["layer 0"] < gradient_sizes["layer 4"] / 100

# %% [markdown]
# ## 6. Watching the gradients while training
#
# `nn.callbacks.GradientMonitor` does the same for every parameter during `fit`: after each
# epoch it stores the mean gradient norm of each parameter in the history, under
# `grad_norm/<name>`, and with `plot=` it draws them on a log scale. With sigmoids, the
# first layers learn orders of magnitude more slowly than the last ones: the
# **vanishing gradient** problem. `nn.plot_model` draws the network layer by layer.

# %%
from IPython.display import Image

(x_train, y_train), _ = nn.datasets.spiral()
np.random.seed(0)
deep = nn.Sequential([nn.Dense(16, activation="sigmoid", input_shape=(2,))]
                     + [nn.Dense(16, activation="sigmoid") for _ in range(5)]
                     + [nn.Dense(3)])
deep.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
history = deep.fit(x_train, y_train, epochs=10, batch_size=30, verbose=0,
                   callbacks=[nn.callbacks.GradientMonitor(plot=OUT / "gradients.png")])
first, last = history.history["grad_norm/0.weight"][-1], history.history["grad_norm/6.weight"][-1]
print(f"gradient norm of the first layer's weights: {first:.2e}, of the last: {last:.2e}")
assert first < last / 10
Image(filename=str(OUT / "gradients.png"))

# %%
nn.plot_model(deep, to_file=OUT / "deep_model.png", show_shapes=True, show_layer_names=True)

# %% [markdown]
# ## Summary
#
# * `plot_graph(y, values=True, grads=True)` shows what was computed and what flowed back;
#   `grad: —` means "not computed", a 0 means "computed, and zero".
# * `plot_backward` and `record_backward` show the backward pass as it happened, one
#   Function at a time: each step multiplies the incoming gradient by a local derivative.
# * `detect_anomaly(plot=...)` stops at the first `nan`/`inf` and draws where it arose.
# * Hooks (`register_forward_hook`, `register_hook`) and `GradientMonitor` let you watch
#   activations and gradients inside a model, the way to diagnose vanishing gradients.
#
# **Next:** notebook 13, models that generate new training data (an autoencoder and a GAN).
