"""The times that follow a time index: what forecasts are indexed by."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_pandas_times", "future_times", "next_integer_times"]


def as_pandas_times(index: Any) -> Any:
    """An index of pyarrow dates or durations as pandas' own DatetimeIndex or TimedeltaIndex.

    pandas reads dates with ``dtype_backend="pyarrow"`` (``read_csv``,
    ``convert_dtypes``) into an index of ``ArrowDtype`` timestamps, which is
    no DatetimeIndex: without this, its times were neither checked for order
    nor extended into future times. The levels of a MultiIndex are converted
    alike; any other index (or None) comes back unchanged.
    """
    if isinstance(index, pd.MultiIndex):
        levels = [as_pandas_times(level) for level in index.levels]
        if all(new is old for new, old in zip(levels, index.levels, strict=True)):
            return index
        return index.set_levels(levels)
    if not isinstance(index, pd.Index) or not isinstance(index.dtype, pd.ArrowDtype):
        return index
    if index.dtype.kind == "M":
        return pd.DatetimeIndex(index, name=index.name)
    if index.dtype.kind == "m":
        return pd.TimedeltaIndex(index, name=index.name)
    return index


def future_times(index: pd.Index, horizon: int) -> pd.Index | None:
    """The ``horizon`` times after a time index, or None when they cannot be told.

    Told for a PeriodIndex, a DatetimeIndex with a frequency (its own, or
    one pandas infers from three or more times), a RangeIndex, and integer
    times of one step.
    """
    index = as_pandas_times(index)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            return None
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:]
    if isinstance(index, pd.RangeIndex):
        return pd.RangeIndex(index[-1] + index.step, index[-1] + index.step * (horizon + 1), index.step)
    if pd.api.types.is_integer_dtype(index) and len(index) > 1:
        return next_integer_times(index, horizon)
    return None


def next_integer_times(times: pd.Index, horizon: int) -> pd.Index | None:
    """The ``horizon`` integer times after evenly spaced ones (years, say), else None.

    Unevenly spaced integers (a filtered default index, ``[0, ..., 5, 9]``)
    tell no future times. ``times`` holds two or more.
    """
    steps = np.unique(np.diff(times.to_numpy()))
    if len(steps) == 1 and steps[0] > 0:
        return pd.Index(times[-1] + steps[0] * np.arange(1, horizon + 1), name=times.name)
    return None
