"""Keras' learning-rate schedules (`keras.optimizers.schedules`): a schedule given as an
optimizer's `learning_rate` sets the rate of each update from the optimizer's `iterations`,
the number of updates before it (0 at the first), with Keras' formulas:

    lr = keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=1000, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")

A schedule of one's own subclasses LearningRateSchedule and writes `__call__(step)` (and
`get_config()` to be saved with the model).
"""
import math

from ..serialization import module_functions


class LearningRateSchedule:
    """Keras' base class: `schedule(step)` is the learning rate of update `step`."""

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__}: a LearningRateSchedule writes "
                                  "__call__(self, step)")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__}: write get_config() to save the "
                                  "schedule with a model")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _positive(value, name, who):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{who}: {name} must be a number > 0, got {value!r}")
    return value


class _RateDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: Keras' arguments, and
    p = step / decay_steps (floored with staircase=True)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate, self.decay_rate = initial_learning_rate, decay_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", type(self).__name__)
        self.staircase, self.name = staircase, name or type(self).__name__

    def _fraction(self, step):
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """initial_learning_rate * decay_rate ^ p, p = step / decay_steps (floored with
    staircase=True)."""

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._fraction(step)


class InverseTimeDecay(_RateDecay):
    """initial_learning_rate / (1 + decay_rate * p), p = step / decay_steps (floored with
    staircase=True)."""

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self._fraction(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] up to and at boundaries[0], values[i] in (boundaries[i-1], boundaries[i]],
    values[-1] after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay: values must have one more element than "
                             f"boundaries, got {len(values)} values for {len(boundaries)} "
                             "boundaries")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ^ power + end, step kept at decay_steps
    after it; with cycle=True decay_steps grows to the first multiple of it past step."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate, self.end_learning_rate = (initial_learning_rate,
                                                              end_learning_rate)
        self.decay_steps = _positive(decay_steps, "decay_steps", "PolynomialDecay")
        self.power, self.cycle, self.name = power, cycle, name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps *= 1 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power
                + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


def _cosine(fraction, alpha, peak=1.0):
    """(1 - alpha) * peak * (1 + cos(pi * fraction)) / 2 + alpha."""
    return (1 - alpha) * 0.5 * peak * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """A linear warm-up from initial_learning_rate to warmup_target over warmup_steps
    (when warmup_target is given), then a cosine decay over decay_steps to alpha times the
    rate it started from, which it keeps."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate, self.alpha = initial_learning_rate, alpha
        self.decay_steps = _positive(decay_steps, "decay_steps", "CosineDecay")
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def __call__(self, step):
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return self.initial_learning_rate * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return rise * step / self.warmup_steps + self.initial_learning_rate
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * _cosine(fraction, self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decays (SGDR) from initial_learning_rate to alpha times it, restarting after
    first_decay_steps, each period t_mul times longer and its peak m_mul times lower."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive(first_decay_steps, "first_decay_steps",
                                           "CosineDecayRestarts")
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        fraction = step / self.first_decay_steps
        if self._t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            t_mul = self._t_mul

            def done(k):  # the first decay periods' length of k restarts
                return (1.0 - t_mul ** k) / (1.0 - t_mul)
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            # (the logarithms' ratio may land a hair below a whole number: log 243 / log 3
            # is 4.999..., which put step 121000 of t_mul=3 at the end of a period, not at
            # its restart)
            restart += (fraction >= done(restart + 1)) - (fraction < done(restart))
            fraction = (fraction - done(restart)) / t_mul ** restart
        return self.initial_learning_rate * _cosine(fraction, self.alpha, self._m_mul ** restart)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


serialize, deserialize = module_functions(
    "optimizers.schedules", lambda: {key: globals()[key] for key in __all__
                                     if key not in ("LearningRateSchedule", "serialize",
                                                    "deserialize")})

__all__ = ["serialize", "deserialize", "LearningRateSchedule", "ExponentialDecay",
           "InverseTimeDecay",
           "PiecewiseConstantDecay", "PolynomialDecay", "CosineDecay", "CosineDecayRestarts"]
