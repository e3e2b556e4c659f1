"""Keras' build of a model: a subclass's own build(input_shape), run once (at the first call,
or by the user), and for a model without one a trial call on zeros of that shape (Keras 2's
`model.build((None, 784))` before `summary()`, which Keras 3 only marks built)."""
import functools

import numpy as np

from ..layers.input_layer import example_batch
from ..layers.lazy_build import trial_of


def noting_built(build):
    """A subclassed model's build(input_shape), which notes, once it has run (whoever calls
    it: the first call, or the user), that it did and the shape it was given (model.save
    keeps it, so that load_model builds the model again before its weights are read)."""
    @functools.wraps(build)
    def noted(self, input_shape=None, *args, **kwargs):
        result = build(self, input_shape, *args, **kwargs)
        self._register_made()  # (the weights its add_weight made: Keras' order, trained)
        object.__setattr__(self, "_build_input_shape", input_shape)  # (past __setattr__)
        object.__setattr__(self, "_built_by_build", True)
        return result
    noted.notes_built = True
    return noted


def building_first(forward):
    """forward, after build(input_shape) at the first call where build has not run (Keras'
    input_shape: the first input's shape, None for the batch axis)."""
    @functools.wraps(forward)
    def built_then_forward(self, *args, **kwargs):
        if not self.__dict__.get("_built_by_build"):
            from ..keras.layers.layer import input_shape_of
            first = args[0] if args else next(
                (value for value in kwargs.values() if hasattr(value, "shape")
                 or isinstance(value, (list, tuple, dict))), None)
            self.build(input_shape_of(first))
        return forward(self, *args, **kwargs)
    built_then_forward.builds_first = True
    return built_then_forward


def build_by_trial_call(model, input_shape):
    """Size the lazy layers of `model` (one without a build of its own) by calling it once on
    zeros of `input_shape`: a batch's shape, the batch axis first (None sizes tried as 1), or
    a list or dict of them for a model taking a list or dict. Nothing else changes (a shape
    trial: no graph, inference behaviour even where a call asks for training=True, buffers,
    hooks and the layers' losses left alone)."""
    who = f"{type(model).__name__}.build"
    dtype = np.dtype(np.float32)
    try:  # one sample first (a batch of 64 images costs seconds), the batch given if needed
        _trial_call(model, example_inputs(input_shape, dtype, who, one_sample=True))
    except (ValueError, TypeError, IndexError) as error:
        try:
            _trial_call(model, example_inputs(input_shape, dtype, who, one_sample=False))
        except (ValueError, TypeError, IndexError):
            raise ValueError(f"{who}: calling the model on zeros of shape {input_shape!r} "
                             f"(the batch axis first; None sizes 1) failed: {error}. Give "
                             f"the shape of the batch its call takes, or call the model on "
                             f"a batch of data") from error
    object.__setattr__(model, "_build_input_shape", input_shape)  # (load_model builds again)


def _trial_call(model, inputs):
    with trial_of(model):
        model(inputs)


def example_inputs(input_shape, dtype, who, one_sample=False):
    """Zeros shaped as `input_shape`, None sizes 1 (and with `one_sample` the batch axis
    too, where there are others): one array for a shape (a tuple), a list for a list of
    shapes, a dict for a dict of them."""
    if isinstance(input_shape, dict):
        return {key: example_inputs(shape, dtype, who, one_sample)
                for key, shape in input_shape.items()}
    if isinstance(input_shape, list) and input_shape and all(
            isinstance(shape, (list, tuple, dict)) for shape in input_shape):
        return [example_inputs(shape, dtype, who, one_sample) for shape in input_shape]
    shape = batch_shape(input_shape, who)
    if one_sample and len(shape) > 1:
        shape = (1,) + shape[1:]
    return example_batch(shape, dtype)


def batch_shape(input_shape, who):
    """input_shape as a tuple, refused unless it is the shape of a batch: the batch axis
    first, every size a positive integer or None."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 1 or not all(
            n is None or (isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1)
            for n in input_shape):
        raise ValueError(f"{who}: input_shape is the shape of a batch, the batch axis first, "
                         f"such as (None, 784); got {input_shape!r}")
    return tuple(None if n is None else int(n) for n in input_shape)


def model_is_built(model):
    """Keras' `built` of a model: its own build has run, or (without one) every layer has
    its parameters (a lazy one makes them at the first call, or at model.build(shape))."""
    if getattr(type(model).build, "notes_built", False):
        return bool(model.__dict__.get("_built_by_build"))
    return all(getattr(module, "built", True) for module in model.modules() if module is not model)
