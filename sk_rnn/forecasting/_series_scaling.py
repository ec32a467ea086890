"""One model for many series of different magnitudes: each series scaled by its own statistics."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import _fit_context
from .._data.panels import has_panel_index
from ._columns import ForecastColumnWrapper, column_position
from ._target import DifferencedTargetRegressor, final_method, inner_quantiles

__all__ = ["PerSeriesScaledRegressor"]


def _series_codes(X: Any, n_rows: int, series: np.ndarray) -> np.ndarray:
    """Position in ``series`` of each row's series; -1 for a series not in it."""
    if not has_panel_index(X):
        return np.zeros(n_rows, dtype=np.intp)
    return pd.Index(series).get_indexer(X.index.get_level_values(0))


def _statistics(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and standard deviation, ignoring NaN; a constant or empty column gets scale 1."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    filled = np.where(finite, values, 0.0)
    location = np.divide(filled.sum(axis=0), count, out=np.zeros(values.shape[1]), where=count > 0)
    squares = np.where(finite, (values - location) ** 2, 0.0).sum(axis=0)
    scale = np.sqrt(np.divide(squares, count, out=np.zeros(values.shape[1]), where=count > 0))
    # As StandardScaler does: a scale that is (almost) zero would blow the column up.
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(location), 1.0)] = 1.0
    return location, scale


