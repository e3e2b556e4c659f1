"""Notebook 02: numerical differentiation vs backprop, gradcheck, property tests."""

# %% [markdown]
# # 2. Numerical differentiation vs backpropagation
#
# The derivative is the slope of a function at a point. The oldest way to compute it is to
# *measure* it: move the input a tiny step $h$ and see how much the output moves. That is
# **numerical differentiation**. It is slow, and only approximately right, but it is simple
# and independent of backprop, so it is the perfect referee: every gradient rungrad computes
# by backprop is tested against it.
#
# In this notebook: the central difference, partial derivatives and the gradient,
# `gradcheck`, finding a planted bug in a custom `Function`, a property-based test of
# your own op with `autograd.testing` and hypothesis, and gradient testing as a product:
# input specs checked by a pytest plugin, blame for the wrong Function of a model, and
# hints for a hand-derived gradient.

# %% [shared] setup

# %% [markdown]
# ## The central difference
#
# The definition $f'(x) = \lim_{h\to 0} \frac{f(x+h) - f(x)}{h}$ suggests the **forward
# difference** with a small $h$. Stepping to both sides is much more accurate, the
# **central difference**:
#
# $$f'(x) \approx \frac{f(x+h) - f(x-h)}{2h}, \qquad h = 10^{-4}.$$
#
# The example from *Deep Learning from Scratch*: $f(x) = 0.01x^2 + 0.1x$, whose exact
# derivative is $0.02x + 0.1$: $0.2$ at $x = 5$ and $0.3$ at $x = 10$.

# %%
def f(x):
    return 0.01 * x ** 2 + 0.1 * x


def central_difference(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)


for x0 in (5.0, 10.0):
    by_hand = central_difference(f, x0)
    by_rungrad = ag.numerical_diff(f, np.array(x0))  # the same formula, computed in float64
    print(f"x = {x0:4}: central difference {by_hand:.10f}, numerical_diff {by_rungrad:.10f}")
    assert np.isclose(by_hand, 0.02 * x0 + 0.1) and np.isclose(by_rungrad, by_hand)

# %%
xs = np.linspace(0, 20, 200)
plt.plot(xs, f(xs), label="f(x)")
for x0 in (5.0, 10.0):
    slope = central_difference(f, x0)
    plt.plot(xs, f(x0) + slope * (xs - x0), "--", label=f"tangent at x={x0:g} (slope {slope:.2f})")
    plt.plot(x0, f(x0), "ko")
plt.ylim(-1, 6)
plt.legend()
plt.title("Numerical derivatives as tangent lines")
plt.show()

# %% [markdown]
# ### How small should $h$ be?
#
# Two errors pull in opposite directions. A large $h$ gives a *truncation* error (the
# function is not a straight line over the step): $O(h)$ for the forward difference but only
# $O(h^2)$ for the central one. A tiny $h$ gives a *rounding* error: $f(x+h)$ and $f(x-h)$
# agree in almost all their digits, and subtracting them cancels what precision there was.
# The plot shows both for $f = \sin$ at $x = 1$, where the exact answer is $\cos 1$.

# %%
hs = np.logspace(-14, 0, 57)
exact = np.cos(1.0)
forward_error = np.abs((np.sin(1 + hs) - np.sin(1)) / hs - exact)
central_error = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - exact)

plt.loglog(hs, forward_error, label="forward difference")
plt.loglog(hs, central_error, label="central difference")
plt.axvline(1e-4, color="gray", ls=":", label="h = 1e-4")
plt.xlabel("step h")
plt.ylabel("absolute error")
plt.legend()
plt.title("Truncation error (right) vs rounding error (left)")
plt.show()

best = hs[np.argmin(central_error)]
print(f"best h for the central difference: {best:.0e}, error {central_error.min():.1e}")
assert central_error[hs == 1e-4][0] < 1e-8 < forward_error[hs == 1e-4][0]

# %% [markdown]
# ## Partial derivatives and the gradient
#
# For a function of several inputs, a **partial derivative** moves one input and holds the
# others fixed. Collected into a vector they form the **gradient**. The gradient points
# uphill, so $-\nabla f$ points to where $f$ decreases fastest: the direction gradient
# descent will walk. (One of the notes says the gradient itself "points to where the
# function gets lower"; that is the *negative* gradient, the arrows *Deep Learning from
# Scratch* draws and the plot below shows.)
#
# $f(x_0, x_1) = x_0^2 + x_1^2$ has $\nabla f = (2x_0, 2x_1)$, which is $(6, 8)$ at $(3, 4)$.

