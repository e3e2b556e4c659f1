"""A compiled model's optimizer state as Keras 3's optimizer variables (a `.keras`
archive's `optimizer/vars/0, 1, ...`): the inverse of nn.keras.optimizer_variables'
restore_keras_optimizer, in the order its docstring gives: iterations, the learning rate
unless a schedule sets it, then, once it has made an update (Keras' is built then), each
kind's state per trainable weight in model.trainable_weights' order (Keras' transposed
weights' transposed), then the optimizer's scalars; so that Keras, or rungrad, continues
training where it stopped."""
import numpy as np

from autograd.backend import to_cpu

from . import optimizers as keras_optimizers
from .optimizer_variables import (
    base_state_kinds,
    keras_trainable_weights,
    state_kinds,
    state_scalars,
)


def optimizer_variables(model):
    """[arrays] of Keras' optimizer variables of `model`'s optimizer; None where its
    Keras layout is not known here (another kind of optimizer, a loss-scaled one)."""
    opt = getattr(model, "optimizer", None)
    if not isinstance(opt, keras_optimizers.KerasOptimizer) or isinstance(
            opt, keras_optimizers.LossScaleOptimizer):
        return None
    kinds = state_kinds(opt)
    if kinds is None:
        return None
    state = opt.state_dict()
    held = {id(p): i for i, p in enumerate(p for g in opt.param_groups for p in g["params"])}
    weights = keras_trainable_weights(model)
    if any(id(p) not in held for p, _ in weights):
        return None
    found = [np.asarray(state.get("iterations", 0), dtype=np.int64)]
    if "learning_rate" not in opt.keras_options:  # (a schedule: no variable)
        found.append(np.asarray(opt.param_groups[0]["lr"], dtype=np.float32))
    if not state["state"] and not state.get("iterations"):  # (never updated: Keras' is
        return found  # not built yet, its file holds these alone)
    for names in base_state_kinds(opt) + kinds:
        for p, transposed in weights:
            entry = state["state"].get(held[id(p)], {})
            for name in names:
                found.append(_moment(entry.get(name), p, transposed))
    for name in state_scalars(opt):
        entry = next(iter(state["state"].values()), {})
        found.append(np.asarray(entry.get(name, 1.0), dtype=np.float32))
    return found


def _moment(value, param, transposed):
    """A weight's state array in Keras' shape (zeros before the first update)."""
    array = np.zeros(param.shape, np.float32) if value is None else np.asarray(to_cpu(value))
    return array.T if transposed else array


__all__ = ["optimizer_variables"]
