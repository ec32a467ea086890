"""Losses for per-step targets, which skip the padding steps of each sequence."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["PerStepCrossEntropyLoss", "PerStepMSELoss"]

IGNORED_CLASS = -100  # torch's default ignore_index


class PerStepMSELoss(nn.Module):
    """Mean squared error over the steps whose target is not NaN.

    ``prediction`` and ``target`` have shape ``(N, T, k)``; padding steps hold
    NaN in ``target`` and do not count, in the sum or in the mean. With
    ``reduction="none"`` the squared errors ``(N, T, k)`` are returned, zero
    at padding, for a weighted mean.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        valid = ~torch.isnan(target)
        error = torch.where(valid, prediction - torch.nan_to_num(target), torch.zeros_like(prediction))
        if self.reduction == "none":
            return error**2
        return (error**2).sum() / valid.sum().clamp(min=1)


class PerStepCrossEntropyLoss(nn.Module):
    """Cross-entropy over the steps whose label is not ``-100``.

    ``logits`` have shape ``(N, T, n_classes)`` and ``target`` ``(N, T)``. With
    ``reduction="none"`` the losses ``(N, T)`` are returned, zero at padding,
    for a weighted mean.
    """

    def __init__(self, label_smoothing: float = 0.0, reduction: str = "mean") -> None:
        super().__init__()
        self.cross_entropy = nn.CrossEntropyLoss(
            ignore_index=IGNORED_CLASS, label_smoothing=label_smoothing, reduction=reduction
        )

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        losses = self.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
        return losses.reshape(target.shape) if self.cross_entropy.reduction == "none" else losses