# %%
def f2(x):
    return (x ** 2).sum()


point = np.array([3.0, 4.0])
numeric, = ag.numerical_grad(f2, point)
x = Variable(point.copy())
f2(x).backward()
print("numerical gradient:", numeric, "| backprop:", x.grad.data)
assert np.allclose(numeric, [6, 8]) and np.allclose(x.grad.data, [6, 8])

# %%
g0, g1 = np.meshgrid(np.linspace(-2, 2, 15), np.linspace(-2, 2, 15))
grid = Variable(np.stack([g0.ravel(), g1.ravel()], axis=1))
f2(grid).backward()  # each point's terms are separate, so one backward gives every gradient
downhill = -grid.grad.data
plt.figure(figsize=(4.5, 4.5))
plt.quiver(g0.ravel(), g1.ravel(), downhill[:, 0], downhill[:, 1], color="tab:blue")
plt.gca().set_aspect("equal")
plt.title(r"$-\nabla f$ for $f = x_0^2 + x_1^2$: every arrow points downhill")
plt.show()
step_down = ((grid.data + 0.01 * downhill) ** 2).sum(axis=1) < (grid.data ** 2).sum(axis=1)
assert step_down[np.abs(grid.data).sum(axis=1) > 0].all()  # (at the minimum, -grad f = 0)

# %% [markdown]
# ### Why not always differentiate numerically?
#
# Cost. The central difference needs two evaluations of the whole function **per input
# element**. Backprop needs one forward and one backward pass, however many inputs there are.
# For a layer of 10 x 10 weights that is 200 evaluations against 1 (`numerical_grad` makes
# one more, first, to see the shape of the output); a network with a million weights would
# need two million forward passes per training step.

# %%
calls = 0


def layer_loss(w):
    global calls
    calls += 1
    return ag.tanh(np.ones((5, 10)) @ w).sum()


weights = np.random.default_rng(0).normal(size=(10, 10)) * 0.1
numeric, = ag.numerical_grad(layer_loss, weights)
print("numerical_grad evaluated the function", calls, "times")
assert calls == 2 * weights.size + 1
calls = 0
w = Variable(weights)
layer_loss(w).backward()
print("backprop evaluated it", calls, "time(s); largest difference:",
      np.abs(w.grad.data - numeric).max())
assert np.allclose(w.grad.data, numeric, atol=1e-7)

# %% [markdown]
# ## `gradcheck`: backprop against numerics, for every input
#
# `ag.gradcheck(f, *inputs)` compares the two for **every** float input of `f`. It uses a
# random upstream gradient $u$ and checks $\frac{\partial}{\partial x}\langle f(x), u\rangle$,
# because a plain `sum()` would hide bugs that only show for unequal upstream values (a
# transposed or mis-broadcast gradient). The numerics run in float64. It returns `True` or
# raises a `GradcheckError` listing the worst entries.

# %%
rng = np.random.default_rng(0)
x_in, w_in, b_in = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
assert ag.gradcheck(lambda x, w, b: ag.tanh(x @ w + b), x_in, w_in, b_in)
print("tanh(x @ w + b): backprop matches numerical differentiation for x, w and b")

# %% [markdown]
# ## Writing your own `Function`, and finding a planted bug
#
# A new op is a `Function` subclass with two methods: `forward` works on NumPy arrays,
# `backward` receives the upstream gradient `gy` and returns one gradient per input. Inside
# `backward`, `self.inputs` are the input Variables and `self.outputs[0]()` is the output
# (held by a weak reference, hence the call).
#
# Our op: $y = \sqrt{x^2 + z^2}$ (`np.hypot`), with $\frac{\partial y}{\partial x} = x / y$
# and $\frac{\partial y}{\partial z} = z / y$. The first version has a typical bug: the two
# gradients are swapped. With equal inputs it would even give the right numbers, so a
# quick test at $x = z$ would miss it.

