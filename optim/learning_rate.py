"""The number `optimizer.learning_rate` gives (Keras' name): a float that also takes Keras'
`optimizer.learning_rate.assign(1e-4)`, since Keras' optimizer gives a variable there."""
import numpy as np


class LearningRate(float):
    """An optimizer's learning rate when read, with Keras' variable methods: assign(value)
    sets the optimizer's (this number keeps the value it was read with), numpy() the value
    as Keras' float32."""

    def __new__(cls, value, optimizer):
        rate = super().__new__(cls, value)
        rate._optimizer = optimizer
        return rate

    def assign(self, value):
        """Set the optimizer's learning rate (`optimizer.learning_rate = value`); returns the
        new one."""
        self._optimizer.learning_rate = float(value)
        return self._optimizer.learning_rate

    def numpy(self):
        return np.float32(self)

    def __reduce__(self):  # (copies and pickles are plain numbers)
        return float, (float(self),)


__all__ = ["LearningRate"]
