"""ProgbarLogger: Keras' name for the callback that prints fit's progress."""
from ..progress import ProgressLogger


class ProgbarLogger(ProgressLogger):
    """What prints fit's progress (Keras' keras.callbacks.ProgbarLogger, which takes no
    arguments either): fit makes one unless verbose=0, or uses the one passed among its
    callbacks, in either case printing as fit's `verbose` says (1 or 'auto': a bar while
    each epoch runs, where stdout is a terminal and tqdm is installed, then the epoch's
    line; 2: the epoch's line alone; 0: nothing). With interactive logging off
    (keras.config.disable_interactive_logging), no bar: the lines go to the 'rungrad'
    logger at INFO instead of stdout. evaluate and predict print their own summary line,
    as before: this callback follows fit only."""

    def __init__(self):
        super().__init__(bar=True)
        self.verbose = 1

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.bar_wanted = self.verbose == 1

    def on_train_begin(self, logs=None):
        if self.verbose:
            super().on_train_begin(logs)

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            super().on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose:
            super().on_epoch_end(epoch, logs)


__all__ = ["ProgbarLogger"]
