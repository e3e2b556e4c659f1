"""Keras' optimizers (`keras.optimizers.Adam(learning_rate=1e-3)`) with Keras' arguments,
defaults and update rules, as optim optimizers (so schedulers, state_dict and captured
steps work on them as on any).

Keras 3's rules differ from PyTorch's in small ways that these keep: epsilon inside the
square root (RMSprop, Adagrad) or added to Adam's uncorrected denominator, SGD's momentum
accumulating `-lr * g` (the same as PyTorch's at a constant learning rate), and
`weight_decay` decaying the weights (`w -= lr * wd * w`, before the update) in every
optimizer, not added to the gradient. `clipnorm` clips each gradient to that norm,
`global_clipnorm` all of them together, `clipvalue` each entry, before the update.
"""
import inspect
import math
from numbers import Real

import numpy as np

import optim
from autograd.backend import get_array_module
from autograd.blocks import in_blocks
from autograd.capture import replayed
from autograd.config import enable_grad
from autograd.variable import mark_modified
from optim.adam import adam_block
from optim.clip import _norm, _set_grad, _with_grads
from optim.lamb import lamb_update
from optim.learning_rate import LearningRate
from optim.nadam import nadam_momentum, nadam_update
from optim.optimizer import check_nonnegative

from ...layers.keras_name import snake_case
from ..serialization import module_functions
from . import schedules
from .accumulation import accumulate, accumulation_steps
from .adafactor_rule import keras_adafactor_update
from .builtin_variables import ListsKerasVariables
from .decay_exclusion import ExcludesFromWeightDecay
from .loss_scale import LossScaleOptimizer, grads_of, positive_scale, unscale_grads


class _Hyper:
    """A Keras hyperparameter attribute (`sgd.momentum`, `adam.beta_1`) read from the first
    group, and set in every group (and the defaults), under optim's key; `index`: the item
    of a pair such as betas."""

    def __init__(self, key, index=None):
        self.key, self.index = key, index

    def __get__(self, opt, owner=None):
        if opt is None:
            return self
        value = (opt.param_groups[0] if opt.param_groups else opt.defaults)[self.key]
        return value if self.index is None else value[self.index]

    def __set__(self, opt, value):
        for group in [opt.defaults, *opt.param_groups]:
            new = value
            if self.index is not None:
                pair = list(group[self.key])
                pair[self.index] = value
                new = tuple(pair)
            opt._validate({**group, self.key: new})
            group[self.key] = new


