"""Python's operators on a functional model's symbolic tensors (`x * 2`, `-x`, `x @ w`,
`x[:, -1]`, `x > 0`), as Keras' KerasTensor has them: each makes the node of the keras.ops
call it stands for (nn.keras.ops). `==` and `!=` stay Python's identity comparisons (the
graph's bookkeeping compares tensors); ops.equal and ops.not_equal make those nodes."""
import importlib


def _ops():
    return importlib.import_module("nn.keras.ops")  # (which imports the functional API)


def _binary(name, reflected=False):
    def operator(self, other):
        function = getattr(_ops(), name)
        return function(other, self) if reflected else function(self, other)
    operator.__name__ = name
    return operator


class SymbolicOperators:
    """Mixed into KerasTensor."""

    __slots__ = ()
    __array_ufunc__ = None  # (NumPy on the left, `array * x`, hands over to __rmul__)

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("subtract"), _binary("subtract", True)
    __mul__, __rmul__ = _binary("multiply"), _binary("multiply", True)
    __truediv__, __rtruediv__ = _binary("true_divide"), _binary("true_divide", True)
    __pow__, __rpow__ = _binary("power"), _binary("power", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")

    def __neg__(self):
        return _ops().negative(self)

    def __abs__(self):
        return _ops().absolute(self)

    def __getitem__(self, key):
        """x[key]: Keras' GetItem of the slice (ints, slices, None, Ellipsis)."""
        from .layers.operation import Operation
        items = list(key) if isinstance(key, tuple) else [key]
        return Operation("GetItem", constants=[[1, items]])(self)


__all__ = ["SymbolicOperators"]
