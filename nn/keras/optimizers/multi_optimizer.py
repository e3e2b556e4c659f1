"""Keras 3's `keras.optimizers.MultiOptimizer(optimizer_map, loss_scale_factor=None,
name=None)`: each variable updated by its own optimizer, as an OptimizerMap (by path) or a
function of the variable chooses.

The variables compile binds are shared out at once (Keras: at build), and each inner
optimizer holds its share: step() runs every inner optimizer that holds variables (Keras'
apply applies each to its share), then counts its own iteration. The inner optimizers are
the map's values, in order, then its default, then any other the map gives; each takes the
MultiOptimizer's loss_scale_factor (fit scales the loss by it, each unscales its share).
Its learning rate is its inner optimizers' own (reading or setting it here is refused, as
in Keras). Its state_dict holds the inner ones' groups and states, numbered as its own
param_groups list them, each group tagged with its optimizer: model.save keeps it."""
import numpy as np

from autograd.config import enable_grad
from optim import Optimizer as _OptimBase
from optim.optimizer import ParamState

from . import KerasOptimizer
from .builtin_variables import counter_variables, keras_name
from .optimizer_map import OptimizerMap, check_inner_optimizer

_TAG, _SAVED = "optimizer", "optimizer_state"  # (the inner optimizer's entries of a group)