class KerasOptimizer(ListsKerasVariables, ExcludesFromWeightDecay):
    """What every Keras optimizer shares: its common arguments (`**options` of the classes
    below: weight_decay, clipnorm, clipvalue, global_clipnorm, name), clipping before the
    update and exclude_from_weight_decay. Mixed in before the optim class whose state and
    groups it uses."""

    decoupled_weight_decay = True  # Keras decays the weights, never the gradient
    weight_decay = _Hyper("weight_decay")  # (Keras' attributes, see _Hyper)

    def _keras_options(self, weight_decay=None, clipnorm=None, clipvalue=None,
                       global_clipnorm=None, name=None, use_ema=False, ema_momentum=0.99,
                       ema_overwrite_frequency=None, gradient_accumulation_steps=None,
                       loss_scale_factor=None, **rest):
        who = type(self).__name__
        if rest:
            raise TypeError(f"{who}: unexpected argument {next(iter(rest))!r}")
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{who}: give only one of clipnorm, clipvalue and "
                             "global_clipnorm (Keras' rule)")
        for key, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm)):
            if value is not None:
                check_nonnegative(value, key, who)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum, self.ema_overwrite_frequency = _ema_options(
            use_ema, ema_momentum, ema_overwrite_frequency, who)
        self.gradient_accumulation_steps = accumulation_steps(gradient_accumulation_steps, who)
        self.loss_scale_factor = None if loss_scale_factor is None else positive_scale(
            loss_scale_factor, "loss_scale_factor", who)
        self.name = name or who
        self._named = name is not None  # (else Keras' config names it in snake_case)
        self._decay_given = weight_decay is not None  # (Keras' config: None when not)
        self._iterations = 0  # Keras' count of the calls of step()
        return 0.0 if weight_decay is None else weight_decay

    @property
    def iterations(self):
        """The updates made, as Keras counts them: the calls of step(), divided by
        gradient_accumulation_steps where gradients accumulate."""
        steps = self.gradient_accumulation_steps
        return self._iterations // steps if steps else self._iterations

    def _initial_rate(self, learning_rate):
        """The lr the groups start with: learning_rate, or a schedule's at update 0 (the
        schedule, a LearningRateSchedule, a callable of the step or one of no arguments, is
        kept)."""
        self._set_schedule(learning_rate if _is_schedule(learning_rate) else None)
        return self._scheduled_rate(0) if self._schedule is not None else learning_rate

    def _set_schedule(self, schedule):
        """Keep `schedule` (None: a number), and whether it is asked with the step."""
        self._schedule = schedule
        self._asks_step = schedule is not None and _takes_step(schedule)

    def _scheduled_rate(self, step):
        """The schedule's learning rate at update `step` (a callable of no arguments, Keras'
        `learning_rate=lambda: ...`, is asked as it is)."""
        return float(self._schedule(step) if self._asks_step else self._schedule())

    @property
    def learning_rate(self):
        """The current learning rate (a schedule's at this update), as Keras'; set a number
        (or a new schedule)."""
        if self._schedule is not None:
            return LearningRate(self._scheduled_rate(self._iterations), self)
        return super().learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if _is_schedule(value):
            self._set_schedule(value)
            return
        if self._schedule is not None:
            raise TypeError(f"{self.name}: made with a learning-rate schedule, its learning "
                            "rate is not settable (Keras' rule); give it a new schedule, or "
                            "make the optimizer with a number")
        optim.Optimizer.learning_rate.fset(self, value)

    def _keras_step(self):
        """Keras' local_step of the update being made, iterations + 1: the optimizer's count,
        shared by every weight (a weight without a gradient at some update still moves on
        in its bias corrections with the others)."""
        return self.iterations + 1

    def _snapshot(self):
        """optim's state dict, with Keras' count of the calls of step() (a schedule resumes
        from it; Keras' `iterations` where no gradients accumulate); the state-dict hooks run
        around it all (optim/hooks.py)."""
        return dict(super()._snapshot(), iterations=self._iterations)

    def _resume(self, state_dict):
        super()._resume(state_dict)
        self._iterations = int(state_dict.get("iterations", 0))

    @property
    def keras_options(self):
        """The common arguments given, which model.save keeps (the groups hold the rest),
        and the learning-rate schedule where there is one."""
        options = {"clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                   "global_clipnorm": self.global_clipnorm, "name": self.name,
                   "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                   "ema_overwrite_frequency": self.ema_overwrite_frequency,
                   "gradient_accumulation_steps": self.gradient_accumulation_steps,
                   "loss_scale_factor": self.loss_scale_factor}
        return options if self._schedule is None else dict(options,
                                                            learning_rate=self._schedule)

    _config_keys = ()  # the optimizer's own arguments, after the common ones in get_config

    def get_config(self):
        """Keras' config: the common arguments (a schedule serialized, a number rounded to
        the float32 Keras holds it in), then the optimizer's own (_config_keys)."""
        from ..serialization import serialize_keras_object
        rate = (serialize_keras_object(self._schedule) if self._schedule is not None
                else float(np.float32(float(self.learning_rate))))
        decay = self.weight_decay if self._decay_given or self.weight_decay else None
        return {"name": self.name if self._named else snake_case(type(self).__name__),
                "learning_rate": rate, "weight_decay": decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps,
                **{key: getattr(self, key) for key in self._config_keys}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer get_config() describes (a schedule given as Keras' dict too)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from ..serialization import deserialize_keras_object
            config["learning_rate"] = deserialize_keras_object(config["learning_rate"],
                                                               custom_objects)
        return cls(**config)

    def scale_loss(self, loss):
        """Keras' scale_loss: the loss times loss_scale_factor (the loss itself without one),
        which fit backpropagates; step() divides the gradients back."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    @replayed
    def step(self, closure=None):
        """Keras' update: clip the gradients (if asked), decay the weights, then the rule;
        the gradients divided by loss_scale_factor first (of a loss scale_loss scaled); with
        gradient_accumulation_steps = n, only every n-th call updates, with the mean of the
        n gradients (see accumulation.py)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        if self.loss_scale_factor is not None:
            unscale_grads(grads_of(self), self.loss_scale_factor)
        steps = self.gradient_accumulation_steps
        if not steps or accumulate(self, steps):
            self._clip()
            if self._schedule is not None:  # (Keras: the rate of call t is schedule(t))
                rate = self._scheduled_rate(self._iterations)
                for group in self.param_groups:
                    group["lr"] = rate
            super().step()
        if self.use_ema:
            self._update_averages()
        self._iterations += 1
        return loss

    def _update_averages(self):
        """Keras' moving average of each trainable weight (use_ema), kept in its state, at
        every call of step() (accumulating ones too): average = m * average + (1 - m) * w,
        w itself before the first update is made; the weights take their averages whenever
        the updates made, this one counted, are a multiple of ema_overwrite_frequency."""
        momentum, every = self.ema_momentum, self.ema_overwrite_frequency
        made = self.iterations  # (before this call is counted, as in Keras)
        for group in self.param_groups:
            for p in group["params"]:
                if not p.requires_grad:
                    continue
                w = p.data
                state = self._state_for(p, group, get_array_module(w))
                average = state.get("average")
                if average is None or made == 0:
                    state["average"] = w.copy()
                else:
                    for a, x in in_blocks(average, w):
                        a *= momentum
                        a += (1.0 - momentum) * x
                if every and (made + 1) % every == 0:
                    _take_average(p, state)

    def finalize_variable_values(self, var_list):
        """Keras' end of fit: with use_ema, each variable of `var_list` that has a moving
        average takes it (fit calls this after its last epoch)."""
        if not self.use_ema:
            return
        for p in var_list:
            state = self.state.get(p)
            if state and state.get("average") is not None:
                _take_average(p, state)

    def _clip(self):
        # (0 is no clipping, as Keras reads it: `if self.clipnorm and self.clipnorm > 0`)
        if not (self.clipnorm or self.clipvalue or self.global_clipnorm):
            return
        pairs = _with_grads([p for g in self.param_groups for p in g["params"]], self.name)
        done = {}
        if self.clipvalue:
            for p, g in pairs:
                _set_grad(p, get_array_module(g).clip(g, -self.clipvalue, self.clipvalue),
                          done)
            return
        norms = [_norm(get_array_module(g), g, 2.0) for _, g in pairs]
        if self.global_clipnorm:
            total = math.sqrt(math.fsum(n * n for n in norms))
            norms = [total] * len(pairs)
        limit = self.clipnorm or self.global_clipnorm
        for (p, g), norm in zip(pairs, norms):
            if not norm <= limit:  # Keras' clip_by_norm: g * limit / max(norm, limit)
                _set_grad(p, g * _clip_scale(limit, norm, self.global_clipnorm), done)


def _clip_scale(limit, norm, global_clip):
    """What clipping to `limit` multiplies a gradient of `norm` by: NaN for a NaN norm (as
    Keras' maximum(norm, limit) gives), and with global_clipnorm for an infinite one too
    (Keras' scale adds norm - norm): every gradient NaN, a failure that shows."""
    if global_clip and not math.isfinite(norm):
        return math.nan
    return limit / norm


def _is_schedule(value):
    """A learning-rate schedule: Keras' class, or any callable (not a number): of the step,
    or of no arguments (Keras' too)."""
    return isinstance(value, schedules.LearningRateSchedule) or (
        callable(value) and not isinstance(value, (int, float)))


def _takes_step(schedule):
    """Whether a schedule is asked with the step: Keras' class and a function of one
    argument are; one of no arguments is not."""
    if isinstance(schedule, schedules.LearningRateSchedule):
        return True
    try:
        parameters = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):  # (a builtin without a signature: given the step)
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
               for p in parameters)