# %%
class BuggyHypot(ag.Function):
    """y = sqrt(x^2 + z^2) -- with a planted bug in backward."""

    def forward(self, x, z):
        return np.hypot(x, z)

    def backward(self, gy):
        x, z = self.inputs
        y = self.outputs[0]()
        return gy * z / y, gy * x / y  # BUG: the gradients are swapped


x_in, z_in = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
try:
    ag.gradcheck(lambda x, z: BuggyHypot()(x, z), x_in, z_in)
except ag.GradcheckError as err:
    report = str(err)
    print(report)
assert "input 0" in report and "input 1" in report

# %% [markdown]
# The report names the inputs whose gradients disagree, the index of each bad entry, and
# backprop's value next to the numerical one. Fixing `backward` makes the check pass.
# Because `backward` is written with Variables (`gy * x / y`), it is itself differentiable,
# so second derivatives work too: `gradgradcheck` checks them.

# %%
class Hypot(ag.Function):
    """y = sqrt(x^2 + z^2);  dy/dx = x / y,  dy/dz = z / y"""

    def forward(self, x, z):
        return np.hypot(x, z)

    def backward(self, gy):
        x, z = self.inputs
        y = self.outputs[0]()
        return gy * x / y, gy * z / y


def hypot(x, z):
    return Hypot()(x, z)


assert ag.gradcheck(hypot, x_in, z_in)
assert ag.gradgradcheck(hypot, x_in, z_in)
print("Hypot: first and second derivatives match numerical differentiation")

# %% [markdown]
# ### The ReLU layer as a mask
#
# The notes' ReLU layer keeps a **mask** from the forward pass, True where the input was
# $\le 0$, and in the backward pass sets the upstream gradient to 0 exactly there: the
# local derivative is 1 where the input was positive and 0 elsewhere. As a `Function`,
# storing the mask (of the entries that pass) on `self`:

# %%
class MaskReLU(ag.Function):
    """y = max(x, 0);  dy/dx = 1 where x > 0, else 0 (the mask saved by forward)"""

    def forward(self, x):
        self.keep = (x > 0).astype(x.dtype)   # 1 where the signal passes, 0 where blocked
        return x * self.keep

    def backward(self, gy):
        return gy * self.keep


x_relu = rng.normal(size=(3, 4))
x_relu[np.abs(x_relu) < 0.01] = 0.5   # keep away from the kink at 0, where no derivative exists
assert ag.gradcheck(lambda x: MaskReLU()(x), x_relu)

x_var = Variable(x_relu)
MaskReLU()(x_var).backward(np.ones_like(x_relu))
print("input:\n", x_relu, "\ngradient (the mask):\n", x_var.grad.data)
assert np.array_equal(x_var.grad.data, (x_relu > 0).astype(float))
assert np.array_equal(MaskReLU()(x_var).data, np.maximum(x_relu, 0))

# %% [markdown]
# ## A property-based test of your op
#
# One hand-picked input proves little. A **property test** states what must hold for *every*
# input and lets [hypothesis](https://hypothesis.readthedocs.io) search for a counterexample:
# random shapes, including pairs that broadcast against each other, and random values.
# `autograd.testing` provides the strategies rungrad's own tests use (`shapes`,
# `broadcastable_shapes`, `arrays`, `valid_axes`) and `assert_gradients_match`.
#
# The settings make the test deterministic (`derandomize=True`), keep hypothesis from
# writing its example database next to the notebook (`database=None`; a small `.hypothesis`
# folder still appears there, the cache of constants it collects from the code it tests),
# and skip its slow "explain" phase.

# %%
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autograd.testing import arrays, assert_gradients_match, broadcastable_shapes


def gradient_property_test(op):
    """A hypothesis test: backprop through `op(x, z)` matches numerics, to second order,
    for random broadcastable shapes and values away from 0 (where hypot has a kink)."""

    @settings(max_examples=25, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
    @given(shapes=broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4), data=st.data())
    def test_gradients(shapes, data):
        x = data.draw(arrays(shapes[0], elements="nonzero"), label="x")
        z = data.draw(arrays(shapes[1], elements="nonzero"), label="z")
        assert_gradients_match(op, x, z, order=2)

    return test_gradients


