"""Keras' `optimizer.exclude_from_weight_decay(var_list=None, var_names=None)`: the
variables of var_list, and those whose name (Keras' `w.name`: 'bias', 'gamma') a string of
var_names is found in (re.search), are not decayed; the others are, as before
(`w -= lr * wd * w`, then the update). Keras refuses the call once the optimizer is built;
here, once it has made an update.

The decay is a group's setting (optim's `_prepare_grad`), so a group holding excluded
weights is updated in two parts: the others with the group's settings, the excluded ones
with the same settings but no decay (Keras' decay is decoupled: nothing else differs).
Without exclusions, or without decay, the step is optim's own. The rule is part of the
optimizer's state_dict (the excluded variables by their index, as the groups number them),
which model.save keeps."""
import re

from optim.param_group import ParamGroup

KEY = "exclude_from_weight_decay"  # (its entry in state_dict)


class DecayExclusion:
    """Which variables get no weight decay; each asked once, as Keras caches it."""

    def __init__(self, var_list, var_names):
        self.variables = list(var_list or ())  # (held: their ids stay theirs)
        self.names = sorted(set(var_names or ()))
        self._ids = {id(v) for v in self.variables}
        self._pattern = re.compile("|".join(self.names)) if self.names else None
        self._asked = {}

    def excludes(self, variable):
        found = self._asked.get(id(variable))
        if found is None:
            name = variable.name
            found = id(variable) in self._ids or (
                self._pattern is not None and name is not None and
                self._pattern.search(str(name)) is not None)  # (a name may be 0, say)
            self._asked[id(variable)] = found
        return found


class ExcludesFromWeightDecay:
    """Mixin of the Keras optimizers (before the optim class whose step it splits)."""

    _decay_exclusion = None  # (None: no exclusion, the step is optim's)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude the variables of `var_list`, and those whose `name` any string of
        `var_names` is found in (a regular expression, re.search), from weight decay (each
        call replaces the previous one, as Keras'). Only before the first update."""
        if self._iterations:
            raise ValueError(f"{self.name}: exclude_from_weight_decay() can only be "
                             f"configured before the optimizer is built (before its first "
                             f"update; it has made {self._iterations})")
        if isinstance(var_names, str):
            raise TypeError(f"{self.name}: exclude_from_weight_decay: var_names is a list "
                            f"of strings, got the string {var_names!r}")
        self._decay_exclusion = DecayExclusion(var_list, var_names) if (
            var_list or var_names) else None  # (nothing excluded: optim's own step)

    def _step_group(self, group, updated, params=None):
        exclusion = self._decay_exclusion
        if exclusion is None or not group.get("weight_decay"):
            return super()._step_group(group, updated, params)
        kept, excluded = [], []
        for p in group["params"] if params is None else params:
            (excluded if exclusion.excludes(p) else kept).append(p)
        if not excluded:
            return super()._step_group(group, updated, params)
        super()._step_group(group, updated, kept)
        super()._step_group(ParamGroup(group, weight_decay=0.0), updated, excluded)

    def _snapshot(self):
        saved = super()._snapshot()
        exclusion = self._decay_exclusion
        if exclusion is not None:
            index = {id(p): i for i, p in enumerate(
                p for group in self.param_groups for p in group["params"])}
            saved[KEY] = {"var_names": list(exclusion.names),
                          "params": sorted(index[id(v)] for v in exclusion.variables
                                           if id(v) in index)}
        return saved

    def _resume(self, state_dict):
        super()._resume(state_dict)
        rule = state_dict.get(KEY)
        if rule is not None:
            held = [p for group in self.param_groups for p in group["params"]]
            indices = [int(i) for i in rule.get("params", ())]
            if any(not 0 <= i < len(held) for i in indices):
                raise ValueError(f"{self.name}: the loaded state dict excludes parameters "
                                 f"{indices} from weight decay; the optimizer holds "
                                 f"{len(held)}")
            self._decay_exclusion = DecayExclusion([held[i] for i in indices],
                                                   rule.get("var_names", ()))


__all__ = ["ExcludesFromWeightDecay", "DecayExclusion"]
