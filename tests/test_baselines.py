"""The baselines: seasonal naive and ridge on lags, reading windows as the networks do."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sk_rnn.datasets import load_airline, load_sunspots
from sk_rnn.forecasting import (
    ExponentialSmoothingRegressor,
    LagRidgeRegressor,
    SeasonalNaiveRegressor,
    direct_forecast,
)
from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target


def rows_and_target(series, horizon=1):
    series = np.asarray(series, dtype=float)
    return series[:-horizon].reshape(-1, 1), lead_target(series, horizon)


def test_seasonal_naive_forecasts_the_value_whole_seasons_before_the_target():
    series = np.arange(20.0) ** 2
    X, y = rows_and_target(series, horizon=5)
    forecast = (
        make_pipeline(SlidingWindowTransformer(4), SeasonalNaiveRegressor(4, horizon=5)).fit(X, y).predict(X)
    )
    # Five steps ahead with a season of 4: two seasons (8 steps) before the target,
    # the closest whole number of seasons already observed, 3 steps before the present.
    t = np.arange(3, len(X))
    np.testing.assert_array_equal(forecast[t], series[t + 5 - 8])
    # The first windows lack those 3 steps: their first valid value, the series' first.
    np.testing.assert_array_equal(forecast[:3], series[0])


def test_seasonal_naive_refuses_windows_narrower_than_its_lag():
    X, y = rows_and_target(np.arange(30.0))
    # Windows of 5 steps cannot hold the value a season of 7 back: it would
    # read 4 steps back instead, without a word.
    with pytest.raises(ValueError, match=r"windows need at least 7 steps, but X's have 5"):
        make_pipeline(SlidingWindowTransformer(5), SeasonalNaiveRegressor(season=7)).fit(X, y)
    model = make_pipeline(SlidingWindowTransformer(7), SeasonalNaiveRegressor(season=7)).fit(X, y)
    with pytest.raises(ValueError, match=r"SlidingWindowTransformer\(7\)"):
        model[-1].predict(model[0].transform(X)[:, 2:])


def test_seasonal_naive_with_season_one_is_the_naive_forecast():
    windows = np.array([[3.0, 1.0, 4.0], [1.0, 5.0, 9.0]])
    forecast = SeasonalNaiveRegressor().fit(windows, [0.0, 0.0]).predict(windows)
    np.testing.assert_array_equal(forecast, [4.0, 9.0])


def test_baselines_read_ragged_and_padded_windows_by_their_valid_steps():
    padded = np.array([[[np.nan], [2.0], [3.0]], [[4.0], [5.0], [6.0]]])
    ragged = [np.array([2.0, 3.0]), np.array([4.0, 5.0, 6.0])]
    for X in (padded, ragged):
        np.testing.assert_array_equal(SeasonalNaiveRegressor(2).fit(X, [0.0, 0.0]).predict(X), [2.0, 5.0])


def test_lag_ridge_recovers_a_linear_recurrence():
    # x[t + 1] = 1.5 x[t] - 0.7 x[t - 1]: two lags describe it exactly.
    series = [1.0, 0.5]
    for _ in range(60):
        series.append(1.5 * series[-1] - 0.7 * series[-2])
    X, y = rows_and_target(series)
    model = make_pipeline(SlidingWindowTransformer(2), LagRidgeRegressor(alphas=[1e-10])).fit(X, y)
    np.testing.assert_allclose(model[-1].ridge_.coef_, [-0.7, 1.5], atol=1e-4)
    np.testing.assert_allclose(model.predict(X)[1:], y[1:], atol=1e-4)


def test_lag_ridge_predicts_several_horizons_at_once():
    series = np.sin(np.arange(80) / 3)
    X, target = series[:-3].reshape(-1, 1), lead_target(series, 3, steps="all")
    model = make_pipeline(SlidingWindowTransformer(6), LagRidgeRegressor()).fit(X, target)
    assert model.predict(X).shape == (len(X), 3)
    np.testing.assert_allclose(model.predict(X)[10:], target[10:], atol=1e-3)


def test_lag_ridge_keeps_the_shape_of_a_one_column_target_for_direct_forecasts():
    # RidgeCV flattens a one-column y; the baseline must not, so that it can
    # stand in for a network in direct_forecast at a horizon of one step.
    series = pd.Series(np.sin(np.arange(80) / 3))
    X = series.iloc[:-1].to_frame()
    one_step = make_pipeline(SlidingWindowTransformer(6), LagRidgeRegressor())
    one_step.fit(X, lead_target(series, 1, steps="all"))
    assert one_step.predict(X).shape == (len(X), 1)
    forecast = direct_forecast(one_step, series)
    assert np.asarray(forecast) == pytest.approx(one_step.predict(series.to_frame())[-1])
    flat = make_pipeline(SlidingWindowTransformer(6), LagRidgeRegressor()).fit(X, lead_target(series))
    assert flat.predict(X).shape == (len(X),)


def test_the_baselines_reproduce_the_airline_leaderboard():
    """Airline, one month ahead, the last 29 months held out: the numbers the main job prints."""
    X, y = rows_and_target(load_airline().frame["passengers"])
    n_train = len(X) - 29
    naive = make_pipeline(SlidingWindowTransformer(12), SeasonalNaiveRegressor(12))
    ridge = TransformedTargetRegressor(
        make_pipeline(FunctionTransformer(np.log, np.exp), SlidingWindowTransformer(12), LagRidgeRegressor()),
        func=np.log,
        inverse_func=np.exp,
    )
    for model, rmse in ((naive, 46.08), (ridge, 21.02)):
        model.fit(X[:n_train], y[:n_train])
        assert root_mean_squared_error(y[n_train:], model.predict(X)[n_train:]) == pytest.approx(
            rmse, abs=0.01
        )


def test_lag_ridge_search_over_lags_with_time_series_split():
    X, y = rows_and_target(load_sunspots().frame["sunspots"])
    search = GridSearchCV(
        make_pipeline(SlidingWindowTransformer(11), LagRidgeRegressor()),
        {"lagridgeregressor__n_lags": [2, 11]},
        cv=TimeSeriesSplit(3),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    # The 11-year cycle needs a cycle of lags; two lags only see the last slope.
    assert search.best_params_ == {"lagridgeregressor__n_lags": 11}


def test_a_panel_gets_one_forecast_per_instance():
    index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1), ("b", 2), ("b", 3)], names=["id", "t"])
    panel = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=index)
    forecast = SeasonalNaiveRegressor().fit(panel, [0.0, 0.0]).predict(panel)
    pd.testing.assert_series_equal(forecast, pd.Series([2.0, 5.0], index=pd.Index(["a", "b"], name="id")))


def test_the_forecast_feature_is_checked_against_the_windows():
    windows = np.zeros((4, 3, 2))
    with pytest.raises(ValueError, match=r"feature=2, but the sequences have 2 features per step"):
        SeasonalNaiveRegressor(feature=2).fit(windows, np.zeros(4))


def test_lag_ridge_refuses_windows_shorter_than_its_lags():
    with pytest.raises(ValueError, match=r"at least 2 windows of n_lags=5 steps.*got 0 of 6 samples"):
        LagRidgeRegressor(n_lags=5).fit(np.zeros((6, 3)), np.zeros(6))
    series = np.sin(np.arange(40.0))[:, np.newaxis]
    model = LagRidgeRegressor().fit(SlidingWindowTransformer(12).fit_transform(series), np.arange(40.0))
    with pytest.raises(ValueError, match=r"fitted on 12 lags, but X's windows have 6 steps"):
        model.predict(SlidingWindowTransformer(6).fit_transform(series))


def test_seasonal_naive_refuses_several_outputs():
    with pytest.raises(ValueError, match=r"one value per window, but y has shape \(4, 2\)"):
        SeasonalNaiveRegressor().fit(np.zeros((4, 3)), np.zeros((4, 2)))


def test_exponential_smoothing_matches_statsmodels_refitted_at_every_origin():
    statsmodels = pytest.importorskip("statsmodels.tsa.holtwinters")
    series = load_airline().frame["passengers"].to_numpy(dtype=float)
    X, y = rows_and_target(series, horizon=3)
    histories = SlidingWindowTransformer(100).fit(X[:100]).transform(X)
    ets = ExponentialSmoothingRegressor(12, horizon=3, seasonal="mul").fit(histories[:100], y[:100])
    rows = [100, 120, len(X) - 1]
    expected = [
        statsmodels.ExponentialSmoothing(
            series[row - 99 : row + 1],
            trend="add",
            damped_trend=True,
            seasonal="mul",
            seasonal_periods=12,
            initialization_method="estimated",
        )
        .fit()
        .forecast(3)[-1]
        for row in rows
    ]
    np.testing.assert_allclose(ets.predict(histories[rows]), expected, rtol=1e-10)
    # Three steps ahead from the latest 100 months, beside the seasonal naive forecast
    # (measured: RMSE 21.3 against 42.3).
    naive = SeasonalNaiveRegressor(12, horizon=3).fit(histories[:100], y[:100])
    test = slice(100, None)
    ets_error = root_mean_squared_error(y[test], ets.predict(histories[test]))
    assert ets_error < 0.6 * root_mean_squared_error(y[test], naive.predict(histories[test]))


def test_exponential_smoothing_degrades_gracefully_on_short_or_non_positive_histories():
    pytest.importorskip("statsmodels")
    ets = ExponentialSmoothingRegressor(4, seasonal="mul", trend="mul").fit(np.ones((2, 3)), [1.0, 1.0])
    # Three steps: too short to smooth, the last value.
    np.testing.assert_array_equal(ets.predict(np.array([[1.0, 2.0, 5.0]])), [5.0])
    # Zeros and negatives: additive components instead of the multiplicative ones asked for.
    wavy = np.sin(np.arange(40) * np.pi / 2) * 3.0 + np.linspace(-2, 2, 40)
    forecast = (
        ExponentialSmoothingRegressor(4, seasonal="mul", trend="mul")
        .fit(wavy[None, :], [0.0])
        .predict(wavy[None, :])
    )
    assert np.isfinite(forecast).all() and abs(forecast[0] - (0 * 3.0 + 2.1)) < 1.0


def test_exponential_smoothing_without_statsmodels_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_statsmodels(name, *args, **kwargs):
        if name.startswith("statsmodels"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_statsmodels)
    with pytest.raises(ImportError, match="pip install statsmodels"):
        ExponentialSmoothingRegressor().fit(np.ones((3, 5)), [1.0, 2.0, 3.0])
