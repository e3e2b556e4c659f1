"""Helpers for comparing a rungrad layer with its PyTorch twin (tests import this module)."""
import numpy as np


def copy_weights(ours, theirs):
    """Load our state_dict into the torch module; the key lists must be identical."""
    import torch
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict()), (list(state), list(theirs.state_dict()))
    theirs.load_state_dict({name: torch.from_numpy(np.array(value)) for name, value in
                            state.items()})


def assert_close(ours, theirs, tol=1e-5):
    """A rungrad Variable (or array) against a torch tensor (or array)."""
    have = ours.data if hasattr(ours, "creator") else np.asarray(ours)
    want = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    assert have.shape == want.shape, (have.shape, want.shape)
    np.testing.assert_allclose(have, want, rtol=tol, atol=tol)


def assert_parameter_grads_match(ours, theirs, tol=1e-5):
    """Every parameter's gradient, matched by name."""
    torch_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        assert param.grad is not None, f"{name} got no gradient"
        assert_close(param.grad, torch_params[name].grad, tol)
