"""TerminateOnNaN: stop as soon as the loss becomes NaN or infinite."""
import math

from .base import Callback


class TerminateOnNaN(Callback):
    """End training right after the batch whose (running) loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


__all__ = ["TerminateOnNaN"]
