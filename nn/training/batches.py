"""The batches Model.fit / evaluate / predict walk through: arrays cut into batches, or the
batches of a DataLoader (or of any other iterable of (x, y) pairs), as Keras takes a dataset.

Both kinds iterate as (x_batch, y_batch, w_batch) triples (y_batch None for predict, w_batch
the samples' weights or None; see nn.training.sample_weights) and tell what they know of
their size: `steps` (batches per pass; None when the source has no len()),
`samples` and `batch_size` (None where unknown).

Below them, the input adaptation: `make_batches` / `fit_batches` turn fit's, evaluate's and
predict's arguments into batches, checking them and casting float inputs to the model's
float dtype; `to_module`, `host_arrays` and `concatenate_outputs` move batches to the
model's device and its outputs back.
"""
import functools
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module, host_array, to_cpu
from autograd.user_warnings import user_warning
from autograd.variable import Variable, as_variable

from ..data.batch_dataset import PyDataset
from ..layers.input_layer import is_text_dtype
from ..layers.keras_settings import capped_steps
from .multi_output import MultiOutputLoss
from .named_arrays import (
    arrays_in_order,
    check_aligned,
    check_sample_shape,
    each,
    sample_count,
    take,
)
from .sample_weights import checked_class_weight, sample_weights


def yields_batches(data):
    """Whether `data` is a source of batches (a DataLoader, a generator, any iterable that is
    not itself array-like) rather than an array of samples. Lists and tuples stay samples."""
    if isinstance(data, (list, tuple, str, bytes, dict)):
        return False
    if hasattr(data, "shape") or hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return False
    return hasattr(data, "__iter__")


def looks_like_a_dataset(data):
    """Whether `data` is indexable and sized but neither iterable nor an array: a Dataset,
    which holds samples and needs a DataLoader to make batches."""
    return (hasattr(data, "__getitem__") and hasattr(data, "__len__")
            and not hasattr(data, "__iter__") and not hasattr(data, "shape"))


class ArrayBatches:
    """x (N, ...), y (N, ...) or None and the weights (N,) or None in consecutive batches of
    `batch_size`; with `shuffle`, a fresh permutation (NumPy's global generator) on every
    pass, and with shuffle="batch" (Keras') the same consecutive batches, each one's samples
    in a fresh order. Each may be a tuple of such arrays (several inputs or outputs), cut
    alike."""

    def __init__(self, x, y, batch_size, shuffle=False, weights=None):
        self.x, self.y, self.weights = x, y, weights
        self.batch_size, self.shuffle = batch_size, shuffle
        self.samples = sample_count(x)
        self.steps = math.ceil(self.samples / batch_size)

    def __iter__(self):
        order = self.order()
        for start in range(0, self.samples, self.batch_size):
            stop = min(start + self.batch_size, self.samples)
            # In order, slices give views; shuffled, index arrays gather a copy.
            index = slice(start, stop) if order is None else order[start:stop]
            yield self.pick(index)

    def order(self):
        """A pass's order of the samples: None (as they are), a permutation, or for
        shuffle="batch" the consecutive batches, each permuted within."""
        if not self.shuffle or not self.samples:
            return None
        if self.shuffle != "batch":
            return np.random.permutation(self.samples)
        return np.concatenate([start + np.random.permutation(
            min(self.batch_size, self.samples - start))
            for start in range(0, self.samples, self.batch_size)])

    def pick(self, index):
        """The (x, y, weights) of the samples at `index` (a slice or an index array)."""
        return tuple(take(a, index) for a in (self.x, self.y, self.weights))


