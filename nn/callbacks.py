"""nn.callbacks: the public home of Model.fit's callbacks (Keras' `keras.callbacks`).

They are written in nn.training.callbacks; this name keeps `from nn.callbacks import
EarlyStopping` short and loads the training layer only when a callback is asked for.
"""
from .training.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    SchedulerStep,
    TerminateOnNaN,
)

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
           "LearningRateScheduler", "ReduceLROnPlateau", "SchedulerStep", "TerminateOnNaN",
           "CSVLogger"]
