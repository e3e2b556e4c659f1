"""Keras 3's optimizer variables (a `.keras` archive's `optimizer/vars/0, 1, ...`) as the
state of the optimizer rungrad's compile made from the same config, so that training goes
on as Keras' goes on after loading the file.

Keras' optimizer lists its variables in the order it made them (keras/src/optimizers):
`iterations` (an integer: the updates made, or with gradient_accumulation_steps the calls)
and the learning rate (none where it is a schedule, a function of iterations); then
build(model.trainable_variables) makes, for those variables in that order, their moving
averages (use_ema), then their gradient accumulators (gradient_accumulation_steps), then
the optimizer's own: one
list per kind, kinds made together interleaved (Adam's momentum and velocity of each
variable in turn), kinds made apart one whole list after another (RMSprop's velocities,
then its momentums); Nadam's product of momentum factors, a scalar, last. Keras' update
counts from iterations where rungrad's counts each parameter's steps (`step`): both are
set from it.
"""
from . import optimizers as keras_optimizers
from .optimizers.accumulation import KEY as ACCUMULATOR

_ADAM = [("exp_avg", "exp_avg_sq")]  # (Keras' momentum, velocity)
_COUNT, _SCALAR = ((), "iu"), ((), "f")  # (shape, dtype kinds) of a count, of a number
# Keras' LossScaleOptimizer's own: iterations and a learning rate it does not use,
# step_counter, dynamic_scale; its inner optimizer's variables follow
_LOSS_SCALE = [_COUNT, _SCALAR, _COUNT, _SCALAR]


def state_kinds(opt):
    """Keras' variables made per trainable variable by `opt`'s class with its options, as
    tuples of rungrad's state keys made together; None for an optimizer whose Keras layout
    is not known here."""
    if isinstance(opt, keras_optimizers.SGD):
        return [("momentum_buffer",)] if opt.momentum else []
    if isinstance(opt, keras_optimizers.Adam):  # (AdamW too) velocity_hat made apart
        return _ADAM + ([("max_exp_avg_sq",)] if opt.amsgrad else [])
    if isinstance(opt, keras_optimizers.RMSprop):  # velocity, momentum, average_gradient
        return [("square_avg",)] + ([("momentum_buffer",)] if opt.momentum > 0 else []) + (
            [("grad_avg",)] if opt.centered else [])
    simple = {keras_optimizers.Nadam: _ADAM,
              keras_optimizers.Adamax: [("exp_avg", "exp_inf")],  # momentum, norm
              keras_optimizers.Adagrad: [("sum",)],  # accumulator
              keras_optimizers.Adadelta: [("square_avg", "acc_delta")],
              keras_optimizers.Lion: [("exp_avg",)]}  # momentum
    return next((kinds for cls, kinds in simple.items() if isinstance(opt, cls)), None)


def state_scalars(opt):
    """rungrad's per-parameter state keys of the scalar variables Keras makes last."""
    return ["mu_product"] if isinstance(opt, keras_optimizers.Nadam) else []  # u_product


def restore_keras_optimizer(model, stored):
    """Load Keras' optimizer variables `stored` (datasets in Keras' order with .shape and
    .dtype, each read only once all their shapes are the expected ones) into
    model.optimizer. Returns None where restored, else why not (a phrase)."""
    opt, weights = model.optimizer, keras_trainable_weights(model)
    if isinstance(opt, keras_optimizers.LossScaleOptimizer):
        return _restore_loss_scale(opt, weights, stored)
    return _restore(opt, weights, stored)


def _restore_loss_scale(opt, weights, stored):
    """Keras' LossScaleOptimizer lists its own variables (iterations and a learning rate
    it does not use, step_counter, dynamic_scale), then its inner optimizer's."""
    own = len(_LOSS_SCALE)
    problem = _mismatch(stored[:own], _LOSS_SCALE, opt) or _restore(
        opt.inner_optimizer, weights, stored[own:], first=own)
    if problem is None:
        opt.set_loss_scale_state({"step_counter": int(stored[2][()]),
                                  "dynamic_scale": float(stored[3][()])})
    return problem


