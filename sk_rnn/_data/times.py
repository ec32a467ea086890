"""The times that follow a time index: what forecasts are indexed by."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["future_times", "next_integer_times"]


def future_times(index: pd.Index, horizon: int) -> pd.Index | None:
    """The ``horizon`` times after a time index, or None when they cannot be told.

    Told for a PeriodIndex, a DatetimeIndex with a frequency (its own, or
    one pandas infers from three or more times), a RangeIndex, and integer
    times of one step.
    """
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
