"""Learning-rate schedulers with PyTorch's semantics (`torch.optim.lr_scheduler`)."""
from .base import LRScheduler
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR
from .decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from .lambda_lr import LambdaLR, MultiplicativeLR
from .linear import ConstantLR, LinearLR
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau
from .sequential import ChainedScheduler, SequentialLR
from .swa import SWALR

_LRScheduler = LRScheduler  # (PyTorch's older name, which much user code still subclasses)

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "LambdaLR", "MultiplicativeLR", "LinearLR",
           "ConstantLR", "PolynomialLR", "SequentialLR", "ChainedScheduler", "OneCycleLR",
           "CyclicLR", "ReduceLROnPlateau", "SWALR"]
