"""Keras' losses (`keras.losses`): loss objects and functions taking Keras' (y_true, y_pred).

    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    loss = keras.losses.MeanSquaredError()(y_true, y_pred)          # in a loop of your own

Called directly, a loss object gives Keras' value: each sample's loss (`call`, reduced over
the last axis), weighted by `sample_weight` and averaged over the batch ('sum_over_batch_size';
'sum' and 'none' too). Given to compile, it becomes the loss of the same name there (the fused
cross-entropies included): `from_logits=False` takes a final sigmoid or softmax of the model
into the loss, as compile's names do, and `from_logits=True` the outputs as logits as they
are. A subclass of `Loss` writing its own `call(y_true, y_pred)`, and a plain function
`def my_loss(y_true, y_pred)` (recognized by those names: Keras' order), work as in Keras.

One deliberate difference: a 1-D pair (y_true and y_pred both (N,)) is N samples of one
value each, as fit reads a model's (N,) outputs, so that `sample_weight` (N,) weighs each
sample. Keras averages such a pair into a single loss and scales that whole loss by each
weight in turn (MeanSquaredError()([0, 1, 2, 3], [0, 0, 0, 6], sample_weight=[1, 0, 0, 0])
is 0.875 there, 0 here); without weights the two agree. Keras' metric functions
(nn.keras.metrics) keep Keras' reading: there a 1-D pair is one sample.
"""
import functools
import numbers

import numpy as np

from autograd.ops import astype, broadcast_to, clip, log, maximum
from autograd.variable import as_variable

from .. import functional as F
from ..layers.keras_name import snake_case
from ..training.losses import (
    CompiledLoss,
    categorical_cross_entropy,
    keras_named_loss,
    one_hot_target,
    sparse_categorical_cross_entropy,
)
from ..training.masking import carried_mask
from ..training.same_rank import same_rank as _same_rank
from .ctc_losses import ctc
from .focal_losses import (  # (EPSILON: operations_nn and the metrics import it from here)
    EPSILON,  # noqa: F401
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    clip_range,
)
from .metric_learning_losses import circle
from .noise_robust_losses import categorical_generalized_cross_entropy, noise_parameter
from .overlap_losses import dice, tversky
from .serialization import module_functions

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight")


class Loss:
    """Keras' base loss: subclasses write `call(y_true, y_pred)`, the losses of the samples
    ((N,) or (N, ...)); calling the object reduces them (see the module doc)."""

    compile_name = None  # the compile name standing for this loss (None: call() is used)

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction is None:  # (Keras 3 takes None for "none")
            reduction = "none"
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"{', '.join(_REDUCTIONS)} or None, got {reduction!r}")
        self.name = name or snake_case(type(self).__name__)
        self.reduction, self.dtype = reduction, dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__}: a Loss subclass writes "
                                  "call(y_true, y_pred), returning each sample's loss")

    def __call__(self, y_true, y_pred, sample_weight=None):
        given_mask = carried_mask(y_pred)  # (the outputs of masked layers carry theirs)
        if self.dtype is not None:  # (Keras': computed in the loss's dtype; labels stay)
            y_pred = astype(as_variable(y_pred), self.dtype)
            if getattr(y_true, "dtype", None) is not None and np.dtype(y_true.dtype).kind == "f":
                y_true = astype(as_variable(y_true), self.dtype)
        losses = as_variable(self.call(y_true, y_pred))
        weights = _with_mask(sample_weight, _both(given_mask, carried_mask(losses)), losses,
                             self.reduction)
        if weights is not None:
            losses, weights = same_rank(losses, weights)
            if losses.ndim == 0:  # (the batch's one loss, Dice's of axis=None: Keras weighs
                losses = broadcast_to(losses, weights.shape)  # it by each weight)
            if weights.ndim > losses.ndim:
                raise ValueError(f"{type(self).__name__}: sample_weight of shape "
                                 f"{tuple(weights.shape)} has more axes than the losses, of "
                                 f"shape {tuple(losses.shape)}")
            # (a weight of fewer axes weighs the leading ones: a sample's every step)
            losses = losses * weights.reshape(weights.shape + (1,) * (losses.ndim - weights.ndim))
        if self.reduction == "none":
            return losses
        if self.reduction == "sum":
            return losses.sum()
        if self.reduction == "mean_with_sample_weight" and weights is not None:
            total = float(weights.data.sum())  # (Keras' divide_no_nan: 0 over no weight)
            return losses.sum() / total if total else losses.sum() * 0.0
        return losses.sum() / max(losses.size, 1)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """Keras' from_config: the loss made with get_config()'s arguments."""
        return cls(**config)

    def compiled_form(self):
        """What Model.compile makes of this loss (nn.training.losses.CompiledLoss)."""
        if self.compile_name is not None:
            return keras_named_loss(self.compile_name, keras_object=self)
        per_sample = functools.partial(_called_in_keras_order, self)
        return CompiledLoss(self.name, _mean_of(per_sample), per_sample=per_sample,
                            keras_object=self)


