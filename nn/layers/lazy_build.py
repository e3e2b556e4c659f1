"""Shared steps of layers whose sizes come from their first input (PyTorch's Lazy* modules).

Until built, such a layer holds UninitializedParameters: an optimizer made from
`parameters()` before the first call holds these very objects, and building materializes
them in place, so the optimizer updates the real weights.
"""
import contextlib
import contextvars

import numpy as np

from autograd.backend import get_array_module
from autograd.call_hooks import shared_hooks_paused
from autograd.config import inference_pinned, no_grad, test_mode
from autograd.variable import Parameter, UninitializedParameter, is_uninitialized

from ..call_losses import hold_again, losses_held_in


def hold_placeholders(module, names, dtype):
    """Register an UninitializedParameter of `dtype` under each name (None where the name
    maps to False: an optional parameter the layer does not have)."""
    for name, present in names.items():
        module.register_parameter(name, UninitializedParameter(dtype) if present else None)


def make_parameters(module, shapes, dtype):
    """Give each named parameter its shape: a placeholder is materialized in place, anything
    else replaced by a new Parameter (values are drawn by the layer next)."""
    for name, shape in shapes.items():
        param = getattr(module, name, None)
        if is_uninitialized(param):
            param.materialize(shape)
        else:
            setattr(module, name, Parameter(np.empty(shape, dtype)))


def check_fit(module, shapes, expected):
    """Raise a ValueError naming the first of `shapes` (name -> shape, arrays to load into
    the unbuilt `module`) that differs from the layer's `expected` shapes."""
    for name, shape in shapes.items():
        if name in expected and tuple(shape) != expected[name]:
            raise ValueError(f"{type(module).__name__}: {name!r} of shape {tuple(shape)} "
                             f"does not fit (expected {expected[name]})")


def follow_device(module, like):
    """Move a just-built layer to the GPU when its first input `like` (an array) is there."""
    if like is not None and get_array_module(like) is not np:
        module.to_gpu()


def finish_build(module, like):
    """The end of a layer's build: on the GPU when its first input `like` is there, and a
    Lazy* layer becomes the class it stands for (PyTorch's cls_to_become: LazyLinear ->
    Linear), as its repr, isinstance and its saved config then say. Only a class that names
    its own cls_to_become changes: a user's subclass of a Lazy* layer keeps its methods."""
    follow_device(module, like)
    concrete = type(module).__dict__.get("cls_to_become")
    if concrete is not None:
        module.__class__ = concrete


class SizedByChannels:
    """Mixin of the layers sized by their input channels (convolutions): `in_channels` is
    None until built; `build` makes the parameters `_shapes(in_channels)` names and draws
    them with `reset_parameters`; `unbuild` makes the weight (named `weight_name`) and the
    bias (when `use_bias`) placeholders again."""

    weight_name = "weight"
    extra_weights = ()  # more weights the build makes, between the weight and the bias

    @property
    def built(self):
        return self.in_channels is not None

    def unbuild(self):
        """Forget in_channels: weight and bias become placeholders, sized at the next call
        (an optimizer made before then updates the parameters made then)."""
        self.in_channels = None
        hold_placeholders(self, {self.weight_name: True, **dict.fromkeys(self.extra_weights, True),
                                 "bias": self.use_bias}, self.dtype)

    def build(self, in_channels, like=None):
        """Make the parameters for `in_channels` (materializing placeholders in place) and
        draw their values; on the GPU when `like` (an input array) is there."""
        make_parameters(self, self._shapes(in_channels), self.dtype)
        self.in_channels = in_channels
        self.reset_parameters()
        finish_build(self, like)


def channels_of(x, who, layout):
    """The size of axis 1 of the first input, which a lazy layer takes as its input size."""
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) < 2:
        raise ValueError(f"{who}: cannot infer the input channels from an input of shape "
                         f"{shape} (expected {layout})")
    return int(shape[1])


_SHAPE_TRIAL = contextvars.ContextVar("rungrad_shape_trial", default=False)


@contextlib.contextmanager
def shape_trial():
    """A call on zeros that only sizes lazy layers and finds output shapes (a Sequential's
    trial call, a functional model's symbolic one): no graph, inference behaviour, and the
    state a layer keeps between calls (a stateful RNN's) neither read nor written."""
    token = _SHAPE_TRIAL.set(True)
    try:  # (zeros may divide by zero, as a fully masked pooling: their values are not read)
        with no_grad(), test_mode(), inference_pinned(), np.errstate(all="ignore"):
            yield
    finally:
        _SHAPE_TRIAL.reset(token)


@contextlib.contextmanager
def trial_of(model):
    """shape_trial for calls of `model`, which leave it as they found it: its modules' hooks
    do not fire (a trial is no call of the user's), its buffers keep their arrays and
    values (a layer of one's own updating a buffer in forward, even in eval mode), and its
    layers the losses their last call added (add_loss); the buffers lazy layers make as
    they are sized stay."""
    modules = list(model.modules())
    losses = losses_held_in(model)
    hooks = [m.__dict__.get("_call_hooks") for m in modules]
    buffers = [(m, name, array, array.copy()) for m in modules
               for name, array in m._buffers.items() if array is not None]
    for m in modules:
        if "_call_hooks" in m.__dict__:
            object.__setattr__(m, "_call_hooks", None)
    try:
        with shape_trial(), shared_hooks_paused():  # (the global hooks: nn.global_hooks)
            yield
    finally:
        for m, held in zip(modules, hooks):
            if held is not None:
                object.__setattr__(m, "_call_hooks", held)
        for m, name, array, values in buffers:
            now = m._buffers.get(name)
            if now is array or (now is not None and now.shape == array.shape
                                and now.dtype == array.dtype):  # (not resized by a build)
                array[...] = values
                m._buffers[name] = array
        hold_again(model, losses)


def in_shape_trial():
    """Whether the current call is a shape_trial's."""
    return _SHAPE_TRIAL.get()


__all__ = ["hold_placeholders", "make_parameters", "follow_device", "finish_build", "channels_of",
           "SizedByChannels", "shape_trial", "trial_of", "in_shape_trial"]
