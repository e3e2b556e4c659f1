"""TerminateOnNaN: stop as soon as the loss becomes NaN or infinite."""
import math

from ...layers.keras_settings import print_msg
from .base import Callback


class TerminateOnNaN(Callback):
    """End training right after the batch whose (running) loss is NaN or infinite.

    raise_error (Keras 3's): False stops gracefully (model.stop_training, the callbacks'
    on_train_end still run); True raises a RuntimeError at once instead, so that no
    on_train_end runs (a callback's cleanup or backup is left as it was when it failed).
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                               f"{loss}. Terminating training immediately.")
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


__all__ = ["TerminateOnNaN"]
