"""L-BFGS: quasi-Newton steps from a short history of gradient changes (PyTorch's LBFGS)."""
import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.capture import CaptureError, capturing
from autograd.config import enable_grad
from autograd.variable import mark_modified

from .optimizer import (
    Optimizer,
    as_number,
    check_nonnegative,
    from_torch,
    grad_array,
    grad_shape_error,
)
from .param_group import plain
from .strong_wolfe import largest_magnitude, strong_wolfe

_HISTORY = ("old_dirs", "old_stps", "ro")  # state lists, one entry per remembered step


class LBFGS(Optimizer):
    """PyTorch's LBFGS: each `step(closure)` runs up to `max_iter` iterations of

        d = -H g        (H: the inverse Hessian estimated from the last `history_size`
                         pairs s = x' - x, y = g' - g, by the two-loop recursion)
        x <- x + t d    (t = lr, or found by a strong-Wolfe line search)

    calling `closure()` (which clears the gradients, computes the loss, backpropagates and
    returns the loss) to re-evaluate the model, at most `max_eval` times. One parameter
    group only; all parameters are updated as one flat vector. The state (PyTorch's names
    and layout, lists of flat arrays, less its scratch list "al") is kept under the first
    parameter.
    """

    state_keys = frozenset({"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro",
                            "H_diag", "prev_flat_grad", "prev_loss", "al"})

    def __init__(self, params=None, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        max_iter = positive_int(max_iter, "max_iter", self._who)
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)

    def _validate(self, hyper):
        super()._validate(hyper)
        who = self._who
        for name in ("max_iter", "max_eval", "history_size"):
            positive_int(hyper[name], name, who)
        for name in ("tolerance_grad", "tolerance_change"):
            check_nonnegative(hyper[name], name, who)
        if hyper["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"{who}: line_search_fn must be None or 'strong_wolfe', got "
                             f"{hyper['line_search_fn']!r}")

    def add_param_group(self, param_group):
        if self.param_groups:
            raise ValueError(f"{self._who} doesn't support per-parameter options (parameter "
                             "groups): it updates all parameters as one vector")
        super().add_param_group(param_group)

    def step(self, closure=None):
        """Up to `max_iter` iterations; returns the loss `closure()` gave first."""
        who = self._who
        if closure is None:
            raise TypeError(f"{who}: step() needs a closure that re-evaluates the model (it "
                            "is called several times per step): def closure(): "
                            "opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); "
                            "return loss, then opt.step(closure)")
        if capturing():
            raise CaptureError(f"{who}: autograd.capture cannot replay a step that calls its "
                               "closure a varying number of times; run it eagerly")
        params = self.param_groups[0]["params"]
        if not params:
            raise RuntimeError(f"{who}: step() with no parameters: make it with "
                               "model.parameters(), or bind them first")
        return _Run(self, params, closure).steps()  # (stepped: Optimizer marks it)

    def _state_from_saved(self, p, saved):
        """A loaded state: its arrays (and lists of them) as private copies in the
        parameters' dtype, each as long as all the parameters together."""
        params = self.param_groups[0]["params"]
        size, dtype, xp = _flat_layout(params)
        state = {}
        for key, value in saved.items():
            if key == "al":  # (PyTorch's scratch list, rewritten before it is read)
                continue
            if key in ("d", "prev_flat_grad") and value is not None:
                value = _flat_copy(value, size, dtype, xp, key, self._who)
            elif key in ("old_dirs", "old_stps"):
                value = [_flat_copy(v, size, dtype, xp, key, self._who) for v in value]
            elif key == "ro":
                value = [as_number(v) for v in value]
            else:
                value = as_number(value)
            state[key] = value
        return state