def _restore(opt, weights, stored, first=0):
    """Load `stored` (the file's optimizer variables from number `first` on) into `opt`,
    which holds the parameters of `weights`."""
    kinds = state_kinds(opt) if isinstance(opt, keras_optimizers.KerasOptimizer) else None
    if kinds is None:
        return f"rungrad does not know Keras' variables of a {type(opt).__name__}"
    held = {id(p): i for i, p in enumerate(p for g in opt.param_groups for p in g["params"])}
    if any(id(p) not in held for p, _ in weights):
        return "the optimizer does not hold every trainable weight of the model"
    has_rate = "learning_rate" not in opt.keras_options  # (a schedule: no variable)
    problem = _mismatch(stored, _expected(opt, kinds, weights, has_rate), opt, first)
    if problem:
        return problem
    values = iter([d[...] for d in stored])  # (arrays, a 0-d one too: d[()] is a NumPy scalar)
    iterations, rate = int(next(values)), float(next(values)) if has_rate else None
    state = {held[id(p)]: {} for p, _ in weights}
    per_weight = base_state_kinds(opt) + kinds
    for names in per_weight:  # (each tuple: its kinds interleaved, weight by weight)
        for p, transposed in weights:
            for name in names:
                array = next(values)
                state[held[id(p)]][name] = array.T if transposed else array
    for name in state_scalars(opt):
        number = float(next(values))
        for entry in state.values():
            entry[name] = number
    _load(opt, state, iterations, rate)
    return None


def keras_trainable_weights(model):
    """(parameter, whether Keras keeps it transposed) for model.trainable_weights, in
    Keras' order (model.trainable_variables, which Keras' optimizer is built on)."""
    transposed = {id(array): flag for _, array, flag in model._keras_weights()}
    return [(p, transposed.get(id(p.data), False)) for p in model.trainable_weights]


def _expected(opt, kinds, weights, has_rate):
    """(shape, dtype kinds) of each variable Keras' optimizer of `opt`'s kind keeps for
    `weights`: an integer count, then floats."""
    expected = [_COUNT] + [_SCALAR] * has_rate
    keras_shapes = [p.shape[::-1] if transposed else p.shape for p, transposed in weights]
    for names in base_state_kinds(opt) + kinds:
        expected += [(tuple(shape), "f") for shape in keras_shapes for _ in names]
    return expected + [_SCALAR] * len(state_scalars(opt))


def base_state_kinds(opt):
    """The variables Keras' base optimizer makes per trainable variable, before the
    optimizer's own, each kind apart: moving averages (use_ema), then accumulators."""
    return [("average",)] * opt.use_ema + [(ACCUMULATOR,)] * bool(
        opt.gradient_accumulation_steps)


def _mismatch(stored, expected, opt, first=0):
    """Why `stored` (the file's optimizer variables from number `first` on) is not the
    variables of Keras' optimizer like `opt` for this model, `expected` ((shape, the dtype
    kinds it may have) of each); None where it is."""
    who = f"Keras' {type(opt).__name__} of this model"
    if len(stored) != len(expected):
        return (f"the file's optimizer has {first + len(stored)} variables, where {who} "
                f"would have {first + len(expected)}")
    for i, (dataset, (shape, kinds)) in enumerate(zip(stored, expected), first):
        if tuple(dataset.shape) != shape:
            return f"the file's optimizer variable {i} has shape {tuple(dataset.shape)}, " \
                   f"where {who} has {shape}"
        if dataset.dtype.kind not in kinds:
            return f"the file's optimizer variable {i} has dtype {dataset.dtype}"
    return None


def _load(opt, state, iterations, rate):
    """Give `opt` the state {parameter index: {key: value}} (Keras' layouts), `iterations`
    as its count of calls, the updates made as each parameter's step, and `rate` (None: its
    schedule's)."""
    saved = opt.state_dict()
    counts_steps = "step" in (type(opt).state_keys or ())
    updates = iterations // (opt.gradient_accumulation_steps or 1)
    for index, entry in state.items():
        if not entry:  # (SGD without momentum keeps nothing)
            continue
        if counts_steps:
            entry["step"] = updates
        if "average" in entry and not updates:  # (Keras' first update sets it, as rungrad's)
            del entry["average"]
        saved["state"][index] = entry  # (load_state_dict copies the arrays)
    saved["iterations"] = iterations
    if rate is not None:
        for group in saved["param_groups"]:
            group["lr"] = rate
    opt.load_state_dict(saved)


__all__ = ["restore_keras_optimizer", "state_kinds", "base_state_kinds", "state_scalars",
           "keras_trainable_weights"]