def _ema_options(use_ema, momentum, overwrite_frequency, who):
    """Keras' EMA arguments, checked as Keras checks them: with use_ema only, and a
    frequency of 0 or None meaning never."""
    momentum = float(momentum)
    if use_ema and not 0.0 <= momentum <= 1.0:
        raise ValueError(f"{who}: ema_momentum must be in [0, 1], got {momentum}")
    if use_ema and overwrite_frequency and (
            not isinstance(overwrite_frequency, int) or overwrite_frequency < 1):
        raise ValueError(f"{who}: ema_overwrite_frequency must be an int >= 1 or None, got "
                         f"{overwrite_frequency!r}")
    return bool(use_ema), momentum, overwrite_frequency


def _take_average(p, state):
    """The weight p takes its moving average (in place: views and optimizers keep it)."""
    p.data[...] = state["average"]
    mark_modified(p)


class _Moments(KerasOptimizer):
    """Keras' attributes of the optimizers that keep moment estimates (Adam's family)."""

    beta_1, beta_2, epsilon = _Hyper("betas", 0), _Hyper("betas", 1), _Hyper("eps")
    _config_keys = ("beta_1", "beta_2", "epsilon")


class SGD(KerasOptimizer, optim.SGD):
    """Keras' SGD: m <- momentum m - lr g; w <- w + m (Nesterov: w + momentum m - lr g);
    without momentum w <- w - lr g."""

    _config_keys = ("momentum", "nesterov")

    momentum, nesterov = _Hyper("momentum"), _Hyper("nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), momentum=momentum, nesterov=False,
                         weight_decay=decay)
        self.defaults["nesterov"] = nesterov  # (PyTorch's check of it does not apply)
        for group in self.param_groups:
            group["nesterov"] = nesterov

    def _init_state(self, xp, w, group):
        return {"momentum_buffer": xp.zeros_like(w)} if group["momentum"] else {}

    def _update(self, xp, w, g, state, h):
        m = state.get("momentum_buffer") if h.momentum else None
        for block in in_blocks(w, g, m):
            _keras_sgd_block(xp, *block, h)


