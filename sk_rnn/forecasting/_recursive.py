"""Several steps ahead from a model that forecasts one: each forecast becomes history."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, validate_params
from .._data.non_finite import raise_on_non_finite
from .._data.panels import has_panel_index
from .._data.times import as_pandas_times, future_times
from .._warnings import each_warning_once
from ..preprocessing._time_ordered import check_time_index
from ._columns import column_position
from ._conformal import conformal_rank, forecast_with_intervals
from ._panel_recursive import panel_recursive_forecast

__all__ = ["recursive_forecast"]


def _as_table(history: Any) -> pd.DataFrame | np.ndarray:
    if isinstance(history, pd.Series):
        history = history.to_frame()
    if isinstance(history, pd.DataFrame):
        # Forecasts are appended as rows of pandas' own times (future_times).
        # A shallow copy takes them without copying the history's values,
        # which set_axis does before pandas' copy-on-write (pandas < 3); the
        # table is never written to in place, only read, sliced and concatenated.
        table = history.copy(deep=False)
        table.index = as_pandas_times(history.index)
        return table
    try:
        values = np.asarray(history, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"recursive_forecast needs a numeric history, got values numpy cannot read as numbers ({error}). "
            "Pass the series' numbers (a pandas Series or DataFrame keeps their times)."
        ) from error
    if values.ndim == 1:
        return values[:, np.newaxis]
    if values.ndim != 2:
        raise ValueError(
            "recursive_forecast needs a history of shape (n_timesteps,) or (n_timesteps, n_features), "
            f"got shape {values.shape}."
        )
    return values


def _next_value(estimator: Any, table: pd.DataFrame | np.ndarray, context: int | None) -> float:
    if context is not None:
        table = table.iloc[-context:] if isinstance(table, pd.DataFrame) else table[-context:]
    prediction = np.asarray(estimator.predict(table), dtype=np.float64)
    # A direct multi-step model predicts (n, h): its first column is one step ahead.
    last = prediction[-1]
    return float(last if last.ndim == 0 else last[0])


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "history": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "column": [Integral, str],  # negative positions count from the end
        "future": ["array-like", None],
        "context": [Interval(Integral, 1, None, closed="left"), None],
        "coverage": [Interval(Real, 0, 1, closed="neither"), None],
        "calibration_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
@each_warning_once  # one predict per step: a warning about the history would repeat at every step
def recursive_forecast(
    estimator: Any,
    history: Any,
    horizon: int,
    *,
    column: int | str = 0,
    future: Any = None,
    context: int | None = None,
    coverage: float | None = None,
    calibration_size: int = 50,
) -> np.ndarray | pd.Series | tuple:
    """Forecast ``horizon`` steps by feeding a one-step model its own forecasts.

    The fitted ``estimator`` maps a time-ordered table to the value of the
    series one step after each row (a pipeline such as
    ``SlidingWindowTransformer -> LSTMRegressor`` trained on
    :func:`~sk_rnn.preprocessing.lead_target`). Its forecast for the last row
    is appended to the history as a new row, and the next step is forecast
    from there. Errors compound with the horizon; a direct model (one output
    per step ahead, ``lead_target(..., steps="all")``) avoids that at the cost
    of one output per step.

    A panel (a DataFrame or Series indexed by (series, time) with one
    column, the series) is forecast for every series at once by a global
    model: each step is one ``predict`` on all series' histories, and the
    forecasts come back as a Series indexed by (series, next times). Its
    intervals pool the errors of every series from its ``calibration_size``
    latest origins, each divided by the series' mean absolute one-step
    change, and map the quantile back to each series' units: a series
    far too short to calibrate on its own gets an interval in its own units.

    Parameters
    ----------
    estimator : fitted estimator
        Predicts the next value of the series from each row of the table.
    history : array-like of shape (n_timesteps,) or (n_timesteps, n_features), Series or DataFrame
        The table up to now, in time order, in the form the estimator was
        fitted on. Give at least as many rows as the estimator's windows read.
    horizon : int
        Steps to forecast.
    column : int or str, default=0
        The column that holds the forecast series (position, or name for a
        DataFrame).
    future : array-like of shape (horizon, n_features) or DataFrame, default=None
        Needed when the table has other (exogenous) columns: their known
        future values, one row per step. The forecast column is ignored there
        and filled with the forecasts.
    context : int, default=None
        Rows each step passes to ``predict``: the last ``context`` ones. None
        passes the whole history, which costs one prediction per row per step;
        on a long history, set it to what the model reads (the window size,
        plus the ``lag`` of a ``Differencer``) to forecast in constant time
        per step with the same forecast, up to float32 rounding
        (``benchmarks/bench_recursive.py``). One exception: a
        :class:`~sk_rnn.forecasting.PerSeriesScaledRegressor` scales a series
        that ``fit`` never saw by the rows it is given, so with ``context``
        by its last ``context`` rows and the forecasts so far; leave
        ``context`` at None for such series to be scaled by their whole
        history.
    coverage : float in (0, 1), default=None
        Also return prediction intervals meant to hold the true value this
        often at each step ahead, from split conformal residuals: the model
        forecasts ``horizon`` steps from each of the ``calibration_size``
        latest origins of ``history`` whose future it can check, and the
        interval at step ``h`` is the forecast plus or minus the
        ``ceil((n + 1) * coverage) / n`` quantile of the absolute errors at
        step ``h`` (``n = calibration_size``). Their width grows with ``h`` as
        the errors do. The guarantee needs errors like those ahead: fit the
        model on the history without its last ``calibration_size + horizon -
        1`` rows and pass the whole history here (errors on rows the model
        was fitted on are smaller than on new ones, so the intervals come
        out too narrow).
    calibration_size : int, default=50
        Forecast origins the intervals are calibrated on; with ``coverage``
        only. At least ``1 / (1 - coverage) - 1`` (19 for 95%).

    Returns
    -------
    forecast : ndarray of shape (horizon,), or Series
        A Series indexed by the next ``horizon`` times when ``history`` is a
        pandas object whose index tells them (a PeriodIndex, a DatetimeIndex
        with a frequency, a RangeIndex or evenly spaced integer times such as years).
        For a panel, a Series indexed by (series, time): the next times of
        each series (integer, period or regular datetime times; a series of
        fewer than three dates takes the frequency the others share if its
        dates lie on it, and a series of one integer time the step they share),
        else the steps ahead 1 to ``horizon``.
    intervals : ndarray of shape (horizon, 2), or DataFrame
        With ``coverage`` only: the lower and upper bound at each step, a
        DataFrame with columns ``lower`` and ``upper`` and the forecast's
        index when the forecast is a Series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sk_rnn import GRURegressor
    >>> from sk_rnn.forecasting import recursive_forecast
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> series = np.sin(np.arange(200) / 5)
    >>> model = make_pipeline(SlidingWindowTransformer(20), GRURegressor(max_epochs=30, random_state=0))
    >>> model = model.fit(series[:-1, None], lead_target(series))
    >>> recursive_forecast(model, series, horizon=5).shape
    (5,)
    """
    check_is_fitted(estimator)
    if has_panel_index(history):
        if future is not None:
            raise ValueError(
                "recursive_forecast on a panel does not take future= yet; forecast a series with its "
                "own table for exogenous columns."
            )
        panel = history.to_frame() if isinstance(history, pd.Series) else history
        return panel_recursive_forecast(estimator, panel, horizon, context, coverage, calibration_size)
    table = _as_table(history)
    if len(table) == 0:
        raise ValueError("recursive_forecast got an empty history; it needs the recent past to start from.")
    # Before the times are dropped below: rows out of time order would be read
    # as the recent past.
    check_time_index("recursive_forecast", table)
    is_frame = isinstance(table, pd.DataFrame)
    position = column_position("recursive_forecast", column, table, table.shape[1], what="the history")
    future_rows = _future_rows(table, horizon, future, position)
    index = future_times(table.index, horizon) if is_frame else None
    row_index = index
    if is_frame and index is None:
        # Times that cannot be extended: number the rows instead, so that the
        # appended rows still get an index of the same kind.
        table = table.reset_index(drop=True)
        row_index = future_times(table.index, horizon)
    forecasts = _forecast_path(estimator, table, future_rows, position, row_index, context)
    half_widths = None
    if coverage is not None:
        half_widths = _conformal_half_widths(
            estimator, table, horizon, position, context, coverage, calibration_size
        )
    # An unnamed Series is column 0 of the table; its forecast stays unnamed.
    name = history.name if isinstance(history, pd.Series) else table.columns[position] if is_frame else None
    return forecast_with_intervals(forecasts, half_widths, index, name)


def _forecast_path(
    estimator: Any,
    table: pd.DataFrame | np.ndarray,
    future_rows: np.ndarray,
    position: int,
    row_index: pd.Index | None,
    context: int | None,
) -> np.ndarray:
    """Forecast one step per row of ``future_rows``, each forecast appended to the table."""
    is_frame = isinstance(table, pd.DataFrame)
    if context is not None:
        # Only the last ``context`` rows are ever read: appending each forecast
        # to the whole history would copy all of it at every step.
        table = table.iloc[-context:] if is_frame else table[-context:]
    if is_frame:
        # Forecasts are fractional: an integer column (counts of passengers)
        # would truncate each one before it is read back as history, and so
        # would a fractional future value of an integer covariate.
        fractional = {
            column: np.float64
            for index, column in enumerate(table.columns)
            if index == position
            or (table.dtypes.iloc[index].kind in "iub" and not _whole_numbers(future_rows[:, index]))
        }
        table = table.astype(fractional)
    forecasts = np.empty(len(future_rows))
    for step in range(len(future_rows)):
        forecasts[step] = _next_value(estimator, table, context)
        row = future_rows[step].copy()
        row[position] = forecasts[step]
        if is_frame:
            # The future times are worked out once, before the loop: a step
            # costs no pass over the history beyond what predict reads.
            new_row = pd.DataFrame([row], columns=table.columns, index=row_index[step : step + 1])
            table = pd.concat([table, new_row.astype(table.dtypes.to_dict())])
        else:
            table = np.vstack([table, row])
    return forecasts


def _whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number, which an integer column holds as it is."""
    numbers = np.asarray(values, dtype=np.float64)
    return bool(np.all(numbers == np.round(numbers)))


