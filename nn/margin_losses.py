"""Margin and embedding loss modules (PyTorch's): each holds its options and calls the
nn.functional loss (nn/functional/margin_loss.py, multilabel_margin_loss.py)."""
from . import functional as F
from .losses import _Loss


class MarginRankingLoss(_Loss):
    """max(0, -target (input1 - input2) + margin), targets 1 or -1."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """input where target = 1, max(0, margin - input) where target = -1."""

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin,
                                      reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + exp(-target input)), targets 1 or -1."""

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(input1, input2) where target = 1, max(0, cos - margin) where target = -1."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
        super().__init__(reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d = distance_function
    (a PairwiseDistance() by default)."""

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction)
        from .functional.margin_loss import _triplet_margin  # (loaded with the first such loss)
        self.margin = _triplet_margin(margin, reduction, type(self).__name__)
        if distance_function is None:
            from .layers.distance import PairwiseDistance
            distance_function = PairwiseDistance()
            # kept unregistered (it is distance_function too): while that is still the
            # default, forward passes None, so that shape errors name this loss
            object.__setattr__(self, "_default_distance", distance_function)
        self.distance_function, self.swap = distance_function, swap

    _default_distance = None

    def forward(self, anchor, positive, negative):
        distance = self.distance_function
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative,
            distance_function=None if distance is self._default_distance else distance,
            margin=self.margin, swap=self.swap, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Per sample, sum over listed classes j and unlisted i of max(0, 1 - (input[j] -
    input[i])) / C, the listed ones those before the first -1 in target."""

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Per sample, the mean over classes of the (weighted) BCE of logits against 0/1 labels."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self._weight_buffer("weight", weight)

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)


class MultiMarginLoss(_Loss):
    """Per sample, sum over i != y of max(0, margin - input[y] + input[i])^p / C, times
    weight[y] (p 1 or 2)."""

    def __init__(self, p=1, margin=1.0, weight=None, reduction="mean"):
        super().__init__(reduction)
        from .functional.margin_loss import margin_power  # (loaded with the first such loss)
        self.p, self.margin = margin_power(p, "MultiMarginLoss"), margin
        self._weight_buffer("weight", weight)

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


__all__ = ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "CosineEmbeddingLoss",
           "TripletMarginLoss", "TripletMarginWithDistanceLoss", "MultiLabelMarginLoss",
           "MultiLabelSoftMarginLoss", "MultiMarginLoss"]