def same_rank(x1, x2):
    """nn.training.same_rank on Variables (Keras' losses take arrays and numbers too)."""
    return _same_rank(as_variable(x1), as_variable(x2))


def _both(mask, other):
    """The entries both masks keep (either alone where the other is None), as 0/1 floats
    (ops: a captured step computes each batch's)."""
    if mask is None or other is None:
        return other if mask is None else mask
    return astype(as_variable(mask), np.float64) * astype(as_variable(other), np.float64)


def _with_mask(sample_weight, mask, losses, reduction):
    """Keras' apply_mask: the sample weights times the mask's entries, which for a mean are
    total / kept where kept (the mean then runs over the kept entries only) and 0 elsewhere."""
    if mask is None:
        return sample_weight
    weights = astype(as_variable(mask), losses.dtype)
    if reduction in ("sum_over_batch_size", "mean"):  # (none kept: all 0 whatever the scale)
        weights = weights * (weights.size / maximum(weights.sum(), 1.0))
    if sample_weight is None:
        return weights
    weights, sample_weight = same_rank(weights, sample_weight)
    if sample_weight.ndim < weights.ndim:  # (weighing the leading axes, as without a mask)
        sample_weight = sample_weight.reshape(
            sample_weight.shape + (1,) * (weights.ndim - sample_weight.ndim))
    return sample_weight * weights


def _called_in_keras_order(loss, pred, target):
    return as_variable(loss.call(target, pred))


def _mean_of(per_sample):
    def loss(pred, target):
        losses = per_sample(pred, target)
        kept = carried_mask(losses)  # (Keras': the mean over the entries a loss keeps)
        if kept is None:
            return losses.mean()
        kept = astype(as_variable(kept), losses.dtype)
        return (losses * kept).sum() / maximum(kept.sum(), 1.0)
    return loss


