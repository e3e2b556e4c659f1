"""The states of the global random generators rungrad's ops draw from: NumPy's and, when
CuPy is imported, CuPy's (GPU arrays draw from it)."""
import sys

import numpy as np


class RandomStates:
    """A snapshot of both generators' states, to restore later."""

    def __init__(self, numpy_state, cupy_state):
        self.numpy_state, self.cupy_state = numpy_state, cupy_state

    @classmethod
    def now(cls):
        cupy = sys.modules.get("cupy")
        return cls(np.random.get_state(),
                   None if cupy is None else cupy.random.get_random_state())

    @staticmethod
    def seed(seed):
        """Seed both generators with `seed`."""
        np.random.seed(seed)
        cupy = sys.modules.get("cupy")
        if cupy is not None:
            cupy.random.set_random_state(cupy.random.RandomState(seed))

    def restore(self):
        np.random.set_state(self.numpy_state)
        if self.cupy_state is not None:
            sys.modules["cupy"].random.set_random_state(self.cupy_state)


def draw_source(generator, who):
    """What an in-place random fill (nn.init's, Variable.normal_'s) draws from: NumPy's
    global generator for None, else `generator`, a NumPy Generator or RandomState (a
    torch.Generator, or a seed, is refused by name)."""
    if generator is None:
        return np.random
    if isinstance(generator, (np.random.Generator, np.random.RandomState)):
        return generator
    kind = type(generator)
    name = kind.__qualname__ if kind.__module__ == "builtins" else \
        f"{kind.__module__}.{kind.__qualname__}"
    raise TypeError(f"{who}: generator must be a NumPy Generator (np.random.default_rng(seed)) "
                    f"or RandomState, got {name}")
