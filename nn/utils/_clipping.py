"""Gradient clipping, which is optim's (optim.clip), under PyTorch's torch.nn.utils names."""
from optim.clip import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]
