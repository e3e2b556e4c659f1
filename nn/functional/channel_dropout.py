"""Channel-wise dropout (PyTorch's dropout1d, dropout2d, dropout3d: one draw per sample and
channel, for all its positions) and alpha dropout (which keeps SELU's mean and variance). The
masks come from NumPy's global generator, as dropout's."""
import math

from autograd.spec import Choice, Spec
from autograd.user_warnings import user_warning
from autograd.variable import as_variable

from .activation import _SELU_ALPHA, _SELU_SCALE
from .dropout import Dropout, _drawn_from_seed, _dropped, dropout_mask


class FeatureDropout(Dropout):
    """y = x * m, one m for each index of the first `axes` axes (all the positions after
    them share it): 1/(1-p) where kept, 0 where dropped"""

    input_specs = (Spec(shape=("N", "C", "L")),)
    arg_specs = {"p": Choice(0.25, 0.5), "axes": Choice(1, 2)}
    apply = staticmethod(lambda x, p, axes: _drawn_from_seed(
        0, lambda: FeatureDropout(p, axes)(x)))
    reference = None  # (Dropout's draws one value per element; tests check the masks)

    def __init__(self, p, axes):
        super().__init__(p)
        self.axes = axes

    def forward(self, x):
        self.mask = dropout_mask(_first_of_each(x, self.axes), self.p)  # (it broadcasts)
        return x * self.mask


def _first_of_each(x, axes):
    """x's first entry along each axis after the first `axes` ones, keeping every axis: what
    a feature dropout draws its mask on (one draw for all those positions)."""
    return x[(slice(None),) * axes + (slice(0, 1),) * (x.ndim - axes)]


class ChannelsLastDropout(Dropout):
    """y = x * m, one m for each sample and channel (the first and the last axis), shared by
    the positions between (Keras' SpatialDropout): 1/(1-p) where kept, 0 where dropped"""

    input_specs = (Spec(shape=("N", "L", "C")),)
    arg_specs = {"p": Choice(0.25, 0.5)}
    apply = staticmethod(lambda x, p: _drawn_from_seed(0, lambda: ChannelsLastDropout(p)(x)))
    reference = None  # (Dropout's draws one value per element; tests check the masks)

    def forward(self, x):
        corner = x[(slice(None),) + (slice(0, 1),) * (x.ndim - 2) + (slice(None),)]
        self.mask = dropout_mask(corner, self.p)  # (N, 1, ..., 1, C): it broadcasts
        return x * self.mask


def spatial_dropout(x, p=0.5, training=None):
    """Keras' SpatialDropout on channels-last x (N, ..., C): each sample's whole channels
    zeroed with probability p, the others scaled by 1/(1-p) (`training` as dropout's)."""
    x = as_variable(x, who="spatial_dropout")
    if x.ndim < 3:
        raise ValueError(f"spatial_dropout: expected (batch, ..., channels), at least 3-D, "
                         f"got shape {tuple(x.shape)}")
    return _dropped(x, p, training, "spatial_dropout", ChannelsLastDropout)


_ALPHA = _SELU_ALPHA * _SELU_SCALE  # -alpha' = SELU's limit at -inf, where dropped ones go


class AlphaDropout(Dropout):
    """y = a (k x + alpha' (k - 1 + p)), k 1 where kept and 0 where dropped (SELU's limit
    alpha' = -1.7581... then), a = ((alpha'^2 p + 1)(1 - p))^-1/2: mean 0 and variance 1 stay
    so;  dy/dx = a k"""

    apply = staticmethod(lambda x, p: _drawn_from_seed(0, lambda: AlphaDropout(p)(x)))
    reference = None  # (Dropout's is plain dropout; tests check the values)

    def forward(self, x):
        return self._dropped(x, dropout_mask(x, self.p, self.generator, self.noise_shape))

    def _dropped(self, x, keep):
        """The map with `keep` (dropout_mask's: 1/(1-p) where kept, 0 where dropped; it may
        broadcast against x)."""
        scale = 1 / math.sqrt((_ALPHA * _ALPHA * self.p + 1) * (1 - self.p))
        keep *= 1 - self.p
        self.mask = keep * scale
        keep += self.p - 1
        keep *= _ALPHA * scale
        return x * self.mask + keep


class FeatureAlphaDropout(FeatureDropout, AlphaDropout):
    """AlphaDropout's map with one k for each index of the first `axes` axes (all the
    positions after them share it), as FeatureDropout draws"""

    apply = staticmethod(lambda x, p, axes: _drawn_from_seed(
        0, lambda: FeatureAlphaDropout(p, axes)(x)))
    reference = None  # (as AlphaDropout's; tests check the values)

    def forward(self, x):
        return self._dropped(x, dropout_mask(_first_of_each(x, self.axes), self.p))


