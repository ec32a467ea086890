"""Time series to windows: one window per time step, as scikit-learn's transformer rules require.

A transformer may change neither ``y`` nor the number of rows. So row ``t`` of
the output is the window of ``window_size`` steps that *ends* at ``t``; the
first rows, which lack history, are padded with leading all-NaN steps, which
every sk_rnn estimator reads as padding, unless they continue the fitted
series (their times start right after its last), when its last rows are
their history. A target aligned to the rows (the
value one or ``h`` steps ahead, see :func:`lead_target`) then composes with
``TimeSeriesSplit``, scalers before the window step, and grid searches.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions, _fit_context, validate_params
from .._data.panels import (
    check_target_rows,
    has_panel_index,
    object_numbers_as_floats,
    raise_on_non_numeric_columns,
    series_positions,
)
from .._data.parsing import raise_on_times_or_complex
from ._time_ordered import TimeOrderedTransformer, check_time_index, laid_end_to_end, raise_on_gaps

__all__ = ["SlidingWindowTransformer", "lead_target", "make_windows"]


def _windows(series: np.ndarray, window_size: int) -> np.ndarray:
    """Read-only view ``(n, window_size, F)`` of the windows ending at each row, NaN-padded at the front."""
    padding = np.full((window_size - 1, series.shape[1]), np.nan, dtype=series.dtype)
    padded = np.concatenate([padding, series])
    view = np.lib.stride_tricks.sliding_window_view(padded, window_size, axis=0)  # (n, F, W)
    return view.transpose(0, 2, 1)


def _laid_out_windows(
    values: np.ndarray, order: np.ndarray, lengths: np.ndarray, window_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The windows of every series of a panel at once: ``(view, ends)``.

    The series are laid end to end in time order (``order`` and ``lengths``
    from :func:`laid_end_to_end`), each after ``window_size - 1`` rows of NaN,
    so that no window reaches into the series before it. ``view[ends[i]]``
    is the read-only window ending at laid-out row ``i``: one gather copies
    the windows wanted, instead of a round of numpy operations per series.
    """
    padding = window_size - 1
    laid_out = np.arange(len(order)) + padding * np.repeat(np.arange(1, len(lengths) + 1), lengths)
    padded = np.full((len(order) + padding * len(lengths), values.shape[1]), np.nan, dtype=values.dtype)
    padded[laid_out] = values[order]
    view = np.lib.stride_tricks.sliding_window_view(padded, window_size, axis=0).transpose(0, 2, 1)
    return view, laid_out - padding


def _panel_windows(values: np.ndarray, positions: list[np.ndarray], window_size: int) -> np.ndarray:
    """Windows ``(n, window_size, F)`` ending at every row of a panel, each within its own series."""
    order, lengths, _ = laid_end_to_end(positions)
    view, ends = _laid_out_windows(values, order, lengths, window_size)
    by_row = np.empty_like(ends)
    by_row[order] = ends
    return view[by_row]


