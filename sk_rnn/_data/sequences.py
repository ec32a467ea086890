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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from .._warnings import warn_at_user_code

__all__ = [
    "CHUNK_ROWS",
    "CONSTANT_RELATIVE_STD",
    "Sequences",
    "dtype_kinds",
    "from_polars_sequences",
    "gather_steps",
    "is_list_of_sequences",
    "is_polars",
    "is_sequence_item",
    "moment_unit",
    "padded_bytes_if_mostly_padding",
    "scale_or_one",
    "sequence_column_items",
    "shared_tensor",
    "warn_if_mostly_padding",
]

# Rows validated or copied at a time: bounds the temporaries on huge (windowed) inputs.
CHUNK_ROWS = 4096
# A feature whose standard deviation is below this share of its magnitude is
# constant up to the rounding of the float64 moments: dividing by it would blow
# rounding noise up to unit variance.
CONSTANT_RELATIVE_STD = 1e-12


def dtype_kinds(values: Any) -> dict[Any, str]:
    """numpy's kind letter of each column of a DataFrame, or (key None) of an array's or Series' values.

    Empty for what has no dtype (a list): its kind shows only once converted.
    """
    if isinstance(values, pd.DataFrame):
        return {column: dtype.kind for column, dtype in values.dtypes.items()}
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    return {} if kind is None else {None: kind}


def is_sequence_item(item: Any) -> bool:
    """An item that holds a sequence: has a length, and is no string, bytes, dict or 0-d array."""
    return (
        hasattr(item, "__len__")
        and not isinstance(item, (str, bytes, dict))
        and getattr(item, "ndim", 1) >= 1
    )


def is_polars(X: Any) -> bool:
    """A polars DataFrame or Series, told apart without importing polars."""
    return type(X).__module__.startswith("polars.") and type(X).__name__ in ("DataFrame", "Series")


def _holds_sequences(column: Any) -> bool:
    """A polars column of lists or arrays: one sequence per row."""
    return type(column.dtype).__name__ in ("List", "Array")


def from_polars_sequences(name: str, X: Any) -> Any:
    """A polars column of lists (or frame of such columns) as the pandas form of the same sequences.

    A polars ``List`` or ``Array`` column holds one sequence per row, as a
    pandas column of arrays does (numpy reads it as an array of lists and
    fails with "setting an array element with a sequence"): it becomes a
    pandas Series of arrays, and a DataFrame with such columns a pandas
    DataFrame of them, which every estimator reads as a list of sequences.
    Anything else is returned unchanged.
    """
    if not is_polars(X):
        return X
    columns = [X] if type(X).__name__ == "Series" else X.get_columns()
    if not any(_holds_sequences(column) for column in columns):
        return X
    for column in columns:
        if column.null_count():
            row = column.is_null().arg_true()[0]
            raise ValueError(
                f"{name} got a missing value (null) in row {row} of column {column.name!r}, a column "
                "of sequences; every row needs its sequence. Drop the rows with missing sequences "
                "first (for instance X.drop_nulls())."
            )
    converted = {
        column.name: pd.Series(
            [np.asarray(item) for item in column.to_list()] if _holds_sequences(column) else column.to_list(),
            dtype=object if _holds_sequences(column) else None,
        )
        for column in columns
    }
    if type(X).__name__ == "Series":
        return converted[X.name].rename(X.name)
    return pd.DataFrame(converted)


def sequence_column_items(X: Any) -> list | None:
    """The items of a pandas Series or 1-D object array when every one is a sequence; else None.

    Such a column (of recordings, of token-id lists) is read as a list of sequences.
    """
    if isinstance(X, pd.Series) or (isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype == object):
        items = list(X)
        if items and all(is_sequence_item(item) for item in items):
            return items
    return None


def is_list_of_sequences(X: Any) -> bool:
    """A list or tuple whose items all have a length (arrays, lists), strings excepted."""
    return isinstance(X, (list, tuple)) and all(
        hasattr(item, "__len__") and not isinstance(item, str) for item in X
    )


# Sequences padded to the longest are worth a warning when the padded array
# takes at least this much memory and the longest is this many times the mean
# length: one long sequence among many short ones (a long tail of text or
# recording lengths) then makes the array gigabytes of padding.
LARGE_PADDED_BYTES = 256 * 2**20
MOSTLY_PADDING = 10


