"""Generated toy data sets: DeZero's spiral and a noisy sine series."""

import numbers

import numpy as np


def _check_sizes(where, noise, **counts):
    """Name the argument at fault, instead of numpy's 'negative dimensions' or 'high - low
    < 0' from deep inside the draw."""
    for name, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 0:
            raise ValueError(f"{where}: {name} must be a count >= 0, got {count!r}")
    if not isinstance(noise, numbers.Real) or not noise >= 0:
        raise ValueError(f"{where}: noise must be a number >= 0, got {noise!r}")


def _spiral_points(num_class, num_data, noise, seed):
    """One spiral draw exactly as DeZero's get_spiral makes it, for any size.

    x: (num_class * num_data, 2) float32, t: (num_class * num_data,) int64, shuffled.
    """
    rng = np.random.RandomState(seed)  # the legacy stream DeZero's np.random.seed feeds
    rate = np.tile(np.arange(num_data) / num_data, num_class)
    t = np.repeat(np.arange(num_class), num_data)
    theta = t * 4.0 + 4.0 * rate + rng.randn(num_class * num_data) * noise
    x = np.stack([rate * np.sin(theta), rate * np.cos(theta)], axis=1).astype(np.float32)
    order = rng.permutation(num_class * num_data)
    return x[order], t[order].astype(np.int64)


def spiral(num_class=3, num_data=100, noise=0.2, seed=1984, test_seed=2020, *, train=None):
    """Interleaved 2-D spirals, one arm per class (DeZero's spiral data set).

    num_data points per class on each side. Returns ((x_train, y_train), (x_test,
    y_test)): x (num_class * num_data, 2) float32, y int64 labels. Train and test are
    independent draws from `seed` and `test_seed`; the defaults reproduce DeZero's
    Spiral(train=True) and Spiral(train=False) point for point. train=True (False) returns
    that side alone, (x, y), as DeZero's get_spiral(train=...) does.
    """
    _check_sizes("spiral", noise, num_class=num_class, num_data=num_data)
    if train is not None:
        return _spiral_points(num_class, num_data, noise, seed if train else test_seed)
    return (_spiral_points(num_class, num_data, noise, seed),
            _spiral_points(num_class, num_data, noise, test_seed))


def _next_step_pairs(series, dtype):
    """(T,) series -> x = series[:-1], y = series[1:], both (T-1, 1)."""
    series = series.astype(dtype)[:, None]
    return series[:-1], series[1:]


def sin_curve(num_data=1000, noise=0.05, seed=0, dtype=np.float32):
    """A series for next-step prediction (DeZero's SinCurve), on t in [0, 2*pi].

    Train: sin(t) plus uniform noise in [-noise, noise]; test: the clean cos(t), so
    the model must have learned the dynamics rather than the values.
    Returns ((x_train, y_train), (x_test, y_test)), each (num_data - 1, 1) of `dtype`
    with y[i] = x[i + 1] (the next value).
    """
    _check_sizes("sin_curve", noise, num_data=num_data)
    t = np.linspace(0, 2 * np.pi, num_data)
    noisy = np.sin(t) + np.random.default_rng(seed).uniform(-noise, noise, size=t.shape)
    return _next_step_pairs(noisy, dtype), _next_step_pairs(np.cos(t), dtype)