def _conformal_half_widths(
    estimator: Any,
    table: pd.DataFrame | np.ndarray,
    horizon: int,
    position: int,
    context: int | None,
    coverage: float,
    calibration_size: int,
) -> np.ndarray:
    """Split conformal half-widths ``(horizon,)``: quantiles of past absolute errors, step by step."""
    rank = conformal_rank("recursive_forecast", coverage, calibration_size)
    n_rows = len(table)
    first_origin = n_rows - horizon - calibration_size + 1
    # Each origin needs rows before it to forecast from: at least the context.
    if first_origin < (context or 1):
        raise ValueError(
            f"recursive_forecast got {n_rows} rows of history, too few to calibrate intervals on "
            f"{calibration_size} origins {horizon} steps ahead after the rows the model reads "
            f"({context or 1}). Give a longer history, or lower calibration_size."
        )
    is_frame = isinstance(table, pd.DataFrame)
    values = table.to_numpy(dtype=np.float64) if is_frame else table
    errors = np.empty((calibration_size, horizon))
    for i, origin in enumerate(range(first_origin, first_origin + calibration_size)):
        past = table.iloc[:origin] if is_frame else table[:origin]
        if context is not None:
            past = past.iloc[-context:] if is_frame else past[-context:]
        row_index = table.index[origin : origin + horizon] if is_frame else None
        known = values[origin : origin + horizon]
        errors[i] = known[:, position] - _forecast_path(estimator, past, known, position, row_index, context)
    return np.sort(np.abs(errors), axis=0)[rank - 1]