class LoaderBatches:
    """The batches of `source`, each checked and converted by `prepare(x, y, who)`.

    With `targets`, every batch must be an (x, y) pair or an (x, y, sample_weight) triple
    (Keras' dataset rule), weighted further by `class_weight` when given; without (predict),
    a pair's y is dropped and anything else is taken as x; with targets="optional" (a model
    running its own steps) a pair or triple is read as such, anything else (or a 1-tuple)
    as x alone. The source is iterated afresh on
    each pass (a DataLoader reshuffles by itself; fit's `shuffle` does not apply to it). With
    `shuffle`, a PyDataset's batches come in a new order each pass (Keras 3's).
    """

    def __init__(self, source, prepare, who, targets=True, class_weight=None, shuffle=False):
        self.source, self.prepare, self.who, self.targets = source, prepare, who, targets
        self.class_weight, self.shuffle = class_weight, shuffle
        # a PyDataset tells its number of batches (None: endless) by num_batches
        self.endless = hasattr(source, "num_batches") and source.num_batches is None
        self.steps = None if self.endless else _length(source)
        dataset = getattr(source, "dataset", None)
        self.samples = _length(dataset) if dataset is not None else None
        self.batch_size = getattr(source, "batch_size", None)
        self.frames_epochs = True  # (False once LimitedSteps frames them: see epoch_of)

    def __iter__(self):
        if self.frames_epochs:
            yield from epoch_of(self.source, self._batches())
        else:
            yield from self._batches()

    def _batches(self):
        count = 0
        source = self.source.batches(shuffle=True) if self.shuffle else self.source
        for count, batch in enumerate(source, start=1):
            x, y, w = self._split(batch, count - 1)
            where = f"{self.who} (batch {count - 1})"
            x, y = self.prepare(x, y, where)
            class_weight = None if y is None else self.class_weight
            yield x, y, sample_weights(y, w, class_weight, sample_count(x), where)
        if count == 0:
            hint = (" (an iterator such as a generator is used up after one pass: give a "
                    "DataLoader or another object that can be iterated again)"
                    if hasattr(self.source, "__next__") else "")
            raise ValueError(f"{self.who}: the {type(self.source).__name__} yielded no "
                             f"batches{hint}")

    def _split(self, batch, index):
        if isinstance(batch, (tuple, list)) and len(batch) == 2:
            return (batch[0], batch[1], None) if self.targets else (batch[0], None, None)
        if self.targets and isinstance(batch, (tuple, list)) and len(batch) == 3:
            return tuple(batch)
        if not self.targets or self.targets == OPTIONAL:
            return (batch[0] if isinstance(batch, (tuple, list)) and batch else batch), None, None
        got = (f"a {type(batch).__name__} of {len(batch)} items"
               if isinstance(batch, (tuple, list)) else f"a {type(batch).__name__}")
        raise ValueError(f"{self.who}: each batch must be an (x, y) pair or an (x, y, "
                         f"sample_weight) triple; batch {index} is {got}")


