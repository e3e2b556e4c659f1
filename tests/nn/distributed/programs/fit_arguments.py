"""fit refuses, on every rank and by name, arguments that differ between the ranks (each
made the ranks' collectives differ: fit hung until killed, or failed in MPI); prints
'ok <case>' per rank for each refusal, and 'ok alike' after a fit with the same ones."""
import numpy as np

import nn
import nn.distributed as dist

rank = dist.get_rank()
x = np.random.default_rng(0).normal(size=(64, 3))
y = x.sum(axis=1, keepdims=True)
alike = {"epochs": 2, "batch_size": 8, "shuffle": True, "validation_split": 0.25}
cases = {  # name: (the argument rank 1 passes otherwise, what the message names)
    "epochs": ({"epochs": 1}, "rank 1 has epochs=1 where rank 0 has epochs=2"),
    "batch_size": ({"batch_size": 16}, "rank 1 has batch_size=16 where rank 0 has "
                   "batch_size=8"),
    "samples": ({"x": x[:56], "y": y[:56]}, "rank 1 has samples=42 where rank 0 has "
                "samples=48"),
    "shuffle": ({"shuffle": False}, "rank 1 has shuffle=False where rank 0 has shuffle=True"),
    "validation_split": ({"validation_split": 0.0}, "rank 1 has do_validation=False"),
    "validation_freq": ({"validation_freq": 2}, "rank 1 has validation_freq=2"),
    "initial_epoch": ({"initial_epoch": 1}, "rank 1 has initial_epoch=1"),
}
model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
for name, (changed, named) in cases.items():
    arguments = dict({"x": x, "y": y}, **alike, verbose=0)
    if rank == 1:
        arguments.update(changed)
    try:
        model.fit(**arguments)
    except ValueError as error:
        message = str(error)
        assert named in message, message
        print(f"ok {name}: {message}", flush=True)
model.fit(x, y, **alike, verbose=0)
print("ok alike", flush=True)