def _keras_sgd_block(xp, w, g, m, h):
    step = g * h.lr
    if m is None:
        w -= step
        return
    m *= h.momentum
    m -= step
    if h.nesterov:
        w += xp.multiply(m, h.momentum, out=step) - g * h.lr
    else:
        w += m


class RMSprop(KerasOptimizer, optim.RMSprop):
    """Keras' RMSprop: v <- rho v + (1 - rho) g^2; d = v + eps (centered: v - a^2 + eps,
    a <- rho a + (1 - rho) g); u = lr g / sqrt(d); with momentum m <- momentum m + u and
    w <- w - m, else w <- w - u."""

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    rho, momentum, epsilon = _Hyper("alpha"), _Hyper("momentum"), _Hyper("eps")
    centered = _Hyper("centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), alpha=rho, eps=epsilon,
                         momentum=momentum, centered=centered, weight_decay=decay)

    @staticmethod
    def _block(xp, w, g, v, a, m, h):
        """Keras' rule on one block of the weights (optim.RMSprop's _update walks them)."""
        _keras_rmsprop_block(xp, w, g, v, a, m, h)


def _keras_rmsprop_block(xp, w, g, v, a, m, h):
    v *= h.alpha
    v += (1.0 - h.alpha) * (g * g)
    d = v + h.eps
    if a is not None:
        a *= h.alpha
        a += (1.0 - h.alpha) * g
        d -= a * a
    step = xp.sqrt(d, out=d)
    xp.divide(g, step, out=step)
    step *= h.lr
    if m is not None:
        m *= h.momentum
        m += step
        step = m
    w -= step


class Adam(_Moments, optim.Adam):
    """Keras' Adam: m <- m + (g - m)(1 - beta_1); v <- v + (g^2 - v)(1 - beta_2);
    w <- w - alpha m / (sqrt(v) + eps) with alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)
    (AMSGrad: the largest v so far)."""

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    amsgrad = _Hyper("amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), betas=(beta_1, beta_2), eps=epsilon,
                         amsgrad=amsgrad, weight_decay=decay)

    def _update(self, xp, w, g, state, h):
        t = state["step"] = self._keras_step()
        beta_1, beta_2 = h.betas
        alpha = h.lr * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        vmax = state["max_exp_avg_sq"] if h.amsgrad else None
        for block in in_blocks(w, g, state["exp_avg"], state["exp_avg_sq"], vmax):
            # PyTorch's block with its bias corrections folded into alpha: epsilon is then
            # added to the uncorrected sqrt(v), where Keras adds it
            adam_block(xp, *block, h, alpha, 1.0)


