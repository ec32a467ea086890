"""What every transformer of a time-ordered table checks: sorted, unique times and no gaps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import validate_data

from .._data.non_finite import raise_on_non_finite

__all__ = ["TimeOrderedTransformer", "check_time_index", "raise_on_gaps"]


def check_time_index(name: str, X: Any) -> None:
    index = getattr(X, "index", None)
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


def raise_on_gaps(name: str, X: np.ndarray) -> None:
    raise_on_non_finite(
        X,
        lambda position, kind: (
            f"{name} got {kind} at row {position[0]}, column {position[1]} of the series. Windows "
            "are read as complete sequences, so fill gaps first (for instance frame.interpolate() "
            "or sklearn.impute.SimpleImputer)."
        ),
    )


class TimeOrderedTransformer(TransformerMixin, BaseEstimator):
    """Base of the transformers whose rows are the time steps of one series, in order.

    Their output for a row depends on the rows before it, so they refuse what
    would make "the rows before" wrong: unsorted or duplicated times, and gaps.
    """

    def _validated(self, X: Any, *, reset: bool) -> np.ndarray:
        name = type(self).__name__
        check_time_index(name, X)
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32], ensure_all_finite=False)
        raise_on_gaps(name, X)
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
