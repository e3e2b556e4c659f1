"""Keras' compile() options beyond optimizer, loss and metrics, checked and put in the form
Model.compile keeps: loss_weights, run_eagerly and jit_compile.

rungrad always runs eagerly (a define-by-run graph each batch); jit_compile=True replays
fit's update as a captured step instead (autograd.capture), the nearest thing to Keras'
compiled step. For a model of one output, loss_weights is the one weight of its loss (those
of several outputs: nn.training.multi_output).
"""
from numbers import Real

import numpy as np

from autograd.user_warnings import user_warning


def loss_weight(loss_weights):
    """Keras' loss_weights for a model of one output as one float: a number, or a list or
    tuple of one number (Keras' form for a list of outputs); None is 1. A dict names
    outputs by name, which a model of one output does not need: refused, as are several
    (a functional model of several outputs takes them: nn.training.multi_output)."""
    if loss_weights is None:
        return 1.0
    if isinstance(loss_weights, dict):
        raise TypeError("compile: loss_weights as a dict weighs named outputs, and this "
                        "model has one output; give its weight as a number "
                        f"(loss_weights=2.0), got {loss_weights!r}")
    weights = list(loss_weights) if isinstance(loss_weights, (list, tuple)) else [loss_weights]
    if len(weights) != 1:
        raise ValueError(f"compile: loss_weights must match the number of losses, got 1 loss "
                         f"(the model has one output) and {len(weights)} weights")
    return checked_weight(weights[0], loss_weights, "(or a list of one)")


def checked_weight(weight, loss_weights, hint=""):
    """One of loss_weights' numbers as a float; a TypeError naming them all otherwise."""
    if isinstance(weight, bool) or not isinstance(weight, Real) or not np.isfinite(weight):
        raise TypeError(f"compile: loss_weights must be a finite number {hint}, got "
                        f"{loss_weights!r}")
    return float(weight)


def jit_choice(jit_compile, run_eagerly):
    """Whether fit replays a captured step: jit_compile True, False, or Keras' default
    'auto' (eager here: capturing is the user's choice, as it changes nothing but speed);
    run_eagerly=True turns it off, as Keras does (with its warning)."""
    if not isinstance(run_eagerly, bool):
        raise TypeError(f"compile: run_eagerly must be True or False, got {run_eagerly!r}")
    if jit_compile == "auto":
        return False
    if not isinstance(jit_compile, bool):
        raise TypeError(f"compile: jit_compile must be True, False or 'auto', got "
                        f"{jit_compile!r}")
    if jit_compile and run_eagerly:
        user_warning("If `run_eagerly` is True, then `jit_compile` cannot also be True. "
                     "Disabling `jit_compile`.")
        return False
    return jit_compile


__all__ = ["loss_weight", "checked_weight", "jit_choice"]
