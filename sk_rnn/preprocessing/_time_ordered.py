"""What every transformer of a time-ordered table shares: checked times, series apart, continued history."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import validate_data

from .._data.non_finite import raise_on_non_finite
from .._data.panels import (
    has_panel_index,
    object_numbers_as_floats,
    raise_on_missing_periods,
    raise_on_non_numeric_columns,
    series_positions,
    shown_label,
)
from .._data.times import as_pandas_times
from .._warnings import warn_at_user_code
from ._series_ends import SeriesEnds, label_key, series_ends, time_codes

__all__ = ["TimeOrderedTransformer", "check_time_index", "laid_end_to_end", "raise_on_gaps"]

# True while fit_transform transforms what its fit has just warned about.
_WARNED_AT_FIT: ContextVar[bool] = ContextVar("warned_at_fit", default=False)


def check_time_index(name: str, X: Any, *, warn: bool = True) -> None:
    """Refuse unsorted or duplicated times, and missing periods; warn about unordered integers."""
    index = as_pandas_times(getattr(X, "index", None))
    if warn and _is_unordered_integer_index(index):
        # Integers may be times or mere row labels, so this is not refused; but
        # rows shuffled by a split would silently make windows of unrelated rows.
        warn_at_user_code(
            f"{name} got rows whose integer index is not in increasing order; it reads the rows in "
            "the order given, as the series' time order. If the index holds times, sort first with "
            "frame.sort_index(); if the rows were shuffled (train_test_split shuffles unless "
            "shuffle=False), keep them in time order.",
            UserWarning,
        )
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return
    if index.has_duplicates:
        raise ValueError(
            f"{name} got a time index with duplicated times ({index[index.duplicated()][0]}); a "
            "series has one row per time. Aggregate duplicates first (for instance "
            "frame.groupby(level=0).mean())."
        )
    if not index.is_monotonic_increasing:
        raise ValueError(
            f"{name} got a time index that is not sorted; rows must be in time order. Sort "
            "first with frame.sort_index()."
        )
    if isinstance(index, pd.PeriodIndex):
        raise_on_missing_periods(name, index)


def _is_unordered_integer_index(index: Any) -> bool:
    """A single series' integer index (not a panel's) whose values do not increase."""
    return (
        isinstance(index, pd.Index)
        and not isinstance(index, pd.MultiIndex)
        and pd.api.types.is_integer_dtype(index.dtype)
        and not index.is_monotonic_increasing
    )


def laid_end_to_end(positions: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A panel's series laid end to end in time order: ``(order, lengths, steps)``.

    ``order`` holds the panel row of each laid-out row, ``lengths`` each
    series' rows, and ``steps`` each laid-out row's position within its own
    series, so that a whole panel is transformed in a few numpy operations.
    """
    order = np.concatenate(positions)
    lengths = np.fromiter(map(len, positions), dtype=np.int64, count=len(positions))
    steps = np.arange(len(order)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return order, lengths, steps


def raise_on_gaps(name: str, X: np.ndarray, original: Any = None) -> None:
    """Refuse NaN or inf in ``X``, the values of ``original`` (a panel's are named by series and time)."""

    def where(position: tuple[int, ...]) -> str:
        row, column = position
        if not has_panel_index(original):
            return f"row {row}, column {column} of the series"
        # The row's position says little in a panel of many series, in any order.
        series, time = original.index[row]
        label = original.columns[column] if isinstance(original, pd.DataFrame) else original.name
        named = "" if label is None else f", column {shown_label(label)}"
        return f"series {shown_label(series)}, time {time}{named} of the panel"

    raise_on_non_finite(
        X,
        lambda position, kind: (
            f"{name} got {kind} at {where(position)}. Each output row is computed from the rows "
            "before it, so a gap would spread into the rows computed from it: fill gaps first (for instance "
            "frame.interpolate() or sklearn.impute.SimpleImputer)."
        ),
    )


class TimeOrderedTransformer(TransformerMixin, BaseEstimator):
    """Base of the transformers whose rows are the time steps of one series, in order.

    Their output for a row depends on the rows before it, so they refuse what
    would make "the rows before" wrong: unsorted or duplicated times, and gaps.
    A panel (a DataFrame indexed by (series, time)) holds many series: each is
    transformed on its own, so that nothing crosses from one series to the
    next, and the output keeps the panel's rows in their order.
    """

    def _history_rows(self) -> int:
        """How many rows before its own a row's output reads (0: none)."""
        return 0

    def _fit_series(self, X: Any, values: np.ndarray) -> int:
        """At fit: remember where each series ends; return the longest series' length.

        A transform whose series starts at exactly the time after a fitted
        end continues that series, as the validation fold of
        ``TimeSeriesSplit`` or the test part of a time-ordered split does:
        its first rows then read the fitted last rows as their history
        instead of padding (see ``_series_ends``).
        """
        times, labels, positions = _series_layout(type(self).__name__, X, len(values), warn=True)
        n_rows = self._history_rows()
        ends = None
        if n_rows and isinstance(times, pd.Index):
            ends = series_ends(times, labels, positions, values, n_rows)
        self._series_ends = ends
        return max(len(rows) for rows in positions)

    def _by_series(
        self,
        X: Any,
        values: np.ndarray,
        transform_one: Callable[[np.ndarray], np.ndarray],
        transform_panel: Callable[[np.ndarray, list[np.ndarray]], np.ndarray] | None = None,
    ) -> np.ndarray:
        """``transform_one`` applied to each series of X (one, unless X is a panel), row-aligned.

        ``transform_panel(values, positions)``, when given, does the same for
        every series of a panel at once (``positions``: each series' rows in
        time order); it is used when no series continues a fitted one. A
        panel of 100,000 short series then costs a few numpy operations
        instead of a hundred thousand rounds of them.
        """
        # Models saved before the ends were kept have no _series_ends.
        ends = getattr(self, "_series_ends", None)
        if not has_panel_index(X):
            index = getattr(X, "index", None)
            coded = time_codes(index) if ends and isinstance(index, pd.Index) else None
            return _continued(transform_one, values, _history(ends, coded, "", 0))
        # A time-first panel is warned about at fit (_fit_series) and at
        # transform, but once only in fit_transform.
        times, labels, positions = _series_layout(
            type(self).__name__, X, len(values), warn=not _WARNED_AT_FIT.get()
        )
        coded = time_codes(times) if ends else None
        histories = [
            _history(ends, coded, label_key(labels[rows[0]]), rows[0]) if coded else None
            for rows in positions
        ]
        if transform_panel is not None and all(history is None for history in histories):
            return transform_panel(values, positions)
        result = None
        for rows, history in zip(positions, histories, strict=True):
            part = _continued(transform_one, values[rows], history)
            if result is None:
                result = np.empty((len(values), *part.shape[1:]), dtype=part.dtype)
            result[rows] = part
        return result

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        """Fit to X, then transform it: the same as ``fit(X).transform(X)``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features) or panel DataFrame
            Time-ordered table (or panel).
        y : None
            Ignored.
        **fit_params : dict
            Passed to ``fit``.

        Returns
        -------
        X_new : ndarray or DataFrame
            What ``transform`` returns.
        """
        token = _WARNED_AT_FIT.set(True)
        try:
            return super().fit_transform(X, y, **fit_params)
        finally:
            _WARNED_AT_FIT.reset(token)

    def _validated(self, X: Any, *, reset: bool) -> np.ndarray:
        name = type(self).__name__
        # fit_transform warns at its fit, not again at its transform.
        check_time_index(name, X, warn=reset or not _WARNED_AT_FIT.get())
        if isinstance(X, pd.DataFrame):
            raise_on_non_numeric_columns(name, X, "a time-ordered table")
        numbers = object_numbers_as_floats(X)
        dtypes = [np.float64, np.float32]
        values = validate_data(self, numbers, reset=reset, dtype=dtypes, ensure_all_finite=False)
        raise_on_gaps(name, values, X)
        return values

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _series_layout(
    name: str, X: Any, length: int, *, warn: bool
) -> tuple[pd.Index | None, np.ndarray | None, list[np.ndarray]]:
    """``(times, labels, positions)`` of X: each series' rows in time order (times: None for an array).

    ``labels`` holds the series label of every row of a panel, None for a
    single series (whose one series is all its ``length`` rows).
    """
    if not has_panel_index(X):
        return getattr(X, "index", None), None, [np.arange(length)]
    positions = series_positions(name, X.index, warn=warn)
    return X.index.get_level_values(1), X.index.get_level_values(0).to_numpy(), positions


def _history(ends: SeriesEnds | None, coded: tuple[str, np.ndarray] | None, key: Any, first_row: int):
    """The fitted series ``key``'s last rows, when its times here start right after them; else None."""
    if not ends or coded is None or coded[0] != ends[0] or len(coded[1]) == 0:
        return None
    end = ends[1].get(key)
    return end[1] if end is not None and end[0] == coded[1][first_row] else None


def _continued(
    transform_one: Callable[[np.ndarray], np.ndarray], values: np.ndarray, history: np.ndarray | None
) -> np.ndarray:
    """``transform_one(values)``, reading ``history`` as the rows before the first, when given."""
    if history is None:
        return transform_one(values)
    return transform_one(np.concatenate([history.astype(values.dtype, copy=False), values]))[len(history) :]