class PerSeriesScaledRegressor(ForecastColumnWrapper):
    """Scale each series of a panel by its own mean and spread; fit one regressor on all of them.

    A global forecaster learns from many series at once, but one series may
    count passengers in thousands and another a rate in percent. Standardising
    the whole table would leave the small series near zero, where the network
    cannot tell them apart. This estimator standardises every column of each
    series (the first level of the panel's (series, time) index) by that
    series' own mean and standard deviation, scales the target by those of
    the forecast ``column``, fits the inner regressor on the scaled panel, and
    maps its predictions back to each series' units.

    The statistics of the series seen in ``fit`` are kept and reused in
    ``predict``, so predictions do not depend on which rows are predicted. A
    series that ``fit`` did not see is scaled by the statistics of its rows
    in the X given to ``predict``: give it the history before the rows to be
    forecast. A table that is not a panel is one series.

    Parameters
    ----------
    regressor : estimator, default=None
        Fitted on the scaled panel and target; it receives the panel (a
        DataFrame with the same index and columns), so its own steps still see
        the series apart. None means ``DifferencedTargetRegressor()``: windows
        of each series' changes and a recurrent network.
    column : int or str, default=0
        The column of X that holds the series being forecast: its position, or
        its name when X is a DataFrame. The target is in its units.
    passthrough : list of int or str, default=None
        Columns left in their own units: static covariates (a store's size,
        a product's category code), which are constant within a series and
        would be scaled to 0, and features already on a common scale (a
        calendar's sine and cosine). None scales every column.

    Attributes
    ----------
    regressor_ : estimator
        The fitted inner regressor.
    series_ : ndarray of shape (n_series,)
        Labels of the series seen in ``fit``, in order of first appearance
        (empty when X was not a panel: the table was one series).
    location_ : ndarray of shape (n_series, n_features)
        Mean of each column within each series (0 for ``passthrough`` columns).
    scale_ : ndarray of shape (n_series, n_features)
        Standard deviation of each column within each series (1 where it is
        0, and for ``passthrough`` columns).
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    sk_rnn.forecasting.PanelTimeSeriesSplit : Cross-validation that cuts every series at the same times.
    sk_rnn.preprocessing.lead_target : The target of each row of a panel, within its series.

    Examples
    --------
    Two series a hundred times apart, one ridge on the windows of both:

    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.pipeline import make_pipeline
    >>> from sk_rnn.forecasting import LagRidgeRegressor, PerSeriesScaledRegressor
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target
    >>> t = np.arange(60)
    >>> index = pd.MultiIndex.from_product([["small", "large"], t], names=["series", "month"])
    >>> values = np.concatenate([5 + np.sin(t / 3), 500 + 100 * np.sin(t / 3)])
    >>> panel = pd.DataFrame({"value": values}, index=index)
    >>> y = lead_target(panel["value"])
    >>> X = panel.loc[y.index]
    >>> model = PerSeriesScaledRegressor(
    ...     make_pipeline(SlidingWindowTransformer(6), LagRidgeRegressor())
    ... ).fit(X, y)
    >>> model.scale_[:, 0].round(1)
    array([ 0.7, 69.5])
    >>> (model.predict(X) - y).abs().groupby(level="series", sort=False).mean().round(2)
    series
    small    0.03
    large    2.75
    Name: value, dtype: float64
    """

    _parameter_constraints: ClassVar[dict] = {
        **ForecastColumnWrapper._parameter_constraints,
        "passthrough": [list, None],
    }

    def __init__(
        self, regressor: Any = None, *, column: int | str = 0, passthrough: list[int | str] | None = None
    ) -> None:
        super().__init__(regressor, column=column)
        self.passthrough = passthrough

    def _statistics(self, values: np.ndarray, kept: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_statistics` of rows of one series, the ``kept`` (passthrough) columns left as they are."""
        location, scale = _statistics(values)
        location[kept], scale[kept] = 0.0, 1.0
        return location, scale

    def _passthrough_positions(self, X: Any) -> list[int]:
        name = type(self).__name__
        positions = [column_position(name, c, X, self.n_features_in_) for c in self.passthrough or []]
        if column_position(name, self.column, X, self.n_features_in_) in positions:
            raise ValueError(
                f"{name} got the forecast column {self.column!r} in passthrough; the target is scaled "
                "by that column's statistics, so it must be scaled too. Remove it from passthrough."
            )
        return positions

    def _scaled(self, X: Any, values: np.ndarray, location: np.ndarray, scale: np.ndarray) -> Any:
        scaled = (values - location) / scale
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(scaled, index=X.index, columns=X.columns)
        return scaled

    def _row_statistics(self, X: Any, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Location and scale of each row's series: from ``fit``, or from X for a new series."""
        if len(self.series_) and not has_panel_index(X):
            raise ValueError(
                f"{type(self).__name__} was fitted on a panel of {len(self.series_)} series, but X is not "
                "a panel, so its rows cannot be told apart by series. Pass a DataFrame indexed by "
                "(series, time), as in fit."
            )
        codes = _series_codes(X, len(values), self.series_)
        location, scale = self.location_[codes], self.scale_[codes]
        unseen = codes < 0
        if unseen.any():
            kept = self._passthrough_positions(X)
            for label in pd.unique(X.index.get_level_values(0)[unseen]):
                rows = X.index.get_level_values(0) == label
                location[rows], scale[rows] = self._statistics(values[rows], kept)
        return location, scale

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Any, **fit_params: Any):
        """Scale each series by its statistics and fit the inner regressor on all of them.

        Parameters
        ----------
        X : panel DataFrame or array-like of shape (n_timesteps, n_features)
            Rows of many series, indexed by (series, time); a plain table is one series.
        y : array-like of shape (n_timesteps,) or (n_timesteps, horizon)
            The forecast column's value(s) ahead of each row, in its units
            (:func:`~sk_rnn.preprocessing.lead_target` of the panel's column).
        **fit_params : dict
            Passed to the inner regressor's ``fit`` (with metadata routing
            on, what the inner regressor requested).

        Returns
        -------
        self : PerSeriesScaledRegressor
        """
        values, target = self._validated_fit_data(X, y)
        column = column_position(type(self).__name__, self.column, X, self.n_features_in_)
        # The labels as a plain array, which sk_rnn.save stores; empty for a table that is one series.
        if has_panel_index(X):
            self.series_ = np.asarray(pd.unique(X.index.get_level_values(0)))
        else:
            self.series_ = np.array([], dtype=object)
        codes = _series_codes(X, len(values), self.series_)
        n_series = max(len(self.series_), 1)
        kept = self._passthrough_positions(X)
        statistics = [self._statistics(values[codes == code], kept) for code in range(n_series)]
        self.location_ = np.array([location for location, _ in statistics])
        self.scale_ = np.array([scale for _, scale in statistics])
        location, scale = self.location_[codes], self.scale_[codes]
        target_location, target_scale = location[:, column], scale[:, column]
        if target.ndim == 2:
            target_location, target_scale = target_location[:, np.newaxis], target_scale[:, np.newaxis]
        self.regressor_ = clone(self._inner_regressor()).fit(
            self._scaled(X, values, location, scale),
            (target - target_location) / target_scale,
            **self._inner_fit_params(fit_params),
        )
        return self

    def _default_regressor(self) -> Any:
        return DifferencedTargetRegressor(column=self.column)

    def predict(self, X: Any, return_std: bool = False) -> Any:
        """Predict in scaled units with the inner regressor, and map back to each series' units.

        Parameters
        ----------
        X : panel DataFrame or array-like of shape (n_timesteps, n_features)
            Rows with the columns seen in ``fit``.
        return_std : bool, default=False
            Also return the standard deviation of each prediction, from an
            inner regressor whose ``predict`` takes ``return_std`` (such as
            ``DifferencedTargetRegressor`` around an sk_rnn regressor with
            ``loss="normal"``), times the scale of the row's series.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, horizon)
        y_std : ndarray of the same shape
            Only with ``return_std=True``.
        """
        scaled, location, scale = self._scaled_for_predict(X)
        if not return_std:
            return self._unscaled(self.regressor_.predict(scaled), location, scale)
        final_method(self, "predict", "return_std")
        predicted, std = self.regressor_.predict(scaled, return_std=True)
        return self._unscaled(predicted, location, scale), self._unscaled(std, np.zeros_like(location), scale)

    def predict_quantiles(self, X: Any, quantiles: Any = None) -> np.ndarray:
        """Quantiles of each prediction, from the inner regressor's, in each series' units.

        Available when the inner regressor has ``predict_quantiles``, such as
        ``DifferencedTargetRegressor`` around an sk_rnn regressor fitted with
        ``loss="quantile"`` or ``loss="normal"``. The scale of a series is
        positive, so quantiles that do not cross in scaled units do not here.

        Parameters
        ----------
        X : panel DataFrame or array-like of shape (n_timesteps, n_features)
            Rows with the columns seen in ``fit``.
        quantiles : array-like of float in (0, 1), default=None
            Passed to the inner ``predict_quantiles``.

        Returns
        -------
        y_quantiles : ndarray of shape (n_timesteps, n_quantiles) or (n_timesteps, horizon, n_quantiles)
        """
        scaled, location, scale = self._scaled_for_predict(X)
        predicted = inner_quantiles(self, scaled, quantiles)
        # Each row's statistics along the first axis; the quantiles (and horizon) follow.
        shape = (-1,) + (1,) * (predicted.ndim - 1)
        return predicted * scale.reshape(shape) + location.reshape(shape)

    def _scaled_for_predict(self, X: Any) -> tuple[Any, np.ndarray, np.ndarray]:
        """X scaled by each row's series, and the forecast column's location and scale per row."""
        check_is_fitted(self)
        values = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=False)
        column = column_position(type(self).__name__, self.column, X, self.n_features_in_)
        location, scale = self._row_statistics(X, values)
        return self._scaled(X, values, location, scale), location[:, column], scale[:, column]

    @staticmethod
    def _unscaled(predicted: Any, location: np.ndarray, scale: np.ndarray) -> np.ndarray:
        predicted = np.asarray(predicted, dtype=np.float64)
        if predicted.ndim == 2:
            return predicted * scale[:, np.newaxis] + location[:, np.newaxis]
        return predicted * scale + location
