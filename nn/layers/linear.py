"""Fully connected layers: PyTorch's Linear and LazyLinear, and Keras' Dense."""
import math

import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.backend import array_of
from autograd.capture import python_state_changed
from autograd.lazy import DeZeroName, refuse_book_keywords
from autograd.ops import transpose

from .. import init, initializers, regularizers
from ..activity_regularizer import ActivityRegularized
from ..functional.linear import linear
from ..keras_weight_names import state_weight_name
from ..module import Module
from .activation import activation_config, resolve_activation
from .config import init_config
from .constrained import WeightConstraint, constraint_configs
from .keras_name import KerasNamed, size_from_input_shape
from .lazy_build import check_fit, finish_build, hold_placeholders, make_parameters


class Linear(Module):
    """y = x W^T + b: x (..., in_features) -> y (..., out_features); W is (out, in).

    `Linear(in_features, out_features)`; with in_features None the weights are made at the
    first call, from the input's last axis. `Linear(out_features)`, one size alone, makes a
    LazyLinear (PyTorch's name for that layer). Until then weight and bias are
    UninitializedParameters: an optimizer made from `parameters()` before the first call
    updates them once they are made, and `load_state_dict`/`load_weights` sizes them from the
    loaded arrays (PyTorch's lazy modules). PyTorch's initialisation: W ~
    kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)), and b ~ U(-1/sqrt(in),
    1/sqrt(in)); float32 by default.
    """

    W = DeZeroName("layer.weight, (out, in): the book's (in, out) transposed")
    b = DeZeroName("layer.bias")

    def __new__(cls, *args, **kwargs):
        if cls is Linear and len(args) == 1 and "out_features" not in kwargs:
            cls = LazyLinear  # Linear(out_features): Keras' habit of giving the output size only
        return super().__new__(cls)

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=np.float32,
                 **book):
        if book:
            refuse_book_keywords(book, type(self).__name__, _BOOK_KEYWORDS)
        super().__init__()
        who = type(self).__name__
        self.out_features = positive_int(out_features, "out_features", who)
        self.in_features = None if in_features is None else positive_int(
            in_features, "in_features", who)
        self.use_bias = bool(bias)
        self.dtype = float_dtype(dtype, who)
        if self.in_features is None:
            self.unbuild()
        else:
            self.register_parameter("weight", None)  # fixes the order: weight, then bias
            self.register_parameter("bias", None)
            self.build(self.in_features)
        self.to(device=device)

    @property
    def built(self):
        return self.in_features is not None

    def unbuild(self):
        """Forget the input size: weight and bias become UninitializedParameters, sized at
        the next call (Sequential uses this for a Keras input_shape it must ignore)."""
        self.in_features = None
        hold_placeholders(self, {"weight": True, "bias": self.use_bias}, self.dtype)

    def build(self, in_features, like=None):
        """Make weight (out, in_features) and bias (materializing the placeholders in place)
        and draw their values; on the GPU when `like` (an input array) is there."""
        self.in_features = in_features
        make_parameters(self, self._shapes(in_features), self.dtype)
        self.reset_parameters()
        finish_build(self, like)

    def _shapes(self, in_features):
        shapes = {"weight": (self.out_features, in_features)}
        if self.use_bias:
            shapes["bias"] = (self.out_features,)
        return shapes

    def size_from_state(self, shapes):
        """The `build` argument (in_features) that loading arrays of `shapes` ({"weight":
        shape, ...}) into this unbuilt layer implies; a ValueError if they do not fit it."""
        weight = shapes.get("weight")
        if weight is None or len(weight) != 2 or weight[0] != self.out_features or weight[1] < 1:
            raise ValueError(f"{type(self).__name__}: a weight of shape {weight} does not fit "
                             f"out_features={self.out_features} (expected (out, in) = "
                             f"({self.out_features}, in_features))")
        expected = self._shapes(int(weight[1]))
        check_fit(self, shapes, expected)
        return int(weight[1])

    def reset_parameters(self):
        """Draw fresh weights (PyTorch's scheme); nothing before a lazy layer is built (PyTorch's
        lazy layers: the first call draws them)."""
        if not self.built:
            return
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if self.in_features is None:  # not built yet (a plain read: this is the hot path)
            self.build(_last_axis(x, type(self).__name__), like=array_of(x))
        return linear(x, self.weight, self.bias)

    def extra_repr(self):
        in_features = 0 if self.in_features is None else self.in_features  # unbuilt: torch's 0
        return f"in_features={in_features}, out_features={self.out_features}, bias={self.use_bias}"

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.use_bias, dtype=self.dtype.name)


