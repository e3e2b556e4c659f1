"""Unbatched inputs (PyTorch's): one sample without its batch axis, given to an op that
works on batches."""
from autograd.ops import reshape


def with_batch_axis(op, x, *args, **kwargs):
    """op on x with a batch axis of 1 put in front, then taken off the result."""
    y = op(reshape(x, (1,) + tuple(x.shape)), *args, **kwargs)
    if isinstance(y, tuple):  # (values, indices)
        values, indices = y
        return reshape(values, values.shape[1:]), indices.reshape(indices.shape[1:])
    return reshape(y, tuple(y.shape[1:]))
