"""What ``predict`` checks in the trained network's outputs before it reports them.

A network computes what it computes: an IndRNN whose recurrent weights
exceed 1 (its bound allows a state to double over the training length)
grows its state without limit over sequences many times longer than it was
trained on, up to infinity and NaN. Such outputs must never reach the user
as a class label or a number.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .._data.sequences import Sequences
from .._data.targets import valid_aligned
from .._warnings import warn_at_user_code
from ..modules.indrnn import IndRNN

__all__ = ["check_outputs_finite", "warn_if_state_can_grow"]

# Growth of an IndRNN state (``u ** steps``) from which predict warns. Its
# bound keeps the growth within 2 over the training length, so a network at
# its bound reaches 16 over four times that length.
_GROWTH_BEFORE_WARNING = 16.0


def largest_recurrent_weight(module: nn.Module) -> float | None:
    """The largest ``|u|`` (within its bound) of an IndRNN network; None for the other cells."""
    rnn = getattr(module, "rnn", None)
    if not isinstance(rnn, IndRNN):
        return None
    with torch.no_grad():
        return max(
            float(layer.recurrent_weight.abs().clamp(max=layer.recurrent_max).max())
            for directions in rnn.layers
            for layer in directions
        )


def _recurrence_steps(n_steps: int, patch_size: int) -> int:
    return -(-int(n_steps) // int(patch_size))


def _growth_hint(name: str, module: nn.Module, X: Sequences, trained_steps: int) -> str:
    """Why the state of this network can grow over X, or an empty string."""
    u = largest_recurrent_weight(module)
    longest = int(X.step_counts().max())
    if u is None or u <= 1.0 or longest <= trained_steps:
        return ""
    return (
        f" {name} was trained on sequences of at most {trained_steps} steps, and its IndRNN units "
        f"keep up to {u:.4g} times their state at every step, so over a sequence of {longest} "
        "steps that state can grow without limit. Predict on sequences no longer than the training "
        f"ones (cut longer ones into windows of at most {trained_steps} steps, with "
        "sk_rnn.preprocessing.SlidingWindowTransformer for instance), or train on sequences as long."
    )


def warn_if_state_can_grow(
    name: str, module: nn.Module, X: Sequences, trained_steps: int | None, patch_size: int
) -> None:
    """Warn when an IndRNN's state may grow over X far beyond what training ever saw.

    Over the training length its bound keeps growth within 2; the warning
    comes once the recurrence is long enough for ``u ** steps`` to exceed
    ``_GROWTH_BEFORE_WARNING``.
    """
    # Up to the training length the bound keeps the growth within 2: no need
    # to read the weights (predict on one sequence is a fraction of a millisecond).
    longest = int(X.step_counts().max())
    if trained_steps is None or longest <= trained_steps:
        return
    u = largest_recurrent_weight(module)
    if u is None or u <= 1.0:
        return
    if _recurrence_steps(longest, patch_size) * math.log(u) <= math.log(_GROWTH_BEFORE_WARNING):
        return
    warn_at_user_code(
        f"{name}'s predictions may be unreliable on these sequences."
        + _growth_hint(name, module, X, trained_steps),
        UserWarning,
    )


def check_outputs_finite(
    name: str,
    module: nn.Module,
    X: Sequences,
    outputs: np.ndarray,
    trained_steps: int | None,
) -> None:
    """Raise a ValueError that names the sequences whose outputs are NaN or infinite."""
    if outputs.ndim == 3:  # per-step outputs: the steps after each sequence's end are NaN by design
        outputs = np.where(valid_aligned(X, outputs.shape[1])[..., np.newaxis], outputs, 0.0)
    bad = ~np.isfinite(outputs).all(axis=tuple(range(1, outputs.ndim)))
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    hint = "" if trained_steps is None else _growth_hint(name, module, X, trained_steps)
    if not hint:
        hint = (
            " Its weights or these inputs are outside the range it can compute in: check loss_curve_ "
            "for a fit that diverged, and that X is on the scale and in the units it was trained on."
        )
    raise ValueError(
        f"{name} computed outputs that are not finite (NaN or infinity) for {int(bad.sum())} of "
        f"{len(bad)} sequence{'s' if len(bad) != 1 else ''} (the first: sequence {first}), so it "
        "cannot predict them." + hint
    )
