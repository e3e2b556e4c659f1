"""Keras' masking: which steps of a batch of sequences are padding, passed along a model.

A mask is a Variable of booleans (N, T), False at the padding, with no gradient, made by
ops, so that a captured step (jit_compile) makes each batch's own. Layers take part as in
Keras:

- they make one: `compute_mask(inputs, mask)` returns it (Embedding(mask_zero=True),
  Masking);
- they use one: a `forward` with a `mask` argument receives its input's (the recurrent
  layers, Bidirectional, GlobalAveragePooling1D, BatchNormalization, Maximum, Minimum);
- they pass one on: `supports_masking = True` (Dense, Dropout, Activation,
  LayerNormalization, ...), or `compute_mask` says what their outputs' is (a recurrent
  layer's, only with return_sequences; a merge's, from its inputs').

Any other layer given a mask drops it, with Keras' warning. A model keeps its outputs'
mask (`output_mask`), which fit and evaluate apply to the loss and the metrics (Keras' mean
over the real steps only).
"""
import inspect
import warnings
from contextvars import ContextVar

from ..layers.lazy_build import in_shape_trial

_TAKES_MASK = {}  # layer class -> whether its forward has a `mask` argument
_PASSING = ContextVar("rungrad_masks_passed", default=False)  # inside call_with_mask


def call_with_mask(layer, args, mask, kwargs=None):
    """(outputs, their mask) of layer(*args, **kwargs), given its input's mask (a list of
    them for a layer of several inputs; None for none)."""
    kwargs = kwargs or {}
    if _given(mask) and takes_mask(layer):
        kwargs = {**kwargs, "mask": mask}
    token = _PASSING.set(True)
    try:
        outputs = layer(*args, **kwargs)
    finally:
        _PASSING.reset(token)
    return outputs, output_mask(layer, args[0] if len(args) == 1 else list(args), mask)


def warn_unless_passed(layer):
    """A mask-making layer called outside a Sequential or functional model (a subclassed
    model's forward, a loop of one's own) says once that nothing passes its mask on there,
    where Keras would: the layers after it read the padding unless given mask= by hand."""
    if _PASSING.get() or in_shape_trial() or getattr(layer, "_mask_warned", False):
        return
    object.__setattr__(layer, "_mask_warned", True)
    warnings.warn(f"{type(layer).__name__} makes a mask (nn.training.masking), which "
                  "Sequential and functional models pass to the layers after it; called on "
                  "its own (in a subclassed model's forward), nothing passes it on: give it "
                  "to the layers that use it, mask=layer.compute_mask(inputs) (the recurrent "
                  "layers, Bidirectional, GlobalAveragePooling1D), or this warning is right",
                  stacklevel=3)


def output_mask(layer, inputs, mask):
    """The mask of `layer`'s outputs from its inputs and their mask (see the module)."""
    compute = getattr(layer, "compute_mask", None)
    if compute is not None:
        return compute(inputs, mask)
    if not _given(mask):
        return None
    if getattr(layer, "supports_masking", False):
        return mask
    warnings.warn(f"Layer {getattr(layer, 'name', None) or type(layer).__name__!r} "
                  f"({type(layer).__name__}) does not support masking: the mask of its input "
                  "is dropped, and the layers after it see none (as in Keras)", stacklevel=3)
    return None


def takes_mask(layer):
    """Whether layer's forward has a `mask` argument."""
    kind = type(layer)
    known = _TAKES_MASK.get(kind)
    if known is None:
        known = _TAKES_MASK[kind] = "mask" in inspect.signature(layer.forward).parameters
    return known


def makes_masks(layer):
    """Whether the layer may make a mask from no mask (Embedding with mask_zero, Masking):
    a model without one needs no masks at all."""
    return bool(getattr(layer, "makes_masks", False))


def _given(mask):
    if isinstance(mask, (list, tuple)):
        return any(m is not None for m in mask)
    return mask is not None


__all__ = ["call_with_mask", "output_mask", "takes_mask", "makes_masks", "warn_unless_passed"]