class AdamW(Adam, optim.AdamW):
    """Keras' AdamW: Adam with weight_decay 0.004 by default (decoupled, as always here)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **options):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad,
                         weight_decay=weight_decay, **options)


class Adagrad(KerasOptimizer, optim.Adagrad):
    """Keras' Adagrad: s <- s + g^2 (from initial_accumulator_value);
    w <- w - lr g / sqrt(s + eps)."""

    _config_keys = ("initial_accumulator_value", "epsilon")

    epsilon = _Hyper("eps")
    initial_accumulator_value = _Hyper("initial_accumulator_value")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate),
                         initial_accumulator_value=initial_accumulator_value,
                         eps=epsilon, weight_decay=decay)

    def _update(self, xp, w, g, state, h):
        state["step"] += 1
        for w_block, g_block, s in in_blocks(w, g, state["sum"]):
            s += g_block * g_block
            d = s + h.eps
            xp.sqrt(d, out=d)
            w_block -= xp.divide(g_block, d, out=d) * h.lr


class Adadelta(KerasOptimizer, optim.Adadelta):
    """Keras' Adadelta (the same rule as PyTorch's): v <- rho v + (1 - rho) g^2;
    delta = sqrt(u + eps) / sqrt(v + eps) g; u <- rho u + (1 - rho) delta^2;
    w <- w - lr delta."""

    _config_keys = ("rho", "epsilon")

    rho, epsilon = _Hyper("rho"), _Hyper("eps")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), rho=rho, eps=epsilon,
                         weight_decay=decay)


class Nadam(_Moments, optim.NAdam):
    """Keras' Nadam: PyTorch's NAdam with Keras' momentum schedule,
    mu_t = beta_1 (1 - 0.5 * 0.96^t) (PyTorch's momentum_decay 1; its default 0.004 warms up
    over thousands of steps)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), betas=(beta_1, beta_2), eps=epsilon,
                         momentum_decay=1.0, weight_decay=decay, decoupled_weight_decay=True)
        self._products = {}  # beta_1 -> (t, mu_1 ... mu_t): Keras' _u_product

    def _update(self, xp, w, g, state, h):
        # Keras' count and momentum product are the optimizer's, not each weight's
        t = state["step"] = self._keras_step()
        state["mu_product"] = self._momentum_product(h, t)
        nadam_update(xp, w, g, state, h, t)

    def _momentum_product(self, h, t):
        """mu_1 mu_2 ... mu_t of the schedule with h's beta_1, carried on from the last one
        asked for (each update asks for the next)."""
        known, product = self._products.get(h.betas[0], (0, 1.0))
        if t < known:  # (a state loaded from an earlier update)
            known, product = 0, 1.0
        for k in range(known + 1, t + 1):
            product *= nadam_momentum(h, k)
        self._products[h.betas[0]] = (t, product)
        return product


class Adamax(_Moments, optim.Adamax):
    """Keras' Adamax: m <- m + (g - m)(1 - beta_1); u <- max(beta_2 u, |g|);
    w <- w - lr m / ((1 - beta_1^t)(u + eps)) (PyTorch's adds eps inside the max)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), betas=(beta_1, beta_2), eps=epsilon,
                         weight_decay=decay)

    def _update(self, xp, w, g, state, h):
        t = state["step"] = self._keras_step()
        beta_1, beta_2 = h.betas
        for w_block, g_block, m, u in in_blocks(w, g, state["exp_avg"], state["exp_inf"]):
            m += (g_block - m) * (1.0 - beta_1)
            u *= beta_2
            xp.maximum(u, xp.abs(g_block), out=u)
            w_block -= m * h.lr / ((u + h.eps) * (1.0 - beta_1 ** t))


class Lion(KerasOptimizer, optim.Lion):
    """Keras' Lion: w <- w - lr sign(beta_1 m + (1 - beta_1) g); m <- beta_2 m +
    (1 - beta_2) g."""

    _config_keys = ("beta_1", "beta_2")

    beta_1, beta_2 = _Moments.beta_1, _Moments.beta_2

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), betas=(beta_1, beta_2),
                         weight_decay=decay)


class Adafactor(KerasOptimizer, optim.Adafactor):
    """Keras' Adafactor: optim.Adafactor's factored second moments with Keras' rule
    (adafactor_rule.py): epsilon_1 added to g^2, a step of max(epsilon_2, RMS(w)) *
    min(lr, 1/sqrt(t)), the update's RMS clipped to clip_threshold. relative_step is kept as
    Keras keeps it; in Keras 3 it changes no update (the relative step is always taken)."""

    _config_keys = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold",
                    "relative_step")

    beta_2_decay, clip_threshold = _Hyper("beta2_decay"), _Hyper("d")
    epsilon_1, epsilon_2 = _Hyper("eps", 0), _Hyper("eps", 1)
    relative_step = _Hyper("relative_step")

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
                 epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), beta2_decay=beta_2_decay,
                         eps=(epsilon_1, epsilon_2), d=clip_threshold, weight_decay=decay)
        for group in [self.defaults, *self.param_groups]:
            group["relative_step"] = bool(relative_step)

    # Keras decays the weights before the rule reads their RMS (optim's waits for it)
    _prepare_grad = optim.Optimizer._prepare_grad

    def _validate(self, hyper):
        who, d, eps = self._who, hyper["d"], hyper["eps"]
        if not isinstance(d, Real) or isinstance(d, bool) or not d > 0:
            raise ValueError(f"{who}: clip_threshold must be a number > 0, got {d!r}")
        if isinstance(eps, (tuple, list)) and len(eps) == 2 and eps[0] is None:
            raise ValueError(f"{who}: epsilon_1 must be a number >= 0, got None")
        super()._validate({**hyper, "d": 1.0})  # (optim's d >= 1 is PyTorch's rule)

    def _update(self, xp, w, g, state, h):
        t = state["step"] = self._keras_step()
        keras_adafactor_update(xp, w, g, state, h, t)


class Ftrl(KerasOptimizer, optim.Ftrl):
    """Keras' Ftrl (FTRL-Proximal, optim.Ftrl's rule under Keras' argument names). A
    learning_rate of 0 is refused (the update divides by it); a schedule may reach 0, even
    at its start: a step at that rate raises, its weights unchanged (Keras' become NaN)."""

    _config_keys = ("learning_rate_power", "initial_accumulator_value",
                    "l1_regularization_strength", "l2_regularization_strength",
                    "l2_shrinkage_regularization_strength", "beta")

    learning_rate_power = _Hyper("lr_power")
    initial_accumulator_value = _Hyper("initial_accumulator_value")
    l1_regularization_strength = _Hyper("l1")
    l2_regularization_strength = _Hyper("l2")
    l2_shrinkage_regularization_strength = _Hyper("l2_shrinkage")
    beta = _Hyper("beta")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), lr_power=learning_rate_power,
                         initial_accumulator_value=initial_accumulator_value,
                         l1=l1_regularization_strength, l2=l2_regularization_strength,
                         l2_shrinkage=l2_shrinkage_regularization_strength, beta=beta,
                         weight_decay=decay)

    def _validate(self, hyper):
        if self._schedule is not None:  # (its rate at update 0 may be 0, see the docstring)
            hyper = {**hyper, "lr": 1.0}
        super()._validate(hyper)


