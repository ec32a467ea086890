"""Classical baselines as row-aligned regressors: what a recurrent forecaster must beat.

They take the same rows as every sk_rnn forecaster (row ``t`` of X holds the
series at time ``t``; ``y[t]`` its value ``horizon`` steps later, see
:func:`~sk_rnn.preprocessing.lead_target`), so they drop into the same
``TimeSeriesSplit``, ``GridSearchCV``, ``cross_val_score`` and
``TransformedTargetRegressor`` as the network they are compared with. Like
every row-aligned model, ``predict`` reads the rows before each row: predict
on the whole table and keep the rows of interest.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import RidgeCV
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import Interval, _fit_context
from ..preprocessing._time_ordered import check_time_index, raise_on_gaps
from ._columns import column_position

__all__ = ["LagRidgeRegressor", "SeasonalNaiveRegressor"]


class _RowAlignedRegressor(RegressorMixin, BaseEstimator):
    """Validation shared by the baselines: a time-ordered table without gaps, and one column."""

    column: int | str

    def _series(self, X: Any, y: Any = None, *, reset: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """The forecast column of X as float64 ``(n,)`` and, in ``fit``, y as float64 ``(n,)``."""
        name = type(self).__name__
        check_time_index(name, X)
        if reset:
            values, target = validate_data(
                self, X, y, dtype=np.float64, ensure_all_finite=False, y_numeric=True
            )
        else:
            values, target = (
                validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=False),
                None,
            )
        raise_on_gaps(name, values)
        return values[:, column_position(name, self.column, X, self.n_features_in_)], target

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A baseline of a series, not a general regressor: on scikit-learn's
        # random regression tables it scores as poorly as it should.
        tags.regressor_tags.poor_score = True
        return tags


class SeasonalNaiveRegressor(_RowAlignedRegressor):
    """Seasonal-naive forecast: the value the series had whole seasons before the target time.

    Row ``t`` forecasts the series at ``t + horizon`` by its value at
    ``t + horizon - lag``, with ``lag = season * ceil(horizon / season)``, the
    closest whole number of seasons that is already observed at ``t``. With
    ``season=1`` this is the naive forecast: the last value. The first rows,
    with less than ``lag - horizon`` earlier rows, get the last value too.

    Parameters
    ----------
    season : int, default=1
        Steps per season (12 for monthly data with a yearly cycle).
    horizon : int, default=1
        How far ahead ``y`` lies: the ``horizon`` of
        :func:`~sk_rnn.preprocessing.lead_target`.
    column : int or str, default=0
        The column of X holding the series: a position, or a name when X is a
        DataFrame.

    Attributes
    ----------
    lag_ : int
        Steps between the forecast value and the target time.
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    LagRidgeRegressor : A ridge regression on the last values, the other baseline.

    Examples
    --------
    >>> from sklearn.metrics import root_mean_squared_error
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import SeasonalNaiveRegressor
    >>> from sk_rnn.preprocessing import lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)
    >>> baseline = SeasonalNaiveRegressor(season=12).fit(X[:114], y[:114])
    >>> round(root_mean_squared_error(y[114:], baseline.predict(X)[114:]), 1)
    46.1
    """

    _parameter_constraints: ClassVar[dict] = {
        "season": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "column": [Integral, str],
    }

    def __init__(self, season: int = 1, *, horizon: int = 1, column: int | str = 0) -> None:
        self.season = season
        self.horizon = horizon
        self.column = column

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any):
        """Check the table and record the lag; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table; row ``t`` is the series at time ``t``.
        y : array-like of shape (n_timesteps,)
            The series ``horizon`` steps after each row.

        Returns
        -------
        self : SeasonalNaiveRegressor
        """
        self._series(X, y, reset=True)
        self.lag_ = self.season * math.ceil(self.horizon / self.season)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The value ``lag_`` steps before each row's target time (the last value where none).

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,)
        """
        check_is_fitted(self)
        series, _ = self._series(X, reset=False)
        rows = np.arange(len(series))
        source = rows + self.horizon - self.lag_
        return series[np.where(source >= 0, source, rows)]


