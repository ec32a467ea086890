"""Recursive forecasts for every series of a panel at once, from one global model."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from .._data.non_finite import raise_on_non_finite
from .._data.panels import series_positions, shown_label
from .._data.times import as_pandas_times, next_integer_times
from ._conformal import conformal_rank, forecast_with_intervals, smallest_calibration_size

__all__ = [
    "check_row_aligned",
    "future_index",
    "panel_recursive_forecast",
    "pooled_half_widths",
]


def check_row_aligned(name: str, prediction: np.ndarray, n_rows: int) -> None:
    """Refuse a model that does not predict one row per row of the panel, with the two fixes."""
    if len(prediction) != n_rows:
        raise ValueError(
            f"{name} needs a model that predicts one row per row of the panel (a forecast from each "
            f"time of each series), but this one predicts {len(prediction)} rows for {n_rows}: it reads "
            "each series as one sequence. Put a SlidingWindowTransformer before it "
            "(make_pipeline(SlidingWindowTransformer(window_size), regressor)), or call its predict "
            "on the panel: that already is one forecast per series."
        )


def _inferred_freq(times: pd.Index) -> str | None:
    """pandas' frequency of datetime times, None for other times or fewer than three."""
    return pd.infer_freq(times) if isinstance(times, pd.DatetimeIndex) and len(times) >= 3 else None


def _fitting_freq(times: pd.Index, freq: str | None) -> str | None:
    """``freq`` if a short series' dates lie on it, one step apart; else None.

    ``date_range`` from a date off the frequency's anchor starts at the next
    anchor: a mid-month date extended by "MS" would skip a month, and its
    forecasts would be dated on the 1st.
    """
    if freq is None or not isinstance(times, pd.DatetimeIndex):
        return freq
    offset = pd.tseries.frequencies.to_offset(freq)
    on_anchor = all(offset.is_on_offset(time) for time in times)
    one_step_apart = all(before + offset == after for before, after in pairwise(times))
    return freq if on_anchor and one_step_apart else None


def _shared_integer_step(series_times: list[pd.Index]) -> int:
    """The step between integer times that the series of two or more times share, else 1."""
    steps = {
        int(step)
        for times in series_times
        if len(times) > 1 and pd.api.types.is_integer_dtype(times)
        for step in np.unique(np.diff(times.to_numpy()))
    }
    return steps.pop() if len(steps) == 1 else 1


def _next_times(times: pd.Index, horizon: int, freq: str | None = None, step: int = 1) -> pd.Index | None:
    """The ``horizon`` times after one series' times, or None when they cannot be told.

    Datetime times are extended by ``freq``: their own inferred frequency, or
    for a series too short to tell, the one the panel's other series share.
    A single integer time is extended by ``step``, the one the others share.
    """
    if isinstance(times, pd.PeriodIndex):
        return pd.period_range(times[-1] + 1, periods=horizon, freq=times.freq)
    if isinstance(times, pd.DatetimeIndex):
        return None if freq is None else pd.date_range(times[-1], periods=horizon + 1, freq=freq)[1:]
    if pd.api.types.is_integer_dtype(times):
        if len(times) == 1:
            return pd.Index(times[-1] + step * np.arange(1, horizon + 1))
        return next_integer_times(times, horizon)
    return None


def future_index(
    index: pd.MultiIndex, positions: list[np.ndarray], labels: np.ndarray, horizon: int
) -> pd.MultiIndex:
    """(series, time) of each series' next ``horizon`` steps, series after series."""
    times = as_pandas_times(index.get_level_values(1))
    # Inferred once per series; the frequency they all share stands in for
    # series too short to tell (fewer than three times) whose dates fit it,
    # and the step they share for a series of one integer time (years of a
    # five-yearly panel do not follow one another by 1).
    series_times = [times[rows] for rows in positions]
    own = [_inferred_freq(series) for series in series_times]
    shared = set(own) - {None}
    panel_freq = shared.pop() if len(shared) == 1 else None
    step = _shared_integer_step(series_times)
    future = [
        _next_times(series, horizon, freq if len(series) >= 3 else _fitting_freq(series, panel_freq), step)
        for series, freq in zip(series_times, own, strict=True)
    ]
    if any(times_ahead is None for times_ahead in future):
        # Times that cannot be extended: number the steps ahead instead.
        future = [pd.RangeIndex(1, horizon + 1)] * len(labels)
        time_name = "steps ahead"
    else:
        time_name = index.names[1]
    return pd.MultiIndex.from_arrays(
        [np.repeat(labels, horizon), np.concatenate([np.asarray(times_ahead) for times_ahead in future])],
        names=[index.names[0], time_name],
    )


