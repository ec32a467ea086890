"""Array-sliced batches: sequences and targets served a whole batch at a time.

skorch's default ``DataLoader`` builds every batch by calling
``Dataset.__getitem__`` once per sample and collating the results; on small
recurrent networks that costs about a tenth of the training time. Here a batch
is one indexing operation on arrays that already hold the whole data set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from .._data.sequences import Sequences, shared_tensor

__all__ = ["ArrayBatches", "BatchIterable", "float_dtype", "input_dtype"]


def float_dtype(precision: str) -> type:
    """The numpy dtype of batches for a network of this ``precision``.

    float64 networks compute in float64; float32 and bfloat16 ones (whose
    autocast keeps float32 inputs) read float32.
    """
    return np.float64 if precision == "float64" else np.float32


def input_dtype(precision: str, scale_in_float64: bool) -> type:
    """The numpy dtype of the sequences in batches for a network of this ``precision``.

    A network that scales its inputs in float64 (see
    :func:`sk_rnn._data.precision.float32_loses_spread`) reads them in float64,
    so that their digits survive until they are scaled.
    """
    return np.float64 if scale_in_float64 else float_dtype(precision)


class ArrayBatches(Dataset):
    """Sequences (and targets) served a whole batch at a time.

    Parameters
    ----------
    X : Sequences
        Validated sequences (see :mod:`sk_rnn._data.sequences`).
    y : ndarray of shape (n_samples, ...), default=None
        One target per sequence, or with ``step_fill`` one per step, of shape
        ``(n_samples, n_timesteps, ...)`` in the layout of ``X.values``.
    step_fill : float, default=None
        For per-step targets: the value of padding steps, which the loss skips.
    weights : ndarray of shape (n_samples,) or (n_samples, n_timesteps), default=None
        Sample weights, per step in the layout of ``X.values`` with per-step
        targets. Batches then carry ``(y, weights)`` as their target.
    float_dtype : numpy dtype, default=np.float32
        The dtype of the float targets and weights in every batch: the
        network's (see :func:`float_dtype`).
    input_dtype : numpy dtype, default=None
        The dtype of the sequences' values (see :func:`input_dtype`); None
        means ``float_dtype``.
    """

    def __init__(
        self,
        X: Sequences,
        y: np.ndarray | None = None,
        step_fill: float | None = None,
        weights: np.ndarray | None = None,
        float_dtype: type = np.float32,
        input_dtype: type | None = None,
    ) -> None:
        self.X = X
        self.step_fill = step_fill
        self.float_dtype = float_dtype
        self.input_dtype = float_dtype if input_dtype is None else input_dtype
        if y is not None and y.dtype.kind == "f":
            y = y.astype(float_dtype, copy=False)
        if y is None or step_fill is not None:
            self.y = y  # per-step targets are aligned batch by batch, in numpy
        else:
            self.y = shared_tensor(y)
        self.weights = None if weights is None else weights.astype(float_dtype)

    def __len__(self) -> int:
        return len(self.X)

    def split_at(self, row: int) -> tuple[ArrayBatches, ArrayBatches]:
        """The sequences before ``row`` and from ``row`` on, each with its targets."""
        parts = []
        for rows in (slice(None, row), slice(row, None)):
            part = ArrayBatches.__new__(ArrayBatches)
            part.X = self.X.take(rows)
            part.step_fill = self.step_fill
            part.float_dtype = self.float_dtype
            part.input_dtype = self.input_dtype
            part.y = None if self.y is None else self.y[rows]
            part.weights = None if self.weights is None else self.weights[rows]
            parts.append(part)
        return parts[0], parts[1]

    def batches(
        self, batch_size: int, *, shuffle: bool, seed: int | None = None
    ) -> Iterator[tuple[dict[str, torch.Tensor], torch.Tensor | None]]:
        """Yield ``({"X": Xb[, "lengths": lb]}, yb)`` batches, each cut in one indexing step."""
        n = len(self.X)
        order = np.random.default_rng(seed).permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            # Without shuffling a batch is a contiguous slice: a view, no copy.
            index = slice(start, start + batch_size) if order is None else order[start : start + batch_size]
            yield self.X.batch(index, self.input_dtype), self._target_batch(index)

    def _target_batch(self, index: slice | np.ndarray) -> Any:
        if self.y is None:
            return None
        if self.step_fill is None:
            target = self.y[index]
        else:
            target = torch.from_numpy(np.ascontiguousarray(self.X.align_steps(self.y, index, self.step_fill)))
        if self.weights is None:
            return target
        if self.step_fill is None:
            return target, torch.from_numpy(np.ascontiguousarray(self.weights[index]))
        # Per-step weights move with their steps; padding weighs nothing.
        return target, torch.from_numpy(np.ascontiguousarray(self.X.align_steps(self.weights, index, 0.0)))


class BatchIterable:
    """Re-iterable view over :meth:`ArrayBatches.batches`: a new epoch per ``iter``."""

    def __init__(
        self, data: ArrayBatches, batch_size: int, shuffle: bool, seed: int | None, first_epoch: int = 0
    ):
        self.data = data
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = first_epoch  # a resumed fit continues the sequence of orders

    def __iter__(self):
        # A different order every epoch, the same sequence of orders every fit.
        seed = None if self.seed is None else (self.seed, self.epoch)
        self.epoch += 1
        return self.data.batches(self.batch_size, shuffle=self.shuffle, seed=seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)
