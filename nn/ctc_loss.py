"""The CTC loss module (PyTorch's nn.CTCLoss): holds its options and calls F.ctc_loss
(nn/functional/ctc_loss.py)."""
from . import functional as F
from .losses import _Loss


class CTCLoss(_Loss):
    """Connectionist temporal classification: -log of the probability of each target summed
    over its alignments with the input frames (see F.ctc_loss for shapes and the gradient)."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=self.blank,
                          reduction=self.reduction, zero_infinity=self.zero_infinity)


__all__ = ["CTCLoss"]
