"""Validated sequences, where their valid steps lie, and the batches cut from them.

A batch of sequences of different lengths is stored padded, but the network
must never read the padding. :class:`Sequences` keeps the user's values (a
view when possible: long series cut into windows stay O(series) in memory)
with the first valid step and the number of valid steps of each sequence;
:meth:`Sequences.batch` copies one batch at a time, moves each sequence's
valid steps to the front, zeroes the padding and returns the lengths that the
network packs with.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._nonfinite import first_non_finite
from ._tokens import PADDING_ID

__all__ = ["Sequences", "from_padded_array", "from_ragged_list", "from_token_ids", "shared_tensor"]

# Rows validated at a time: bounds the temporary masks on huge (windowed) inputs.
_CHUNK_ROWS = 4096
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def shared_tensor(array: np.ndarray) -> torch.Tensor:
    """A tensor sharing memory with ``array``, read-only arrays (memmaps) included."""
    with warnings.catch_warnings():
        # torch warns that it cannot protect a read-only array from writes;
        # batches are only ever read, so sharing is safe and saves a copy.
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.as_tensor(array)


@dataclass(frozen=True)
class Sequences:
    """Sequences of shape ``(n, T, F)`` and where each one's valid steps are.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features)
        Real values; steps outside ``[starts[i], starts[i] + lengths[i])`` are
        padding and never read.
    lengths : int64 ndarray of shape (n_samples,) or None
        Valid steps per sequence; None when every sequence fills all steps.
    starts : int64 ndarray of shape (n_samples,) or None
        First valid step of each sequence (leading padding); None with ``lengths``.
    from_list : bool, default=False
        Whether the user passed a list of sequences (per-step predictions are
        then returned as a list too).
    tokens : bool, default=False
        Whether ``values`` holds integer token ids, shape ``(n, T, 1)``, id 0
        being padding.
    instances : pandas.Index, default=None
        For a pandas panel: the instance of each sequence.
    step_index : pandas.MultiIndex, default=None
        For a pandas panel: the ``(instance, time)`` of every valid step, in
        the order of the sequences and their steps.
    """

    values: np.ndarray
    lengths: np.ndarray | None = None
    starts: np.ndarray | None = None
    from_list: bool = False
    tokens: bool = False
    instances: Any = None
    step_index: Any = None

    def __len__(self) -> int:
        return len(self.values)

    def take(self, rows: slice) -> Sequences:
        """The sequences in ``rows`` (a slice: values stay a view), for training on a part."""
        return dataclasses.replace(
            self,
            values=self.values[rows],
            lengths=None if self.lengths is None else self.lengths[rows],
            starts=None if self.starts is None else self.starts[rows],
            instances=None if self.instances is None else self.instances[rows],
            # Which (instance, time) each step is only matters for predictions.
            step_index=None,
        )

    @property
    def n_steps(self) -> int:
        return self.values.shape[1]

    @property
    def n_features(self) -> int:
        return self.values.shape[2]

    def valid_steps(self) -> np.ndarray:
        """Boolean mask ``(n, T)`` of the steps that are not padding."""
        if self.lengths is None:
            return np.ones(self.values.shape[:2], dtype=bool)
        steps = np.arange(self.n_steps)
        return (steps >= self.starts[:, np.newaxis]) & (steps < (self.starts + self.lengths)[:, np.newaxis])

    def align_steps(self, steps: np.ndarray, index: slice | np.ndarray, fill: float) -> np.ndarray:
        """Per-step values ``(n, T, ...)`` of the sequences in ``index``, moved as :meth:`batch` moves X.

        Valid steps come first, the result is trimmed to the longest sequence of
        the batch and the padding holds ``fill``.
        """
        block = steps[index]
        if self.lengths is None:
            return block
        lengths = self.lengths[index]
        width = int(lengths.max())
        positions = np.arange(width)
        source = np.minimum(self.starts[index][:, np.newaxis] + positions, self.n_steps - 1)
        aligned = np.take_along_axis(block, source.reshape(source.shape + (1,) * (block.ndim - 2)), axis=1)
        aligned[positions >= lengths[:, np.newaxis]] = fill
        return aligned

    def feature_moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of every feature over the valid steps, in float64.

        Computed a block of rows at a time (Chan et al.'s pairwise update), so
        that windows of a long series, a view, are never copied whole.
        """
        count = 0
        mean = np.zeros(self.n_features)
        sum_squares = np.zeros(self.n_features)
        for low in range(0, len(self), _CHUNK_ROWS):
            block = self.take(slice(low, low + _CHUNK_ROWS))
            values = np.asarray(block.values, dtype=np.float64)[block.valid_steps()]
            if len(values) == 0:
                continue
            block_mean = values.mean(axis=0)
            block_sum_squares = ((values - block_mean) ** 2).sum(axis=0)
            total = count + len(values)
            delta = block_mean - mean
            mean = mean + delta * len(values) / total
            sum_squares = sum_squares + block_sum_squares + delta**2 * count * len(values) / total
            count = total
        return mean, np.sqrt(sum_squares / max(count, 1))

    @property
    def batch_dtype(self) -> type:
        """float32 for values, int64 for token ids."""
        return np.int64 if self.tokens else np.float32

    def batch(self, index: slice | np.ndarray) -> dict[str, torch.Tensor]:
        """``{"X": tensor}``, plus ``"lengths"`` when the batch holds padding.

        Valid steps are moved to the front of each row and the batch is trimmed
        to its longest sequence, so padding only ever trails, as packing needs.
        X is float32, or int64 for token ids (padding id 0).
        """
        block = self.values[index]
        dtype = self.batch_dtype
        if self.lengths is None:
            return {"X": shared_tensor(np.ascontiguousarray(block, dtype=dtype))}
        lengths = self.lengths[index]
        starts = self.starts[index]
        width = int(lengths.max())
        steps = np.arange(width)
        source = np.minimum(starts[:, np.newaxis] + steps, self.n_steps - 1)
        X = np.take_along_axis(block, source[:, :, np.newaxis], axis=1).astype(dtype, copy=False)
        padding = steps >= lengths[:, np.newaxis]
        if not padding.any():
            return {"X": torch.from_numpy(np.ascontiguousarray(X))}
        X[padding] = 0
        return {"X": torch.from_numpy(X), "lengths": torch.from_numpy(lengths)}

    def padded(self, width: int, *, keep: str = "first", dtype: type = np.float64) -> np.ndarray:
        """Valid steps left-aligned in ``(n, width, F)``, NaN after them.

        Sequences longer than ``width`` keep their ``"first"`` or ``"last"`` steps.
        """
        n = len(self)
        lengths = np.full(n, self.n_steps) if self.lengths is None else self.lengths
        starts = np.zeros(n, dtype=np.int64) if self.starts is None else self.starts
        kept = np.minimum(lengths, width)
        first = starts + (lengths - kept if keep == "last" else 0)
        steps = np.arange(width)
        out = np.empty((n, width, self.n_features), dtype=dtype)
        for low in range(0, n, _CHUNK_ROWS):
            rows = slice(low, low + _CHUNK_ROWS)
            source = np.minimum(first[rows, np.newaxis] + steps, self.n_steps - 1)
            block = np.take_along_axis(self.values[rows], source[:, :, np.newaxis], axis=1)
            out[rows] = block
            out[rows][steps >= kept[rows, np.newaxis]] = np.nan
        return out