def dropout1d(input, p=0.5, training=None, inplace=False):  # noqa: A002 (PyTorch's names)
    """Zero whole channels of x (N, C, L) or (C, L) with probability p (each sample's own
    draw), scaling the others by 1/(1-p). `training` as in nn.functional.dropout; `inplace`
    changes nothing (a new Variable comes back)."""
    x = as_variable(input, who="dropout1d")
    if x.ndim not in (2, 3):
        raise ValueError(f"dropout1d: expected a 2-D or 3-D input, (C, L) or (N, C, L), got "
                         f"shape {tuple(x.shape)}")
    return _dropped(x, p, training, "dropout1d", _by_channel(x, x.ndim - 1, "dropout1d"))


def dropout2d(input, p=0.5, training=None, inplace=False):  # noqa: A002 (PyTorch's names)
    """Zero whole channels of x (N, C, H, W) with probability p, scaling the others by
    1/(1-p). A 3-D input is taken as (N, C, L) and other ranks are deprecated, with
    PyTorch's warnings; one under 2-D is refused when dropping."""
    x = as_variable(input, who="dropout2d")
    if x.ndim not in (3, 4):
        _warn_rank("dropout2d", x.ndim, "2 spatial dimensions", "3D or 4D")
    if x.ndim == 3:
        user_warning("dropout2d: Received a 3D input to dropout2d and assuming that channel-"
                     "wise 1D dropout behavior is desired - input is interpreted as shape "
                     "(N, C, L), where C is the channel dim. This behavior will change in a "
                     "future release to interpret the input as one without a batch "
                     "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                     "behavior, please switch to using dropout1d instead.")
    return _dropped(x, p, training, "dropout2d", _by_channel(x, 2, "dropout2d"))


def dropout3d(input, p=0.5, training=None, inplace=False):  # noqa: A002 (PyTorch's names)
    """Zero whole channels of x (N, C, D, H, W) or (C, D, H, W) with probability p, scaling
    the others by 1/(1-p). Other ranks are deprecated, with PyTorch's warning (and taken as
    unbatched)."""
    x = as_variable(input, who="dropout3d")
    if x.ndim not in (4, 5):
        _warn_rank("dropout3d", x.ndim, "3 spatial dimensions", "4D or 5D")
    return _dropped(x, p, training, "dropout3d",
                    _by_channel(x, 2 if x.ndim == 5 else 1, "dropout3d"))


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002 (PyTorch's names)
    """Alpha dropout for SELU networks: dropped elements are set to SELU's negative limit and
    all are then moved by one affine map, so a mean of 0 and a variance of 1 stay so.
    `training` is False by default, as in PyTorch (True drops; None follows this thread's
    mode). p = 1 gives zeros, as PyTorch."""
    return _dropped(input, p, training, "alpha_dropout",
                    lambda p: _zeroed if p == 1 else AlphaDropout(p))


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Alpha dropout of whole channels: x (N, C, *), each sample's channel dropped with
    probability p as one (all its positions set to SELU's negative limit), then all moved by
    alpha dropout's affine map. `training` as in alpha_dropout; an input under 2-D is
    refused when dropping, as by PyTorch."""
    x = as_variable(input, who="feature_alpha_dropout")
    return _dropped(x, p, training, "feature_alpha_dropout",
                    _by_channel(x, 2, "feature_alpha_dropout", FeatureAlphaDropout))


def _zeroed(x):
    return x * 0.0


def _by_channel(x, axes, who, kind=FeatureDropout):
    """An op maker for _dropped: `kind` (FeatureDropout or FeatureAlphaDropout) over x's
    first `axes` axes (1: an unbatched input, which PyTorch unsqueezes first), zeros for
    p = 1. Below 2 axes (after that unsqueeze) an input is refused, as by PyTorch's feature
    dropout."""
    def make(p):
        if p == 1:
            return _zeroed
        if x.ndim + (axes == 1) < 2:
            raise ValueError(f"{who}: feature dropout requires at least 2 dimensions in the "
                             f"input (a batch axis added to an unbatched one), got shape "
                             f"{tuple(x.shape)}")
        return kind(p, axes)
    return make


def _warn_rank(who, ndim, spatial, expected):
    user_warning(f"{who}: Received a {ndim}-D input to {who}, which is deprecated and will "
                 f"result in an error in a future release. To retain the behavior and silence "
                 f"this warning, please use dropout instead. Note that {who} exists to provide "
                 f"channel-wise dropout on inputs with {spatial}, a channel dimension, and an "
                 f"optional batch dimension (i.e. {expected} inputs).")


__all__ = ["dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
