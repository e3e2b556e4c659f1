"""Layers: one file per kind (activation, conv, linear, normalization, ...). The package face
is `nn` itself (nn/__init__.py imports each file's layers), so this one adds no names."""
