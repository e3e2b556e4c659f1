"""fit on several ranks refuses a metric object whose state is not in `variables` (each rank
logged its own share of the data), by name and before any step; one process takes it.
Prints 'ok <case>' per rank: refused (a plain object, and a Metric subclass keeping its
count in an attribute), or on one process trained with the whole data counted."""
import numpy as np

import nn
import nn.distributed as dist
import nn.keras as keras
import optim


class SamplesSeen:
    """Keras' metric protocol, the state in a plain attribute."""
    name = "samples_seen"

    def __init__(self):
        self.n = 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n += len(y_true)

    def result(self):
        return float(self.n)

    def reset_state(self):
        self.n = 0


class CountedInAnAttribute(keras.metrics.Metric):
    def __init__(self):
        super().__init__(name="counted")
        self.n = 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n += len(y_true)

    def result(self):
        return float(self.n)


data = np.random.default_rng(0)
x, y = data.normal(size=(20, 3)), data.normal(size=(20, 1))
for name, metric in (("plain", SamplesSeen()), ("subclass", CountedInAnAttribute())):
    model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optim.SGD(lr=0.1), loss="mse", metrics=[metric])
    try:
        history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    except ValueError as error:
        assert dist.get_world_size() > 1 and f"metric {metric.name!r}" in str(error), error
        print(f"ok {name} refused: {error}", flush=True)
    else:
        assert dist.get_world_size() == 1 and history.history[metric.name] == [20.0]
        print(f"ok {name} counted", flush=True)
