"""Callbacks for `Model.fit`, with Keras' names, hooks and semantics.

`fit(callbacks=[...])` also takes `optim.lr_scheduler` objects directly (see SchedulerStep).
"""
from .backup_and_restore import BackupAndRestore
from .base import Callback
from .callback_list import CallbackList
from .checkpoint import ModelCheckpoint
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .gradient_monitor import GradientMonitor, plot_gradient_norms
from .history import History
from .lambda_callback import LambdaCallback
from .lr import LearningRateScheduler, ReduceLROnPlateau, SchedulerStep
from .progbar_logger import ProgbarLogger
from .remote_monitor import RemoteMonitor
from .swap_ema_weights import SwapEMAWeights
from .tensorboard import TensorBoard
from .terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
           "LearningRateScheduler", "ReduceLROnPlateau", "SchedulerStep", "TerminateOnNaN",
           "CSVLogger", "GradientMonitor", "plot_gradient_norms", "LambdaCallback",
           "BackupAndRestore", "ProgbarLogger", "SwapEMAWeights", "RemoteMonitor",
           "TensorBoard"]
