"""Keras' overridable steps ("customizing what happens in fit()"): train_step, test_step,
predict_step, compute_loss and compute_metrics, and the metric objects they update.

    class Custom(keras.Model):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self.zero_grad()
            loss.backward()
            variables = self.trainable_variables
            self.optimizer.apply([v.grad for v in variables], variables)
            self.metrics[0].update_state(loss)  # Keras' loss tracker, 'loss'
            return self.compute_metrics(x, y, y_pred)  # every metric's result so far

A model whose class writes one of them (or compiled without a loss, for a train_step that
computes its own) has fit, evaluate, predict and the *_on_batch calls run them batch by
batch, as Keras 3 does: fit resets `model.metrics` at each epoch, calls train_step(data) per
batch (data: (x, y), or (x, y, sample_weight) where weights are given), hands the returned
dict to the callbacks and logs the epoch's last (Keras logs the metrics' results instead
where the step returns exactly their names: the same values when the step returns the
running results, as the defaults do, and a stale tracker's 0 where it returns its own
batch's loss under the tracker's name); evaluate likewise with test_step; predict
joins what predict_step returns. The defaults here are Keras': the loss tracked by a Mean
weighted by batch size, the compiled metrics as one 'compile_metrics' metric, so a subclass
may call super().train_step(data) or write only compute_loss. A model that writes none of
them runs model.py's own loops, which log the same numbers without per-batch metric objects.
"""

import numpy as np

from autograd.config import enable_grad, no_grad, test_mode, train_behaviour
from autograd.ops import clip, log
from autograd.user_warnings import user_warning
from autograd.variable import Variable, as_variable

from .batches import array_module, host_arrays, to_module
from .masking import model_output_mask
from .named_arrays import sample_count

# the methods whose override makes fit (evaluate, predict) run the steps batch by batch
STEP_METHODS = {"fit": ("train_step", "compute_loss", "compute_metrics"),
                "evaluate": ("test_step", "compute_loss", "compute_metrics"),
                "predict": ("predict_step",)}


def computes_own_loss(model):
    """Whether the model's class writes train_step or compute_loss (compile may then be
    given no loss)."""
    return _written(model, ("train_step", "compute_loss"))


def _written(model, names):
    return any(getattr(type(model), name) is not getattr(_KerasSteps, name) for name in names)


def runs_steps(model, who):
    """Whether `who` ('fit', 'evaluate', 'predict') runs the model's steps (a subclass
    writes one of them, or the model has no compiled loss to run its own loop with)."""
    return _written(model, STEP_METHODS[who]) or (
        who != "predict" and model.compiled_loss is None)


