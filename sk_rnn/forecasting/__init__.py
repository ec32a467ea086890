"""Forecasting with scikit-learn tools: changes as targets, multi-step forecasts, baselines, plots."""

from ._baselines import LagRidgeRegressor, SeasonalNaiveRegressor
from ._display import ForecastDisplay
from ._network import forecasting_regressor
from ._recursive import recursive_forecast
from ._target import DifferencedTargetRegressor, default_forecasting_pipeline

__all__ = [
    "DifferencedTargetRegressor",
    "ForecastDisplay",
    "LagRidgeRegressor",
    "SeasonalNaiveRegressor",
    "default_forecasting_pipeline",
    "forecasting_regressor",
    "recursive_forecast",
]