class _Run:
    """One `LBFGS.step`: the parameters seen as one flat vector, and the iterations."""

    def __init__(self, optimizer, params, closure):
        self.params, self.closure, self.who = params, closure, optimizer._who
        self.h = dict(optimizer.param_groups[0])
        self.h["lr"] = plain(self.h["lr"])  # (a tensor lr too: PyTorch's _to_scalar)
        self.state = optimizer.state[params[0]]
        self.size, self.dtype, self.xp = _flat_layout(params)
        held = self.state.get("prev_flat_grad")
        if held is not None and held.size != self.size:
            raise RuntimeError(f"{self.who}: the parameters hold {self.size} numbers, "
                               f"{held.size} at the last step (bind() or a lazily sized layer "
                               "added some): its history is of the old vector; make a new "
                               "LBFGS, or run the model once before making it")

    def evaluate(self):
        """The loss closure() returns (as it returned it) and the flat gradient."""
        with enable_grad():
            loss = self.closure()
        return loss, self.flat_grad()

    def flat_grad(self):
        grads = [grad_array(p) for p in self.params]
        for p, g in zip(self.params, grads):
            if g is not None and g.shape != p.data.shape:
                raise grad_shape_error(self.who, p, g)
        return self.xp.concatenate([
            self.xp.zeros(p.data.size, self.dtype) if g is None else g.reshape(-1)
            for p, g in zip(self.params, grads)]).astype(self.dtype, copy=False)

    def move(self, t, d):
        """x <- x + t d, parameter by parameter."""
        offset = 0
        for p in self.params:
            w = p.data
            w += (t * d[offset:offset + w.size]).reshape(w.shape).astype(w.dtype, copy=False)
            offset += w.size
            mark_modified(p)

    def restore(self, saved):
        for p, w in zip(self.params, saved):
            self.xp.copyto(p.data, w)
            mark_modified(p)

    def along(self, x, t, d):
        """(loss, flat gradient) at x + t d, the parameters left at x (the line search's
        evaluation)."""
        self.move(t, d)
        loss, g = self.evaluate()
        self.restore(x)
        return float(loss), g

    def steps(self):
        h, state = self.h, self.state
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        first_loss, g = self.evaluate()
        loss, evals = float(first_loss), 1
        state["func_evals"] += 1
        if largest_magnitude(g) <= h["tolerance_grad"]:
            return first_loss
        d, t = state.get("d"), state.get("t")
        prev_g, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")
        for n_iter in range(1, h["max_iter"] + 1):
            state["n_iter"] += 1
            d = self.direction(g, d, t, prev_g)
            prev_g, prev_loss = g, loss  # (g is never written to: a new array each time)
            t = min(1.0, 1.0 / self.xp.abs(g).sum()) * h["lr"] if state["n_iter"] == 1 \
                else h["lr"]
            gtd = g.dot(d)
            if gtd > -h["tolerance_change"]:  # not a descent direction any more
                break
            loss, g, t, used = self.line_step(loss, g, t, d, gtd, n_iter, evals)
            evals += used
            state["func_evals"] += used
            if (n_iter == h["max_iter"] or evals >= h["max_eval"]
                    or largest_magnitude(g) <= h["tolerance_grad"]
                    or largest_magnitude(d * t) <= h["tolerance_change"]
                    or abs(loss - prev_loss) < h["tolerance_change"]):
                break
        state.update(d=d, t=t, prev_flat_grad=prev_g, prev_loss=prev_loss)
        return first_loss

    def line_step(self, loss, g, t, d, gtd, n_iter, evals):
        """Move along d: (loss, gradient, t, evaluations used). With the strong-Wolfe
        search t is chosen and the new point evaluated there; with a fixed step the model
        is re-evaluated unless this is the last iteration (in a stochastic setting the
        next step's own evaluation serves)."""
        h = self.h
        if h["line_search_fn"] == "strong_wolfe":
            x = [p.data.copy() for p in self.params]
            loss, g, t, used = strong_wolfe(lambda t_: self.along(x, t_, d), t, d, loss, g,
                                            gtd, max_ls=h["max_eval"] - evals)
            self.move(t, d)
            return loss, g, t, used
        self.move(t, d)
        if n_iter == h["max_iter"]:
            return loss, g, t, 0
        new_loss, g = self.evaluate()
        return float(new_loss), g, t, 1

    def direction(self, g, d, t, prev_g):
        """-H g from the history (updated first with the last step's s and y), or -g at the
        very first iteration."""
        state = self.state
        if state["n_iter"] == 1:
            state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1)
            return -g
        y, s = g - prev_g, d * t
        ys = y.dot(s)
        if ys > 1e-10:  # (curvature along the step: the pair keeps H positive definite)
            self.remember(y, s, ys)
        old_dirs, old_stps, ro = (state[k] for k in _HISTORY)
        al = [None] * len(old_dirs)
        q = -g
        for i in reversed(range(len(old_dirs))):
            al[i] = old_stps[i].dot(q) * ro[i]
            q -= al[i] * old_dirs[i]
        r = q * state["H_diag"]
        for i in range(len(old_dirs)):
            r += (al[i] - old_dirs[i].dot(r) * ro[i]) * old_stps[i]
        return r

    def remember(self, y, s, ys):
        state = self.state
        if len(state["old_dirs"]) == self.h["history_size"]:
            for key in _HISTORY:
                state[key].pop(0)
        state["old_dirs"].append(y)
        state["old_stps"].append(s)
        state["ro"].append(1.0 / ys)
        state["H_diag"] = ys / y.dot(y)  # the initial inverse Hessian's scale


def _flat_layout(params):
    """(total elements, the flat vector's dtype, array module) of `params`."""
    arrays = [p.data for p in params]
    return (sum(a.size for a in arrays), np.result_type(*arrays),
            get_array_module(arrays[0]))


def _flat_copy(value, size, dtype, xp, key, who):
    value = xp.array(from_torch(value), dtype=dtype, copy=True)
    if value.shape != (size,):
        raise ValueError(f"{who}: state {key!r} has shape {tuple(value.shape)}, the "
                         f"parameters together ({size},)")
    return value
