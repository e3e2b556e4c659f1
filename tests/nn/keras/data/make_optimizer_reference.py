"""Keras 3's optimizer trajectories for tests/nn/keras/test_optimizers.py (run with Keras
installed, any backend: `python make_optimizer_reference.py`; not run by the test suite).

Each case applies the same 8 gradients (drawn with a fixed seed, some entries tiny so that
where epsilon goes matters) to one float64 variable and records the variable after every
step; a learning-rate change after step 4 checks rules that differ from PyTorch's then.
With use_ema, the variables after finalize_variable_values (fit's end) are recorded too.
The two EMA cases were added from a run on Keras' torch backend, which rounds some other
rules' float32 constants differently (up to 2e-7): the other cases were kept from the
first run, so regenerate on a backend other than torch.
The gradient-accumulation cases (gradient_accumulation_steps) and loss_scale_factor's (the
gradients given are divided by it) were added the same way, on the torch backend:
`python make_optimizer_reference.py CASE ...` runs the cases named and adds them to the
files, keeping the others; the accumulating ones also record Keras' `iterations` (the
updates made) after each step. Their clipping is by value, at a power of two: the torch
backend rounds a clip value and its norm clipping to float32.
Keras keeps the learning rate as a float32 variable: the rates here are powers of two,
exact in float32, so that the comparison is of the rules, to float64 rounding."""
import json
import os
import sys

import keras
import numpy as np

CASES = {
    "sgd": ("SGD", {"learning_rate": 0.125}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.125, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.125, "momentum": 0.9, "nesterov": True}),
    "sgd_decay": ("SGD", {"learning_rate": 0.125, "weight_decay": 0.0625}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.015625}),
    "rmsprop_centered_momentum": ("RMSprop", {"learning_rate": 0.015625, "centered": True,
                                              "momentum": 0.5}),
    "adam": ("Adam", {"learning_rate": 0.015625}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.015625, "amsgrad": True}),
    "adamw": ("AdamW", {"learning_rate": 0.015625}),
    "adagrad": ("Adagrad", {"learning_rate": 0.125}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "nadam": ("Nadam", {"learning_rate": 0.015625}),
    "adamax": ("Adamax", {"learning_rate": 0.015625}),
    "adamax_decay": ("Adamax", {"learning_rate": 0.015625, "weight_decay": 0.0625}),
    "adam_clipnorm": ("Adam", {"learning_rate": 0.015625, "clipnorm": 0.5}),
    "sgd_clipvalue": ("SGD", {"learning_rate": 0.125, "clipvalue": 0.3}),
    "sgd_global_clipnorm": ("SGD", {"learning_rate": 0.125, "global_clipnorm": 0.5}),
    "adam_ema": ("Adam", {"learning_rate": 0.015625, "use_ema": True, "ema_momentum": 0.75}),
    "sgd_momentum_ema_overwrite": ("SGD", {"learning_rate": 0.125, "momentum": 0.9,
                                           "use_ema": True, "ema_momentum": 0.5,
                                           "ema_overwrite_frequency": 3}),
    "sgd_momentum_accumulate": ("SGD", {"learning_rate": 0.125, "momentum": 0.9,
                                        "gradient_accumulation_steps": 3}),
    "adam_accumulate_decay_clipvalue": ("Adam", {"learning_rate": 0.015625,
                                                 "weight_decay": 0.0625, "clipvalue": 0.25,
                                                 "gradient_accumulation_steps": 2}),
    "nadam_accumulate": ("Nadam", {"learning_rate": 0.015625,
                                   "gradient_accumulation_steps": 2}),
    "sgd_ema_accumulate": ("SGD", {"learning_rate": 0.125, "momentum": 0.9, "use_ema": True,
                                   "ema_momentum": 0.5, "ema_overwrite_frequency": 2,
                                   "gradient_accumulation_steps": 2}),
    "sgd_momentum_loss_scale": ("SGD", {"learning_rate": 0.125, "momentum": 0.9,
                                        "loss_scale_factor": 4.0}),
}


def main(only=()):
    """Every case, or those named in `only`, added to the files' other cases."""
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    grads = [[rng.normal(size=(3, 4)) * rng.choice([1e-5, 1.0, 3.0], size=(3, 4)),
              rng.normal(size=(4,))] for _ in range(8)]
    arrays = {f"start_{i}": s for i, s in enumerate(start)}
    arrays.update({f"grad_{k}_{i}": g for k, pair in enumerate(grads) for i, g in enumerate(pair)})
    here = os.path.dirname(os.path.abspath(__file__))
    cases = CASES
    if only:
        with open(os.path.join(here, "keras_optimizers.json")) as f:
            cases = {**json.load(f)["cases"], **{case: CASES[case] for case in only}}
        with np.load(os.path.join(here, "keras_optimizers.npz")) as kept:
            arrays = {**dict(kept), **arrays}
    for case, (name, kwargs) in CASES.items():
        if only and case not in only:
            continue
        variables = [keras.Variable(s, dtype="float64") for s in start]
        opt = getattr(keras.optimizers, name)(**kwargs)
        for k, pair in enumerate(grads):
            if k == 4:
                opt.learning_rate = kwargs["learning_rate"] / 2
            opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in pair], variables))
            for i, v in enumerate(variables):
                arrays[f"{case}_{k}_{i}"] = np.asarray(v.numpy())
            if kwargs.get("gradient_accumulation_steps"):
                arrays[f"{case}_iterations_{k}"] = np.asarray(int(opt.iterations))
        if kwargs.get("use_ema"):  # the end of fit: the variables take their averages
            opt.finalize_variable_values(variables)
            for i, v in enumerate(variables):
                arrays[f"{case}_final_{i}"] = np.asarray(v.numpy())
    np.savez_compressed(os.path.join(here, "keras_optimizers.npz"), **arrays)
    with open(os.path.join(here, "keras_optimizers.json"), "w") as f:
        json.dump({"keras": keras.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
