"""x.size: NumPy's (and DeZero's) number of elements that also answers PyTorch's call."""


class ElementCount(int):
    """The number of elements of a Variable, an int in every way (arithmetic, comparison,
    `np.zeros(x.size)`), that may also be called as PyTorch's `x.size()` (the shape) or
    `x.size(dim)` (one axis' length, a negative dim counting from the end): code ported
    from PyTorch (`batch = x.size(0)`) runs as written."""

    def __new__(cls, shape, count):
        number = super().__new__(cls, count)
        number.shape = shape
        return number

    def __getnewargs__(self):  # (copy and pickle rebuild it through __new__)
        return self.shape, int(self)

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        if not hasattr(dim, "__index__") or isinstance(dim, bool):
            raise TypeError(f"size: dim must be an int, got {dim!r}")
        rank = len(self.shape)
        if not -rank <= dim < rank:
            raise IndexError(f"size: dim {dim} is out of range for a Variable of {rank} "
                             f"dimensions (shape {self.shape}; valid: {-rank} to {rank - 1})")
        return self.shape[dim]
