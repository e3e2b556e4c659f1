"""Plain NumPy forwards that rungrad's Functions declare as their `reference` (by the name
'autograd.testing.references:NAME', so the op modules never import this one). Each is the
textbook formula, written independently of the op it checks; keyword arguments are the
op's drawn `arg_specs`."""
import itertools
import math

import numpy as np

_REDUCE = {"none": lambda v: v, "sum": np.sum, "mean": np.mean}


def _reduce(losses, reduction):
    return np.asarray(_REDUCE[reduction](losses), dtype=losses.dtype)


def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def normal_cdf(x):
    return 0.5 * np.vectorize(math.erfc, otypes=[x.dtype])(x * (-1 / math.sqrt(2)))


def gelu(x):
    return x * normal_cdf(x)


def tanh_gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def dropout_seeded(x, p):
    """Dropout with the mask drawn from NumPy's generator seeded by 0."""
    keep = np.random.RandomState(0).random_sample(x.shape) >= p
    return x * keep.astype(x.dtype) / np.asarray(1 - p, x.dtype)


def elu(x, alpha):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def softplus(x, beta, threshold):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def nll_loss(x, t, reduction):
    return _reduce(-x[np.arange(len(t)), t], reduction)


def cross_entropy(x, t, reduction, label_smoothing):
    logp = log_softmax(x, 1)
    picked = logp[np.arange(len(t)), t]
    losses = -(1 - label_smoothing) * picked - label_smoothing / x.shape[1] * logp.sum(axis=1)
    return _reduce(losses, reduction)


def mse_loss(x, t, reduction):
    return _reduce((x - t) ** 2, reduction)


def l1_loss(x, t, reduction):
    return _reduce(np.abs(x - t), reduction)


def huber_loss(x, t, reduction, delta):
    d = np.abs(x - t)
    return _reduce(np.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def binary_cross_entropy(x, t, reduction):
    return _reduce(-(t * np.log(x) + (1 - t) * np.log(1 - x)), reduction)


def binary_cross_entropy_with_logits(x, t, reduction, pos_weight):
    pw = 1.0 if pos_weight is None else pos_weight
    p = sigmoid(x)
    return _reduce(-(pw * t * np.log(p) + (1 - t) * np.log(1 - p)), reduction)


def poisson_nll_loss(x, t, reduction, log_input, full):
    losses = np.exp(x) - t * x if log_input else x - t * np.log(x + 1e-8)
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):  # (t <= 1 is left out)
            stirling = t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t)
        losses = losses + np.where(t > 1, stirling, 0).astype(x.dtype)
    return _reduce(losses, reduction)


def standardize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def linear(x, weight, bias, use_bias):
    return x @ weight.T + bias if use_bias else x @ weight.T


def linear_grad(gy, x, weight, wants):
    rows = gy.reshape(-1, weight.shape[0])
    grads = [(rows @ weight).reshape(x.shape), rows.T @ x.reshape(-1, weight.shape[1]),
             rows.sum(axis=0)]
    return tuple(g for g, want in zip(grads, wants) if want)


def logsumexp(x, axis, keepdims):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def ctc_loss(x, targets, input_lengths, target_lengths, blank, reduction, zero_infinity):
    """CTC of log_softmax(x) (T, N, C) by enumerating every alignment (C^T of them per
    sample): the probability of the paths that collapse (repeats merged, blanks dropped) to
    the target."""
    log_probs = log_softmax(x, axis=-1)
    losses = []
    for n, (frames, length) in enumerate(zip(input_lengths, target_lengths)):
        target = tuple(targets[n][:length])
        total = 0.0
        for path in itertools.product(range(x.shape[2]), repeat=frames):
            collapsed = tuple(c for i, c in enumerate(path)
                              if c != blank and (i == 0 or c != path[i - 1]))
            if collapsed == target:
                total += math.exp(sum(log_probs[t, n, c] for t, c in enumerate(path)))
        losses.append(-math.log(total) if total else 0.0 if zero_infinity else math.inf)
    losses = np.array(losses, dtype=x.dtype)
    if reduction == "mean":
        return _reduce(losses / np.maximum(target_lengths, 1).astype(x.dtype), "mean")
    return _reduce(losses, reduction)


def bag_layout(indices, padding_idx):
    """embedding_bag's layout of a 2-D input (B, N): the indices flat, each one's bag (row),
    bag B for padding_idx's, and each bag's size, at least 1, as a float column."""
    bags, length = indices.shape
    flat = indices.ravel()
    bag_of = np.repeat(np.arange(bags), length)
    if padding_idx is not None:
        bag_of[flat == padding_idx] = bags
    sizes = np.array([max(int(np.sum(bag_of == b)), 1) for b in range(bags + 1)])
    return flat, bag_of, sizes.astype(np.float64)[:, None]


def bag_maxima(rows, bag_of, count):
    """Each of `count` bags' elementwise maximum of its rows; zeros for an empty bag."""
    return np.stack([rows[bag_of == b].max(axis=0) if np.any(bag_of == b)
                     else np.zeros(rows.shape[1], rows.dtype) for b in range(count)])


def matrix_exp(a):
    """The defining series sum_k A^k / k!, 60 terms in float64 (no scaling: the drawn
    matrices are small)."""
    a64 = a.astype(np.float64)
    term = np.broadcast_to(np.eye(a.shape[-1]), a.shape).copy()
    total = term.copy()
    for k in range(1, 60):
        term = term @ a64 / k
        total += term
    return total.astype(a.dtype)


def polygamma(x, n):
    """psi^(n)(x) for x > 0, one scalar at a time: the terms of psi^(n)(x + k) - psi^(n)(x)
    summed directly for k < 40, then the Euler-Maclaurin tail at x + 40 (where its first
    four Bernoulli terms leave under 1e-18)."""
    def one(v):
        sign = (-1) ** (n + 1)
        direct = sum(1 / (v + k) ** (n + 1) for k in range(40))
        z = v + 40
        if n == 0:
            tail = math.log(z) - 1 / (2 * z) - sum(
                b / (2 * k * z ** (2 * k)) for k, b in enumerate(_BERNOULLI, 1))
            return tail - direct
        tail = (math.factorial(n - 1) / z ** n + math.factorial(n) / (2 * z ** (n + 1)) + sum(
            b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * z ** (2 * k + n))
            for k, b in enumerate(_BERNOULLI, 1)))
        return sign * (tail + math.factorial(n) * direct)
    return _elementwise(one, x)


def erf(x):
    return _elementwise(math.erf, x)


def erfc(x):
    return _elementwise(math.erfc, x)


def lgamma(x):
    return _elementwise(math.lgamma, x)


def erfinv(x):
    """erf^-1 by bisection on math.erf, to the last bit."""
    def one(y):
        low, high = -6.0, 6.0
        while True:
            middle = (low + high) / 2
            if middle in (low, high):
                return middle
            low, high = (middle, high) if math.erf(middle) < y else (low, middle)
    return _elementwise(one, x)


def _elementwise(function, x):
    """function (on Python floats) of each element of x, in x's dtype."""
    return np.vectorize(function, otypes=[np.float64])(x).astype(x.dtype)


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30)