class LimitedSteps:
    """At most `steps` batches of `batches` per pass: Keras' steps_per_epoch, validation_steps
    and evaluate's / predict's steps.

    `continuing` (fit's training, as Keras 3's epoch iterator; each validation starts
    afresh, as Keras' evaluate resets its iterator): a pass resumes where the last one
    stopped, so that steps_per_epoch smaller than the data walks through all of it over the
    epochs, and a source used up exactly starts afresh. A source that runs out in the middle
    of a pass ends it early with a warning. A one-shot source (a generator) used up sets
    `ran_out` (see used_up), on which fit stops training, as Keras does.
    """

    def __init__(self, batches, steps, who, continuing=False):
        self.batches, self.steps, self.who = batches, steps, who
        if hasattr(batches, "frames_epochs"):  # (an epoch is these steps, not a pass)
            batches.frames_epochs = False
        self.continuing = continuing
        self.samples, self.batch_size = batches.samples, batches.batch_size
        self.weights = getattr(batches, "weights", None)
        self.source = getattr(batches, "source", None)  # (a sampler's set_epoch)
        self.one_shot = continuing and hasattr(self.source, "__next__")
        self.ran_out, self.passes = False, 0
        self._current = None
        self._ahead = _END  # a one-shot source's next batch, fetched by used_up

    def __iter__(self):
        yield from epoch_of(self.source, self._steps())

    def _steps(self):
        self.passes += 1
        if self._current is None or not self.continuing:
            self._current = iter(self.batches)
        for step in range(self.steps):
            batch = self._take()
            if batch is _END and step == 0 and self.continuing and not self.one_shot:
                self._current = iter(self.batches)  # the last pass used it up exactly
                batch = self._take()
            if batch is _END:
                self._current = None
                self._out_of_data(f"before {self.steps} steps")
                return
            yield batch

    def used_up(self):
        """Whether a one-shot source has nothing left for another pass (fit asks before each
        epoch after the first, and stops with a warning rather than run an empty epoch)."""
        if not self.one_shot or self._current is None:
            return self.ran_out
        self._ahead = self._take()
        if self._ahead is _END:
            self._out_of_data(f"after {self.passes} epochs of {self.steps} steps")
        return self.ran_out

    def _take(self):
        batch, self._ahead = self._ahead, _END
        return next(self._current, _END) if batch is _END else batch

    def _out_of_data(self, when):
        self.ran_out = self.one_shot
        user_warning(f"{self.who}: the data ran out {when}; "
                     f"{'stopping training' if self.ran_out else 'this pass ends early'} (give "
                     f"a source that yields at least steps x epochs batches, or fewer steps)",
                     RuntimeWarning)


_END = object()  # what _take gives when the source is used up


def epoch_of(source, batches):
    """`batches`, one epoch's (or evaluate's or predict's pass), between the source's
    on_epoch_begin() and on_epoch_end() where it has them (a PyDataset: Keras 3's calls)."""
    begin, end = getattr(source, "on_epoch_begin", None), getattr(source, "on_epoch_end", None)
    if callable(begin):
        begin()
    yield from batches
    if callable(end):
        end()


def limited(batches, steps, name, who, continuing=False):
    """`batches`, or at most `steps` of them per pass (None: all of them), capped by
    keras.config.set_max_steps_per_epoch where set."""
    steps = capped_steps(None if steps is None else positive_int(steps, name, who))
    if steps is None:
        if getattr(batches, "endless", False):
            raise ValueError(f"{who}: the {type(batches.source).__name__} has no end (its "
                             f"num_batches is None); give {name}=")
        return batches
    return LimitedSteps(batches, steps, who, continuing)


def _length(data):
    try:
        return len(data)
    except TypeError:
        return None


# ----- from fit / evaluate / predict arguments to batches -----
def fit_batches(model, x, y, batch_size, shuffle, validation_split, validation_data,
                sample_weight=None, class_weight=None, validation_batch_size=None):
    """(training batches, validation batches or None) for fit's arguments; the weights
    (sample_weight, class_weight) are the training samples', as in Keras. A model running
    its own steps may be given no targets (see targets_for)."""
    targets = targets_for(model, "fit")
    sample_weight = weights_in_output_order(model, sample_weight, "fit")
    weighting = {"sample_weight": sample_weight, "class_weight": class_weight,
                 "targets": targets}
    validation_batch_size = validation_batch_size or batch_size
    if not (shuffle == "batch" or isinstance(shuffle, (bool, np.bool_))):
        raise TypeError(f"fit: shuffle must be True, False or 'batch', got {shuffle!r}")
    if validation_data is not None:  # it wins over validation_split, as in Keras
        return (make_batches(model, x, y, batch_size, "fit", shuffle, **weighting),
                _validation_batches(model, validation_data, validation_batch_size))
    if yields_batches(x) and validation_split:
        raise ValueError(f"fit: validation_split is not supported when x is a "
                         f"{type(x).__name__} (its samples cannot be split off); pass "
                         "validation_data, e.g. a second DataLoader")
    if not validation_split:
        return make_batches(model, x, y, batch_size, "fit", shuffle, **weighting), None
    if y is None and targets == OPTIONAL:  # (x alone: the model's own steps read it)
        _no_weights_without_targets(sample_weight, class_weight, "fit")
        train, held_out = _split_validation((_prepare_inputs(model, x, "fit"),),
                                            validation_split)
        return (ArrayBatches(train[0], None, batch_size, shuffle),
                ArrayBatches(held_out[0], None, validation_batch_size))
    x, y = _prepare(model, x, y, "fit")
    weights = sample_weights(y, sample_weight, None, sample_count(x), "fit")
    (x, y, weights), held_out = _split_validation((x, y, weights), validation_split)
    if class_weight is not None:  # the training samples' only (Keras)
        weights = sample_weights(y, weights, class_weight, sample_count(x), "fit")
    return ArrayBatches(x, y, batch_size, shuffle, weights), ArrayBatches(
        *held_out[:2], validation_batch_size, weights=held_out[2])