class SlidingWindowTransformer(TimeOrderedTransformer):
    """Turn a time-ordered table into one window of past steps per row.

    Input: a series of shape ``(n_timesteps, n_features)`` (a DataFrame with a
    DatetimeIndex or PeriodIndex works too: it must be sorted and without
    duplicates). Output:
    ``(n_timesteps, window_size, n_features)``, where row ``t`` holds steps
    ``t - window_size + 1`` to ``t``; the first ``window_size - 1`` rows start
    with all-NaN steps, which the estimators read as padding. The output is a
    view on the input (plus ``window_size - 1`` rows of padding): memory stays
    proportional to the series, not to the series times the window.

    A panel of many series (a DataFrame indexed by (series, time), in any row
    order) gets the windows of each series on its own: a window never reaches
    into another series, and the first rows of every series are padded. Row
    ``i`` of the output is the window ending at row ``i`` of the panel, so one
    regressor can be fitted on the windows of all series (a global model).
    The output is then a copy, ``window_size`` times the panel's size.

    Parameters
    ----------
    window_size : int, default=24
        Number of steps in each window. ``fit`` needs a series of at least
        this many steps; ``transform`` takes any length (a short history reads
        like the first rows of a series: padded at the front).

    Rows that continue the fitted series get its last rows as history
    instead of padding: a DataFrame whose time index (a PeriodIndex, a
    DatetimeIndex with a regular frequency, a RangeIndex or evenly spaced
    integers) starts at the time right after the last one seen in ``fit``,
    as ``TimeSeriesSplit``'s validation folds and the test part of a
    time-ordered split do. Their windows are then those of the whole series,
    so a cross-validated score is not lowered by windows cut short at the
    start of every fold. In a panel each series continues its own end (told
    apart by label), by the step its own fitted times show; a series with a
    single fitted time takes the step the panel's times share. A time a clock
    change skips, or times with no regular step, leave a series without an
    end: its rows are padded. Continuing is decided
    by the times alone: rows of another series whose times happen to follow
    the fitted ones (one store fitted, the next month of another
    transformed) would read the fitted series' end; pass them as an array
    (``frame.to_numpy()``) to start afresh. Arrays, which carry no times,
    and rows after a gap are padded.

    Attributes
    ----------
    n_features_in_ : int
        Columns of the series.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    lead_target : The target aligned to the rows: the value ``h`` steps ahead.
    make_windows : Windows and targets in one call, outside a pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sk_rnn.preprocessing import SlidingWindowTransformer
    >>> series = np.arange(5.0).reshape(-1, 1)
    >>> windows = SlidingWindowTransformer(window_size=3).fit_transform(series)
    >>> windows.shape
    (5, 3, 1)
    >>> windows[:, :, 0]
    array([[nan, nan,  0.],
           [nan,  0.,  1.],
           [ 0.,  1.,  2.],
           [ 1.,  2.,  3.],
           [ 2.,  3.,  4.]])

    Two series in one panel: no window mixes them.

    >>> index = pd.MultiIndex.from_product([["a", "b"], [2001, 2002, 2003]], names=["series", "year"])
    >>> panel = pd.DataFrame({"sales": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]}, index=index)
    >>> SlidingWindowTransformer(window_size=2).fit_transform(panel)[:, :, 0]
    array([[nan,  1.],
           [ 1.,  2.],
           [ 2.,  3.],
           [nan, 10.],
           [10., 20.],
           [20., 30.]])

    The rows after the fitted ones (a validation fold, a test period) read the
    fitted series' last rows as their history:

    >>> years = pd.DataFrame({"sales": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=[2001, 2002, 2003, 2004, 2005])
    >>> windows = SlidingWindowTransformer(window_size=3).fit(years.iloc[:3])
    >>> windows.transform(years.iloc[3:])[:, :, 0]
    array([[2., 3., 4.],
           [3., 4., 5.]])
    """

    _parameter_constraints: ClassVar[dict] = {
        "window_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, window_size: int = 24) -> None:
        self.window_size = window_size

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None):
        """Record the columns of the series.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features) or panel DataFrame
            Time-ordered series, or a panel of series indexed by (series, time).
        y : None or array-like
            Not used; a target indexed by (series, time), which a Pipeline
            passes on to the estimator after this step, must follow X's rows.

        Returns
        -------
        self : SlidingWindowTransformer
        """
        check_target_rows(type(self).__name__, X, y)
        series = self._validated(X, reset=True)
        longest = self._fit_series(X, series)
        if longest < self.window_size:
            # No training row would hold a complete window: the window size
            # cannot have been meant for this series.
            raise ValueError(
                f"SlidingWindowTransformer(window_size={self.window_size}) was fitted on a series of "
                f"n_samples={longest} time steps, shorter than one window. Use a window_size of "
                f"at most {longest}, or a longer series."
            )
        return self

    def _history_rows(self) -> int:
        return self.window_size - 1

    def transform(self, X: Any) -> np.ndarray:
        """Windows ending at every row.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features) or panel DataFrame
            Time-ordered series (or panel) with the columns seen in ``fit``.

        Returns
        -------
        windows : ndarray of shape (n_timesteps, window_size, n_features)
            Leading all-NaN steps in the first rows of each series that
            does not continue the fitted one. A read-only view for one
            series, a copy for a panel.
        """
        check_is_fitted(self)
        series = self._validated(X, reset=False)
        return self._by_series(
            X,
            series,
            lambda values: _windows(values, self.window_size),
            lambda values, positions: _panel_windows(values, positions, self.window_size),
        )


