"""One state entry of one weight in an optimizer, read and written in Keras' layout: what
a Keras optimizer variable of a built-in optimizer stands on (builtin_variables.py)."""
from autograd.backend import get_array_module


class StateSlot:
    """The state entry `key` of weight p in `opt`, in Keras' layout (Dense's kernel
    transposed). Before p's state is made, reads give its initial value and a write makes
    the state first."""

    def __init__(self, opt, p, key):
        self.opt, self.p, self.key = opt, p, key
        self.transposed = keras_transposed(p)

    def stored(self, make=False):
        """The state's array (None where p has no state yet, unless `make`)."""
        state = self.opt.state.get(self.p)
        if (not state or self.key not in state) and make:
            state = self.opt._state_for(self.p, _group_of(self.opt, self.p),
                                        get_array_module(self.p.data))
            state.setdefault(self.key, _initial(self.opt, self.p, self.key))
        return state.get(self.key) if state else None

    def read(self):
        array = self.stored()
        if array is None:
            array = _initial(self.opt, self.p, self.key)
        return array.T if self.transposed else array

    def write(self, value):
        array = self.stored(make=True)
        array[...] = value.T if self.transposed else value


def _initial(opt, p, key):
    """Entry `key` of p's fresh state (zeros for an entry the rule makes later)."""
    xp = get_array_module(p.data)
    fresh = opt._init_state(xp, p.data, _group_of(opt, p))
    return fresh[key] if key in fresh else xp.zeros_like(p.data)


def _group_of(opt, p):
    return next(g for g in opt.param_groups if any(q is p for q in g["params"]))


def keras_transposed(p):
    """Whether Keras keeps weight p transposed (Dense's kernel: its layer's
    _keras_transposed)."""
    link = vars(p).get("_keras_owner")
    layer = None if link is None else link.holder
    return layer is not None and link.key in getattr(layer, "_keras_transposed", ())


__all__ = ["StateSlot", "keras_transposed"]
