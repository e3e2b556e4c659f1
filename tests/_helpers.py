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


def assert_float32_kept(call, seed=0):
    """call(x) of a float32 Variable x (3, 4) is float32, and so is x's gradient through it."""
    import numpy as np

    import autograd as ag
    x = ag.Variable(np.random.default_rng(seed).standard_normal((3, 4)).astype(np.float32))
    y = call(x)
    assert y.dtype == np.float32
    (gx,) = ag.grad(y.sum(), [x])
    assert gx.dtype == np.float32