def padded_bytes_if_mostly_padding(lengths: np.ndarray, bytes_per_step: int) -> int | None:
    """The bytes of sequences padded to the longest, when that is large and mostly padding; else None."""
    longest = int(lengths.max(initial=0))
    padded = len(lengths) * longest * bytes_per_step
    if padded < LARGE_PADDED_BYTES or longest < MOSTLY_PADDING * max(float(lengths.mean()), 1.0):
        return None
    return padded


def warn_if_mostly_padding(name: str, lengths: np.ndarray, bytes_per_step: int) -> None:
    """Warn before padding a list to its longest sequence makes an array of gigabytes of padding.

    ``bytes_per_step`` is what one step of the padded array takes.
    """
    padded = padded_bytes_if_mostly_padding(lengths, bytes_per_step)
    if padded is None:
        return
    longest = int(lengths.argmax())
    most = int(np.quantile(lengths, 0.99, method="lower"))  # a length some sequence has
    warn_at_user_code(
        f"{name} holds the {len(lengths)} sequences of X padded to the longest, sequence {longest} of "
        f"{lengths[longest]} steps, while they have {lengths.mean():.0f} on average: "
        f"{padded / 2**30:.1f} GiB, mostly padding. Cut the longest sequences into windows, or "
        f"leave them out (99% of the sequences have at most {most} steps).",
        UserWarning,
    )


def moment_unit(magnitude: np.ndarray) -> np.ndarray:
    """The unit to take moments in: 1, unless squares of values of ``magnitude`` would leave float64.

    Squares of values below about 1e-154 underflow to 0 (a feature would read
    as constant) and above about 1e154 overflow; such values are divided by
    their largest magnitude first. Every other feature keeps the unit 1, so
    that its moments are computed exactly as they always were.
    """
    usual = (magnitude >= 1e-100) & (magnitude <= 1e100)
    return np.where(usual | (magnitude == 0), 1.0, magnitude)