def _validation_batches(model, data, batch_size):
    who = "fit (validation_data)"
    targets = targets_for(model, "evaluate")
    if isinstance(data, np.ndarray) and targets == OPTIONAL:
        data = (data,)  # (x_val alone, for the model's own test_step)
    if yields_batches(data):
        return make_batches(model, data, None, batch_size, who, targets=targets)
    sizes = (1, 2, 3) if targets == OPTIONAL else (2, 3)
    if not isinstance(data, (tuple, list)) or len(data) not in sizes:
        raise ValueError("fit: validation_data must be a pair (x_val, y_val), a triple "
                         "(x_val, y_val, sample_weight_val) or a DataLoader" + (
                             ", or (x_val,)" if targets == OPTIONAL else ""))
    data = tuple(data) + (None,) * (3 - len(data))
    return make_batches(model, *data[:2], batch_size, who, sample_weight=data[2],
                        targets=targets)


# make_batches' `targets` for a model running its own steps: y may be absent (an
# autoencoder's, a GAN's), as Keras passes x alone to train_step
OPTIONAL = "optional"


def targets_for(model, who):
    """make_batches' `targets` for `who` ('fit', 'evaluate'): required, or OPTIONAL where
    the model runs steps of its own there (nn.training.custom_steps)."""
    from .custom_steps import runs_steps
    return OPTIONAL if runs_steps(model, who) else True


def _no_weights_without_targets(sample_weight, class_weight, who):
    if sample_weight is not None or class_weight is not None:
        raise ValueError(f"{who}: sample_weight and class_weight weigh targets, and no y "
                         "was given; pass the weights inside the batches your steps read")


def make_batches(model, x, y, batch_size, who, shuffle=False, targets=True,
                 sample_weight=None, class_weight=None):
    """x and y as batches for `model`: a loader's own (y must then be None), or arrays cut
    into `batch_size` (y required when `targets` is True, optional when OPTIONAL), with
    the samples' weights."""
    if yields_batches(x):
        if y is not None:
            raise ValueError(f"{who}: y must be None when x is a {type(x).__name__}: "
                             "its batches hold the targets")
        if sample_weight is not None:
            raise ValueError(f"{who}: sample_weight must be None when x is a "
                             f"{type(x).__name__}: its batches hold the weights, as "
                             "(x, y, sample_weight) triples")
        return LoaderBatches(x, functools.partial(_prepare_batch, model), who, targets,
                             None if class_weight is None else checked_class_weight(
                                 class_weight, who),
                             shuffle=bool(shuffle) and isinstance(x, PyDataset))
    if targets is True or (targets and y is not None):
        sample_weight = weights_in_output_order(model, sample_weight, who)
        x, y = _prepare(model, x, y, who)
        return ArrayBatches(x, y, batch_size, shuffle,
                            sample_weights(y, sample_weight, class_weight, sample_count(x), who))
    if targets:  # (OPTIONAL, and no y)
        _no_weights_without_targets(sample_weight, class_weight, who)
    return ArrayBatches(_prepare_inputs(model, x, who), None, batch_size, shuffle)