class LagRidgeRegressor(_RowAlignedRegressor):
    """Ridge regression on the last ``n_lags`` values of the series, its penalty chosen by leave-one-out.

    Row ``t`` is described by the series at ``t - n_lags + 1`` to ``t``;
    :class:`~sklearn.linear_model.RidgeCV` is fitted on the rows with that
    much history, choosing the penalty from ``alphas`` by efficient
    leave-one-out, so that the baseline is a fair one. The first rows of the
    table passed to ``predict``, with less history, repeat its first value
    for the missing lags.

    For multiplicative series (growth in percent), put it after
    ``FunctionTransformer(np.log)`` inside
    ``TransformedTargetRegressor(func=np.log, inverse_func=np.exp)``, as the
    example below does.

    Parameters
    ----------
    n_lags : int, default=12
        Past values each row is described by (one season is a good start).
    alphas : array-like of float, default=None
        Penalties searched; None means 17 values from 1e-6 to 100, evenly
        spaced on a log scale.
    column : int or str, default=0
        The column of X holding the series: a position, or a name when X is a
        DataFrame.

    Attributes
    ----------
    ridge_ : RidgeCV
        The fitted ridge regression; ``ridge_.alpha_`` is the penalty chosen.
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    SeasonalNaiveRegressor : The value one season before, the other baseline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.metrics import root_mean_squared_error
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import LagRidgeRegressor
    >>> from sk_rnn.preprocessing import lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)
    >>> baseline = TransformedTargetRegressor(
    ...     make_pipeline(FunctionTransformer(np.log, np.exp), LagRidgeRegressor(12)),
    ...     func=np.log,
    ...     inverse_func=np.exp,
    ... ).fit(X[:114], y[:114])
    >>> round(root_mean_squared_error(y[114:], baseline.predict(X)[114:]), 1)
    21.0
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_lags": [Interval(Integral, 1, None, closed="left")],
        "alphas": ["array-like", None],
        "column": [Integral, str],
    }

    def __init__(self, n_lags: int = 12, *, alphas: Any = None, column: int | str = 0) -> None:
        self.n_lags = n_lags
        self.alphas = alphas
        self.column = column

    def _lags(self, series: np.ndarray) -> np.ndarray:
        """``(n, n_lags)``: row t holds the series at t - n_lags + 1 .. t (its first value before it)."""
        padded = np.concatenate([np.full(self.n_lags - 1, series[0]), series])
        return np.lib.stride_tricks.sliding_window_view(padded, self.n_lags)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any):
        """Fit the ridge regression on the rows with ``n_lags`` values of history.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table; row ``t`` is the series at time ``t``.
        y : array-like of shape (n_timesteps,)
            The value to forecast from each row (for instance the series
            ``horizon`` steps later).

        Returns
        -------
        self : LagRidgeRegressor
        """
        series, target = self._series(X, y, reset=True)
        complete = slice(self.n_lags - 1, None)
        n_complete = len(series) - self.n_lags + 1
        if n_complete < 2:
            samples = f"{len(series)} sample{'s' if len(series) != 1 else ''}"
            raise ValueError(
                f"LagRidgeRegressor(n_lags={self.n_lags}) needs at least {self.n_lags + 1} rows, two "
                f"with a full history of lags, but got {samples}. Use fewer lags or a longer series."
            )
        alphas = np.logspace(-6, 2, 17) if self.alphas is None else self.alphas
        self.ridge_ = RidgeCV(alphas=alphas).fit(self._lags(series)[complete], target[complete])
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The ridge regression's forecast from the last ``n_lags`` values at each row.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,)
        """
        check_is_fitted(self)
        series, _ = self._series(X, reset=False)
        return self.ridge_.predict(self._lags(series))
