"""Keras' EinsumDense: a dense layer written as an einsum of the input and a kernel,
`einsum(equation, x, kernel) + bias`, for kernels of any rank ('abc,cde->abde' projects
each step's features to heads of a size, as MultiHeadAttention's projections).

The equation is 'I,W->O' (the batch is I's and O's first letter), '...I,W->...O' (the
ellipsis stands for the batch and any leading axes) or 'I...,W->O...' (for trailing axes).
`output_shape` gives O's sizes after the batch's (and without the ellipsis's); the kernel's
shape follows: a letter of W takes its size from O where O has it, else from I. `bias_axes`
(letters of O) gives the bias its sizes there and 1 on O's other axes after the first of
them, so that it broadcasts over the output.
"""
import copy
import re

import numpy as np

from autograd.ops import astype, einsum
from autograd.variable import as_variable, is_uninitialized

from ... import initializers, regularizers
from ...activity_regularizer import ActivityRegularized
from ...layers.activation import activation_config, resolve_activation
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.lazy_build import follow_device, hold_placeholders, make_parameters
from ...module import Module
from ._base import KerasLayer
from .conv import Penalty

_FORMS = re.compile(r"(?P<left>\.\.\.)?(?P<i>[a-zA-Z]+)(?P<right>\.\.\.)?,(?P<w>[a-zA-Z]+)->"
                    r"(?P<oleft>\.\.\.)?(?P<o>[a-zA-Z]+)(?P<oright>\.\.\.)?")


class EinsumDense(ActivityRegularized, Module, KerasLayer):
    """y = activation(einsum(equation, x, kernel) + bias) (see the module); kernel and bias
    (with bias_axes) are Keras' weights, in its order and shapes, made at the first call
    (kernel_initializer's fans counted over the kernel's input and output axes, as Keras
    counts them), with Keras' regularizers and constraints."""

    kernel_regularizer = Penalty()
    bias_regularizer = Penalty()
    kernel_constraint, bias_constraint = WeightConstraint("kernel"), WeightConstraint("bias")

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, *, name=None, input_shape=None,
                 activity_regularizer=None):
        super().__init__()
        who = "EinsumDense"
        self._set_activity_regularizer(activity_regularizer)
        if lora_rank is not None:
            raise NotImplementedError(f"{who}: lora_rank (LoRA) is not supported; leave it None")
        self.equation, self.bias_axes = equation, bias_axes
        self._specs = _parsed(equation, bias_axes, who)
        self.output_shape = _partial_shape(output_shape, who)
        self.activation_name, self.activation = resolve_activation(activation, who)
        self.kernel_initializer = initializers.checked(kernel_initializer,
                                                       "kernel_initializer", who)
        self.bias_initializer = initializers.checked(bias_initializer, "bias_initializer", who)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        hold_placeholders(self, {"kernel": True, "bias": bias_axes is not None}, np.float32)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self._keras_arguments(name, input_shape)
        self.lora_rank = None
        self._fitted_shape = None  # the input shape the weights last fitted (see _fit)

    @property
    def built(self):
        return not is_uninitialized(self.kernel)

    def build(self, input_shape, like=None):
        """The weights for inputs of `input_shape` (the batch's size first, any value), or of
        the shapes {'kernel': ..., 'bias': ...} loaded weights have."""
        shapes = input_shape if isinstance(input_shape, dict) else \
            self._layout(tuple(input_shape))
        make_parameters(self, shapes, np.float32)
        self._fitted_shape = None  # (new weights: the next input is checked against them)
        _, weight, output, _ = self._specs
        self.kernel.data[...] = einsum_kernel_draw(self.kernel_initializer, self.kernel.shape,
                                             [c not in output for c in weight])
        self.kernel.bump_version()
        if self.bias is not None:
            initializers.fill(self.bias, self.bias_initializer)
        follow_device(self, like)

    def size_from_state(self, shapes):
        return dict(shapes)

    def forward(self, x):
        x = as_variable(x, who=self.who)
        if tuple(x.shape) != self._fitted_shape:
            self._fit(x)
        if x.dtype != self.kernel.dtype:  # (integers, or float64 meeting float32 weights)
            x = astype(x, self.kernel.dtype)
        y = einsum(self.equation, x, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        return y if self.activation is None else self.activation(y)

    def _fit(self, x):
        """Build the weights for x's shape at the first call, else check that they fit it (a
        ValueError naming the shapes); the shape is remembered, so that the batches of a
        loop, which repeat it, skip the layout."""
        shapes = self._layout(tuple(x.shape))
        if not self.built:
            self.build(shapes, like=x.data)
        found = {"kernel": tuple(self.kernel.shape)}
        if self.bias is not None:
            found["bias"] = tuple(self.bias.shape)
        if found != shapes:
            raise ValueError(f"{self.who}: an input of shape {tuple(x.shape)} needs weights of "
                             f"shapes {shapes} ('{self.equation}'), the layer has {found}")
        self._fitted_shape = tuple(x.shape)

    def _layout(self, input_shape):
        """{'kernel': shape, 'bias': shape (with bias_axes)} for inputs of `input_shape`; a
        ValueError naming the layer where they do not fit."""
        return _layout(self._specs, self.bias_axes, input_shape, self.output_shape, self.who,
                       self.equation)

    def penalties(self):
        return regularizers.penalties([(self.kernel_regularizer, self.kernel),
                                       (self.bias_regularizer, self.bias)])

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, activation=activation_config(self.activation),
                           activity_regularizer=self.activity_config(),
                           **regularizers.configs(kernel_regularizer=self.kernel_regularizer,
                                                  bias_regularizer=self.bias_regularizer),
                           **constraint_configs(self))

    def extra_repr(self):
        return f"equation={self.equation!r}, output_shape={self.output_shape}"


