"""TensorBoard: Keras' callback, writing real TensorBoard event files (no TensorFlow)."""
import os
import time

from autograd.arguments import nonnegative_int, positive_int
from autograd.backend import to_cpu
from autograd.user_warnings import user_warning

from .base import Callback, writes_files


class TensorBoard(Callback):
    """Keras 3's TensorBoard callback: event files under log_dir/train and
    log_dir/validation that `tensorboard --logdir log_dir` shows, with Keras' tags and steps.

    At each epoch's end (step: the epoch, 0-based): train/ gets `epoch_<name>` of the logs'
    training values and `epoch_learning_rate` (the optimizer's), validation/ gets
    `epoch_<name>` of the val_* values (the prefix dropped). Each validation, and each
    evaluate the callback is given to, writes `evaluation_<name>_vs_iterations` into
    validation/ at the optimizer's `iterations` (where it counts them). update_freq="batch"
    or an int n: `batch_<name>` of the batch logs into train/ at every n-th batch of the
    fit, counted from 1 over all its epochs (Keras' global batch). histogram_freq=n: every
    n-th epoch (epoch % n == 0), a histogram of each layer's weights, tagged
    `<weight path>/histogram` (Keras' `sequential/dense/kernel/histogram`; a PyTorch-style
    layer's parameters by their PyTorch names, `0.weight/histogram`), 30 buckets.
    write_steps_per_second: `batch_steps_per_second` and `epoch_steps_per_second`.
    write_graph: rungrad has no TensorFlow graph, and Keras' conceptual graph is drawn from
    Keras' own model JSON, which rungrad's to_json does not write; a Sequential or
    functional model's summary() table is written instead, as text (TensorBoard's Text
    tab), tagged `model_summary`, in train/ at step 0.

    Every fit (and every evaluate outside a fit) writes new files; the files of earlier
    runs are never touched. The files are flushed at each epoch's end and after each
    validation, and closed when training ends.

    One difference from Keras 3.15.1: with an integer update_freq n > 1 Keras drops the
    epoch and evaluation summaries of epochs whose last batch number is not a multiple of
    n (its per-batch record_if is still in force then); here they are always written.
    write_images, profile_batch and embeddings_freq/embeddings_metadata are refused unless
    left at their defaults (Keras' torch backend refuses profiling too)."""

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        self.log_dir = os.fspath(log_dir)
        if not self.log_dir:
            raise ValueError("TensorBoard: log_dir is empty; name the folder for the logs")
        self.histogram_freq = nonnegative_int(histogram_freq, "histogram_freq", "TensorBoard")
        self.write_graph = bool(write_graph)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = _update_freq(update_freq)
        _refuse_unsupported(write_images, profile_batch, embeddings_freq, embeddings_metadata)
        self.write_images = False
        self.embeddings_freq, self.embeddings_metadata = 0, None
        self._writers = {}
        self._global_train_batch = 0
        self._in_fit = False
        self._epoch_start = (0.0, 0)  # (time, updates) at the epoch's beginning
        self._batch_start = 0.0

    def set_model(self, model):
        """Each fit and evaluate: new writers, so new files (as Keras' set_model); the
        files of a fit an exception ended (no on_train_end) are closed here."""
        super().set_model(model)
        self._close_writers()
        self._writers = {}
        self._in_fit = False

    def _writer(self, which):
        """The EventWriter of "train" or "validation"."""
        if which not in self._writers:
            from .event_writer import EventWriter  # (lazily: keeps importing callbacks fast)
            self._writers[which] = EventWriter(os.path.join(self.log_dir, which))
        return self._writers[which]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()

    def on_train_begin(self, logs=None):
        self._in_fit = True
        self._global_train_batch = 0
        if self.write_graph and writes_files():
            self._write_model_summary()

    def on_train_end(self, logs=None):
        self._in_fit = False
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = (time.perf_counter(), self._updates())

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq or not writes_files():
            return
        writer = self._writer("train")
        if self.write_steps_per_second:
            seconds = time.perf_counter() - self._batch_start
            writer.scalar("batch_steps_per_second", 1.0 / max(seconds, 1e-9), step)
        for name, value in _scalars(logs):
            writer.scalar(f"batch_{name}", value, step)

    def on_test_end(self, logs=None):
        iterations = getattr(self.model.optimizer, "iterations", None) \
            if getattr(self.model, "optimizer", None) is not None else None
        if iterations is not None and writes_files():
            writer = self._writer("validation")
            for name, value in _scalars(logs):
                writer.scalar(f"evaluation_{name}_vs_iterations", value, int(iterations))
            writer.flush()
        if not self._in_fit:  # (a plain evaluate: no on_train_end will close the file)
            self._close_writers()

    def on_epoch_end(self, epoch, logs=None):
        if not writes_files():
            return
        self._log_epoch(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _log_epoch(self, epoch, logs):
        """epoch_<name> of the training values (and the learning rate) into train/, of the
        val_* ones into validation/."""
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        held_out = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train.update(_learning_rate(getattr(self.model, "optimizer", None)))
        if self.write_steps_per_second:
            began, updates = self._epoch_start
            train["steps_per_second"] = \
                (self._updates() - updates) / max(time.perf_counter() - began, 1e-9)
        for which, values in (("train", train), ("validation", held_out)):
            for name, value in _scalars(values):
                self._writer(which).scalar(f"epoch_{name}", value, epoch)

    def _updates(self):
        """The optimizer's updates so far (Keras' iterations), else the batches run."""
        optimizer = getattr(self.model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None)
        return self._global_train_batch if iterations is None else int(iterations)

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for tag, values in _weights(self.model):
            writer.histogram(f"{tag}/histogram", values, epoch)

    def _write_model_summary(self):
        """The summary() table as Markdown code (indented), in train/ at step 0."""
        from ..model_config import is_container
        if not is_container(self.model):  # (Keras writes Sequential and functional ones)
            return
        lines = []
        try:
            self.model.summary(print_fn=lines.append)
        except (ValueError, TypeError, RuntimeError) as exc:  # (e.g. a model not built)
            user_warning(f"TensorBoard: the model's summary could not be written ({exc})")
            return
        text = "\n".join("    " + line for part in lines for line in str(part).splitlines())
        self._writer("train").text("model_summary", text, 0)


def _update_freq(value):
    """Keras' update_freq: "epoch", or a number of batches ("batch": 1)."""
    if value == "batch":
        return 1
    if value == "epoch":
        return value
    return positive_int(value, "update_freq", "TensorBoard", hint=' (or "batch" or "epoch")')


def _refuse_unsupported(write_images, profile_batch, embeddings_freq, embeddings_metadata):
    """Options rungrad does not offer, refused unless at their defaults (never ignored)."""
    if write_images:
        raise ValueError("TensorBoard: write_images=True is not supported (rungrad writes no "
                         "image summaries); histogram_freq gives the weights' histograms")
    if _profiled(profile_batch):
        raise ValueError("TensorBoard: profiling is not available in rungrad (nor in Keras' "
                         f"torch backend); got profile_batch={profile_batch!r}, must be 0")
    if nonnegative_int(embeddings_freq, "embeddings_freq", "TensorBoard"):
        raise ValueError("TensorBoard: embeddings_freq must be 0: rungrad writes no "
                         "projector (embedding) logs")
    if embeddings_metadata is not None:
        raise ValueError("TensorBoard: embeddings_metadata must be None: rungrad writes no "
                         "projector (embedding) logs")


def _profiled(profile_batch):
    """Whether Keras' profile_batch asks for profiling: a non-negative int, "start[,stop]"
    or a (start, stop) pair of them, 0 (or (0, 0)) meaning no; a ValueError for anything
    else (Keras' rule)."""
    given = profile_batch
    if isinstance(profile_batch, str):
        try:
            profile_batch = [int(part) for part in profile_batch.split(",")]
        except ValueError:
            profile_batch = None
        if profile_batch is not None and len(profile_batch) == 1:
            profile_batch = profile_batch[0]
    if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
        profile_batch = (profile_batch, profile_batch)
    if not (isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2
            and all(isinstance(b, int) and not isinstance(b, bool) for b in profile_batch)
            and 0 <= profile_batch[0] <= profile_batch[1]):
        raise ValueError("TensorBoard: profile_batch must be a non-negative integer or a "
                         f"pair of them (start <= stop), got {given!r}")
    return tuple(profile_batch) != (0, 0)


def _scalars(logs):
    """(name, float) of the logs' single numbers (an array-valued metric, such as
    F1Score(average=None), has no scalar summary; a batch's "batch"/"size" entries are
    bookkeeping, as in Keras' logs they are absent)."""
    for name, value in (logs or {}).items():
        if name in ("batch", "size") or getattr(value, "ndim", 0):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        yield name, number


def _learning_rate(optimizer):
    """{"learning_rate": the current rate} (a LossScaleOptimizer's inner one's), or {}."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    rate = getattr(optimizer, "learning_rate", None)
    try:
        return {} if rate is None else {"learning_rate": float(rate)}
    except (TypeError, ValueError):
        return {}


def _weights(model):
    """(tag, NumPy array) of the model's weights: Keras' paths (the layers' weights, as
    Keras logs them), then the parameters no Keras layer names (a PyTorch-style layer's,
    a subclassed model's own) by their PyTorch names ("0.weight")."""
    tagged, named = [], set()
    for layer in getattr(model, "layers", None) or []:
        for weight in getattr(layer, "weights", None) or []:
            path = getattr(weight, "path", None)
            if path:
                tagged.append((path.replace(":", "_"), to_cpu(weight.data)))
                named.add(id(weight))
    tagged += [(name, to_cpu(p.data)) for name, p in model.named_parameters()
               if id(p) not in named]
    return tagged


__all__ = ["TensorBoard"]
