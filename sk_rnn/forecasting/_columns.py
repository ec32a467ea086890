"""Which column of a table holds the series being forecast, and the wrappers that name it."""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn import get_config
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import validate_data

from .._compat import HasMethods
from .._data.panels import check_target_rows
from .._data.targets import check_regression_target

__all__ = ["ForecastColumnWrapper", "column_position"]


class ForecastColumnWrapper(RegressorMixin, BaseEstimator):
    """Base of the regressors that fit an inner ``regressor`` on a target derived from X's ``column``.

    The subclasses (differences, per-series scaling) change the target by the
    forecast column's values or statistics and undo it in ``predict``, for one
    or several steps ahead.
    """

    _parameter_constraints: ClassVar[dict] = {
        "regressor": [HasMethods(["fit", "predict"]), None],
        "column": [Integral, str],
    }

    def __init__(self, regressor: Any = None, *, column: int | str = 0) -> None:
        self.regressor = regressor
        self.column = column

    def _default_regressor(self) -> Any:
        """The inner regressor used when ``regressor`` is None."""
        raise NotImplementedError

    def _validated_fit_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """X's values and y as float64, with y's rows, numbers and finiteness checked in sk_rnn's words."""
        check_target_rows(type(self).__name__, X, y)
        check_regression_target(self, y)  # NaN, inf or labels in y, said in the package's words
        return validate_data(
            self, X, y, dtype=np.float64, ensure_all_finite=False, multi_output=True, y_numeric=True
        )

    def _inner_regressor(self) -> Any:
        return self._default_regressor() if self.regressor is None else self.regressor

    def _inner_fit_params(self, fit_params: dict[str, Any]) -> dict[str, Any]:
        """What the inner regressor's ``fit`` receives: all of ``fit_params``, or what routing sends it."""
        if not get_config().get("enable_metadata_routing", False):
            return fit_params
        return dict(process_routing(self, "fit", **fit_params).regressor.fit)

    def get_metadata_routing(self) -> MetadataRouter:
        """How ``fit``'s metadata (``sample_weight``, say) reaches the inner regressor.

        Returns
        -------
        routing : MetadataRouter
            The routing of the inner regressor's ``fit``, for scikit-learn's
            metadata routing (``sklearn.set_config(enable_metadata_routing=True)``).
        """
        return MetadataRouter(owner=type(self).__name__).add(
            regressor=self._inner_regressor(), method_mapping=MethodMapping().add(caller="fit", callee="fit")
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # a direct multi-step target, (n, horizon)
        return tags


def column_position(name: str, column: int | str, X: Any, n_columns: int, *, what: str = "X") -> int:
    """The non-negative position of ``column`` in ``X`` (``what`` names X in messages).

    A name needs a DataFrame; a position may be negative, counting from the end.
    """
    if isinstance(column, str):
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"{name} got column={column!r}, a name, but {what} is not a DataFrame. Pass the "
                f"column's position instead, or {what} as a DataFrame."
            )
        columns = list(X.columns)
        if column not in columns:
            raise ValueError(f"{name} got column={column!r}, but {what} has columns {columns}.")
        return columns.index(column)
    if not -n_columns <= column < n_columns:
        raise ValueError(
            f"{name} got column={column}, but {what} has {n_columns} columns; use a position "
            f"between 0 and {n_columns - 1} (negative positions count from the end)."
        )
    return int(column) % n_columns