class Lamb(_Moments, optim.Lamb):
    """Keras' Lamb: Adam's bias-corrected step u, scaled by ||w|| / ||u|| (optim.Lamb),
    at Keras' update count."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **options):
        decay = self._keras_options(**options)
        super().__init__(lr=self._initial_rate(learning_rate), betas=(beta_1, beta_2),
                         eps=epsilon, weight_decay=decay)

    def _update(self, xp, w, g, state, h):
        t = state["step"] = self._keras_step()
        lamb_update(xp, w, g, state, h, t)


# Keras' base class, for a user's own rule (build, update_step): every Keras optimizer here
# is an instance of it. Imported last: it builds on KerasOptimizer above.
from .custom import Optimizer  # noqa: E402
from .multi_optimizer import MultiOptimizer, OptimizerMap  # noqa: E402
from .muon import Muon  # noqa: E402
from .schedule_free import ScheduleFreeAdamW  # noqa: E402


def _by_name():
    """Keras' ALL_OBJECTS_DICT: each optimizer class under its name and its lower-case one
    (Keras' deserialize reads built-in names case-insensitively)."""
    classes = [SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Nadam, Adamax, Lion, Adafactor,
               Ftrl, Lamb, Muon, ScheduleFreeAdamW, LossScaleOptimizer]
    return {key: cls for cls in classes for key in (cls.__name__, cls.__name__.lower())}


serialize, _deserialize = module_functions("optimizers", _by_name)


def deserialize(config, custom_objects=None):
    """Keras' deserialize: the optimizer of serialize's dict (its built-in class names in any
    case), or of a name."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        found = _by_name().get(config["class_name"].lower())
        if found is not None:
            config = dict(config, class_name=found.__name__)
    return _deserialize(config, custom_objects)


def get(identifier):
    """Keras' optimizers.get: an optimizer from its name ('adam') or serialize's dict, or the
    optimizer given."""
    if isinstance(identifier, optim.Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    from ...training.optimizers import make_optimizer  # (the table of names is there)
    try:
        return make_optimizer(identifier)
    except ValueError as exc:
        raise ValueError(f"keras.optimizers.get: {exc}") from None


__all__ = ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion",
           "Adafactor", "Ftrl", "Lamb", "Muon", "ScheduleFreeAdamW", "Optimizer", "get",
           "serialize", "deserialize", "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap",
           "KerasOptimizer", "schedules"]
