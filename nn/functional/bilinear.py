"""The bilinear form of PyTorch's F.bilinear: y = x1^T W x2 + b, one W slice per output
feature, as one einsum (its gradients, of every order, are einsums too)."""
from autograd.ops import astype, einsum
from autograd.ops.validation import float_input
from autograd.variable import as_variable


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]:
    input1 (*, in1), input2 (*, in2) with the same leading axes, weight (out, in1, in2),
    bias (out,) -> (*, out). The inputs are cast to weight's dtype, as F.linear's (a
    float64 or integer batch meets a float32 layer)."""
    w = float_input(weight, "bilinear")
    b = None if bias is None else float_input(bias, "bilinear")
    x1, x2 = (astype(as_variable(x, who="bilinear"), w.dtype) for x in (input1, input2))
    _check_shapes(x1, x2, w, b)
    y = einsum("...i,oij,...j->...o", x1, w, x2)
    return y if b is None else y + b


def _check_shapes(x1, x2, w, b):
    """PyTorch's checks, in its words; and one dtype for weight and bias."""
    if b is not None and b.dtype != w.dtype:
        raise TypeError(f"bilinear(): weight and bias must have the same dtype, got weight: "
                        f"{w.dtype}, bias: {b.dtype}")
    if w.ndim != 3:
        raise ValueError(f"bilinear(): weight must be 3-D (out_features, in1_features, "
                         f"in2_features), got shape {w.shape}")
    if x1.ndim == 0 or x1.ndim != x2.ndim:
        raise ValueError(f"bilinear(): input dimensions do not match: got {x1.ndim} and "
                         f"{x2.ndim} (shapes {x1.shape} and {x2.shape})")
    if x1.shape[:-1] != x2.shape[:-1]:
        raise ValueError(f"bilinear(): input batch dimensions do not match: got shapes "
                         f"{x1.shape} and {x2.shape}")
    for name, x, axis in (("input1", x1, 1), ("input2", x2, 2)):
        if x.shape[-1] != w.shape[axis]:
            raise ValueError(f"bilinear(): {name} size does not match weight size: got "
                             f"{x.shape[-1]} but expected {w.shape[axis]} (weight shape "
                             f"{w.shape})")
    if b is not None and b.shape != w.shape[:1]:
        raise ValueError(f"bilinear(): bias size does not match weight size: got shape "
                         f"{b.shape} but expected ({w.shape[0]},)")


__all__ = ["bilinear"]
