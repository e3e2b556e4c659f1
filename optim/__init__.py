"""optim: optimizers, gradient clipping and learning-rate schedulers (PyTorch's API).

    opt = optim.Adam(model.parameters(), lr=1e-3)
    sched = optim.lr_scheduler.StepLR(opt, step_size=10)
    loss.backward(); opt.step(); opt.zero_grad(); sched.step()

An optimizer may be made before the model has parameters (`optim.Adam(lr=0.01)`)
and bound to them later with `opt.bind(model.parameters())`.
"""
from autograd.lazy import dezero_hints, lazy_attributes

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .clip import clip_grad_norm_, clip_grad_value_
from .ftrl import Ftrl
from .lamb import Lamb
from .lbfgs import LBFGS
from .lion import Lion
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

# Schedulers load on first use (`optim.lr_scheduler.StepLR`).
__getattr__, __dir__ = lazy_attributes(__name__, submodules=("lr_scheduler",),
                                       missing=dezero_hints(__name__, {
    "MomentumSGD": "optim.SGD(params, lr=0.01, momentum=0.9)",
    "AdaGrad": "optim.Adagrad", "AdaDelta": "optim.Adadelta",
    "WeightDecay": "the optimizer's weight_decay= (optim.SGD(params, lr, weight_decay=1e-4))",
    "ClipGrad": "optim.clip_grad_norm_(model.parameters(), max_norm) before opt.step()",
    "FreezeParam": "p.requires_grad_(False) on each parameter to freeze (or a layer's "
                   "requires_grad_(False))",
}))

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam",
           "RAdam", "Adamax", "Adafactor", "Ftrl", "Lamb", "Lion", "Muon", "Rprop", "ASGD",
           "LBFGS", "clip_grad_norm_", "clip_grad_value_", "lr_scheduler"]
