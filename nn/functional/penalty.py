"""Weight penalties to add to a loss: `loss + lam * F.l2_penalty(model.parameters())`."""
from autograd.ops import abs, sum
from autograd.variable import is_uninitialized


def l1_penalty(params):
    """sum over all parameters of sum |w| (its gradient is sign(w))."""
    return _total(params, lambda p: sum(abs(p)), "l1_penalty")


def l2_penalty(params):
    """sum over all parameters of sum w^2 (Keras' l2 regulariser; its gradient is 2 w, so
    `lam * l2_penalty` acts as SGD's weight_decay = 2 lam)."""
    return _total(params, lambda p: sum(p * p), "l2_penalty")


def _total(params, term, who):
    params = list(params)
    if not params or any(is_uninitialized(p) for p in params):
        raise ValueError(f"{who}: got no parameters, or parameters of layers not built yet (a "
                         f"model whose layer sizes are inferred has no weights before its "
                         f"first call)")
    total = term(params[0])
    for p in params[1:]:
        total = total + term(p)
    return total


__all__ = ["l1_penalty", "l2_penalty"]
