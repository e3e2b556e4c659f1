"""keras.ops.linalg: Keras 3's linear algebra, each the same function as flat keras.ops';
eig's complex results are (real, imag) pairs and have no gradient."""
from ._exposed import expose

__all__ = expose(__name__, (
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor",
    "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"
))
