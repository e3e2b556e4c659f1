"""Keras' PReLU: a leaky ReLU whose negative slopes are learned, one per element of a sample
(Keras' weight `alpha`, the sample's shape), or shared along `shared_axes` (size 1 there:
shared_axes=[1, 2] gives an image one slope per channel, as PyTorch's PReLU)."""
import numpy as np

from autograd.ops import astype
from autograd.variable import as_variable, is_uninitialized

from ... import regularizers
from ...functional.activation import BroadcastPReLU
from ...initializers import checked, fill
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.lazy_build import follow_device, hold_placeholders, make_parameters
from ...module import Module
from ._base import KerasLayer


class PReLU(Module, KerasLayer):
    """y = x where x > 0, alpha x elsewhere; alpha (the sample's shape, 1 on shared_axes,
    counted with the batch axis as 0) is drawn by alpha_initializer (Keras' zeros: a ReLU
    at first) when the first input comes, alpha_regularizer adds its penalty to fit's loss
    and alpha_constraint projects it after each of fit's steps."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)
    alpha_constraint = WeightConstraint("alpha")

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, *, name=None, input_shape=None):
        super().__init__()
        who = "PReLU"
        self.alpha_initializer = checked(alpha_initializer, "alpha_initializer", who)
        self.alpha_regularizer = regularizers.get(alpha_regularizer, who)
        self.shared_axes = _axes(shared_axes, who)
        hold_placeholders(self, {"alpha": True}, np.float32)
        self.alpha_constraint = alpha_constraint
        self._keras_arguments(name, input_shape)

    @property
    def built(self):
        return not is_uninitialized(self.alpha)

    def build(self, sample_shape, like=None):
        """alpha for samples of `sample_shape` (the input's shape without the batch axis)."""
        make_parameters(self, {"alpha": self._alpha_shape(sample_shape)}, np.float32)
        fill(self.alpha, self.alpha_initializer)
        follow_device(self, like)

    def _alpha_shape(self, sample_shape):
        shape = list(sample_shape)
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise ValueError(f"{self.who}: shared_axes {self.shared_axes} do not fit an "
                                 f"input of shape (N, {', '.join(map(str, shape))}) (axis 0 "
                                 f"is the batch's)")
            shape[axis - 1] = 1
        return tuple(shape)

    def size_from_state(self, shapes):
        """The alpha shape that loading arrays of `shapes` implies (the layer is built with it,
        a shared axis's 1 standing for any size)."""
        return tuple(shapes["alpha"])

    def forward(self, x):
        x = as_variable(x, who=self.who)
        if x.ndim < 2:
            raise ValueError(f"{self.who}: expected a batch (N, ...), got shape {x.shape}")
        if not self.built:
            self.build(x.shape[1:], like=x.data)
        shape, shared = self.alpha.shape, self.shared_axes or ()
        if len(shape) != x.ndim - 1 or any(
                a != n and not (a == 1 and axis in shared)
                for axis, (a, n) in enumerate(zip(shape, x.shape[1:]), start=1)):
            raise ValueError(f"{self.who}: an input of shape {x.shape} does not fit alpha of "
                             f"shape {shape} (shared_axes {self.shared_axes})")
        if x.dtype != self.alpha.dtype:
            x = astype(x, self.alpha.dtype)
        return BroadcastPReLU()(x, self.alpha)

    def penalties(self):
        """The alpha_regularizer's penalty (Keras' layer.losses)."""
        return regularizers.penalties([(self.alpha_regularizer, self.alpha)])

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, **regularizers.configs(
            alpha_regularizer=self.alpha_regularizer), **constraint_configs(self))


def _axes(shared_axes, who):
    """Keras' shared_axes (an int or a list of ints, the batch axis 0) as a list, or None."""
    if shared_axes is None:
        return None
    axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) and a >= 1
               for a in axes):
        raise ValueError(f"{who}: shared_axes must be an int or a list of ints >= 1 (axis 0 "
                         f"is the batch's), got {shared_axes!r}")
    return [int(a) for a in axes]


__all__ = ["PReLU"]
