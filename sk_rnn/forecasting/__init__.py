"""Forecasting with scikit-learn tools: changes as targets, multi-step, many series, baselines, plots."""

from ._baselines import LagRidgeRegressor, SeasonalNaiveRegressor
from ._direct import direct_forecast
from ._display import ForecastDisplay
from ._ets import ExponentialSmoothingRegressor
from ._network import forecasting_regressor
from ._panel_split import PanelTimeSeriesSplit
from ._recursive import recursive_forecast
from ._series_scaling import PerSeriesScaledRegressor
from ._target import DifferencedTargetRegressor, default_forecasting_pipeline

__all__ = [
    "DifferencedTargetRegressor",
    "ExponentialSmoothingRegressor",
    "ForecastDisplay",
    "LagRidgeRegressor",
    "PanelTimeSeriesSplit",
    "PerSeriesScaledRegressor",
    "SeasonalNaiveRegressor",
    "default_forecasting_pipeline",
    "direct_forecast",
    "forecasting_regressor",
    "recursive_forecast",
]
