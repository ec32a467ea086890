"""Training losses: per step (skipping each sequence's padding), pinball, several quantiles, normal."""

from __future__ import annotations

import math

import torch
from torch import nn

from .heads import monotone_quantiles, normal_parameters

__all__ = [
    "MultiQuantileLoss",
    "NormalNLLLoss",
    "PerSequenceRegressionLoss",
    "PerStepCrossEntropyLoss",
    "PerStepMSELoss",
    "PerStepRegressionLoss",
    "PinballLoss",
    "regression_loss",
]

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


class PinballLoss(nn.Module):
    """The quantile (pinball) loss of quantile ``quantile``: its minimiser is that quantile of y.

    ``max(q * (y - f), (q - 1) * (y - f))``, averaged (``reduction="mean"``) or
    element by element (``"none"``), as torch's losses take ``reduction``.
    """

    def __init__(self, quantile: float = 0.5, reduction: str = "mean") -> None:
        super().__init__()
        self.quantile = quantile
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        error = target - prediction
        losses = torch.maximum(self.quantile * error, (self.quantile - 1) * error)
        return losses if self.reduction == "none" else losses.mean()


class MultiQuantileLoss(nn.Module):
    """The mean pinball loss of several quantiles predicted at once, which never cross.

    ``prediction`` has shape ``(..., k * K)``: for each of the ``k`` targets,
    ``K`` raw outputs that :func:`~sk_rnn.modules.heads.monotone_quantiles`
    maps to non-decreasing values, one per entry of ``quantiles`` (sorted).
    ``target`` has shape ``(..., k)``; with ``reduction="none"`` the loss has
    the target's shape (averaged over the quantiles).
    """

    def __init__(self, quantiles: tuple[float, ...], reduction: str = "mean") -> None:
        super().__init__()
        self.register_buffer("quantiles", torch.tensor(sorted(quantiles), dtype=torch.float32))
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = monotone_quantiles(prediction.reshape(*target.shape, len(self.quantiles)))
        error = target.unsqueeze(-1) - values
        q = self.quantiles.to(values.dtype)
        losses = torch.maximum(q * error, (q - 1) * error).mean(dim=-1)
        return losses if self.reduction == "none" else losses.mean()


class NormalNLLLoss(nn.Module):
    """Negative log-likelihood of a normal distribution whose mean and standard deviation are predicted.

    ``prediction`` has shape ``(..., k * 2)``: a mean and a raw scale per
    target, mapped by :func:`~sk_rnn.modules.heads.normal_parameters`.
    ``target`` has shape ``(..., k)``; with ``reduction="none"`` the loss has
    the target's shape.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        mean, std = normal_parameters(prediction.reshape(*target.shape, 2))
        losses = torch.log(std) + 0.5 * ((target - mean) / std) ** 2 + 0.5 * math.log(2 * math.pi)
        return losses if self.reduction == "none" else losses.mean()


def regression_loss(
    name: str, quantile: float | tuple[float, ...] | None, reduction: str = "mean"
) -> nn.Module:
    """The elementwise regression loss of a regressor's ``loss`` hyperparameter.

    A tuple of quantiles gives the multi-quantile loss; ``"normal"`` the
    normal negative log-likelihood.
    """
    if name == "squared_error":
        return nn.MSELoss(reduction=reduction)
    if name == "absolute_error":
        return nn.L1Loss(reduction=reduction)
    if name == "huber":
        # In standardised target units: errors beyond one standard deviation count linearly.
        return nn.HuberLoss(reduction=reduction, delta=1.0)
    if name == "quantile" and isinstance(quantile, tuple):
        return MultiQuantileLoss(quantile, reduction=reduction)
    if name == "quantile":
        return PinballLoss(quantile, reduction=reduction)
    if name == "normal":
        return NormalNLLLoss(reduction=reduction)
    raise ValueError(f"unknown regression loss {name!r}")


class PerSequenceRegressionLoss(nn.Module):
    """A regression loss for one target vector per sequence, by name (see :func:`regression_loss`)."""

    def __init__(
        self,
        loss: str = "squared_error",
        quantile: float | tuple[float, ...] | None = None,
        reduction: str = "mean",
    ):
        super().__init__()
        self.elementwise = regression_loss(loss, quantile, reduction)

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.elementwise(prediction, target)


class PerStepRegressionLoss(nn.Module):
    """A regression loss over the steps whose target is not NaN (padding), by name.

    ``prediction`` and ``target`` have shape ``(N, T, k)``. With
    ``reduction="none"`` the losses ``(N, T, k)`` are returned, zero at
    padding, for a weighted mean.
    """

    def __init__(
        self,
        loss: str = "squared_error",
        quantile: float | tuple[float, ...] | None = None,
        reduction: str = "mean",
    ):
        super().__init__()
        self.elementwise = regression_loss(loss, quantile, "none")
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        valid = ~torch.isnan(target)
        losses = torch.where(valid, self.elementwise(prediction, torch.nan_to_num(target)), 0.0)
        if self.reduction == "none":
            return losses
        return losses.sum() / valid.sum().clamp(min=1)