def _prepare_batch(model, x, y, who):
    """One loader batch checked and converted as whole arrays are (y may be None)."""
    if y is None:
        return _prepare_inputs(model, x, who), None
    return _prepare(model, x, y, who)


def _prepare(model, x, y, who):
    given = x, y
    x = _prepare_inputs(model, x, who)
    y = _prepare_targets(model, y, who)
    if sample_count(y) != sample_count(x):
        raise ValueError(f"{who}: x has {sample_count(x)} samples but y has "
                         f"{sample_count(y)}{_several_arrays_hint(model, *given)}")
    return x, y


def _prepare_targets(model, y, who):
    """y as an array, or as a tuple of arrays in the order of the model's outputs when it
    has several (a list, or a dict keyed by the outputs' names)."""
    names = model.several_outputs()
    if names is None:
        return _as_array(_only_array(model, y), "y", who)
    if y is None:
        raise ValueError(f"{who}: y is required")
    arrays = tuple(None if a is None else _as_array(a, f"y[{name!r}]", who) for a, name in
                   zip(arrays_in_order(y, names, "y", who, _unread_outputs(model)), names))
    check_aligned(arrays, names, "y", who)
    return arrays


def weights_in_output_order(model, sample_weight, who):
    """sample_weight as given, or a dict of them keyed by the outputs' names (of a model of
    several outputs) as a list in the outputs' order, None for an output it leaves out (its
    loss unweighted)."""
    names = model.several_outputs() if isinstance(sample_weight, dict) else None
    if names is None:
        return sample_weight
    unknown = [key for key in sample_weight if key not in names]
    if unknown:
        raise ValueError(f"{who}: sample_weight names {unknown}, which the model has no "
                         f"output called; its outputs are {names}")
    return [sample_weight.get(name) for name in names] if sample_weight else None


def _unread_outputs(model):
    """The outputs y may leave out (MultiOutputLoss.unread_outputs); none before compile."""
    compiled = model.compiled_loss
    return compiled.unread_outputs() if isinstance(compiled, MultiOutputLoss) else ()


def _several_arrays_hint(model, *given):
    """Keras' multi-input (or multi-output) form, a list of arrays, read here as a list of
    samples (the model has one input and one output): say so where the counts then
    disagree."""
    if any(isinstance(d, (list, tuple)) and d and all(hasattr(a, "shape") for a in d)
           for d in given):
        return (f" (a list of arrays is read as samples: {type(model).__name__} has one "
                "input and one output; several inputs or outputs take a functional model, "
                "keras.Model(inputs, outputs))")
    return ""


def _prepare_inputs(model, x, who):
    """x as an array (a tuple of arrays in the model's order, for several inputs: a list,
    or a dict keyed by their names); floats in the model's float dtype (float32 unless its
    parameters say otherwise), so float64 data does not slow float32 training down. Asked
    at every batch: a lazily sized model has parameters only after its first one."""
    inputs = model.several_inputs()
    if inputs is None:
        x = _one_input(model, _only_array(model, x), who)
        x = _with_feature_axis(model, _as_array(x, "x", who, model.takes_text(0)), who)
        return _in_model_dtype(model, x, "x", who)
    names = [name for name, _ in inputs]
    arrays = arrays_in_order(x, names, "x", who) if x is not None else _as_array(x, "x", who)
    prepared = []
    for index, (array, (name, shape)) in enumerate(zip(arrays, inputs)):
        array = _as_array(array, f"x[{name!r}]", who, model.takes_text(index))
        check_sample_shape(array, shape, name, who)
        prepared.append(_in_model_dtype(model, array, f"x[{name!r}]", who))
    check_aligned(prepared, names, "x", who)
    return tuple(prepared)


