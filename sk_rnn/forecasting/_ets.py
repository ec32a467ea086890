"""Exponential smoothing (ETS, Holt-Winters) refitted on each window's history: the classical benchmark."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions, _fit_context
from .._data.panels import as_pandas
from ._baselines import _SequenceBaseline

__all__ = ["ExponentialSmoothingRegressor"]


def _statsmodels_smoothing() -> Any:
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
    except ImportError as error:
        raise ImportError(
            "ExponentialSmoothingRegressor fits statsmodels' exponential smoothing: pip install statsmodels"
        ) from error
    return ExponentialSmoothing


class ExponentialSmoothingRegressor(_SequenceBaseline):
    """Holt-Winters exponential smoothing fitted on each window's history, forecasting ``horizon`` ahead.

    Each row of X is the history up to the present, its valid steps the
    series so far: for a rolling-origin evaluation, cut windows as long as
    the training series (``SlidingWindowTransformer(window_size=n_train)``):
    the first rows hold all the history there is (their leading padding is
    skipped), the later ones the latest ``n_train`` steps. For every row, statsmodels'
    ``ExponentialSmoothing`` is fitted on that history by maximum likelihood
    and its forecast ``horizon`` steps ahead is the prediction, as a
    forecaster refitted at every origin would give. ``fit`` learns nothing:
    the model reads each history anew, so it goes into the same pipelines,
    ``TimeSeriesSplit`` and ``GridSearchCV`` as the networks. Needs
    statsmodels (``pip install statsmodels``).

    A history too short for the seasonal component (fewer than two seasons
    and a step) is smoothed without it; one of fewer than 4 steps forecasts
    its last value. A multiplicative season needs positive values: a history
    with zeros or negative values gets an additive one.

    Parameters
    ----------
    season : int, default=1
        Steps per season (12 for monthly data with a yearly cycle); 1 means no
        seasonal component.
    horizon : int, default=1
        How far after the window's last step the target lies: the ``horizon``
        of :func:`~sk_rnn.preprocessing.lead_target`.
    trend : {"add", "mul"} or None, default="add"
        The trend component.
    damped_trend : bool, default=True
        Whether the trend is damped, the usual safeguard against trends that
        run away over long horizons.
    seasonal : {"add", "mul"}, default="add"
        The seasonal component, when ``season > 1``: additive, or
        multiplicative for seasons whose swing grows with the level (on the
        airline passengers, additive forecasts the last 29 months better:
        RMSE 16.4 against 17.6).
    feature : int, default=0
        The feature of each step that holds the series (its column in the
        table the windows were cut from).

    Attributes
    ----------
    n_features_in_ : int
        Features per step of a 3-D X (or columns of a 2-D X).
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    SeasonalNaiveRegressor : The value whole seasons before.
    LagRidgeRegressor : A ridge regression on the last values.

    Examples
    --------
    >>> from sklearn.metrics import root_mean_squared_error
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import ExponentialSmoothingRegressor
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)   # next month
    >>> histories = SlidingWindowTransformer(114).fit(X[:114]).transform(X)
    >>> ets = ExponentialSmoothingRegressor(season=12).fit(histories[:114], y[:114])
    >>> round(root_mean_squared_error(y[114:], ets.predict(histories[114:])), 1)
    16.4
    """

    _parameter_constraints: ClassVar[dict] = {
        "season": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "trend": [StrOptions({"add", "mul"}), None],
        "damped_trend": ["boolean"],
        "seasonal": [StrOptions({"add", "mul"})],
        "feature": [Integral],
    }

    def __init__(
        self,
        season: int = 1,
        *,
        horizon: int = 1,
        trend: str | None = "add",
        damped_trend: bool = True,
        seasonal: str = "add",
        feature: int = 0,
    ) -> None:
        self.season = season
        self.horizon = horizon
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.feature = feature

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any):
        """Check the histories and targets; nothing is learned (each history is fitted at predict).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            One history per row, its last step the present.
        y : array-like of shape (n_samples,)
            The series ``horizon`` steps after each history.

        Returns
        -------
        self : ExponentialSmoothingRegressor
        """
        _statsmodels_smoothing()  # fail in fit, not at the first predict
        sequences = self._sequences(X, reset=True)
        self._single_target(sequences, y, "Fit one per horizon (horizon=h).")
        self._series(sequences)  # checks feature against the sequences
        return self

    def _forecast(self, history: np.ndarray, smoothing: Any) -> float:
        """The forecast ``horizon`` steps after one history (its valid values, oldest first)."""
        if len(history) < 4:
            return float(history[-1])
        seasonal = None
        if self.season > 1 and len(history) > 2 * self.season:
            seasonal = self.seasonal if self.seasonal == "add" or history.min() > 0 else "add"
        trend = self.trend if self.trend != "mul" or history.min() > 0 else "add"
        model = smoothing(
            history,
            trend=trend,
            damped_trend=self.damped_trend and trend is not None,
            seasonal=seasonal,
            seasonal_periods=self.season if seasonal else None,
            initialization_method="estimated",
        )
        with warnings.catch_warnings():
            # statsmodels warns when its optimiser stops short on a short
            # history; the forecast is still its best fit, as a user would get.
            warnings.simplefilter("ignore")
            return float(model.fit().forecast(self.horizon)[-1])

    def predict(self, X: Any) -> Any:
        """Fit exponential smoothing on each history and forecast ``horizon`` steps after it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Histories with the features seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            A Series indexed by instance for a pandas panel.
        """
        check_is_fitted(self, "n_features_in_")
        smoothing = _statsmodels_smoothing()
        sequences = self._sequences(X, reset=False)
        series = self._series(sequences)
        first, counts = sequences.first_steps(), sequences.step_counts()
        forecasts = np.array(
            [
                self._forecast(series[row, start : start + count].astype(np.float64), smoothing)
                for row, (start, count) in enumerate(zip(first, counts, strict=True))
            ]
        )
        return as_pandas(sequences, forecasts)
