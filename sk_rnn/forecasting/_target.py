"""A regressor trained on changes of a series, reporting levels."""

from __future__ import annotations

from inspect import signature
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import _fit_context
from .._data.non_finite import raise_on_non_finite
from ..preprocessing import Differencer, SlidingWindowTransformer
from ._columns import ForecastColumnWrapper, column_position
from ._network import forecasting_regressor

__all__ = ["DifferencedTargetRegressor", "default_forecasting_pipeline"]


def default_forecasting_pipeline(window_size: int = 24, regressor: Any = None) -> Any:
    """Differences, scaling, windows and a recurrent regressor: the inner model of a forecaster.

    Parameters
    ----------
    window_size : int, default=24
        Steps of history each forecast reads.
    regressor : estimator, default=None
        The recurrent regressor; None means ``forecasting_regressor()``, an
        LSTM set up for windows of one series.

    Returns
    -------
    pipeline : Pipeline
        ``make_pipeline(Differencer(), StandardScaler(), SlidingWindowTransformer(window_size),
        regressor)``.

    Examples
    --------
    >>> from sk_rnn.forecasting import default_forecasting_pipeline
    >>> [name for name, _ in default_forecasting_pipeline().steps]
    ['differencer', 'standardscaler', 'slidingwindowtransformer', 'rnnregressor']
    """
    return make_pipeline(
        Differencer(),
        # Pandas output keeps a panel's (series, time) index, so the windows
        # that follow are cut within each series.
        StandardScaler().set_output(transform="pandas"),
        SlidingWindowTransformer(window_size),
        forecasting_regressor() if regressor is None else regressor,
    )