def _parsed(equation, bias_axes, who):
    """(input letters, kernel letters, output letters, where the ellipsis is: 'left',
    'right' or None), the bias axes checked to be output letters."""
    found = _FORMS.fullmatch(equation) if isinstance(equation, str) else None
    ellipses = None if found is None else tuple(bool(found[k]) for k in
                                                ("left", "right", "oleft", "oright"))
    if found is None or ellipses not in ((False,) * 4, (True, False, True, False),
                                         (False, True, False, True)) or (
            ellipses[1] and len(found["i"]) < 2):
        raise ValueError(f"{who}: equation must be 'I,W->O', '...I,W->...O' or 'I...,W->O...' "
                         f"(I, W, O letters, I's and O's first the batch's unless '...' leads), "
                         f"got {equation!r}")
    where = "left" if ellipses[0] else "right" if ellipses[1] else None
    output = found["o"]
    if bias_axes is not None and (not isinstance(bias_axes, str) or not bias_axes
                                  or set(bias_axes) - set(output)):
        raise ValueError(f"{who}: bias_axes must be letters of the output {output!r}, got "
                         f"{bias_axes!r}")
    unmatched = set(output) - set(found["i"]) - set(found["w"])
    if unmatched or set(found["w"]) - set(found["i"]) - set(output):
        raise ValueError(f"{who}: in {equation!r} each output letter must be the input's or "
                         f"the kernel's, and each kernel letter the input's or the output's")
    return found["i"], found["w"], output, where


def _partial_shape(output_shape, who):
    sizes = tuple(output_shape) if isinstance(output_shape, (tuple, list)) else (output_shape,)
    if not all(s is None or (isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                             and s >= 1) for s in sizes):
        raise ValueError(f"{who}: output_shape must be an int or a tuple of ints (None where "
                         f"the input gives the size), got {output_shape!r}")
    return tuple(None if s is None else int(s) for s in sizes)


def _layout(specs, bias_axes, input_shape, partial, who, equation):
    """See EinsumDense._layout."""
    inputs, weight, output, where = specs
    elided = len(input_shape) - len(inputs)
    expected = len(output) - (where != "left")  # (the batch's letter has no size given)
    if elided < 0 or (where is None and elided) or (where == "left" and elided < 1):
        raise ValueError(f"{who}: an input of shape {input_shape} does not fit {equation!r}: "
                         + _rank_problem(len(inputs), where))
    if len(partial) != expected:
        raise ValueError(f"{who}: an input of shape {input_shape} and output_shape {partial} do "
                         f"not fit {equation!r} (output_shape has a size for each output "
                         f"letter after the batch's: {expected})")
    sizes = _letter_sizes(specs, input_shape, partial, elided, who, equation)
    shapes = {"kernel": tuple(sizes[c] for c in weight)}
    if bias_axes is not None:
        first = min(output.index(c) for c in bias_axes)
        shapes["bias"] = tuple(sizes[c] if c in bias_axes else 1 for c in output[first:]) \
            + (1,) * (elided if where == "right" else 0)
    return shapes


def _rank_problem(letters, where):
    """Why an input's rank does not fit `letters` input letters and the ellipsis `where`."""
    if where is None:
        return f"it needs exactly {letters} axes, one per input letter"
    if where == "left":
        return (f"its '...' (the batch and any axes before the letters) has no axis to "
                f"match: it needs at least {letters + 1} axes")
    return f"it needs at least {letters} axes, one per input letter"


def _letter_sizes(specs, input_shape, partial, elided, who, equation):
    """{letter: size} of the input's letters (from its shape) and the output's (output_shape
    where it gives one); a ValueError where the two disagree or a kernel size is unknown."""
    inputs, weight, output, where = specs
    if where == "left":  # the ellipsis: the batch and the axes before the letters
        given_in, given_out = input_shape[elided:], partial
    else:
        given_in, given_out = input_shape, (input_shape[0],) + partial
    sizes = dict(zip(inputs, given_in))
    for letter, size in zip(output, given_out):
        if size is None:
            continue
        if letter in inputs and size != sizes[letter]:
            raise ValueError(f"{who}: output_shape gives {letter!r} the size {size}, the input "
                             f"of shape {input_shape} {sizes[letter]} ({equation!r})")
        sizes[letter] = size
    if any(sizes.get(c) is None for c in weight):
        raise ValueError(f"{who}: output_shape {partial} leaves a kernel size of "
                         f"{equation!r} unknown")
    return {letter: None if n is None else int(n) for letter, n in sizes.items()}


def einsum_kernel_draw(initializer, shape, input_axes):
    """A draw of `initializer` for the kernel of `shape`; a VarianceScaling one (glorot,
    he, lecun) without axes of its own counts its fans as Keras does for an einsum kernel:
    over the kernel's input axes (`input_axes`: True for each letter not the output's) and
    over the others (Keras sets the initializer's input_axes and output_axes so)."""
    made = initializers.get(initializer)
    # (output_axes is None with input_axes: VarianceScaling takes both or neither)
    if isinstance(made, initializers.VarianceScaling) and made.input_axes is None:
        made = copy.copy(made)  # (the layer's own initializer keeps its config)
        made.input_axes = [i for i, is_in in enumerate(input_axes) if is_in]
        made.output_axes = [i for i, is_in in enumerate(input_axes) if not is_in]
    return initializers.draw(made, shape, np.float32)


__all__ = ["EinsumDense", "einsum_kernel_draw"]
