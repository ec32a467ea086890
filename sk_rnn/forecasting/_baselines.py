"""Classical baselines that read sequences as the networks do: what a recurrent forecaster must beat.

Each takes the X a recurrent regressor takes, one window (or sequence) per
row, such as the output of
:class:`~sk_rnn.preprocessing.SlidingWindowTransformer`, and forecasts from
that row alone. So a baseline replaces the network at the end of the same
pipeline and goes through the same ``TimeSeriesSplit``, ``GridSearchCV``,
``cross_val_score`` and ``TransformedTargetRegressor``.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import RidgeCV
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._compat import Interval, _fit_context
from .._data.panels import as_pandas
from .._data.parsing import check_sequences
from .._data.sequences import Sequences
from .._data.targets import check_consistent_samples, check_regression_target

__all__ = ["LagRidgeRegressor", "SeasonalNaiveRegressor"]

# Keep the user's precision: these models compute in numpy, not in float32.
_DTYPES = [np.float64, np.float32]


class _SequenceBaseline(RegressorMixin, BaseEstimator):
    """Reading X as the networks do, and the one feature of each step that holds the series."""

    feature: int

    def _sequences(self, X: Any, *, reset: bool) -> Sequences:
        return check_sequences(self, X, reset=reset, table_dtype=_DTYPES)

    def _target(self, sequences: Sequences, y: Any) -> np.ndarray:
        target = check_regression_target(self, y)
        check_consistent_samples(self, sequences, target)
        return target

    def _single_target(self, sequences: Sequences, y: Any, fix: str) -> np.ndarray:
        """y of one value per window (a one-column y flattened, as scikit-learn's regressors do)."""
        target = self._target(sequences, y)
        if target.ndim == 2 and target.shape[1] == 1:
            target = column_or_1d(target, warn=True)
        if target.ndim != 1:
            raise ValueError(
                f"{type(self).__name__} forecasts one value per window, but y has shape {target.shape}. {fix}"
            )
        return target

    def _series(self, sequences: Sequences) -> np.ndarray:
        """``(n, T)`` values of the forecast feature of every step (padding included)."""
        n_features = sequences.n_features
        if not -n_features <= self.feature < n_features:
            raise ValueError(
                f"{type(self).__name__} got feature={self.feature}, but the sequences have "
                f"{n_features} feature{'s' if n_features != 1 else ''} per step; use a position "
                f"between 0 and {n_features - 1}."
            )
        return sequences.values[:, :, self.feature % n_features]

    def _steps_back(self, sequences: Sequences, back: np.ndarray) -> np.ndarray:
        """The forecast feature ``back`` steps before each sequence's last step, float64.

        ``back`` is ``(k,)`` offsets; sequences without that much history read
        their first valid step instead.
        """
        first, last = sequences.first_steps(), sequences.first_steps() + sequences.step_counts() - 1
        source = np.maximum(last[:, np.newaxis] - back, first[:, np.newaxis])
        return np.take_along_axis(self._series(sequences), source, axis=1).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # A baseline for series, not a general regressor: on scikit-learn's
        # random regression tables it scores as poorly as it should.
        tags.regressor_tags.poor_score = True
        return tags


class SeasonalNaiveRegressor(_SequenceBaseline):
    """Seasonal-naive forecast: the value the series had whole seasons before the target time.

    Each row of X is a window ending at the present (for instance from
    :class:`~sk_rnn.preprocessing.SlidingWindowTransformer`); the target lies
    ``horizon`` steps after the window's last step. The forecast is the value
    ``lag = season * ceil(horizon / season)`` steps before the target time,
    the closest whole number of seasons already observed: the window's step
    ``lag - horizon`` before its last. With ``season=1`` this is the naive
    forecast, the last value. A window with too little history for the lag
    (the padded first rows of a series) gives its first valid value; windows
    narrower than the lag are refused.

    Parameters
    ----------
    season : int, default=1
        Steps per season (12 for monthly data with a yearly cycle). Windows
        need ``lag - horizon + 1`` steps, at most ``season``.
    horizon : int, default=1
        How far after the window's last step the target lies: the ``horizon``
        of :func:`~sk_rnn.preprocessing.lead_target`.
    feature : int, default=0
        The feature of each step that holds the series (its column in the
        table the windows were cut from).

    Attributes
    ----------
    lag_ : int
        Steps between the forecast value and the target time.
    n_features_in_ : int
        Features per step of a 3-D X (or columns of a 2-D X).
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    LagRidgeRegressor : A ridge regression on the last values, the other baseline.

    Examples
    --------
    >>> from sklearn.metrics import root_mean_squared_error
    >>> from sklearn.pipeline import make_pipeline
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import SeasonalNaiveRegressor
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)   # next month
    >>> baseline = make_pipeline(SlidingWindowTransformer(12), SeasonalNaiveRegressor(season=12))
    >>> baseline.fit(X[:114], y[:114])
    Pipeline(...)
    >>> round(root_mean_squared_error(y[114:], baseline.predict(X)[114:]), 1)
    46.1
    """

    _parameter_constraints: ClassVar[dict] = {
        "season": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "feature": [Integral],
    }

    def __init__(self, season: int = 1, *, horizon: int = 1, feature: int = 0) -> None:
        self.season = season
        self.horizon = horizon
        self.feature = feature

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any):
        """Check the windows and targets and record the lag; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            One window per row, its last step the present; a 2-D X holds one
            univariate window per row.
        y : array-like of shape (n_samples,)
            The series ``horizon`` steps after each window.

        Returns
        -------
        self : SeasonalNaiveRegressor
        """
        sequences = self._sequences(X, reset=True)
        self._single_target(sequences, y, "Fit one per horizon (horizon=h), or use LagRidgeRegressor.")
        self._series(sequences)  # checks feature against the sequences
        self.lag_ = self.season * math.ceil(self.horizon / self.season)
        self._check_window_holds_lag(sequences)
        return self

    def _check_window_holds_lag(self, sequences: Sequences) -> None:
        """Refuse windows too short to hold the value ``lag_`` steps before the target.

        Padded windows at the start of a series are fine (they read their first
        valid value); a window *width* short of the lag would silently read a
        value from less than a season back.
        """
        needed = self.lag_ - self.horizon + 1
        if sequences.n_steps < needed:
            raise ValueError(
                f"SeasonalNaiveRegressor(season={self.season}, horizon={self.horizon}) forecasts the "
                f"value {needed - 1} step{'s' if needed != 2 else ''} before each window's last step, so "
                f"its windows need at least {needed} steps, but X's have {sequences.n_steps}. Cut longer "
                f"windows (SlidingWindowTransformer({needed}) or more), or use a shorter season."
            )

    def predict(self, X: Any) -> Any:
        """The value ``lag_ - horizon`` steps before each window's last step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Windows with the features seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            A Series indexed by instance for a pandas panel.
        """
        check_is_fitted(self)
        sequences = self._sequences(X, reset=False)
        self._check_window_holds_lag(sequences)
        forecast = self._steps_back(sequences, np.array([self.lag_ - self.horizon]))[:, 0]
        return as_pandas(sequences, forecast)


