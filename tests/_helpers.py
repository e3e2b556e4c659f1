"""Helpers shared by every test folder."""
import os

# The repository root: the working directory (and PYTHONPATH) of tests that start Python.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def saved_and_loaded(model, x, path, rtol=1e-5, atol=1e-6):
    """`model` saved to `path` and loaded back (nn.load_model), checked to predict on x as
    it does; returns the loaded model."""
    import numpy as np

    import nn
    model.save(path)
    loaded = nn.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=rtol, atol=atol)
    return loaded



def assert_float32_kept(call, *arrays):
    """call(*Variables) of float32 arrays (one (3, 4) array when none are given) is float32,
    and so is the gradient of each input it reaches (at least one)."""
    import numpy as np

    import autograd as ag
    if not arrays:
        arrays = (np.random.default_rng(0).standard_normal((3, 4)),)
    xs = [ag.Variable(np.asarray(a, np.float32)) for a in arrays]
    y = call(*xs)
    assert y.dtype == np.float32
    grads = [g for g in ag.grad(y.sum(), xs, allow_unused=True) if g is not None]
    assert grads and all(g.dtype == np.float32 for g in grads)