def scale_or_one(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Per-feature scale: the standard deviation, or 1 for a constant feature, as in StandardScaler.

    Constant means constant up to rounding, relative to the feature's own
    magnitude only: a feature measured in units that make it tiny (values
    around 1e-20, say) is scaled like any other, not mistaken for a constant.
    """
    return np.where((std > 0) & (std > CONSTANT_RELATIVE_STD * np.abs(mean)), std, 1.0)


def shared_tensor(array: np.ndarray) -> torch.Tensor:
    """A tensor sharing memory with ``array``, read-only arrays (memmaps) included."""
    with warnings.catch_warnings():
        # torch warns that it cannot protect a read-only array from writes;
        # batches are only ever read, so sharing is safe and saves a copy.
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.as_tensor(array)


def gather_steps(
    block: np.ndarray, first: np.ndarray, lengths: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Move each row's valid steps to the front: steps ``first[i]`` on, ``width`` of them.

    Returns the gathered copy ``(n, width, ...)`` of ``block`` ``(n, T, ...)``
    and the mask ``(n, width)`` of the steps past ``lengths[i]``, whose values
    are unspecified (a repeat of the last step) for the caller to fill.
    """
    steps = np.arange(width)
    source = np.minimum(first[:, np.newaxis] + steps, block.shape[1] - 1)
    source = source.reshape(source.shape + (1,) * (block.ndim - 2))
    return np.take_along_axis(block, source, axis=1), steps >= lengths[:, np.newaxis]


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

    def empty_texts(self) -> np.ndarray:
        """Positions of the token sequences without a token (empty texts), kept as one padding step."""
        if not self.tokens:
            return np.empty(0, dtype=np.int64)
        first = self.values[np.arange(len(self)), self.first_steps(), 0]
        return np.flatnonzero(first == 0)

    def step_counts(self) -> np.ndarray:
        """Valid steps of every sequence, int64 ``(n,)``, also when none is padded."""
        return np.full(len(self), self.n_steps, dtype=np.int64) if self.lengths is None else self.lengths

    def longest(self) -> int:
        """Valid steps of the longest sequence: the width of X without its padding."""
        return self.n_steps if self.lengths is None else int(self.lengths.max())

    def first_steps(self) -> np.ndarray:
        """First valid step of every sequence, int64 ``(n,)``, also when none is padded."""
        return np.zeros(len(self), dtype=np.int64) if self.starts is None else self.starts

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
        aligned, padding = gather_steps(block, self.starts[index], lengths, int(lengths.max()))
        aligned[padding] = fill
        return aligned

    def feature_moments(self, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of every feature over the valid steps, in float64.

        Computed a block of rows at a time (Chan et al.'s pairwise update), so
        that windows of a long series, a view, are never copied whole.
        ``weights``, per sequence ``(n,)`` or per step ``(n, T)`` in this
        layout, weigh every valid step: a weight of 2 counts a step as if it
        were there twice, 0 leaves it out.
        """
        total_weight = 0.0
        # Moments in the units moment_unit chooses from the largest magnitude
        # met so far, rescaled as it grows.
        unit = np.ones(self.n_features)
        mean = np.zeros(self.n_features)
        sum_squares = np.zeros(self.n_features)
        # A constant feature's mean must be its value exactly: a sum of many
        # copies of 1e20 rounds, and the difference would reach the network
        # as a large input that saturates it.
        lowest = np.full(self.n_features, np.inf)
        highest = np.full(self.n_features, -np.inf)
        for low in range(0, len(self), CHUNK_ROWS):
            rows = slice(low, low + CHUNK_ROWS)
            block = self.take(rows)
            valid = block.valid_steps()
            # The valid steps first, then float64: a block as wide as one very
            # long sequence would otherwise be converted whole, padding included.
            values = np.asarray(block.values[valid], dtype=np.float64)
            if weights is None:
                step_weights = np.ones(len(values))
            elif weights.ndim == 1:
                step_weights = np.broadcast_to(weights[rows][:, np.newaxis], valid.shape)[valid]
            else:
                step_weights = weights[rows][valid]
            block_weight = step_weights.sum()
            if block_weight == 0:
                continue
            counted = values if weights is None else values[step_weights > 0]
            lowest = np.minimum(lowest, counted.min(axis=0))
            highest = np.maximum(highest, counted.max(axis=0))
            new_unit = moment_unit(np.maximum(np.abs(lowest), np.abs(highest)))
            if total_weight == 0:
                unit = new_unit
            elif np.any(new_unit != unit):
                ratio = unit / new_unit
                mean, sum_squares, unit = mean * ratio, sum_squares * ratio**2, new_unit
            if np.any(unit != 1.0):  # a copy of the block only where a feature needs it
                values = values / unit
            block_mean = step_weights @ values / block_weight
            block_sum_squares = step_weights @ (values - block_mean) ** 2
            combined = total_weight + block_weight
            delta = block_mean - mean
            mean = mean + delta * block_weight / combined
            sum_squares = sum_squares + block_sum_squares + delta**2 * total_weight * block_weight / combined
            total_weight = combined
        std = np.sqrt(sum_squares / total_weight if total_weight > 0 else sum_squares) * unit
        constant = lowest == highest
        return np.where(constant, lowest, mean * unit), np.where(constant, 0.0, std)

    def batch(self, index: slice | np.ndarray, float_dtype: type = np.float32) -> dict[str, torch.Tensor]:
        """``{"X": tensor}``, plus ``"lengths"`` when the batch holds padding.

        Valid steps are moved to the front of each row and the batch is trimmed
        to its longest sequence, so padding only ever trails, as packing needs.
        X is ``float_dtype``, or int64 for token ids (padding id 0).
        """
        block = self.values[index]
        dtype = np.int64 if self.tokens else float_dtype
        if self.lengths is None:
            return {"X": shared_tensor(np.ascontiguousarray(block, dtype=dtype))}
        lengths = self.lengths[index]
        X, padding = gather_steps(block, self.starts[index], lengths, int(lengths.max()))
        X = X.astype(dtype, copy=False)
        if not padding.any():
            return {"X": torch.from_numpy(np.ascontiguousarray(X))}
        X[padding] = 0
        return {"X": torch.from_numpy(X), "lengths": torch.from_numpy(lengths)}

    def padded(self, width: int, *, keep: str = "first", dtype: type = np.float64) -> np.ndarray:
        """Valid steps left-aligned in ``(n, width, F)``, NaN after them.

        Sequences longer than ``width`` keep their ``"first"`` or ``"last"`` steps.
        """
        n = len(self)
        lengths, starts = self.step_counts(), self.first_steps()
        kept = np.minimum(lengths, width)
        first = starts + (lengths - kept if keep == "last" else 0)
        out = np.empty((n, width, self.n_features), dtype=dtype)
        for low in range(0, n, CHUNK_ROWS):
            rows = slice(low, low + CHUNK_ROWS)
            block, padding = gather_steps(self.values[rows], first[rows], kept[rows], width)
            block = block.astype(dtype, copy=False)
            block[padding] = np.nan
            out[rows] = block
        return out
