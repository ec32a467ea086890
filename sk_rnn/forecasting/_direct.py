"""The forecast of a direct multi-step model from the end of a history, with conformal intervals."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, validate_params
from .._data.panels import has_panel_index
from .._data.times import future_times
from ._columns import column_position
from ._conformal import conformal_rank, forecast_with_intervals
from ._panel_direct import direct_predictions, panel_direct_forecast
from ._recursive import _as_table

__all__ = ["direct_forecast"]


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "history": ["array-like"],
        "column": [Integral, str],
        "coverage": [Interval(Real, 0, 1, closed="neither"), None],
        "calibration_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def direct_forecast(
    estimator: Any,
    history: Any,
    *,
    column: int | str = 0,
    coverage: float | None = None,
    calibration_size: int = 50,
) -> np.ndarray | pd.Series | tuple:
    """Forecast the next ``horizon`` steps with a direct multi-step model, from the last row of a history.

    A direct model predicts, from each row of a time-ordered table, the next
    ``horizon`` values at once (fitted on ``lead_target(series, horizon,
    steps="all")``). Its forecast from the end of the history is its
    prediction for the last row; no forecast is fed back.

    Parameters
    ----------
    estimator : fitted estimator
        Predicts an ``(n, horizon)`` array from the rows of the table.
    history : array-like of shape (n_timesteps,) or (n_timesteps, n_features), Series or DataFrame
        The table up to now, in time order, in the form the estimator was
        fitted on. A panel (a DataFrame, or a Series, indexed by (series,
        time), rows in any order) gets every series forecast at once, from
        one ``predict`` call on the whole panel: each series' forecast is the
        prediction for its last row, and its exogenous columns need no future
        values.
    column : int or str, default=0
        The column that holds the forecast series (position, or name for a
        DataFrame); the intervals are calibrated on its values.
    coverage : float in (0, 1), default=None
        Also return prediction intervals meant to hold the true value this
        often at each step ahead, by split conformal prediction: the model's
        predictions for the ``calibration_size`` latest rows whose next
        ``horizon`` values the history holds are compared with those values,
        and the interval at step ``h`` is the forecast plus or minus the
        ``ceil((n + 1) * coverage)``-th smallest absolute error at step
        ``h``. One ``predict`` call gives all of them. Fit the model without
        the last ``calibration_size + horizon`` rows, or its errors there are
        too small and so are the intervals.
    calibration_size : int, default=50
        Rows the intervals are calibrated on; with ``coverage`` only.

    Returns
    -------
    forecast : ndarray of shape (horizon,), or Series
        A Series indexed by the next ``horizon`` times when ``history`` is a
        pandas object whose index tells them (a PeriodIndex, a DatetimeIndex
        with a frequency, a RangeIndex or evenly spaced integer times such as years).
        For a panel, a Series indexed by (series, next times), each series'
        ``horizon`` steps in a row; its intervals pool every series' errors on
        its ``calibration_size`` latest rows, each divided by the series' mean
        absolute one-step change, and map the pooled quantile back to each
        series' units.
    intervals : ndarray of shape (horizon, 2), or DataFrame
        With ``coverage`` only: the lower and upper bound at each step (a
        DataFrame with columns ``lower`` and ``upper`` when the forecast is a
        Series).

    See Also
    --------
    recursive_forecast : A one-step model fed its own forecasts.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sk_rnn.forecasting import LagRidgeRegressor, direct_forecast
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> series = np.sin(np.arange(300) / 5) + np.random.RandomState(0).normal(0, 0.1, 300)
    >>> model = make_pipeline(SlidingWindowTransformer(20), LagRidgeRegressor())
    >>> model = model.fit(series[:200, None], lead_target(series, 6, steps="all")[:200])
    >>> forecast, intervals = direct_forecast(model, series, coverage=0.8)
    >>> forecast.shape, intervals.shape
    ((6,), (6, 2))
    >>> bool((intervals[:, 0] < forecast).all() and (forecast < intervals[:, 1]).all())
    True
    """
    check_is_fitted(estimator)
    if has_panel_index(history):
        panel = history.to_frame() if isinstance(history, pd.Series) else history  # a Series has no shape[1]
        position = column_position("direct_forecast", column, panel, panel.shape[1], what="the panel")
        return panel_direct_forecast(estimator, panel, position, coverage, calibration_size)
    table = _as_table(history)
    if len(table) == 0:
        raise ValueError("direct_forecast got an empty history; it needs the recent past to start from.")
    prediction = direct_predictions(estimator, table, "series")
    horizon = prediction.shape[1]
    forecast = prediction[-1]
    is_frame = isinstance(table, pd.DataFrame)
    index = future_times(table.index, horizon) if is_frame else None
    position = column_position("direct_forecast", column, table, table.shape[1], what="the history")
    half_widths = None
    if coverage is not None:
        half_widths = _half_widths(table, prediction, position, coverage, calibration_size)
    # An unnamed Series is column 0 of the table; its forecast stays unnamed.
    name = history.name if isinstance(history, pd.Series) else table.columns[position] if is_frame else None
    return forecast_with_intervals(forecast, half_widths, index, name)


def _half_widths(
    table: pd.DataFrame | np.ndarray, prediction: np.ndarray, position: int, coverage: float, n: int
) -> np.ndarray:
    """Conformal half-widths per step from the latest ``n`` rows whose future the history holds."""
    rank = conformal_rank("direct_forecast", coverage, n)
    horizon = prediction.shape[1]
    values = (table.to_numpy(dtype=np.float64) if isinstance(table, pd.DataFrame) else table)[:, position]
    first = len(values) - horizon - n
    if first < 0:
        raise ValueError(
            f"direct_forecast got {len(values)} rows of history, too few to calibrate intervals on "
            f"{n} rows {horizon} steps ahead (it needs {n + horizon}). Give a longer history, or "
            "lower calibration_size."
        )
    rows = np.arange(first, first + n)
    future = np.lib.stride_tricks.sliding_window_view(values[1:], horizon)[rows]
    return np.sort(np.abs(future - prediction[rows]), axis=0)[rank - 1]