class MultiOptimizer(KerasOptimizer, _OptimBase):
    """`optimizer_map`: an OptimizerMap, or a function of a variable giving its optimizer;
    `optimizers` lists the inner ones."""

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not (isinstance(optimizer_map, OptimizerMap) or callable(optimizer_map)):
            raise TypeError("MultiOptimizer: optimizer_map must be an OptimizerMap or a "
                            "function of a variable giving its optimizer, got "
                            f"{type(optimizer_map).__name__}")
        self._inner, self._share = [], {}  # the inner optimizers; id(variable) -> index
        self._keras_options(loss_scale_factor=loss_scale_factor, name=name)
        self._set_schedule(None)
        self._optimizer_map = optimizer_map
        given = list(optimizer_map.values()) if isinstance(optimizer_map, OptimizerMap) else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for optimizer in given + ([default] if default is not None else []):
            self._join(optimizer)

    def _join(self, optimizer):
        """The index of `optimizer` among the inner ones (it joins, taking the loss scale
        factor, if new)."""
        for index, held in enumerate(self._inner):
            if held is optimizer:
                return index
        check_inner_optimizer(optimizer, "MultiOptimizer")
        optimizer.loss_scale_factor = self.loss_scale_factor
        self._inner.append(optimizer)
        return len(self._inner) - 1

    @property
    def optimizers(self):
        """The inner optimizers."""
        return self._inner

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in self._inner:  # (Keras' rule: it overrides theirs)
            optimizer.loss_scale_factor = value

    # ----- the variables, shared out -----
    def bind(self, params):
        """Give each new variable of `params` to its optimizer (the map's choice)."""
        shares = {}
        for p in params:
            if id(p) not in self._share:
                index = self._share[id(p)] = self._join(self._optimizer_map(p))
                shares.setdefault(index, []).append(p)
        for index, share in shares.items():
            self._inner[index].bind(share)
        return self

    def add_param_group(self, param_group):
        """Its parameters shared out as bind's (a group's settings are an inner
        optimizer's)."""
        extra = sorted(set(param_group) - {"params"})
        if extra:
            raise ValueError(f"{self.name}: a MultiOptimizer's groups take no settings, got "
                             f"{extra}: set them on the inner optimizers")
        self.bind(param_group["params"])

    param_groups = property(lambda self: [g for opt in self._inner for g in opt.param_groups],
                            doc="The inner optimizers' groups, one after another.")
    defaults = property(lambda self: {}, doc="None of its own (the inner ones' are theirs).")

    @property
    def state(self):
        """The inner optimizers' states (the same dicts), by variable."""
        merged = ParamState()
        for optimizer in self._inner:
            for p, state in optimizer.state.items():
                merged[p] = state
        return merged

    @property
    def learning_rate(self):
        raise AttributeError(f"{self.name}: a MultiOptimizer has no learning rate of its "
                             "own; read the inner optimizers' (its .optimizers)")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(f"{self.name}: a MultiOptimizer has no learning rate of its "
                             "own; set the inner optimizers' (its .optimizers)")

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        """Keras': its iteration and (unused) learning rate, then each inner optimizer's."""
        scope = keras_name(self)
        rate = (lambda: np.array(0.0, np.float32), _unused_rate(scope))  # (Keras': 0, unused)
        own = counter_variables(self, scope, rate)
        return own + [v for optimizer in self._inner for v in optimizer.variables]

    # ----- the update -----
    def step(self, closure=None):
        """Each inner optimizer holding variables updates its share; then the count."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        holding = [opt for opt in self._inner if any(g["params"] for g in opt.param_groups)]
        if not holding:
            raise RuntimeError(f"{self.name}: step() with no parameters: compile a model "
                               "with it, or bind them first (opt.bind(model.parameters()))")
        self.stepped = True
        for optimizer in holding:
            optimizer.step()
        self._iterations += 1
        return loss

    def finalize_variable_values(self, var_list):
        """Each inner optimizer's, on its share of `var_list` (use_ema's averages)."""
        for index, optimizer in enumerate(self._inner):
            share = [v for v in var_list if self._share.get(id(v)) == index]
            if share:
                optimizer.finalize_variable_values(share)

    # ----- saving -----
    @property
    def keras_options(self):
        return {"optimizer_map": self._optimizer_map,
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    def get_config(self):
        from ..serialization import serialize_keras_object
        return {"optimizer_map": serialize_keras_object(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": keras_name(self)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..serialization import deserialize_keras_object
        config = dict(config)
        config["optimizer_map"] = deserialize_keras_object(config["optimizer_map"],
                                                           custom_objects)
        return cls(**config)

    def _snapshot(self):
        """The inner state dicts as one: their groups (each tagged with its optimizer and
        that one's other entries) and states, the variables numbered in param_groups'
        order; and the count."""
        number = {id(p): i for i, p in enumerate(_held(self))}
        groups, state = [], {}
        for index, optimizer in enumerate(self._inner):
            saved = optimizer.state_dict()
            mine = [number[id(p)] for p in _held(optimizer)]
            rest = {k: v for k, v in saved.items() if k not in ("param_groups", "state")}
            for group in saved["param_groups"]:
                groups.append(dict(group, params=[mine[i] for i in group["params"]],
                                   **{_TAG: index, _SAVED: rest}))
            state.update({mine[int(i)]: s for i, s in saved["state"].items()})
        return {"state": state, "param_groups": groups, "iterations": self._iterations}

    def _resume(self, state_dict):
        held = _held(self)
        groups = state_dict["param_groups"]
        for index, optimizer in enumerate(self._inner):
            own = [g for g in groups if g.get(_TAG) == index]
            mine = {id(p): i for i, p in enumerate(_held(optimizer))}
            local = {}
            for group in own:
                for i in group["params"]:
                    p = held[int(i)] if int(i) < len(held) else None
                    if p is None or id(p) not in mine:
                        raise ValueError(f"{self.name}: the loaded state gives variable {i} "
                                         f"to optimizer {index} ({optimizer.name}), which "
                                         "does not hold it here")
                    local[int(i)] = mine[id(p)]
            rest = own[0].get(_SAVED, {}) if own else {}
            optimizer.load_state_dict(dict(
                rest, param_groups=[_untagged(g, local) for g in own],
                state={local[int(i)]: s for i, s in state_dict["state"].items()
                       if int(i) in local}))
        self._iterations = int(state_dict.get("iterations", 0))


def _unused_rate(scope):
    def refuse(value):
        raise AttributeError(f"{scope}/learning_rate: a MultiOptimizer's learning rate is "
                             "unused; set the inner optimizers'")
    return refuse


def _held(optimizer):
    return [p for group in optimizer.param_groups for p in group["params"]]


def _untagged(group, local):
    """A saved group as its inner optimizer saved it (its variables renumbered)."""
    return dict({k: v for k, v in group.items() if k not in (_TAG, _SAVED)},
                params=[local[int(i)] for i in group["params"]])


__all__ = ["MultiOptimizer", "OptimizerMap"]
