"""A loss's weights: arrays the op keeps as settings, not inputs (no gradient flows to them)."""
from autograd.backend import get_array_module, host_array
from autograd.variable import Parameter, Variable, computed_from_values, copied_setting
from autograd.walk import functions_behind


def refuse_trained(value, who, name):
    """Raise where `value` is a Variable that would expect a gradient: a Parameter, or one
    computed from a Parameter (a plain Variable requires grad by default, as DeZero's, and
    one computed from plain Variables, class counts, is a constant too)."""
    if value.requires_grad and _from_a_parameter(value):
        raise ValueError(f"{who}: {name} is trained (a Parameter, or computed from one), but "
                         f"the loss takes it as a constant and no gradient reaches it; pass "
                         f"{name}.detach() if that is meant")


def constant_setting(value, like, who, name):
    """`value` (an array, a Variable, another library's array) as an array of like's array
    module and dtype. A trained weight (a Parameter, or a Variable computed from others) is
    refused: the op does not differentiate it, and its gradient would silently stay None."""
    if not isinstance(value, Variable):
        return copied_setting(get_array_module(like.data).asarray(host_array(value)).astype(
            like.dtype, copy=False), value)
    refuse_trained(value, who, name)
    data = get_array_module(like.data).asarray(value.data).astype(like.dtype, copy=False)
    # a setting of the op: a capture refuses one from values, and notes one copied
    return copied_setting(computed_from_values(data), value.data)


def _from_a_parameter(value):
    if isinstance(value, Parameter):
        return True
    return any(isinstance(x, Parameter) and x.requires_grad
               for func in functions_behind([value]) for x in func.inputs)