class LossFunctionWrapper(Loss):
    """A function `fn(y_true, y_pred)` of Keras' as a loss object: compile wraps a plain
    function in it when its first argument is named as Keras' (y_true, target, labels)."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name or getattr(fn, "__name__", "loss"), reduction, dtype)
        self.fn, self.kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(*same_rank(y_true, y_pred), **self.kwargs)

    def get_config(self):
        return dict(super().get_config(), fn=self.fn, **self.kwargs)


def _per_sample(fn, elementwise=True):
    """A rungrad loss of (pred, target) as Keras' function of (y_true, y_pred): each sample's
    loss. An elementwise loss (PyTorch's, one loss per entry) is averaged over the last axis
    here; the others (nn.functional.keras_losses) reduce that axis themselves, so their
    losses of (N, T, C) are already (N, T), as Keras' (a second mean made them (N,))."""
    def keras_function(y_true, y_pred):
        losses = fn(_floats(y_pred), _floats(y_true), reduction="none")
        return losses.mean(axis=-1) if elementwise and losses.ndim > 1 else losses
    keras_function.__name__ = getattr(fn, "__name__", "loss")
    return keras_function


def _floats(x):
    """x as a Variable of floats: integer or boolean data (Keras' examples' lists) in
    float32, as Keras converts them to its float dtype."""
    x = as_variable(x)
    return x if x.dtype.kind == "f" else astype(x, np.float32)


def _per_row(fn):
    """_per_sample of a loss that reduces the last axis itself."""
    return _per_sample(fn, elementwise=False)


mean_squared_error = mse = _per_sample(F.mse_loss)
mean_absolute_error = mae = _per_sample(F.l1_loss)
mean_squared_logarithmic_error = msle = _per_row(F.msle_loss)
mean_absolute_percentage_error = mape = _per_row(F.mape_loss)
hinge = _per_row(F.hinge_loss)
squared_hinge = _per_row(F.squared_hinge_loss)
categorical_hinge = _per_row(F.categorical_hinge_loss)
poisson = _per_row(F.poisson_loss)
kl_divergence = kld = _per_row(F.kl_divergence_loss)
log_cosh = _per_row(F.log_cosh_loss)
_cosine_similarity = _per_row(F.cosine_similarity_loss)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Keras' cosine_similarity function: each sample's loss over `axis` (the last only)."""
    _last_axis_only(axis, "cosine_similarity", y_pred)
    return _cosine_similarity(y_true, y_pred)


def _elementwise(class_name, compile_name, function):
    """A Keras loss class without options: its call is `function`, compile's loss is the one
    named `compile_name`. Its arguments in Keras' order (reduction first: Keras'
    MeanSquaredError('sum') sums)."""
    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        Loss.__init__(self, name, reduction, dtype)

    def call(self, y_true, y_pred):
        return function(*same_rank(y_true, y_pred))
    return type(class_name, (Loss,), {"compile_name": compile_name, "call": call,
                                      "__init__": __init__,
                                      "__doc__": f"Keras' {class_name} (compile: "
                                                 f"'{compile_name}').",
                                      "__module__": __name__})


MeanSquaredError = _elementwise("MeanSquaredError", "mse", mean_squared_error)
MeanAbsoluteError = _elementwise("MeanAbsoluteError", "mae", mean_absolute_error)
MeanSquaredLogarithmicError = _elementwise("MeanSquaredLogarithmicError", "msle",
                                           mean_squared_logarithmic_error)
MeanAbsolutePercentageError = _elementwise("MeanAbsolutePercentageError", "mape",
                                           mean_absolute_percentage_error)
Hinge = _elementwise("Hinge", "hinge", hinge)
SquaredHinge = _elementwise("SquaredHinge", "squared_hinge", squared_hinge)
CategoricalHinge = _elementwise("CategoricalHinge", "categorical_hinge", categorical_hinge)
Poisson = _elementwise("Poisson", "poisson", poisson)
KLDivergence = _elementwise("KLDivergence", "kl_divergence", kl_divergence)
LogCosh = _elementwise("LogCosh", "log_cosh", log_cosh)


class CosineSimilarity(_elementwise("CosineSimilarity", "cosine_similarity",
                                    _cosine_similarity)):
    """Keras' CosineSimilarity (compile: 'cosine_similarity'); axis first, as Keras' (the
    last only)."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        _last_axis_only(axis, "CosineSimilarity")
        super().__init__(reduction, name, dtype)
        self.axis = axis

    def call(self, y_true, y_pred):
        _last_axis_only(self.axis, "CosineSimilarity", y_pred)
        return super().call(y_true, y_pred)

    def get_config(self):
        return dict(super().get_config(), axis=self.axis)


def huber(y_true, y_pred, delta=1.0):
    """Keras' huber function: each sample's Huber loss (see Huber)."""
    return _per_sample(functools.partial(F.huber_loss, delta=delta))(*same_rank(y_true, y_pred))


class _WithOptions(Loss):
    """A Keras loss class whose call is `function(y_true, y_pred, **options)`, its options
    (`defaults`, in Keras' order, before reduction, name and dtype) kept as attributes and in
    its config."""

    function = defaults = default_name = None  # (the subclasses')

    def __init__(self, *args, **kwargs):
        names = list(self.defaults) + ["reduction", "name", "dtype"]
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}: takes at most {len(names)} arguments, got "
                            f"{len(args)}")
        given = dict(zip(names, args))
        unknown = set(kwargs) - set(names)
        if unknown or set(given) & set(kwargs):
            raise TypeError(f"{type(self).__name__}: unexpected or repeated arguments "
                            f"{sorted(unknown or set(given) & set(kwargs))}")
        given.update(kwargs)
        super().__init__(given.get("name") or self.default_name,
                         given.get("reduction", "sum_over_batch_size"), given.get("dtype"))
        self.options = {key: given.get(key, value) for key, value in self.defaults.items()}
        for key, value in self.options.items():
            setattr(self, key, value)

    def call(self, y_true, y_pred):
        return type(self).function(y_true, y_pred, **self.options)

    def get_config(self):
        return dict(super().get_config(), **self.options)