def _only_array(model, data):
    """A functional model's one input or output given as a list of one array ([x]): that
    array, as Keras flattens it (elsewhere a list of arrays is a list of samples)."""
    if getattr(model, "takes_listed_singletons", False) and isinstance(data, (list, tuple)) \
            and len(data) == 1 and getattr(data[0], "ndim", 0) >= 1:
        return data[0]
    return data


def _one_input(model, x, who):
    """x, or for a dict x the array it keys by the name of the model's one input (Keras'
    Input(name=)), refused as several inputs' dicts are where its keys differ."""
    key = model.input_key() if isinstance(x, dict) else None
    return x if key is None else arrays_in_order(x, [key], "x", who)[0]


def _in_model_dtype(model, x, name, who):
    if len(x) == 0:
        raise ValueError(f"{who}: {name} holds no samples")
    dtype = _float_dtype(model)
    if x.dtype.kind == "f" and x.dtype != dtype:
        x = x.astype(dtype)
    return x


def _with_feature_axis(model, x, who):
    """1-D x is N samples of one value each (axis 0 holds the samples, whatever the batch
    size). A model starting with a Dense layer takes feature vectors, so x becomes (N, 1), as
    Keras adjusts an input's rank; a first layer sized for more features names the mismatch."""
    first = model.first_linear_layer() if x.ndim == 1 else None
    if first is None:
        return x
    if first.in_features in (None, 1):
        return x.reshape(-1, 1)
    raise ValueError(f"{who}: x has shape {x.shape}, {len(x)} samples of one value each, but "
                     f"the model's first layer ({type(first).__name__}) takes "
                     f"{first.in_features} features per sample: pass x of shape (N, "
                     f"{first.in_features}) (a single sample: x.reshape(1, -1))")


def _float_dtype(model):
    for param in model.parameters():
        if param.dtype.kind == "f":
            return param.dtype
    return np.dtype(np.float32)


def _as_array(data, name, who, text=False):
    """data as an array of samples; numbers, and with `text` (an input that a text layer,
    such as TextVectorization, reads first) strings."""
    if data is None:
        raise ValueError(f"{who}: {name} is required")
    if isinstance(data, dict):
        raise TypeError(f"{who}: {name} is a dict (named inputs or outputs), and the model "
                        f"has one input and one output: give one array (or a DataLoader) "
                        f"for {name}")
    if looks_like_a_dataset(data):
        raise TypeError(f"{who}: {name} is a {type(data).__name__}, which holds samples: "
                        "wrap it in nn.data.DataLoader(dataset, batch_size=...) and pass that "
                        "as x (one whose items are whole batches, as Keras' PyDataset or "
                        "Sequence: subclass nn.keras.utils.PyDataset)")
    if isinstance(data, Variable):
        data = data.data
    if not isinstance(getattr(data, "dtype", None), np.dtype):  # (NumPy's and CuPy's have)
        data = _to_numpy(data, name, who)
    if data.ndim == 0:
        raise ValueError(f"{who}: {name} must be an array of samples (N, ...), got a scalar")
    if data.dtype.kind not in ("biufUSO" if text else "biuf"):
        raise TypeError(f"{who}: {name} must hold numbers{' or strings' if text else ''}, "
                        f"got dtype {data.dtype}")
    return data


def _to_numpy(data, name, who):
    """Lists, and other libraries' arrays (a torch tensor, detached and on the CPU), as a
    NumPy array."""
    try:
        return host_array(data)
    except (ValueError, TypeError) as exc:  # ragged lists, e.g. a list of batches
        raise ValueError(f"{who}: {name} is a {type(data).__name__} that does not form "
                         f"an array of samples ({exc}); batches go in a DataLoader or "
                         "another iterable that is not a list (several inputs or outputs "
                         "take a functional model, keras.Model(inputs, outputs))"
                         ) from None


def training_count(samples, validation_split):
    """How many of `samples` fit trains on (the rest, the last ones, validate), as Keras."""
    return int(math.floor(samples * (1.0 - validation_split)))


