"""Split conformal prediction: which past error bounds an interval, and the intervals returned."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["conformal_rank", "forecast_with_intervals", "largest_coverage", "smallest_calibration_size"]


def smallest_calibration_size(coverage: float) -> int:
    """The fewest past errors whose ``ceil((n + 1) * coverage)``-th smallest exists: rank at most n.

    Found by the rule itself: coverage / (1 - coverage) in floats rounds up
    past whole numbers (0.8 / 0.2 is 4.000000000000001, yet 4 origins give
    rank 4).
    """
    smallest = max(1, math.floor(coverage / (1 - coverage)) - 1)
    while math.ceil((smallest + 1) * coverage) > smallest:
        smallest += 1
    return smallest


def largest_coverage(calibration_size: int) -> float:
    """The largest coverage in hundredths that ``calibration_size`` past errors can promise."""
    hundredths = math.floor(100 * calibration_size / (calibration_size + 1))
    # Checked by the rule, as float rounding can tip n / (n + 1) either way.
    while hundredths > 0 and smallest_calibration_size(hundredths / 100) > calibration_size:
        hundredths -= 1
    return hundredths / 100


def conformal_rank(name: str, coverage: float, calibration_size: int) -> int:
    """Which sorted absolute error bounds the interval: ``ceil((n + 1) * coverage)``, at most n."""
    rank = math.ceil((calibration_size + 1) * coverage)
    if rank > calibration_size:
        raise ValueError(
            f"{name} needs calibration_size >= {smallest_calibration_size(coverage)} "
            f"for coverage={coverage} (with {calibration_size} origins no past error is large "
            "enough to promise it). Raise calibration_size, or lower coverage."
        )
    return rank


def forecast_with_intervals(
    forecasts: np.ndarray, half_widths: np.ndarray | None, index: pd.Index | None, name: Any
) -> np.ndarray | pd.Series | tuple:
    """The forecast, and with ``half_widths`` its intervals: arrays, or pandas objects on ``index``."""
    if half_widths is not None:
        intervals = np.c_[forecasts - half_widths, forecasts + half_widths]
    if index is None:
        return forecasts if half_widths is None else (forecasts, intervals)
    forecast = pd.Series(forecasts, index=index, name=name)
    if half_widths is None:
        return forecast
    return forecast, pd.DataFrame(intervals, index=index, columns=["lower", "upper"])
