"""Differencing a time-ordered table, one output row per input row."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, _fit_context
from .._data.panels import check_target_rows
from ._time_ordered import TimeOrderedTransformer, laid_end_to_end

__all__ = ["Differencer"]


class Differencer(OneToOneFeatureMixin, TimeOrderedTransformer):
    """Replace each row of a time-ordered table by its change since ``lag`` rows earlier.

    Row ``t`` of the output is ``X[t] - X[t - lag]``. A recurrent network fed
    with levels (prices, passenger counts) cannot forecast beyond the range it
    was trained on, because its state saturates; fed with changes, which stay
    in a stable range while the level trends, it can. Pair it with
    :class:`~sk_rnn.forecasting.DifferencedTargetRegressor`, which makes the
    target a change too and adds the level back to the predictions.

    The first ``lag`` rows have no earlier row to subtract: they are set to
    ``fill_value`` (0, "no change", by default), so every row keeps a value and
    the table stays aligned with ``y``. Rows that continue the fitted series
    (a DataFrame whose time index starts right after the last time seen in
    ``fit``: a validation fold of ``TimeSeriesSplit``, a test period) subtract
    the fitted series' last rows instead, as inside the whole series.

    A DataFrame comes back as a DataFrame with its index and columns, so that
    the steps after it still know the times (see
    :class:`SlidingWindowTransformer`). A panel of many series (a DataFrame
    indexed by (series, time)) is differenced within each series, the first
    ``lag`` rows of each set to ``fill_value``, so that the steps after it
    still see the series apart.

    Parameters
    ----------
    lag : int, default=1
        Distance in rows: 1 for step-to-step changes, the season length (12
        for monthly data) for seasonal differences.
    fill_value : float, default=0.0
        Value of the first ``lag`` rows. NaN marks them as unknown for use
        outside a pipeline; :class:`SlidingWindowTransformer` refuses NaN
        rows, so keep a number when windows follow.

    Attributes
    ----------
    n_features_in_ : int
        Columns of the table.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    sk_rnn.forecasting.DifferencedTargetRegressor : Forecast changes, report levels.
    SlidingWindowTransformer : The windows of past steps the estimators read.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn.preprocessing import Differencer
    >>> Differencer().fit_transform(np.array([[1.0], [3.0], [6.0], [10.0]]))
    array([[0.],
           [2.],
           [3.],
           [4.]])
    """

    _parameter_constraints: ClassVar[dict] = {
        "lag": [Interval(Integral, 1, None, closed="left")],
        "fill_value": [Real],
    }

    def __init__(self, lag: int = 1, fill_value: float = 0.0) -> None:
        self.lag = lag
        self.fill_value = fill_value

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None):
        """Record the columns of the table.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            Time-ordered table.
        y : None or array-like
            Not used; a target indexed by (series, time), which a Pipeline
            passes on to the estimator after this step, must follow X's rows.

        Returns
        -------
        self : Differencer
        """
        check_target_rows(type(self).__name__, X, y)
        values = self._validated(X, reset=True)
        longest = self._fit_series(X, values)
        if longest <= self.lag:
            # Every row would be fill_value: the lag cannot have been meant for this series.
            raise ValueError(
                f"Differencer(lag={self.lag}) was fitted on a series of n_samples={longest} time "
                "steps, no longer than its lag, so every row would be fill_value. "
                + (
                    f"Use a lag of at most {longest - 1}, or a longer series."
                    if longest > 1
                    else "Use a longer series."
                )
            )
        return self

    def _history_rows(self) -> int:
        return self.lag

    def transform(self, X: Any) -> np.ndarray | pd.DataFrame:
        """Changes since ``lag`` rows earlier.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features) or panel DataFrame
            Time-ordered table (or panel) with the columns seen in ``fit``.

        Returns
        -------
        changes : ndarray of shape (n_timesteps, n_features), or DataFrame for a DataFrame
            ``fill_value`` in the first ``lag`` rows (of each series).
        """
        check_is_fitted(self)
        values = self._validated(X, reset=False)
        changes = self._by_series(X, values, self._changes, self._panel_changes)
        if isinstance(X, pd.DataFrame):
            # The index tells the steps after it where each series starts and
            # whether the rows continue the fitted series.
            return pd.DataFrame(changes, index=X.index, columns=X.columns)
        return changes

    def _changes(self, values: np.ndarray) -> np.ndarray:
        changes = np.full_like(values, self.fill_value)
        changes[self.lag :] = values[self.lag :] - values[: -self.lag]
        return changes

    def _panel_changes(self, values: np.ndarray, positions: list[np.ndarray]) -> np.ndarray:
        """:meth:`_changes` within every series of a panel at once, in the panel's row order."""
        order, _, steps = laid_end_to_end(positions)
        changes = self._changes(values[order])
        changes[steps < self.lag] = self.fill_value  # no earlier row of the same series
        result = np.empty_like(changes)
        result[order] = changes
        return result
