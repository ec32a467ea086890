"""What a regressor's output layer predicts for each target: a value, quantiles, or a normal distribution.

The network's last linear layer gives ``k * m`` raw numbers for ``k``
targets: ``m = 1`` for a point prediction, ``m = K`` for ``K`` quantiles and
``m = 2`` for a normal distribution's mean and scale. The functions here map
raw numbers to what they stand for, the same way in the loss and at
prediction time.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional

__all__ = ["MIN_STD", "monotone_quantiles", "normal_parameters", "outputs_per_target", "point_outputs"]

# Smallest standard deviation, in standardised target units: keeps the
# likelihood finite when the network is sure of itself.
MIN_STD = 1e-3


def outputs_per_target(loss: str, n_quantiles: int) -> int:
    """Raw outputs per target: one, the number of quantiles, or two (a normal's mean and scale)."""
    if loss == "normal":
        return 2
    return n_quantiles if loss == "quantile" else 1


def monotone_quantiles(raw: torch.Tensor) -> torch.Tensor:
    """Non-decreasing values along the last axis: the first raw number, then positive increments.

    Quantiles predicted this way never cross, whatever the weights.
    """
    first = raw[..., :1]
    increments = functional.softplus(raw[..., 1:])
    return torch.cat([first, first + increments.cumsum(dim=-1)], dim=-1)


def normal_parameters(raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The mean, ``raw[..., 0]``, and the standard deviation, ``softplus(raw[..., 1]) + MIN_STD``."""
    return raw[..., 0], functional.softplus(raw[..., 1]) + MIN_STD


def point_outputs(outputs: np.ndarray, loss: str, quantiles: tuple[float, ...] | None) -> np.ndarray:
    """Point predictions ``(..., k)`` from raw outputs ``(..., k * m)``: the value, the median or the mean.

    With several ``quantiles`` (sorted, 0.5 among them) the point is the
    predicted median.
    """
    per_target = outputs_per_target(loss, len(quantiles) if isinstance(quantiles, tuple) else 1)
    if per_target == 1:
        return outputs
    raw = torch.from_numpy(np.ascontiguousarray(outputs)).reshape(*outputs.shape[:-1], -1, per_target)
    if loss == "normal":
        return normal_parameters(raw)[0].numpy()
    return monotone_quantiles(raw)[..., quantiles.index(0.5)].numpy()