test_hypot = gradient_property_test(hypot)
test_hypot()  # runs 25 examples; raises if any fails
print("hypot passed the property test")

# %% [markdown]
# Broadcasting came for free: when `x` has shape `(3, 1)` and `z` shape `(4,)`, the output
# is `(3, 4)`, and rungrad sums each gradient back to its input's shape, so `Hypot.backward`
# never had to think about it.
#
# Run against the buggy op, hypothesis finds a failing example at once and *shrinks* it to
# the simplest one it can (two scalars) before reporting it:

# %%
try:
    gradient_property_test(lambda x, z: BuggyHypot()(x, z))()
    found = None
except ag.GradcheckError as err:
    found = err
assert found is not None
print("\n".join(found.__notes__))  # the shrunk failing example
print(found)

# %% [markdown]
# ## Gradient testing as a product: declare once, checked forever
#
# A property test per op, written by hand, is what rungrad's own test suite used to be.
# Now a `Function` **declares** what its inputs look like, and rungrad writes the test:
#
# - `input_specs`: one `Spec` per array input: its dtype, its shape (free, shared named
#   dimensions such as `("N", "C")`, `like=k`, `broadcast=k`), its values (`"positive"`,
#   `"nonzero"`, `"unit"`, an interval, a grid that keeps away from kinks and ties);
# - `arg_specs`: the non-differentiable arguments (axes, indices, choices);
# - `reference`: the forward in plain NumPy.
#
# `autograd.testing.check_function(cls)` then lets hypothesis draw inputs and checks the
# forward against the reference and backprop against numerics, to first **and second**
# order. Every op of rungrad declares its spec (`autograd/ops/*.py`, `nn/functional/*.py`).
# `Hypot` again: values away from its kink at the origin, the second input broadcasting
# against the first.

# %%
from autograd.spec import Spec
from autograd.testing import check_function

QUICK = settings(max_examples=25, derandomize=True, database=None, deadline=None)


class CheckedHypot(Hypot):
    input_specs = (Spec(elements="nonzero"), Spec(broadcast=0, elements="nonzero"))
    reference = staticmethod(np.hypot)


check_function(CheckedHypot, QUICK)  # raises FunctionCheckError on a disagreement
print("CheckedHypot: forward, first and second derivatives agree on 25 drawn examples")

# %% [markdown]
# ### `pytest --rungrad-gradcheck`: every Function of a package
#
# The pytest plugin that comes with rungrad runs that check for every `Function` defined in
# a package: `pytest --rungrad-gradcheck=my_ops` (or `rungrad_gradcheck = my_ops` in the
# pytest ini file). A Function without a spec is listed at the end;
# `--rungrad-gradcheck-strict` fails it. Here is a package with a right op and one with a
# planted bug (the derivative of softsign $x / (1 + |x|)$ is $1 / (1 + |x|)^2$, and the
# buggy backward forgets the square). Watch hypothesis shrink the failure to a **single
# element**.

# %%
import os
import subprocess
import tempfile
import textwrap

MY_OPS = textwrap.dedent("""
    import numpy as np
    from autograd import Function
    from autograd.spec import Spec


    class Cube(Function):
        input_specs = (Spec(),)
        reference = staticmethod(lambda x: x ** 3)

        def forward(self, x):
            return x ** 3

        def backward(self, gy):
            x = self.inputs[0]
            return 3 * gy * x * x


    class SoftSign(Function):
        input_specs = (Spec(elements="nonzero"),)  # |x| has a kink at 0
        reference = staticmethod(lambda x: x / (1 + np.abs(x)))

        def forward(self, x):
            return x / (1 + np.abs(x))

        def backward(self, gy):
            x = self.inputs[0]
            return gy / (1 + abs(x))  # BUG: the square is missing
""")

project = Path(tempfile.mkdtemp())
(project / "my_ops.py").write_text(MY_OPS)
(project / "pytest.ini").write_text("[pytest]\n")
checkout = str(Path(ag.__file__).resolve().parent.parent)
run = subprocess.run(
    [sys.executable, "-m", "pytest", "-p", "autograd.testing.plugin",
     "--rungrad-gradcheck=my_ops", "-q", "--color=no", "-p", "no:cacheprovider",
     "--hypothesis-seed=0"],
    cwd=project, capture_output=True, text=True,
    env=dict(os.environ, PYTHONPATH=os.pathsep.join([checkout, str(project)])))
