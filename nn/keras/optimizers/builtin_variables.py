"""Keras 3's `optimizer.variables` of the built-in optimizers (SGD, Adam, ..., Adafactor),
each a LiveVariable on the optimizer's own state, with Keras' names, paths, order, shapes and
values.

Keras lists `iteration` (int32: the calls of apply) and `learning_rate` (float32; none
where it is a schedule), then what build(trainable variables) made: the moving averages
(use_ema), the gradient accumulators, then the optimizer's own, one list per kind, kinds
made together interleaved weight by weight (optimizer_variables.py holds that layout, which
reading a Keras file uses too). A slot of weight `w` is named `<w.path with _>_<kind>` and
its path is `<optimizer name>/<name>`. Here the slots are listed for the trainable weights
the optimizer holds (compile binds the model's; Keras builds at the first update); a
weight's slot it has not updated yet reads as Keras' initial value. Keras keeps Dense's
kernel transposed: so are its slots here. Keras' oddities are kept: Nadam's momentum
product is named `variable` at path `variable`; Adafactor makes, per weight, its factors r
and c named as the weight (placeholders: int32 zeros at the weight's bare name for a
weight of fewer than two axes), then `velocity`, which for a factored weight is the
estimate (r / mean(r)) c computed from them (read only: rungrad keeps only the factors).
"""
import numpy as np

from nn.layers.keras_settings import floatx

from ...layers.keras_name import snake_case
from .adafactor_variables import ADAFACTOR, adafactor_variable
from .live_variable import LiveVariable
from .own_variables import _label
from .state_slot import StateSlot

# Keras' name of each of rungrad's state entries (Adadelta's square_avg excepted)
_NAMES = {"exp_avg": "momentum", "exp_avg_sq": "velocity", "max_exp_avg_sq": "velocity_hat",
          "momentum_buffer": "momentum", "square_avg": "velocity",
          "grad_avg": "average_gradient", "sum": "accumulator", "exp_inf": "norm",
          "acc_delta": "accumulated_delta_var", "accumulator": "accumulator",
          "linear": "linear", "average": "average",
          "gradient_accumulator": "gradient_accumulator"}
_ADADELTA_NAMES = dict(_NAMES, square_avg="accumulated_grad")


class ListsKerasVariables:
    """Mixin of the Keras optimizers: Keras' `variables`. A class this module does not know
    declares its own: `keras_variable_kinds`, tuples of state keys made together in Keras'
    order, `keras_variable_names`, {state key: Keras' name}, and where a weight lacks some
    kinds, a method `keras_holds_variable(p, key)`."""

    @property
    def variables(self):
        """Keras' optimizer variables (see the module doc): live, named as Keras names them."""
        return keras_variables(self)


def keras_name(opt):
    """The optimizer's name as Keras gives it (its class's in snake_case unless named)."""
    # (rungrad's default name, the class's, comes back from a saved model as a given one)
    default = not opt._named or opt.name == type(opt).__name__
    return snake_case(type(opt).__name__) if default else opt.name


def keras_variables(opt):
    """`opt`'s variables in Keras' order (see the module doc)."""
    scope = keras_name(opt)
    made = counter_variables(opt, scope, _rate_reader(opt))
    weights = [p for group in opt.param_groups for p in group["params"] if p.requires_grad]
    if not weights:
        return made
    holds = getattr(opt, "keras_holds_variable", None)  # (Muon: no velocity for its own)
    for kinds in _layout(opt):
        for p in weights:
            made += [_kind_variable(opt, scope, p, key) for key in kinds
                     if holds is None or holds(p, key)]
    return made + _scalar_variables(opt)


def counter_variables(opt, scope, rate=None):
    """`iteration` (opt's count of calls, assignable) and, where `rate` (a pair (read,
    write) of the learning rate) is given, `learning_rate`."""
    def write_count(value):
        opt._iterations = int(value)

    made = [LiveVariable(lambda: np.array(opt._iterations, np.int32), write_count,
                         "iteration", f"{scope}/iteration")]
    if rate is not None:
        made.append(LiveVariable(*rate, "learning_rate", f"{scope}/learning_rate"))
    return made


def _rate_reader(opt):
    """(read, write) of opt's learning rate as a float32 variable; None with a schedule."""
    if opt._schedule is not None:
        return None

    def write(value):
        opt.learning_rate = float(value)

    return lambda: np.array(float(opt.learning_rate), floatx()), write


def _layout(opt):
    """The per-weight kinds, as tuples of state keys made together, in Keras' order."""
    from ..optimizer_variables import base_state_kinds, state_kinds  # (it imports this package)
    from . import Adafactor, Ftrl, Lamb
    own = getattr(opt, "keras_variable_kinds", None)  # (another Keras optimizer's own)
    if own is not None:
        own = list(own)
    elif isinstance(opt, Adafactor):
        own = [ADAFACTOR]
    elif isinstance(opt, Ftrl):
        own = [("accumulator", "linear")]
    elif isinstance(opt, Lamb):
        own = [("exp_avg", "exp_avg_sq")]
    else:
        own = state_kinds(opt)
    if own is None:
        raise TypeError(f"{opt.name}: rungrad does not know Keras' variables of a "
                        f"{type(opt).__name__} (a class lists them in keras_variable_kinds, "
                        "and their names in keras_variable_names)")
    return base_state_kinds(opt) + own


def _kind_variable(opt, scope, p, key):
    """The variable of kind `key` (a state key, or one of ADAFACTOR) of weight p."""
    from . import Adadelta, Adafactor
    if isinstance(opt, Adafactor) and key in ADAFACTOR:
        return adafactor_variable(opt, scope, p, key)
    names = _ADADELTA_NAMES if isinstance(opt, Adadelta) else _NAMES
    names = {**names, **getattr(opt, "keras_variable_names", {})}
    name = f"{_label(p)}_{names[key]}"
    slot = StateSlot(opt, p, key)
    return LiveVariable(slot.read, slot.write, name, f"{scope}/{name}")


def _scalar_variables(opt):
    """Nadam's momentum product, a float32 scalar Keras makes last, named `variable`."""
    from . import Nadam
    if not isinstance(opt, Nadam):
        return []

    def states():
        return [opt.state.get(p) or {} for g in opt.param_groups for p in g["params"]]

    def read():
        found = [s["mu_product"] for s in states() if "mu_product" in s]
        return np.array(found[0] if found else 1.0, np.float32)

    def write(value):
        product = float(value)
        for state in states():
            if "mu_product" in state:
                state["mu_product"] = product
        # (the next update goes on from it: Nadam carries its product on per beta_1)
        opt._products[opt.beta_1] = (opt.iterations, product)

    return [LiveVariable(read, write, "variable", "variable")]


__all__ = ["ListsKerasVariables", "counter_variables", "keras_name", "keras_variables"]