@validate_params(
    {
        "y": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "steps": [StrOptions({"one", "all"})],
    },
    prefer_skip_nested_validation=True,
)
def lead_target(y: Any, horizon: int = 1, *, steps: str = "one") -> np.ndarray:
    """The target aligned to the rows of a series: its value ``horizon`` steps ahead.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,), or pandas Series indexed by (series, time)
        The series to forecast, or a panel's column of many series.
    horizon : int, default=1
        How far ahead.
    steps : {"one", "all"}, default="one"
        "one": the value ``horizon`` steps ahead, shape ``(n_timesteps - horizon,)``.
        "all": the values 1 to ``horizon`` steps ahead (direct multi-step
        forecasting), shape ``(n_timesteps - horizon, horizon)``.

    Returns
    -------
    target : ndarray, or pandas Series / DataFrame for a panel
        For the first ``n_timesteps - horizon`` rows, the only ones whose future
        is known: fit on ``X[:-horizon]`` and this target. For a panel's
        column, the value ahead within each series, indexed by the rows whose
        future is known (all but the last ``horizon`` of every series): fit on
        ``panel.loc[target.index]`` and this target.

    Examples
    --------
    >>> from sk_rnn.preprocessing import lead_target
    >>> lead_target([1.0, 2.0, 3.0, 4.0])
    array([2., 3., 4.])
    >>> lead_target([1.0, 2.0, 3.0, 4.0], horizon=2, steps="all")
    array([[2., 3.],
           [3., 4.]])

    A panel's column: the future never comes from another series.

    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_product([["a", "b"], [2001, 2002, 2003]], names=["series", "year"])
    >>> lead_target(pd.Series([1.0, 2.0, 3.0, 10.0, 20.0, 30.0], index=index, name="sales"))
    series  year
    a       2001     2.0
            2002     3.0
    b       2001    20.0
            2002    30.0
    Name: sales, dtype: float64
    """
    if has_panel_index(y):
        return _panel_lead(y, horizon, steps)
    check_time_index("lead_target", y)
    values = _float_values("lead_target", y, "y").astype(np.float64, copy=False)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"lead_target expects a 1-D series, but y has shape {values.shape}.")
    if horizon >= len(values):
        raise ValueError(
            f"lead_target got a horizon of {horizon} steps for a series of {len(values)} steps; the "
            "horizon must be shorter than the series."
        )
    return _values_ahead(values, horizon, steps).copy()


def _values_ahead(values: np.ndarray, horizon: int, steps: str) -> np.ndarray:
    """For each row but the last ``horizon``: the value ``horizon`` ahead, or the values 1 to ``horizon``."""
    if steps == "one":
        return values[horizon:]
    return np.lib.stride_tricks.sliding_window_view(values[1:], horizon)[: len(values) - horizon]


def _panel_lead(y: pd.Series | pd.DataFrame, horizon: int, steps: str) -> pd.Series | pd.DataFrame:
    """:func:`lead_target` within each series of a (series, time)-indexed column."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"lead_target expects one column of a panel, but got a DataFrame with {y.shape[1]} "
                "columns; pass panel[column]."
            )
        y = y.iloc[:, 0]
    values = _float_values("lead_target", y, "y").astype(np.float64, copy=False)
    kept, ahead = [], []
    for positions in series_positions("lead_target", y.index):
        if len(positions) <= horizon:
            continue  # a series no longer than the horizon has no row whose future it holds
        kept.append(positions[:-horizon])
        ahead.append(_values_ahead(values[positions], horizon, steps))
    if not kept:
        raise ValueError(
            f"lead_target got a horizon of {horizon} steps, but no series of the panel is longer "
            "than that; the horizon must be shorter than the series."
        )
    rows, ahead_values = np.concatenate(kept), np.concatenate(ahead)
    order = np.argsort(rows, kind="stable")  # the panel's own row order
    index = y.index[rows[order]]
    if steps == "one":
        return pd.Series(ahead_values[order], index=index, name=y.name)
    columns = pd.RangeIndex(1, horizon + 1, name="steps ahead")
    return pd.DataFrame(ahead_values[order], index=index, columns=columns)


@validate_params(
    {
        "series": ["array-like"],
        "window_size": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "steps": [StrOptions({"one", "all"})],
    },
    prefer_skip_nested_validation=True,
)
def make_windows(
    series: Any, window_size: int, horizon: int = 1, *, steps: str = "one"
) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a series and the value(s) that follow each, for use outside a pipeline.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        Time-ordered series; with several features, the first one is forecast.
        A DataFrame or Series indexed by (series id, time) is a panel: the
        windows are cut within each series, never across two, and stacked
        series after series (in the order the series first appear); a series
        too short for one window gives none.
    window_size : int
        Steps per window.
    horizon : int, default=1
        How far ahead the target is.
    steps : {"one", "all"}, default="one"
        See :func:`lead_target`.

    Returns
    -------
    X : ndarray of shape (n_windows, window_size, n_features)
        Complete windows only (no padding): a read-only view of one series;
        for a panel, a copy (``window_size`` times the size of its rows).
        float32 when ``series`` is float32, float64 otherwise.
    y : ndarray of shape (n_windows,) or (n_windows, horizon)
        Of the same dtype as ``X``.

    Examples
    --------
    >>> from sk_rnn.preprocessing import make_windows
    >>> X, y = make_windows([1.0, 2.0, 3.0, 4.0, 5.0], window_size=3)
    >>> X[:, :, 0], y
    (array([[1., 2., 3.],
           [2., 3., 4.]]), array([4., 5.]))
    """
    check_time_index("make_windows", series)
    values = _float_values("make_windows", series, "series")
    if values.ndim not in (1, 2):
        raise ValueError(
            f"make_windows expects a series of shape (n_timesteps,) or (n_timesteps, n_features), but "
            f"got an array of shape {values.shape}. Pass the series itself, one row per time step: "
            "the windows are cut from it."
        )
    values = values[:, np.newaxis] if values.ndim == 1 else values
    raise_on_gaps("make_windows", values, series)
    panel = has_panel_index(series)
    positions = series_positions("make_windows", series.index) if panel else None
    longest = max(map(len, positions)) if panel else len(values)
    if longest < window_size + horizon:
        what = f"a panel whose longest series has {longest}" if panel else f"a series of {longest}"
        what += " steps"
        raise ValueError(
            f"make_windows got {what}, shorter than window_size + horizon = {window_size + horizon}; "
            "use a shorter window or a longer series."
        )
    if not panel:
        return _windows_and_targets(values, window_size, horizon, steps)
    positions = [rows for rows in positions if len(rows) >= window_size + horizon]  # too short: no window
    if len(positions) == 1:
        return _windows_and_targets(values[positions[0]], window_size, horizon, steps)
    return _panel_windows_and_targets(values, positions, window_size, horizon, steps)