print(run.stdout[run.stdout.index("___"):run.stdout.index("=== short test summary")].rstrip("=\n"))
print(run.stdout.splitlines()[-1])
assert "1 failed, 1 passed" in run.stdout and "on Example(inputs=[float64(" in run.stdout

# %% [markdown]
# The failing example is a 0-d array: the smallest input that shows the bug. rungrad's own
# test command runs the plugin's check over every one of its Functions, well over a hundred
# (`autograd.ops` and `nn.functional`, with `--rungrad-gradcheck-strict`).
#
# ### Blame: which Function of a composite is wrong?
#
# When a whole model fails `gradcheck`, `localize=True` re-checks each Function of the
# recorded graph on its own inputs from that forward pass, outputs first, and names the
# first one whose backward disagrees: its class, **the line of your code that created it**,
# and its worst entries. A small network with a hand-written activation whose backward has
# a typo (slope 0.01 where the forward uses 0.1):

# %%
class Leaky(ag.Function):
    """y = x if x > 0 else 0.1 x"""

    def forward(self, x):
        return np.where(x > 0, x, 0.1 * x)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * Variable(np.where(x.data > 0, 1.0, 0.01))  # BUG: 0.01, not 0.1


def network(x, w1, b1, w2):
    h = Leaky()(x @ w1 + b1)
    return ag.sum(ag.tanh(h @ w2))


x_net, w1_net = rng.normal(size=(4, 3)), rng.normal(size=(3, 5))
b1_net, w2_net = rng.normal(size=5), rng.normal(size=(5, 2))
try:
    ag.gradcheck(network, x_net, w1_net, b1_net, w2_net, localize=True)
except ag.GradcheckError as err:
    blame = err.blame   # str(blame) also gives the file and line number
print(f"blamed: {type(blame.function).__name__}, created by the line `{blame.site[2]}`")
print("\n".join(str(blame.error).splitlines()[:4]))
assert type(blame.function) is Leaky and blame.site[2] == "h = Leaky()(x @ w1 + b1)"

# %% [markdown]
# ### Hints for a hand-derived gradient
#
# Deriving gradients by hand is the best exercise there is, and the usual mistakes are few.
# `autograd.testing.check_my_gradient(f, my_grad, *inputs)` compares your formula with
# backprop and, when it is wrong, says which mistake fits: the transpose of the right
# answer, a missing sum over a broadcast axis, a sign error, a constant factor (2, 1/2,
# $N$, $1/N$), the gradient of another input. The exercise: the mean squared error of a
# linear model, $L = \frac{1}{N}\sum (xw + b - t)^2$ with $b$ broadcast over the $N$ rows.

# %%
from autograd.testing import GradientHintError, check_my_gradient

t_lin = rng.normal(size=(4, 2))


def mse(x, w, b):
    return ag.mean((x @ w + b - t_lin) ** 2)


def residual_grad(x, w, b):
    return 2 * (x @ w + b - t_lin) / t_lin.size   # dL/d(xw + b)


def hint_for(my_grad):
    try:
        check_my_gradient(mse, my_grad, x_net, w1_net[:, :2], b1_net[:2])
        return "right!"
    except GradientHintError as hint:
        return f"[{hint.hint}] {hint}"


def attempt_1(x, w, b):
    d = residual_grad(x, w, b)
    return d @ w.T, d.T @ x, d        # two slips: d.T @ x, and no sum for b


def attempt_2(x, w, b):
    d = residual_grad(x, w, b)
    return d @ w.T, x.T @ d, d        # w fixed; b still unsummed


def attempt_3(x, w, b):
    d = residual_grad(x, w, b)
    return d @ w.T, x.T @ d, d.sum(axis=0)


for attempt in (attempt_1, attempt_2, attempt_3):
    print(f"{attempt.__name__}: {hint_for(attempt)}\n")
assert hint_for(attempt_1).startswith("[transpose]")
assert hint_for(attempt_2).startswith("[broadcast_sum]")
assert hint_for(attempt_3) == "right!"

# %% [markdown]
# **Next:** notebook 3 differentiates derivatives: higher-order gradients, Newton's method and
# Hessians.