def _future_rows(table: pd.DataFrame | np.ndarray, horizon: int, future: Any, position: int) -> np.ndarray:
    """``(horizon, n_features)`` rows to append, the forecast column still to fill."""
    n_columns = table.shape[1]
    if future is None:
        if n_columns > 1:
            raise ValueError(
                f"recursive_forecast got a history with {n_columns} columns but no future: the "
                "other (exogenous) columns need their known future values. Pass future= with "
                f"{horizon} rows, one per step to forecast."
            )
        return np.zeros((horizon, 1))
    if isinstance(future, pd.DataFrame) and isinstance(table, pd.DataFrame):
        forecast_column = table.columns[position]
        missing = [c for c in table.columns if c not in future.columns and c != forecast_column]
        if missing:
            raise ValueError(
                f"recursive_forecast got a future without the exogenous column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} of the history; "
                f"pass future= with the known future values of every column but {forecast_column!r}."
            )
        future = future.reindex(columns=table.columns)
    rows = np.asarray(future, dtype=np.float64)
    rows = rows[:, np.newaxis] if rows.ndim == 1 else rows
    if rows.shape != (horizon, n_columns):
        raise ValueError(
            f"recursive_forecast needs future of shape ({horizon}, {n_columns}), one row per step "
            f"with the history's columns, got shape {rows.shape}."
        )
    exogenous = rows.copy()
    exogenous[:, position] = 0.0  # the forecast column is filled step by step
    raise_on_non_finite(
        exogenous,
        lambda where, kind: (
            f"recursive_forecast got future values that are missing or not finite ({kind} at step "
            f"{where[0]}, column {where[1]}); every exogenous column needs a known value at every "
            "step to forecast."
        ),
    )
    return rows
