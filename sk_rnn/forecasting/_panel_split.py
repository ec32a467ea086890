"""Cross-validation for a panel: every series cut at the same times, rolling forward."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from .._data.panels import check_level_order, has_panel_index

__all__ = ["PanelTimeSeriesSplit"]


class PanelTimeSeriesSplit(TimeSeriesSplit):
    """:class:`~sklearn.model_selection.TimeSeriesSplit` over the times of a panel, not its rows.

    A panel holds many series, indexed by (series, time), with the rows in any
    order. Splitting its rows as if they were one series would train on one
    series' future and test on another's past. This splitter splits the
    panel's distinct times as ``TimeSeriesSplit`` splits rows, and gives every
    row of a training time to the training set and every row of a test time
    to the test set: all series are cut at the same dates, and each test fold
    lies after its training set in every series. ``GridSearchCV`` and
    ``cross_val_score`` take it as ``cv=`` for a global model fitted on a panel.

    A table that is not a panel is split as ``TimeSeriesSplit`` splits it.

    Parameters
    ----------
    n_splits : int, default=5
        Number of splits.
    max_train_size : int, default=None
        Most distinct times in a training set (the latest ones).
    test_size : int, default=None
        Distinct times in each test set; by default
        ``n_times // (n_splits + 1)``.
    gap : int, default=0
        Distinct times left out between each training set and its test set.

    See Also
    --------
    PerSeriesScaledRegressor : One regressor for series of different magnitudes.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_rnn.forecasting import PanelTimeSeriesSplit
    >>> index = pd.MultiIndex.from_product([[2001, 2002, 2003, 2004], ["a", "b"]])
    >>> panel = pd.DataFrame({"value": range(8)}, index=index.swaplevel())
    >>> for train, test in PanelTimeSeriesSplit(n_splits=2).split(panel):
    ...     print(sorted(set(panel.index[test].get_level_values(1))), len(train), len(test))
    [2003] 4 2
    [2004] 6 2
    """

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Row positions of each training set and its test set.

        Parameters
        ----------
        X : panel DataFrame or Series indexed by (series, time), or array-like
            The rows to split; a panel is split by its times (the second
            index level). A panel whose first level holds times and whose
            second holds labels (a wide frame's ``stack()``) is refused.
        y : array-like, default=None
            Ignored; there for compatibility.
        groups : None
            Ignored; there for compatibility.

        Yields
        ------
        train : ndarray
            Positions of the rows whose time is in the training times.
        test : ndarray
            Positions of the rows whose time is in the test times.
        """
        if not has_panel_index(X):
            yield from super().split(X, y, groups)
            return
        # A stacked wide frame, (time, series), would be split on its series
        # labels: refused as every forecasting tool refuses it. A (date, number)
        # panel is not refused, and its warning is left to the fit of each fold.
        check_level_order(type(self).__name__, X.index, warn=False)
        # The rank of each row's time among the panel's distinct times.
        ranks, times = pd.factorize(X.index.get_level_values(1), sort=True)
        try:
            # Listed first, so that a refusal is raised here and reworded below.
            splits = list(super().split(np.empty((len(times), 1))))
        except ValueError as error:
            # TimeSeriesSplit counts "samples": here the distinct times, not the panel's rows.
            raise ValueError(
                f"{type(self).__name__} splits a panel by its distinct times, and this one has "
                f"{len(times)} (in {len(X)} rows), too few for n_splits={self.n_splits}, "
                f"test_size={self.test_size} and gap={self.gap} ({error}). Lower n_splits, "
                "test_size or gap, or give a panel of more times."
            ) from error
        for train_times, test_times in splits:
            yield np.flatnonzero(np.isin(ranks, train_times)), np.flatnonzero(np.isin(ranks, test_times))
