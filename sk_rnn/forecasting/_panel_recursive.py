"""Recursive forecasts for every series of a panel at once, from one global model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._data.panels import series_positions

__all__ = ["panel_recursive_forecast"]


def _next_times(times: pd.Index, horizon: int) -> pd.Index | None:
    """The ``horizon`` times after one series' times, or None when they cannot be told."""
    if isinstance(times, pd.PeriodIndex):
        return pd.period_range(times[-1] + 1, periods=horizon, freq=times.freq)
    if isinstance(times, pd.DatetimeIndex):
        freq = pd.infer_freq(times) if len(times) >= 3 else None
        return None if freq is None else pd.date_range(times[-1], periods=horizon + 1, freq=freq)[1:]
    if pd.api.types.is_integer_dtype(times):
        step = times[-1] - times[-2] if len(times) > 1 else 1
        return pd.Index(times[-1] + step * np.arange(1, horizon + 1))
    return None


def panel_recursive_forecast(
    estimator: Any, panel: pd.DataFrame, horizon: int, context: int | None
) -> pd.Series:
    """Forecast ``horizon`` steps for each series of ``panel``; each step is one ``predict`` call.

    The model sees, at every step, a panel of every series' history (its last
    ``context`` rows) with the forecasts so far appended, and its prediction
    for the last row of each series becomes that series' next row. Row times
    are renumbered inside: the tools of a panel read the order of the rows
    within each series, not their times.
    """
    name = "recursive_forecast"
    if panel.shape[1] != 1:
        raise ValueError(
            f"{name} forecasts a panel of one column, the series, but the history has columns "
            f"{list(panel.columns)}. Exogenous columns need their future per series, which panels "
            "do not take yet: forecast each series with its own table and future=, or drop them."
        )
    values = panel.to_numpy(dtype=np.float64)[:, 0]
    times = panel.index.get_level_values(1)
    positions = series_positions(name, panel.index)
    labels = np.asarray([panel.index[rows[0]][0] for rows in positions], dtype=object)
    histories = [list(values[rows]) for rows in positions]
    forecasts = np.empty((len(labels), horizon))
    for step in range(horizon):
        parts = [history[-context:] if context else history for history in histories]
        lengths = np.array([len(part) for part in parts])
        index = pd.MultiIndex.from_arrays(
            [np.repeat(labels, lengths), np.concatenate([np.arange(n) for n in lengths])],
            names=panel.index.names,
        )
        table = pd.DataFrame({panel.columns[0]: np.concatenate(parts)}, index=index)
        prediction = np.asarray(estimator.predict(table), dtype=np.float64)
        # A direct multi-step model predicts (n, h): its first column is one step ahead.
        next_values = prediction[np.cumsum(lengths) - 1]
        next_values = next_values if next_values.ndim == 1 else next_values[:, 0]
        forecasts[:, step] = next_values
        for history, value in zip(histories, next_values, strict=True):
            history.append(float(value))
    future = [_next_times(times[rows], horizon) for rows in positions]
    if any(times_ahead is None for times_ahead in future):
        # Times that cannot be extended: number the steps ahead instead.
        future = [pd.RangeIndex(1, horizon + 1)] * len(labels)
        time_name = "steps ahead"
    else:
        time_name = panel.index.names[1]
    index = pd.MultiIndex.from_arrays(
        [np.repeat(labels, horizon), np.concatenate([np.asarray(times_ahead) for times_ahead in future])],
        names=[panel.index.names[0], time_name],
    )
    return pd.Series(forecasts.ravel(), index=index, name=panel.columns[0])
