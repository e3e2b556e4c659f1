"""Model: a Module with Keras' training loop (compile, fit, evaluate, predict, summary).

    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=10, batch_size=32, validation_split=0.1)
    loss, acc = model.evaluate(x_test, y_test)
    probabilities = model.predict(x_test)
    model.fit(nn.data.DataLoader(train_set, batch_size=32, shuffle=True), epochs=10)

One epoch is ceil(n / batch_size) updates over a fresh permutation (NumPy's global
generator, so `np.random.seed` makes runs repeatable), or one pass over a DataLoader (any
iterable of (x, y) batches; see nn.training.batches) given as x. fit's steps run with
training behaviour (the modules' own mode left as it was: a compiled model's model(x)
infers, as Keras'); validation, evaluate and predict with inference behaviour, without
recording a graph. The epoch's
loss is the mean of the batch losses weighted by batch size; metrics are computed over
all the epoch's (or data set's) outputs at once. How the loss names treat logits and
probabilities: see nn.training.losses.
"""
import contextlib
import functools
import inspect
import numbers
import sys
import weakref

import numpy as np

from autograd.arguments import nonnegative_int, positive_int
from autograd.backend import array_of, to_cpu
from autograd.capture import capture, run_replayed
from autograd.config import no_grad, test_mode, train_behaviour, train_mode
from autograd.own_code import rungrads_own
from autograd.user_warnings import user_warning

from .. import constraints, regularizers
from ..call_losses import (
    CALL_LOSSES,
    WEIGHT_PENALTIES,
    call_losses_in_use,
    held_losses,
    hold_again,
    losses_held_in,
    top_level_call,
)
from ..data.loader import DataLoader
from ..layer_collections import TracksLayerCollections
from ..layers.dtype_policy import dtype_policy as as_policy
from ..layers.dtype_policy import global_policy
from ..layers.input_layer import takes_text
from ..layers.keras_name import KerasName, KerasWeights, keras_name, layer_names
from ..layers.keras_settings import capped_epochs, print_msg
from ..layers.lazy_build import in_shape_trial
from ..layers.made_weights import MakesWeights
from ..module import SYMBOLIC_FIRST, Module, takes_training
from .batches import (
    OPTIONAL,
    LimitedSteps,
    array_module,
    as_input,
    concatenate_outputs,
    fit_batches,
    host_arrays,
    is_text,
    limited,
    make_batches,
    targets_for,
    to_module,
    training_count,
    yields_batches,
)
from .building import build_by_trial_call, building_first, model_is_built, noting_built
from .callbacks.callback_list import CallbackList, callback_items
from .callbacks.history import History
from .compile_options import jit_choice, loss_weight
from .custom_steps import (
    _KerasSteps,
    computes_own_loss,
    evaluate_steps,
    in_training,
    logged,
    runs_steps,
    step_data,
    train_epoch,
)
from .first_call_shapes import recording_output_shapes
from .losses import resolve_loss
from .masking import model_output_mask
from .metrics import resolve_metrics
from .model_layers import ModelLayers, held_layer_items
from .multi_output import resolve_outputs
from .named_arrays import each, sample_count
from .optimizers import LossScaleOptimizer, holds_parameters, resolve_optimizer
from .progress import format_logs, progress_callback
from .step_settings import StepSettings, WatchedHooks
from .summary import print_summary, shown_children
from .weighted_metrics import resolve_weighted_metrics

# Running metrics are computed about this many times an epoch (after the first batch, then
# every tenth of the epoch, and after the last), or every this many batches when the epoch's
# length is unknown (a loader without len()); each batch's logs hold the latest values.
# Every batch would cost a pass over the epoch so far per batch: quadratic in its length.
_METRIC_REFRESHES = 10


