"""Model: a Module with Keras' training loop (compile, fit, evaluate, predict, summary).

    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=10, batch_size=32, validation_split=0.1)
    loss, acc = model.evaluate(x_test, y_test)
    probabilities = model.predict(x_test)
    model.fit(nn.data.DataLoader(train_set, batch_size=32, shuffle=True), epochs=10)

One epoch is ceil(n / batch_size) updates over a fresh permutation (NumPy's global
generator, so `np.random.seed` makes runs repeatable), or one pass over a DataLoader (any
iterable of (x, y) batches; see nn.batches) given as x. Training runs in train mode;
validation, evaluate and predict in eval mode without recording a graph. The epoch's
loss is the mean of the batch losses weighted by batch size; metrics are computed over
all the epoch's (or data set's) outputs at once. How the loss names treat logits and
probabilities: see nn.training_loss.
"""
import contextlib
import math
from numbers import Integral

import numpy as np

from autograd.backend import get_array_module, to_cpu
from autograd.config import no_grad, test_mode
from autograd.variable import Variable, as_variable

from .batches import ArrayBatches, LoaderBatches, looks_like_a_dataset, yields_batches
from .callbacks.base import CallbackList
from .callbacks.history import History
from .module import Module
from .optimizer_names import resolve_optimizer
from .progress import format_logs, progress_callback
from .summary import print_summary
from .training_loss import resolve_loss
from .training_metrics import MetricAccumulator, resolve_metrics

# Running metrics in the batch logs (for the progress bar) about this many times an epoch,
# or every this many batches when the epoch's length is unknown (a loader without len()).
_METRIC_REFRESHES = 10


