"""SwapEMAWeights: evaluate (and optionally checkpoint) with the optimizer's EMA weights."""
from .base import Callback


class SwapEMAWeights(Callback):
    """Keras' callback for optimizers made with use_ema=True (nn.keras.optimizers): before
    each evaluation (fit's validation, evaluate) and prediction the model takes the moving
    averages of its weights, and its weights back after it, so that the val_* values are
    the averaged model's. swap_on_epoch=True also puts the averages in at each epoch's end
    (callbacks after this one, such as ModelCheckpoint, see them) and the weights back at
    the next epoch's beginning. At the end of fit the model keeps the averages, as fit
    leaves them with use_ema, also where fit stops early (Keras' in-place swap then leaves
    the weights). After predict the weights come back, as after evaluate (Keras' leave
    the averages in)."""

    def __init__(self, swap_on_epoch=False):
        self.swap_on_epoch = swap_on_epoch
        self._held = None  # the weights, while the averages stand in for them

    def _to_averages(self):
        """Put the averages in the model, keeping the weights aside (a copy, not a swap: the
        averages stay in the optimizer, so that fit's end, which gives the model its
        averages, is right however the epochs end; early stopping included)."""
        if self._held is None:
            pairs = _averaged(self.model)
            self._held = [p.data.copy() for p, _ in pairs]
            for p, state in pairs:
                p.assign(state["average"])  # (in place, its version bumped, as any update)

    def _to_weights(self):
        if self._held is not None:
            for (p, _), held in zip(_averaged(self.model), self._held):
                p.assign(held)
            self._held = None

    def on_train_begin(self, logs=None):
        _averaged(self.model)  # (refuses an optimizer without use_ema before training)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._to_weights()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._to_averages()

    def on_train_end(self, logs=None):
        self._held = None  # (fit has given the model its averages: they stay)

    def on_test_begin(self, logs=None):
        self._test_put_averages = self._held is None
        self._to_averages()

    def on_test_end(self, logs=None):
        if self._test_put_averages:
            self._to_weights()

    on_predict_begin = on_test_begin
    on_predict_end = on_test_end


def _averaged(model):
    """(parameter, its optimizer state) of each parameter with a moving average, from
    model.optimizer (a LossScaleOptimizer's inner one); a ValueError without use_ema."""
    optimizer = getattr(model, "optimizer", None)
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if not getattr(optimizer, "use_ema", False):
        raise ValueError(f"SwapEMAWeights must be used with an optimizer made with "
                         f"use_ema=True (nn.keras.optimizers); the model's is "
                         f"{type(optimizer).__name__}"
                         f"{'' if optimizer is None else ' with use_ema=False'}")
    return [(p, optimizer.state[p]) for group in optimizer.param_groups
            for p in group["params"]
            if optimizer.state.get(p) and optimizer.state[p].get("average") is not None]


__all__ = ["SwapEMAWeights"]