def from_ragged_list(name: str, sequences: Sequence) -> Sequences:
    """Pad a list of ``(T_i, F)`` or ``(T_i,)`` arrays into :class:`Sequences`."""
    arrays = []
    for i, sequence in enumerate(sequences):
        array = np.asarray(sequence)
        if array.dtype.kind not in "biuf":
            raise ValueError(
                f"{name} got a sequence of dtype {array.dtype} at position {i} of X; every "
                "sequence must hold numbers. Encode text with "
                "sk_rnn.preprocessing.SequenceVectorizer or another encoder first."
            )
        if array.ndim == 1:
            array = array[:, np.newaxis]
        if array.ndim != 2:
            raise ValueError(
                f"{name} got a sequence of shape {array.shape} at position {i} of X; each "
                "sequence of a list must be 1-D (T_i,) or 2-D (T_i, n_features)."
            )
        if len(array) == 0:
            raise ValueError(
                f"{name} got an empty sequence at position {i} of X; every sequence needs at "
                "least one step. Drop empty sequences before fitting or predicting."
            )
        if array.shape[1] != (arrays[0].shape[1] if arrays else array.shape[1]):
            raise ValueError(
                f"{name} got sequences with different numbers of features per step: "
                f"sequence 0 has {arrays[0].shape[1]}, sequence {i} has {array.shape[1]}. "
                "Every sequence must have the same features per step."
            )
        _raise_on_non_finite(name, array, f"sequence {i} of X")
        arrays.append(array)
    if not arrays:
        raise ValueError(f"{name} got an empty list as X; at least one sequence is required.")
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    # float64 input stays float64 (batches are cast one at a time); the rest is float32.
    dtype = np.float64 if any(a.dtype == np.float64 for a in arrays) else np.float32
    values = np.zeros((len(arrays), int(lengths.max()), arrays[0].shape[1]), dtype=dtype)
    for row, array in zip(values, arrays, strict=True):
        row[: len(array)] = array
    _raise_on_float32_overflow(name, values)
    if (lengths == values.shape[1]).all():
        return Sequences(values, from_list=True)
    return Sequences(values, lengths, np.zeros_like(lengths), from_list=True)