class Model(Module):
    """A Module that trains itself: subclass it and write `forward`, or use Sequential."""

    def __init__(self):
        super().__init__()
        self.optimizer = None
        self.compiled_loss = None
        self.compiled_metrics = []
        self.stop_training = False
        self.history = None
        self._bound = False  # whether fit has bound the optimizer since the first forward

    # ----- configuration -----
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics.

        optimizer: a name ('sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamw', with
        Keras' defaults) or an `optim.Optimizer`, which may have been made without
        parameters (`optim.Adam(lr=0.01)`): it is bound to the model's parameters now, and
        again at the first batch of `fit` for layers sized lazily.
        loss: 'mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy'
        (one-hot targets), 'sparse_categorical_crossentropy' (integer targets), or any
        callable `loss(pred, target)` returning a scalar Variable. The cross-entropy names
        work on logits: a model ending in a sigmoid/softmax Dense (or nn.Sigmoid /
        nn.Softmax) is run without it for the loss, a model without one is taken to output
        logits (see nn.training_loss).
        metrics: names ('accuracy', 'mse', 'mae', 'precision', 'recall', 'f1', 'auc') or
        callables `metric(y_true, y_pred) -> float`.
        """
        self.optimizer = resolve_optimizer(optimizer)
        self.compiled_loss = resolve_loss(loss)
        self.compiled_metrics = resolve_metrics(metrics)
        self._bind_optimizer()

    def _bind_optimizer(self):
        params = list(self.parameters())
        if params:
            self.optimizer.bind(params)
        return params

    # ----- the final activation, for fused cross-entropy losses -----
    def final_activation(self):
        """'sigmoid' or 'softmax' when the output ends with that activation and
        `forward_logits` gives the values before it; None otherwise (the default:
        a subclass's output is taken as it is)."""
        return None

    def forward_logits(self, x):
        """The output before the final activation (see `final_activation`)."""
        raise NotImplementedError(f"{type(self).__name__} has no final activation to skip")

    # ----- training -----
    def fit(self, x=None, y=None, epochs=1, batch_size=32, validation_split=0.0,
            validation_data=None, shuffle=True, callbacks=None, verbose=1, initial_epoch=0):
        """Train for epochs `initial_epoch` .. `epochs - 1` and return a History.

        x: (N, ...) inputs and y: (N, ...) targets, or x a DataLoader (any iterable of
        (x, y) batches, iterated afresh each epoch) and y None, as Keras takes a dataset:
        an epoch is then one pass over it (len(loader) steps), and batch_size and shuffle
        are the loader's business. validation_split: the fraction of samples held out for
        validation, taken from the end of x and y before any shuffling (as Keras; arrays
        only); validation_data: an (x_val, y_val) pair or a DataLoader instead.
        callbacks: Callback and `optim.lr_scheduler` objects. verbose: 0 silent, 1 a
        progress bar (one line per epoch when stdout is not a terminal), 2 one line per
        epoch.
        """
        self._require_compiled("fit")
        batch_size = _check_count(batch_size, "batch_size", minimum=1)
        train, validation = self._fit_batches(x, y, batch_size, shuffle, validation_split,
                                              validation_data)
        epochs = _check_count(epochs, "epochs", minimum=0)
        initial_epoch = _check_count(initial_epoch, "initial_epoch", minimum=0)
        history = History()
        params = {"epochs": epochs, "steps": train.steps, "batch_size": train.batch_size,
                  "samples": train.samples, "verbose": verbose}
        progress = progress_callback(verbose)
        extra = [] if callbacks is None else list(callbacks)
        runner = CallbackList(([progress] if progress else []) + extra + [history], self, params)
        self.stop_training = False
        self.history = history
        self._bound = False
        logs = {}
        runner.call("on_train_begin", {})
        for epoch in range(initial_epoch, epochs):
            runner.call("on_epoch_begin", epoch, {})
            lr = self.optimizer.param_groups[0].get("lr")  # what this epoch trains with
            logs = self._train_epoch(train, runner)
            if validation is not None:
                val_logs = self._evaluate_logs(validation)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            if lr is not None:
                logs["lr"] = float(lr)
            runner.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        runner.call("on_train_end", logs)
        return history

    def _fit_batches(self, x, y, batch_size, shuffle, validation_split, validation_data):
        """(training batches, validation batches or None) for fit's arguments."""
        if yields_batches(x) and validation_split:
            raise ValueError(f"fit: validation_split is not supported when x is a "
                             f"{type(x).__name__} (its samples cannot be split off); pass "
                             "validation_data, e.g. a second DataLoader")
        if validation_data is not None:  # it wins over validation_split, as in Keras
            return (self._batches(x, y, batch_size, "fit", shuffle),
                    self._validation_batches(validation_data, batch_size))
        if not validation_split:
            return self._batches(x, y, batch_size, "fit", shuffle), None
        (x, y), (x_val, y_val) = _split_validation(*self._prepare(x, y, "fit"),
                                                   validation_split)
        return ArrayBatches(x, y, batch_size, shuffle), ArrayBatches(x_val, y_val, batch_size)

    def _validation_batches(self, data, batch_size):
        who = "fit (validation_data)"
        if yields_batches(data):
            return self._batches(data, None, batch_size, who)
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("fit: validation_data must be a pair (x_val, y_val) or a "
                             "DataLoader")
        return self._batches(*data, batch_size, who)

    def _batches(self, x, y, batch_size, who, shuffle=False, targets=True):
        """x and y as batches: a loader's own (y must then be None), or arrays cut into
        `batch_size` (y required when `targets`)."""
        if yields_batches(x):
            if y is not None:
                raise ValueError(f"{who}: y must be None when x is a {type(x).__name__}: "
                                 "its batches hold the targets")
            return LoaderBatches(x, self._prepare_batch, who, targets)
        if targets:
            return ArrayBatches(*self._prepare(x, y, who), batch_size, shuffle)
        return ArrayBatches(self._prepare_inputs(x, who), None, batch_size)

    def _train_epoch(self, batches, runner):
        self.train()
        xp = self._array_module()
        tracker = MetricAccumulator(self.compiled_metrics)
        steps = batches.steps
        refresh = max(1, steps // _METRIC_REFRESHES) if steps else _METRIC_REFRESHES
        total, seen = 0.0, 0
        for step, (x_batch, y_batch) in enumerate(batches):
            runner.call("on_train_batch_begin", step, {"batch": step})
            x_batch, y_batch = _on(xp, x_batch), _on(xp, y_batch)
            loss, scores = self._train_step(x_batch, y_batch)
            total, seen = total + loss * len(x_batch), seen + len(x_batch)
            tracker.add(to_cpu(y_batch), scores)
            batch_logs = {"loss": total / seen}
            if self.compiled_metrics and ((step + 1) % refresh == 0 or step + 1 == steps):
                batch_logs.update(tracker.results())
            runner.call("on_train_batch_end", step, batch_logs)
            if self.stop_training:
                break
        return {"loss": total / max(seen, 1), **tracker.results()}

    def _train_step(self, x_batch, y_batch):
        """One update; returns (the batch's loss, its scores for the metrics or None)."""
        compiled = self.compiled_loss
        inputs = compiled.inputs(self, as_variable(x_batch))
        if not self._bound:  # lazily sized layers have made their parameters by now
            if not self._bind_optimizer():
                raise ValueError(f"fit: {type(self).__name__} has no parameters to train")
            self._bound = True
        loss = compiled(inputs, y_batch)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        scores = compiled.scores(to_cpu(inputs.data)) if self.compiled_metrics else None
        return float(loss.data), scores

    # ----- evaluation and inference -----
    def evaluate(self, x=None, y=None, batch_size=32, verbose=0, return_dict=False):
        """The loss on (x, y) (a float) when compiled without metrics, else the list
        [loss, metric, ...] in compile order (Keras); `return_dict` gives {name: value}.
        x may be a DataLoader (any iterable of (x, y) batches) with y None.
        verbose=1 or 2 prints the values on one line."""
        self._require_compiled("evaluate")
        batch_size = _check_count(batch_size, "batch_size", minimum=1)
        logs = self._evaluate_logs(self._batches(x, y, batch_size, "evaluate"))
        if verbose:
            print(format_logs(logs), flush=True)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_logs(self, batches):
        compiled = self.compiled_loss
        tracker = MetricAccumulator(self.compiled_metrics)
        total, seen = 0.0, 0
        xp = self._array_module()
        with self._inference():
            for x_batch, y_batch in batches:
                x_batch, y_batch = _on(xp, x_batch), _on(xp, y_batch)
                inputs = compiled.inputs(self, as_variable(x_batch))
                total += float(compiled(inputs, y_batch).data) * len(x_batch)
                seen += len(x_batch)
                if self.compiled_metrics:
                    tracker.add(to_cpu(y_batch), compiled.scores(to_cpu(inputs.data)))
        return {"loss": total / seen, **tracker.results()}

    def predict(self, x, batch_size=32, verbose=0):
        """The model's outputs for x as a NumPy array, computed batch by batch in eval mode
        without a graph (probabilities when the model ends with a sigmoid/softmax).
        x may be a DataLoader (the targets of (x, y) batches are ignored). A model
        returning a tuple gives a tuple of arrays."""
        batch_size = _check_count(batch_size, "batch_size", minimum=1)
        batches = self._batches(x, None, batch_size, "predict", targets=False)
        xp = self._array_module()
        with self._inference():
            outputs = [_host_arrays(self(as_variable(_on(xp, x_batch))))
                       for x_batch, _ in batches]
        return _concatenate(outputs)

    @staticmethod
    @contextlib.contextmanager
    def _inference():
        """Eval behaviour without touching `self.training`: `test_mode()` is per thread, so
        a thread predicting never switches off another thread's Dropout in `fit`."""
        with no_grad(), test_mode():
            yield

    # ----- description -----
    def summary(self, print_fn=print, line_length=72):
        """Print Keras' table: layers, output shapes, parameter counts and totals."""
        print_summary(self, print_fn=print_fn, line_length=line_length)

    def layer_output_shapes(self):
        """{child name: output shape with None for the batch axis}, where known."""
        return {}

    # ----- input checks -----
    def _require_compiled(self, who):
        if self.compiled_loss is None:
            raise RuntimeError(f"{who}: {type(self).__name__} is not compiled; call "
                               "model.compile(optimizer=..., loss=...) first")

    def _prepare_batch(self, x, y, who):
        """One loader batch checked and converted as whole arrays are (y may be None)."""
        if y is None:
            return self._prepare_inputs(x, who), None
        return self._prepare(x, y, who)

    def _prepare(self, x, y, who):
        x = self._prepare_inputs(x, who)
        y = _as_array(y, "y", who)
        if len(y) != len(x):
            raise ValueError(f"{who}: x has {len(x)} samples but y has {len(y)}")
        return x, y

    def _prepare_inputs(self, x, who):
        """x as an array; floats in the model's float dtype (float32 unless its parameters
        say otherwise), so float64 data does not slow float32 training down."""
        x = _as_array(x, "x", who)
        if len(x) == 0:
            raise ValueError(f"{who}: x holds no samples")
        dtype = self._float_dtype()
        if x.dtype.kind == "f" and x.dtype != dtype:
            x = x.astype(dtype)
        return x

    def _array_module(self):
        """NumPy, or CuPy for a model moved to the GPU: batches are sent where it lives."""
        for param in self.parameters():
            return get_array_module(param.data)
        return np

    def _float_dtype(self):
        for param in self.parameters():
            if param.dtype.kind == "f":
                return param.dtype
        return np.dtype(np.float32)


# ----- helpers -----
def _as_array(data, name, who):
    if data is None:
        raise ValueError(f"{who}: {name} is required")
    if looks_like_a_dataset(data):
        raise TypeError(f"{who}: {name} is a {type(data).__name__}, which holds samples: "
                        "wrap it in nn.data.DataLoader(dataset, batch_size=...) and pass that "
                        "as x")
    if isinstance(data, Variable):
        data = data.data
    if not (hasattr(data, "shape") and hasattr(data, "dtype")):
        try:
            data = np.asarray(data)
        except (ValueError, TypeError) as exc:  # ragged lists, e.g. a list of batches
            raise ValueError(f"{who}: {name} is a {type(data).__name__} that does not form "
                             f"an array of samples ({exc}); batches go in a DataLoader or "
                             "another iterable that is not a list") from None
    if data.ndim == 0:
        raise ValueError(f"{who}: {name} must be an array of samples (N, ...), got a scalar")
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {name} must hold numbers, got dtype {data.dtype}")
    return data


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _split_validation(x, y, validation_split):
    """((x_train, y_train), (x_val, y_val)); the split takes the LAST samples."""
    if not 0 < validation_split < 1:
        raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split!r}")
    split_at = int(math.floor(len(x) * (1.0 - validation_split)))
    if split_at in (0, len(x)):
        raise ValueError(f"fit: validation_split={validation_split} leaves no samples for "
                         f"{'training' if split_at == 0 else 'validation'} out of {len(x)}")
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


def _on(xp, array):
    """`array` as an array of the module `xp` (a copy to the GPU when xp is CuPy)."""
    return array if xp is np or array is None else xp.asarray(array)


def _concatenate(outputs):
    """Batch outputs joined along the batch axis, keeping a (nested) tuple structure."""
    if isinstance(outputs[0], tuple):
        return tuple(_concatenate(list(parts)) for parts in zip(*outputs))
    return np.concatenate(outputs)


def _host_arrays(output):
    if isinstance(output, (tuple, list)):
        return tuple(_host_arrays(item) for item in output)
    return to_cpu(output.data if isinstance(output, Variable) else output)


__all__ = ["Model"]
