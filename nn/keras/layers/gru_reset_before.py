"""Keras 2's GRU, reset_after=False: the reset gate applied to the state before the
recurrent product, h~ = tanh(x W_h + b_h + (r h) U_h). nn's fused loops are PyTorch's GRU
(reset_after=True's), so this one runs step by step with ops: differentiable to any order,
its weights Keras' own (kernel (F, 3U), recurrent_kernel (U, 3U), one bias (3U,); gates z,
r, h)."""
from autograd.ops import astype, expand_dims, matmul, split, stack, where
from autograd.ops import sigmoid as _sigmoid
from autograd.ops import tanh as _tanh

from ...functional.stepwise_recurrence import or_identity


def reset_before_run(steps, h, kernel, recurrent_kernel, bias, activations=None,
                     input_masks=None, recurrent_masks=None, steps_mask=None, reverse=False):
    """(outputs (T, N, U) in the order the steps ran, the final state (h,)) of steps
    (T, N, F) from h (N, U). activations: (activation, gate) functions in place of tanh and
    the sigmoid (None: those); input_masks (3, N, F) and recurrent_masks (3, N, U): each
    gate's dropout masks of the input and of the state (Keras' implementation 1), the state
    carried on unmasked; steps_mask (T, N): where False, a sample's state stays as it was."""
    activation, gate = (or_identity(f) for f in activations) if activations else (_tanh,
                                                                                  _sigmoid)
    kernels = split(kernel, 3, axis=-1)
    x_terms = [matmul(_masked(steps, input_masks, g), kernels[g]) for g in range(3)]
    if bias is not None:
        x_terms = [term + b for term, b in zip(x_terms, split(bias, 3, axis=-1))]
    u_z, u_r, u_h = split(recurrent_kernel, 3, axis=-1)
    keep = None if steps_mask is None else expand_dims(astype(steps_mask, bool), -1)
    outputs = []
    for t in (range(steps.shape[0] - 1, -1, -1) if reverse else range(steps.shape[0])):
        z = gate(x_terms[0][t] + matmul(_masked(h, recurrent_masks, 0), u_z))
        r = gate(x_terms[1][t] + matmul(_masked(h, recurrent_masks, 1), u_r))
        candidate = activation(x_terms[2][t] + matmul(r * _masked(h, recurrent_masks, 2), u_h))
        new = z * h + (1 - z) * candidate
        h = new if keep is None else where(keep[t], new, h)
        outputs.append(h)
    return stack(outputs), (h,)


def _masked(x, masks, g):
    """x times gate g's dropout mask (masks (3, N, ...), or (1, N, ...): one for every gate,
    broadcasting against x), or x."""
    return x if masks is None else x * masks[g if len(masks) > 1 else 0]
