"""Keras' operations whose results are complex (keras.ops.linalg.eig, keras.ops.nn.polar,
keras.ops.view_as_complex and view_as_real), by Keras' class name. rungrad's tensors are
real: a complex tensor is a (real, imag) pair of them, as nn.keras.operations_signal's
Fourier transforms take and give it (a complex NumPy array is accepted where one is read)."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.variable import as_variable

from .operation_kinds import as_tensors, floats


def pair(x, who):
    """A complex tensor as (real, imag) Variables: a pair as it is, a complex array split,
    a real tensor with zeros beside it."""
    if isinstance(x, (tuple, list)):
        if len(x) != 2:
            raise ValueError(f"{who}: a complex tensor is a (real, imag) pair, got {len(x)} "
                             "parts")
        return tuple(as_tensors(*x))
    if np.iscomplexobj(x):  # (a NumPy or CuPy array: rungrad's tensors are real)
        xp = get_array_module(x)
        return as_variable(xp.real(x)), as_variable(xp.imag(x))
    x = floats(x)
    return x, x * 0


def polar(abs_, angle):
    """Keras' Polar: abs_ (cos angle + i sin angle) as a (real, imag) pair."""
    magnitude, angle = as_tensors(abs_, angle)
    return magnitude * ops.cos(angle), magnitude * ops.sin(angle)


def view_as_complex(x):
    """Keras' ViewAsComplex: (..., 2) real values as the (real, imag) pair of (...)."""
    x = as_variable(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: the last axis must hold 2 values (real and "
                         f"imaginary), got shape {tuple(x.shape)}")
    return x[..., 0], x[..., 1]


def view_as_real(x):
    """Keras' ViewAsReal: a complex tensor as (..., 2) real values."""
    return ops.stack(pair(x, "view_as_real"), axis=-1)


class Eig(Function):
    """The eigenvalues (..., n) and right eigenvectors (..., n, n) of a general square
    matrix (NumPy's, LAPACK's geev as torch's), each a (real, imag) pair. No gradient
    (torch's is complex): backward refuses rather than return a wrong one."""

    def forward(self, a):
        xp = get_array_module(a)
        values, vectors = xp.linalg.eig(a)
        dtype = a.dtype
        return tuple(part.astype(dtype) for z in (values, vectors) for part in (z.real, z.imag))

    def backward(self, *grads):
        raise NotImplementedError("keras.ops.linalg.eig: no gradient in rungrad (its complex "
                                  "eigen-decomposition is computed without one); for a "
                                  "symmetric matrix use eigh, which has it")


def eig(x):
    """Keras' Eig: ((real, imag) eigenvalues, (real, imag) eigenvectors as columns)."""
    x = floats(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"eig: expected square matrices (..., n, n), got shape "
                         f"{tuple(x.shape)}")
    real, imag, vreal, vimag = Eig()(x)
    return (real, imag), (vreal, vimag)


COMPLEX = {"Polar": polar, "ViewAsComplex": view_as_complex, "ViewAsReal": view_as_real,
           "Eig": eig}

__all__ = ["COMPLEX", "pair"]
