"""fit on several ranks: only rank 0 prints, warns and writes files. Each rank captures its
own standard output and warnings around fit and writes them to PREFIX_<rank>.txt; the
callbacks print (EarlyStopping, LearningRateScheduler, verbose=1), fit warns (the data
runs out before steps_per_epoch) and GradientMonitor plots to PREFIX_plot_<rank>.png.

argv: output prefix."""
import contextlib
import io
import sys
import warnings

import numpy as np

import nn
import nn.distributed as dist
import optim
from nn.training.callbacks import EarlyStopping, GradientMonitor, LearningRateScheduler

prefix = sys.argv[1]
rank = dist.get_rank()
data = np.random.default_rng(0)
x, y = data.normal(size=(16, 3)), data.normal(size=(16, 1))
model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")  # no improvement: stops at epoch 2
callbacks = [EarlyStopping(monitor="loss", patience=0, verbose=1),
             LearningRateScheduler(lambda epoch, lr: lr, verbose=1),
             GradientMonitor(plot=f"{prefix}_plot_{rank}.png")]
printed = io.StringIO()
with contextlib.redirect_stdout(printed), warnings.catch_warnings(record=True) as warned:
    warnings.simplefilter("always")
    model.fit(x, y, epochs=5, batch_size=8, steps_per_epoch=3, verbose=0,
              callbacks=callbacks)
with open(f"{prefix}_{rank}.txt", "w") as f:
    f.write(printed.getvalue() + "".join(f"warning: {w.message}\n" for w in warned))