def _check_complete(
    name: str,
    index: pd.MultiIndex,
    positions: list[np.ndarray],
    histories: list[np.ndarray],
    reach: int | None,
) -> None:
    """Refuse a NaN or inf in each series' last ``reach`` rows (all, for None), named by series and time.

    The model would refuse it too, but inside the forecast, where the rows of
    every step are renumbered from 0 and its message names no real time.
    """
    for rows, history in zip(positions, histories, strict=True):
        read = history if reach is None else history[-reach:]
        _raise_on_gap(name, index, rows[len(history) - len(read) :], read)


def _raise_on_gap(name: str, index: pd.MultiIndex, rows: np.ndarray, values: np.ndarray) -> None:
    """Refuse a NaN or inf among one series' ``values``, at panel ``rows``, named by series and time."""

    def message(position: tuple[int, ...], kind: str) -> str:
        series, time = index[rows[position[0]]][:2]
        shown = "NaN" if kind == "NaN" else "an infinite value"
        return (
            f"{name} got {shown} in the history of series {shown_label(series)} at time {time} "
            f"({np.count_nonzero(~np.isfinite(values))} missing or infinite among the rows the "
            "forecast reads of it); a recursive forecast continues each series from its latest "
            "values, which must be complete. Fill the gaps first (for instance with each series' "
            "interpolate()), or start the history after them."
        )

    raise_on_non_finite(values, message)


def _paths(
    estimator: Any,
    histories: list[np.ndarray],
    labels: np.ndarray,
    names: list,
    column: Any,
    horizon: int,
    context: int | None,
) -> np.ndarray:
    """``(n_series, horizon)`` forecasts: each step one ``predict`` on every series' history so far."""
    histories = [list(history) for history in histories]
    forecasts = np.empty((len(labels), horizon))
    for step in range(horizon):
        parts = [history[-context:] if context else history for history in histories]
        lengths = np.array([len(part) for part in parts])
        # Row times are renumbered: the tools of a panel read the rows' order within each series.
        index = pd.MultiIndex.from_arrays(
            [np.repeat(labels, lengths), np.concatenate([np.arange(n) for n in lengths])], names=names
        )
        table = pd.DataFrame({column: np.concatenate(parts)}, index=index)
        prediction = np.asarray(estimator.predict(table), dtype=np.float64)
        check_row_aligned("recursive_forecast", prediction, len(table))
        # A direct multi-step model predicts (n, h): its first column is one step ahead.
        next_values = prediction[np.cumsum(lengths) - 1]
        next_values = next_values if next_values.ndim == 1 else next_values[:, 0]
        forecasts[:, step] = next_values
        for history, value in zip(histories, next_values, strict=True):
            history.append(float(value))
    return forecasts


def _series_scales(histories: list[np.ndarray]) -> np.ndarray:
    """Each series' mean absolute one-step change (its standard deviation if it never changes, else 1)."""
    scales = []
    for history in histories:
        scale = np.mean(np.abs(np.diff(history))) if len(history) > 1 else 0.0
        scale = scale if scale > 0 else np.std(history)
        scales.append(scale if scale > 0 else 1.0)
    return np.array(scales)