class _KerasSteps:
    """Model's Keras 3 step methods (see the module doc); the defaults do what fit's own loop
    does, one batch at a time."""

    # ----- the metrics -----
    @property
    def metrics(self):
        """Keras' list: the loss tracker and the compiled metrics (once compiled), then the
        Metric objects the model and its layers hold as attributes (or in lists, tuples and
        dicts of them). A subclass may give its own list."""
        found = [m for m in (self.__dict__.get("_loss_tracker"),
                             self.__dict__.get("_compile_metrics")) if m is not None]
        for module in self.modules():
            for value in vars(module).values():
                for metric in _metrics_in(value):
                    if not any(metric is m for m in found):
                        found.append(metric)
        return found

    def reset_metrics(self):
        self._loop_results = None
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """{name: result} of `metrics`, a metric of several results (compile_metrics)
        giving each under its own name; after fit's own loop (fit, evaluate, train_on_batch,
        which keep their own sums), the values it logged last, as Keras' give."""
        if self._loop_results is not None:
            return dict(self._loop_results)
        results = {}
        for metric in self.metrics:
            value = metric.result()
            results.update(value if isinstance(value, dict) else {metric.name: value})
        return results

    def _make_step_metrics(self):
        """compile's: a fresh loss tracker, and the compiled metrics as one metric."""
        from ..keras.metrics.reduction import Mean  # (nn.keras imports nn.training)
        from .compile_metrics import CompileMetrics
        object.__setattr__(self, "_loss_tracker", Mean(name="loss"))
        has_metrics = self.compiled_loss is not None and bool(self.compiled_metrics)
        object.__setattr__(self, "_compile_metrics", CompileMetrics(self) if has_metrics
                           else None)

    # ----- the parts a step is made of -----
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of y_pred (the model's output) against y, plus the layers'
        penalties (model.losses), as Keras'. x and training are unused here (a subclass's
        may read them)."""
        del x, training
        if self.compiled_loss is None:
            raise ValueError(f"compute_loss: {type(self).__name__} was compiled without a "
                             "loss; give compile a loss=, or compute the loss in your "
                             "train_step (or write compute_loss)")
        inputs = loss_inputs(self, y_pred, "compute_loss")
        if y is None:
            raise ValueError(f"compute_loss: no targets (y) to compare {type(self).__name__}'s "
                             "outputs with: the batches hold x alone; compute the loss in "
                             "your train_step (or write compute_loss)")
        mask = model_output_mask(self, y_pred if isinstance(y_pred, Variable) else inputs)
        loss = self.compiled_loss(inputs, loss_targets(self, y), plain(sample_weight), mask)
        return self._with_penalties(loss)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with (y, y_pred) and return every metric's result
        (get_metrics_result), as Keras'."""
        del x
        if self.__dict__.get("_compile_metrics") is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # ----- the steps -----
    def train_step(self, data):
        """One update on a batch `data` ((x, y) or (x, y, sample_weight)); returns the
        metrics' results so far."""
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=True)
        if not self._bound:  # lazily sized layers have made their parameters by now
            self._bind_optimizer()
            self._bound = True
        loss = self._tracked_loss(x, y, y_pred, sample_weight, training=True)
        if loss.requires_grad:
            self.optimizer.zero_grad()
            self._backward_scaled(loss)
            self._step_optimizer(self.optimizer.step)
        else:
            user_warning(f"train_step: {type(self).__name__} has no trainable weights (all "
                         "are frozen): the loss is computed, nothing is updated")
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """The loss and metrics of a batch, without an update."""
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=False)
        self._tracked_loss(x, y, y_pred, sample_weight, training=False)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _tracked_loss(self, x, y, y_pred, sample_weight, training):
        """compute_loss's value, added to the loss tracker weighted by the batch's size."""
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                 training=training)
        self._loss_tracker.update_state(float(loss.data), sample_weight=sample_count(x))
        return loss

    def predict_step(self, data):
        """The model's outputs for a batch (its x; targets, if any, are ignored)."""
        x, _, _ = unpack(data)
        return self(x, training=False)


def loss_targets(model, y):
    """y as the compiled loss takes it: an array, or for several outputs a tuple in their
    order (from a list, or a dict keyed by their names)."""
    names = model.several_outputs()
    if names is None:
        return plain(y)
    if isinstance(y, dict):
        return tuple(plain(y[name]) for name in names)
    return tuple(plain(item) for item in y)


def _metrics_in(value):
    """The Metric objects `value` is or holds (in a list, tuple or dict), in order."""
    from ..keras.metrics.metric import Metric  # (nn.keras imports nn.training)
    if isinstance(value, Metric):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, Metric)]
    return []


def unpack(data):
    """Keras' unpack_x_y_sample_weight: (x, y, sample_weight) from x, (x,), (x, y) or
    (x, y, sample_weight)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"a batch holds x, (x, y) or (x, y, sample_weight); got a tuple of "
                     f"{len(data)} items")


def step_data(batch, xp):
    """What a step is given for a batch (x, y, w) of make_batches, as arrays of `xp`:
    (x, y), (x, y, w), or x alone where there are no targets."""
    x, y, weights = (to_module(xp, a) for a in batch)
    if y is None:
        return x
    return (x, y) if weights is None else (x, y, weights)


def plain(value):
    """A Variable's array (targets and weights a step passes on may be either)."""
    return value.data if isinstance(value, Variable) else value


