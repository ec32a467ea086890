"""Learning-rate schedules, as skorch ``LRScheduler`` callbacks built from one name."""

from __future__ import annotations

import inspect
import math

import torch
from skorch.callbacks import LRScheduler

__all__ = ["SCHEDULES", "WarmupCosine", "has_momentum", "schedule_callback"]

SCHEDULES = ("constant", "cosine", "one_cycle", "plateau")

# Share of the updates spent warming up, for "cosine": long enough for Adam's
# moment estimates to settle before the full learning rate is used.
_WARMUP_FRACTION = 0.05


class WarmupCosine:
    """Learning-rate factor for update ``step``: linear warm-up, then a cosine decay to zero.

    A class rather than a closure so that a fitted estimator stays picklable.

    Parameters
    ----------
    total_steps : int
        Optimiser updates in the whole training run.
    warmup_steps : int
        Updates over which the factor rises linearly from ``1 / warmup_steps`` to 1.

    Examples
    --------
    >>> from sk_rnn._training.schedules import WarmupCosine
    >>> factor = WarmupCosine(total_steps=100, warmup_steps=10)
    >>> [round(factor(step), 3) for step in (0, 9, 10, 55, 99)]
    [0.1, 1.0, 1.0, 0.491, 0.0]
    """

    def __init__(self, total_steps: int, warmup_steps: int) -> None:
        self.total_steps = max(int(total_steps), 1)
        self.warmup_steps = max(int(warmup_steps), 1)

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        decay_steps = max(self.total_steps - self.warmup_steps - 1, 1)
        progress = min((step - self.warmup_steps) / decay_steps, 1.0)
        return 0.5 * (1.0 + math.cos(math.pi * progress))


def has_momentum(optimizer: type[torch.optim.Optimizer]) -> bool:
    """Whether the class has a momentum (``momentum``, or Adam's ``betas``) that one_cycle can cycle."""
    try:
        parameters = inspect.signature(optimizer).parameters
    except (TypeError, ValueError):  # no signature to read: assume it has, as torch's OneCycleLR does
        return True
    return "momentum" in parameters or "betas" in parameters


def schedule_callback(
    name: str,
    *,
    learning_rate: float,
    max_epochs: int,
    updates_per_epoch: int,
    monitor: str,
    cycle_momentum: bool = True,
) -> LRScheduler | None:
    """The skorch callback of schedule ``name``, or None for ``"constant"``.

    ``monitor`` is the history key that ``"plateau"`` watches (``"valid_loss"``
    with early stopping, ``"train_loss"`` otherwise). ``cycle_momentum``:
    whether ``"one_cycle"`` also cycles the momentum, which torch refuses for
    an optimizer without one (Adagrad, Rprop).
    """
    total_steps = max_epochs * updates_per_epoch
    if name == "constant":
        return None
    if name == "cosine":
        factor = WarmupCosine(total_steps, round(_WARMUP_FRACTION * total_steps))
        return LRScheduler(
            torch.optim.lr_scheduler.LambdaLR, lr_lambda=factor, step_every="batch", last_epoch=-1
        )
    if name == "one_cycle":
        return LRScheduler(
            torch.optim.lr_scheduler.OneCycleLR,
            max_lr=learning_rate,
            total_steps=total_steps,
            cycle_momentum=cycle_momentum,
            step_every="batch",
            last_epoch=-1,
        )
    if name == "plateau":
        return LRScheduler(
            torch.optim.lr_scheduler.ReduceLROnPlateau,
            monitor=monitor,
            mode="min",
            factor=0.5,
            patience=5,
            step_every="epoch",
        )
    raise ValueError(f"learning_rate_schedule must be one of {list(SCHEDULES)}, got {name!r}.")