def _float_values(name: str, series: Any, argument: str) -> np.ndarray:
    """``series`` as floats, float32 kept as the window transformers keep it, else float64.

    A panel's windows are copies ``window_size`` times the size of its rows,
    so float32 data turned float64 would double the largest array of a fit.
    Dates and complex numbers are refused before numpy casts them without a
    word (to ticks since 1970, to their real part), and text before numpy's
    own message, which names neither the function nor the fix.
    """
    values = np.asarray(series)
    raise_on_times_or_complex(
        name, series if isinstance(series, pd.DataFrame | pd.Series) else values, argument
    )
    if isinstance(series, pd.DataFrame | pd.Series):
        frame = series.to_frame() if isinstance(series, pd.Series) else series
        raise_on_non_numeric_columns(name, frame, "a series")
        if values.dtype == object:  # numbers and pd.NA: the missing ones become NaN
            numbers = object_numbers_as_floats(frame).to_numpy()
            values = numbers[:, 0] if isinstance(series, pd.Series) else numbers
    if values.dtype == np.float32:
        return values
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} got values that are not numbers in {argument} (dtype {values.dtype}); every "
            "value of the series must be a number. Convert them first (for instance with pd.to_numeric), or "
            "encode categories as integer codes."
        ) from None


def _windows_and_targets(
    values: np.ndarray, window_size: int, horizon: int, steps: str
) -> tuple[np.ndarray, np.ndarray]:
    windows = _windows(values, window_size)[window_size - 1 : len(values) - horizon]
    target = lead_target(values[:, 0], horizon, steps=steps)[window_size - 1 :]
    return windows, target.astype(values.dtype, copy=False)


def _panel_windows_and_targets(
    values: np.ndarray, positions: list[np.ndarray], window_size: int, horizon: int, steps: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_windows_and_targets` of every series of a panel, stacked series after series."""
    order, lengths, step = laid_end_to_end(positions)
    view, ends = _laid_out_windows(values, order, lengths, window_size)
    # Complete windows whose future the series holds: from step window_size - 1
    # to len - horizon - 1 of each series.
    kept = np.flatnonzero((step >= window_size - 1) & (step < np.repeat(lengths, lengths) - horizon))
    first_column = values[order, 0]
    if steps == "one":
        target = first_column[kept + horizon]
    else:
        target = first_column[kept[:, np.newaxis] + np.arange(1, horizon + 1)]
    return view[ends[kept]], target
