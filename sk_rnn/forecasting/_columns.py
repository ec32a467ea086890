"""Which column of a table holds the series being forecast: a position or a name."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["column_position"]


def column_position(name: str, column: int | str, X: Any, n_columns: int, *, what: str = "X") -> int:
    """The non-negative position of ``column`` in ``X`` (``what`` names X in messages).

    A name needs a DataFrame; a position may be negative, counting from the end.
    """
    if isinstance(column, str):
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"{name} got column={column!r}, a name, but {what} is not a DataFrame. Pass the "
                f"column's position instead, or {what} as a DataFrame."
            )
        columns = list(X.columns)
        if column not in columns:
            raise ValueError(f"{name} got column={column!r}, but {what} has columns {columns}.")
        return columns.index(column)
    if not -n_columns <= column < n_columns:
        raise ValueError(
            f"{name} got column={column}, but {what} has {n_columns} columns; use a position "
            f"between 0 and {n_columns - 1} (negative positions count from the end)."
        )
    return int(column) % n_columns