class BinaryFocalCrossentropy(_WithOptions):
    """Keras' BinaryFocalCrossentropy (nn.keras.focal_losses)."""

    function = staticmethod(binary_focal_crossentropy)
    defaults = {"apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0,
                "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    default_name = "binary_focal_crossentropy"


class CategoricalFocalCrossentropy(_WithOptions):
    """Keras' CategoricalFocalCrossentropy (nn.keras.focal_losses)."""

    function = staticmethod(categorical_focal_crossentropy)
    defaults = {"alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0,
                "axis": -1}
    default_name = "categorical_focal_crossentropy"


class Dice(_WithOptions):
    """Keras' Dice (nn.keras.overlap_losses); reduction first, axis after name, as Keras'."""

    function = staticmethod(dice)
    defaults = {}
    default_name = "dice"

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.axis = self.options["axis"] = axis


class Tversky(_WithOptions):
    """Keras' Tversky (nn.keras.overlap_losses)."""

    function = staticmethod(tversky)
    defaults = {"alpha": 0.5, "beta": 0.5}
    default_name = "tversky"

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(alpha, beta, reduction, name, dtype)
        self.axis = self.options["axis"] = axis


class CTC(_WithOptions):
    """Keras' CTC (nn.keras.ctc_losses): labels padded with 0, the blank."""

    function = staticmethod(ctc)
    defaults = {}
    default_name = "ctc"


class Circle(_WithOptions):
    """Keras' Circle (nn.keras.metric_learning_losses): integer labels and L2-normalized
    embeddings; the mean runs over the samples of a loss above 0."""

    function = staticmethod(circle)
    defaults = {"gamma": 80.0, "margin": 0.4, "remove_diagonal": True}
    default_name = "circle"


class CategoricalGeneralizedCrossEntropy(_WithOptions):
    """Keras' CategoricalGeneralizedCrossEntropy (nn.keras.noise_robust_losses); q in
    (0, 1)."""

    function = staticmethod(categorical_generalized_cross_entropy)
    defaults = {"q": 0.5}
    default_name = "categorical_generalized_cross_entropy"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        noise_parameter(self.q, type(self).__name__, upper=1)


class Huber(Loss):
    """Keras' Huber: 0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta), d = y_pred -
    y_true, averaged over the last axis."""

    compile_name = "huber"

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(name, reduction, dtype)
        self.delta = delta

    def call(self, y_true, y_pred):
        return _per_sample(functools.partial(F.huber_loss, delta=self.delta))(
            *same_rank(y_true, y_pred))

    def get_config(self):
        return dict(super().get_config(), delta=self.delta)

    def compiled_form(self):
        return keras_named_loss("huber", functools.partial(F.huber_loss, delta=self.delta),
                                keras_object=self)


class _CrossEntropy(Loss):
    """What Keras' three cross-entropies share: from_logits, label smoothing, and compile's
    fused loss of the same name (logits inside, a final activation taken into it unless
    from_logits). Keras' arguments in Keras' order; axis: the classes' axis, the last only."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(name, reduction, dtype)
        _last_axis_only(axis, type(self).__name__)
        self.axis = axis
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"{type(self).__name__}: label_smoothing must be in [0, 1], got "
                             f"{label_smoothing!r}")
        self.from_logits, self.label_smoothing = from_logits, label_smoothing

    def get_config(self):
        return dict(super().get_config(), from_logits=self.from_logits,
                    label_smoothing=self.label_smoothing, axis=self.axis)

    def compiled_form(self):
        fn = functools.partial(self.logits_loss, label_smoothing=self.label_smoothing) \
            if self.label_smoothing else None
        return keras_named_loss(self.compile_name, fn, from_logits=self.from_logits,
                                keras_object=self)

    def call(self, y_true, y_pred):
        _last_axis_only(self.axis, type(self).__name__, y_pred)
        y_true, y_pred = same_rank(y_true, y_pred)
        if self.from_logits:
            return self.logits_loss(y_pred, y_true, reduction="none",
                                    label_smoothing=self.label_smoothing)
        return self.probabilities_loss(y_true, y_pred)

    def probabilities_loss(self, y_true, y_pred):
        """Each sample's loss of probabilities: that of their logits."""
        return self.logits_loss(self.probabilities_to_logits(y_pred), y_true, reduction="none",
                                label_smoothing=self.label_smoothing)


class BinaryCrossentropy(_CrossEntropy):
    """Keras' BinaryCrossentropy: -[t log p + (1 - t) log(1 - p)] averaged over the last
    axis, p = sigmoid(y_pred) with from_logits, else y_pred clipped to [1e-7, 1 - 1e-7];
    targets smoothed to t (1 - s) + s / 2."""

    compile_name = "binary_crossentropy"

    @staticmethod
    def logits_loss(logits, target, reduction="mean", label_smoothing=0.0):
        target = as_variable(target)
        if label_smoothing:  # (ops: a captured step smooths each batch's targets)
            target = target * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        if reduction == "none":
            return losses if losses.ndim <= 1 else losses.mean(axis=-1)
        return losses.sum() if reduction == "sum" else losses.mean()

    @staticmethod
    def probabilities_to_logits(p):
        p = clip(p, *clip_range())
        return log(p) - log(1.0 - p)


class CategoricalCrossentropy(_CrossEntropy):
    """Keras' CategoricalCrossentropy of one-hot (or probability) rows: -sum t log p over the
    last axis, p = softmax(y_pred) with from_logits, else y_pred normalized, then clipped to
    [1e-7, 1 - 1e-7] (Keras' order: a clipped entry is a constant); targets smoothed to
    t (1 - s) + s / K."""

    compile_name = "categorical_crossentropy"

    @staticmethod
    def logits_loss(logits, target, reduction="mean", label_smoothing=0.0):
        return categorical_cross_entropy(logits, target, reduction, label_smoothing)

    def probabilities_loss(self, y_true, y_pred):
        p = normalized_probabilities(y_pred)
        target = one_hot_target(y_true, p)
        if self.label_smoothing:
            s = self.label_smoothing
            target = target * (1.0 - s) + s / p.shape[-1]
        return -(target * log(p)).sum(axis=-1)


def normalized_probabilities(y_pred):
    """Keras 3's categorical probabilities of y_pred (its PyTorch backend's, both
    cross-entropies'): y_pred / sum(y_pred) over the last axis, then clipped to [1e-7,
    1 - 1e-7]."""
    return clip(y_pred / y_pred.sum(axis=-1, keepdims=True), *clip_range())


class SparseCategoricalCrossentropy(_CrossEntropy):
    """Keras' SparseCategoricalCrossentropy of integer labels: -log p[label], p as for
    CategoricalCrossentropy (y_pred normalized, then clipped). ignore_class: a label that
    counts for nothing (a segmentation's void class, -1 or 255): loss 0 there, and the mean
    taken over the other entries."""

    compile_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, ignore_class=None,
                 reduction="sum_over_batch_size", axis=-1, name=None, dtype=None):
        super().__init__(from_logits, 0.0, axis, reduction, name, dtype)
        self.ignore_class = _class_label(ignore_class, type(self).__name__)

    def get_config(self):
        config = super().get_config()
        del config["label_smoothing"], config["axis"]  # (not in Keras' config of this one)
        return dict(config, ignore_class=self.ignore_class)

    def logits_loss(self, logits, target, reduction="mean", label_smoothing=0.0):
        return sparse_categorical_cross_entropy(logits, target, reduction, self.ignore_class)

    def compiled_form(self):
        fn = None if self.ignore_class is None else self.logits_loss
        compiled = keras_named_loss(self.compile_name, fn, from_logits=self.from_logits,
                                    keras_object=self)
        compiled.ignore_class = self.ignore_class
        compiled.metrics_count_ignored_classes = True  # (Keras 3's metrics do)
        return compiled

    def probabilities_loss(self, y_true, y_pred):
        """-log p[label] of normalized_probabilities p (Keras 3's PyTorch backend; not
        TensorFlow's log-softmax of the clipped log p)."""
        return sparse_categorical_cross_entropy(log(normalized_probabilities(y_pred)), y_true,
                                                "none", self.ignore_class, F.nll_loss)


