"""Helpers shared by the optim tests: a quadratic problem, a driver loop, option cases."""
import contextlib
import os
import tempfile

import numpy as np

import nn
from autograd import Parameter, Variable

_rng = np.random.default_rng(1234)
_M = _rng.normal(size=(4, 4))
A = _M @ _M.T / 4 + np.eye(4)  # symmetric positive definite
B = _rng.normal(size=4)
X0 = _rng.normal(size=(2, 4))  # two parameters, so groups and indexing get exercised


def quad_grad(x):
    """Gradient of 0.5 x^T A x - b^T x, row by row (x may be 1-D or 2-D)."""
    return x @ A - B


def make_params(dtype=np.float64):
    return [Parameter(x.astype(dtype)) for x in X0]


def set_grad(p, g):
    p.grad = Variable(np.asarray(g, dtype=p.data.dtype), requires_grad=False)


def run(opt, params, steps):
    """Take `steps` optimizer steps on the quadratic; returns the trajectory."""
    out = []
    for _ in range(steps):
        for p in params:
            set_grad(p, quad_grad(p.data))
        opt.step()
        out.append(np.stack([p.data.copy() for p in params]))
    return np.array(out)


# (optimizer name, hyperparameters): every option of every optimizer at least once.
CASES = [
    ("SGD", {}),
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", {}),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.2, eps=1e-3)),
    ("RMSprop", {}),
    ("RMSprop", dict(lr=0.01, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.7)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adadelta", {}),
    ("Adadelta", dict(lr=0.5, rho=0.7, eps=1e-4)),
    ("Adadelta", dict(weight_decay=0.2)),
    ("Adam", {}),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99))),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, weight_decay=0.3, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, eps=1e-2, maximize=True)),
    ("AdamW", {}),
    ("AdamW", dict(lr=0.05, weight_decay=0.5)),
    ("AdamW", dict(lr=0.05, weight_decay=0.5, amsgrad=True)),
]


def case_ids(cases):
    """Readable test ids that are the same in every process (no object addresses)."""
    def show(v):
        return "fn" if callable(v) else repr(v)
    return [f"{name}-" + ",".join(f"{k}={show(v)}" for k, v in hp.items())
            for name, hp in cases]


@contextlib.contextmanager
def torch_scalars(torch, dtype):
    """PyTorch keeps some optimizers' scalar state (NAdam's mu_product, ASGD's eta and mu) in
    its default dtype (float32 unless set), ours as Python floats: float64 runs set float64,
    to compare them to 1e-10."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if dtype == np.float64 else torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def resumed_from_torch(torch, name, hp, weights, grads, switch, check_loaded=None):
    """PyTorch's optimizer `name` run over `grads` (per step, one per parameter) from
    `weights`, and ours made at step `switch` from its weights and state_dict and run on
    from there: (our parameters, PyTorch's tensors) at the end. `check_loaded(ours, theirs)`
    looks at the two optimizers just after the load."""
    import optim
    params = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    with torch_scalars(torch, np.float64):
        reference = getattr(torch.optim, name)(params, **hp)
        for step, step_grads in enumerate(grads):
            if step == switch:
                mine = [Parameter(p.detach().numpy().copy()) for p in params]
                opt = getattr(optim, name)(mine)
                opt.load_state_dict(reference.state_dict())
                if check_loaded is not None:
                    check_loaded(opt, reference)
            for p, g in zip(params, step_grads):
                p.grad = torch.from_numpy(g.copy())
            reference.step()
            if step >= switch:
                for p, g in zip(mine, step_grads):
                    p.grad = Variable(g.copy(), requires_grad=False)
                opt.step()
    return mine, params


def through_checkpoint(obj):
    """obj written by nn.save and read back by nn.load, as a restart reads its checkpoint."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "resume.ckpt")
        nn.save(obj, path)
        return nn.load(path)