def _split_validation(arrays, validation_split):
    """(training part, validation part) of each of `arrays` (None stays None); the split
    takes the LAST samples."""
    if not 0 < validation_split < 1:
        raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split!r}")
    samples = sample_count(arrays[0])
    split_at = training_count(samples, validation_split)
    if split_at in (0, samples):
        raise ValueError(f"fit: validation_split={validation_split} leaves no samples for "
                         f"{'training' if split_at == 0 else 'validation'} out of {samples}")
    return tuple(tuple(take(a, part) for a in arrays)
                 for part in (slice(None, split_at), slice(split_at, None)))


# ----- to the model's device and back -----
def array_module(model):
    """NumPy, or CuPy for a model moved to the GPU: batches are sent where it lives."""
    for param in model.parameters():
        return get_array_module(param.data)
    return np


def to_module(xp, array):
    """`array` (or a tuple of arrays) as an array of the module `xp` (a copy to the GPU when
    xp is CuPy); text stays on the host (a GPU holds no strings: the text layer reading it
    moves its output there)."""
    if xp is np or array is None:
        return array
    return each(lambda a: a if _holds_text(a) else xp.asarray(a), array)


def is_text(x):
    """Whether a batch of inputs (or one of several) holds strings."""
    return any(_holds_text(a) for a in (x if isinstance(x, tuple) else (x,)))


def _holds_text(array):
    return getattr(array, "dtype", None) is not None and is_text_dtype(array.dtype)


def as_input(x):
    """A batch of inputs as the model takes it: numbers as a Variable, text as its array
    (strings are for a text layer, TextVectorization or StringLookup, to read)."""
    return x if is_text(x) else as_variable(x)


def host_arrays(output):
    """A model's output (a Variable, an array, or nested tuples or dicts of them) as NumPy
    arrays."""
    if isinstance(output, dict):
        return {key: host_arrays(item) for key, item in output.items()}
    if isinstance(output, (tuple, list)):
        return tuple(host_arrays(item) for item in output)
    return to_cpu(output)


def concatenate_outputs(outputs):
    """Batch outputs joined along the batch axis, keeping a (nested) tuple or dict
    structure. Outputs whose sizes vary from batch to batch (TextVectorization's indices
    without output_sequence_length: each batch as long as its longest text) are refused
    with a ValueError: padding them cannot give what one batch of them all would (the
    layers after the indices compute a value at the padded steps; Keras gives a ragged
    tensor there)."""
    if isinstance(outputs[0], dict):
        return {key: concatenate_outputs([o[key] for o in outputs]) for key in outputs[0]}
    if isinstance(outputs[0], tuple):
        return tuple(concatenate_outputs(list(parts)) for parts in zip(*outputs))
    _check_same_sizes(outputs)
    return np.concatenate(outputs)


def _check_same_sizes(outputs):
    """A ValueError naming the first axis (after the batch's) whose size differs between
    the batch `outputs`."""
    shapes = [np.shape(o) for o in outputs]
    for axis in range(1, max(len(shape) for shape in shapes)):
        sizes = sorted({shape[axis] for shape in shapes if len(shape) > axis})
        if len(sizes) > 1 or any(len(shape) <= axis for shape in shapes):
            raise ValueError(
                f"predict: the output's axis {axis} has a size that varies from batch to "
                f"batch ({', '.join(map(str, sizes))}: e.g. TextVectorization without "
                "output_sequence_length makes each batch as long as its longest text), so "
                "the batches cannot be joined; set TextVectorization(output_sequence_length="
                "...), or predict in one batch (batch_size >= the number of samples)")


__all__ = ["yields_batches", "looks_like_a_dataset", "ArrayBatches", "LoaderBatches",
           "LimitedSteps", "limited",
           "fit_batches", "make_batches", "array_module", "to_module",
           "host_arrays", "concatenate_outputs"]