class DifferencedTargetRegressor(ForecastColumnWrapper):
    """Fit a regressor on how far the target is from the series' current value; predict levels.

    Forecasting rows of a time-ordered table, where row ``t`` holds the series
    at time ``t`` and ``y[t]`` its value ``h`` steps later (see
    :func:`~sk_rnn.preprocessing.lead_target`): the inner regressor is trained
    on ``y[t] - X[t, column]``, the change to come, and ``predict`` adds the
    current value back. Changes stay in the range seen in training while the
    level trends, so a recurrent network can forecast a series that grows
    beyond anything it was trained on. This is what
    :class:`~sklearn.compose.TransformedTargetRegressor` cannot do: the
    transform depends on X.

    For multiplicative growth, take logs of both sides: put this estimator in
    a pipeline after ``FunctionTransformer(np.log)`` and wrap that pipeline in
    ``TransformedTargetRegressor(func=np.log, inverse_func=np.exp)`` (see the
    example below); the changes are then relative changes.

    Parameters
    ----------
    regressor : estimator, default=None
        Fitted on X and the changes. None means
        :func:`default_forecasting_pipeline()`: ``Differencer`` ->
        ``StandardScaler`` -> ``SlidingWindowTransformer(24)`` ->
        :func:`forecasting_regressor()` (an ``RNNRegressor`` with
        ``cell="lstm"``, set up for windows of one series).
    column : int or str, default=0
        The column of X that holds the series being forecast: its position, or
        its name when X is a DataFrame.

    Attributes
    ----------
    regressor_ : estimator
        The fitted inner regressor.
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    sk_rnn.preprocessing.Differencer : Changes as inputs, the other half of the idea.
    recursive_forecast : Several steps ahead from a one-step model.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sk_rnn import LSTMRegressor
    >>> from sk_rnn.datasets import load_airline
    >>> from sk_rnn.forecasting import DifferencedTargetRegressor, default_forecasting_pipeline
    >>> from sk_rnn.preprocessing import lead_target
    >>> series = load_airline().frame["passengers"].to_numpy(dtype=float)
    >>> X, y = series[:-1].reshape(-1, 1), lead_target(series)
    >>> inner = default_forecasting_pipeline(12, LSTMRegressor(max_epochs=20, random_state=0))
    >>> forecaster = TransformedTargetRegressor(
    ...     make_pipeline(FunctionTransformer(np.log), DifferencedTargetRegressor(inner)),
    ...     func=np.log,
    ...     inverse_func=np.exp,
    ... )
    >>> forecaster.fit(X[:100], y[:100]).predict(X[100:]).shape
    (43,)
    """

    def _current_values(self, X: Any, values: np.ndarray) -> np.ndarray:
        """The forecast column of the validated table ``values``: (n,) finite floats."""
        name = type(self).__name__
        current = values[:, column_position(name, self.column, X, self.n_features_in_)]
        raise_on_non_finite(
            current,
            lambda position, kind: (
                f"{name} got {kind} in the forecast column at row {position[0]}; the series must be "
                "complete. Fill gaps first (for instance frame.interpolate())."
            ),
        )
        return current

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Any, **fit_params: Any):
        """Fit the inner regressor on X and the change ``y - X[:, column]``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table; row ``t`` is the series (and any exogenous
            columns) at time ``t``.
        y : array-like of shape (n_timesteps,) or (n_timesteps, horizon)
            The value(s) of the series ahead of each row.
        **fit_params : dict
            Passed to the inner regressor's ``fit`` (with metadata routing
            on, what the inner regressor requested).

        Returns
        -------
        self : DifferencedTargetRegressor
        """
        values, target = self._validated_fit_data(X, y)
        current = self._current_values(X, values)
        change = target - (current if target.ndim == 1 else current[:, np.newaxis])
        self.regressor_ = clone(self._inner_regressor()).fit(X, change, **self._inner_fit_params(fit_params))
        return self

    def _default_regressor(self) -> Any:
        return default_forecasting_pipeline()

    def predict(self, X: Any, return_std: bool = False) -> Any:
        """Forecast: the current value of the series plus the predicted change.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table with the columns seen in ``fit``.
        return_std : bool, default=False
            Also return the standard deviation of each forecast, from an inner
            regressor (or a pipeline's last step) whose ``predict`` takes
            ``return_std``, such as an sk_rnn regressor with ``loss="normal"``.
            The current value is known, so the level's deviation is the
            change's.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, horizon)
        y_std : ndarray of the same shape
            Only with ``return_std=True``.
        """
        current = self._validated_current(X)
        if not return_std:
            change = np.asarray(self.regressor_.predict(X), dtype=np.float64)
            return _plus_current(change, current)
        final_method(self, "predict", "return_std")
        change, std = self.regressor_.predict(X, return_std=True)
        return _plus_current(np.asarray(change, dtype=np.float64), current), np.asarray(std, dtype=np.float64)

    def predict_quantiles(self, X: Any, quantiles: Any = None) -> np.ndarray:
        """Forecast quantiles: the current value of the series plus the change's quantiles.

        Available when the inner regressor (or a pipeline's last step) has
        ``predict_quantiles``, such as an sk_rnn regressor fitted with
        ``loss="quantile"`` or ``loss="normal"``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table with the columns seen in ``fit``.
        quantiles : array-like of float in (0, 1), default=None
            Passed to the inner ``predict_quantiles``.

        Returns
        -------
        y_quantiles : ndarray of shape (n_timesteps, n_quantiles) or (n_timesteps, horizon, n_quantiles)
            The quantiles along the last axis; they never cross when the
            change's do not, since the same current value is added to each.
        """
        current = self._validated_current(X)
        change = inner_quantiles(self, X, quantiles)
        return change + current.reshape(-1, *([1] * (change.ndim - 1)))

    def _validated_current(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        values = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=False)
        return self._current_values(X, values)


def _plus_current(change: np.ndarray, current: np.ndarray) -> np.ndarray:
    return change + (current if change.ndim == 1 else current[:, np.newaxis])


def final_method(wrapper: Any, method: str, argument: str | None = None) -> Any:
    """The wrapper's inner regressor (a pipeline's last step) with ``method`` and ``argument``, or the fix."""
    final = wrapper.regressor_[-1] if isinstance(wrapper.regressor_, Pipeline) else wrapper.regressor_
    function = getattr(final, method, None)
    takes = function is not None and (argument is None or argument in signature(function).parameters)
    if not takes:
        wanted = f"{method}({argument}=True)" if argument else f"{method}"
        raise AttributeError(
            f"{type(wrapper).__name__} cannot {wanted}: its regressor's last step, a "
            f"{type(final).__name__}, has no {wanted}. Use an sk_rnn regressor with "
            'loss="normal" (standard deviations and quantiles) or loss="quantile" (quantiles).'
        )
    return final


def inner_quantiles(wrapper: Any, X: Any, quantiles: Any) -> np.ndarray:
    """Quantiles of X from the wrapper's inner regressor: a pipeline's steps, then its last step's."""
    final = final_method(wrapper, "predict_quantiles")
    features = wrapper.regressor_[:-1].transform(X) if isinstance(wrapper.regressor_, Pipeline) else X
    return np.asarray(final.predict_quantiles(features, quantiles), dtype=np.float64)
