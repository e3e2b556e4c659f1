"""Dropout layer."""
from autograd.arguments import probability

from ..functional.dropout import dropout
from ..module import Module
from .config import init_config
from .keras_name import KerasNamed


class Dropout(Module, KerasNamed):
    """Inverted dropout with probability `p`; active only while the module's `.training` is
    True: not after `.eval()`, and not inside `autograd.test_mode()` (in that thread).
    Keras' `rate=` is p, and `name=` names the layer in its Sequential. PyTorch's `inplace`
    is accepted and changes nothing: rungrad never writes into its input (a new array
    comes back), as for nn.ReLU."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, p=0.5, inplace=False, *, rate=None, name=None):
        super().__init__()
        if rate is not None:  # Keras' name, Dropout(rate=0.3)
            if p not in (0.5, rate):
                raise ValueError(f"Dropout: p={p} and rate={rate} disagree; give one of them")
            p = rate
        self.p, self.inplace = probability(p, "p", "Dropout"), inplace
        self._set_name(name)

    @property
    def rate(self):
        """Keras' name for p."""
        return self.p

    def forward(self, x):
        return dropout(x, self.p, training=self.training)  # test_mode() is in it

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"p={self.p}"


__all__ = ["Dropout"]
