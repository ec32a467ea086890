"""Which column of a table holds the series being forecast, and the wrappers that name it."""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from .._compat import HasMethods

__all__ = ["ForecastColumnWrapper", "column_position"]


class ForecastColumnWrapper(RegressorMixin, BaseEstimator):
    """Base of the regressors that fit an inner ``regressor`` on a target derived from X's ``column``.

    The subclasses (differences, per-series scaling) change the target by the
    forecast column's values or statistics and undo it in ``predict``, for one
    or several steps ahead.
    """

    _parameter_constraints: ClassVar[dict] = {
        "regressor": [HasMethods(["fit", "predict"]), None],
        "column": [Integral, str],
    }

    def __init__(self, regressor: Any = None, *, column: int | str = 0) -> None:
        self.regressor = regressor
        self.column = column

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # a direct multi-step target, (n, horizon)
        return tags


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
