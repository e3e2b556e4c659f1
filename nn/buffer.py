"""nn.Buffer (PyTorch 2's): an array marked to become a module's buffer when assigned."""
import numpy as np

from autograd.variable import Variable


class Buffer:
    """`module.name = nn.Buffer(array, persistent=True)` registers `array` as the buffer
    `name`, as `module.register_buffer(name, array, persistent)` does: the module then holds
    the array itself. (PyTorch's Buffer is a flagged tensor; rungrad's buffers are plain
    arrays, so this only carries one, and its persistence, to the assignment.) A Variable
    gives its array (detached, as PyTorch's); no data gives an empty float32 array."""

    __slots__ = ("data", "persistent")

    def __init__(self, data=None, *, persistent=True):
        if data is None:
            data = np.empty(0, np.float32)
        self.data = data.data if isinstance(data, Variable) else data
        self.persistent = bool(persistent)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.data, dtype=dtype)

    def __repr__(self):
        return f"Buffer({self.data!r}, persistent={self.persistent})"


__all__ = ["Buffer"]
