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
