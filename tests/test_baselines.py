"""The baselines: seasonal naive and ridge on lags, as row-aligned regressors."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sk_rnn.datasets import load_airline, load_sunspots
from sk_rnn.forecasting import LagRidgeRegressor, SeasonalNaiveRegressor
from sk_rnn.preprocessing import lead_target


def rows_and_target(series, horizon=1):
    series = np.asarray(series, dtype=float)
    return series[:-horizon].reshape(-1, 1), lead_target(series, horizon)


def test_seasonal_naive_forecasts_the_value_whole_seasons_before_the_target():
    series = np.arange(20.0) ** 2
    X, y = rows_and_target(series, horizon=5)
    forecast = SeasonalNaiveRegressor(season=4, horizon=5).fit(X, y).predict(X)
    # Five steps ahead with a season of 4: two seasons (8 steps) before the target,
    # the closest whole number of seasons already observed.
    t = np.arange(3, len(X))
    np.testing.assert_array_equal(forecast[t], series[t + 5 - 8])
    # The first rows have no value two seasons before their target: the last value.
    np.testing.assert_array_equal(forecast[:3], series[:3])


def test_seasonal_naive_with_season_one_is_the_naive_forecast():
    series = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
    X, y = rows_and_target(series)
    np.testing.assert_array_equal(SeasonalNaiveRegressor().fit(X, y).predict(X), series[:-1])


def test_lag_ridge_recovers_a_linear_recurrence():
    # x[t + 1] = 1.5 x[t] - 0.7 x[t - 1]: two lags describe it exactly.
    series = [1.0, 0.5]
    for _ in range(60):
        series.append(1.5 * series[-1] - 0.7 * series[-2])
    X, y = rows_and_target(series)
    model = LagRidgeRegressor(n_lags=2, alphas=[1e-10]).fit(X, y)
    np.testing.assert_allclose(model.ridge_.coef_, [-0.7, 1.5], atol=1e-4)
    np.testing.assert_allclose(model.predict(X)[1:], y[1:], atol=1e-4)


def test_the_baselines_reproduce_the_airline_leaderboard():
    """Airline, one month ahead, the last 29 months held out: the numbers the main job prints."""
    X, y = rows_and_target(load_airline().frame["passengers"])
    n_train = len(X) - 29
    naive = SeasonalNaiveRegressor(season=12).fit(X[:n_train], y[:n_train])
    ridge = TransformedTargetRegressor(
        make_pipeline(FunctionTransformer(np.log, np.exp), LagRidgeRegressor(12)),
        func=np.log,
        inverse_func=np.exp,
    ).fit(X[:n_train], y[:n_train])
    assert root_mean_squared_error(y[n_train:], naive.predict(X)[n_train:]) == pytest.approx(46.08, abs=0.01)
    assert root_mean_squared_error(y[n_train:], ridge.predict(X)[n_train:]) == pytest.approx(21.0, abs=0.1)


def test_lag_ridge_search_over_lags_with_time_series_split():
    X, y = rows_and_target(load_sunspots().frame["sunspots"])
    search = GridSearchCV(
        LagRidgeRegressor(), {"n_lags": [2, 11]}, cv=TimeSeriesSplit(3), scoring="neg_root_mean_squared_error"
    ).fit(X, y)
    # The 11-year cycle needs a cycle of lags; two lags only see the last slope.
    assert search.best_params_ == {"n_lags": 11}


def test_the_forecast_column_is_chosen_by_name_in_a_frame():
    frame = pd.DataFrame({"temperature": np.linspace(0, 1, 30), "sales": np.arange(30.0) % 7})
    y = frame["sales"].to_numpy()[1:]
    forecast = (
        SeasonalNaiveRegressor(season=7, column="sales").fit(frame.iloc[:-1], y).predict(frame.iloc[:-1])
    )
    np.testing.assert_array_equal(forecast[6:], frame["sales"].to_numpy()[:23])
    with pytest.raises(ValueError, match=r"column='price', but X has columns \['temperature', 'sales'\]"):
        LagRidgeRegressor(3, column="price").fit(frame.iloc[:-1], y)


def test_lag_ridge_refuses_a_series_shorter_than_its_lags():
    X, y = rows_and_target(np.arange(6.0))
    with pytest.raises(ValueError, match=r"n_lags=5\) needs at least 6 rows.*but got 5 samples"):
        LagRidgeRegressor(n_lags=5).fit(X, y)


def test_the_baselines_refuse_gaps_in_the_series():
    X, y = rows_and_target(np.arange(10.0))
    X[4, 0] = np.nan
    for baseline in (SeasonalNaiveRegressor(2), LagRidgeRegressor(2)):
        with pytest.raises(ValueError, match=r"NaN at row 4, column 0 of the series.*fill gaps first"):
            baseline.fit(X, y)
