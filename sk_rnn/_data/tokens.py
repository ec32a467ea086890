"""Token ids: the reserved ids, and integer ids (``embedding_dim`` set) into Sequences.

The reserved ids are shared by SequenceVectorizer and the networks that embed
its output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .non_finite import raise_at_first
from .sequences import Sequences, is_list_of_sequences, sequence_column_items, warn_if_mostly_padding

__all__ = [
    "FIRST_TOKEN_ID",
    "PADDING_ID",
    "UNKNOWN_ID",
    "check_ids_in_table",
    "from_token_ids",
    "holds_strings",
    "table_rows",
]

# Padding: its embedding is the zero vector and is never trained.
PADDING_ID = 0
# Every token outside the vocabulary, so the network learns what one looks like.
UNKNOWN_ID = 1
# The vocabulary's own tokens, from the most to the least frequent.
FIRST_TOKEN_ID = 2

# Rows an embedding table learned from the ids may have before fit asks for
# vocab_size: text vocabularies of hundreds of thousands of words stay below,
# while hashed or raw database ids (in the millions) would silently allocate
# gigabytes of mostly unused rows.
LARGE_TABLE_ROWS = 1_000_000


def from_token_ids(name: str, X: object) -> Sequences:
    """Validate integer token ids: a 2-D array ``(n, T)`` or a list of 1-D arrays.

    Id 0 is padding, at the start or the end of a sequence. A sequence made of
    padding only (an empty text) keeps one padding step, whose embedding is zero.
    A pandas Series or 1-D object array of such arrays (a column of token
    lists) is read as the list of them, as numeric sequences are.
    """
    if isinstance(X, pd.DataFrame) and X.shape[1] == 1 and sequence_column_items(X.iloc[:, 0]) is not None:
        X = X.iloc[:, 0]  # a table of one column of token lists: that column
    items = sequence_column_items(X)
    X = X if items is None else items
    if is_list_of_sequences(X) and len(X) > 0:
        rows = [np.asarray(s) for s in X]
        # Empty sequences (an empty text) take the padded path too, as one padding step.
        if len({len(r) for r in rows}) > 1 or any(r.ndim != 1 or len(r) == 0 for r in rows):
            for i, row in enumerate(rows):
                _check_token_dtype(name, row, f"sequence {i} of X")
                if row.ndim != 1:
                    raise ValueError(
                        f"{name} got token ids of shape {row.shape} at position {i} of X; with "
                        "embedding_dim set, each sequence is a 1-D array of integer ids."
                    )
            width = max(max(len(r) for r in rows), 1)
            warn_if_mostly_padding(name, np.array([len(r) for r in rows]), np.dtype(np.int64).itemsize)
            values = np.zeros((len(rows), width), dtype=np.int64)
            for out, row in zip(values, rows, strict=True):
                out[: len(row)] = row
            return _token_layout(name, values, from_list=True)
    values = _id_array(name, X)
    _check_token_dtype(name, values, "X")
    if values.ndim != 2:
        raise ValueError(
            f"{name} with embedding_dim set expects token ids as a 2-D integer array (n_samples, "
            f"n_timesteps) or a list of 1-D integer arrays, but got an array of shape {values.shape}."
        )
    return _token_layout(name, values, from_list=isinstance(X, (list, tuple)))


def _id_array(name: str, X: object) -> np.ndarray:
    """X as an array; a DataFrame of nullable integers (``Int64``) as int64, not as objects."""
    if isinstance(X, pd.DataFrame) and len(X.columns) and all(dtype.kind in "iu" for dtype in X.dtypes):
        if X.isna().to_numpy().any():
            raise ValueError(
                f"{name} got missing token ids (NA) in X; with embedding_dim set, X must hold "
                "integer ids. Fill the missing steps with 0, the padding id, at the start or the end "
                "of a sequence."
            )
        return X.to_numpy(dtype=np.int64)
    return np.asarray(X)


def holds_strings(values: np.ndarray, *, limit: int | None = None) -> bool:
    """Whether an array holds text: a string dtype, or strings among (the first ``limit``) objects."""
    if values.dtype.kind in "US":
        return True
    return values.dtype.kind == "O" and any(isinstance(value, str) for value in values.ravel()[:limit])


def _check_token_dtype(name: str, values: np.ndarray, where: str) -> None:
    if holds_strings(values):
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
    raise_at_first(
        values < 0,
        lambda position: (
            f"{name} got a negative token id ({int(values[position])}) in {where} at position "
            f"{position}; token ids are non-negative integers, 0 being padding."
        ),
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


def table_rows(name: str, ids: np.ndarray, vocab_size: int | None, embedding_dim: int) -> int:
    """Rows of the embedding table for training ids: ``vocab_size``, or one more than the largest id.

    A table learned from the ids that would exceed ``LARGE_TABLE_ROWS`` is
    refused before it is allocated, as is an id outside a given ``vocab_size``.
    """
    largest = int(ids.max())
    if vocab_size is not None:
        if largest >= vocab_size:
            raise ValueError(
                f"{name} got the token id {largest} in X, but vocab_size={vocab_size} makes an "
                f"embedding table for the ids 0 to {vocab_size - 1}. Raise vocab_size to at least "
                f"{largest + 1}, or re-index the ids (SequenceVectorizer numbers the tokens of texts "
                "from 2 up)."
            )
        return int(vocab_size)
    rows = largest + 1
    if rows > LARGE_TABLE_ROWS:
        distinct = len(np.unique(ids[ids != PADDING_ID]))
        megabytes = rows * embedding_dim * 4 / 1e6
        size = f"{megabytes / 1e3:.1f} GB" if megabytes >= 1e3 else f"{megabytes:.0f} MB"
        raise ValueError(
            f"{name} got the token id {largest} in X, which would make an embedding table of {rows:,} "
            f"rows, one per id up to the largest: {size} of float32 weights, and about "
            f"four times that while training (gradients and the optimizer's moments), while X holds "
            f"only {distinct:,} distinct ids. Re-index hashed or database ids to 1, 2, ... with a "
            "vocabulary kept for predict: SequenceVectorizer does it for texts; for ids, map each to "
            f"its index in a dict and those outside it to {UNKNOWN_ID}, the unknown token. To build a "
            f"table this large anyway, set vocab_size={rows}."
        )
    return rows


def check_ids_in_table(name: str, ids: np.ndarray, vocab_size: int, *, incremental: bool) -> None:
    """Refuse training ids that continued training's embedding table has no row for.

    The table's size was fixed when the network was built; reading such ids as
    unknown, as predict does, would silently leave their tokens unlearned.
    """
    largest = int(ids.max())
    if largest < vocab_size:
        return
    if incremental:
        where, first = "partial_fit", "the first call"
        fix = (
            "Start a new model with vocab_size set to the number of ids the data can hold (the "
            "largest id plus one), which leaves room for them from its first call"
        )
    else:
        where, first = "fit with warm_start=True", "the first fit"
        fix = (
            "Set vocab_size to the number of ids the data can hold (the largest id plus one), which "
            "leaves room for them, and fit once with warm_start=False"
        )
    raise ValueError(
        f"{name}.{where} got the token id {largest} in X, but the network it continues has an "
        f"embedding table for the ids 0 to {vocab_size - 1} (vocab_size_={vocab_size}), sized by "
        f"{first}: the new ids would be read as unknown and their tokens never learned. {fix}; or "
        f"map the ids outside the table to {UNKNOWN_ID}, the unknown token, as SequenceVectorizer "
        "does for words outside its vocabulary."
    )
