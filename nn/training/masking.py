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

Sequential and functional models pass masks from layer to layer themselves. Elsewhere (a
subclassed model's forward) masks travel as in Keras 3, kept on the tensors: a Keras layer
called on a Variable that carries a mask receives it (unless given mask=), and its outputs
carry their own (`call_passing_masks`, which Module.__call__ runs for Keras layers; a
Sequential does the same in its forward). A mask does not survive plain ops between layers
(`x * 2`), as in Keras.
"""
import inspect
import weakref
from contextvars import ContextVar

from autograd.user_warnings import user_warning

_TAKES_MASK = {}  # layer class -> whether its forward has a `mask` argument
_HANDLED = ContextVar("rungrad_mask_handled", default=None)  # the layer call_with_mask runs
_CARRIED = {}  # id(Variable) -> (a weak reference to it, the mask it carries)


def call_with_mask(layer, args, mask, kwargs=None):
    """(outputs, their mask) of layer(*args, **kwargs), given its input's mask (a list of
    them for a layer of several inputs; None for none); a mask= in kwargs is the one."""
    kwargs = kwargs or {}
    if kwargs.get("mask") is not None:
        mask = kwargs["mask"]
    elif _given(mask) and takes_mask(layer):
        kwargs = {**kwargs, "mask": mask}
    token = _HANDLED.set(layer)  # (this call's masks are passed here, not again inside it)
    try:
        outputs = layer(*args, **kwargs)
    finally:
        _HANDLED.reset(token)
    return outputs, output_mask(layer, args[0] if len(args) == 1 else list(args), mask)


def call_passing_masks(layer, args, kwargs, call):
    """A Keras layer's call (`call(layer, args, kwargs)` runs it) with Keras 3's masks on
    tensors: the mask its input carries is given to it, and its outputs carry theirs."""
    handled = _HANDLED.get()
    if handled is None and not _CARRIED and not kwargs and not makes_masks(layer):
        return call(layer, args, kwargs)  # (no mask anywhere: the usual call, fast)
    if handled is layer:  # call_with_mask's own call: it passes the masks
        token = _HANDLED.set(None)  # (the layers inside pass theirs)
        try:
            return call(layer, args, kwargs)
        finally:
            _HANDLED.reset(token)
    mask = kwargs.get("mask")
    if mask is None and args:
        mask = carried_mask(args[0] if len(args) == 1 else list(args))
    if not _given(mask) and not makes_masks(layer):
        return call(layer, args, kwargs)
    outputs, out_mask = call_with_mask(layer, args, mask, kwargs)
    carry_mask(outputs, out_mask)
    return outputs


def carry_mask(outputs, mask):
    """Let `outputs` (a Variable, or a tuple or list of them, with a list of masks or one
    mask for all) carry `mask` to the Keras layers they are given to."""
    if isinstance(outputs, (tuple, list)):
        masks = mask if isinstance(mask, (tuple, list)) else [mask] * len(outputs)
        for y, m in zip(outputs, masks):
            carry_mask(y, m)
        return
    if mask is None or not hasattr(outputs, "__weakref__"):
        return
    key = id(outputs)
    _CARRIED[key] = (weakref.ref(outputs, lambda _, key=key: _CARRIED.pop(key, None)), mask)


def carried_mask(x):
    """The mask x carries (a list of them for a list of tensors), or None."""
    if not _CARRIED:
        return None
    if isinstance(x, (tuple, list)):
        masks = [carried_mask(item) for item in x]
        return masks if _given(masks) else None
    entry = _CARRIED.get(id(x))
    return entry[1] if entry is not None and entry[0]() is x else None


def output_mask(layer, inputs, mask):
    """The mask of `layer`'s outputs from its inputs and their mask (see the module)."""
    compute = getattr(layer, "compute_mask", None)
    if compute is not None:
        return compute(inputs, mask)
    if not _given(mask):
        return None
    if getattr(layer, "supports_masking", False):
        return mask
    user_warning(f"Layer {getattr(layer, 'name', None) or type(layer).__name__!r} "
                 f"({type(layer).__name__}) does not support masking: the mask of its input "
                 "is dropped, and the layers after it see none (as in Keras)")
    return None


def model_output_mask(model, outputs):
    """The mask of `outputs`, those of the model's last forward: what
    a Sequential or functional model kept, else (a subclassed model) what they carry; None
    also for several outputs none of which has one."""
    mask = getattr(model, "_output_mask", None)
    if mask is None:
        mask = carried_mask(outputs)
    if isinstance(mask, (list, tuple)) and all(m is None for m in mask):
        return None
    return mask


def takes_mask(layer):
    """Whether layer's forward has a `mask` argument; a forward of **kwargs handing them on
    to `call` (a Keras Layer subclass's), whether its call has one, as Keras reads it."""
    kind = type(layer)
    known = _TAKES_MASK.get(kind)
    if known is None:
        known = _TAKES_MASK[kind] = "mask" in _arguments(layer)
    return known


def _arguments(layer):
    parameters = inspect.signature(layer.forward).parameters
    passes_on = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    call = getattr(layer, "call", None)
    if "mask" not in parameters and passes_on and callable(call):
        return inspect.signature(call).parameters
    return parameters


def makes_masks(layer):
    """Whether the layer may make a mask from no mask (Embedding with mask_zero, Masking):
    a model without one needs no masks at all."""
    return bool(getattr(layer, "makes_masks", False))


def _given(mask):
    if isinstance(mask, (list, tuple)):
        return any(m is not None for m in mask)
    return mask is not None


__all__ = ["call_with_mask", "call_passing_masks", "carry_mask", "carried_mask", "output_mask",
           "model_output_mask", "takes_mask", "makes_masks"]