def _class_label(value, who):
    """ignore_class: None or an integer label."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: ignore_class must be an integer class label or None, got "
                        f"{value!r}")
    return int(value)


def _last_axis_only(axis, who, y_pred=None):
    """Refuse an `axis` other than the last of y_pred's (-1, None, or ndim - 1: Keras'
    axis=1 of (N, C) rows); without y_pred (a constructor's check), any axis >= 0 waits for
    the call's."""
    if axis in (-1, None):
        return
    ndim = None if y_pred is None else np.ndim(getattr(y_pred, "data", y_pred))
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool) and axis >= 0 and (
            ndim is None or axis == ndim - 1):
        return
    of = "" if ndim is None else f" of the {ndim}-D predictions"
    raise NotImplementedError(f"{who}: only the last axis{of} (axis=-1; the classes on the "
                              f"last axis) is supported, got axis={axis!r}")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Keras' binary_crossentropy function: each sample's loss, as BinaryCrossentropy's."""
    _last_axis_only(axis, "binary_crossentropy", y_pred)
    return BinaryCrossentropy(from_logits, label_smoothing).call(y_true, y_pred)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                             axis=-1):
    """Keras' categorical_crossentropy function: each sample's loss, as
    CategoricalCrossentropy's."""
    _last_axis_only(axis, "categorical_crossentropy", y_pred)
    return CategoricalCrossentropy(from_logits, label_smoothing).call(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Keras' sparse_categorical_crossentropy function: each sample's loss, as
    SparseCategoricalCrossentropy's."""
    _last_axis_only(axis, "sparse_categorical_crossentropy", y_pred)
    return SparseCategoricalCrossentropy(from_logits, ignore_class).call(y_true, y_pred)


serialize, deserialize = module_functions(
    "losses", lambda: {key: globals()[key] for key in __all__
                       if key not in ("get", "Loss", "serialize", "deserialize")})

__all__ = ["serialize", "deserialize", "Loss", "LossFunctionWrapper", "MeanSquaredError",
           "MeanAbsoluteError",
           "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError", "Hinge",
           "SquaredHinge", "CategoricalHinge", "Poisson", "KLDivergence", "LogCosh",
           "CosineSimilarity", "Huber", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "get", "mean_squared_error", "mse",
           "mean_absolute_error", "mae", "mean_squared_logarithmic_error", "msle",
           "mean_absolute_percentage_error", "mape", "hinge", "squared_hinge",
           "categorical_hinge", "poisson", "kl_divergence", "kld", "log_cosh",
           "cosine_similarity", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "huber", "BinaryFocalCrossentropy",
           "CategoricalFocalCrossentropy", "Dice", "Tversky", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "dice", "tversky", "CTC", "Circle",
           "CategoricalGeneralizedCrossEntropy", "ctc", "circle",
           "categorical_generalized_cross_entropy"]


def compiled_by_name(name):
    """The loss object compile makes of a name it has no loss of its own for: one of the
    classes here, by its name or its snake_case one ('dice', 'BinaryFocalCrossentropy');
    None if there is none."""
    for key in __all__:
        found = globals()[key]
        if isinstance(found, type) and issubclass(found, Loss) and name in (
                key, snake_case(key)):
            return found()
    return None


def get(identifier):
    """Keras' losses.get: a loss object or function from its name, or the one given."""
    if not isinstance(identifier, str):
        return identifier
    found = globals().get(identifier)
    if found is None or identifier.startswith("_") or identifier not in __all__:
        raise ValueError(f"keras.losses.get: unknown loss {identifier!r}")
    return found() if isinstance(found, type) else found


