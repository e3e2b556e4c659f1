"""Keras' CTC loss function (keras.losses.ctc): keras.ops.ctc_loss of padded labels, 0 being
both the blank and the padding, each sequence aligned over all of its frames."""
import numpy as np

from autograd.ops import astype
from autograd.variable import as_variable

MASK_INDEX = 0  # (Keras': the blank, and what pads y_true's rows)


def ctc(y_true, y_pred):
    """Each sample's CTC loss (N,): y_true (N, max_length) integer labels padded with 0 at the
    end, y_pred (N, frames, classes) logits (not softmax-ed); class 0 is the blank."""
    y_true, y_pred = as_variable(y_true), as_variable(y_pred)
    if y_true.ndim != 2:
        raise ValueError("ctc: y_true must be integer labels of shape (batch_size, "
                         f"max_length), got shape {tuple(y_true.shape)}")
    if y_pred.ndim != 3:
        raise ValueError("ctc: y_pred must be logits of shape (batch_size, max_length, "
                         f"num_classes), got shape {tuple(y_pred.shape)}")
    from .ops import ctc_loss  # (keras.ops loads its whole table: only when used)
    labels = astype(y_true, "int64")  # (Keras' losses hand y_true over as floats)
    label_length = astype(labels != MASK_INDEX, "int64").sum(axis=-1)
    frames = np.full(y_pred.shape[0], y_pred.shape[1], np.int64)  # (all frames count)
    return ctc_loss(labels, y_pred, label_length, frames, mask_index=MASK_INDEX)


__all__ = ["ctc"]
