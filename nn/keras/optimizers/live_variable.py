"""An optimizer variable as Keras 3 shows one (`optimizer.variables`: name, path, shape,
dtype, value, assign) that holds no array of its own: each read asks the optimizer for the
current value, each assignment writes into the optimizer. A list of them taken once stays
right after any number of updates, a load_state_dict or a reloaded model's restored state
(which replace the optimizer's arrays, where Keras assigns into its variables)."""
import numpy as np

from autograd import Parameter


class LiveVariable(Parameter):
    """`read()` gives the value (an array, in Keras' layout); `write(array)` stores one of
    the same shape (None: a value Keras computes or never changes, so not assignable)."""

    def __init__(self, read, write, name, path):
        self._read, self._write, self._path = read, write, path
        super().__init__(read(), name=name, requires_grad=False)

    def _set_data(self, array):
        if hasattr(self, "_version"):  # (Variable.__init__'s own assignment stores nothing)
            self._assign(np.asarray(array), "data")

    data = property(lambda self: self._read(), _set_data, doc="The optimizer's value now.")

    @property
    def path(self):
        """Keras' path: the optimizer's name, then the variable's ('adam/dense_kernel_momentum')."""
        return self._path

    def _assign(self, new, who):
        if self._write is None:
            raise TypeError(f"{who}: the optimizer variable {self._path!r} is computed from "
                            "the optimizer's other state (or is a placeholder Keras never "
                            "updates); assign to those instead")
        if new.shape != self.shape:
            raise ValueError(f"{who}: a value of shape {new.shape} for the optimizer variable "
                             f"{self._path!r} of shape {self.shape} (Keras' rule: the same "
                             "shape)")
        self._write(new)
        self.bump_version()
        return self

    def __reduce__(self):  # (its value lives in an optimizer; a pickle would cut it off)
        return Parameter, (np.array(self.data), self.name, False)

    def __repr__(self):
        return f"<Variable path={self._path}, shape={self.shape}, dtype={self.dtype}, " \
               f"value={self.data}>"


__all__ = ["LiveVariable"]