def _raise_on_non_finite(name: str, array: np.ndarray, where: str) -> None:
    found = first_non_finite(array)
    if found is None:
        return
    (step, feature), kind = found
    raise ValueError(
        f"{name} got {kind} in {where} at step {step}, feature {feature}; the sequences of a "
        "list must hold finite numbers (their lengths already mark the padding). Impute or "
        "drop missing values first."
    )


def _raise_on_float32_overflow(name: str, values: np.ndarray) -> None:
    too_large = np.abs(values) > _FLOAT32_MAX
    if not too_large.any():
        return
    position = tuple(int(i) for i in np.argwhere(too_large)[0])
    raise ValueError(
        f"{name} got a value too large for float32 in X at sample {position[0]}, step "
        f"{position[1]}, feature {position[2]}; the networks compute in float32 "
        f"(largest value {_FLOAT32_MAX:.3g}). Scale X first, for instance with StandardScaler."
    )


def from_padded_array(name: str, values: np.ndarray) -> Sequences:
    """Find the all-NaN leading and trailing steps of a 3-D array and check the rest.

    A NaN is padding only when a whole step is NaN and it lies before the first
    or after the last valid step of its sequence. Any other NaN, any inf, and
    a sequence without a valid step are errors.
    """
    if values.dtype.kind != "f":  # integers cannot be NaN or inf
        return Sequences(values)
    n_samples, n_steps, _ = values.shape
    lengths = np.empty(n_samples, dtype=np.int64)
    starts = np.empty(n_samples, dtype=np.int64)
    for low in range(0, n_samples, _CHUNK_ROWS):
        block = values[low : low + _CHUNK_ROWS]
        missing = np.isnan(block)
        _raise_on_infinite_or_too_large(name, block, missing, low)
        padding_steps = missing.all(axis=2)
        partial = missing.any(axis=2) & ~padding_steps
        if partial.any():
            sample, step = (int(i) for i in np.argwhere(partial)[0])
            feature = int(np.argwhere(missing[sample, step])[0][0])
            raise ValueError(
                f"{name} got NaN in X at sample {low + sample}, step {step}, feature {feature}, but "
                "not in every feature of that step. NaN marks padding only as whole steps at the "
                "start or end of a sequence; impute missing values first (for instance with "
                "sklearn.impute.SimpleImputer)."
            )
        valid = ~padding_steps
        counts = valid.sum(axis=1)
        if (counts == 0).any():
            sample = low + int(np.argmax(counts == 0))
            raise ValueError(
                f"{name} got a sequence with no valid step: every step of sample {sample} of X is "
                "NaN. Drop such sequences before fitting or predicting."
            )
        first = valid.argmax(axis=1)
        last = n_steps - 1 - valid[:, ::-1].argmax(axis=1)
        holes = last - first + 1 != counts
        if holes.any():
            sample = int(np.argmax(holes))
            inside = ~valid[sample, first[sample] : last[sample] + 1]
            step = int(first[sample] + np.argmax(inside))
            raise ValueError(
                f"{name} got an all-NaN step in X at sample {low + sample}, step {step}, between "
                "valid steps. All-NaN steps are read as padding only at the start or the end of a "
                "sequence; fill gaps inside a sequence first (interpolate or impute)."
            )
        lengths[low : low + len(block)] = counts
        starts[low : low + len(block)] = first
    if (lengths == n_steps).all():
        return Sequences(values)
    return Sequences(values, lengths, starts)


