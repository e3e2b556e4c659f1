"""PyTorch's cdist: the p-norm distances between every row of one set of vectors and every
row of another, the vector norm of their broadcast differences (whose gradient at a zero
distance is 0, PyTorch's)."""
import math
import numbers

import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Spec
from ..variable import as_variables, wrap
from .elementwise import linked, sign_array
from .norm import vector_norm
from .shape import reshape
from .validation import float_input


class LargestDifference(Function):
    """y = max_k |x[..., k]| (0 over an empty axis);  dy/dx = sign x where |x| = y: each
    tied coordinate in full, as PyTorch's cdist (max's gradient shares ties out)"""

    # (positive and apart: no kink of |x| at 0 and no tie within a numerical step)
    input_specs = (Spec(min_dims=1, elements="positive", distinct=True),)
    reference = staticmethod(lambda x: np.abs(x).max(axis=-1, initial=0))

    def forward(self, x):
        xp = get_array_module(x)
        if x.shape[-1] == 0:
            return xp.zeros(x.shape[:-1], x.dtype)
        return xp.abs(x).max(axis=-1)

    def backward(self, gy):
        x = self.inputs[0]
        xp = get_array_module(x.data)
        largest = xp.abs(x.data) == self.outputs[0]().data[..., None]
        slope = (sign_array(x.data) * largest).astype(x.dtype, copy=False)
        # piecewise constant in x: linked, so a second derivative is 0 rather than missing
        return linked(reshape(gy, gy.shape + (1,)) * wrap(slope), x)


_COMPUTE_MODES = (None, "use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                  "donot_use_mm_for_euclid_dist")  # (PyTorch's names)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p for x1 (..., P, M) and x2
    (..., R, M), batch axes broadcast; p >= 0 (0 counts the differing coordinates, inf takes
    the largest). `compute_mode` is accepted for PyTorch's signature: the distances are
    always taken from the differences (PyTorch's exact mode)."""
    x1, x2 = as_variables((float_input(x1, "cdist"), float_input(x2, "cdist")), "cdist")
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"cdist: compute_mode must be one of {_COMPUTE_MODES}, got "
                         f"{compute_mode!r}")
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not p >= 0:
        raise ValueError(f"cdist: p must be a non-negative number, got {p!r}")
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"cdist: expects x1 (..., P, M) and x2 (..., R, M) with the same M, "
                         f"got shapes {x1.shape} and {x2.shape}")
    rows = reshape(x1, x1.shape[:-1] + (1, x1.shape[-1]))
    cols = reshape(x2, x2.shape[:-2] + (1,) + x2.shape[-2:])
    try:
        differences = rows - cols
    except ValueError:
        raise ValueError(f"cdist: the batch axes of x1 {x1.shape} and x2 {x2.shape} do not "
                         f"broadcast") from None
    if p == math.inf:
        return LargestDifference()(differences)
    return vector_norm(differences, float(p), -1)
