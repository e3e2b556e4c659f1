"""What Keras' newer augmentation layers (RandomErasing, RandomGaussianBlur,
RandomPerspective, RandomElasticTransform, CutMix, ...) share: factor ranges within
[0, 1] (a number f meaning (0, f)), the per-image draw of whether to apply the change at
all (a probability p drawn from factor, then applied when a uniform draw is below p), and
several random arrays drawn in one op."""
import numbers

import numpy as np

from autograd.backend import as_array

from .augmentation import RandomDraws


def unit_bounds(factor, name, who):
    """Keras' _set_factor with bounds (0, 1): a number f in [0, 1] means (0, f); a pair
    (lower, upper) within [0, 1] is taken either way round."""
    pair = (0.0, factor) if is_number(factor) else factor
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2
            and all(is_number(v) and 0 <= v <= 1 for v in pair)):
        raise ValueError(f"{who}: {name} must be a number in [0, 1] or a pair (lower, upper) "
                         f"of them, got {factor!r}")
    return tuple(sorted(map(float, pair)))


def is_number(value):
    """A real number, not a bool (an argument such as a factor)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def chances(source, count, bounds):
    """(count,) booleans: whether each image is changed, as Keras draws it: a probability
    from `bounds`, then a uniform threshold below it."""
    probability = source.uniform(*bounds, count)
    return source.uniform(0.0, 1.0, count) < probability


def check_interpolation(interpolation, who, allowed=("nearest", "bilinear")):
    if interpolation not in allowed:
        raise ValueError(f"{who}: interpolation must be one of {', '.join(map(repr, allowed))}"
                         f", got {interpolation!r}")


class RandomArrays(RandomDraws):
    """(y1, y2, ...) = draw(generator, N): several random arrays of a batch of N images,
    drawn together in one op at each call (in Keras' order; no gradient)."""

    def forward(self, x):
        source = np.random if self.generator is None else self.generator
        return tuple(as_array(np.asarray(a, np.float64).astype(x.dtype), like=x)
                     for a in self.draw(source, x.shape[0]))

    def backward(self, *gys):
        return None


__all__ = []
