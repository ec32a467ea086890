"""Forecast against truth over time, in scikit-learn's Display style."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._plotting import pyplot

__all__ = ["ForecastDisplay"]


def _values(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"ForecastDisplay plots one series: {name} must have shape (n_timesteps,), got shape "
            f"{array.shape}. For a direct multi-step forecast, pass one column (one step ahead)."
        )
    return array


def _pandas_index(values: Any) -> pd.Index | None:
    """The index of a Series or DataFrame; None for anything else (a list's ``index`` is a method)."""
    return values.index if isinstance(values, (pd.Series, pd.DataFrame)) else None


def _time_axis(values: Any, index: Any, n: int) -> Any:
    if index is None:
        index = _pandas_index(values)
    if index is None:
        return np.arange(n)
    if len(index) != n:
        raise ValueError(
            f"ForecastDisplay got an index of {len(index)} times for {n} values; pass one time per value."
        )
    if isinstance(index, pd.MultiIndex):
        raise ValueError(
            f"ForecastDisplay plots one series, but got values indexed by {index.nlevels} levels "
            f"{list(index.names)}, a panel of several series. Plot one series at a time, for "
            "instance y_true.xs(series_id, level=0) and its forecasts, each on its own axes (ax=)."
        )
    # matplotlib draws timestamps, not periods.
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


def _forecast_index(y_true: Any, y_pred: Any) -> pd.Index | None:
    """The times of y_true or y_pred, whichever is a pandas object with them; refused when they differ.

    A forecast of recursive_forecast is a Series indexed by the future times,
    and is often plotted against observed values held in an array.
    """
    true_index, pred_index = _pandas_index(y_true), _pandas_index(y_pred)
    if true_index is None or pred_index is None:
        return pred_index if true_index is None else true_index
    if len(true_index) == len(pred_index) and not true_index.equals(pred_index):
        raise ValueError(
            f"ForecastDisplay got y_true and y_pred indexed by different times (y_true from "
            f"{true_index[0]}, y_pred from {pred_index[0]}); each forecast is drawn at the time it "
            "forecasts. Align them first (y_pred.reindex(y_true.index)), or pass the times as index=."
        )
    return true_index


def _history_axis(history: Any, n: int, times: Any, numbered: bool) -> Any:
    """Where the history is drawn: at its own times, or, without any, just before the forecast's.

    ``numbered`` says the forecast's values came without times and are drawn
    at 0 to n - 1. A history with times cannot go with them: on a date axis
    those numbers are the first days of 1970, far from the history.
    """
    history_index = _pandas_index(history)
    if history_index is None and isinstance(times, np.ndarray):
        return np.arange(times[0] - n, times[0])
    if history_index is None:
        raise ValueError(
            "ForecastDisplay got a history without times next to a forecast with times; "
            "pass history as a pandas Series indexed by time."
        )
    if numbered:
        raise ValueError(
            f"ForecastDisplay got a history with times (a {type(history_index).__name__}) next to "
            "forecasts without times, which would be drawn at 0, 1, ... apart from it. Pass the "
            "forecasts' times as index= (the index of recursive_forecast's forecast), or y_true as "
            "a pandas Series indexed by time; or pass history.to_numpy() to draw the history just "
            "before the forecasts, numbered."
        )
    return _time_axis(history, history_index, n)


def _bounds(intervals: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds from an ``(n, 2)`` array or a DataFrame with lower and upper columns."""
    if isinstance(intervals, pd.DataFrame) and {"lower", "upper"} <= set(intervals.columns):
        intervals = intervals[["lower", "upper"]]
    bounds = np.asarray(intervals, dtype=np.float64)
    if bounds.ndim == 3 and bounds.shape[:2] == (n, 2):
        # MAPIE's predict_interval: (n, 2, n_confidence_levels); one band per plot.
        if bounds.shape[2] != 1:
            raise ValueError(
                f"ForecastDisplay draws one interval per forecast, but got {bounds.shape[2]} confidence "
                f"levels (shape {bounds.shape}, as MAPIE's predict_interval returns them); pass one "
                "level, intervals[:, :, k]."
            )
        bounds = bounds[:, :, 0]
    if bounds.shape != (n, 2):
        raise ValueError(
            f"ForecastDisplay needs intervals of shape ({n}, 2), a lower and an upper bound per "
            f"forecast, but got shape {bounds.shape}; pass the intervals recursive_forecast returns."
        )
    return bounds[:, 0], bounds[:, 1]


class ForecastDisplay:
    """Forecast against the truth over time, optionally after the history it started from.

    Build it with :meth:`from_estimator` or :meth:`from_predictions`, which
    plot at once; the constructor only stores what to plot.

    Parameters
    ----------
    y_true : ndarray of shape (n_timesteps,)
        Observed values over the forecast period.
    y_pred : ndarray of shape (n_timesteps,)
        Forecasts of the same times.
    index : array-like of shape (n_timesteps,), default=None
        Times of the values (a DatetimeIndex, a PeriodIndex, numbers); None
        takes the index of ``y_true`` or ``y_pred``, whichever is a pandas
        Series (they must agree when both are), else numbers them from 0.
    history : Series or ndarray, default=None
        The series before the forecast period, drawn in grey. A Series is
        drawn at its own index, and needs forecasts with times (``index``, or
        a ``y_true`` or ``y_pred`` Series); an array ends just before the
        forecasts start.
    estimator_name : str, default=None
        Legend label of the forecast.
    intervals : array-like of shape (n_timesteps, 2) or (n_timesteps, 2, 1), or DataFrame, default=None
        Lower and upper bounds of a prediction interval at each forecast time
        (what ``recursive_forecast(..., coverage=...)`` returns, or MAPIE's
        ``predict_interval`` for one confidence level), drawn as a band around
        the forecast.

    Attributes
    ----------
    line_true_ : matplotlib Line2D
        The truth.
    line_pred_ : matplotlib Line2D
        The forecast.
    line_history_ : matplotlib Line2D or None
        The history, when given.
    band_ : matplotlib PolyCollection or None
        The intervals' band, when given.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sk_rnn.forecasting import ForecastDisplay
    >>> display = ForecastDisplay.from_predictions([1.0, 2.0, 3.0], [1.1, 1.9, 3.2], history=[0.0, 0.5])
    >>> display.line_pred_.get_ydata().tolist()
    [1.1, 1.9, 3.2]
    """

    def __init__(
        self,
        *,
        y_true: Any,
        y_pred: Any,
        index: Any = None,
        history: Any = None,
        estimator_name: str | None = None,
        intervals: Any = None,
    ) -> None:
        self.y_true = y_true
        self.y_pred = y_pred
        self.index = index
        self.history = history
        self.estimator_name = estimator_name
        self.intervals = intervals

    def plot(
        self,
        ax: Any = None,
        *,
        title: str | None = None,
        ylabel: str | None = None,
        true_kwargs: dict | None = None,
        history_kwargs: dict | None = None,
        interval_kwargs: dict | None = None,
        **kwargs: Any,
    ):
        """Draw the history, the truth, the forecast and its intervals.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        title : str, default=None
            Axes title; None for none.
        ylabel : str, default=None
            Label of the value axis.
        true_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the observed values' line,
            overriding its defaults (black).
        history_kwargs : dict, default=None
            The same for the history's line (grey).
        interval_kwargs : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the intervals' band,
            overriding its defaults (the forecast's colour, translucent).
        **kwargs : dict
            Keyword arguments of ``ax.plot`` for the forecast's line, as
            scikit-learn's Displays take them (``color``, ``linewidth``, ...),
            overriding its defaults (orange, dashed).

        Returns
        -------
        display : ForecastDisplay
            This object, with the ``line_*_``, ``ax_`` and ``figure_`` attributes set.
        """
        plt = pyplot("ForecastDisplay")
        y_true = _values("y_true", self.y_true)
        y_pred = _values("y_pred", self.y_pred)
        if len(y_true) != len(y_pred):
            raise ValueError(
                f"ForecastDisplay needs as many forecasts as observed values, got {len(y_pred)} "
                f"forecasts for {len(y_true)} values."
            )
        index = self.index if self.index is not None else _forecast_index(self.y_true, self.y_pred)
        times = _time_axis(self.y_true, index, len(y_true))
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        self.line_history_ = None
        if self.history is not None:
            history = _values("history", self.history)
            numbered = index is None
            history_times = _history_axis(self.history, len(history), times, numbered)
            history_style = {"color": "0.6", "label": "history", **(history_kwargs or {})}
            (self.line_history_,) = ax.plot(history_times, history, **history_style)
        true_style = {"color": "black", "label": "observed", **(true_kwargs or {})}
        (self.line_true_,) = ax.plot(times, y_true, **true_style)
        pred_style = {
            "color": "tab:orange",
            "linestyle": "--",
            "label": self.estimator_name or "forecast",
            **kwargs,
        }
        (self.line_pred_,) = ax.plot(times, y_pred, **pred_style)
        self.band_ = None
        if self.intervals is not None:
            lower, upper = _bounds(self.intervals, len(y_pred))
            band_style = {"color": self.line_pred_.get_color(), "alpha": 0.2, "label": "interval"}
            self.band_ = ax.fill_between(times, lower, upper, **{**band_style, **(interval_kwargs or {})})
        if title is not None:
            ax.set_title(title)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        ax.legend(loc="upper left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        index: Any = None,
        history: Any = None,
        name: str | None = None,
        ax: Any = None,
        title: str | None = None,
        ylabel: str | None = None,
        **kwargs: Any,
    ):
        """Plot a fitted estimator's forecasts for the rows of X against y.

        Parameters
        ----------
        estimator : fitted estimator
            Forecasts the value of the series ahead of each row of X.
        X : array-like or DataFrame
            Rows to forecast from, in the form the estimator was fitted on.
        y : array-like of shape (n_timesteps,) or (n_timesteps, horizon)
            The observed values the forecasts aim at. For a direct multi-step
            model (2-D predictions and y), the first column, one step ahead,
            is plotted.
        index : array-like, default=None
            Times of the forecast values; None takes ``y``'s index when it is a
            Series, else numbers from 0.
        history : Series or ndarray, default=None
            The series before the forecast period, drawn in grey.
        name : str, default=None
            Legend label; None uses the estimator's class name.
        ax : matplotlib Axes, default=None
            Where to draw.
        title, ylabel : str, default=None
            Axes title and value-axis label.
        **kwargs : dict
            Passed to :meth:`plot`: ``true_kwargs``, ``history_kwargs`` and
            ``ax.plot`` keyword arguments of the forecast's line.

        Returns
        -------
        display : ForecastDisplay
        """
        pyplot("ForecastDisplay")  # before predicting (plot checks again, but only after the forecast)
        if index is None:
            index = _pandas_index(y)  # before a 2-D y is cut to its first column
        y_pred = np.asarray(estimator.predict(X), dtype=np.float64)
        if y_pred.ndim == 2:  # direct multi-step: plot one step ahead
            y_pred = y_pred[:, 0]
            y = np.asarray(y, dtype=np.float64)[:, 0] if np.ndim(y) == 2 else y
        return cls.from_predictions(
            y,
            y_pred,
            index=index,
            history=history,
            name=name or type(estimator).__name__,
            ax=ax,
            title=title,
            ylabel=ylabel,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        index: Any = None,
        history: Any = None,
        name: str | None = None,
        ax: Any = None,
        title: str | None = None,
        ylabel: str | None = None,
        intervals: Any = None,
        **kwargs: Any,
    ):
        """Plot forecasts against observed values, with their intervals when given.

        Parameters
        ----------
        y_true : array-like of shape (n_timesteps,)
            Observed values.
        y_pred : array-like of shape (n_timesteps,)
            Forecasts of the same times.
        index : array-like, default=None
            Times; None takes the index of ``y_true`` or ``y_pred``, whichever
            is a Series, else numbers from 0.
        history : Series or ndarray, default=None
            The series before the forecast period, drawn in grey.
        name : str, default=None
            Legend label of the forecast.
        ax : matplotlib Axes, default=None
            Where to draw.
        title, ylabel : str, default=None
            Axes title and value-axis label.
        intervals : array-like of shape (n_timesteps, 2) or (n_timesteps, 2, 1), or DataFrame, \
                default=None
            Lower and upper bounds per forecast, drawn as a band (the
            intervals of ``recursive_forecast(..., coverage=...)``, or of
            MAPIE's ``predict_interval`` for one confidence level).
        **kwargs : dict
            Passed to :meth:`plot`: ``true_kwargs``, ``history_kwargs``,
            ``interval_kwargs`` and ``ax.plot`` keyword arguments of the
            forecast's line.

        Returns
        -------
        display : ForecastDisplay
        """
        display = cls(
            y_true=y_true,
            y_pred=y_pred,
            index=index,
            history=history,
            estimator_name=name,
            intervals=intervals,
        )
        return display.plot(ax=ax, title=title, ylabel=ylabel, **kwargs)
