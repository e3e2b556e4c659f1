"""nn.training: Keras' training layer on top of nn's modules and optim's optimizers.

`Model` (compile / fit / evaluate / predict / summary) and `Sequential`, with what they use:
`losses` and `metrics` (what compile's names become), `batches` (fit's data in batches),
`optimizers` (Keras' optimizer names; the only file of nn that imports optim), `callbacks`,
`progress`, `summary`, `plots` (the learning curve) and the `rungrad` command (`cli`;
`python -m nn.training`). `import nn` does not load this package: `nn.Model`,
`nn.Sequential` and `nn.callbacks` load it on first use.
"""
from . import callbacks
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "callbacks"]
