"""Direct multi-step forecasts for every series of a panel at once, from one global model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._data.panels import series_positions
from ._conformal import forecast_with_intervals
from ._panel_recursive import _series_scales, check_row_aligned, future_index, pooled_half_widths

__all__ = ["direct_predictions", "panel_direct_forecast"]


def direct_predictions(estimator: Any, X: Any, series: str) -> np.ndarray:
    """The model's ``(n_rows, horizon)`` predictions, refused with the fix if it is not a direct model."""
    prediction = np.asarray(estimator.predict(X), dtype=np.float64)
    if prediction.ndim != 2:
        raise ValueError(
            f"direct_forecast needs a direct multi-step model, one that predicts (n_rows, horizon), "
            f"but this one predicts shape {prediction.shape}. Fit it on lead_target({series}, "
            'horizon, steps="all"), or use recursive_forecast for a one-step model.'
        )
    return prediction


def _pooled_half_widths(
    values: list[np.ndarray], predictions: list[np.ndarray], coverage: float, calibration_size: int
) -> np.ndarray:
    """``(n_series, horizon)`` half-widths: conformal quantiles of scaled errors pooled over series.

    Each series contributes its ``calibration_size`` latest rows whose next
    ``horizon`` values it holds; their errors are divided by the series'
    mean absolute one-step change, pooled, and the quantile at each step is
    mapped back to each series' units.
    """
    horizon = predictions[0].shape[1]
    scales = _series_scales(values)
    errors = []
    for series, prediction, scale in zip(values, predictions, scales, strict=True):
        last_origin = len(series) - horizon - 1  # the last row whose next `horizon` values are known
        origins = np.arange(max(0, last_origin - calibration_size + 1), last_origin + 1)
        if len(origins) == 0:
            continue
        future = np.lib.stride_tricks.sliding_window_view(series[1:], horizon)[origins]
        errors.append(np.abs(future - prediction[origins]) / scale)
    return pooled_half_widths("direct_forecast", errors, scales, horizon, coverage)


def panel_direct_forecast(
    estimator: Any, panel: pd.DataFrame, position: int, coverage: float | None, calibration_size: int
) -> pd.Series | tuple[pd.Series, pd.DataFrame]:
    """Each series' forecast: the direct model's prediction for its last row, from one ``predict`` call."""
    prediction = direct_predictions(estimator, panel, "panel[column]")
    check_row_aligned("direct_forecast", prediction, len(panel))
    horizon = prediction.shape[1]
    positions = series_positions("direct_forecast", panel.index)
    labels = np.asarray([panel.index[rows[0]][0] for rows in positions], dtype=object)
    forecasts = np.stack([prediction[rows[-1]] for rows in positions])
    index = future_index(panel.index, positions, labels, horizon)
    half_widths = None
    if coverage is not None:
        column = panel.to_numpy(dtype=np.float64)[:, position]
        values = [column[rows] for rows in positions]
        half_widths = _pooled_half_widths(
            values, [prediction[rows] for rows in positions], coverage, calibration_size
        ).ravel()
    return forecast_with_intervals(forecasts.ravel(), half_widths, index, panel.columns[position])
