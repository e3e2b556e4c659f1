"""Layers: one file per kind (activation, conv, linear, normalization, ...). The package face
is `nn` itself (nn/__init__.py imports each file's layers), so this one adds no names."""


def __getattr__(name):
    """A layer read from here, as the book's `import dezero.layers as L; L.Linear(10)` ported
    to `nn.layers`: the AttributeError says where nn has it, or nn's own hint (DeZero's
    BatchNorm is nn.BatchNorm1d / 2d)."""
    message = f"module {__name__!r} has no attribute {name!r}"
    if name[:1].isupper():  # a class name (submodules and dunders keep Python's message)
        import nn  # (the package face: loaded by the time a user reads a layer here)
        try:
            getattr(nn, name)
            message += (f": the layers are on nn itself: nn.{name} (DeZero's dezero.layers "
                        f"is nn, docs/coming_from_dezero.md)")
        except AttributeError as missing:
            message += str(missing)[len(f"module 'nn' has no attribute {name!r}"):]
    raise AttributeError(message)
