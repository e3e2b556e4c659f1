"""Keras' Muon: Newton-Schulz-orthogonalized momentum for the 2-D weights of hidden layers,
Keras' AdamW for every other weight (biases, embeddings, excluded layers)."""
import math
import re

import optim
from optim.adam import adam_block, check_betas
from optim.muon import check_newton_schulz, orthogonalize, rms_matched_scale
from optim.optimizer import check_nonnegative
from optim.param_group import ParamGroup

from . import KerasOptimizer, _Hyper

ADAM = "adam"  # (the key of the groups a step makes for the weights AdamW updates)


class Muon(KerasOptimizer, optim.Optimizer):
    """Keras 3's Muon. A weight is updated by AdamW when it is not 2-D, when
    exclude_embeddings and its path holds "embedding", or when a pattern of exclude_layers
    is found in its path (re.search); by Muon otherwise:

        m <- momentum m + g;  u = g + momentum m if nesterov else m
        w <- w - lr O(u) (rms_rate sqrt(max(A, B)) if rms_rate is not None else 1)

    O: orthogonalize (optim/muon.py) with (muon_a, muon_b, muon_c), ns_steps, and Keras'
    ||u|| + 1e-7, in the weight's dtype. AdamW is Keras' Adam at lr * adam_lr_ratio (adam_beta_1,
    adam_beta_2, epsilon). Before either, the weights decay, w <- w (1 - lr wd), with
    weight_decay for Muon's and adam_weight_decay for AdamW's (lr unscaled, as Keras').
    Which rule a weight gets is settled at its first update (its state says it after)."""

    _config_keys = ("adam_beta_1", "adam_beta_2", "epsilon", "exclude_layers", "muon_a",
                    "muon_b", "muon_c", "adam_lr_ratio", "momentum", "ns_steps", "nesterov",
                    "exclude_embeddings", "adam_weight_decay", "rms_rate")

    adam_beta_1, adam_beta_2, epsilon = _Hyper("betas", 0), _Hyper("betas", 1), _Hyper("eps")
    muon_a, muon_b = _Hyper("ns_coefficients", 0), _Hyper("ns_coefficients", 1)
    muon_c = _Hyper("ns_coefficients", 2)
    adam_lr_ratio, momentum = _Hyper("adam_lr_ratio"), _Hyper("momentum")
    ns_steps, nesterov = _Hyper("ns_steps"), _Hyper("nesterov")
    adam_weight_decay, rms_rate = _Hyper("adam_weight_decay"), _Hyper("rms_rate")

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, *,
                 exclude_layers=None, exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750,
                 muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True,
                 rms_rate=0.2, **options):
        decay = self._keras_options(weight_decay=weight_decay, **options)
        if isinstance(exclude_layers, str):
            raise TypeError(f"{type(self).__name__}: exclude_layers is a list of patterns, got "
                            f"the string {exclude_layers!r}")
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = exclude_embeddings
        super().__init__(None, dict(
            lr=self._initial_rate(learning_rate), weight_decay=decay,
            adam_weight_decay=adam_weight_decay, betas=(adam_beta_1, adam_beta_2), eps=epsilon,
            ns_coefficients=(muon_a, muon_b, muon_c), adam_lr_ratio=adam_lr_ratio,
            momentum=momentum, ns_steps=ns_steps, nesterov=nesterov, rms_rate=rms_rate))

    def _validate(self, hyper):
        super()._validate(hyper)
        who = self._who
        check_betas(hyper["betas"], who)
        for key in ("eps", "adam_lr_ratio", "momentum"):
            check_nonnegative(hyper[key], key, who)
        for key in ("adam_weight_decay", "rms_rate"):  # (None: none, as Keras reads it)
            if hyper[key] is not None:
                check_nonnegative(hyper[key], key, who)
        check_newton_schulz(hyper["ns_coefficients"], hyper["ns_steps"], who)

    @property
    def keras_options(self):
        return dict(super().keras_options, exclude_layers=self.exclude_layers,
                    exclude_embeddings=self.exclude_embeddings)

    def uses_adam(self, p):
        """Whether AdamW updates `p` (Keras' _should_use_adamw): by its state once it has
        one, else by its shape and Keras' path ('sequential/dense/kernel'; its name, or "",
        for a weight no Keras layer holds)."""
        state = self.state.get(p)
        if state:
            return "velocity" in state
        if p.ndim != 2:
            return True
        path = str(getattr(p, "path", None) or getattr(p, "name", None) or "")
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def _step_group(self, group, updated, params=None):
        """The group's weights in two parts, AdamW's (with adam_weight_decay) and Muon's."""
        adam, muon = [], []
        for p in group["params"] if params is None else params:
            (adam if self.uses_adam(p) else muon).append(p)
        decay = group["adam_weight_decay"]
        if adam:
            super()._step_group(ParamGroup(group, weight_decay=decay or 0.0, **{ADAM: True}),
                                updated, adam)
        if muon:
            super()._step_group(ParamGroup(group, **{ADAM: False}), updated, muon)

    def _init_state(self, xp, w, group):
        adam = group.get(ADAM)
        if adam is None:  # (asked outside a step: by `variables`, of one of group's weights)
            adam = self.uses_adam(next(p for p in group["params"] if p.data is w))
        state = {"momentum": xp.zeros_like(w)}
        if adam:
            state["velocity"] = xp.zeros_like(w)
        return state

    # Keras' variables (builtin_variables.py): a momentum per weight, a velocity for AdamW's
    keras_variable_kinds = [("momentum", "velocity")]
    keras_variable_names = {"momentum": "momentum", "velocity": "velocity"}

    def keras_holds_variable(self, p, key):
        return key != "velocity" or self.uses_adam(p)

    def _update(self, xp, w, g, state, h):
        if "velocity" in state:
            self._adam_update(xp, w, g, state, h)
        else:
            self._muon_update(xp, w, g, state, h)

    def _adam_update(self, xp, w, g, state, h):
        t = self._keras_step()
        beta_1, beta_2 = h.betas
        alpha = h.lr * h.adam_lr_ratio * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        adam_block(xp, w, g, state["momentum"], state["velocity"], None, h, alpha, 1.0)

    def _muon_update(self, xp, w, g, state, h):
        m = state["momentum"]
        m *= h.momentum
        m += g
        u = g + h.momentum * m if h.nesterov else m
        step = orthogonalize(xp, u, h.ns_coefficients, int(h.ns_steps), 1e-7, eps_added=True)
        scale = 1.0 if h.rms_rate is None else rms_matched_scale(w.shape, h.rms_rate)
        step *= h.lr * scale
        w -= step


__all__ = ["Muon"]