def _raise_on_infinite_or_too_large(name: str, block: np.ndarray, missing: np.ndarray, low: int) -> None:
    magnitude = np.abs(np.where(missing, 0, block))
    too_large = magnitude > _FLOAT32_MAX
    if not too_large.any():
        return
    sample, step, feature = (int(i) for i in np.argwhere(too_large)[0])
    kind = "inf" if np.isinf(block[sample, step, feature]) else "a value too large for float32"
    raise ValueError(
        f"{name} got {kind} in X at sample {low + sample}, step {step}, feature {feature}; X must "
        "hold finite numbers within float32's range (NaN is read as padding only for whole steps "
        "at the start or end of a sequence). Impute or clip such values, or scale X first."
    )


def from_token_ids(name: str, X: object) -> Sequences:
    """Validate integer token ids: a 2-D array ``(n, T)`` or a list of 1-D arrays.

    Id 0 is padding, at the start or the end of a sequence. A sequence made of
    padding only (an empty text) keeps one padding step, whose embedding is zero.
    """
    if (
        isinstance(X, (list, tuple))
        and X
        and all(hasattr(s, "__len__") and not isinstance(s, str) for s in X)
    ):
        rows = [np.asarray(s) for s in X]
        if len({len(r) for r in rows}) > 1 or any(r.ndim != 1 for r in rows):
            for i, row in enumerate(rows):
                _check_token_dtype(name, row, f"sequence {i} of X")
                if row.ndim != 1:
                    raise ValueError(
                        f"{name} got token ids of shape {row.shape} at position {i} of X; with "
                        "embedding_dim set, each sequence is a 1-D array of integer ids."
                    )
            width = max(max(len(r) for r in rows), 1)
            values = np.zeros((len(rows), width), dtype=np.int64)
            for out, row in zip(values, rows, strict=True):
                out[: len(row)] = row
            return _token_layout(name, values, from_list=True)
    values = np.asarray(X)
    _check_token_dtype(name, values, "X")
    if values.ndim != 2:
        raise ValueError(
            f"{name} with embedding_dim set expects token ids as a 2-D integer array (n_samples, "
            f"n_timesteps) or a list of 1-D integer arrays, but got an array of shape {values.shape}."
        )
    return _token_layout(name, values, from_list=isinstance(X, (list, tuple)))


def _check_token_dtype(name: str, values: np.ndarray, where: str) -> None:
    if values.dtype.kind in "US" or (
        values.dtype.kind == "O" and any(isinstance(v, str) for v in values.ravel())
    ):
        raise ValueError(
            f"{name} got text in {where}; it expects integer token ids. Encode the texts first, for "
            "instance with make_pipeline(sk_rnn.preprocessing.SequenceVectorizer(), estimator)."
        )
    if values.dtype.kind not in "iub" or values.dtype.kind == "b":
        raise ValueError(
            f"{name} got token ids of dtype {values.dtype} in {where}; with embedding_dim set, X must "
            "hold integer ids (0 for padding). Cast integral floats with X.astype(int), or leave "
            "embedding_dim=None for numeric sequences."
        )
    if values.size and values.min() < 0:
        position = tuple(int(i) for i in np.argwhere(values < 0)[0])
        raise ValueError(
            f"{name} got a negative token id ({int(values[position])}) in {where} at position "
            f"{position}; token ids are non-negative integers, 0 being padding."
        )


def _token_layout(name: str, ids: np.ndarray, *, from_list: bool) -> Sequences:
    n, n_steps = ids.shape
    if n == 0 or n_steps == 0:
        raise ValueError(
            f"{name} got token ids of shape {ids.shape}; at least one sequence and one step are needed."
        )
    valid = ids != PADDING_ID
    counts = valid.sum(axis=1)
    first = np.where(counts > 0, valid.argmax(axis=1), 0)
    last = np.where(counts > 0, n_steps - 1 - valid[:, ::-1].argmax(axis=1), 0)
    holes = (counts > 0) & (last - first + 1 != counts)
    if holes.any():
        sample = int(np.argmax(holes))
        step = int(first[sample] + np.argmax(~valid[sample, first[sample] : last[sample] + 1]))
        raise ValueError(
            f"{name} got the padding id 0 in X at sample {sample}, step {step}, between tokens. Id 0 "
            "marks padding at the start or the end of a sequence only; give real tokens ids from 1."
        )
    lengths = np.maximum(last - first + 1, 1).astype(np.int64)
    values = ids.astype(np.int64, copy=False)[:, :, np.newaxis]
    if (lengths == n_steps).all():
        return Sequences(values, from_list=from_list, tokens=True)
    return Sequences(values, lengths, first.astype(np.int64), from_list=from_list, tokens=True)
