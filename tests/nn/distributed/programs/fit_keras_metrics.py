"""fit with Keras metric objects (nn.keras.metrics) on every rank: their state is summed
over the ranks at each epoch's end, so that AUC, precision, the streamed means, IoU's
confusion matrix and R2's sums are those of the global data.

argv: output prefix (each rank writes PREFIX_<rank>.npz: the History, and the AUC object's
final counts). Ranks start from different weights (rank 0's are broadcast) and rank 0
shuffles with seed 7, as in fit_train.py.
"""
import sys

import numpy as np

import nn
import nn.distributed as dist
import nn.keras as keras

prefix = sys.argv[1]
rank = dist.get_rank()

data = np.random.default_rng(3)
x = data.normal(size=(75, 4))
y = (x[:, :1] + data.normal(scale=0.7, size=(75, 1)) > 0).astype(float)

np.random.seed(100 + rank)
model = nn.Sequential([nn.Dense(6, activation="tanh", input_shape=(4,)),
                       nn.Dense(1, activation="sigmoid")])
auc = keras.metrics.AUC(name="auc")
model.compile(optimizer="sgd", loss="binary_crossentropy",
              metrics=["accuracy", auc, keras.metrics.Precision(thresholds=[0.3, 0.6]),
                       keras.metrics.BinaryCrossentropy(name="bce"),
                       keras.metrics.F1Score(average="micro", threshold=0.5),
                       keras.metrics.BinaryIoU(), keras.metrics.R2Score()])
np.random.seed(7)
history = model.fit(x, y, epochs=2, batch_size=10, validation_split=0.2, verbose=0)
keys = sorted(k for k in history.history if k != "lr")
np.savez(f"{prefix}_{rank}.npz",
         history=np.concatenate([np.ravel(history.history[k]) for k in keys]).astype(float),
         auc_counts=np.stack([v.numpy() for v in auc.variables]).astype(np.float64),
         keys=np.array(keys))