def loss_inputs(model, y_pred, who):
    """y_pred as the compiled loss takes it: the logits behind a final sigmoid or softmax
    where the loss absorbs one (read from the graph; without a graph, from the outputs of a
    model whose last layer is that activation, as Keras' from_logits=False: their logarithm,
    clipped to [1e-7, 1 - 1e-7]), else y_pred itself. For several outputs (a list, or a
    dict keyed by their names), a tuple of each output's, in the outputs' order."""
    names = model.several_outputs()
    if names is None:
        return _loss_input(model.compiled_loss, model.final_activation(), y_pred)
    outputs = [y_pred[name] for name in names] if isinstance(y_pred, dict) else y_pred
    if not isinstance(outputs, (list, tuple)) or len(outputs) != len(names):
        raise ValueError(f"{who}: y_pred must hold the model's {len(names)} outputs "
                         f"({', '.join(names)}), as a list or a dict keyed by their names")
    compiled = model.compiled_loss
    return tuple(_loss_input(loss, final, out) for loss, final, out in zip(
        compiled.losses, model.final_activations(), outputs))


def _loss_input(compiled, final, y_pred):
    """One output's y_pred as its loss `compiled` (None: no loss) takes it (see
    loss_inputs); `final`: the model's final activation on that output, where known."""
    y_pred = as_variable(y_pred)
    if compiled is None or compiled.absorbs is None:
        return y_pred
    if y_pred.creator is None and final == compiled.absorbs:
        compiled.taken = compiled.absorbs
        return _logits_of_probabilities(y_pred, compiled.absorbs)
    with enable_grad():
        return compiled.read_logits(y_pred)


def _reads_graph(model):
    """Whether a compiled loss reads the logits from the graph of the model's output."""
    compiled = model.compiled_loss
    if compiled is None:
        return False
    if model.several_outputs() is None:
        return compiled.reads_graph(model.final_activation())
    return any(loss is not None and loss.reads_graph(final)
               for loss, final in zip(compiled.losses, model.final_activations()))


def _logits_of_probabilities(p, activation):
    """Logits whose sigmoid (softmax) gives the probabilities p, clipped as Keras clips."""
    eps = 1e-7
    p = clip(p, eps, 1 - eps)
    return log(p) if activation == "softmax" else log(p) - log(1 - p)


def train_epoch(model, batches, runner, executions):
    """One epoch of train_step calls over `batches`; the epoch's logs (fit's hooks run as
    in the model's own loop)."""
    return _run_steps(model, in_training(model.train_step), batches, runner, executions,
                      "train")


def in_training(step):
    """`step` (a train_step) run with training behaviour, as fit runs it: the model's
    modules train whatever their own mode (a callback's model(x) between steps infers)."""
    def step_in_training(data):
        with train_behaviour():
            return step(data)
    return step_in_training


def evaluate_steps(model, batches, runner, executions):
    """test_step over `batches` (inference behaviour; a graph only where the compiled loss
    reads the logits from it, as the model's own evaluation does); the logs."""
    runner.call("on_test_begin", {})
    with enable_grad() if _reads_graph(model) else no_grad(), test_mode():
        logs = _run_steps(model, model.test_step, batches, runner, executions, "test")
    runner.call("on_test_end", logs)
    return logs


def _run_steps(model, step_of, batches, runner, executions, phase):
    """`step_of` (train_step, test_step) on each batch from freshly reset metrics, with the
    on_{phase}_batch hooks (a training epoch stops where a callback asks); the logs."""
    model.reset_metrics()
    xp, logs = array_module(model), {}
    for step, batch, begins, ends in executions(batches, model.steps_per_execution):
        if begins:
            runner.call(f"on_{phase}_batch_begin", step, {"batch": step})
        logs = logged(step_of(step_data(batch, xp)))
        if ends:
            runner.call(f"on_{phase}_batch_end", step, logs)
            if phase == "train" and model._stopping():
                break
    return model._logged(logs, by_own_loop=False)


def logged(results):
    """A step's returned dict as logs: nested dicts (a metric of several results) flattened,
    scalars as floats (Variables and NumPy values alike)."""
    if not isinstance(results, dict):
        raise TypeError(f"a step must return a dict of metric values (Keras'), got "
                        f"{type(results).__name__}")
    logs = {}
    for name, value in results.items():
        if isinstance(value, dict):
            logs.update(logged(value))
            continue
        value = np.array(host_arrays(value))  # a copy: not a metric's live state array
        logs[name] = float(value) if value.ndim == 0 else value
    return logs


__all__ = ["STEP_METHODS", "runs_steps", "unpack", "loss_inputs", "loss_targets"]