class LazyLinear(Linear):
    """PyTorch's LazyLinear: a Linear whose in_features come from the first input (it is a
    Linear from then on)."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=np.float32, **book):
        super().__init__(None, out_features, bias, device, dtype, **book)


# DeZero's L.Linear keywords, named in the TypeError for them
_BOOK_KEYWORDS = {"nobias": "bias= (nobias=True is bias=False)",
                  "in_size": "in_features, given first (nn.Linear(in_size, out_size), "
                             "PyTorch's order; nn.Linear(out_size) alone sizes it at the first "
                             "call)"}


class Dense(ActivityRegularized, Linear, KerasNamed):
    """Keras' fully connected layer: activation(x W^T + b), with `units` outputs.

    activation: None/'linear', a name ('relu', 'sigmoid', 'tanh', 'softmax', ...) or a
    callable. With `input_shape` (e.g. (784,)) the weights are made at once, else at the
    first call; Keras 2's `input_dim=n` is `input_shape=(n,)`; `name` names the layer in
    its Sequential (nn/layers/keras_name.py). Keras' initialisation: W
    glorot-uniform, b zeros, or `kernel_initializer=` / `bias_initializer=` (a name such as
    'he_normal', or an nn.initializers object). `kernel_constraint=` / `bias_constraint=`
    (nn.constraints, e.g. MaxNorm(3)) project them after each of fit's steps.
    `activity_regularizer=` puts each call's penalty of the outputs, per sample, among the
    model's losses (nn.activity_regularizer). `.weight` is (out, in), as Linear's, so
    state_dict names are `weight` and `bias`.
    """

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def build(self, in_features, like=None):
        """Linear's build; Keras' input_shape ((None, 8)) gives its last size."""
        super().build(size_from_input_shape(in_features, -1, "Dense"), like)

    def __init__(self, units, activation=None, input_shape=None, use_bias=True,
                 dtype=np.float32, *, input_dim=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, name=None,
                 activity_regularizer=None):
        input_shape = _shape_with_dim(input_shape, input_dim)
        in_features = None if input_shape is None else _last_of_shape(input_shape)
        chosen = (initializers.checked(kernel_initializer, "kernel_initializer", "Dense"),
                  initializers.checked(bias_initializer, "bias_initializer", "Dense"))
        super().__init__(in_features, units, use_bias, dtype=dtype)  # (drawn with the defaults)
        self.kernel_initializer, self.bias_initializer = chosen
        if in_features is not None and chosen != ("glorot_uniform", "zeros"):
            self.reset_parameters()
        self.declared_input_shape = input_shape  # Keras reads it on a model's first layer only
        self._set_name(name)
        self.activation_name, self.activation = resolve_activation(activation, "Dense")
        self._set_regularizers(regularizers.get(kernel_regularizer),
                               regularizers.get(bias_regularizer))
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self._set_activity_regularizer(activity_regularizer)

    @property
    def kernel_regularizer(self):
        return self._regularizers[0]

    @kernel_regularizer.setter
    def kernel_regularizer(self, value):  # checked, and seen by fit, however it is set
        self._set_regularizers(regularizers.get(value), self._regularizers[1])

    @property
    def bias_regularizer(self):
        return self._regularizers[1]

    @bias_regularizer.setter
    def bias_regularizer(self, value):
        self._set_regularizers(self._regularizers[0], regularizers.get(value))

    def _set_regularizers(self, kernel, bias):
        if hasattr(self, "_regularizers"):  # a captured step recorded the loss without them
            python_state_changed()
        self._regularizers = (kernel, bias)

    # constraints (nn.constraints), applied after each step; the kernel's sees Keras' (in, out)
    kernel_constraint, bias_constraint = WeightConstraint("weight"), WeightConstraint("bias")
    _keras_transposed = ("weight",)  # Keras' kernel is (in, out): get_weights gives it so
    keras_weight_names = {"weight": "kernel"}  # (w.name, w.path: nn/keras_weight_names.py)
    # the defaults, which Linear's constructor draws with before the instance holds its own
    kernel_initializer, bias_initializer = "glorot_uniform", "zeros"

    def penalties(self):
        """The regularizers' penalties of the weight and bias (Keras' layer.losses), as
        Variables; fit and evaluate add them to the loss (nn.regularizers)."""
        return regularizers.penalties(((self.kernel_regularizer, self.weight, True),
                                       (self.bias_regularizer, self.bias)))

    @property
    def units(self):
        return self.out_features

    @property
    def kernel(self):
        """Keras' kernel (in, out): the weight transposed, as an op on it, so its values
        are the weight's and a loss written with it sends its gradient to the weight. To
        set it, set_weights takes Keras' (kernel, bias)."""
        if self.in_features is None:
            raise AttributeError(f"{self.who}: the kernel is made at the first call (or with "
                                 "input_shape=): the layer is not built yet")
        kernel = transpose(self.weight)
        kernel.name = state_weight_name(self, "weight")  # Keras' 'kernel', with its path
        return kernel

    def reset_parameters(self):
        """kernel_initializer and bias_initializer (nn.initializers), drawn in Keras' kernel
        layout (in, out); the defaults' draws are nn.init's, as before they were options.
        Nothing before the layer is built (its first call draws them)."""
        if not self.built:
            return
        if self.kernel_initializer == "glorot_uniform":
            init.xavier_uniform_(self.weight)
        else:
            initializers.fill(self.weight, self.kernel_initializer, transposed=True)
        if self.bias is not None:
            initializers.fill(self.bias, self.bias_initializer)

    def forward(self, x):
        self._check_features(x)
        y = super().forward(x)
        return y if self.activation is None else self.activation(y)

    def _check_features(self, x):
        """An input whose last axis is not the built layer's input size, named in Keras'
        terms (linear's own error would give PyTorch's (out, in) weight layout)."""
        shape = getattr(x, "shape", None)
        if self.in_features is None or not shape or shape[-1] == self.in_features:
            return
        raise ValueError(f"{self.who}: the input of shape {tuple(shape)} has {shape[-1]} "
                         f"features on its last axis, the layer was built for "
                         f"{self.in_features} (expected an input of shape (..., "
                         f"{self.in_features}); its kernel is ({self.in_features}, "
                         f"{self.units}))")

    def extra_repr(self):
        return (f"units={self.out_features}, activation={self.activation_name}, "
                f"in_features={self.in_features}, use_bias={self.use_bias}")

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save. An input_shape
        that Sequential ignored (a later layer's, not matching) is left out: the layer is
        sized from the saved weights instead."""
        declared = self.declared_input_shape
        kept = declared is not None and self.in_features == _last_of_shape(declared)
        activation = activation_config(self.activation)
        regularizer = regularizers.configs(kernel_regularizer=self.kernel_regularizer,
                                           bias_regularizer=self.bias_regularizer)
        return init_config(self, activation=activation, input_shape=declared if kept else None,
                           use_bias=self.use_bias, dtype=self.dtype.name, input_dim=None,
                           activity_regularizer=self.activity_config(),
                           **regularizer, **constraint_configs(self))


def dense_logits(layer, *args):
    """A Dense layer's output before its activation (what the fused cross-entropies take),
    its activity regularizer's penalty recorded still, Keras' of the activated output (a
    model's final softmax with activity_regularizer= keeps its penalty in the loss)."""
    logits = Linear.forward(layer, *args)
    if layer.activity_regularizer is not None:
        layer.add_activity_penalties(layer.activation(logits))
    return logits


def _last_axis(x, who):
    shape = getattr(x, "shape", None)
    if not shape:
        raise ValueError(f"{who}: cannot infer in_features from an input of shape {shape} "
                         "(expected (..., in_features))")
    return int(shape[-1])


def _shape_with_dim(input_shape, input_dim):
    """Keras' input_shape from input_shape and/or input_dim (Keras 2's name for (n,))."""
    if input_dim is None:
        return input_shape
    if not isinstance(input_dim, (int, np.integer)) or isinstance(input_dim, bool) \
            or input_dim < 1:
        raise ValueError(f"Dense: input_dim must be a positive int (the number of input "
                         f"features), got {input_dim!r}")
    if input_shape is not None and _last_of_shape(input_shape) != input_dim:
        raise ValueError(f"Dense: input_dim={input_dim} disagrees with input_shape="
                         f"{input_shape!r}; give one of them")
    return (int(input_dim),) if input_shape is None else input_shape


def _last_of_shape(input_shape):
    """in_features from Keras' input_shape: an int or a shape tuple without the batch axis."""
    if isinstance(input_shape, (int, np.integer)):
        return int(input_shape)
    if not isinstance(input_shape, (tuple, list)) or not input_shape:
        raise ValueError(f"Dense: input_shape must be a non-empty tuple such as (784,), got "
                         f"{input_shape!r}")
    return input_shape[-1]


__all__ = ["Linear", "LazyLinear", "Dense", "dense_logits"]