class LagRidgeRegressor(_SequenceBaseline):
    """Ridge regression on the last ``n_lags`` values of each window, its penalty chosen by leave-one-out.

    Each row of X is a window ending at the present (for instance from
    :class:`~sk_rnn.preprocessing.SlidingWindowTransformer`), read as its last
    ``n_lags`` values of the series. :class:`~sklearn.linear_model.RidgeCV`
    is fitted on the windows that hold that many steps, choosing the penalty
    from ``alphas`` by efficient leave-one-out, so that the baseline is a fair
    one. At ``predict``, a shorter window (the padded first rows of a series)
    repeats its first valid value for the missing lags.

    For multiplicative series (growth in percent), take logs of the series
    before the windows and wrap the pipeline in
    ``TransformedTargetRegressor(func=np.log, inverse_func=np.exp)``, as the
    example below does.

    Parameters
    ----------
    n_lags : int or None, default=None
        Past values each window is read as; None means all the steps of the
        longest training window (one season is a good start).
    alphas : array-like of float, default=None
        Penalties searched; None means 17 values from 1e-6 to 100, evenly
        spaced on a log scale.
    feature : int, default=0
        The feature of each step that holds the series (its column in the
        table the windows were cut from).

    Attributes
    ----------
    n_lags_ : int
        Past values used, as resolved from ``n_lags``.
    ridge_ : RidgeCV
        The fitted ridge regression; ``ridge_.alpha_`` is the penalty chosen.
    n_features_in_ : int
        Features per step of a 3-D X (or columns of a 2-D X).
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    SeasonalNaiveRegressor : The value whole seasons before, the other baseline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.metrics import root_mean_squared_error
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import LagRidgeRegressor
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)   # next month
    >>> baseline = TransformedTargetRegressor(
    ...     make_pipeline(
    ...         FunctionTransformer(np.log, np.exp), SlidingWindowTransformer(12), LagRidgeRegressor()
    ...     ),
    ...     func=np.log,
    ...     inverse_func=np.exp,
    ... ).fit(X[:114], y[:114])
    >>> round(root_mean_squared_error(y[114:], baseline.predict(X)[114:]), 1)
    21.0
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_lags": [Interval(Integral, 1, None, closed="left"), None],
        "alphas": ["array-like", None],
        "feature": [Integral],
    }

    def __init__(self, n_lags: int | None = None, *, alphas: Any = None, feature: int = 0) -> None:
        self.n_lags = n_lags
        self.alphas = alphas
        self.feature = feature

    def _lags(self, sequences: Sequences) -> np.ndarray:
        """``(n, n_lags_)``: the oldest lag first, the window's last value last."""
        return self._steps_back(sequences, np.arange(self.n_lags_)[::-1])

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any):
        """Fit the ridge regression on the windows that hold ``n_lags`` steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            One window per row, its last step the present; a 2-D X holds one
            univariate window per row.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The value(s) to forecast from each window.

        Returns
        -------
        self : LagRidgeRegressor
        """
        sequences = self._sequences(X, reset=True)
        target = self._target(sequences, y)
        self.n_lags_ = sequences.n_steps if self.n_lags is None else self.n_lags
        complete = sequences.step_counts() >= self.n_lags_
        if complete.sum() < 2:
            raise ValueError(
                f"LagRidgeRegressor needs at least 2 windows of n_lags={self.n_lags_} steps to fit, but "
                f"got {int(complete.sum())} of {len(sequences)} sample{'s' if len(sequences) != 1 else ''}. "
                "Use fewer lags, longer windows or more of them."
            )
        alphas = np.logspace(-6, 2, 17) if self.alphas is None else self.alphas
        self.ridge_ = RidgeCV(alphas=alphas).fit(self._lags(sequences)[complete], target[complete])
        # RidgeCV predicts a one-column y as a 1-D array; the forecasts keep
        # y's shape, as the networks' do, so that direct_forecast takes a
        # horizon of one step from either.
        self._y_columns = None if target.ndim == 1 else target.shape[1]
        return self

    def predict(self, X: Any) -> Any:
        """The ridge regression's forecast from the last ``n_lags_`` values of each window.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Windows with the features seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            A Series (or DataFrame) indexed by instance for a pandas panel.
        """
        check_is_fitted(self)
        sequences = self._sequences(X, reset=False)
        if sequences.n_steps < self.n_lags_:
            # Padded windows at the start of a series are fine (their missing
            # lags repeat the first value); a narrower *width* would silently
            # give every forecast made-up lags.
            raise ValueError(
                f"LagRidgeRegressor was fitted on {self.n_lags_} lags, but X's windows have "
                f"{sequences.n_steps} steps. Cut windows of the width it was fitted on "
                f"(SlidingWindowTransformer({self.n_lags_}) or more), or refit it on these."
            )
        predictions = self.ridge_.predict(self._lags(sequences))
        y_columns = getattr(self, "_y_columns", None)  # absent from models saved before it
        if y_columns is not None:
            predictions = predictions.reshape(len(predictions), y_columns)
        return as_pandas(sequences, predictions)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