def pooled_half_widths(
    name: str, errors: list[np.ndarray], scales: np.ndarray, horizon: int, coverage: float
) -> np.ndarray:
    """``(n_series, horizon)`` half-widths from scaled errors pooled over series.

    ``errors`` are blocks of ``(origins, horizon)`` absolute errors, each
    already divided by its series' scale; the conformal quantile of the pool
    at each step is mapped back to every series' units by ``scales``.
    """
    if not errors:
        raise ValueError(
            f"{name} got no series longer than {horizon + 1} steps, too short to calibrate "
            "intervals on; give longer histories, or forecast without coverage."
        )
    pooled = np.concatenate(errors)
    needed = smallest_calibration_size(coverage)
    if len(pooled) < needed:
        # calibration_size counts origins per series, the pool all series' errors
        # together: the size conformal_rank would ask for is the pool's, not the setting's.
        n_series = len(scales)
        raise ValueError(
            f"{name} pooled {len(pooled)} past errors over the panel's {n_series} series, fewer than "
            f"the {needed} that coverage={coverage} needs. Raise calibration_size (origins per "
            f"series: at least {math.ceil(needed / n_series)} when every series' history holds them), "
            "or lower coverage."
        )
    rank = conformal_rank(name, coverage, len(pooled))
    return np.sort(pooled, axis=0)[rank - 1] * scales[:, np.newaxis]


def _pooled_half_widths(
    estimator: Any,
    histories: list[np.ndarray],
    labels: np.ndarray,
    names: list,
    column: Any,
    horizon: int,
    context: int | None,
    coverage: float,
    calibration_size: int,
) -> np.ndarray:
    """``(n_series, horizon)`` half-widths: conformal quantiles of scaled errors pooled over series.

    From each of the ``calibration_size`` latest origins of every series whose
    next ``horizon`` values it holds, the errors are divided by the series'
    scale, pooled, and their quantile at each step is mapped back to each
    series' units.
    """
    scales = _series_scales(histories)
    errors = []
    for back in range(horizon, horizon + calibration_size):
        usable = [i for i, history in enumerate(histories) if len(history) - back >= 2]
        if not usable:
            continue
        past = [histories[i][: len(histories[i]) - back] for i in usable]
        truth = np.stack([histories[i][len(histories[i]) - back :][:horizon] for i in usable])
        forecast = _paths(estimator, past, labels[usable], names, column, horizon, context)
        errors.append(np.abs(truth - forecast) / scales[usable, np.newaxis])
    return pooled_half_widths("recursive_forecast", errors, scales, horizon, coverage)


def panel_recursive_forecast(
    estimator: Any,
    panel: pd.DataFrame,
    horizon: int,
    context: int | None,
    coverage: float | None = None,
    calibration_size: int = 50,
) -> pd.Series | tuple[pd.Series, pd.DataFrame]:
    """Forecast ``horizon`` steps for each series of ``panel``; each step is one ``predict`` call.

    The model sees, at every step, a panel of every series' history (its last
    ``context`` rows) with the forecasts so far appended, and its prediction
    for the last row of each series becomes that series' next row. With
    ``coverage``, intervals come from :func:`_pooled_half_widths`.
    """
    name = "recursive_forecast"
    if panel.shape[1] != 1:
        raise ValueError(
            f"{name} forecasts a panel of one column, the series, but the history has columns "
            f"{list(panel.columns)}. Exogenous columns need their future per series, which panels "
            "do not take yet: forecast each series with its own table and future=, or drop them."
        )
    values = panel.to_numpy(dtype=np.float64)[:, 0]
    positions = series_positions(name, panel.index)
    labels = np.asarray([panel.index[rows[0]][0] for rows in positions], dtype=object)
    histories = [values[rows] for rows in positions]
    reach = None if context is None else context + (0 if coverage is None else horizon + calibration_size)
    _check_complete(name, panel.index, positions, histories, reach)
    names, column = list(panel.index.names), panel.columns[0]
    forecasts = _paths(estimator, histories, labels, names, column, horizon, context)
    index = future_index(panel.index, positions, labels, horizon)
    half_widths = None
    if coverage is not None:
        half_widths = _pooled_half_widths(
            estimator, histories, labels, names, column, horizon, context, coverage, calibration_size
        ).ravel()
    return forecast_with_intervals(forecasts.ravel(), half_widths, index, column)
