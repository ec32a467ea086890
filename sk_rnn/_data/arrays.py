"""Numeric X into :class:`~sk_rnn._data.sequences.Sequences`: NaN-padded 3-D arrays and ragged lists.

Padding is found here, once, and every other non-finite value is refused
with its position.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .non_finite import raise_at_first, raise_on_non_finite
from .sequences import CHUNK_ROWS, Sequences, dtype_kinds, warn_if_mostly_padding

__all__ = ["as_array", "from_padded_array", "from_ragged_list", "raise_on_non_finite_in_list"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def from_ragged_list(name: str, sequences: Sequence) -> Sequences:
    """Pad a list of ``(T_i, F)`` or ``(T_i,)`` arrays into :class:`Sequences`."""
    arrays = []
    for i, sequence in enumerate(sequences):
        array = as_array(sequence)
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
    # float32 input stays float32; the rest is float64 (batches are cast one at a
    # time), so that integers beyond float32's 2**24 keep their digits.
    dtype = np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64
    warn_if_mostly_padding(name, lengths, arrays[0].shape[1] * np.dtype(dtype).itemsize)
    values = np.zeros((len(arrays), int(lengths.max()), arrays[0].shape[1]), dtype=dtype)
    for row, array in zip(values, arrays, strict=True):
        row[: len(array)] = array
    _raise_on_float32_overflow(name, arrays)
    if (lengths == values.shape[1]).all():
        return Sequences(values, from_list=True)
    return Sequences(values, lengths, np.zeros_like(lengths), from_list=True)


def as_array(sequence: object) -> np.ndarray:
    """A sequence as an array: a pandas one of nullable or pyarrow numbers as floats, NA as NaN.

    numpy reads a DataFrame of such columns (``Float64``, ``Int64``,
    ``double[pyarrow]``) as an array of objects, which is no sequence of numbers.
    """
    array = np.asarray(sequence)
    kinds = list(dtype_kinds(sequence).values())
    numbers = bool(kinds) and all(kind in "biuf" for kind in kinds)
    if array.dtype.kind == "O" and isinstance(sequence, (pd.DataFrame, pd.Series)) and numbers:
        return sequence.to_numpy(dtype=np.float64, na_value=np.nan)
    return array


def _raise_on_non_finite(name: str, array: np.ndarray, where: str) -> None:
    raise_on_non_finite(
        array, lambda position, kind: _non_finite_in_list(name, kind, where, position[0], position[1])
    )


def raise_on_non_finite_in_list(name: str, values: np.ndarray) -> None:
    """Refuse NaN and inf in the 3-D array of a list of equal-length sequences.

    A list's sequences carry their own lengths, so an all-NaN last step is a
    missing value, as in a list of different lengths, not padding.
    """
    raise_on_non_finite(
        values,
        lambda position, kind: _non_finite_in_list(
            name, kind, f"sequence {position[0]} of X", position[1], position[2]
        ),
    )


def _non_finite_in_list(name: str, kind: str, where: str, step: int, feature: int) -> str:
    return (
        f"{name} got {kind} in {where} at step {step}, feature {feature}; the sequences of a list "
        "must hold finite numbers (their lengths already mark the padding). Impute or drop missing "
        "values first."
    )


def _raise_on_float32_overflow(name: str, arrays: list[np.ndarray]) -> None:
    """Refuse values beyond float32's range, sequence by sequence.

    Checked on the sequences, not on their padded array: with one sequence
    far longer than the rest, that array is many times the data, and
    ``abs(values)`` would make another of its size.
    """
    for sample, array in enumerate(arrays):
        if array.dtype.kind != "f" or array.dtype.itemsize <= 4:
            continue  # integers and float32 (or narrower) always fit
        raise_at_first(
            np.abs(array) > _FLOAT32_MAX,
            lambda position, sample=sample: (
                f"{name} got a value too large for float32 in X at sample {sample}, step "
                f"{position[0]}, feature {position[1]}; the networks compute in float32 "
                f"(largest value {_FLOAT32_MAX:.3g}). Scale X first, for instance with StandardScaler."
            ),
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
    if n_samples <= CHUNK_ROWS and np.isfinite(values).all():
        # No padding (the common case, and the whole cost of a single prediction).
        if values.dtype == np.float64:
            _raise_on_infinite_or_too_large(name, values, np.zeros(values.shape, dtype=bool), 0)
        return Sequences(values)
    for low in range(0, n_samples, CHUNK_ROWS):
        block = values[low : low + CHUNK_ROWS]
        missing = np.isnan(block)
        _raise_on_infinite_or_too_large(name, block, missing, low)
        padding_steps = missing.all(axis=2)
        raise_at_first(
            missing & ~padding_steps[:, :, np.newaxis],
            lambda position, low=low: (
                f"{name} got NaN in X at sample {low + position[0]}, step {position[1]}, feature "
                f"{position[2]}, but not in every feature of that step. NaN marks padding only as whole "
                "steps at the start or end of a sequence; impute missing values first (for instance "
                "with sklearn.impute.SimpleImputer)."
            ),
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
    def message(position: tuple[int, ...]) -> str:
        sample, step, feature = position
        kind = "inf" if np.isinf(block[position]) else "a value too large for float32"
        return (
            f"{name} got {kind} in X at sample {low + sample}, step {step}, feature {feature}; X must "
            "hold finite numbers within float32's range (NaN is read as padding only for whole steps "
            "at the start or end of a sequence). Impute or clip such values, or scale X first."
        )

    raise_at_first(np.abs(np.where(missing, 0, block)) > _FLOAT32_MAX, message)