class Model(_KerasSteps, MakesWeights, TracksLayerCollections, Module, KerasName, KerasWeights):
    """A Module that trains itself: subclass it and write `forward` (or Keras' `call`, which
    is then the forward), use Sequential, or give it the inputs and outputs of Keras'
    functional API (`Model(inputs, outputs)`, nn.keras.functional). Keras' train_step,
    test_step, predict_step, compute_loss and compute_metrics may be written too (see
    nn.training.custom_steps)."""

    _parallel = None  # a DataParallelFit while fit runs on several ranks
    _logged_names = ()  # metrics_names: the names of the values logged last
    _loop_results = None  # fit's own loop's last logs (it updates no Keras metric objects)
    _mode_chosen = False  # whether train() or eval() was called since compile
    summary_shows_inputs = True  # a functional model's Input is a row of Keras' summary
    _first_call_shapes = None  # {layer key: output shape} of a subclassed model's first call
    layers = ModelLayers()  # Keras' list of a subclassed model's layers

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "call" in vars(cls) and "forward" not in vars(cls):
            cls.forward = vars(cls)["call"]  # Keras' subclassed model writes call()
        # Keras builds a user's subclassed model at its first call (the library's own
        # models, Sequential's trial-call build among them, build as they say)
        if "build" in vars(cls) and not cls.__module__.startswith("nn."):
            cls.build = noting_built(vars(cls)["build"])
        if getattr(cls.build, "notes_built", False) and not getattr(cls.forward, "builds_first",
                                                                     False):
            cls.forward = building_first(cls.forward)  # (an inherited build too)

    def __new__(cls, *args, **kwargs):
        """`Model(inputs, outputs)` (Keras' functional API) makes nn.keras' Functional model;
        so does a subclass given keras.Input tensors and outputs (Keras 3's guides build
        `class CustomModel(keras.Model)` that way): the subclass on top of Functional, its
        own methods (train_step, ...) kept. `Model()` and other subclasses are made as they
        are."""
        if cls is Model and (args or kwargs):
            from ..keras.functional import Functional
            cls = Functional
        elif _symbolic_arguments(args, kwargs):
            cls = _functional_form(cls)
        model = super().__new__(cls)
        if not rungrads_own(cls):  # a user's subclass: Keras' auto config
            object.__setattr__(model, "_constructed_with", plain_arguments(cls, args, kwargs))
        return model

    def _become_functional(self, args, kwargs, name):
        """A subclass whose __init__ builds its graph and hands it on, Keras 3's
        `super().__init__(inputs=x, outputs=y)`: the instance becomes the subclass on top of
        nn.keras' Functional (as __new__ makes it when given them from outside; Keras'
        inject_functional_model_class), and Functional makes the rest."""
        if not _symbolic_arguments(args, kwargs):
            given = [type(a).__name__ for a in args] + list(kwargs)
            raise TypeError(f"{type(self).__name__}: Model() takes name= alone, or Keras' "
                            f"functional arguments inputs= (keras.Input tensors) and outputs=; "
                            f"got {', '.join(given)}")
        from ..keras.functional import Functional
        object.__setattr__(self, "__class__", _functional_form(type(self)))
        Functional.__init__(self, *args, name=name, **kwargs)

    def build(self, input_shape=None):
        """Keras' build of a subclassed model, such as model.build((None, 784)) before
        summary(): a model without a build of its own is called once on zeros of that shape
        (None sizes tried as 1; a list or dict of shapes for a model taking a list or dict),
        which sizes its lazy layers (Dense(16) learns its input size so). A subclass's own
        build (run at its first call) makes its layers; its super().build(input_shape) does
        nothing more."""
        if input_shape is not None and not getattr(type(self).build, "notes_built", False):
            build_by_trial_call(self, input_shape)

    @property
    def built(self):
        """Keras' flag: whether the model has its weights (see building.model_is_built);
        `self.built = True` in a build of one's own, as Keras' guides write, is kept."""
        said = self.__dict__.get("_said_built")
        return model_is_built(self) if said is None else said

    @built.setter
    def built(self, value):
        object.__setattr__(self, "_said_built", bool(value))

    def __init__(self, *args, name=None, **kwargs):
        if args and not kwargs and len(args) == 1 and isinstance(args[0], str):
            name, args = args[0], ()  # (the name by position, as before)
        if args or kwargs:  # a subclass's __init__ calling super().__init__(inputs, outputs)
            self._become_functional(args, kwargs, name)
            return
        super().__init__()
        self.name = name  # Keras' (KerasName: 'sequential', 'functional', 'my_model' if None)
        self.optimizer = None
        self.compiled = False  # (Keras' flag: compile has been called)
        self.compiled_loss = None
        self.compiled_metrics = []
        self._note_loss(None)
        self.stop_training = False
        self.history = None
        self._bound = False  # whether fit has bound the optimizer since the first forward
        self._binds_optimizer = False  # whether compile's optimizer takes the model's params
        self._captured_update = None  # compile(jit_compile=True): _update, captured
        self._captured_with = None  # the (optimizer, loss) it was captured with
        self.run_eagerly = False  # Keras' attribute (rungrad always runs eagerly)
        self.steps_per_execution = 1  # batches between two calls of the batch hooks
        self._model_policy = global_policy()  # (Keras': the global one when made)

    # ----- Keras' names of the layers held -----
    def add_module(self, name, module):
        super().add_module(name, module)
        self.name_layers()

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, Module):
            self.name_layers()

    def __delattr__(self, name):
        held = name in vars(self).get("_modules", ())
        super().__delattr__(name)
        if held:
            self.name_layers()

    def name_layers(self):
        """Hand each layer or model held that was not given a name the name this model knows
        it by (layer_names: what summary() and get_layer say), its Keras `name`; asked
        whenever the children change (once for many joining together: layers_joining)."""
        modules = vars(self).get("_modules")
        if not modules or vars(self).get("_naming_deferred"):
            return
        held = dict(held_layer_items(modules))  # (a list's layers numbered with the rest)
        for key, name in layer_names(held).items():
            child = held[key]
            if isinstance(child, KerasName) and child._given_name is None:
                object.__setattr__(child, "_name_from_model", name)

    @contextlib.contextmanager
    def layers_joining(self):
        """Name the layers once, when all those joining have joined (a functional model's
        hundreds: naming them all at each join took a time quadratic in their number)."""
        object.__setattr__(self, "_naming_deferred", True)
        try:
            yield
        finally:
            object.__setattr__(self, "_naming_deferred", False)
            self.name_layers()

    @property
    def dtype_policy(self):
        """Keras' DTypePolicy of the model: the global policy when it was made (a
        "mixed_float16" one makes compile scale the loss)."""
        return vars(self).get("_model_policy") or global_policy()

    @dtype_policy.setter
    def dtype_policy(self, value):
        """Keras' setter: a policy or its name (a Keras file's model config records the
        one its model was made under)."""
        self._model_policy = as_policy(value, type(self).__name__)

    def __call__(self, *args, training=None, **kwargs):
        """Run the model. Keras' `training=`: False gives inference behaviour for this call
        (Dropout off, BatchNorm's running statistics), True training behaviour, whatever
        train() / eval() say. None, the default: once compiled, inference, as Keras'
        `model(x)` (fit trains, and a train() or eval() after compile restores PyTorch's
        rule); before compile, the modules' own mode, as PyTorch's (a model is in training
        mode until `eval()`). A `forward` that takes `training` gets the mode in force, as
        Keras' `call`: True in fit, False in predict and evaluate.
        The outermost model call clears its layers' call-time losses first (nn.call_losses)."""
        with top_level_call(args, kwargs, self):
            if self._first_call_shapes is None and self._shapes_shown_of(args, kwargs):
                return self._shapes_recording_call(args, training, kwargs)
            return self._call(args, training, kwargs)

    def _shapes_shown_of(self, args, kwargs):
        """Whether summary() shows the layers' output shapes of this call: a subclassed
        model's (Sequential and functional models know theirs) first real one, not a
        symbolic call nor a trial (Keras shows the shapes its layers were built for)."""
        return (type(self).layer_output_shapes is Model.layer_output_shapes
                and not in_shape_trial() and not _records_a_node(args, kwargs))

    def _shapes_recording_call(self, args, training, kwargs):
        """_call, its held layers' output shapes recorded (only the first call pays for it:
        nn.training.first_call_shapes)."""
        shapes = {}
        with recording_output_shapes(shown_children(self), shapes):
            out = self._call(args, training, kwargs)
        object.__setattr__(self, "_first_call_shapes", shapes)
        return out

    def _infers_unasked(self):
        """Whether a call without training= infers (Keras' model(x)): compiled, no mode
        chosen since, and no behaviour in force (fit's training, predict's inference)."""
        return self.compiled and not self._mode_chosen and train_mode.get() is True

    def train(self, mode=True):
        """PyTorch's train(mode) (eval(): train(False)); on a compiled model it also makes
        model(x) follow the modules' mode again, as before compile."""
        super().train(mode)
        object.__setattr__(self, "_mode_chosen", True)
        return self

    def plot(self, *inputs, **options):
        """Module.plot: the graph of a forward on `inputs`; a compiled model's is the one fit
        backpropagates through (Dropout included), not its model(x)'s inference."""
        if not self._infers_unasked():
            return super().plot(*inputs, **options)
        with train_behaviour():
            return super().plot(*inputs, **options)

    def _call(self, args, training, kwargs):
        if _records_a_node(args, kwargs):  # (its replays take the training= given, if any)
            if training is not None:
                kwargs["training"] = training
            return super().__call__(*args, **kwargs)
        if training is None and self._infers_unasked():
            training = False
        takes = takes_training(type(self).forward)
        if training is None:
            if takes and "training" not in kwargs:  # Keras gives call() the mode in force:
                kwargs["training"] = self.training  # True in fit, False in predict, evaluate
            return super().__call__(*args, **kwargs)
        if takes:
            kwargs["training"] = training
        with _behaviour(bool(training)):
            return super().__call__(*args, **kwargs)

    @property
    def metrics_names(self):
        """The names of the values evaluate returns, in its order: ['loss', 'accuracy', ...]
        (tf.keras' list, the one `dict(zip(model.metrics_names, model.evaluate(x, y)))`
        reads; Keras 3 names its metric container 'compile_metrics' instead). Empty until
        the model has been trained or evaluated, as in tf.keras."""
        return list(self._logged_names)

    def _logged(self, logs, by_own_loop=True):
        """logs, whose names metrics_names now gives; by_own_loop: logs of fit's own loop
        (evaluate's, train_on_batch's), which get_metrics_result gives until the metrics are
        reset (a train_step's are its metrics objects' results, read from them)."""
        self._logged_names = list(logs)
        self._loop_results = dict(logs) if by_own_loop else None
        return logs

    @property
    def losses(self):
        """Keras' model.losses: the layers' regularization penalties (Dense's
        kernel_regularizer, bias_regularizer) of the current weights, and the losses of the
        last call (activity_regularizer's, add_loss's), as Variables."""
        return held_losses(self.modules())

    def _with_penalties(self, loss, share=1.0):
        """The loss fit and evaluate minimize and report: the compiled loss plus the layers'
        losses (times `share`: a rank's part of them), as Keras adds them."""
        penalties = self.losses if _may_hold_losses() else None
        if not penalties:
            return loss
        return sum(penalties, loss) if share == 1.0 else loss + sum(penalties) * share

    def _penalty_value(self, kinds, modules=None):
        """The losses of `kinds` (nn.call_losses) that `modules` (default: every layer) hold,
        summed, as a float (0 without any)."""
        if not _may_hold_losses():
            return 0.0
        penalties = held_losses(self.modules() if modules is None else modules, kinds)
        return float(to_cpu(array_of(sum(penalties)))) if penalties else 0.0

    # ----- configuration -----
    @property
    def jit_compile(self):
        """Whether fit replays a captured step (compile's jit_compile; Keras' attribute,
        which may be set after compile too, as Keras')."""
        return self._captured_update is not None

    @jit_compile.setter
    def jit_compile(self, value):
        wanted = jit_choice(value, False)
        if wanted != self.jit_compile:
            self._captured_update = capture(self._update) if wanted else None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, jit_compile=False, *,
                loss_weights=None, weighted_metrics=None, run_eagerly=False,
                steps_per_execution=1, auto_scale_loss=True):
        """Choose the optimizer, the loss and the metrics (Keras' other options by keyword).

        optimizer: a name ('sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamw', 'nadam',
        'adamax': Keras' own, nn.keras.optimizers, with Keras' defaults and update rules) or
        an `optim.Optimizer` (Keras' `keras.optimizers.Adam(...)` is one), which may have been made
        without parameters (`optim.Adam(lr=0.01)`): it is bound to the model's parameters
        now, and again at the first batch of `fit` for layers sized lazily. One made with
        parameters (`optim.SGD(model[-1].parameters())`) trains those only.
        loss: 'mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy'
        (one-hot targets), 'sparse_categorical_crossentropy' (integer targets), Keras' other
        names ('msle', 'mape', 'hinge', 'squared_hinge', 'categorical_hinge', 'poisson',
        'kl_divergence' or 'kld', 'log_cosh', 'cosine_similarity', and the long names:
        nn.functional's msle_loss, ... over the output's last axis), Keras' class names of
        all these ('MeanSquaredError', 'BinaryCrossentropy'), or any callable
        `loss(pred, target)` returning a scalar Variable, or Keras' `loss(y_true, y_pred)`
        (told apart by the first argument's name; one that tells neither order, such as
        `(a, b)`, is refused rather than guessed). The cross-entropy names
        work on logits: a model ending in a sigmoid/softmax Dense (or nn.Sigmoid /
        nn.Softmax) is run without it for the loss, a model without one is taken to output
        logits (see nn.training.losses).
        metrics: names ('accuracy', 'mse', 'mae', Keras' 'precision', 'recall', 'auc',
        'f1_score' (its metric objects), rungrad's whole-epoch 'macro_precision',
        'macro_recall', 'f1', 'exact_auc', and Keras' loss-valued ones: 'mape', 'msle',
        'hinge', 'poisson', 'kl_divergence', 'cosine_similarity', ...; see
        nn.training.metrics), callables
        `metric(y_true, y_pred) -> float`, or Keras' metric objects
        (`nn.keras.metrics.AUC()`, a Metric subclass), streamed over each epoch's batches.
        jit_compile: True runs fit's update as a captured step (`autograd.capture`): the
        same update without rebuilding the graph at each batch (Keras' name for compiling
        its train step), on several processes too (the averaging is replayed). Keras'
        default 'auto' is False here: eager.
        weighted_metrics: metrics that, unlike `metrics`, see the sample weights
        (sample_weight, class_weight's): Keras' metric objects, names and functions, as
        Keras resolves them (see nn.training.weighted_metrics); one named as a metric is
        logged as 'weighted_' + name.
        loss_weights: a number (or a list of one) the loss is multiplied by, in what is
        minimized and in the logged loss (not the layers' penalties), as Keras; a dict,
        which names outputs, is refused (a model has one output here).
        run_eagerly: taken for Keras code; rungrad always runs eagerly, and True turns
        jit_compile off, as in Keras.
        steps_per_execution: the batches Keras runs per call of its compiled step, which
        callbacks see: fit, evaluate and predict still run each batch, but call the batch
        hooks once per this many (on_*_batch_begin with the first batch's index,
        on_*_batch_end with the last one's and the logs after it), and a callback's
        stop_training takes effect there, as in Keras.
        auto_scale_loss: as Keras, a model made under the global policy "mixed_float16"
        trains with its optimizer wrapped in a LossScaleOptimizer (nn.keras.optimizers:
        float16 gradients would underflow); False leaves it as it is.
        """
        steps_per_execution = positive_int(steps_per_execution, "steps_per_execution",
                                           "compile")
        jit_compile = jit_choice(jit_compile, run_eagerly)
        outputs = self.several_outputs()
        if outputs is None:
            loss_weights = self._of_the_output(loss_weights, "loss_weights")
        weight = loss_weight(loss_weights) if outputs is None else None
        self._captured_update = capture(self._update) if jit_compile else None
        self.run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self._logged_names, self._loop_results = (), None  # (none under this compile)
        self._mode_chosen = False  # (model(x) infers, as Keras')
        optimizer = resolve_optimizer(optimizer)
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16" and not isinstance(
                optimizer, LossScaleOptimizer):
            optimizer = LossScaleOptimizer(optimizer, name="loss_scale_optimizer")
        # the model's parameters join an optimizer made without any (again after a
        # recompile with the one they joined); one given parameters keeps to them
        self._binds_optimizer = not holds_parameters(optimizer) or (
            optimizer is self.optimizer and self._binds_optimizer)
        if not self._binds_optimizer:
            _check_holds_own(optimizer, self)
        self.optimizer = optimizer
        if loss is None and computes_own_loss(self):
            if metrics or weighted_metrics:
                raise ValueError("compile: metrics are scored through the loss (it says how "
                                 "the outputs read); without a loss, update your own metric "
                                 "objects in train_step")
            self.compiled_loss, self.compiled_metrics = None, []
        elif outputs is not None:  # (nn.training.multi_output)
            self.compiled_loss = resolve_outputs(outputs, loss, loss_weights, metrics,
                                                 weighted_metrics, self.outputs_keyed())
            self.compiled_metrics = self.compiled_loss.flat_metrics
        else:
            self._compile_one_output(loss, metrics, weighted_metrics, weight)
        self._make_step_metrics()
        self._bind_optimizer()
        self._note_loss(loss)
        self.compiled = True  # (a compile that raised leaves the model as it was marked)

    def _note_loss(self, loss):
        """Keras' `model.loss`: compile's loss as given (None before). Kept as a plain
        attribute, never a child (a loss may be a Module), and not where the model's class
        or its children already use the name."""
        if "loss" not in self._modules and "loss" not in self._parameters and not hasattr(
                type(self), "loss"):
            object.__setattr__(self, "loss", loss)

    def _compile_one_output(self, loss, metrics, weighted_metrics, weight):
        # Keras' dicts keyed by the output's name, for a model of one output
        loss, metrics, weighted_metrics = (self._of_the_output(value, what) for value, what in (
            (loss, "loss"), (metrics, "metrics"), (weighted_metrics, "weighted_metrics")))
        self.compiled_loss = resolve_loss(loss)
        self.compiled_loss.weight = weight
        unweighted = resolve_metrics(metrics, independent_outputs=self.compiled_loss.independent)
        self.compiled_metrics = unweighted + resolve_weighted_metrics(weighted_metrics,
                                                                      unweighted)

    def _of_the_output(self, value, what):
        """compile's `value`, or for a dict keyed by the one output's name (Keras' form for
        several outputs, which it takes for one too), the entry for it; a loss (or loss
        weight) given as a list of one, as for a list of outputs, is that one."""
        if what in ("loss", "loss_weights") and isinstance(value, (list, tuple)) and len(
                value) == 1:
            return value[0]
        if not isinstance(value, dict) or not value or "class_name" in value:
            return value  # (none given, or a Keras-serialized object: the resolver's to read)
        names = self._output_names()
        if len(value) != 1 or next(iter(value)) not in names:
            raise ValueError(f"compile: the {what} dict's keys {sorted(map(str, value))} do not "
                             f"correspond to any model output; this model has one output, "
                             f"named {names[0]!r}: give {what} for it alone, or keyed by that "
                             "name")
        return next(iter(value.values()))

    def _output_names(self):
        """The names the one output goes by: those of the layer making it (the last held)."""
        held = [key for key, layer in self._modules.items() if layer is not None]
        return self._names_of_child(held[-1]) if held else ["output"]

    def _names_of_child(self, key):
        """The names the child held at `key` goes by: its name= (else summary()'s name for it,
        not the bare index an unnamed layer is held under: an error names the first), the
        name summary() shows, and the key itself."""
        shown = layer_names(self._modules)[key]
        return [keras_name(self._modules[key]) or shown, shown, key]

    def _bind_optimizer(self):
        """Bind the model's parameters (those lazily sized layers have made so far) to an
        optimizer that compile was given without parameters. Returns whether there are
        parameters to train."""
        if not self._binds_optimizer:
            return holds_parameters(self.optimizer)
        params = self._parameters_in_keras_order()
        if params:
            self.optimizer.bind(params)
            _BOUND_BY[self.optimizer] = weakref.ref(self)
        return bool(params)

    def _parameters_in_keras_order(self):
        """The parameters in the order `weights` lists them (a branched functional model's
        by depth, not state_dict's), any it does not list after: Keras builds compile's
        optimizer with trainable_variables, whose order optimizer.apply(grads) pairs a list
        of gradients with."""
        place = {id(array): i for i, (_, array, _) in enumerate(self._keras_weights())}
        return sorted(self.parameters(), key=lambda p: place.get(id(p.data), len(place)))

    # ----- the architecture as a config (Keras'; nn.training.keras_config) -----
    def get_config(self):
        """A Sequential or functional model's architecture as a plain JSON-able dict: its
        layers' classes and configs, not its weights (get_weights moves those); from_config
        builds the model again. A subclassed model's is its constructor's arguments."""
        from .keras_config import model_config  # (it builds on this module: import late)
        return model_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model (new weights) of get_config()'s `config`: `Sequential.from_config`
        of a Sequential model's, `keras.Model.from_config` of a functional model's, a
        subclass `cls(**config)`. Classes and functions are found by name only (your own
        in `custom_objects` ({name: class or function}) or registered)."""
        from .keras_config import model_from_config
        return model_from_config(cls, config, custom_objects)

    def to_json(self, **kwargs):
        """json.dumps(**kwargs) of {"class_name", "config": get_config()}, which
        keras.models.model_from_json reads back."""
        from .keras_config import to_json
        return to_json(self, **kwargs)

    # ----- several inputs or outputs (a functional model's) -----
    def several_inputs(self):
        """[(name, one sample's shape)] of the model's inputs when it has several, which fit,
        evaluate and predict then take as a list or dict of arrays; None for one input."""
        return None

    def input_key(self):
        """The key of the model's one input in a dict x (Keras': its Input's name), or None
        where it has none: fit, evaluate and predict then take {key: array} for the array."""
        return None

    def takes_text(self, index):
        """Whether the model's input `index` may hold strings (fit, evaluate and predict refuse
        them otherwise): for a model of its own making, when one of its layers reads text."""
        return any(takes_text(m) for m in self.modules())

    def several_outputs(self):
        """The names of the model's outputs when it has several (see
        nn.training.multi_output); None for one output."""
        return None

    def outputs_keyed(self):
        """Whether the model returns a dict of outputs (a functional model's)."""
        return False

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
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for epochs `initial_epoch` .. `epochs - 1` and return a History. The
        arguments come in Keras' order (`fit(x, y, 32, 10)` is batch_size 32, 10 epochs);
        batch_size None is Keras' 32.

        x: (N, ...) inputs and y: (N, ...) targets, or x a DataLoader (any iterable of
        (x, y) batches, iterated afresh each epoch) and y None, as Keras takes a dataset:
        an epoch is then one pass over it (len(loader) steps), and batch_size and shuffle
        are the loader's business, but for a PyDataset, whose batches shuffle=True puts in
        a new order each epoch (Keras 3's). validation_split: the fraction of samples held out for
        validation, taken from the end of x and y before any shuffling (as Keras; arrays
        only); validation_data: an (x_val, y_val) pair, an (x_val, y_val, sample_weight_val)
        triple or a DataLoader instead.
        callbacks: Callback and `optim.lr_scheduler` objects. verbose: 0 silent, 1 a
        progress bar (one line per epoch when stdout is not a terminal), 2 one line per
        epoch. sample_weight: (N,) weights of the samples' losses; class_weight: {class
        index: weight} for classifiers (both as Keras: see nn.training.sample_weights; a
        DataLoader gives its weights as the batches' third item). validation_batch_size:
        the validation's batch size (default batch_size); validation_freq: validate every
        this many epochs (an int), or after the epochs listed (numbered from 1), as Keras;
        the other epochs' logs have no val_* values. shuffle: True (a new order of all the
        samples each epoch), False, or Keras' "batch" (the same consecutive batches, each
        one's samples in a new order). steps_per_epoch: batches per epoch
        (default: one pass over the data); each epoch resumes where the last one stopped,
        as in Keras 3, so a generator of endless batches can be trained on; a source that
        runs out ends its epoch early with a warning (a generator used up stops training).
        validation_steps: batches per validation; each validation starts again from the
        first batch of arrays, a DataLoader or a PyDataset (as Keras 3), while a generator
        goes on where the last one stopped.

        >>> import numpy as np
        >>> import nn
        >>> import optim
        >>> x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(-1, 1)
        >>> y = 2 * x + 1
        >>> model = nn.Sequential([nn.Dense(1)])
        >>> model.compile(optimizer=optim.SGD(lr=0.1), loss="mse")
        >>> history = model.fit(x, y, epochs=100, batch_size=8, verbose=0)
        >>> history
        History(epochs=100, keys=['loss'])
        >>> history.history["loss"][-1] < 1e-6
        True
        >>> model.predict(np.array([[0.5]], dtype=np.float32)).round(2)   # 2 * 0.5 + 1
        array([[2.]], dtype=float32)
        """
        self._require_compiled("fit")
        if runs_steps(self, "fit"):
            self._refuse_captured_steps("fit")
        training, held_out = _sample_counts(x, validation_split, validation_data)
        validation_batch_size = _batch_size(
            batch_size if validation_batch_size is None else validation_batch_size, "fit",
            validation_steps, held_out)
        batch_size = _batch_size(batch_size, "fit", steps_per_epoch, training)
        validates = _validation_epochs(validation_freq)
        train, validation = fit_batches(self, x, y, batch_size, shuffle, validation_split,
                                        validation_data, sample_weight, class_weight,
                                        validation_batch_size)
        for batches in (train, validation):  # weights with a loss that cannot take them:
            if getattr(batches, "weights", None) is not None:  # refused before any step
                self._check_weighable("fit")
        epochs = capped_epochs(nonnegative_int(epochs, "epochs", "fit"))  # (keras.config's)
        initial_epoch = nonnegative_int(initial_epoch, "initial_epoch", "fit")
        limit_train = functools.partial(limited, steps=steps_per_epoch,
                                        name="steps_per_epoch", who="fit", continuing=True)
        # each validation starts again from the first batch, as Keras' evaluate resets its
        # iterator (a generator simply goes on: it cannot start again)
        limit_validation = functools.partial(limited, steps=validation_steps,
                                             name="validation_steps", who="fit (validation)")
        extra = callback_items(callbacks)
        progress = progress_callback(verbose, extra)  # (a ProgbarLogger given: that one)
        extra = [c for c in extra if c is not progress]
        # a History among the callbacks is the one fit fills and returns, as in Keras
        given = [c for c in extra if isinstance(c, History)]
        history = given[0] if given else History()
        extra = [c for c in extra if c is not history]
        from ..distributed.fit import DataParallelFit  # (it imports nn.training)
        parallel = DataParallelFit.start(self)  # None unless launched on several ranks
        if parallel is not None:  # each rank its shard; progress and files on rank 0
            train = parallel.shard(train, training=True)
            validation = None if validation is None else parallel.shard(validation, False)
            progress, extra = progress if parallel.rank == 0 else None, parallel.callbacks(extra)
        train = limit_train(train)
        validation = None if validation is None else limit_validation(validation)
        params = {"epochs": epochs, "steps": train.steps, "batch_size": train.batch_size,
                  "samples": train.samples, "verbose": verbose,
                  "do_validation": validation is not None}
        if parallel is not None:  # before any collective (ranks that differ would hang)
            parallel.agree(params, initial_epoch=initial_epoch, shuffle=shuffle,
                           validation_freq=validation_freq,
                           validation_samples=getattr(validation, "samples", None))
        completed = False
        try:
            self._parallel = parallel
            # Keras' order: the progress after the user's callbacks, so that their messages
            # come before an epoch's line and what they log (learning_rate) shows in it
            runner = CallbackList(extra + [history] + ([progress] if progress else []), self,
                                  params)
            if self._captured_update is not None and extra:  # (the user's code: watched)
                runner = WatchedHooks(runner, extra, self)
            with contextlib.nullcontext() if parallel is None else parallel.output():
                history = self._fit_epochs(train, validation, validates, epochs, initial_epoch,
                                           history, runner)
            completed = True
            return history
        finally:
            self._parallel = None
            if parallel is not None:
                parallel.finish(completed)

    def _fit_epochs(self, train, validation, validates, epochs, initial_epoch, history,
                    runner):
        # fit's own results, not settings a captured update reads: assigned past
        # Module.__setattr__, which would make captured steps record again at every fit
        object.__setattr__(self, "stop_training", False)
        object.__setattr__(self, "history", history)
        self._bound = False
        logs = {}
        runner.call("on_train_begin", {})
        # a callback restoring a backup (BackupAndRestore) sets where training resumes,
        # as Keras' callbacks set model._initial_epoch; read once, for this fit only
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        for epoch in range(initial_epoch, epochs):
            if epoch > initial_epoch and _used_up(train):
                break  # a generator with steps_per_epoch, at its end (warned)
            _start_sampler_epoch(train, epoch, first=epoch == initial_epoch)
            runner.call("on_epoch_begin", epoch, {})
            logs = self._train_epoch(train, runner, watch_first=epoch == initial_epoch)
            if validation is not None and validates(epoch + 1):
                val_logs = self._evaluate_logs(validation, runner)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            runner.call("on_epoch_end", epoch, logs)
            if self._stopping() or _used_up(train, ahead=False):
                break
        self._note_step_settings()  # (for the next fit: the user's code may run between)
        finalize = getattr(self.optimizer, "finalize_variable_values", None)
        if finalize is not None and epochs > 0:  # (Keras': EMA weights, where kept)
            finalize([p for p in self.parameters() if p.requires_grad])
        runner.call("on_train_end", logs)
        return history

    def _train_epoch(self, batches, runner, watch_first=True):
        """One epoch's updates. watch_first: whether the user's code may have run since the
        last step (between two fits), changing a Python setting the steps read unseen
        (nn.training.step_settings; callbacks are watched by WatchedHooks)."""
        if runs_steps(self, "fit"):
            if self._parallel is not None:
                raise NotImplementedError(f"fit: {type(self).__name__}'s own steps on several "
                                          "processes are not supported; run fit's own step "
                                          "(compile a loss, write no train_step)")
            return train_epoch(self, batches, runner, _executions)
        xp = array_module(self)
        tracker = self.compiled_loss.accumulator(self.compiled_metrics)
        running = _RunningMetrics(tracker, batches.steps, self.steps_per_execution)
        listened = runner.listens("on_train_batch_end")  # (else its running metrics unread)
        total, seen = 0.0, 0
        for step, batch, begins, ends in _executions(batches, self.steps_per_execution):
            if begins:
                runner.call("on_train_batch_begin", step, {"batch": step})
            x_batch, y_batch, w_batch = (to_module(xp, a) for a in batch)
            loss, outputs, mask = self._train_step(x_batch, y_batch, w_batch, watch_first)
            watch_first = False
            count = sample_count(x_batch)
            if self._parallel is not None:  # the global batch's: the same on every rank
                loss, count = self._parallel.global_loss(loss, count)
            total, seen = total + loss * count, seen + count
            if outputs is not None:  # (None: no metrics, or this rank's piece was empty)
                tracker.add(host_arrays(y_batch), outputs, w_batch, mask)
            if not ends:
                continue
            runner.call("on_train_batch_end", step, {"loss": total / seen, **(
                running.after(step) if listened else {})})
            if self._stopping():
                break
        if self._parallel is not None:
            self._parallel.gather(tracker)
            self._parallel.average_buffers()
        return self._logged({"loss": total / max(seen, 1), **tracker.results()})

    def _stopping(self):
        """Whether a callback asked to stop; on several ranks, whether one did on any rank
        (a callback running on rank 0 only, say), so that all stop at the same step."""
        if self._parallel is None:
            return self.stop_training
        object.__setattr__(self, "stop_training", self._parallel.any_rank(self.stop_training))
        return self.stop_training

    def _train_step(self, x_batch, y_batch, w_batch=None, watch=True):
        """One update; returns (the batch's loss, the array the loss took, for the metrics
        (MetricAccumulator.add), or None, and the outputs' mask as an array, or None).
        watch: whether Python code may have run since the last step that changed a
        setting a captured update reads unseen (nn.training.step_settings)."""
        compiled, parallel = self.compiled_loss, self._parallel
        if parallel is not None:
            parallel.prepare(x_batch)
            if not sample_count(x_batch):  # this rank's piece of a small last batch is empty
                return self._step_optimizer(lambda: parallel.empty_step(self.optimizer)), \
                    None, None
        captured = self._captured_update
        if captured is not None and self._captured_with != (self.optimizer, compiled):
            self._refuse_replaying_host_layers(x_batch)  # (at the first capture: a walk)
            captured.reset()  # model.optimizer (or the loss) replaced since: record afresh
            self._captured_with = (self.optimizer, compiled)
        if captured is not None and watch and self._step_settings.changed(self):
            captured.reset()  # a setting the replays would keep was changed: record afresh
        # eager for the first batch, which may build lazily sized layers (not replayable)
        eager = captured is None or not self._bound
        weighted = () if w_batch is None else (w_batch,)  # unweighted: arrays only, fast
        replays = None if captured is None else captured.replays
        # training behaviour for the step alone (Keras': a callback's model(x) infers)
        with _quiet_overflows(self.optimizer), _behaviour(True):
            loss, inputs, mask = (self._update if eager else captured)(x_batch, y_batch,
                                                                       *weighted)
        # a replay runs no Python: the settings are as changed() just found them
        if captured is not None and watch and captured.replays == replays:
            self._step_settings.note(self)
        if captured is not None and not eager and call_losses_in_use():
            self._keep_replayed_losses(captured.replays != replays)
        if not self._scores_outputs():
            return float(loss.data), None, None
        return float(loss.data), host_arrays(inputs), None if mask is None else host_arrays(mask)

    def _keep_replayed_losses(self, replayed):
        """After a recorded step, note the call losses its layers hold; after a replay, have
        them hold those again (the replay refreshed their values, and a call in between, a
        callback's, left its own losses in their place: model.losses would be that call's)."""
        if not replayed:
            object.__setattr__(self, "_recorded_losses", losses_held_in(self))  # (no setting)
        else:
            hold_again(self, self.__dict__.get("_recorded_losses", []))

    @property
    def _step_settings(self):
        """The StepSettings a captured update is watched with (made at first use: a model
        loaded or cloned has its own)."""
        settings = self.__dict__.get("_step_settings_seen")
        if settings is None:
            settings = StepSettings()
            object.__setattr__(self, "_step_settings_seen", settings)  # (not a setting)
        return settings

    def _note_step_settings(self):
        if self._captured_update is not None:
            self._step_settings.note(self)

    def _scores_outputs(self):
        """Whether the epoch's logs need the model's outputs (for metrics, or each output's
        loss)."""
        return bool(self.compiled_metrics) or self.compiled_loss.per_output_logs

    def _update(self, x_batch, y_batch, w_batch=None):
        """Forward, backward and the optimizer's step on one batch (its samples weighted by
        w_batch when given): (loss, model output, its mask or None)."""
        compiled, parallel = self.compiled_loss, self._parallel
        inputs = compiled.inputs(self, each(as_input, x_batch))
        mask = model_output_mask(self, inputs)
        if not self._bound:  # lazily sized layers have made their parameters by now
            if not self._bind_optimizer():
                raise ValueError(f"fit: {type(self).__name__} has no parameters to train")
            self._bound = True
        share = 1.0 if parallel is None else parallel.penalty_share()
        loss = self._with_penalties(compiled(inputs, y_batch, w_batch, mask), share)
        if not loss.requires_grad:  # every weight frozen (trainable = False): Keras' fit
            user_warning(f"fit: {type(self).__name__} has no trainable weights (all are "
                         "frozen): the loss is computed, nothing is updated")
            return loss, inputs, mask
        self.optimizer.zero_grad()
        if parallel is not None:  # (replayable calls: a captured update averages too)
            run_replayed(parallel.before_backward, sample_count(x_batch))
        self._backward_scaled(loss)
        if parallel is not None:
            run_replayed(parallel.after_backward)
        self._step_optimizer(self.optimizer.step)
        return loss, inputs, mask

    def _backward_scaled(self, loss):
        """backward from the loss as the optimizer scales it (Keras' scale_loss: a
        LossScaleOptimizer's dynamic scale, a loss_scale_factor), which its step divides
        out of the gradients again."""
        scale = getattr(self.optimizer, "scale_loss", None)
        (loss if scale is None else scale(loss)).backward()

    def _step_optimizer(self, step):
        """step(), then the layers' constraints on the new weights (Keras' optimizers apply
        them as part of the update; every rank of a distributed fit alike)."""
        result = step()
        if constraints.in_use():
            self.apply_constraints()
        return result

    # ----- evaluation and inference -----
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss on (x, y) (a float) when compiled without metrics, else the list
        [loss, metric, ...] in compile order (Keras); `return_dict` gives {name: value}.
        x may be a DataLoader (any iterable of (x, y) batches) with y None.
        verbose: 'auto' (Keras' default), 1 or 2 print the values on one line, 0 nothing.
        callbacks: their on_test_* hooks run.
        sample_weight: (N,) weights of the samples' losses (as in fit). steps: evaluate
        the first this many batches only (default: all)."""
        self._require_compiled("evaluate")
        batches = make_batches(self, x, y, _batch_size(batch_size, "evaluate", steps,
                                                         _samples_in(x)),
                               "evaluate", sample_weight=sample_weight,
                               targets=targets_for(self, "evaluate"))
        # on several ranks, a DistributedSampler's shards are scored as one data set
        shards = None if self._parallel is not None else _sharded_evaluation(self, batches)
        batches = limited(batches, steps, "steps", "evaluate")
        if sample_weight is not None:
            self._check_weighable("evaluate")
        self._parallel = shards or self._parallel
        try:
            logs = self._evaluate_logs(batches, _hooks(self, callbacks, batches, verbose))
        finally:
            if shards is not None:
                self._parallel = None
        if verbose:
            print_msg(format_logs(logs))
        return _as_keras_returns(logs, return_dict)

    # ----- one batch (Keras' custom loops: GANs, hand-made epochs) -----
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One update on (x, y), all of it one batch; the loss (plus the metrics, as
        evaluate returns them) that batch had before the update, as Keras'."""
        self._require_compiled("train_on_batch")
        _one_batch_only(x, "train_on_batch")
        batches = make_batches(self, x, y, sys.maxsize, "train_on_batch",
                               sample_weight=sample_weight, class_weight=class_weight,
                               targets=targets_for(self, "fit"))
        if getattr(batches, "weights", None) is not None:
            self._check_weighable("train_on_batch")
        if runs_steps(self, "fit"):  # that batch's logs (tf.keras' reset_metrics=True)
            self._refuse_captured_steps("train_on_batch")
            self.reset_metrics()
            step = in_training(self.train_step)
            logs = logged(step(step_data(next(iter(batches)), array_module(self))))
            return _as_keras_returns(self._logged(logs), return_dict)
        x_batch, y_batch, w_batch = (to_module(array_module(self), a)
                                     for a in next(iter(batches)))
        loss, outputs, mask = self._train_step(x_batch, y_batch, w_batch)
        tracker = self.compiled_loss.accumulator(self.compiled_metrics)
        if outputs is not None:
            tracker.add(host_arrays(y_batch), outputs, w_batch, mask)
        return _as_keras_returns(self._logged({"loss": loss, **tracker.results()}), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """evaluate on (x, y) as one batch (Keras')."""
        _one_batch_only(x, "test_on_batch")
        return self.evaluate(x, y, sys.maxsize, 0, sample_weight, return_dict=return_dict)

    def predict_on_batch(self, x):
        """predict on x as one batch (Keras')."""
        _one_batch_only(x, "predict_on_batch")
        return self.predict(x, sys.maxsize)

    def _evaluate_logs(self, batches, runner):
        """{loss, metrics} over `batches` in eval mode, with runner's on_test_* hooks."""
        if runs_steps(self, "evaluate"):
            return evaluate_steps(self, batches, runner, _executions)
        compiled = self.compiled_loss
        tracker = compiled.accumulator(self.compiled_metrics)
        running = _RunningMetrics(tracker, getattr(batches, "steps", None),
                                  self.steps_per_execution)
        total, seen = 0.0, 0
        xp = array_module(self)
        runner.call("on_test_begin", {})
        listened = runner.listens("on_test_batch_end")
        with self._inference():
            # the weights' penalties once (they do not change while evaluating); the calls'
            # own (activity_regularizer's, add_loss's) after each batch's call
            layers = list(self.modules())
            fixed = self._penalty_value(WEIGHT_PENALTIES, layers)
            # a data-parallel fit's validation: each rank's piece of every global batch,
            # combined at the end as the training losses are (by their denominators)
            pieces = None if self._parallel is None else self._parallel.validation_pieces()
            for step, batch, begins, ends in _executions(batches, self.steps_per_execution):
                if begins:
                    runner.call("on_test_batch_begin", step, {"batch": step})
                x_batch, y_batch, w_batch = (to_module(xp, a) for a in batch)
                count = sample_count(x_batch)
                # (no samples: this rank's piece of a global batch smaller than the ranks)
                loss = self._test_batch(x_batch, y_batch, w_batch, tracker) if count else 0.0
                penalty = fixed + (self._penalty_value(CALL_LOSSES, layers) if count else 0.0)
                total += (loss + penalty) * count
                seen += count
                if pieces is not None:
                    pieces.add(loss, penalty, count)
                # the running loss and metrics, as Keras'; a pass over the outputs so far,
                # skipped where no callback listens (a plain evaluate, fit's validation)
                if ends and listened:
                    runner.call("on_test_batch_end", step,
                                {"loss": total / max(seen, 1),
                                 **running.after(step)})
        if self._parallel is not None:  # validation in a data-parallel fit: all shards
            total, seen = pieces.totals()
            self._parallel.gather(tracker)
        logs = self._logged({"loss": total / seen, **tracker.results()})
        runner.call("on_test_end", logs)
        return logs

    def _test_batch(self, x_batch, y_batch, w_batch, tracker):
        """The loss on one batch in inference (its outputs added to `tracker`)."""
        compiled = self.compiled_loss
        inputs = compiled.inputs(self, each(as_input, x_batch))
        mask = model_output_mask(self, inputs)
        loss = float(compiled(inputs, y_batch, w_batch, mask).data)
        if self._scores_outputs():
            tracker.add(host_arrays(y_batch), host_arrays(inputs), w_batch,
                        None if mask is None else host_arrays(mask))
        return loss

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None):
        """The model's outputs for x as a NumPy array, computed batch by batch in eval mode
        without a graph (probabilities when the model ends with a sigmoid/softmax).
        x may be a DataLoader (the targets of (x, y) batches are ignored). A model
        returning a tuple gives a tuple of arrays. steps: the first this many batches only.
        callbacks: their on_predict_* hooks run."""
        written = runs_steps(self, "predict")  # (predict_step sees a loader's whole batches)
        batches = limited(make_batches(self, x, None, _batch_size(
            batch_size, "predict", steps, _samples_in(x)),
                                       "predict", targets=OPTIONAL if written else False),
                          steps, "steps", "predict")
        runner = _hooks(self, callbacks, batches, verbose)
        xp = array_module(self)
        outputs = []
        runner.call("on_predict_begin", {})
        listened = runner.listens("on_predict_batch_end")
        with self._inference():
            for step, batch, begins, ends in _executions(batches, self.steps_per_execution):
                if begins:
                    runner.call("on_predict_batch_begin", step, {"batch": step})
                    first = len(outputs)
                outputs.append(host_arrays(
                    self.predict_step(step_data(batch, xp)) if written else
                    self(each(as_input, to_module(xp, batch[0])))))
                if ends and listened:  # the group's outputs, as Keras' (one batch's by default)
                    group = outputs[first:]
                    runner.call("on_predict_batch_end", step, {
                        "outputs": group[0] if len(group) == 1 else concatenate_outputs(group)})
        runner.call("on_predict_end", {})
        return concatenate_outputs(outputs)

    @staticmethod
    @contextlib.contextmanager
    def _inference():
        """Eval behaviour without touching `self.training`: `test_mode()` is per thread, so
        a thread predicting never switches off another thread's Dropout in `fit`."""
        with no_grad(), test_mode():
            yield

    # ----- description -----
    def get_layer(self, name=None, index=None):
        """Keras' get_layer: the layer called `name`, or `model.layers[index]`, among the
        model's own layers (its children, in the order they were set). A name is a layer's
        Keras name (name=), the name summary() shows ('dense_1' for the second unnamed
        Dense), or what the model holds it under: a subclass's attribute, a Sequential's
        index as a string, a functional model's layer name."""
        if (name is None) == (index is None):
            raise ValueError("get_layer: give a name or an index (one of them)")
        held = held_layer_items(self._modules)  # (a list's layers by their names too)
        if index is not None:  # Keras': model.layers[index] (a Sequential's, no InputLayer)
            listed = getattr(self, "layers", [layer for _, layer in held])
            if not -len(listed) <= index < len(listed):
                raise ValueError(f"get_layer: no layer at index {index}; the model has "
                                 f"{len(listed)} layers")
            return listed[index]
        shown = layer_names(dict(held))
        for key, layer in held:
            if name in (key, keras_name(layer), shown[key]):
                return layer
        raise ValueError(f"get_layer: no layer named {name!r}; the layers are "
                         f"{[shown[key] for key, _ in held]}")

    def summary(self, print_fn=print, line_length=None, show_trainable=False, positions=None,
                expand_nested=False, layer_range=None):
        """Print Keras' table: layers, output shapes, parameter counts and totals; with
        show_trainable, Keras' column saying whether each layer trains (Y, N, or - for a
        layer without weights). Keras 3's positions (where the columns end, fractions of the
        line or characters), expand_nested (a nested model's layers under its row) and
        layer_range (two layer names or patterns: the rows from the first to the second)."""
        print_summary(self, print_fn=print_fn, line_length=line_length,
                      show_trainable=show_trainable, positions=positions,
                      expand_nested=expand_nested, layer_range=layer_range)

    def first_linear_layer(self):
        """The Dense (or Linear) layer the model's input goes into first, when known (in a
        Sequential); None otherwise. fit, evaluate and predict shape 1-D x for it."""
        return None

    def layer_output_shapes(self):
        """{child key: output shape}, where known: a subclassed model's layers' at its first
        call, the batch size it had included (Keras shows those of its layers' builds)."""
        return dict(self._first_call_shapes or {})

    # ----- checks -----
    def _refuse_replaying_host_layers(self, x_batch):
        """jit_compile=True replays array operations; the preprocessing layers that compute
        in NumPy from their inputs' values (a class attribute `computed_on_host`) fall outside
        them, and so does text."""
        host = next((m for m in self.modules() if getattr(m, "computed_on_host", False)), None)
        text = is_text(x_batch)
        if host is None and not text:
            return
        why = ("this model takes text, which its first layer (TextVectorization, StringLookup) "
               "reads in Python" if text else
               f"its {type(host).__name__} layer computes its output in NumPy from its "
               "inputs' values, outside them")
        raise NotImplementedError(f"fit: jit_compile=True replays the step's array "
                                  f"operations, and {why}: compile it with jit_compile=False")

    def _refuse_captured_steps(self, who):
        if self._captured_update is not None:
            raise NotImplementedError(f"{who}: jit_compile=True captures fit's own step; "
                                      f"{type(self).__name__} writes its own (train_step, "
                                      "compute_loss or compute_metrics): compile it with "
                                      "jit_compile=False")

    def _check_weighable(self, who):
        """Sample weights refused before any step where the compiled loss cannot take them
        (a model computing its own loss weighs them as it will)."""
        if self.compiled_loss is not None:
            self.compiled_loss.check_weighable(who)

    def _require_compiled(self, who):
        if not self.compiled:
            raise RuntimeError(f"{who}: {type(self).__name__} is not compiled; call "
                               "model.compile(optimizer=..., loss=...) first")


def _quiet_overflows(optimizer):
    """NumPy's overflow warnings off for an update whose loss a LossScaleOptimizer scales:
    its scale is meant to overflow float16 now and then, which it notices and halves
    (Keras' frameworks say nothing). A fixed loss_scale_factor gets the warnings."""
    if not isinstance(optimizer, LossScaleOptimizer):
        return _NOTHING
    return np.errstate(over="ignore", invalid="ignore")


_NOTHING = contextlib.nullcontext()  # (reusable: one for every update)


def _as_keras_returns(logs, return_dict):
    """evaluate's return: the loss alone, [loss, metric, ...], or the dict itself."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _one_batch_only(x, who):
    if yields_batches(x):
        raise TypeError(f"{who}: x is one batch of arrays; a {type(x).__name__} goes to fit, "
                        "evaluate or predict")


def plain_arguments(cls, args, kwargs):
    """{argument name: value} of cls(*args, **kwargs), its **kwargs' items among them, where
    every value is plain (numbers, strings, None, and lists, tuples and dicts of them), which
    Keras 3 records as the config of a class without a get_config; else None."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    given = dict(list(bound.arguments.items())[1:])
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            given.update(given.pop(name, {}))
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL and given.get(name):
            return None  # (no name to give them by)
    return given if all(_plain(v) for v in given.values()) else None


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return isinstance(value, dict) and all(isinstance(k, str) and _plain(v)
                                           for k, v in value.items())


def _symbolic_arguments(args, kwargs):
    """Whether a model's arguments are Keras' functional ones: inputs (keras.Input tensors,
    or a list or dict of them) and outputs."""
    inputs = args[0] if args else kwargs.get("inputs")
    if len(args) + ("inputs" in kwargs) + ("outputs" in kwargs) < 2 or inputs is None:
        return False
    from ..keras.functional import KerasTensor  # (only where the arguments may be its)
    inputs = list(inputs.values()) if isinstance(inputs, dict) else inputs
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    return bool(inputs) and all(isinstance(i, KerasTensor) for i in inputs)


@functools.cache
def _functional_form(cls):
    """`cls` (a Model subclass) on top of nn.keras' Functional, under its own name; made
    once, so that every model so built is of one class."""
    from ..keras.functional import Functional
    if issubclass(cls, Functional):
        return cls
    return type(cls.__name__, (cls, Functional), {"__module__": cls.__module__,
                                                 "__qualname__": cls.__qualname__,
                                                 "functional_form_of": cls})


def _records_a_node(args, kwargs):
    """Whether a call is one of nn.keras' functional API (Keras' symbolic tensors as its
    arguments), which records a node of the graph rather than computing."""
    first = args[0] if args else next(iter(kwargs.values()), None)
    if type(first) not in SYMBOLIC_FIRST:  # (one set lookup: an array is never iterated)
        return False
    graph = sys.modules.get("nn.keras.functional")
    return graph is not None and graph.is_symbolic(first)


@functools.cache
def _behaviour(training):
    """Inference or training behaviour for one call, in this thread only (another thread's
    calls keep their modules' own mode)."""
    return train_behaviour() if training else test_mode()


def _batch_size(batch_size, who, steps=None, samples=None):
    """Keras' batch_size: a positive int, or None for its default: 32, or, with `steps`
    given for `samples` arrays' samples, ceil(samples / steps), so that the steps cover
    them (Keras 3's)."""
    if batch_size is not None:
        return positive_int(batch_size, "batch_size", who)
    counted = isinstance(steps, numbers.Integral) and not isinstance(steps, bool) and steps > 0
    return -(-samples // int(steps)) if counted and samples else 32  # (bad steps: limited's)


def _sample_counts(x, validation_split, validation_data):
    """(training samples, validation samples) of fit's arrays, None where not arrays."""
    samples = _samples_in(x)
    if validation_data is not None:
        return samples, _samples_in(validation_data[0]) if isinstance(
            validation_data, (tuple, list)) else None
    if samples and isinstance(validation_split, numbers.Real) and 0 < validation_split < 1:
        training = training_count(samples, validation_split)
        return training, samples - training
    return samples, None


def _samples_in(x):
    """The number of samples of arrays given to fit (one, or a list or dict of them), or
    None (a loader, a generator)."""
    if yields_batches(x):
        return None
    first = next(iter(x.values()), None) if isinstance(x, dict) else (
        x[0] if isinstance(x, (list, tuple)) and x else x)
    return len(first) if hasattr(first, "__len__") and hasattr(first, "shape") else None


def _validation_epochs(validation_freq):
    """Whether fit validates after epoch n (numbered from 1): Keras' validation_freq, an int
    (every n-th epoch) or the epoch numbers themselves."""
    if isinstance(validation_freq, (list, tuple, set, range)):
        listed = {positive_int(n, "validation_freq's epochs", "fit") for n in validation_freq}
        return listed.__contains__
    every = positive_int(validation_freq, "validation_freq", "fit",
                         hint=" (or a list of epoch numbers)")
    return lambda n: n % every == 0


class _RunningMetrics:
    """The metrics of an epoch or evaluation so far, for the batch hooks' logs: computed
    after the first batch hook, every _METRIC_REFRESHES-th of the hooks and after the last
    (each is a pass over the outputs so far); the latest values in between."""

    def __init__(self, tracker, steps, per_execution):
        self.tracker, self.steps, self.per_execution = tracker, steps, per_execution
        hooks = -(-steps // per_execution) if steps else None
        self.refresh = max(1, hooks // _METRIC_REFRESHES) if steps else _METRIC_REFRESHES
        self.latest = {}

    def after(self, step):
        """The logs' metrics after batch `step`, one that ends a steps_per_execution group."""
        due = (step // self.per_execution) % self.refresh == 0 or step + 1 == self.steps
        if self.tracker.metrics and due:
            self.latest = self.tracker.results()
        return self.latest


def _executions(batches, per_execution):
    """(step, batch, begins, ends) for each batch: whether it begins and whether it ends one
    of compile's steps_per_execution groups, where the batch hooks are called. A group's end
    is known by fetching the next batch first (only with groups: one batch per group reads
    no further than it, a generator's next batch staying there for the next epoch)."""
    if per_execution == 1:
        for step, batch in enumerate(batches):
            yield step, batch, True, True
        return
    ahead = iter(enumerate(batches))
    following = next(ahead, None)
    while following is not None:
        step, batch = following
        following = next(ahead, None)
        ends = following is None or (step + 1) % per_execution == 0
        yield step, batch, step % per_execution == 0, ends


def _sharded_evaluation(model, batches):
    """A DataParallelFit combining evaluate's numbers over the ranks, where `batches` are
    a DistributedSampler's shard on several ranks; else None."""
    if not hasattr(batches, "source"):  # (arrays: every rank evaluates them whole)
        return None
    from ..distributed.fit import DataParallelFit  # (it imports nn.training)
    shards = DataParallelFit.for_shards(model, batches)
    if shards is not None and runs_steps(model, "evaluate"):
        raise NotImplementedError(f"evaluate: {type(model).__name__}'s own test_step on a "
                                  "DistributedSampler's shard cannot be combined over the "
                                  "ranks; evaluate the whole data on each rank instead")
    return shards


def _hooks(model, callbacks, batches, verbose):
    """The CallbackList of an evaluate or predict call (empty without callbacks)."""
    return CallbackList(callbacks, model,
                        {"epochs": 1, "steps": getattr(batches, "steps", None),
                         "verbose": verbose})


def _used_up(batches, ahead=True):
    """Whether batches under steps_per_epoch came from a one-shot source now used up (with
    `ahead`, found by trying for the next batch)."""
    if not isinstance(batches, LimitedSteps):
        return False
    return batches.used_up() if ahead else batches.ran_out


def _start_sampler_epoch(batches, epoch, first=False):
    """A new shuffle each epoch from a DataLoader whose sampler has set_epoch
    (DistributedSampler), in one process as on several. A shuffling DataLoader's own count
    is set at the `first` epoch of a resumed fit (initial_epoch > 0), so that it continues
    the shuffles of the run it resumes (epoch k's order is its seed's k-th); otherwise it
    keeps counting, so that fit called again draws new orders."""
    loader = getattr(batches, "source", None)
    sampler = getattr(loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    elif first and epoch > 0 and isinstance(loader, DataLoader) and not isinstance(
            batches, LimitedSteps):  # (with steps_per_epoch an epoch is not one pass)
        loader.epoch = epoch



# optimizer -> a weak reference to the model whose compile bound its parameters (kept
# beside the optimizer, not on it, so that it still pickles)
_BOUND_BY = weakref.WeakKeyDictionary()


def _check_holds_own(optimizer, model):
    """Refuse an optimizer compiled into another model that does not hold all of this one's
    parameters (a part of that model is fine, as in Keras), or updating parameters none of
    which are the model's (one made for another model): fit would train nothing here, or
    only the part the two share. Keras refuses these too."""
    owner = _BOUND_BY.get(optimizer)
    owner = owner() if owner is not None else None
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if owner is not None and owner is not model and any(
            id(p) not in held for p in model.parameters()):  # (a part of it is fine: Keras')
        raise ValueError(
            f"compile: this {type(optimizer).__name__} was compiled into another model (a "
            f"{type(owner).__name__}), whose parameters it updates; an optimizer serves the "
            f"parameters it was built with: give each model a new one")
    own = {id(p) for p in model.parameters()}
    if not own & held:
        raise ValueError(
            f"compile: this {type(optimizer).__name__} updates {len(held)} parameters, none of "
            f"them this model's (it was compiled into, or made for, another model); an "
            f"optimizer serves the parameters it was built with: give each model a new one")

def _may_hold_losses():
    """Whether a layer may hold a loss of its own: a regularizer given, or add_loss called
    (until then fit and evaluate look for none)."""
    return regularizers.in_use() or call_losses_in_use()


__all__ = ["Model"]
